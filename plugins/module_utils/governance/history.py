# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The run history: every run's results, kept in an SQLite file (fleet-history.sqlite next to the reports, the
default) or in a PostgreSQL database (signal_hardening_history_url).

Where it is kept is a store: history_sqlite.SQLiteStore or history_postgresql.PostgreSQLStore, each a connection,
the history's write lock, where the format number is kept, and the few column types and bulk insert their SQL
dialects differ in (see Store below). The queries, failing_since, the changes, the trend and pruning are written
once, here, for both.

Tables (format 1):

  runs(run_id, generated_at, check_mode, pct, totals)   one row per run; totals is the JSON of the summary's totals
  results(run_id, subject, control, status)              one row per result of every run; the primary key
                                                         (run_id, subject, control) is its index, so appending a
                                                         run writes at the end of the table
  subjects(subject, name), controls(control, name),      the names behind results' small integer ids (a 50,000-
  statuses(status, name)                                 subject run is 750,000 rows: ids keep it about 11 MB)
  results_by_name                                        a view of results with the names
  streaks(subject, packed)                               internal: per subject and control, the last recorded status
                                                         and, when it is not pass, the first run of its unbroken non-pass
                                                         streak (one blob of 32-bit numbers since_run_id << 3 | status,
                                                         indexed by control id, so a run reads 50,000 rows, not 750,000)

A run is appended in one transaction, which holds the history's write lock until it ends: either all of it is
recorded or, after any failure (including the process dying half-way), none of it, and the earlier history is
intact. Two runs at once are serialised by that lock: the second waits (up to LOCK_WAIT_SECONDS) and is then
appended after the first. The caller commits only once the reports are written, so the history never holds a
run whose reports were not written. A history of a newer format than FORMAT_VERSION is neither read nor written.

failing_since: for a result that is not pass (fail, unknown, manual, error, or waived: an accepted failure
is still a failure), the generated_at of the first run of its current unbroken streak of such statuses. A
pass or a not_applicable ends a streak; a run in which the subject was not judged at all (left out with
--limit, say) neither ends nor extends it.

Pruning (append's keep_runs): the results of all but the newest keep_runs runs are deleted in the same transaction
as the append, with the subjects (and their streaks) that none of the kept runs judged. The runs rows stay: the trend
reads them, and a streak may have begun in a pruned run. Both stores reuse the freed space, so the history stops growing.

Changes are against each result's last recorded status (normally the previous run's): newly failing is a
result now fail, unknown, manual or error that was pass, not_applicable or waived (or not judged before);
fixed is a result now pass that was not.

Controller-side only.
"""

from __future__ import annotations

import abc
import array
import json
import os
import sys
import time

from ansible_collections.hardening.signal.plugins.module_utils.engine import statuses as S

FORMAT_VERSION = 1
DEFAULT_NAME = "fleet-history.sqlite"
CHANGES_LIMIT = 100
TREND_RUNS = 30
# How long a run waits for another run's write lock (the other run holds it while it writes its reports).
LOCK_WAIT_SECONDS = 60.0
# Subjects looked up per query when pruning (well under SQLite's oldest limit of 999 parameters).
PRUNE_BATCH = 500
CODES = {status: code for code, status in enumerate(S.ALL)}
FAILING = frozenset(CODES[s] for s in (S.FAIL, S.UNKNOWN, S.MANUAL, S.ERROR))
NOT_PASSING = FAILING | {CODES[S.WAIVED]}
PASSING = CODES[S.PASS]
# A streak is one unsigned 32-bit number: since_run_id << 3 | status code; NEVER (code 7) is "no result yet".
CODE_BITS = 3
CODE_MASK = (1 << CODE_BITS) - 1
NEVER = CODE_MASK
STREAK_TYPE = "I"
_BIG_ENDIAN = sys.byteorder == "big"
_NOTHING = array.array(STREAK_TYPE)


def unpack(packed):
    """A subject's streaks, indexed by control id, from their stored form (little-endian 32-bit numbers)."""
    if not packed:
        return _NOTHING
    streaks = array.array(STREAK_TYPE)
    streaks.frombytes(packed)
    if _BIG_ENDIAN:
        streaks.byteswap()
    return streaks


def pack(streaks):
    if _BIG_ENDIAN:
        streaks = array.array(STREAK_TYPE, streaks)
        streaks.byteswap()
    return streaks.tobytes()


