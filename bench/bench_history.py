# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark the history and all reports (``make bench``): a 50,000-subject run appended to a 30-run history,
in each store (SQLite, PostgreSQL), then every report written.

Untimed preparation, each in its own interpreter:

  summary  bench_fleet.py's synthetic 50,000-subject fleet judged by the real fleet_summary action (json only,
           no history): a real summary, about 730,000 results with reasons, observed and expected values
  build    a history of 30 earlier runs of that fleet, exactly as 30 appends would leave it: the first run is the
           summary with APPEND_CHURN of its results changed and REPLACED subjects under other names (devices that
           have since left the fleet); each later run differs from the first in BUILD_CHURN of its results
  load     the same history copied into a database of a real PostgreSQL server (tests/postgresql_server.py: a
           temporary cluster on a loopback port, the server's default durability), then VACUUM ANALYZE, as
           autovacuum would have left it

Then, per store and per keep_runs, in a fresh interpreter on a copy of the history:

  floor    json.dump of the same summary to the same disk, then fsync: what merely writing the run down costs
  publish  what the fleet_summary action does once the fleet is judged, through the same function
           (report/publish.py): open the history and append the run (failing_since, the changes, the trend,
           pruning with keep_runs), validate the summary against its schema, write the role's default formats
           (json, md, html, junit and csv), and commit

keep_runs is the role's default (90: the history is below it, nothing is pruned) and 30, the steady state of a
full history, where each append also prunes the oldest run. Exits non-zero when any trial's publish takes more
than TARGET_RATIO times its floor (the same target for both stores), or records no run.
"""

from __future__ import annotations

import argparse
import array
import gc
import json
import os
import random
import resource
import shutil
import sys
import time

from bench_common import ROOT, collection_on_path, judge_ratio, run_child_phase, work_folder

SEED = 20261126
RUNS = 30
BUILD_CHURN = 0.01      # share of results in which a built run differs from the first
APPEND_CHURN = 0.02     # share of results in which the timed run differs from the first built run
REPLACED = 500          # subjects of the built runs that are gone in the timed run, replaced by new ones
KEEP_RUNS = (90, 30)    # the role's default (no pruning at 31 runs), and a full history (prunes one run)
STORES = ("sqlite", "postgresql")
# publish (history append + commit + the default reports) at most this many times json.dump of the same summary:
# the former 10 s over the 5.3 s json.dump takes on a quiet machine (it is about 5.2 s of CPU).
TARGET_RATIO = 2.0
STATUSES = ("pass", "fail", "unknown", "not_applicable", "manual", "waived", "error")
WEIGHTS = (28, 4, 11, 12, 41, 3, 1)   # roughly what the synthetic fleet gives
SUMMARY_FILE = "fleet-summary.json"
HISTORY_FILE = "fleet-history.sqlite"
BUILT_DATABASE = "built"
# Copied into PostgreSQL in this order (statuses are written by the history itself when it creates the schema).
TABLES = ("runs", "subjects", "controls", "results", "streaks")


def _status_mib(field):
    """VmRSS or VmHWM (the peak) of this process, from /proc/self/status (Linux)."""
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024.0
    raise RuntimeError("no %s in /proc/self/status" % field)


def _reset_peak():
    """Make VmHWM the current RSS: the peak of what follows, not of loading the summary before it."""
    with open("/proc/self/clear_refs", "w", encoding="ascii") as handle:
        handle.write("5")


def _stamp(run):
    return "2026-%02d-%02dT06:00:00Z" % (1 + (run - 1) // 28, 1 + (run - 1) % 28)


# ---- preparation (not timed) -----------------------------------------------------------------------------

def phase_summary(directory):
    """bench_fleet.py's fleet judged by the real action: fleet-summary.json in directory."""
    import bench_fleet
    collection_on_path()
    fleet = os.path.join(directory, "fleet")
    os.makedirs(fleet)
    bench_fleet.generate(fleet)
    with open(os.path.join(fleet, "run.json"), encoding="utf-8") as handle:
        run = json.load(handle)
    result = bench_fleet.run_job(run, directory, ["json"])
    shutil.rmtree(fleet)
    return {"subjects": result["subjects"], "results": sum(result["totals"].values()),
            "bytes": os.path.getsize(os.path.join(directory, SUMMARY_FILE))}


def _first_run(summary):
    """The first built run: the summary with APPEND_CHURN of its results changed and REPLACED subjects renamed."""
    rng = random.Random(SEED)
    subjects = []
    for subject in summary["subjects"]:
        results = [{"control": r["control"], "status": rng.choices(STATUSES, WEIGHTS)[0] if rng.random() < APPEND_CHURN
                    else r["status"]} for r in subject["results"]]
        subjects.append({"id": subject["id"], "source": subject.get("source") or {}, "results": results})
    for index in rng.sample(range(len(subjects)), REPLACED):
        subjects[index]["id"] = "left-%06d" % index
    return {"generated_at": _stamp(1), "run": {"check_mode": True}, "compliance": {"pct": 33.2}, "totals": {},
            "subjects": subjects}


def phase_build(directory, runs=RUNS):
    """A history of `runs` runs: the first appended for real, the others copied in SQL with BUILD_CHURN changes and
    the streaks kept exactly as appends would."""
    collection_on_path()
    from ansible_collections.hardening.signal.plugins.module_utils.governance import history as H
    with open(os.path.join(directory, SUMMARY_FILE), encoding="utf-8") as handle:
        summary = json.load(handle)
    rng = random.Random(SEED + 1)
    path = os.path.join(directory, HISTORY_FILE)
    started = time.perf_counter()
    with H.open_history(path) as history:
        history.append(_first_run(summary))
        history.commit()
        db = history.store.db
        first = db.execute("SELECT subject, control, status FROM results WHERE run_id = 1").fetchall()
        streaks = {sid: array.array(H.STREAK_TYPE, H.unpack(packed)) for sid, packed in db.execute("SELECT subject, packed FROM streaks")}
        changes = int(len(first) * BUILD_CHURN)
        changed_before = {}
        for run in range(2, runs + 1):
            db.execute("BEGIN IMMEDIATE")
            run_id = db.execute("INSERT INTO runs (generated_at, check_mode, pct, totals) VALUES (?, 1, ?, '{}')",
                                (_stamp(run), round(30 + rng.random() * 5, 2))).lastrowid
            db.execute("INSERT INTO results SELECT ?, subject, control, status FROM results WHERE run_id = 1", (run_id,))
            changed_now = {index: H.CODES[rng.choices(STATUSES, WEIGHTS)[0]] for index in rng.sample(range(len(first)), changes)}
            # Results that differ from the first run now or did in the previous run: their streaks move.
            for index in set(changed_before) | set(changed_now):
                sid, cid, code = first[index]
                code = changed_now.get(index, code)
                held = streaks[sid][cid]
                old_code, old_since = held & H.CODE_MASK, held >> H.CODE_BITS
                since = (old_since if old_since and old_code in H.NOT_PASSING else run_id) if code in H.NOT_PASSING else 0
                streaks[sid][cid] = (since << H.CODE_BITS) | code
            db.executemany("UPDATE results SET status = ? WHERE run_id = ? AND subject = ? AND control = ?",
                           [(code, run_id, first[index][0], first[index][1]) for index, code in changed_now.items()])
            db.execute("COMMIT")
            changed_before = changed_now
        db.execute("BEGIN IMMEDIATE")
        db.executemany("INSERT OR REPLACE INTO streaks (subject, packed) VALUES (?, ?)",
                       ((sid, H.pack(values)) for sid, values in streaks.items()))
        db.execute("COMMIT")
        results = db.execute("SELECT count(*) FROM results").fetchone()[0]
    return {"path": path, "runs": runs, "subjects": len(summary["subjects"]), "results": results,
            "bytes": os.path.getsize(path), "seconds": time.perf_counter() - started}


# ---- the same history in PostgreSQL (not timed) ----------------------------------------------------------

def _copy_table(source, target, table):
    """COPY one table's rows from the SQLite history into the PostgreSQL one; the number of rows."""
    columns = [row[1] for row in source.execute("PRAGMA table_info(%s)" % table)]
    count = 0
    rows = source.execute("SELECT %s FROM %s" % (", ".join(columns), table))
    with target.cursor() as cursor:
        with cursor.copy("COPY %s (%s) FROM STDIN" % (table, ", ".join(columns))) as copy:
            if table == "results":  # 22 million rows of four numbers: written as text, a chunk at a time
                while True:
                    chunk = rows.fetchmany(50000)
                    if not chunk:
                        break
                    copy.write("".join("%d\t%d\t%d\t%d\n" % row for row in chunk))
                    count += len(chunk)
            else:
                for row in rows:
                    copy.write_row(row)
                    count += 1
    return count


def phase_load(directory, url):
    """The built SQLite history, row for row, in the (empty) PostgreSQL database at url."""
    collection_on_path()
    import sqlite3
    from ansible_collections.hardening.signal.plugins.module_utils.governance.history import open_history
    started = time.perf_counter()
    with open_history(url) as history:  # creates the schema; the password is in the environment
        db = history.store.db
        source = sqlite3.connect(os.path.join(directory, HISTORY_FILE))
        rows = {}
        db.execute("BEGIN")
        for table in TABLES:
            rows[table] = _copy_table(source, db, table)
        db.execute("COMMIT")
        source.close()
        db.execute("VACUUM ANALYZE")
        size = db.execute("SELECT pg_database_size(current_database())").fetchone()[0]
    return {"rows": rows, "bytes": size, "seconds": time.perf_counter() - started}


# ---- the timed trial ----------------------------------------------------------------------------------------

def _floor(summary, folder):
    """(wall seconds, CPU seconds) json.dump takes to write the summary to a file in folder and fsync it (the file is
    removed afterwards)."""
    path = os.path.join(folder, "floor.json")
    cpu_started = time.process_time()
    started = time.perf_counter()
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(summary, handle)
        handle.flush()
        os.fsync(handle.fileno())
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    os.remove(path)
    return seconds, cpu


def phase_publish(directory, store, keep_runs, location):
    """The floor, then history append (+ prune) + validate + all formats + commit, as the action does once the
    fleet is judged."""
    collection_on_path()
    from ansible_collections.hardening.signal.plugins.module_utils.fleet.run import cyclic_gc_paused
    from ansible_collections.hardening.signal.plugins.module_utils.governance.history import open_history
    from ansible_collections.hardening.signal.plugins.module_utils.report.publish import publish
    if store == "sqlite":
        location = os.path.join(directory, "timed-keep-%d.sqlite" % keep_runs)
        shutil.copyfile(os.path.join(directory, HISTORY_FILE), location)
    report_dir = os.path.join(directory, "reports-%s-keep-%d" % (store, keep_runs))
    os.makedirs(report_dir)
    with open(os.path.join(directory, SUMMARY_FILE), encoding="utf-8") as handle:
        summary = json.load(handle)
    gate = summary.pop("gate")  # computed by the action before it publishes
    for section in ("history", "changes", "trend"):
        summary.pop(section)
    floor, floor_cpu = _floor(summary, report_dir)
    os.sync()
    gc.collect()
    baseline = _status_mib("VmRSS")
    _reset_peak()
    timings = {}
    with cyclic_gc_paused():  # as the action runs
        cpu_started = time.process_time()
        started = time.perf_counter()
        paths, warnings = publish(summary, report_dir, default_formats(), gate, history_path=location, keep_runs=keep_runs,
                                  timings=timings)
        seconds = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
    peak = _status_mib("VmHWM") - baseline
    forked = resource.getrusage(resource.RUSAGE_CHILDREN)  # the process write_reports forks for junit and csv
    with open_history(location) as history:
        kept = history.store.execute("SELECT count(*) FROM (SELECT DISTINCT run_id FROM results) AS r").fetchone()[0]
        size = (os.path.getsize(location) if store == "sqlite" else
                history.store.execute("SELECT pg_database_size(current_database())").fetchone()[0])
    history_section = summary["history"]
    return {"store": store, "keep_runs": keep_runs, "floor": floor, "floor_cpu": floor_cpu, "seconds": seconds,
            "cpu": cpu, "peak_mib": peak, "baseline_mib": baseline, "forked_cpu": forked.ru_utime + forked.ru_stime,
            "forked_rss_mib": forked.ru_maxrss / 1024.0, "timings": timings, "warnings": warnings,
            "run_id": history_section["run_id"], "runs": history_section["runs"], "runs_with_results": kept,
            "error": history_section["error"], "results": sum(len(s["results"]) for s in summary["subjects"]),
            "failing_since": sum(1 for s in summary["subjects"] for r in s["results"] if "failing_since" in r),
            "newly_failing": summary["changes"]["newly_failing"]["count"], "fixed": summary["changes"]["fixed"]["count"],
            "report_bytes": {fmt: os.path.getsize(p) for fmt, p in paths.items()}, "history_bytes": size}


def default_formats():
    """The report formats a run of the role writes by default (signal_hardening_report_formats)."""
    import yaml
    with open(os.path.join(ROOT, "roles", "signal_hardening", "defaults", "main.yml"), encoding="utf-8") as handle:
        return yaml.safe_load(handle)["signal_hardening_report_formats"]


def run_phase(name, *args):
    """Run one phase in a fresh interpreter; its JSON report."""
    return run_child_phase(__file__, name, args)


COLUMNS = ("history", "history_prune", "validate", "write_json", "write_md", "write_html", "write_junit", "write_csv",
           "wait_forked", "history_commit")


def _postgresql_server():
    """A real PostgreSQL server for the bench (the tests' helper), with the server's default durability."""
    if ROOT not in sys.path:
        sys.path.insert(0, ROOT)
    from tests.postgresql_server import PostgreSQLServer
    return PostgreSQLServer(durable=True, shared_buffers="256MB")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--phase", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--runs", type=int, default=RUNS, help="runs already in the history (default %(default)s)")
    parser.add_argument("--stores", default=",".join(STORES), help="stores to measure (default %(default)s)")
    parser.add_argument("--keep", action="store_true", help="keep the folder (summary, history, reports) and print its path")
    options = parser.parse_args(argv)

    if options.phase:
        name, directory = options.phase[0], options.phase[1]
        if name == "summary":
            print(json.dumps(phase_summary(directory)))
        elif name == "build":
            print(json.dumps(phase_build(directory, int(options.phase[2]))))
        elif name == "load":
            print(json.dumps(phase_load(directory, os.environ["BENCH_HISTORY_URL"])))
        else:
            print(json.dumps(phase_publish(directory, options.phase[2], int(options.phase[3]),
                                           os.environ.get("BENCH_HISTORY_URL"))))
        return 0

    stores = [store.strip() for store in options.stores.split(",") if store.strip()]
    server = _postgresql_server() if "postgresql" in stores else None
    trials = []
    with work_folder("bench-history-", options.keep, "summary, history and reports") as directory:
        try:
            started = time.perf_counter()
            made = run_phase("summary", directory)
            print("Summary: %d subjects, %d results, %.0f MiB of JSON (judged by the action in %.1f s, not timed)"
                  % (made["subjects"], made["results"], made["bytes"] / 2 ** 20, time.perf_counter() - started))
            built = run_phase("build", directory, options.runs)
            print("History: %d runs of %d subjects, %d results rows, %.0f MiB (built in %.1f s, not timed)"
                  % (built["runs"], built["subjects"], built["results"], built["bytes"] / 2 ** 20, built["seconds"]))
            if server is not None:
                server.start()
                os.environ["HARDENING_SIGNAL_HISTORY_PASSWORD"] = server.password
                os.environ["BENCH_HISTORY_URL"] = server.url(server.create_database(BUILT_DATABASE))
                loaded = run_phase("load", directory)
                print("The same history in PostgreSQL %s: %s rows, %.0f MiB (loaded in %.1f s, not timed)"
                      % (server.version(), ", ".join("%s %d" % item for item in loaded["rows"].items()),
                         loaded["bytes"] / 2 ** 20, loaded["seconds"]))
            for store in stores:
                for keep in KEEP_RUNS:
                    if store == "postgresql":
                        # A copy of the built database for each trial, as the SQLite trials copy the file.
                        name = server.create_database("trial_keep_%d" % keep, template=BUILT_DATABASE)
                        os.environ["BENCH_HISTORY_URL"] = server.url(name)
                    # Untimed: flush what the steps before wrote (hundreds of MiB of reports and history), so the
                    # kernel's write-back of one trial is not counted in the next (it made the second trial 1-1.5 s slower).
                    os.sync()
                    trials.append(run_phase("publish", directory, store, keep))
                    if store == "postgresql":
                        server.drop_database(name)
        finally:
            if server is not None:
                server.stop()

    print()
    names = [c.replace("write_", "").replace("history_", "h_").replace("wait_forked", "wait") for c in COLUMNS]
    header = ("store", "keep", " ".join("%6s" % name for name in names), "total", "floor", "ratio", "cpu", "+fork",
              "fl.cpu", "peak", "fork rss", "history")
    print("%-10s %4s %s %6s %6s %6s %6s %6s %6s %6s %8s %7s" % header)
    for trial in trials:
        print("%-10s %4d %s %6.2f %6.2f %5.2fx %6.2f %6.2f %6.2f %6.0f %8.0f %7.0f" % (
            trial["store"], trial["keep_runs"], " ".join("%6.2f" % trial["timings"].get(c, 0.0) for c in COLUMNS),
            trial["seconds"], trial["floor"], trial["seconds"] / trial["floor"], trial["cpu"], trial["forked_cpu"],
            trial["floor_cpu"], trial["peak_mib"], trial["forked_rss_mib"], trial["history_bytes"] / 2 ** 20))
    print()
    for trial in trials:
        print("%s, keep_runs %d: run %s appended (%d runs, %d with results kept): %d results, %d with failing_since, "
              "%d newly failing, %d fixed; history error: %s"
              % (trial["store"], trial["keep_runs"], trial["run_id"], trial["runs"], trial["runs_with_results"],
                 trial["results"], trial["failing_since"], trial["newly_failing"], trial["fixed"], trial["error"]))
    if trials:
        print("Reports: %s." % ", ".join("%s %.1f MiB" % (fmt, size / 2 ** 20) for fmt, size in trials[0]["report_bytes"].items()))
    print("Seconds are wall-clock; total = publish: history = open + append (+ h_prune, the pruning in it); junit and csv "
          "are written by a forked process while this one validates and writes json, md and html (wait: what it then "
          "waited for them); floor: json.dump of the same summary to the same disk with fsync, in the same process just "
          "before; cpu: this process's CPU seconds (not the PostgreSQL server's), +fork: the forked one's; fl.cpu: the "
          "floor's CPU seconds; peak: this "
          "process's peak RSS (MiB) above its RSS with the summary loaded; fork rss: the forked process's peak RSS, pages "
          "shared with this one included; history: the SQLite file or the PostgreSQL database (MiB). Load average: %s."
          % " ".join("%.2f" % value for value in os.getloadavg()))
    passed = True
    for trial in trials:
        problems = ["the run was not recorded: %s" % trial["error"]] if trial["error"] or not trial["run_id"] else []
        passed &= judge_ratio("bench_history", "%s history, keep_runs %d: append + all reports + commit"
                              % (trial["store"], trial["keep_runs"]), trial["seconds"], "json.dump of the summary",
                              trial["floor"], TARGET_RATIO, problems)
    return 0 if passed and trials else 1


if __name__ == "__main__":
    sys.exit(main())
