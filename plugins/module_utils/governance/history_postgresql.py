# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The run history's PostgreSQL store (signal_hardening_history_url), through psycopg 3.

The history's tables live in the schema SCHEMA of the URL's database (so a database shared with other
applications, AWX's own for one, keeps them apart); the first run creates it when it does not exist, with the
tables and HISTORY_FORMAT_TABLE, which holds the format number. Writers serialise on an advisory lock (LOCK_KEY, in
that database), taken before their transaction begins and given back when it ends (or with the connection): the
same single-writer rule as SQLite's write lock, waited for up to LOCK_WAIT_SECONDS (lock_timeout). Results are
appended with COPY. A server that cannot be reached gives up after CONNECT_TIMEOUT seconds unless the URL sets
connect_timeout.

The password comes from the URL, else HARDENING_SIGNAL_HISTORY_PASSWORD, else libpq's own ways (a .pgpass file,
PGPASSFILE). Every message this store raises names the URL without its password, and has every form of the
password scrubbed from the server's or the driver's words.
"""

from __future__ import annotations

import contextlib
import os

from ansible_collections.hardening.signal.plugins.module_utils.governance import history_location as L
from ansible_collections.hardening.signal.plugins.module_utils.governance.history import LOCK_WAIT_SECONDS, HistoryError, Store

try:
    import psycopg
except ImportError:  # history_location.parse names the missing package before a connection is tried
    psycopg = None

SCHEMA = "hardening_signal"
HISTORY_FORMAT_TABLE = "history_format"
# The advisory lock's key for "writing the hardening.signal history" (any fixed number; this one spells 'hsig').
LOCK_KEY = 0x68736967
CONNECT_TIMEOUT = 10
# Rows sent to COPY per write.
COPY_CHUNK = 20000


class PostgreSQLHistoryError(Exception):
    """A database error, its message scrubbed of the password."""


class PostgreSQLStore(Store):
    errors = (PostgreSQLHistoryError,)
    column_types = {"run_key": "INTEGER PRIMARY KEY", "real": "DOUBLE PRECISION", "blob": "BYTEA", "clustered": ""}

    def __init__(self, url, environ=None):
        environ = os.environ if environ is None else environ
        self.location = L.redacted(url)
        self._secrets = L.secrets_of(url, environ)
        try:
            keywords = L.parse(url)
        except ValueError as exc:
            raise HistoryError("history %s cannot be opened: %s" % (self.location, exc))
        self._locked = False
        options = {"autocommit": True, "application_name": "hardening.signal"}
        if "connect_timeout" not in keywords:
            options["connect_timeout"] = CONNECT_TIMEOUT
        if "password" not in keywords and environ.get(L.PASSWORD_ENV):
            options["password"] = environ[L.PASSWORD_ENV]
        try:
            self.db = psycopg.connect(url, **options)
        except psycopg.Error as exc:
            raise HistoryError("history %s cannot be opened: %s" % (self.location, self._words(exc)))
        try:
            with self._translated():
                # Autocommit: transactions are begun and ended explicitly, as with SQLite.
                self.db.execute("SET search_path TO %s" % SCHEMA)
                self.db.execute("SET lock_timeout = %d" % int(LOCK_WAIT_SECONDS * 1000))
        except PostgreSQLHistoryError as exc:
            self.db.close()
            raise HistoryError("history %s cannot be used: %s" % (self.location, exc))

    def _words(self, exc):
        """The driver's message on one line (libpq adds hints on lines of their own), without the password."""
        return L.scrub(" ".join(str(exc).split()), self._secrets)

    @contextlib.contextmanager
    def _translated(self):
        try:
            yield
        except psycopg.Error as exc:
            raise PostgreSQLHistoryError(self._words(exc))

    @staticmethod
    def _sql(sql):
        """The shared SQL with psycopg's placeholders (it has no other % sign)."""
        return sql.replace("?", "%s")

    def execute(self, sql, params=()):
        with self._translated():
            return self.db.execute(self._sql(sql), params or None)

    def executemany(self, sql, rows):
        rows = list(rows)
        if rows:
            with self._translated(), self.db.cursor() as cursor:
                cursor.executemany(self._sql(sql), rows)

    def insert_results(self, run_id, rows):
        prefix = "%d\t" % run_id
        with self._translated(), self.db.cursor() as cursor:
            with cursor.copy("COPY results (run_id, subject, control, status) FROM STDIN") as copy:
                lines = []
                for subject, control, status in rows:
                    lines.append("%s%d\t%d\t%d\n" % (prefix, subject, control, status))
                    if len(lines) == COPY_CHUNK:
                        copy.write("".join(lines))
                        lines = []
                if lines:
                    copy.write("".join(lines))

    def begin_write(self):
        with self._translated():
            # The lock first, then the transaction: a transaction begun before another writer committed could
            # still see the catalogue as it was (a schema that writer has just created missing).
            self.db.execute("SELECT pg_advisory_lock(%d)" % LOCK_KEY)
            self._locked = True
            self.db.execute("BEGIN")

    def commit(self):
        try:
            with self._translated():
                self.db.execute("COMMIT")
        finally:
            self._unlock()

    def rollback(self):
        if not self.db.closed and self.db.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
            try:
                self.db.execute("ROLLBACK")
            except psycopg.Error:
                pass  # the connection is gone: the server rolls the transaction back itself
        self._unlock()

    def _unlock(self):
        if self._locked:
            self._locked = False
            try:
                self.db.execute("SELECT pg_advisory_unlock(%d)" % LOCK_KEY)
            except psycopg.Error:
                pass  # the connection is gone, and the lock with it

    def close(self):
        self.rollback()
        self.db.close()

    def format_version(self):
        with self._translated():
            if self.db.execute("SELECT to_regclass(%s)", ("%s.%s" % (SCHEMA, HISTORY_FORMAT_TABLE),)).fetchone()[0] is None:
                return 0
            row = self.db.execute("SELECT max(version) FROM %s" % HISTORY_FORMAT_TABLE).fetchone()
        return row[0] or 0

    def set_format_version(self, version):
        with self._translated():
            self.db.execute("CREATE TABLE IF NOT EXISTS %s (version INTEGER NOT NULL)" % HISTORY_FORMAT_TABLE)
            self.db.execute("DELETE FROM %s" % HISTORY_FORMAT_TABLE)
            self.db.execute("INSERT INTO %s (version) VALUES (%d)" % (HISTORY_FORMAT_TABLE, version))

    def holds_other_data(self):
        with self._translated():
            return bool(self.db.execute(
                "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = %s AND c.relkind IN ('r', 'v', 'm', 'p', 'f')", (SCHEMA,)).fetchone()[0])

    def create_schema(self, statements):
        with self._translated():
            # Only when missing: a schema made beforehand by a database owner needs no CREATE right on the database.
            if self.db.execute("SELECT to_regnamespace(%s)", (SCHEMA,)).fetchone()[0] is None:
                self.db.execute("CREATE SCHEMA %s" % SCHEMA)
            for statement in statements:
                self.db.execute(statement)
