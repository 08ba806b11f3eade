# -*- coding: utf-8 -*-
"""The compiled fast path of schema validation never accepts what jsonschema refuses, and messages still name fields."""

from __future__ import annotations

import copy

import pytest

from ansible_collections.hardening.signal.plugins.module_utils import schema_validation as sv
from ansible_collections.hardening.signal.plugins.module_utils.report import render_json, write_reports

SCHEMAS = ("control.schema.json", "desktop_facts.schema.json", "mobile_device.schema.json", "mdm_export.schema.json",
           "fleet_summary.schema.json")

PHONE = {"id": "ios-1", "platform": "ios", "signal": {"installed": True, "version": "7.85"},
         "screen_lock": {"max_inactivity_minutes": 5}, "last_checkin": "2026-11-25T08:12:00Z"}
EXPORT = {"format": "hardening.signal/mdm-export", "format_version": 1, "devices": []}


def jsonschema_only(name, document):
    found = [(sv.field_path(e), e.message) for e in sv.validator(name).iter_errors(document)]
    return sorted(found, key=lambda item: item[0] or "")


def test_every_schema_gets_a_compiled_check():
    pytest.importorskip("fastjsonschema")
    for name in SCHEMAS:
        assert sv._fast_check(name) is not None, name


@pytest.mark.parametrize("name, document", [
    ("mobile_device.schema.json", PHONE),
    ("mobile_device.schema.json", dict(PHONE, platform="windows")),
    ("mobile_device.schema.json", dict(PHONE, signal={"version": "7.85\n"})),  # '$' before a final newline
    ("mobile_device.schema.json", dict(PHONE, signal={"version": "seven"})),
    ("mobile_device.schema.json", dict(PHONE, screen_lock={"max_inactivity_minutes": 5.0})),  # 5.0 is an integer
    ("mobile_device.schema.json", dict(PHONE, screen_lock={"max_inactivity_minutes": True})),
    ("mobile_device.schema.json", dict(PHONE, last_checkin="yesterday")),  # date-time is not checked by jsonschema here
    ("mobile_device.schema.json", dict(PHONE, id="")),
    ("mdm_export.schema.json", EXPORT),
    ("mdm_export.schema.json", dict(EXPORT, format_version=True)),  # True is not the const 1
    ("mdm_export.schema.json", dict(EXPORT, format_version=1.0)),
    ("mdm_export.schema.json", dict(EXPORT, devices=())),  # a tuple is not an array
    ("mdm_export.schema.json", dict(EXPORT, extra="x")),
])
def test_same_verdict_and_messages_as_jsonschema_alone(name, document):
    assert sv.problems(name, copy.deepcopy(document)) == jsonschema_only(name, document)


def test_a_bad_summary_is_explained_by_field():
    from ansible_collections.hardening.signal.tests.unit.plugins.module_utils.report.sample_summary import sample_summary
    summary = sample_summary()
    assert sv.problems("fleet_summary.schema.json", summary) == []
    summary["subjects"][0]["results"][0]["status"] = "passed"
    found = sv.problems("fleet_summary.schema.json", summary)
    assert found and found[0][0] == "subjects[0].results[0].status"


def test_a_small_summary_is_judged_by_jsonschema_without_compiling_the_schema(monkeypatch, tmp_path):
    from ansible_collections.hardening.signal.tests.unit.plugins.module_utils.report.sample_summary import sample_summary
    monkeypatch.setattr(sv, "_FAST", {})
    summary = sample_summary()
    write_reports.write_reports(summary, str(tmp_path), formats=("json",), fork=False)
    assert "fleet_summary.schema.json" not in sv._FAST
    summary["subjects"][0]["results"][0]["status"] = "passed"
    assert sv.problems("fleet_summary.schema.json", summary, compile_fast=False) == jsonschema_only(
        "fleet_summary.schema.json", summary) != []
    assert "fleet_summary.schema.json" not in sv._FAST
    # From COMPILED_CHECK_FROM_SUBJECTS subjects on, the schema is compiled.
    monkeypatch.setattr(write_reports, "COMPILED_CHECK_FROM_SUBJECTS", len(summary["subjects"]))
    write_reports.write_reports(sample_summary(), str(tmp_path), formats=("json",), fork=False)
    assert sv._FAST["fleet_summary.schema.json"] is not None


def test_the_compiled_check_does_not_change_the_document():
    document = copy.deepcopy(PHONE)
    sv.problems("mobile_device.schema.json", document)
    assert document == PHONE


def test_recursive_references_stay_references():
    tree = {"anyOf": [{"$ref": "#/$defs/leaf"}, {"type": "array", "items": {"$ref": "#/$defs/tree"}}]}
    schema = {"$defs": {"leaf": {"type": "string"}, "tree": tree},
              "properties": {"tree": {"$ref": "#/$defs/tree"}, "leaf": {"$ref": "#/$defs/leaf"}}}
    assert sv._fast_eligible(schema)
    inlined = sv._inline_references(schema)
    assert inlined["properties"] == {"tree": {"$ref": "#/$defs/tree"}, "leaf": {"type": "string"}}
    assert inlined["$defs"]["tree"]["anyOf"] == [{"type": "string"}, {"type": "array", "items": {"$ref": "#/$defs/tree"}}]


@pytest.mark.parametrize("per_chunk", [1, 2, 500])
def test_streamed_json_is_the_same_text(monkeypatch, per_chunk):
    from ansible_collections.hardening.signal.tests.unit.plugins.module_utils.report.sample_summary import (
        large_summary,
        sample_summary,
    )
    monkeypatch.setattr(render_json, "SUBJECTS_PER_CHUNK", per_chunk)
    for summary in (sample_summary(), large_summary(7, n_input_errors=2), {"subjects": [], "x": "é\u2028"}, {1: "a"}):
        assert "".join(render_json.iter_json(summary)) == render_json.render_json(summary)
