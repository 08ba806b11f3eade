# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark the run history (``make bench``): append a 50,000-subject run to a 30-run history.

Builds (untimed) a history of 30 runs of a synthetic 50,000-subject fleet (about 15 results per subject,
750,000 per run; 1% of the results change from one run to the next), exactly as 30 appends would leave it.
Then, in a fresh interpreter, times what the fleet_summary action does for one more run with ~2% of the
results changed and 500 subjects replaced by new ones:

  open    History(path): open the file, check its format
  append  load the streaks, write the 750,000 results rows (executemany, one transaction) while working out
          each result's failing_since and the changes, write the changed streaks, read the trend
  commit  COMMIT (the run becomes visible; fsync)

once with the rollback journal (journal_mode DELETE, the default) and once with WAL, each on its own copy of
the same history. The reports themselves are timed by bench_fleet.py (validate, write_json, write_md,
write_html). Exits non-zero when open + append + commit misses the target (TARGET_SECONDS) in the default mode.
"""

from __future__ import annotations

import argparse
import array
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COLLECTIONS = os.path.join(ROOT, ".build", "collections")
LINK = os.path.join(COLLECTIONS, "ansible_collections", "hardening", "signal")

SEED = 20261126
SUBJECTS = 50_000
RUNS = 30
BUILD_CHURN = 0.01      # share of results that change between two built runs
APPEND_CHURN = 0.02     # share of results that change in the timed run
REPLACED = 500          # subjects of the last run that are gone in the timed run, replaced by new ones
# The history's share of the 10 s a 50,000-subject run may take together with the reports (validating the
# summary and writing json, md and html take about 3 s on the project's 2-core machine, see bench/README.md).
TARGET_SECONDS = 4.0
STATUSES = ("pass", "fail", "unknown", "not_applicable", "manual", "waived", "error")
WEIGHTS = (28, 4, 11, 12, 41, 3, 1)   # roughly what bench_fleet.py's synthetic fleet gives
CONTROLS = ["sh-3.%d-synthetic-control-%02d" % (index % 10 + 1, index) for index in range(32)] + ["collection"]


def collection_on_path():
    """Make ansible_collections.hardening.signal importable, as tests/conftest.py does."""
    if not os.path.islink(LINK) and not os.path.isdir(LINK):
        os.makedirs(os.path.dirname(LINK), exist_ok=True)
        os.symlink(ROOT, LINK)
    if COLLECTIONS not in sys.path:
        sys.path.insert(0, COLLECTIONS)


def _maxrss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux


def _stamp(run):
    return "2026-%02d-%02dT06:00:00Z" % (1 + (run - 1) // 28, 1 + (run - 1) % 28)


def _fleet(rng, subjects):
    """[(subject id, [(control, status), ...])]: 10% workstations with 13 results, phones with 15."""
    fleet = []
    for index in range(subjects):
        workstation = index < subjects // 10
        name = "ws%05d.corp.example.org" % index if workstation else "%s-%06d" % ("ios" if index % 2 else "android", index)
        count = 13 if workstation else 15
        offset = index % 7
        fleet.append((name, [(CONTROLS[(offset + step * 2) % 32], rng.choices(STATUSES, WEIGHTS)[0]) for step in range(count)]))
    return fleet


def _summary(run, fleet):
    return {"generated_at": _stamp(run), "run": {"check_mode": True}, "compliance": {"pct": 33.2}, "totals": {},
            "subjects": [{"id": name, "source": {"name": "bench"}, "results": [{"control": c, "status": s} for c, s in results]}
                         for name, results in fleet]}


# ---- build (not timed) ---------------------------------------------------------------------------------

def phase_build(directory, subjects=SUBJECTS, runs=RUNS):
    """A history of `runs` runs: the first appended for real, the others copied in SQL with BUILD_CHURN changes and
    the streaks kept exactly as appends would."""
    collection_on_path()
    from ansible_collections.hardening.signal.plugins.module_utils.governance import history as H
    rng = random.Random(SEED)
    path = os.path.join(directory, "fleet-history.sqlite")
    started = time.perf_counter()
    fleet = _fleet(rng, subjects)
    with H.History(path) as store:
        store.append(_summary(1, fleet))
        store.commit()
        db = store.db
        subject_ids = dict(db.execute("SELECT name, subject FROM subjects"))
        control_ids = dict(db.execute("SELECT name, control FROM controls"))
        streaks = {sid: array.array(H.STREAK_TYPE, H.unpack(packed)) for sid, packed in db.execute("SELECT subject, packed FROM streaks")}
        pairs = [(subject_ids[name], control_ids[control]) for name, results in fleet for control, _status in results]
        changes = int(len(pairs) * BUILD_CHURN)
        for run in range(2, runs + 1):
            db.execute("BEGIN IMMEDIATE")
            run_id = db.execute("INSERT INTO runs (generated_at, check_mode, pct, totals) VALUES (?, 1, ?, '{}')",
                                (_stamp(run), round(30 + rng.random() * 5, 2))).lastrowid
            db.execute("INSERT INTO results SELECT ?, subject, control, status FROM results WHERE run_id = ?", (run_id, run_id - 1))
            updates = []
            for sid, cid in rng.sample(pairs, changes):
                code = H.CODES[rng.choices(STATUSES, WEIGHTS)[0]]
                held = streaks[sid][cid]
                old_code, old_since = held & H.CODE_MASK, held >> H.CODE_BITS
                since = (old_since if old_since and old_code in H.NOT_PASSING else run_id) if code in H.NOT_PASSING else 0
                streaks[sid][cid] = (since << H.CODE_BITS) | code
                updates.append((code, run_id, sid, cid))
            db.executemany("UPDATE results SET status = ? WHERE run_id = ? AND subject = ? AND control = ?", updates)
            db.execute("COMMIT")
        db.execute("BEGIN IMMEDIATE")
        db.executemany("INSERT OR REPLACE INTO streaks (subject, packed) VALUES (?, ?)",
                       ((sid, H.pack(values)) for sid, values in streaks.items()))
        db.execute("COMMIT")
        results = db.execute("SELECT count(*) FROM results").fetchone()[0]
    return {"path": path, "runs": runs, "subjects": subjects, "results": results, "bytes": os.path.getsize(path),
            "seconds": time.perf_counter() - started}


# ---- the timed append ------------------------------------------------------------------------------------

def _next_summary(path, run):
    """The last run's results as a summary, with APPEND_CHURN of them changed and REPLACED subjects replaced."""
    import sqlite3
    rng = random.Random(SEED + 1)
    db = sqlite3.connect(path)
    last = db.execute("SELECT max(run_id) FROM runs").fetchone()[0]
    fleet, current = [], None
    for name, control, status in db.execute("SELECT subject, control, status FROM results_by_name WHERE run_id = ? "
                                            "ORDER BY subject, control", (last,)):
        if current is None or current[0] != name:
            current = (name, [])
            fleet.append(current)
        if rng.random() < APPEND_CHURN:
            status = rng.choices(STATUSES, WEIGHTS)[0]
        current[1].append((control, status))
    db.close()
    for index in rng.sample(range(len(fleet)), REPLACED):
        fleet[index] = ("new-%06d" % index, fleet[index][1])
    return _summary(run, fleet)


