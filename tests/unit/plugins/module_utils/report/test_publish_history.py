# -*- coding: utf-8 -*-
"""publish() with a history: what the summary says when the history cannot be written to."""

from __future__ import annotations

import hashlib
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
