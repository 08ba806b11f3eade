# -*- coding: utf-8 -*-
"""Two runs at once against one history, as real concurrent processes, in both stores: they are serialised by
the history's write lock, both are recorded, and neither sees a half-written run of the other."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from ansible_collections.hardening.signal.plugins.module_utils.governance.history import open_history

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", ".."))
COLLECTIONS = os.path.join(ROOT, ".build", "collections")
SUBJECTS = 300
CONTROLS = 5

# One run of the playbook, as far as the history sees it: open, append, "write the reports" (hold the
# transaction for HOLD seconds), commit. Prints its sections and when it appended and committed.
RUN = textwrap.dedent("""
    import json, os, sys, time
    sys.path.insert(0, os.environ["COLLECTIONS"])
    from ansible_collections.hardening.signal.plugins.module_utils.governance.history import open_history
    number, status, hold = int(sys.argv[1]), sys.argv[2], float(sys.argv[3])
    wait_for = os.environ.get("WAIT_FOR")
    while wait_for and not os.path.exists(wait_for):
        time.sleep(0.01)
    doc = {"generated_at": "2026-11-%02dT06:00:00Z" % number, "run": {"check_mode": True}, "compliance": {"pct": 1.0},
           "totals": {}, "subjects": [{"id": "s%04d" % i, "results": [{"control": "c%d" % j, "status": status}
                                      for j in range(int(os.environ["CONTROLS"]))]}
                                     for i in range(int(os.environ["SUBJECTS"]))]}
    options = {"environ": os.environ} if "://" in os.environ["LOCATION"] else {}
    history = open_history(os.environ["LOCATION"], **options)
    sections = history.append(doc)
    appended = time.monotonic()
    if os.environ.get("SIGNAL_APPENDED"):
        open(os.environ["SIGNAL_APPENDED"], "w").close()
    time.sleep(hold)
    history.commit()
    committed = time.monotonic()
    history.close()
    print(json.dumps({"sections": sections, "appended": appended, "committed": committed,
                      "failing_since": sorted({r.get("failing_since") or "" for s in doc["subjects"] for r in s["results"]})}))
""")


@pytest.fixture(params=["sqlite", "postgresql"])
def location(request, tmp_path):
    """(location, environment for the processes): a new SQLite file, or a new PostgreSQL database."""
    env = dict(os.environ, COLLECTIONS=COLLECTIONS, SUBJECTS=str(SUBJECTS), CONTROLS=str(CONTROLS))
    if request.param == "sqlite":
        env["LOCATION"] = str(tmp_path / "fleet-history.sqlite")
    else:
        server, name = request.getfixturevalue("postgresql_database")
        env.update(LOCATION=server.url(name), HARDENING_SIGNAL_HISTORY_PASSWORD=server.password)
    return env


def start(env, number, status, hold=0.0, **extra):
    return subprocess.Popen([sys.executable, "-c", RUN, str(number), status, str(hold)], env=dict(env, **extra),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(process):
    stdout, stderr = process.communicate(timeout=180)
    assert process.returncode == 0, stderr
    return json.loads(stdout.strip().splitlines()[-1])


def opened(env):
    options = {"environ": env} if "://" in env["LOCATION"] else {}
    return open_history(env["LOCATION"], **options)


def test_a_run_that_starts_while_another_writes_its_reports_waits_and_follows_it(location, tmp_path):
    marker = str(tmp_path / "first-appended")
    first = start(location, 1, "fail", hold=1.5, SIGNAL_APPENDED=marker)
    second = start(location, 2, "pass", WAIT_FOR=marker)
    one, two = finish(first), finish(second)
    # The second append could only take the lock once the first run committed; it then saw all of it.
    assert two["appended"] >= one["committed"]
    assert one["sections"]["history"]["run_id"] == 1 and two["sections"]["history"]["run_id"] == 2
    assert two["sections"]["history"]["previous_run"] == {"run_id": 1, "generated_at": "2026-11-01T06:00:00Z"}
    assert two["sections"]["changes"]["fixed"]["count"] == SUBJECTS * CONTROLS
    with opened(location) as history:
        assert [run["run_id"] for run in history.runs()] == [1, 2]
        assert set(history.results(1).values()) == {"fail"} and len(history.results(1)) == SUBJECTS * CONTROLS
        assert set(history.results(2).values()) == {"pass"} and len(history.results(2)) == SUBJECTS * CONTROLS


def test_runs_started_together_on_a_new_history_are_all_recorded_one_after_the_other(location):
    # Four at once, the history not created yet: creating it races too.
    statuses = {1: "fail", 2: "pass", 3: "fail", 4: "fail"}
    processes = {number: start(location, number, status, hold=0.3) for number, status in statuses.items()}
    reports = {number: finish(process) for number, process in processes.items()}
    by_run = {report["sections"]["history"]["run_id"]: (number, report) for number, report in reports.items()}
    assert sorted(by_run) == [1, 2, 3, 4]
    with opened(location) as history:
        assert len(history.runs()) == 4
        recorded = {run_id: set(history.results(run_id).values()) for run_id in by_run}
    when = {run_id: "2026-11-%02dT06:00:00Z" % number for run_id, (number, _report) in by_run.items()}
    for run_id, (number, report) in sorted(by_run.items()):
        assert recorded[run_id] == {statuses[number]}
        sections = report["sections"]
        # Each run was appended after the one before it had been committed, and judged against it.
        if run_id > 1:
            previous_number, previous = by_run[run_id - 1]
            assert report["appended"] >= previous["committed"]
            assert sections["history"]["previous_run"] == {"run_id": run_id - 1, "generated_at": when[run_id - 1]}
            was, now = statuses[previous_number], statuses[number]
            assert sections["changes"]["fixed"]["count"] == (SUBJECTS * CONTROLS if (was, now) == ("fail", "pass") else 0)
            assert sections["changes"]["newly_failing"]["count"] == (SUBJECTS * CONTROLS if (was, now) == ("pass", "fail") else 0)
        # failing_since: the first run of the unbroken streak of failing runs that ends with this one.
        if statuses[number] == "fail":
            start_run = run_id
            while start_run > 1 and statuses[by_run[start_run - 1][0]] == "fail":
                start_run -= 1
            assert report["failing_since"] == [when[start_run]]
        else:
            assert report["failing_since"] == [""]
