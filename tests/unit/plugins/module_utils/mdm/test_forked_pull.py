# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Sources pulled in forked processes: results in order, progress relayed, a failing or dying child never a gap.

Every test forks real child processes; pull_one stands for a source's pull and is what runs in the child.
"""
from __future__ import annotations

import os
import signal
import time

from ansible_collections.hardening.signal.plugins.module_utils.mdm.forked_pull import pull_in_processes


def failed(spec, message):
    return ("failed", spec, message)


def slow_then_fast(spec, progress):
    # The first spec finishes last: the results must still come back in the order of the specs.
    time.sleep(0.3 if spec == "a" else 0.0)
    for page in range(3):
        progress(spec, page)
    return ("ok", spec, os.getpid(), "x" * 3_000_000)   # a result far larger than a pipe's buffer


def test_results_come_back_in_the_order_of_the_specs_from_other_processes():
    lines = []
    results = pull_in_processes(["a", "b", "c"], slow_then_fast, failed, progress=lambda *line: lines.append(line), workers=3)
    assert [r[:2] for r in results] == [("ok", "a"), ("ok", "b"), ("ok", "c")]
    assert len({r[2] for r in results} | {os.getpid()}) == 4   # each pulled in its own process
    assert all(len(r[3]) == 3_000_000 for r in results)
    for spec in "abc":   # every progress line arrives, in its child's order
        assert [line for line in lines if line[0] == spec] == [(spec, 0), (spec, 1), (spec, 2)]


def test_no_more_children_at_once_than_workers():
    started = []

    def pull_one(spec, progress):
        progress(time.monotonic())
        time.sleep(0.2)
        return time.monotonic()

    ends = pull_in_processes([1, 2, 3, 4], pull_one, failed, progress=started.append, workers=2)
    # With two at a time, the third and fourth start only after one of the first two has finished.
    assert sorted(started)[2] >= min(ends[:2]) - 0.05


def raises(spec, progress):
    if spec == "bad":
        raise ValueError("vendor record 17: unexpected shape")
    return ("ok", spec)


def test_an_exception_in_a_child_fails_that_source_only_with_the_reason():
    results = pull_in_processes(["good", "bad", "good2"], raises, failed)
    assert results[0] == ("ok", "good") and results[2] == ("ok", "good2")
    assert results[1][:2] == ("failed", "bad")
    assert "the process pulling this source failed" in results[1][2] and "vendor record 17: unexpected shape" in results[1][2]


def dies(spec, progress):
    if spec == "exit":
        os._exit(3)
    if spec == "killed":
        os.kill(os.getpid(), signal.SIGKILL)
    return ("ok", spec)


def test_a_child_that_dies_without_a_result_fails_its_source_saying_how_it_ended():
    results = pull_in_processes(["exit", "fine", "killed"], dies, failed, workers=3)
    assert results[1] == ("ok", "fine")
    assert results[0][0] == "failed" and "ended without a result (exit status 3)" in results[0][2]
    assert results[2][0] == "failed" and "ended without a result (killed by signal 9)" in results[2][2]


def unpicklable(spec, progress):
    return lambda: spec   # a lambda cannot be pickled: the child reports that instead of a result


def test_a_result_that_cannot_be_sent_is_a_failure_not_a_hang():
    results = pull_in_processes(["x", "y"], unpicklable, failed)
    assert [r[0] for r in results] == ["failed", "failed"]
    assert "pickle" in results[0][2].lower()


def test_meanwhile_runs_here_while_the_children_pull(tmp_path):
    # Each child waits for a file that only the meanwhile work, in this process, creates: the pulls can only
    # finish if it ran while they were running.
    signal_file = tmp_path / "workstations-done"

    def waits_for_meanwhile(spec, progress):
        deadline = time.monotonic() + 10
        while not signal_file.exists():
            if time.monotonic() > deadline:
                return ("timed out", spec)
            time.sleep(0.01)
        return ("ok", spec, os.getpid())

    ran_in = []

    def meanwhile():
        ran_in.append(os.getpid())
        signal_file.write_text("done")

    results = pull_in_processes(["a", "b"], waits_for_meanwhile, failed, workers=2, meanwhile=meanwhile)
    assert [r[:2] for r in results] == [("ok", "a"), ("ok", "b")]
    assert ran_in == [os.getpid()] and os.getpid() not in {r[2] for r in results}
