# -*- coding: utf-8 -*-
"""The run history: append, failing_since across runs, changes, trend, pruning and atomicity, in both stores.

Every test taking `location` runs twice: on an SQLite file and on a database of a real PostgreSQL server.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap

import pytest

from ansible_collections.hardening.signal.plugins.module_utils.governance.history import HistoryError, open_history

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", ".."))
COLLECTIONS = os.path.join(ROOT, ".build", "collections")


@pytest.fixture(params=["sqlite", "postgresql"])
def location(request, tmp_path):
    """Where a new history is kept: an SQLite file's path, or a PostgreSQL URL (its password in ENVIRON)."""
    if request.param == "sqlite":
        return str(tmp_path / "reports" / "fleet-history.sqlite")
    server, name = request.getfixturevalue("postgresql_database")
    ENVIRON["HARDENING_SIGNAL_HISTORY_PASSWORD"] = server.password
    return server.url(name)


# The environment the PostgreSQL store reads the password from (set by the location fixture).
ENVIRON = {}


def opened(location, **options):
    """open_history as the action calls it (the PostgreSQL store reads its password from ENVIRON)."""
    if "://" in str(location):
        options.setdefault("environ", ENVIRON)
    return open_history(str(location), **options)


def query(location, sql, params=()):
    """Rows of one query in the history's own store (SQL both dialects share)."""
    with opened(location) as history:
        return [tuple(row) for row in history.store.execute(sql, params)]


def summary(statuses, at, pct=50.0, check_mode=True):
    """statuses: {subject: {control: status}}."""
    return {
        "generated_at": at, "run": {"check_mode": check_mode}, "compliance": {"pct": pct}, "totals": {"pass": 1},
        "subjects": [{"id": subject, "source": {"name": "mdm"},
                      "results": [{"control": control, "status": status} for control, status in controls.items()]}
                     for subject, controls in statuses.items()],
    }


def record(location, statuses, at, **kwargs):
    """Append and commit one run; (its summary, the sections)."""
    document = summary(statuses, at, **{k: v for k, v in kwargs.items() if k in ("pct", "check_mode")})
    with opened(location) as store:
        sections = store.append(document, **{k: v for k, v in kwargs.items() if k in ("changes_limit", "trend_runs", "keep_runs")})
        store.commit()
    return document, sections


def since(document, subject, control):
    found = next(s for s in document["subjects"] if s["id"] == subject)
    return next(r for r in found["results"] if r["control"] == control).get("failing_since")


def test_append_records_runs_and_results(location):
    _doc, sections = record(location, {"ws1": {"c1": "pass", "c2": "fail"}, "ios-1": {"c1": "not_applicable"}}, "2026-11-01T00:00:00Z")
    assert sections["history"]["run_id"] == 1 and sections["history"]["previous_run"] is None
    assert sections["history"]["path"] == location and sections["history"]["error"] is None
    with opened(location) as store:
        assert store.runs() == [{"run_id": 1, "generated_at": "2026-11-01T00:00:00Z", "check_mode": True, "pct": 50.0,
                                 "totals": {"pass": 1}}]
        assert store.results(1) == {("ws1", "c1"): "pass", ("ws1", "c2"): "fail", ("ios-1", "c1"): "not_applicable"}
        assert store.store.format_version() == 1