# One schema for both stores; a store's column_types fill in where their dialects differ.
SCHEMA_SQL = """
CREATE TABLE runs (
    run_id {run_key},
    generated_at TEXT NOT NULL,
    check_mode INTEGER NOT NULL,
    pct {real},
    totals TEXT NOT NULL
);
CREATE INDEX runs_by_time ON runs (generated_at);
CREATE TABLE subjects (subject INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE controls (control INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE statuses (status INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE results (
    run_id INTEGER NOT NULL,
    subject INTEGER NOT NULL,
    control INTEGER NOT NULL,
    status INTEGER NOT NULL,
    PRIMARY KEY (run_id, subject, control)
){clustered};
CREATE TABLE streaks (subject INTEGER PRIMARY KEY, packed {blob} NOT NULL);
CREATE VIEW results_by_name AS
    SELECT r.run_id, s.name AS subject, c.name AS control, t.name AS status
    FROM results r JOIN subjects s ON s.subject = r.subject JOIN controls c ON c.control = r.control
    JOIN statuses t ON t.status = r.status;
"""


def schema_statements(column_types):
    """SCHEMA_SQL in a store's column types, one statement at a time."""
    return [statement.strip() for statement in SCHEMA_SQL.format(**column_types).split(";") if statement.strip()]


class HistoryError(Exception):
    """The history cannot be read or written; the message names the file or the database (never a password)."""


class Store(abc.ABC):
    """Where a history is kept: a connection to it, its write lock, and what differs between SQL dialects.

    SQL given to execute and executemany uses ? placeholders and SQL both dialects share. A store raises the
    exceptions in `errors` (its driver's) or HistoryError; the history turns the former into HistoryError.
    """

    # What messages and the summary name: the file, or the database's URL without its password.
    location = None
    # The driver's exception classes.
    errors = ()
    # The dialect's words in SCHEMA_SQL: run_key, real, blob, clustered.
    column_types = {}

    @abc.abstractmethod
    def execute(self, sql, params=()):
        """Run one statement; a cursor to iterate over (or fetchone/fetchall from)."""

    @abc.abstractmethod
    def executemany(self, sql, rows):
        """Run one statement once per row of parameters."""

    @abc.abstractmethod
    def insert_results(self, run_id, rows):
        """Append (subject, control, status) rows of one run to results, in bulk."""

    @abc.abstractmethod
    def begin_write(self):
        """Begin a transaction holding the history's write lock, waiting up to LOCK_WAIT_SECONDS for it."""

    @abc.abstractmethod
    def commit(self):
        """Commit the transaction (and so release the write lock)."""

    @abc.abstractmethod
    def rollback(self):
        """Roll the transaction back; does nothing when none is open."""

    @abc.abstractmethod
    def close(self):
        """Close the connection (an open transaction is rolled back)."""

    @abc.abstractmethod
    def format_version(self):
        """The history's format number; 0 when none is recorded yet (a new history)."""

    @abc.abstractmethod
    def set_format_version(self, version):
        """Record the format number (within the transaction that creates the schema)."""

    @abc.abstractmethod
    def holds_other_data(self):
        """Whether there are tables that are not a history's, where a new history would be created."""

    @abc.abstractmethod
    def create_schema(self, statements):
        """Create the tables (within the write transaction)."""


def default_path(report_dir):
    return os.path.join(report_dir, DEFAULT_NAME)


def shown_location(location):
    """How the summary and messages name a history location: a URL without its password, a path as it is."""
    from ansible_collections.hardening.signal.plugins.module_utils.governance import history_location
    return history_location.redacted(location)


def open_history(location, **options):
    """The History at location: a postgresql:// URL (see history_location), or else an SQLite file's path.

    options go to the store (SQLite: journal_mode, timeout, mode, the file's as private_files says; PostgreSQL:
    environ, where the password may be). Raises HistoryError.
    """
    from ansible_collections.hardening.signal.plugins.module_utils.governance import history_location
    if history_location.is_url(location):
        from ansible_collections.hardening.signal.plugins.module_utils.governance.history_postgresql import PostgreSQLStore
        return History(PostgreSQLStore(location, **options))
    from ansible_collections.hardening.signal.plugins.module_utils.governance.history_sqlite import SQLiteStore
    return History(SQLiteStore(location, **options))


