# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""`make bench`: run every bench, even after one misses its target, print all their figures, then a summary of
every target (each a ratio to a floor the same bench measured in the same run), and exit non-zero if any missed.

    python bench/run_all.py [bench_fleet bench_history ...]   # the benches named, in that order (default: all)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

from bench_common import RESULT_MARK, print_table

HERE = os.path.dirname(os.path.abspath(__file__))
BENCHES = ("bench_fleet", "bench_history", "bench_workstations", "bench_mdm")


def run(bench, folder=HERE):
    """(exit status, its result lines, seconds): the bench's output is passed through as it comes."""
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, os.path.join(folder, bench + ".py")], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, bufsize=1)
    results = []
    for line in process.stdout:
        sys.stdout.write(line)
        sys.stdout.flush()
        if line.startswith(RESULT_MARK):
            results.append(json.loads(line[len(RESULT_MARK):]))
    return process.wait(), results, time.perf_counter() - started


def main(argv=None, benches=BENCHES, folder=HERE):
    """benches: the known benches, the scripts <name>.py in folder (the tests give their own)."""
    names = list(argv if argv is not None else sys.argv[1:]) or list(benches)
    unknown = [name for name in names if name not in benches]
    if unknown:
        print("unknown bench(es): %s (known: %s)" % (", ".join(unknown), ", ".join(benches)), file=sys.stderr)
        return 2
    rows = [("bench", "measured", "seconds", "floor", "floor s", "ratio", "target", "verdict")]
    failed, problems = [], []
    loads = ["%.1f" % os.getloadavg()[0]]
    for name in names:
        print("==== %s (load average %.1f) ====" % (name, os.getloadavg()[0]), flush=True)
        status, results, seconds = run(name, folder)
        print("==== %s: exit %d after %.0f s ====\n" % (name, status, seconds), flush=True)
        for result in results:
            rows.append((name, result["measured"], "%.2f" % result["seconds"], result["floor"],
                         "%.2f" % result["floor_seconds"], "%.2fx" % result["ratio"], "<= %.1fx" % result["target"],
                         "PASS" if result["passed"] else "FAIL"))
            problems.extend("%s, %s: %s" % (name, result["measured"], p) for p in result["problems"])
        missed = [r for r in results if not r["passed"]]
        if missed or status != 0 or not results:
            failed.append(name)
            if status != 0 and not missed:
                rows.append((name, "(the bench itself)", "-", "-", "-", "-", "-",
                             "FAIL (exit %d%s)" % (status, ", no result" if not results else "")))
        loads.append("%.1f" % os.getloadavg()[0])
    print("==== every target ====")
    print_table(rows, (0, 1, 3, 7))
    for problem in problems:
        print("PROBLEM: %s" % problem)
    print("Load average (1 min) before each bench and at the end: %s, on %d cores." % (", ".join(loads), os.cpu_count() or 0))
    if failed:
        print("make bench: FAIL (%s)" % ", ".join(failed))
        return 1
    print("make bench: PASS (every target met)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
