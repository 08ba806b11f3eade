# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the benchmarks share: the collection importable from this checkout, phases run in fresh
interpreters, a temporary folder, peak memory and the table of results (the fleets' weighted draws are
tests/fakes/draws.py)."""

from __future__ import annotations

import contextlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COLLECTIONS = os.path.join(ROOT, ".build", "collections")
LINK = os.path.join(COLLECTIONS, "ansible_collections", "hardening", "signal")


def collection_on_path():
    """Make ansible_collections.hardening.signal importable (and findable by ansible-playbook), as tests/conftest.py does."""
    if not os.path.islink(LINK) and not os.path.isdir(LINK):
        os.makedirs(os.path.dirname(LINK), exist_ok=True)
        os.symlink(ROOT, LINK)
    if COLLECTIONS not in sys.path:
        sys.path.insert(0, COLLECTIONS)


@contextlib.contextmanager
def work_folder(prefix, keep, what):
    """A temporary folder for the bench, removed at the end; with keep, left in place and its path printed."""
    directory = tempfile.mkdtemp(prefix=prefix)
    try:
        yield directory
    finally:
        if keep:
            print("%s kept in %s" % (what, directory))
        else:
            shutil.rmtree(directory, ignore_errors=True)


def run_child_phase(script, name, arguments, timeout=None, stderr=None):
    """Run ``script --phase name arguments...`` in a fresh interpreter; its JSON report (the last line of its output).

    A fresh interpreter, so the phase's peak memory is its own. Exits the bench with the phase's stderr when it fails.
    """
    try:
        done = subprocess.run([sys.executable, os.path.abspath(script), "--phase", name] + [str(arg) for arg in arguments],
                              stdout=subprocess.PIPE, stderr=stderr if stderr is not None else subprocess.PIPE,
                              text=True, check=False, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise SystemExit("phase %s did not finish within %.0f s" % (name, timeout))
    if done.returncode != 0:
        sys.stderr.write(done.stderr or "")
        raise SystemExit("phase %s failed (exit %d)" % (name, done.returncode))
    return json.loads(done.stdout.strip().splitlines()[-1])


def maxrss_mib(who=resource.RUSAGE_SELF):
    """ru_maxrss in MiB: this process's peak RSS, or (RUSAGE_CHILDREN) that of its largest waited-for child."""
    return resource.getrusage(who).ru_maxrss / 1024.0  # KiB on Linux


def ratio(value, floor):
    """'2.5x': value against the floor ('-' without one)."""
    return "%.1fx" % (value / floor) if floor > 0 else "-"


def print_table(rows, left_columns):
    """Print rows of text cells as aligned columns, the first row as the header; left_columns are left-aligned."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    print()
    for index, row in enumerate(rows):
        print("  ".join(cell.ljust(widths[i]) if i in left_columns else cell.rjust(widths[i]) for i, cell in enumerate(row)))
        if index == 0:
            print("  ".join("-" * w for w in widths))
    print()


# The line each bench prints per target, read back by run_all.py (`make bench`) for its summary and exit status.
RESULT_MARK = "bench-result: "


def judge_ratio(bench, measured, seconds, floor_name, floor_seconds, target, problems=()):
    """Print whether `measured` took at most `target` times the floor the same run measured; True when it did.

    On a shared 2-core machine absolute seconds move by half between quiet and busy hours; the floor, measured in
    the same run, moves with them. problems (a wrong result, a limit missed) fail the target too.
    """
    value = seconds / floor_seconds if floor_seconds > 0 else float("inf")
    passed = value <= target and not problems
    print("Target (%s): %s at most %.1fx %s: %.2f s / %.2f s = %.2fx: %s%s"
          % (bench, measured, target, floor_name, seconds, floor_seconds, value, "PASS" if passed else "FAIL",
             "".join("; %s" % problem for problem in problems)))
    print(RESULT_MARK + json.dumps({"bench": bench, "measured": measured, "seconds": round(seconds, 3),
                                    "floor": floor_name, "floor_seconds": round(floor_seconds, 3),
                                    "ratio": round(value, 3), "target": target, "problems": list(problems),
                                    "passed": passed}))
    return passed