class History(object):
    """One history, in a store. Use append(), then commit() or rollback(), then close()."""

    def __init__(self, store):
        self.store = store
        # What the summary and messages name: the file, or the database's URL without its password.
        self.location = store.location
        self._in_transaction = False
        self._started = 0.0
        # Seconds spent loading the streaks, writing the results (with failing_since and the changes), and in all.
        self.timings = {}
        # What the last append pruned (see _prune).
        self.pruned = {"up_to_run": None, "subjects": 0}
        # Set by _append for _prune: every recorded subject's id by name, and the ids this run judged.
        self._subject_ids, self._judged = {}, set()
        try:
            self._create_or_check()
        except HistoryError:
            store.close()
            raise
        except store.errors as exc:
            store.close()
            raise HistoryError("history %s cannot be used: %s" % (self.location, exc))

    def _check_version(self, version):
        if version > FORMAT_VERSION:
            raise HistoryError("history %s has format %d, newer than this version of hardening.signal knows (format %d): "
                               "it is not written to; run a version of the collection that knows format %d"
                               % (self.location, version, FORMAT_VERSION, version))
        if version not in (0, FORMAT_VERSION):
            raise HistoryError("history %s has format %d; this version of hardening.signal reads format %d"
                               % (self.location, version, FORMAT_VERSION))

    def _create_or_check(self):
        store = self.store
        version = store.format_version()
        self._check_version(version)
        if version == FORMAT_VERSION:
            return
        store.begin_write()
        try:
            # Again under the write lock: another run may have created it meanwhile.
            version = store.format_version()
            self._check_version(version)
            if version == FORMAT_VERSION:
                store.commit()
                return
            if store.holds_other_data():
                raise HistoryError("history %s holds tables, but is not a hardening.signal history" % self.location)
            store.create_schema(schema_statements(store.column_types))
            store.executemany("INSERT INTO statuses (status, name) VALUES (?, ?)", [(c, s) for s, c in CODES.items()])
            store.set_format_version(FORMAT_VERSION)
            store.commit()
        except BaseException:
            store.rollback()
            raise

    # ---- appending a run -------------------------------------------------------------------------------

    def append(self, summary, changes_limit=CHANGES_LIMIT, trend_runs=TREND_RUNS, keep_runs=0):
        """Record the summary's results in a new run (not yet committed) and set failing_since on its results.

        keep_runs > 0: in the same transaction, prune the results of all but the newest keep_runs runs (see
        _prune). Returns {"history": ..., "changes": ..., "trend": ...} for the summary. On any failure the run
        is rolled back and HistoryError is raised.
        """
        if isinstance(keep_runs, bool) or not isinstance(keep_runs, int) or keep_runs < 0:
            raise ValueError("keep_runs must be 0 (keep every run) or a number of runs, not %r" % (keep_runs,))
        started = time.monotonic()
        try:
            self._in_transaction = True
            self.store.begin_write()
            # Under the write lock: a newer version of the collection may have upgraded the history since it was opened.
            self._check_version(self.store.format_version())
            sections = self._append(summary, changes_limit, trend_runs)
            pruning = time.monotonic()
            if keep_runs:
                self.pruned = self._prune(sections["history"]["run_id"], keep_runs)
            self.timings["prune"] = round(time.monotonic() - pruning, 3)
        except self.store.errors as exc:
            self.rollback()
            _forget_failing_since(summary)
            raise HistoryError("history %s: the run could not be recorded (the earlier history is kept): %s"
                               % (self.location, exc))
        except BaseException:
            self.rollback()
            _forget_failing_since(summary)
            raise
        sections["history"]["seconds"] = self.timings["append"] = round(time.monotonic() - started, 3)
        return sections

    def _append(self, summary, changes_limit, trend_runs):
        store = self.store
        self._started = time.monotonic()
        compliance = summary.get("compliance") or {}
        # Numbered here, under the write lock (runs rows are never deleted): the same in both stores.
        run_id = store.execute("SELECT coalesce(max(run_id), 0) + 1 FROM runs").fetchone()[0]
        store.execute("INSERT INTO runs (run_id, generated_at, check_mode, pct, totals) VALUES (?, ?, ?, ?, ?)",
                      (run_id, summary["generated_at"], 1 if (summary.get("run") or {}).get("check_mode") else 0,
                       compliance.get("pct"), json.dumps(summary.get("totals") or {}, sort_keys=True)))
        run_times = dict(store.execute("SELECT run_id, generated_at FROM runs"))
        previous = store.execute("SELECT run_id, generated_at FROM runs WHERE run_id < ? ORDER BY run_id DESC LIMIT 1",
                                 (run_id,)).fetchone()
        subject_ids = dict(store.execute("SELECT name, subject FROM subjects"))
        control_ids = dict(store.execute("SELECT name, control FROM controls"))
        streaks = dict(store.execute("SELECT subject, packed FROM streaks"))
        self.timings["load"] = round(time.monotonic() - self._started, 3)
        tracker = _Changes(previous is not None, changes_limit)
        new_names = {"subjects": [], "controls": []}
        changed = []
        self._judged = judged = set()

        def rows():
            """The results rows of this run; also works out failing_since, the changes and the new streaks."""
            next_subject = max(subject_ids.values(), default=0) + 1
            next_control = max(control_ids.values(), default=0) + 1
            names_this_run = set()
            # Local names: this loop runs once per result (750,000 times for 50,000 subjects).
            codes, not_passing, code_bits, code_mask, never, note = CODES, NOT_PASSING, CODE_BITS, CODE_MASK, NEVER, tracker.note
            for subject in summary["subjects"]:
                name = _unique_name(subject, names_this_run)
                subject_id = subject_ids.get(name)
                if subject_id is None:
                    subject_id = subject_ids[name] = next_subject
                    next_subject += 1
                    new_names["subjects"].append((subject_id, name))
                judged.add(subject_id)
                old = unpack(streaks.get(subject_id))
                new = array.array(STREAK_TYPE, old)
                for result in subject["results"]:
                    control_name = result["control"]
                    control_id = control_ids.get(control_name)
                    if control_id is None:
                        control_id = control_ids[control_name] = next_control
                        next_control += 1
                        new_names["controls"].append((control_id, control_name))
                    if control_id >= len(new):
                        new.extend(never for _missing in range(control_id + 1 - len(new)))
                    code = codes[result["status"]]
                    held = new[control_id]
                    old_code, old_since = held & code_mask, held >> code_bits
                    if code in not_passing:
                        since = old_since if old_since and old_code in not_passing else run_id
                        result["failing_since"] = run_times[since]
                    else:
                        since = 0
                    if old_code != code:
                        note(subject["id"], control_name, code, None if old_code == never else old_code)
                    new[control_id] = (since << code_bits) | code
                    yield subject_id, control_id, code
                if new != old:
                    changed.append((subject_id, pack(new)))

        store.insert_results(run_id, rows())
        self.timings["results"] = round(time.monotonic() - self._started - self.timings["load"], 3)
        store.executemany("INSERT INTO subjects (subject, name) VALUES (?, ?)", new_names["subjects"])
        store.executemany("INSERT INTO controls (control, name) VALUES (?, ?)", new_names["controls"])
        store.executemany("INSERT INTO streaks (subject, packed) VALUES (?, ?) "
                          "ON CONFLICT (subject) DO UPDATE SET packed = excluded.packed", changed)
        trend = [{"run_id": rid, "generated_at": at, "pct": pct, "check_mode": bool(check)} for rid, at, pct, check in
                 store.execute("SELECT run_id, generated_at, pct, check_mode FROM runs ORDER BY run_id DESC LIMIT ?",
                               (trend_runs,))]
        trend.reverse()
        runs = store.execute("SELECT count(*) FROM runs").fetchone()[0]
        self._subject_ids = subject_ids
        return {
            "history": {"enabled": True, "path": self.location, "run_id": run_id, "runs": runs,
                        "previous_run": {"run_id": previous[0], "generated_at": previous[1]} if previous else None,
                        "seconds": 0.0, "error": None},
            "changes": tracker.section(previous),
            "trend": trend,
        }

    def _prune(self, run_id, keep_runs):
        """Delete the results of every run older than the newest keep_runs (run_id, just appended, included).

        The runs' own rows stay (a few hundred bytes each): the trend reads their date and compliance, and a
        failing_since may still name one. A subject none of the kept runs judged (a device that left the fleet)
        goes too, with its streaks; were it to come back, it is new. Controls stay: streaks index by their id.
        Returns {"up_to_run": run id or None, "subjects": how many subjects went}.
        """
        store = self.store
        row = store.execute("SELECT run_id FROM runs WHERE run_id <= ? ORDER BY run_id DESC LIMIT 1 OFFSET ?",
                            (run_id, keep_runs)).fetchone()
        if row is None or store.execute("SELECT 1 FROM results WHERE run_id <= ? LIMIT 1", (row[0],)).fetchone() is None:
            return {"up_to_run": None, "subjects": 0}
        cutoff = row[0]
        # A subject this run judged is kept. Every other recorded subject has results in some run; it goes when
        # none of them is a kept run. Looked up by the results' key (run_id, subject), a batch of subjects at a
        # time, so that a run that judged the whole fleet looks up only the few subjects it did not judge.
        unjudged = sorted(set(self._subject_ids.values()) - self._judged)
        kept = set()
        for start in range(0, len(unjudged), PRUNE_BATCH):
            batch = unjudged[start:start + PRUNE_BATCH]
            kept.update(subject for (subject,) in store.execute(
                "SELECT DISTINCT subject FROM results WHERE run_id IN (SELECT run_id FROM runs WHERE run_id > ?) "
                "AND subject IN (%s)" % ", ".join("?" * len(batch)), [cutoff] + batch))
        gone = [(subject,) for subject in unjudged if subject not in kept]
        store.executemany("DELETE FROM streaks WHERE subject = ?", gone)
        store.executemany("DELETE FROM subjects WHERE subject = ?", gone)
        store.execute("DELETE FROM results WHERE run_id <= ?", (cutoff,))
        return {"up_to_run": cutoff, "subjects": len(gone)}

    def commit(self):
        if self._in_transaction:
            try:
                self.store.commit()
            except self.store.errors as exc:
                self.rollback()
                raise HistoryError("history %s: the run could not be committed (the earlier history is kept): %s"
                                   % (self.location, exc))
            self._in_transaction = False

    def rollback(self):
        if self._in_transaction:
            self._in_transaction = False
            self.store.rollback()

    def close(self):
        self.rollback()
        self.store.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    # ---- reading -----------------------------------------------------------------------------------------

    def runs(self):
        return [{"run_id": rid, "generated_at": at, "check_mode": bool(check), "pct": pct, "totals": json.loads(totals)}
                for rid, at, check, pct, totals in
                self.store.execute("SELECT run_id, generated_at, check_mode, pct, totals FROM runs ORDER BY run_id")]

    def results(self, run_id):
        """{(subject, control): status} of one run."""
        return {(subject, control): status for subject, control, status in
                self.store.execute("SELECT subject, control, status FROM results_by_name WHERE run_id = ?", (run_id,))}