def phase_append(directory, journal):
    collection_on_path()
    from ansible_collections.hardening.signal.plugins.module_utils.governance.history import History
    source = os.path.join(directory, "fleet-history.sqlite")
    path = os.path.join(directory, "timed-%s.sqlite" % journal)
    shutil.copyfile(source, path)
    with History(path, journal_mode=journal) as store:  # switch the copy's journal mode outside the timing
        runs = store.db.execute("SELECT count(*) FROM runs").fetchone()[0]
    summary = _next_summary(path, runs + 1)
    os.sync()
    baseline = _maxrss_mib()
    cpu_started = time.process_time()
    started = time.perf_counter()
    store = History(path, journal_mode=journal)
    opened = time.perf_counter()
    sections = store.append(summary)
    appended = time.perf_counter()
    store.commit()
    committed = time.perf_counter()
    cpu = time.process_time() - cpu_started
    store.close()
    failing_since = sum(1 for s in summary["subjects"] for r in s["results"] if "failing_since" in r)
    size = sum(os.path.getsize(p) for p in (path, path + "-wal") if os.path.exists(p))
    return {"journal": journal, "open": opened - started, "append": appended - opened, "commit": committed - appended,
            "total": committed - started, "cpu": cpu, "breakdown": store.timings, "peak_mib": _maxrss_mib() - baseline,
            "results": sum(len(s["results"]) for s in summary["subjects"]), "failing_since": failing_since,
            "newly_failing": sections["changes"]["newly_failing"]["count"], "fixed": sections["changes"]["fixed"]["count"],
            "run_id": sections["history"]["run_id"], "trend": len(sections["trend"]), "bytes": size}


