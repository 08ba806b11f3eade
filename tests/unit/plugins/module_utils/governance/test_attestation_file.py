# -*- coding: utf-8 -*-
"""Attestation imports (CSV and YAML): every kind of mistake is named with the file, the line or record and the
field; validity overrides per control."""

from __future__ import annotations

import datetime

import pytest
import yaml

from ansible_collections.hardening.signal.plugins.module_utils.engine.dates import parse_moment
from ansible_collections.hardening.signal.plugins.module_utils.engine.evaluate import Evaluator
from ansible_collections.hardening.signal.plugins.module_utils.governance.attestation_file import (
    AttestationCollector,
    apply_validity_overrides,
    check_validity_overrides,
)
from ansible_collections.hardening.signal.plugins.module_utils.schema_validation import problems

NOW = datetime.datetime(2026, 11, 26, 12, tzinfo=datetime.timezone.utc)


def control(cid, method="attestation", validity=90):
    check = {"method": method, "observes": "x"}
    if method == "attestation":
        check.update(question="Is it on?", validity_days=validity)
    else:
        check["test"] = {"fact": "a", "op": "is_true"}
    return {"id": cid, "section": "3.5", "title": "t", "platforms": ["ios"], "check": check, "rationale": "r" * 20,
            "steps": ["s"], "remediation": "manual", "severity": "high", "disruption": "low"}


LOCK = control("sh-3.5-registration-lock")
PROFILE = control("sh-3.3-profile", validity=365)
PASSCODE = control("sh-3.7-mobile-passcode", method="mdm")
CONTROLS = [LOCK, PROFILE, PASSCODE]
HEADER = "person,control,answer,date,attested_by\n"


def load(tmp_path, text, name="answers.csv", inline=()):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    collector = AttestationCollector(CONTROLS, NOW)
    collector.add_inline(list(inline))
    collector.add_file(str(path))
    return collector, str(path)


def named(collector):
    return [(e["record"], e["field"]) for e in collector.errors]


def test_a_survey_csv_is_read_case_insensitively_with_who_attested(tmp_path):
    collector, path = load(tmp_path, HEADER + "Alice@Example.org,sh-3.5-registration-lock,YES,2026-10-02,helpdesk@example.org\n"
                                              "bob@example.org,sh-3.3-profile,False,2026-11-01,\n"
                                              "carl@example.org,sh-3.3-profile,true,2026-11-20T09:30:00+02:00,\n")
    assert collector.errors == []
    assert [(a["owner"], a["answer"], a["moment"].text(), a["by"]) for a in collector.valid] == [
        ("alice@example.org", True, "2026-10-02", "helpdesk@example.org"),
        ("bob@example.org", False, "2026-11-01", "bob@example.org"),
        ("carl@example.org", True, "2026-11-20T07:30:00Z", "carl@example.org")]
    assert collector.files[0] == {"path": path, "status": "read", "records": 3, "invalid": 0, "detail": "3 answer(s), 0 left out"}


def test_excel_style_csv_semicolons_bom_header_case_and_extra_columns(tmp_path):
    text = "\ufeffTimestamp;Person;Control;Answer;Date;Comment\n2026-10-02 10:00;a@example.org;sh-3.3-profile;No;2026-10-02;\"x; y\"\n"
    collector, _path = load(tmp_path, text)
    assert collector.errors == [] and collector.valid[0]["answer"] is False


