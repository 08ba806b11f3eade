# -*- coding: utf-8 -*-
"""Attestation imports (CSV and YAML): every kind of mistake is named with the file, the line or record and the
field; validity overrides per control."""

from __future__ import annotations

import datetime

import pytest
import yaml

from ansible_collections.hardening.signal.plugins.module_utils.engine.evaluate import Evaluator
from ansible_collections.hardening.signal.plugins.module_utils.governance.attestation_file import (
    AttestationCollector,
    apply_validity_overrides,
    check_validity_overrides,
    parse_when,
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
    assert [(a["owner"], a["answer"], a["date"].isoformat(), a["by"]) for a in collector.valid] == [
        ("alice@example.org", True, "2026-10-02", "helpdesk@example.org"),
        ("bob@example.org", False, "2026-11-01", "bob@example.org"),
        ("carl@example.org", True, "2026-11-20", "carl@example.org")]
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
    ("a@example.org,sh-3.3-profile,yes,2026-11-27,", "date", "2026-11-27 is in the future (today is 2026-11-26, UTC)"),
    (",sh-3.3-profile,yes,2026-10-02,", "person", "is required"),
    ("a@example.org,sh-3.3-profile,yes,2026-10-02,x,y,z", None, "has 7 values but line 1 names 5 columns"),
])
def test_each_mistake_names_file_line_and_field(tmp_path, row, field, words):
    collector, path = load(tmp_path, HEADER + "ok@example.org,sh-3.3-profile,yes,2026-10-02,\n\n" + row + "\n")
    assert len(collector.valid) == 1 and collector.invalid == 1 and collector.files[0]["invalid"] == 1
    assert [(e["source"], e["record"], e["field"]) for e in collector.errors] == [(path, "line 4", field)]
    assert words in collector.errors[0]["message"]


def test_every_mistake_of_one_row_is_reported(tmp_path):
    collector, _path = load(tmp_path, HEADER + "a@example.org,sh-3.99-x,perhaps,tomorrow,\n")
    assert named(collector) == [("line 2", "control"), ("line 2", "answer"), ("line 2", "date")]


def test_duplicate_person_control_and_date_rows(tmp_path):
    collector, _path = load(tmp_path, HEADER + "a@example.org,sh-3.3-profile,yes,2026-10-02,\n"
                                               "A@EXAMPLE.ORG,sh-3.3-profile,no,2026-10-02,\n"
                                               "a@example.org,sh-3.3-profile,no,2026-10-03,\n")
    assert [a["date"].isoformat() for a in collector.valid] == ["2026-10-02", "2026-10-03"]
    assert named(collector) == [("line 3", "person, control, date")]
    assert "duplicate of line 2" in collector.errors[0]["message"]


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


def test_parse_when():
    assert parse_when("2026-10-02") == datetime.date(2026, 10, 2)
    assert parse_when("2026-10-02T23:30:00-02:00") == datetime.date(2026, 10, 3)
    assert parse_when("2026-10-02 08:00") == datetime.date(2026, 10, 2)
    assert parse_when(datetime.date(2026, 1, 1)) == datetime.date(2026, 1, 1)
    for bad in ("2026-1-2", "yesterday", 20261002, None):
        with pytest.raises(ValueError):
            parse_when(bad)


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