def run_phase(*args):
    done = subprocess.run([sys.executable, os.path.abspath(__file__), "--phase"] + list(args),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, check=False)
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit("phase %s failed (exit %d)" % (args[0], done.returncode))
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--phase", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--subjects", type=int, default=SUBJECTS, help="subjects per run (default %(default)s)")
    parser.add_argument("--runs", type=int, default=RUNS, help="runs already in the history (default %(default)s)")
    parser.add_argument("--keep", action="store_true", help="keep the history folder and print its path")
    options = parser.parse_args(argv)

    if options.phase:
        name, directory = options.phase[0], options.phase[1]
        if name == "build":
            print(json.dumps(phase_build(directory, int(options.phase[2]), int(options.phase[3]))))
        else:
            print(json.dumps(phase_append(directory, options.phase[2])))
        return 0

    directory = tempfile.mkdtemp(prefix="bench-history-")
    try:
        built = run_phase("build", directory, str(options.subjects), str(options.runs))
        print("History: %d runs of %d subjects, %d results rows, %.0f MiB (built in %.1f s, not timed)"
              % (built["runs"], built["subjects"], built["results"], built["bytes"] / 2 ** 20, built["seconds"]))
        trials = [run_phase("append", directory, journal) for journal in ("delete", "wal")]
    finally:
        if options.keep:
            print("history kept in %s" % directory)
        else:
            shutil.rmtree(directory, ignore_errors=True)

    print()
    header = ("journal", "open", "append", "(load", "results", "rest)", "commit", "total", "cpu", "peak MiB", "file MiB")
    print("%-8s %6s %7s %6s %8s %6s %7s %6s %6s %9s %9s" % header)
    for trial in trials:
        part = trial["breakdown"]
        rest = part["append"] - part["load"] - part["results"]
        print("%-8s %6.2f %7.2f %6.2f %8.2f %6.2f %7.2f %6.2f %6.2f %9.0f %9.0f" % (
            trial["journal"], trial["open"], trial["append"], part["load"], part["results"], rest, trial["commit"],
            trial["total"], trial["cpu"], trial["peak_mib"], trial["bytes"] / 2 ** 20))
    main_trial = trials[0]
    print()
    print("Run %d appended: %d results, %d with failing_since, %d newly failing, %d fixed, trend of %d runs."
          % (main_trial["run_id"], main_trial["results"], main_trial["failing_since"], main_trial["newly_failing"],
             main_trial["fixed"], main_trial["trend"]))
    print("Seconds are wall-clock (cpu: this process's CPU time, steadier on a busy machine).")
    print("load: the streaks (one row per subject); results: the 750,000 rows with failing_since and the changes worked out "
          "on the way; rest: new names, changed streaks, trend.")
    passed = main_trial["total"] < TARGET_SECONDS
    print("Target for the history (journal_mode delete, the default): under %.0f s, so that with the reports "
          "(bench_fleet.py: validate + write_json + write_md + write_html) it stays under 10 s: %s."
          % (TARGET_SECONDS, "PASS" if passed else "FAIL"))
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