@pytest.mark.parametrize("row, field, words", [
    ("a@example.org,sh-3.99-nothing,yes,2026-10-02,", "control", "not a control of the catalogue"),
    ("a@example.org,sh-3.7-mobile-passcode,yes,2026-10-02,", "control", "checked from MDM data, not answered by people"),
    ("a@example.org,sh-3.3-profile,maybe,2026-10-02,", "answer", "unknown answer 'maybe'"),
    ("a@example.org,sh-3.3-profile,,2026-10-02,", "answer", "is required"),
    ("a@example.org,sh-3.3-profile,yes,02/10/2026,", "date", "'02/10/2026' is not a date"),
    ("a@example.org,sh-3.3-profile,yes,2026-02-30,", "date", "is not a date"),
    ("a@example.org,sh-3.3-profile,yes,2026-11-27,", "date",
     "2026-11-27 is in the future (the evaluation time is 2026-11-26T12:00:00Z, UTC)"),
    # The same UTC day as the evaluation, minutes later: still from the future.
    ("a@example.org,sh-3.3-profile,yes,2026-11-26T12:05:00Z,", "date",
     "2026-11-26T12:05:00Z is after the evaluation time 2026-11-26T12:00:00Z (signal_hardening_evaluation_time, or now)"),
    ("a@example.org,sh-3.3-profile,yes,2026-11-26T13:00:00+02:00,x", None, None),
    (",sh-3.3-profile,yes,2026-10-02,", "person", "is required"),
    ("a@example.org,sh-3.3-profile,yes,2026-10-02,x,y,z", None, "has 7 values but line 1 names 5 columns"),
])
def test_each_mistake_names_file_line_and_field(tmp_path, row, field, words):
    collector, path = load(tmp_path, HEADER + "ok@example.org,sh-3.3-profile,yes,2026-10-02,\n\n" + row + "\n")
    if words is None:  # 13:00 at +02:00 is 11:00 UTC, before the evaluation time: counted
        assert collector.errors == [] and len(collector.valid) == 2
        return
    assert len(collector.valid) == 1 and collector.invalid == 1 and collector.files[0]["invalid"] == 1
    assert [(e["source"], e["record"], e["field"]) for e in collector.errors] == [(path, "line 4", field)]
    assert words in collector.errors[0]["message"]


def test_every_mistake_of_one_row_is_reported(tmp_path):
    collector, _path = load(tmp_path, HEADER + "a@example.org,sh-3.99-x,perhaps,tomorrow,\n")
    assert named(collector) == [("line 2", "control"), ("line 2", "answer"), ("line 2", "date")]


def test_rows_the_same_in_person_control_moment_and_answer_are_duplicates(tmp_path):
    collector, _path = load(tmp_path, HEADER + "a@example.org,sh-3.3-profile,yes,2026-10-02T09:00Z,\n"
                                               "A@EXAMPLE.ORG,sh-3.3-profile,yes,2026-10-02T11:00:00+02:00,\n"
                                               "a@example.org,sh-3.3-profile,yes,2026-10-02T09:00:01Z,\n"
                                               "a@example.org,sh-3.3-profile,yes,2026-10-02,\n")
    # 11:00 at +02:00 is 09:00 UTC: the same moment. A second later, or the date alone, is another moment.
    assert [a["moment"].text() for a in collector.valid] == ["2026-10-02T09:00:00Z", "2026-10-02T09:00:01Z", "2026-10-02"]
    assert named(collector) == [("line 3", "person, control, date")]
    assert "duplicate of line 2: the same person, control, moment and answer" in collector.errors[0]["message"]


def test_two_answers_that_cannot_be_ordered_are_both_kept_and_named_as_a_conflict(tmp_path):
    collector, path = load(tmp_path, HEADER + "a@example.org,sh-3.3-profile,yes,2026-10-02T09:00Z,\n"
                                              "a@example.org,sh-3.3-profile,no,2026-10-02T09:00:00Z,\n"
                                              "b@example.org,sh-3.3-profile,yes,2026-10-05,\n"
                                              "b@example.org,sh-3.3-profile,no,2026-10-05T17:00:00Z,\n"
                                              "c@example.org,sh-3.3-profile,yes,2026-10-05,\n"
                                              "c@example.org,sh-3.3-profile,no,2026-10-06T00:00:00Z,\n")
    assert len(collector.valid) == 6 and collector.invalid == 0
    assert named(collector) == [("line 3", "answer, date"), ("line 5", "answer, date")]
    assert collector.errors[0]["message"] == (
        "answer, date: no at 2026-10-02T09:00:00Z conflicts with %s line 2 (yes at 2026-10-02T09:00:00Z): the same "
        "person and control, and which came last cannot be told (the same moment, or a date without a time that covers "
        "the other); the result is fail until one is corrected" % path)
    assert collector.files[0]["detail"] == "6 answer(s), 0 left out"


