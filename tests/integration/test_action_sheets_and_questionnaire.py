# -*- coding: utf-8 -*-
"""Through the real playbook: an action sheet per person (and one for the security team) next to the reports,
and a questionnaire that, filled in and given back as an attestation file, turns its rows into pass and fail."""

from __future__ import annotations

import csv
import io
import json
import os
import stat

import pytest

EXAMPLE = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "inventory.example")
MOMENT = "2026-11-26T06:00:00Z"


@pytest.fixture
def judged(run_playbook):
    """Run the example in check mode as of MOMENT into report_dir; the summary it wrote."""
    def run(report_dir, extra=None):
        extra_vars = {"signal_hardening_report_dir": str(report_dir), "signal_hardening_evaluation_time": MOMENT,
                      "signal_hardening_min_compliance_pct": 0, "signal_hardening_max_failures": {}}
        extra_vars.update(extra or {})
        done = run_playbook(extra=extra_vars)
        assert done.rc == 0, done.output
        with open(str(report_dir / "fleet-summary.json"), encoding="utf-8") as handle:
            return json.load(handle)
    return run


def _questionnaire(report_dir):
    with open(str(report_dir / "attestation-questionnaire.csv"), encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _results(summary, person, control):
    return [r["status"] for s in summary["subjects"] if (s["owner"] or "").strip().lower() == person
            for r in s["results"] if r["control"] == control]


def test_a_filled_questionnaire_turns_into_pass_and_fail_with_no_editing(tmp_path, judged):
    first = judged(tmp_path / "first")
    rows = _questionnaire(tmp_path / "first")
    assert rows and all(row["answer"] == "" and row["date"] == "" for row in rows)
    assert all(row["question"] and row["devices"] and row["why"] for row in rows)
    # One row per person and control owed; each stands for results that are manual today.
    assert len({(row["person"], row["control"]) for row in rows}) == len(rows)
    for row in rows:
        assert "manual" in _results(first, row["person"], row["control"]), row
    # A spreadsheet fills it in: yes for most, no for some, a few rows left for later.
    filled, expected = [], {}
    for number, row in enumerate(rows):
        row = dict(row)
        if number % 7 == 6:
            expected[(row["person"], row["control"])] = "manual"
        else:
            row["answer"] = "no" if number % 5 == 4 else "yes"
            row["date"] = "2026-11-25T16:30:00Z"
            expected[(row["person"], row["control"])] = "fail" if row["answer"] == "no" else "pass"
        filled.append(row)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(filled)
    answers = tmp_path / "answers.csv"
    answers.write_text(buffer.getvalue(), encoding="utf-8")

    second = judged(tmp_path / "second", {"signal_hardening_attestation_files": [
        os.path.join(EXAMPLE, "attestations.csv"), str(answers)]})
    for (person, control), status in expected.items():
        statuses = set(_results(second, person, control)) - {"not_applicable"}
        assert statuses == {status}, (person, control, statuses)
    # Nothing in the filled file is a mistake: the empty rows are only not answered yet.
    assert not [e for e in second["input_errors"] if e["source"] == str(answers)]
    (status,) = [f for f in second["attestations"]["files"] if f["path"] == str(answers)]
    assert "not answered yet" in status["detail"]
    # The next questionnaire asks only what is still owed.
    again = {(row["person"], row["control"]) for row in _questionnaire(tmp_path / "second")}
    assert again == {key for key, status in expected.items() if status == "manual"}


def _sheet_files(report_dir):
    folder = report_dir / "action-sheets"
    return folder, sorted(os.listdir(str(folder)))


def test_every_person_gets_a_sheet_and_the_security_team_the_devices_without_owner(tmp_path, judged):
    report_dir = tmp_path / "reports"
    summary = judged(report_dir)
    folder, names = _sheet_files(report_dir)
    people = [p["owner"] for p in summary["people"]["items"]]
    with open(str(folder / "index.csv"), encoding="utf-8", newline="") as handle:
        index = list(csv.DictReader(handle))
    assert [row["person"] for row in index] == sorted(people)
    for row in index:
        assert row["text"] in names and row["html"] in names and row["run"] == summary["run"]["id"]
        text = (folder / row["text"]).read_text(encoding="utf-8")
        assert text.startswith("Signal: what to do, for %s\n" % row["person"])
        for subject in summary["subjects"]:
            if (subject["owner"] or "").strip().lower() == row["person"]:
                assert "id %s)" % subject["id"] in text
    # The sheets sit in the run's own folder and are as private as the reports.
    run_folder = os.path.realpath(str(report_dir / "current"))
    assert os.path.realpath(str(folder)) == os.path.join(run_folder, "action-sheets")
    assert {stat.S_IMODE(os.stat(str(folder / name)).st_mode) for name in names} <= {0o640, 0o600}
    team = (folder / "security-team.txt").read_text(encoding="utf-8")
    unowned = [s for s in summary["subjects"] if not s["owner"]]
    assert unowned and "No owner is known for %d device" % len(unowned) in team
    for subject in unowned:
        assert "id %s)" % subject["id"] in team
    # Off: no sheets, and no link left to an earlier run's.
    judged(report_dir, {"signal_hardening_action_sheets": False})
    assert not os.path.lexists(str(report_dir / "action-sheets"))
    assert not os.path.exists(os.path.join(os.path.realpath(str(report_dir / "current")), "action-sheets"))
