# -*- coding: utf-8 -*-
"""The real playbook with its history in a real PostgreSQL server: two runs, failing_since and the changes across
them, the URL from the environment as AWX's credential sets it, no password in any output; and the URL checked
before any host is touched."""

from __future__ import annotations

import os
import socket

import pytest
import yaml

from tests.integration.task_names import PROBE_TASK


def everything(run):
    """The playbook's output and every file it left anywhere under the report folder, as one text."""
    texts = [run.output]
    # Every file in the folder tree (the run folders, the action sheets, the history): not only the top level.
    for folder, _dirs, names in sorted(os.walk(run.report_dir)):
        for name in sorted(names):
            path = os.path.join(folder, name)
            if os.path.isfile(path):
                with open(path, encoding="utf-8", errors="replace") as handle:
                    texts.append(handle.read())
    return "\n".join(texts)


def test_the_playbook_keeps_its_history_in_postgresql_across_runs(run_playbook, postgresql_database, monkeypatch, tmp_path):
    server, name = postgresql_database
    url = server.url(name)
    monkeypatch.setenv("HARDENING_SIGNAL_HISTORY_PASSWORD", server.password)
    first = run_playbook(extra={"signal_hardening_history_url": url})
    assert first.rc == 0, first.output
    run1 = first.summary()
    assert run1["history"]["run_id"] == 1 and run1["history"]["path"] == url and run1["history"]["error"] is None
    # The second run as an AWX job with the credential attached: the URL comes from the environment.
    monkeypatch.setenv("HARDENING_SIGNAL_HISTORY_URL", url)
    second = run_playbook(args=["-v"])
    assert second.rc == 0, second.output
    run2 = second.summary()
    assert run2["history"]["run_id"] == 2 and run2["history"]["previous_run"]["run_id"] == 1
    assert run2["history"]["path"] == url and run2["history"]["error"] is None
    failing = [r for s in run2["subjects"] for r in s["results"] if r["status"] in ("fail", "unknown", "manual", "error")]
    assert failing and all(r["failing_since"] == run1["generated_at"] for r in failing)
    assert run2["changes"]["newly_failing"]["count"] == 0 and run2["changes"]["fixed"]["count"] == 0
    assert [point["run_id"] for point in run2["trend"]] == [1, 2]
    assert "since run 1: 0 newly failing, 0 fixed" in second.output
    with open(os.path.join(second.report_dir, "fleet-summary.html"), encoding="utf-8") as handle:
        html = handle.read()
    assert "Compliance over the last 2 runs" in html and "failing since %s" % run1["generated_at"][:10] in html
    assert not os.path.exists(os.path.join(second.report_dir, "fleet-history.sqlite"))
    with server.admin(name) as db:
        assert db.execute("SELECT count(*) FROM hardening_signal.runs").fetchone()[0] == 2
    # The password in the URL instead, at the highest verbosity: shown nowhere, neither in the output nor the reports.
    # In a variables file, as AWX passes extra variables (ansible-playbook -vvvv prints its own command line).
    monkeypatch.delenv("HARDENING_SIGNAL_HISTORY_PASSWORD")
    monkeypatch.delenv("HARDENING_SIGNAL_HISTORY_URL")
    extra = tmp_path / "history.yml"
    extra.write_text(yaml.safe_dump({"signal_hardening_history_url": server.url(name, password=True)}))
    third = run_playbook(args=["-e", "@%s" % extra, "-vvvv"])
    assert third.rc == 0, third.output
    assert third.summary()["history"]["run_id"] == 3
    assert server.password not in everything(third)


def test_a_server_that_cannot_be_reached_does_not_stop_the_run(run_playbook):
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    run = run_playbook(extra={"signal_hardening_history_url": "postgresql://signal@127.0.0.1:%d/history" % port})
    assert run.rc == 0, run.output
    history = run.summary()["history"]
    assert history["run_id"] is None and "Connection refused" in history["error"]
    assert "[WARNING]: history postgresql://signal@127.0.0.1:%d/history cannot be opened: " % port in run.output


@pytest.mark.parametrize("url, reason", [
    ("mysql://signal:Secr3t-pw@db.example.org/history", "the scheme mysql:// is not supported"),
    ("postgresql://signal:Secr3t-pw@db.example.org:54x2/history", "the port 54x2 is not a number from 1 to 65535"),
    ("postgresql://signal:Secr3t-pw@db.example.org:5432", "names no database"),
])
def test_a_malformed_history_url_stops_the_run_before_any_host_is_touched(run_playbook, url, reason):
    run = run_playbook(extra={"signal_hardening_history_url": url})
    assert run.rc != 0
    assert "signal_hardening_history_url: " in run.output and reason in run.output, run.output
    assert PROBE_TASK not in run.output and not os.path.exists(run.report_dir)
    assert "Secr3t-pw" not in run.output


def test_the_url_and_the_path_are_not_both_set(run_playbook, tmp_path):
    run = run_playbook(extra={"signal_hardening_history_url": "postgresql://signal@db.example.org/history",
                              "signal_hardening_history_path": str(tmp_path / "h.sqlite")})
    assert run.rc != 0 and "signal_hardening_history_url and signal_hardening_history_path are both set" in run.output
    assert PROBE_TASK not in run.output
