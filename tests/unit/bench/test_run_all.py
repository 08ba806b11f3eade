# -*- coding: utf-8 -*-
"""make bench's harness (bench/run_all.py): every bench runs even after one missed or broke, every figure is
printed, and the exit status is non-zero if any target was missed."""

from __future__ import annotations

import os
import sys
import textwrap

import pytest

BENCH = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", "bench"))
if BENCH not in sys.path:
    sys.path.insert(0, BENCH)

import run_all  # noqa: E402 (bench/ is not a package)

# A bench as the real ones end: its figures, then judge_ratio's verdict lines; exit status 1 when a target is missed.
SCRIPT = textwrap.dedent("""
    import sys
    sys.path.insert(0, %(bench)r)
    from bench_common import judge_ratio
    print("figure of %(name)s: %(seconds)s s")
    passed = judge_ratio(%(name)r, "the work", %(seconds)s, "its floor", 2.0, 3.0)
    sys.exit(0 if passed else 1)
""")


def write(folder, name, seconds=None, body=None):
    text = body if body is not None else SCRIPT % {"bench": BENCH, "name": name, "seconds": seconds}
    (folder / (name + ".py")).write_text(text)


def test_every_bench_runs_after_a_miss_and_a_crash_and_the_run_fails(tmp_path, capsys):
    write(tmp_path, "slow", seconds=9.0)                       # 4.5x its floor: misses the 3x target
    write(tmp_path, "broken", body="raise SystemExit(3)\n")    # gives no result at all
    write(tmp_path, "fast", seconds=5.0)                       # 2.5x: meets it
    status = run_all.main([], benches=("slow", "broken", "fast"), folder=str(tmp_path))
    out = capsys.readouterr().out
    assert status == 1
    # Each bench ran and its own figures were passed through.
    for figure in ("figure of slow: 9.0 s", "figure of fast: 5.0 s", "==== broken: exit 3"):
        assert figure in out
    # The summary names each target with its ratio and verdict, and what failed.
    table = out[out.index("==== every target ===="):]
    assert "4.50x" in table and "2.50x" in table and "<= 3.0x" in table
    assert "FAIL (exit 3, no result)" in table
    assert "make bench: FAIL (slow, broken)" in out


def test_all_targets_met_is_success(tmp_path, capsys):
    write(tmp_path, "one", seconds=4.0)
    write(tmp_path, "two", seconds=6.0)
    assert run_all.main([], benches=("one", "two"), folder=str(tmp_path)) == 0
    assert "make bench: PASS (every target met)" in capsys.readouterr().out


@pytest.mark.parametrize("names", [["nonesuch"], ["one", "nonesuch"]])
def test_an_unknown_bench_is_refused(tmp_path, names):
    write(tmp_path, "one", seconds=4.0)
    assert run_all.main(names, benches=("one",), folder=str(tmp_path)) == 2
