# -*- coding: utf-8 -*-
"""publish() with a history in either store: the reports' history sections, and what the summary says when the
history cannot be used (a newer format, a server that cannot be reached), never with the password."""

from __future__ import annotations

import hashlib
import json
import os
import socket
import sqlite3

from ansible_collections.hardening.signal.plugins.module_utils.report.publish import publish

from ansible_collections.hardening.signal.tests.unit.plugins.module_utils.report.sample_summary import sample_summary


def judged_run():
    """A summary as the action has it before publishing: no history sections yet; and its gate."""
    summary = sample_summary()
    for section in ("history", "changes", "trend"):
        summary.pop(section)
    for subject in summary["subjects"]:
        for result in subject["results"]:
            result.pop("failing_since", None)
    return summary, summary.pop("gate")


def digest(path):
    with open(str(path), "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def test_a_history_of_a_newer_format_is_not_written_to_and_the_summary_says_so(tmp_path):
    newer = tmp_path / "fleet-history.sqlite"
    db = sqlite3.connect(str(newer))
    db.execute("CREATE TABLE runs (run_id INTEGER PRIMARY KEY, layout_of_the_future TEXT)")
    db.execute("PRAGMA user_version = 2")
    db.commit()
    db.close()
    before = digest(newer)
    summary, gate = judged_run()
    paths, warnings = publish(summary, str(tmp_path / "reports"), ["json", "md"], gate, history_path=str(newer))
    history = summary["history"]
    assert history["enabled"] is True and history["run_id"] is None and history["path"] == str(newer)
    assert "has format 2, newer than this version of hardening.signal knows (format 1): it is not written to" in history["error"]
    assert any("not written to" in warning for warning in warnings)
    # The reports are written and say so too; the history file is untouched.
    with open(paths["md"], encoding="utf-8") as handle:
        assert "could not be recorded in the history" in handle.read()
    assert digest(newer) == before


def two_runs(history_location, report_dir, **options):
    """The sample run published twice against one history (a day apart, one result fixed in between); the HTML
    and the summary of the second."""
    for day, fixed in ((1, False), (2, True)):
        summary, gate = judged_run()
        summary["generated_at"] = "2026-11-%02dT06:00:00Z" % day
        if fixed:
            failing = next(r for s in summary["subjects"] for r in s["results"] if r["status"] == "fail")
            failing["status"] = "pass"
        paths, warnings = publish(summary, report_dir, ["json", "md", "html"], gate, history_path=history_location,
                                  **options)
        assert warnings == [] and summary["history"]["error"] is None
    with open(paths["html"], encoding="utf-8") as handle:
        return handle.read(), summary


def normalised(html, summary):
    """The page with the history's location and the run's id replaced (what differs between two runs). The history's
    seconds are not on the page; replacing their text (0.0) would also change figures such as 50.0%."""
    return html.replace(summary["history"]["path"], "HISTORY").replace(summary["run"]["id"], "RUN")


def test_the_html_trend_and_failing_since_are_the_same_from_either_store(tmp_path, postgresql_database, monkeypatch):
    server, name = postgresql_database
    monkeypatch.setenv("HARDENING_SIGNAL_HISTORY_PASSWORD", server.password)
    sqlite_file = str(tmp_path / "fleet-history.sqlite")
    from_sqlite, sqlite_summary = two_runs(sqlite_file, str(tmp_path / "sqlite-reports"))
    from_postgresql, postgresql_summary = two_runs(server.url(name), str(tmp_path / "postgresql-reports"))
    assert postgresql_summary["history"]["path"] == server.url(name)
    for section in ("changes", "trend"):
        assert postgresql_summary[section] == sqlite_summary[section]
    assert [p["generated_at"] for p in postgresql_summary["trend"]] == ["2026-11-01T06:00:00Z", "2026-11-02T06:00:00Z"]
    assert postgresql_summary["changes"]["fixed"]["count"] == 1
    since = [r.get("failing_since") for s in postgresql_summary["subjects"] for r in s["results"]]
    assert since == [r.get("failing_since") for s in sqlite_summary["subjects"] for r in s["results"]]
    assert "2026-11-01T06:00:00Z" in since
    # The pages differ only in where the history is and how long it took.
    assert normalised(from_postgresql, postgresql_summary) == normalised(from_sqlite, sqlite_summary)
    for shown in ("Compliance over the last 2 runs", "failing since 2026-11-01", "Changes since run #1 (2026-11-01T06:00:00Z)"):
        assert shown in from_postgresql
    # Where the history is: the database, not called a file.
    assert "<dt>History</dt><dd class=\"path\">%s</dd>" % server.url(name) in from_postgresql
    with open(os.path.join(str(tmp_path / "postgresql-reports"), "fleet-summary.md"), encoding="utf-8") as handle:
        markdown = handle.read()
    assert "- History: postgresql://signal@127.0.0.1:" in markdown and "History file" not in markdown


def everything_written(report_dir, summary, warnings):
    """Every file in the report folder (each run's reports and action sheets, the lock), the summary and the
    warnings, as one text."""
    texts = [json.dumps(summary)] + list(warnings)
    for folder, _folders, names in os.walk(report_dir):
        for name in sorted(names):
            path = os.path.join(folder, name)
            if os.path.isfile(path) and not os.path.islink(path):  # the stable names are links to these
                with open(path, encoding="utf-8", errors="replace") as handle:
                    texts.append(handle.read())
    return "\n".join(texts)


def test_a_server_that_cannot_be_reached_does_not_stop_the_reports(tmp_path):
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]  # nothing listens there once closed
    url = "postgresql://signal:Pa55-in-the-url@127.0.0.1:%d/history" % port
    summary, gate = judged_run()
    report_dir = str(tmp_path / "reports")
    paths, warnings = publish(summary, report_dir, ["json", "md", "html"], gate, history_path=url)
    history = summary["history"]
    assert history["enabled"] is True and history["run_id"] is None
    assert history["path"] == "postgresql://signal:***@127.0.0.1:%d/history" % port
    assert history["error"].startswith("history postgresql://signal:***@127.0.0.1:%d/history cannot be opened: " % port)
    assert "Connection refused" in history["error"]
    assert sorted(paths) == ["html", "json", "md"]
    assert "Pa55-in-the-url" not in everything_written(report_dir, summary, warnings)


def test_the_password_is_in_no_report_message_or_summary(tmp_path, postgresql_database, monkeypatch):
    server, name = postgresql_database
    monkeypatch.setenv("HARDENING_SIGNAL_HISTORY_PASSWORD", "not-" + server.password)  # the URL's password wins
    summary, gate = judged_run()
    report_dir = str(tmp_path / "reports")
    _paths, warnings = publish(summary, report_dir, ["json", "md", "html", "junit", "csv"], gate,
                               history_path=server.url(name, password=True))
    assert summary["history"]["error"] is None and summary["history"]["run_id"] == 1
    assert summary["history"]["path"] == server.url(name).replace("signal@", "signal:***@")
    assert server.password not in everything_written(report_dir, summary, warnings)
    # A wrong password: refused by the server, and neither password is in what the run says.
    wrong = server.url(name, password=True).replace(server.password, "Wr0ng-pass")
    summary, gate = judged_run()
    _paths, warnings = publish(summary, report_dir, ["json", "md"], gate, history_path=wrong)
    assert "password authentication failed" in summary["history"]["error"]
    written = everything_written(report_dir, summary, warnings)
    assert "Wr0ng-pass" not in written and server.password not in written