def test_questionnaire_rows_without_answer_and_date_are_not_answered_yet(tmp_path):
    # The shape of the questionnaire the reports write: extra columns, answer and date empty until filled in.
    text = ("person,control,question,answer,date,subjects\n"
            "a@example.org,sh-3.3-profile,\"Is your profile set?\",,,ios-1\n"
            "a@example.org,sh-3.5-registration-lock,\"Is it on?\",yes,2026-11-26T08:00:00Z,ios-1\n"
            "b@example.org,sh-3.3-profile,\"Is your profile set?\",no,,ios-2\n")
    collector, _path = load(tmp_path, text)
    assert [a["owner"] for a in collector.valid] == ["a@example.org"]
    assert named(collector) == [("line 4", "date")]  # half an answer is a mistake
    assert collector.files[0]["detail"] == "2 answer(s), 1 left out, 1 question(s) not answered yet"
    assert collector.files[0]["records"] == 2


def test_text_that_is_not_valid_unicode_leaves_the_row_out_named_and_escaped(tmp_path):
    rows = [{"person": "a\udc80@example.org", "control": "sh-3.3-profile", "answer": "yes", "date": "2026-10-02"},
            {"person": "b@example.org", "control": "sh-3.3-profile", "answer": "yes", "date": "2026-10-02", "n\udc81": 1}]
    path = tmp_path / "answers.json"
    import json
    path.write_text(json.dumps({"format": "hardening.signal/attestations", "format_version": 1, "attestations": rows}))
    collector = AttestationCollector(CONTROLS, NOW)
    collector.add_inline([{"owner": "c@example.org", "control": "sh-3.3-profile", "answer": "y\udc80s", "date": "2026-10-02"}])
    collector.add_file(str(path))
    assert collector.valid == []
    assert named(collector) == [("signal_hardening_attestations[0]", "answer"), ("attestations[0]", "person"),
                                ("attestations[1]", "n\\udc81")]
    assert "not valid Unicode text" in collector.errors[0]["message"]
    json.dumps(collector.errors, ensure_ascii=False).encode("utf-8")


@pytest.mark.parametrize("text, words", [
    ("", "is empty"),
    ("who,what,when\na,b,c\n", "has no column person, control, answer, date"),
    ("person,control,answer,date,date\n", "names the column(s) date more than once"),
])
def test_a_csv_that_cannot_be_used_is_named(tmp_path, text, words):
    collector, path = load(tmp_path, text)
    assert collector.valid == [] and collector.files[0]["status"] == "failed"
    assert collector.errors[0]["source"] == path and collector.errors[0]["record"] is None and words in collector.errors[0]["message"]


def envelope(rows):
    return yaml.safe_dump({"format": "hardening.signal/attestations", "format_version": 1, "attestations": rows})


def test_yaml_form_validates_and_accepts_yaml_booleans_and_dates(tmp_path):
    text = ("format: hardening.signal/attestations\nformat_version: 1\nattestations:\n"
            "  - {person: a@example.org, control: sh-3.3-profile, answer: yes, date: 2026-10-02}\n"
            "  - {person: b@example.org, control: sh-3.5-registration-lock, answer: 'No', date: '2026-10-03', attested_by: hr}\n")
    collector, _path = load(tmp_path, text, name="answers.yml")
    assert collector.errors == []
    assert [(a["owner"], a["answer"], a["by"]) for a in collector.valid] == [
        ("a@example.org", True, "a@example.org"), ("b@example.org", False, "hr")]
    rows = [{"person": "a@example.org", "control": "sh-3.3-profile", "answer": "yes", "date": "2026-10-02"}]
    assert problems("attestations.schema.json", yaml.safe_load(envelope(rows))) == []