def test_the_sqlite_file_keeps_its_format(tmp_path):
    path = tmp_path / "h.sqlite"
    record(str(path), {"ws1": {"c1": "fail"}}, "2026-11-01T00:00:00Z")
    db = sqlite3.connect(str(path))
    assert db.execute("PRAGMA user_version").fetchone()[0] == 1
    assert {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")} >= {"runs_by_time"}
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert "WITHOUT ROWID" in db.execute("SELECT sql FROM sqlite_master WHERE name = 'results'").fetchone()[0]
    db.close()


def test_the_postgresql_history_is_a_schema_of_its_own(postgresql_database):
    server, name = postgresql_database
    with server.admin(name) as db:
        db.execute("CREATE TABLE public.runs (something TEXT)")  # another application's table of the same name
    record(server.url(name, password=True), {"ws1": {"c1": "fail"}}, "2026-11-01T00:00:00Z")
    with server.admin(name) as db:
        tables = {row[0] for row in db.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'hardening_signal'")}
        assert tables == {"runs", "results", "subjects", "controls", "statuses", "streaks", "history_format"}
        assert db.execute("SELECT version FROM hardening_signal.history_format").fetchall() == [(1,)]
        assert db.execute("SELECT count(*) FROM public.runs").fetchone()[0] == 0
        assert db.execute("SELECT data_type FROM information_schema.columns WHERE table_schema = 'hardening_signal' "
                          "AND table_name = 'runs' AND column_name = 'pct'").fetchone()[0] == "double precision"


def test_failing_since_is_the_first_run_of_the_unbroken_non_pass_streak(location):
    runs = [
        # c1: fails, keeps failing (unknown, then waived: still not passing), passes, fails again.
        # c2: fails, is not judged in run 3 (left out), fails: the streak goes on.
        # c3: fails, becomes not_applicable (ends the streak), fails.
        {"s1": {"c1": "fail", "c2": "fail", "c3": "fail"}},
        {"s1": {"c1": "unknown", "c2": "manual", "c3": "not_applicable"}},
        {"s1": {"c1": "waived", "c3": "fail"}},
        {"s1": {"c1": "pass", "c2": "error", "c3": "error"}},
        {"s1": {"c1": "fail", "c2": "fail", "c3": "fail"}},
    ]
    docs = [record(location, statuses, "2026-11-0%dT00:00:00Z" % (index + 1))[0] for index, statuses in enumerate(runs)]
    assert [since(d, "s1", "c1") for d in docs] == ["2026-11-01T00:00:00Z"] * 3 + [None, "2026-11-05T00:00:00Z"]
    judged_c2 = [d for d in docs if any(r["control"] == "c2" for s in d["subjects"] for r in s["results"])]
    assert [since(d, "s1", "c2") for d in judged_c2] == ["2026-11-01T00:00:00Z"] * 4
    assert [since(d, "s1", "c3") for d in docs] == ["2026-11-01T00:00:00Z", None, "2026-11-03T00:00:00Z",
                                                    "2026-11-03T00:00:00Z", "2026-11-03T00:00:00Z"]


def test_changes_newly_failing_and_fixed_since_the_last_recorded_status(location):
    _doc, first = record(location, {"s1": {"c1": "pass", "c2": "fail", "c3": "waived", "c4": "manual"}}, "2026-11-01T00:00:00Z")
    assert first["changes"]["previous_run"] is None and first["changes"]["newly_failing"]["count"] == 0
    _doc, second = record(location, {"s1": {"c1": "fail", "c2": "pass", "c3": "fail", "c4": "unknown"},
                                     "s2": {"c1": "error", "c2": "pass"}}, "2026-11-02T00:00:00Z")
    changes = second["changes"]
    assert changes["previous_run"] == {"run_id": 1, "generated_at": "2026-11-01T00:00:00Z"}
    assert changes["newly_failing"] == {
        "count": 3, "by_control": {"c1": 2, "c3": 1}, "truncated": False,
        "items": [{"subject": "s1", "control": "c1", "status": "fail", "previous_status": "pass"},
                  {"subject": "s1", "control": "c3", "status": "fail", "previous_status": "waived"},
                  {"subject": "s2", "control": "c1", "status": "error", "previous_status": None}]}
    assert changes["fixed"]["items"] == [{"subject": "s1", "control": "c2", "status": "pass", "previous_status": "fail"}]
    # Nothing changed: both lists are empty.
    _doc, third = record(location, {"s1": {"c1": "fail", "c2": "pass", "c3": "fail", "c4": "unknown"},
                                    "s2": {"c1": "error", "c2": "pass"}}, "2026-11-03T00:00:00Z")
    assert third["changes"]["newly_failing"]["count"] == 0 and third["changes"]["fixed"]["count"] == 0


def test_change_lists_are_bounded_but_counted_in_full(location):
    record(location, {"s%d" % i: {"c1": "pass"} for i in range(30)}, "2026-11-01T00:00:00Z")
    _doc, sections = record(location, {"s%d" % i: {"c1": "fail"} for i in range(30)}, "2026-11-02T00:00:00Z", changes_limit=5)
    failing = sections["changes"]["newly_failing"]
    assert failing["count"] == 30 and len(failing["items"]) == 5 and failing["truncated"] is True
    assert sections["changes"]["limit"] == 5


def test_trend_gives_the_last_runs_oldest_first(location):
    for day in range(1, 8):
        _doc, sections = record(location, {"s": {"c": "pass"}}, "2026-11-%02dT00:00:00Z" % day, pct=float(day * 10) + 0.01,
                                trend_runs=5, check_mode=day % 2 == 0)
    # The compliance comes back exactly as it went in (a double, not a 4-byte float, in PostgreSQL).
    assert [(p["run_id"], p["pct"]) for p in sections["trend"]] == [(3, 30.01), (4, 40.01), (5, 50.01), (6, 60.01), (7, 70.01)]
    assert sections["trend"][-1]["check_mode"] is False and sections["history"]["runs"] == 7


def test_null_compliance_is_kept(location):
    _doc, sections = record(location, {}, "2026-11-01T00:00:00Z", pct=None)
    assert sections["trend"] == [{"run_id": 1, "generated_at": "2026-11-01T00:00:00Z", "pct": None, "check_mode": True}]


def test_two_subjects_with_the_same_id_are_both_kept(location):
    document = summary({"dup": {"c": "fail"}}, "2026-11-01T00:00:00Z")
    document["subjects"].append({"id": "dup", "source": {"name": "other-mdm"}, "results": [{"control": "c", "status": "pass"}]})
    with opened(location) as store:
        store.append(document)
        store.commit()
        assert store.results(1) == {("dup", "c"): "fail", ("dup [other-mdm]", "c"): "pass"}


def snapshot(location):
    """Everything a run writes, in both stores' shared SQL."""
    return (query(location, "SELECT * FROM runs ORDER BY run_id"),
            query(location, "SELECT * FROM results_by_name ORDER BY run_id, subject, control"),
            [(subject, bytes(packed)) for subject, packed in query(location, "SELECT * FROM streaks ORDER BY subject")],
            query(location, "SELECT * FROM subjects ORDER BY subject"),
            query(location, "SELECT * FROM controls ORDER BY control"))


def test_a_failure_mid_append_leaves_the_previous_history_intact(location):
    record(location, {"s%d" % i: {"c1": "fail", "c2": "pass"} for i in range(50)}, "2026-11-01T00:00:00Z")
    before = snapshot(location)
    broken = {"s%d" % i: {"c1": "pass", "c2": "fail"} for i in range(60)}
    broken["s55"]["c2"] = "not-a-status"  # blows up after hundreds of rows were written
    document = summary(broken, "2026-11-02T00:00:00Z")
    with opened(location) as store:
        with pytest.raises(KeyError):
            store.append(document)
    assert snapshot(location) == before
    # The results judged before the failure do not keep a failing_since the history does not back.
    assert not any("failing_since" in r for s in document["subjects"] for r in s["results"])
    # And the history still works: the next run sees run 1 as the previous one.
    _doc, sections = record(location, {"s0": {"c1": "fail"}}, "2026-11-03T00:00:00Z")
    assert sections["changes"]["previous_run"]["run_id"] == 1


def test_a_run_whose_reports_were_not_written_is_rolled_back(location):
    record(location, {"s": {"c": "fail"}}, "2026-11-01T00:00:00Z")
    before = snapshot(location)
    with opened(location) as store:
        store.append(summary({"s": {"c": "pass"}, "t": {"c": "fail"}}, "2026-11-02T00:00:00Z"))
        store.rollback()
    assert snapshot(location) == before
    with opened(location) as store:
        store.append(summary({"s": {"c": "pass"}}, "2026-11-02T00:00:00Z"))
        # Closed without commit (an exception in the caller, say): nothing is kept either.
    assert snapshot(location) == before


KILLED = textwrap.dedent("""
    import os, sys
    sys.path.insert(0, %(collections)r)
    from ansible_collections.hardening.signal.plugins.module_utils.governance import history
    class Dying(list):
        def __iter__(self):
            for index, item in enumerate(list.__iter__(self)):
                if index == 1500:
                    os._exit(3)  # no rollback, no cleanup: as if the machine lost power
                yield item
    subjects = Dying({"id": "n%%d" %% i, "results": [{"control": "c%%d" %% j, "status": "pass"} for j in range(10)]}
                     for i in range(2000))
    doc = {"generated_at": "2026-11-02T00:00:00Z", "run": {}, "compliance": {"pct": 1.0}, "totals": {},
           "subjects": subjects}
    options = {"environ": {"HARDENING_SIGNAL_HISTORY_PASSWORD": %(password)r}} if "://" in %(location)r else {}
    store = history.open_history(%(location)r, **options)
    if not options:
        store.store.db.execute("PRAGMA cache_size=10")  # so that changed pages reach the file before the end
    store.append(doc)
""")


def test_a_process_killed_mid_append_leaves_the_previous_history_intact(location):
    record(location, {"s%d" % i: {"c": "fail"} for i in range(100)}, "2026-11-01T00:00:00Z")
    before = snapshot(location)
    script = KILLED % {"collections": COLLECTIONS, "location": location,
                       "password": ENVIRON.get("HARDENING_SIGNAL_HISTORY_PASSWORD", "")}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 3, done.stderr
    if "://" not in location:
        assert os.path.exists(location + "-journal")  # the hot journal the next reader rolls back
    assert snapshot(location) == before
    _doc, sections = record(location, {"s0": {"c": "pass"}}, "2026-11-03T00:00:00Z")
    assert sections["history"]["run_id"] == 2 and sections["changes"]["fixed"]["count"] == 1


def test_files_that_are_not_a_history_are_refused(tmp_path):
    other = tmp_path / "other.sqlite"
    db = sqlite3.connect(str(other))
    db.execute("CREATE TABLE something (x)")
    db.commit()
    db.close()
    with pytest.raises(HistoryError, match="not a hardening.signal history"):
        opened(other)
    newer = tmp_path / "newer.sqlite"
    db = sqlite3.connect(str(newer))
    db.execute("PRAGMA user_version = 7")
    db.close()
    with pytest.raises(HistoryError, match="has format 7, newer than"):
        opened(newer)
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(b"this is not a database" * 100)
    with pytest.raises(HistoryError, match="cannot be used"):
        opened(garbage)


def test_databases_that_are_not_a_history_are_refused(postgresql_database):
    server, name = postgresql_database
    url = server.url(name, password=True)
    with server.admin(name) as db:
        db.execute("CREATE SCHEMA hardening_signal AUTHORIZATION signal")
        db.execute("CREATE TABLE hardening_signal.something (x INTEGER)")
    with pytest.raises(HistoryError, match="holds tables, but is not a hardening.signal history"):
        opened(url)
    with server.admin(name) as db:
        db.execute("DROP TABLE hardening_signal.something")
        db.execute("CREATE TABLE hardening_signal.history_format (version INTEGER NOT NULL)")
        db.execute("INSERT INTO hardening_signal.history_format VALUES (7)")
        db.execute("ALTER TABLE hardening_signal.history_format OWNER TO signal")
    with pytest.raises(HistoryError, match="has format 7, newer than this version of hardening.signal knows .format 1.: "
                                           "it is not written to"):
        opened(url)
    with server.admin(name) as db:
        assert db.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'hardening_signal'").fetchone()[0] == 1


def test_an_empty_schema_made_beforehand_is_used(postgresql_database):
    # A database owner may make the schema for the history's role, which then needs no CREATE on the database.
    server, name = postgresql_database
    with server.admin(name) as db:
        db.execute("REVOKE CREATE ON DATABASE %s FROM signal" % name)
        db.execute("ALTER DATABASE %s OWNER TO admin" % name)
        db.execute("CREATE SCHEMA hardening_signal AUTHORIZATION signal")
    _doc, sections = record(server.url(name, password=True), {"s": {"c": "fail"}}, "2026-11-01T00:00:00Z")
    assert sections["history"]["run_id"] == 1


def test_a_newer_format_written_meanwhile_is_not_written_to(location):
    with opened(location) as store:
        # Another run, with a newer collection, upgrades the history after this one opened it.
        if "://" in location:
            with opened(location) as other:
                other.store.execute("UPDATE history_format SET version = 2")
        else:
            with opened(location) as other:
                other.store.execute("PRAGMA user_version = 2")
        with pytest.raises(HistoryError, match="has format 2, newer than"):
            store.append(summary({"s": {"c": "fail"}}, "2026-11-01T00:00:00Z"))
        assert store.store.execute("SELECT count(*) FROM runs").fetchone()[0] == 0


def test_wal_journal_mode_gives_the_same_history(tmp_path):
    path = tmp_path / "h.sqlite"
    with opened(path, journal_mode="wal") as store:
        store.append(summary({"s": {"c": "fail"}}, "2026-11-01T00:00:00Z"))
        store.commit()
    with opened(path) as store:
        assert store.results(1) == {("s", "c"): "fail"}


def _runs_with_results(location):
    return [row[0] for row in query(location, "SELECT DISTINCT run_id FROM results ORDER BY run_id")]


def _names(location, table):
    return {row[0] for row in query(location, "SELECT name FROM %s" % table)}


def test_keep_runs_prunes_the_oldest_results_and_keeps_failing_since(location):
    for day in range(1, 6):
        # c1 fails in every run: its streak began in run 1, whose results are pruned from run 3 on.
        document, _sections = record(location, {"s1": {"c1": "fail", "c2": "pass" if day % 2 else "fail"}},
                                     "2026-11-0%dT00:00:00Z" % day, keep_runs=2)
        assert _runs_with_results(location) == list(range(max(1, day - 1), day + 1))
        assert since(document, "s1", "c1") == "2026-11-01T00:00:00Z"
    assert since(document, "s1", "c2") is None
    with opened(location) as store:
        # Every run's date and compliance stay for the trend; a pruned run has no results left.
        assert [run["run_id"] for run in store.runs()] == [1, 2, 3, 4, 5]
        assert store.results(1) == {} and store.results(5) == {("s1", "c1"): "fail", ("s1", "c2"): "pass"}
        sections = store.append(summary({"s1": {"c1": "fail"}}, "2026-11-06T00:00:00Z"), keep_runs=2)
        assert [point["run_id"] for point in sections["trend"]] == [1, 2, 3, 4, 5, 6]


def test_subjects_no_kept_run_judged_are_forgotten(location):
    record(location, {"gone": {"c1": "fail"}, "stays": {"c1": "fail"}, "away": {"c1": "fail"}}, "2026-11-01T00:00:00Z", keep_runs=2)
    record(location, {"stays": {"c1": "fail"}, "away": {"c1": "fail"}}, "2026-11-02T00:00:00Z", keep_runs=2)
    # Run 3 prunes run 1: "gone" was in no later run; "away" is not in run 3 but in run 2, which is kept.
    _doc, sections = record(location, {"stays": {"c1": "fail"}}, "2026-11-03T00:00:00Z", keep_runs=2)
    assert _names(location, "subjects") == {"stays", "away"}
    assert query(location, "SELECT count(*) FROM streaks") == [(2,)]
    # "away" comes back: its streak was kept, so failing_since goes back to run 1 and nothing is newly failing.
    document, sections = record(location, {"stays": {"c1": "fail"}, "away": {"c1": "fail"}}, "2026-11-04T00:00:00Z", keep_runs=2)
    assert since(document, "away", "c1") == "2026-11-01T00:00:00Z" and sections["changes"]["newly_failing"]["count"] == 0
    # "gone" comes back: it is new, as if never judged.
    document, sections = record(location, {"stays": {"c1": "fail"}, "gone": {"c1": "fail"}}, "2026-11-05T00:00:00Z", keep_runs=2)
    assert since(document, "gone", "c1") == "2026-11-05T00:00:00Z"
    assert sections["changes"]["newly_failing"]["items"] == [
        {"subject": "gone", "control": "c1", "status": "fail", "previous_status": None}]


def test_pruning_many_subjects_the_run_did_not_judge(location):
    # More unjudged subjects than one lookup batch holds: a run made with --limit, after two of the whole fleet.
    fleet = {"s%04d" % i: {"c1": "fail"} for i in range(1200)}
    record(location, fleet, "2026-11-01T00:00:00Z", keep_runs=2)
    record(location, dict(list(fleet.items())[:700]), "2026-11-02T00:00:00Z", keep_runs=2)
    # Run 3 prunes run 1: s0700-s1199 were judged by run 1 only and go; s0000-s0699 are in run 2 and stay.
    _doc, _sections = record(location, {"s0000": {"c1": "fail"}}, "2026-11-03T00:00:00Z", keep_runs=2)
    assert _names(location, "subjects") == set(list(fleet)[:700])
    assert query(location, "SELECT count(*) FROM streaks") == [(700,)]


def test_pruning_is_rolled_back_with_the_run(location):
    for day in (1, 2, 3):
        record(location, {"s1": {"c1": "fail"}}, "2026-11-0%dT00:00:00Z" % day)
    with opened(location) as store:
        store.append(summary({"s1": {"c1": "pass"}}, "2026-11-04T00:00:00Z"), keep_runs=1)
        assert store.pruned == {"up_to_run": 3, "subjects": 0}
        store.rollback()
    assert _runs_with_results(location) == [1, 2, 3]


def test_keep_runs_zero_keeps_everything_and_bad_values_are_refused(location):
    for day in (1, 2, 3):
        record(location, {"s1": {"c1": "fail"}}, "2026-11-0%dT00:00:00Z" % day, keep_runs=0)
    assert _runs_with_results(location) == [1, 2, 3]
    with opened(location) as store:
        for bad in (-1, True, "3", 2.5):
            with pytest.raises(ValueError, match="keep_runs"):
                store.append(summary({"s1": {"c1": "fail"}}, "2026-11-04T00:00:00Z"), keep_runs=bad)
    assert _runs_with_results(location) == [1, 2, 3]


def test_a_pruned_history_file_stops_growing(tmp_path):
    path = str(tmp_path / "h.sqlite")
    fleet = {"subject-%04d" % index: {"control-%02d" % control: ("pass", "fail", "manual")[(index + control) % 3]
                                      for control in range(12)} for index in range(400)}
    sizes = []
    for day in range(1, 13):
        record(path, fleet, "2026-11-%02dT00:00:00Z" % day, keep_runs=3)
        sizes.append(os.path.getsize(path))
    # Freed pages are reused: once three runs are kept, the file no longer grows by a run's results.
    run_size = sizes[1] - sizes[0]
    assert run_size > 0 and sizes[-1] - sizes[3] < run_size / 2, sizes


@pytest.mark.parametrize("umask, expected", [(0o022, 0o640), (0o027, 0o640), (0o077, 0o600)])
def test_a_new_history_file_is_private_and_never_wider_than_the_umask(tmp_path, umask, expected):
    # It holds staff names and device identities: the reports' rule (private_files), whatever the umask allows.
    path = str(tmp_path / ("h-%o.sqlite" % umask))
    old = os.umask(umask)
    try:
        record(path, {"s": {"c": "fail"}}, "2026-11-01T00:00:00Z")
    finally:
        os.umask(old)
    assert os.stat(path).st_mode & 0o777 == expected


def test_an_existing_history_file_is_narrowed_never_widened(tmp_path):
    path = str(tmp_path / "h.sqlite")
    record(path, {"s": {"c": "fail"}}, "2026-11-01T00:00:00Z")
    os.chmod(path, 0o644)  # written world-readable by an earlier version
    record(path, {"s": {"c": "pass"}}, "2026-11-02T00:00:00Z")
    assert os.stat(path).st_mode & 0o777 == 0o640
    os.chmod(path, 0o600)  # narrower by choice: kept
    record(path, {"s": {"c": "pass"}}, "2026-11-03T00:00:00Z")
    assert os.stat(path).st_mode & 0o777 == 0o600
    with opened(path, mode=0o600) as history:  # the mode the reports are given (signal_hardening_report_mode)
        assert history.runs()[-1]["run_id"] == 3
    os.chmod(path, 0o660)
    with opened(path, mode=0o600):
        pass
    assert os.stat(path).st_mode & 0o777 == 0o600
