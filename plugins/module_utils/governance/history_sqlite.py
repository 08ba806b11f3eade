# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The run history's SQLite store: one file (by default fleet-history.sqlite next to the reports).

The format number is SQLite's user_version; BEGIN IMMEDIATE takes the file's write lock, which another run waits
for (busy timeout). A process that dies half-way leaves a hot journal that the next opener rolls back.
The file holds staff names and device identities, so it follows the reports' rule (private_files): created with
their mode (0640 by default) narrowed by the umask, and an existing file is narrowed to it, never widened. SQLite
gives its journal the file's mode. Stdlib sqlite3 only.
"""

from __future__ import annotations

import os
import sqlite3

from ansible_collections.hardening.signal.plugins.module_utils.governance.history import LOCK_WAIT_SECONDS, HistoryError, Store
from ansible_collections.hardening.signal.plugins.module_utils.private_files import DEFAULT_MODE, file_mode, narrow


class SQLiteStore(Store):
    errors = (sqlite3.Error,)
    column_types = {"run_key": "INTEGER PRIMARY KEY AUTOINCREMENT", "real": "REAL", "blob": "BLOB",
                    "clustered": " WITHOUT ROWID"}

    def __init__(self, path, journal_mode="delete", timeout=LOCK_WAIT_SECONDS, mode=DEFAULT_MODE):
        self.location = self.path = os.path.abspath(path)
        try:
            os.makedirs(os.path.dirname(self.path), exist_ok=True)
            _create_private(self.path, file_mode(mode))
            # Autocommit mode: transactions are begun and ended explicitly.
            self.db = sqlite3.connect(self.path, timeout=timeout, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise HistoryError("history %s cannot be opened: %s" % (self.path, exc))
        try:
            self.db.execute("PRAGMA journal_mode=%s" % {"wal": "WAL"}.get(journal_mode, "DELETE"))
            self.db.execute("PRAGMA cache_size=-65536")
            self.db.execute("PRAGMA temp_store=MEMORY")
        except sqlite3.Error as exc:
            self.db.close()
            raise HistoryError("history %s cannot be used: %s" % (self.path, exc))

    def execute(self, sql, params=()):
        return self.db.execute(sql, params)

    def executemany(self, sql, rows):
        self.db.executemany(sql, rows)

    def insert_results(self, run_id, rows):
        self.db.executemany("INSERT INTO results (run_id, subject, control, status) VALUES (%d, ?, ?, ?)" % run_id, rows)

    def begin_write(self):
        self.db.execute("BEGIN IMMEDIATE")

    def commit(self):
        self.db.execute("COMMIT")

    def rollback(self):
        if self.db.in_transaction:
            try:
                self.db.execute("ROLLBACK")
            except sqlite3.Error:
                pass  # SQLite already rolled back (it does so itself after some errors)

    def close(self):
        self.rollback()
        self.db.close()

    def format_version(self):
        return self.db.execute("PRAGMA user_version").fetchone()[0]

    def set_format_version(self, version):
        self.db.execute("PRAGMA user_version=%d" % version)

    def holds_other_data(self):
        return bool(self.db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0])

    def create_schema(self, statements):
        for statement in statements:
            self.db.execute(statement)


def _create_private(path, mode):
    """Create the file with mode when it does not exist yet; narrow an existing one to it (never widen it)."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    except FileExistsError:
        narrow(path, mode)
        return
    # os.open applies the umask too; fchmod makes the mode exact (file_mode has already narrowed it by the umask).
    os.fchmod(descriptor, mode)
    os.close(descriptor)