def test_yaml_form_names_record_and_field(tmp_path):
    rows = [{"person": "a@example.org", "control": "sh-3.3-profile", "answer": "yes", "date": "2026-10-02", "note": "x"},
            {"person": "a@example.org", "control": "sh-3.7-mobile-passcode", "answer": "ja", "date": "2026-10-02"},
            {"control": "sh-3.3-profile", "answer": "no", "date": "2026-13-01"}]
    collector, path = load(tmp_path, envelope(rows), name="answers.yaml")
    assert collector.valid == []
    assert sorted(named(collector)) == [("attestations[0]", "note"), ("attestations[1]", "answer"), ("attestations[1]", "control"),
                                        ("attestations[2]", "date"), ("attestations[2]", "person")]
    assert all(e["source"] == path for e in collector.errors)


def test_yaml_form_with_a_wrong_envelope_is_refused(tmp_path):
    collector, _path = load(tmp_path, yaml.safe_dump({"format": "hardening.signal/attestations", "format_version": 1}),
                            name="answers.yml")
    assert collector.files[0]["status"] == "failed" and "attestations" in collector.errors[0]["message"]


def test_inline_list_keeps_its_field_names_and_gets_the_same_checks(tmp_path):
    inline = [{"owner": "a@example.org", "control": "sh-3.3-profile", "answer": "yes", "date": "2026-10-02", "by": "hr"},
              {"owner": "a@example.org", "control": "sh-3.7-mobile-passcode", "answer": "yes", "date": "2026-10-02"},
              {"control": "sh-3.3-profile", "answer": "yes", "date": "2026-10-02"}]
    collector, _path = load(tmp_path, HEADER, inline=inline)
    assert [a["by"] for a in collector.valid] == ["hr"]
    assert named(collector) == [("signal_hardening_attestations[1]", "control"), ("signal_hardening_attestations[2]", "owner")]


def test_parse_moment_keeps_the_time_in_utc_and_a_date_alone_is_the_start_of_its_day():
    utc = datetime.timezone.utc
    assert parse_moment("2026-10-02") == (datetime.datetime(2026, 10, 2, tzinfo=utc), False)
    assert parse_moment("2026-10-02T23:30:00-02:00") == (datetime.datetime(2026, 10, 3, 1, 30, tzinfo=utc), True)
    assert parse_moment("2026-10-02 08:00") == (datetime.datetime(2026, 10, 2, 8, tzinfo=utc), True)  # no zone: UTC
    assert parse_moment("2026-12-01T09:00Z").text() == "2026-12-01T09:00:00Z"
    assert parse_moment(datetime.date(2026, 1, 1)).text() == "2026-01-01"
    for bad in ("2026-1-2", "yesterday", "2026-02-30", "2026-10-02T", 20261002, None):
        with pytest.raises(ValueError):
            parse_moment(bad)


def test_validity_overrides_are_checked_and_applied():
    assert check_validity_overrides({"sh-3.5-registration-lock": 30, "sh-3.3-profile": 730}, CONTROLS) == []
    found = check_validity_overrides({"sh-3.99-x": 30, "sh-3.7-mobile-passcode": 30, "sh-3.3-profile": 0,
                                      "sh-3.5-registration-lock": True}, CONTROLS)
    assert found == ["sh-3.3-profile: 0 days is not a whole number of days from 1 to 730",
                     "sh-3.5-registration-lock: True days is not a whole number of days from 1 to 730",
                     "sh-3.7-mobile-passcode is checked from MDM data, not attested: only attestation controls have a validity",
                     "sh-3.99-x is not a control of the catalogue"]
    changed = apply_validity_overrides(CONTROLS, {"sh-3.5-registration-lock": 30})
    assert changed[0]["check"]["validity_days"] == 30 and LOCK["check"]["validity_days"] == 90