def _forget_failing_since(summary):
    """A run that could not be recorded has no failing_since: some results may have got one before it failed."""
    for subject in summary.get("subjects") or ():
        for result in subject.get("results") or ():
            if isinstance(result, dict):
                result.pop("failing_since", None)


def _unique_name(subject, names_this_run):
    """The subject's id, made unique within the run when two sources report the same id."""
    name = subject["id"]
    if name in names_this_run:
        base = "%s [%s]" % (name, (subject.get("source") or {}).get("name") or "?")
        name, number = base, 2
        while name in names_this_run:
            name = "%s #%d" % (base, number)
            number += 1
    names_this_run.add(name)
    return name


class _Changes(object):
    """Newly failing and fixed results, counted in full and listed up to a limit."""

    NAMES = {code: status for status, code in CODES.items()}

    def __init__(self, has_previous, limit):
        self.has_previous = has_previous
        self.limit = limit
        self.newly_failing = {"count": 0, "by_control": {}, "items": []}
        self.fixed = {"count": 0, "by_control": {}, "items": []}

    def note(self, subject, control, code, old_code):
        if not self.has_previous:
            return
        if code in FAILING and old_code not in FAILING:
            bucket = self.newly_failing
        elif code == PASSING and old_code is not None and old_code in NOT_PASSING:
            bucket = self.fixed
        else:
            return
        bucket["count"] += 1
        bucket["by_control"][control] = bucket["by_control"].get(control, 0) + 1
        if len(bucket["items"]) < self.limit:
            bucket["items"].append({"subject": subject, "control": control, "status": self.NAMES[code],
                                    "previous_status": None if old_code is None else self.NAMES[old_code]})

    def section(self, previous):
        for bucket in (self.newly_failing, self.fixed):
            bucket["truncated"] = bucket["count"] > len(bucket["items"])
            bucket["by_control"] = dict(sorted(bucket["by_control"].items()))
        return {"previous_run": {"run_id": previous[0], "generated_at": previous[1]} if previous else None,
                "limit": self.limit, "newly_failing": self.newly_failing, "fixed": self.fixed}


def disabled_sections():
    """What the summary says when the history is off."""
    return {"history": {"enabled": False, "path": None, "run_id": None, "runs": 0, "previous_run": None,
                        "seconds": 0.0, "error": None},
            "changes": None, "trend": []}