def test_an_attested_result_shows_who_and_when_and_the_override_decides_expiry(tmp_path):
    collector, _path = load(tmp_path, HEADER + "a@example.org,sh-3.5-registration-lock,yes,2026-10-02,helpdesk@example.org\n")
    subject = {"id": "ios-1", "kind": "mobile", "platform": "ios", "owner": "A@example.org", "source": {"name": "mdm"},
               "state": "ok", "facts": {}}
    result = Evaluator([LOCK], {}, attestations=collector.valid, now=NOW).evaluate(subject)[0]
    assert result["status"] == "pass"
    assert result["evidence"]["attestation"] == {"by": "helpdesk@example.org", "date": "2026-10-02", "answer": "yes",
                                                 "valid_until": "2026-12-31"}
    short = apply_validity_overrides([LOCK], {"sh-3.5-registration-lock": 30})
    result = Evaluator(short, {}, attestations=collector.valid, now=NOW).evaluate(subject)[0]
    assert result["status"] == "manual" and "expired on 2026-11-01" in result["reason"]
    result = Evaluator([LOCK], {}, attestations=[], now=NOW).evaluate(subject)[0]
    assert result["status"] == "manual"


def test_a_later_no_the_same_day_is_counted_and_wins(tmp_path):
    # Issue 11, item 1: the "no" at 17:00 used to be refused as a duplicate of the 09:00 "yes" (times were cut to
    # the day), and the result was pass.
    collector, _path = load(tmp_path, HEADER + "a@example.org,sh-3.5-registration-lock,yes,2026-11-25T09:00Z,\n"
                                               "a@example.org,sh-3.5-registration-lock,no,2026-11-25T17:00:00Z,\n")
    assert collector.errors == [] and len(collector.valid) == 2
    subject = {"id": "ios-1", "kind": "mobile", "platform": "ios", "owner": "a@example.org", "source": {"name": "mdm"},
               "state": "ok", "facts": {}}
    result = Evaluator([LOCK], {}, attestations=collector.valid, now=NOW).evaluate(subject)[0]
    assert result["status"] == "fail" and result["evidence"]["attestation"]["date"] == "2026-11-25T17:00:00Z"


def test_an_answer_minutes_after_the_evaluation_time_is_refused(tmp_path):
    # Issue 11, item 2: the same UTC day, five minutes after the run's moment, used to count as a pass.
    collector, path = load(tmp_path, HEADER + "a@example.org,sh-3.5-registration-lock,yes,2026-11-26T12:05:00Z,\n")
    assert collector.valid == [] and [(e["source"], e["record"], e["field"]) for e in collector.errors] == [
        (path, "line 2", "date")]
    later = AttestationCollector(CONTROLS, NOW + datetime.timedelta(minutes=10))
    later.add_file(path)
    assert later.errors == [] and len(later.valid) == 1


def test_the_console_says_a_conflict_counts_and_a_mistake_does_not(tmp_path):
    from ansible_collections.hardening.signal.plugins.module_utils.governance.text_lines import problem_warnings
    from ansible_collections.hardening.signal.plugins.module_utils.governance.waiver_file import WaiverCollector
    collector, path = load(tmp_path, HEADER + "a@example.org,sh-3.3-profile,yes,2026-10-02,\n"
                                              "a@example.org,sh-3.3-profile,no,2026-10-02T08:00Z,\n"
                                              "a@example.org,sh-3.3-profile,maybe,2026-10-02,\n")
    assert problem_warnings(WaiverCollector([]), collector) == [
        "attestations conflict: %s line 3: %s" % (path, collector.errors[0]["message"]),
        "attestation not used: %s line 4: %s" % (path, collector.errors[1]["message"])]
