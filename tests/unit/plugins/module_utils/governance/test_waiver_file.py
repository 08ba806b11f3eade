# -*- coding: utf-8 -*-
"""Waiver files: every kind of mistake is named with the file, the waiver and the field; states in the summary."""

from __future__ import annotations

import datetime
import json

import pytest
import yaml

from ansible_collections.hardening.signal.plugins.module_utils.catalog.retired import RETIRED
from ansible_collections.hardening.signal.plugins.module_utils.engine.evaluate import Evaluator
from ansible_collections.hardening.signal.plugins.module_utils.governance.waiver_file import WaiverCollector
from ansible_collections.hardening.signal.plugins.module_utils.schema_validation import problems

TODAY = datetime.date(2026, 11, 26)
NOW = datetime.datetime(2026, 11, 26, 12, tzinfo=datetime.timezone.utc)
CONTROLS = ("sh-3.10-ios-daily-reboot", "sh-3.7-linux-screen-lock", "sh-3.3-profile")
GOOD = {"id": "W-1", "control": "sh-3.10-ios-daily-reboot", "scope": {"platforms": ["ios"]}, "owner": "ciso@example.org",
        "justification": "No MDM reports an iPhone's last boot.", "ticket": "SEC-1", "expires": "2027-03-31"}


def waiver(**changes):
    record = dict(GOOD)
    record.update(changes)
    return {key: value for key, value in record.items() if value is not DROP}


DROP = object()


def write(tmp_path, waivers, name="waivers.yml", envelope=None):
    document = {"format": "hardening.signal/waivers", "format_version": 1, "waivers": waivers}
    document.update(envelope or {})
    path = tmp_path / name
    path.write_text(json.dumps(document) if name.endswith(".json") else yaml.safe_dump(document))
    return str(path)


def collect(tmp_path, waivers, inline=(), **kwargs):
    collector = WaiverCollector(CONTROLS, RETIRED)
    collector.add_inline(list(inline))
    path = write(tmp_path, waivers, **kwargs)
    collector.add_file(path)
    return collector, path


def named(collector):
    return [(e["record"], e["field"]) for e in collector.errors]


def test_a_good_file_loads_and_validates(tmp_path):
    collector, path = collect(tmp_path, [GOOD, waiver(id="W-2", control="sh-3.3-profile", scope={"owners": ["Bob@Example.org"]})])
    assert collector.errors == [] and [w["id"] for w in collector.valid] == ["W-1", "W-2"]
    assert collector.valid[1]["scope"] == {"owners": frozenset({"bob@example.org"})}
    assert collector.files == [{"path": path, "status": "read", "records": 2, "invalid": 0, "detail": "2 waiver(s), 0 invalid"}]
    with open(path, encoding="utf-8") as handle:
        assert problems("waivers.schema.json", yaml.safe_load(handle)) == []


def test_json_files_and_unquoted_yaml_dates_are_read(tmp_path):
    collector, _path = collect(tmp_path, [GOOD], name="waivers.json")
    assert collector.errors == [] and len(collector.valid) == 1
    path = tmp_path / "dates.yml"
    path.write_text("format: hardening.signal/waivers\nformat_version: 1\nwaivers:\n"
                    "  - {id: W-9, control: sh-3.3-profile, scope: {kinds: [mobile]}, owner: o, justification: j, ticket: t,"
                    " expires: 2027-01-31}\n")
    collector = WaiverCollector(CONTROLS, RETIRED)
    collector.add_file(str(path))
    assert collector.errors == [] and collector.valid[0]["expires"] == datetime.date(2027, 1, 31)


@pytest.mark.parametrize("changes, field, words", [
    ({"control": "sh-3.99-nothing"}, "control", "not a control of the catalogue"),
    ({"control": "sh-3.1-android-play-store"}, "control", "replaced by sh-3.1-android-signature"),  # never moved over
    ({"expires": "2027-02-30"}, "expires", "'2027-02-30' is not a date"),
    ({"expires": "31/03/2027"}, "expires", "is not a date"),
    ({"expires": DROP}, "expires", "is required"),
    ({"scope": {}}, "scope", "is empty"),
    ({"scope": {"subjects": []}}, "scope.subjects", "would match nothing"),
    ({"scope": {"hosts": ["a"]}}, "scope.hosts", "unknown scope key"),
    ({"scope": {"platforms": ["iphone"]}}, "scope.platforms", "unknown value(s) iphone"),
    ({"scope": ["ios"]}, "scope", "must be a mapping"),
    ({"owner": ""}, "owner", "is required"),
    ({"justification": "   "}, "justification", "non-empty"),
    ({"ticket": DROP}, "ticket", "is required"),
    ({"id": DROP}, "id", "is required"),
    ({"colour": "red"}, "colour", "was unexpected"),
])
def test_each_mistake_names_file_waiver_and_field(tmp_path, changes, field, words):
    collector, path = collect(tmp_path, [GOOD, waiver(id="W-2", **changes) if "id" not in changes else waiver(**changes)])
    assert [w["id"] for w in collector.valid] == ["W-1"]
    errors = [e for e in collector.errors if e["field"] == field]
    assert errors, collector.errors
    assert errors[0]["source"] == path and errors[0]["record"].startswith("waivers[1]")
    assert words in errors[0]["message"]
    assert collector.files[0]["invalid"] == 1


def test_every_mistake_of_one_waiver_is_reported(tmp_path):
    collector, _path = collect(tmp_path, [waiver(control="sh-3.99-x", expires="soon", scope={}, owner="")])
    assert sorted(field for _record, field in named(collector)) == ["control", "expires", "owner", "scope"]
    assert {record for record, _field in named(collector)} == {"waivers[0] (id W-1)"}


def test_duplicate_id_and_duplicate_control_and_scope(tmp_path):
    same_id = waiver(control="sh-3.3-profile")
    same_scope = waiver(id="W-3", scope={"platforms": ["ios"]})
    collector, path = collect(tmp_path, [GOOD, same_id, same_scope])
    assert [w["id"] for w in collector.valid] == ["W-1"]
    assert named(collector) == [("waivers[1] (id W-1)", "id"), ("waivers[2] (id W-3)", "scope")]
    assert "W-1 is also the id of %s waivers[0] (id W-1)" % path in collector.errors[0]["message"]
    assert "same control and scope as waiver W-1" in collector.errors[1]["message"]


def test_duplicates_are_found_across_files_and_the_inline_list(tmp_path):
    collector, path = collect(tmp_path, [GOOD], inline=[dict(GOOD, scope={"platforms": "ios"})])
    # The inline one comes first and wins; scalar scope values are accepted inline (the older format).
    assert [w["source"] for w in collector.valid] == ["signal_hardening_waivers"]
    assert [(e["source"], e["field"]) for e in collector.errors] == [(path, "id"), (path, "scope")]


def test_inline_waivers_get_the_same_checks_and_keep_their_defaults(tmp_path):
    collector = WaiverCollector(CONTROLS, RETIRED)
    inline = dict(GOOD)
    del inline["id"], inline["ticket"]
    collector.add_inline([inline, dict(GOOD, id="W-5", control="sh-3.0-bad")])
    assert [w["id"] for w in collector.valid] == ["signal_hardening_waivers[0]"]
    assert [(e["source"], e["record"], e["field"]) for e in collector.errors] == [
        ("signal_hardening_waivers", "waivers[1] (id W-5)", "control")]


@pytest.mark.parametrize("content, words", [
    ("format: hardening.signal/waivers\nformat_version: 2\nwaivers: []\n", "format_version"),
    ("format: something/else\nformat_version: 1\nwaivers: []\n", "format"),
    ("- just a list\n", "must be a mapping"),
    ("format: [unclosed\n", "is not valid YAML"),
])
def test_a_file_that_cannot_be_used_is_named_and_nothing_in_it_applies(tmp_path, content, words):
    path = tmp_path / "broken.yml"
    path.write_text(content)
    collector = WaiverCollector(CONTROLS, RETIRED)
    collector.add_file(str(path))
    assert collector.valid == [] and collector.files[0]["status"] == "failed"
    assert collector.errors[0]["source"] == str(path) and collector.errors[0]["record"] is None
    assert words in collector.errors[0]["message"]


def test_missing_file_is_named(tmp_path):
    collector = WaiverCollector(CONTROLS, RETIRED)
    collector.add_file(str(tmp_path / "nope.yml"))
    assert collector.files[0]["status"] == "failed" and "cannot be read" in collector.errors[0]["message"]


def facts(platform="ios"):
    return {"id": "ios-1", "kind": "mobile", "platform": platform, "owner": "bob@example.org",
            "source": {"type": "file", "name": "mdm"}, "state": "ok", "facts": {}}


REBOOT = {"id": "sh-3.10-ios-daily-reboot", "section": "3.10", "title": "t", "platforms": ["ios"],
          "check": {"method": "mdm", "observes": "x", "test": {"fact": "last_boot", "op": "is_true"}},
          "rationale": "r" * 20, "steps": ["s"], "remediation": "manual", "severity": "low", "disruption": "low"}


def test_section_gives_each_waiver_its_state_and_the_results_it_covers(tmp_path):
    waivers = [GOOD,                                                                      # active
               waiver(id="W-old", scope={"subjects": ["ios-1"]}, expires="2026-11-25"),   # expired
               waiver(id="W-none", scope={"subjects": ["ios-404"]}),                      # unmatched
               waiver(id="W-bad", expires="never")]                                       # invalid
    collector, _path = collect(tmp_path, waivers)
    evaluator = Evaluator([REBOOT], {}, waivers=collector.valid, now=NOW)
    results = [evaluator.evaluate(facts()) for _index in range(3)]
    assert all(r[0]["status"] == "waived" and r[0]["evidence"]["underlying_status"] == "unknown" for r in results)
    section = collector.section(evaluator.waivers.covered, NOW)
    states = {item["id"]: (item["state"], item["results"]) for item in section["items"]}
    assert states == {"W-1": ("active", 3), "W-old": ("expired", 0), "W-none": ("unmatched", 0), "W-bad": ("invalid", 0)}
    assert section["counts"] == {"active": 1, "unmatched": 1, "expired": 1, "invalid": 1, "results_waived": 3}
    bad = next(item for item in section["items"] if item["id"] == "W-bad")
    assert "expires: 'never' is not a date" in bad["message"] and bad["expires"] == "never"
    assert next(item for item in section["items"] if item["id"] == "W-old")["days_left"] == -1


def test_an_expired_waiver_is_never_applied(tmp_path):
    collector, _path = collect(tmp_path, [waiver(expires="2026-11-25")])
    evaluator = Evaluator([REBOOT], {}, waivers=collector.valid, now=NOW)
    result = evaluator.evaluate(facts())[0]
    assert result["status"] == "unknown" and "waiver W-1 expired on 2026-11-25" in result["reason"]
    assert collector.section(evaluator.waivers.covered, TODAY)["items"][0]["state"] == "expired"


def test_text_that_is_not_valid_unicode_makes_the_waiver_invalid_named_and_escaped(tmp_path):
    waivers = [waiver(id="W-\udc80", justification="kiosk \udc81"), waiver(id="W-2", scope={"owners": ["b\udc82@x.org"]}),
               waiver(id="W-3")]
    collector, path = collect(tmp_path, waivers, name="waivers.json",
                              inline=[dict(GOOD, id="W-in", ticket="T-\udc83")])
    assert [w["id"] for w in collector.valid] == ["W-3"]
    assert named(collector) == [("waivers[0] (id W-in)", "ticket"), ("waivers[0] (id W-\\udc80)", "id"),
                                ("waivers[0] (id W-\\udc80)", "justification"), ("waivers[1] (id W-2)", "scope.owners[0]")]
    assert all("not valid Unicode text" in e["message"] for e in collector.errors)
    section = collector.section({}, NOW)
    assert {item["id"]: item["state"] for item in section["items"]} == {
        "W-in": "invalid", "W-\\udc80": "invalid", "W-2": "invalid", "W-3": "unmatched"}
    json.dumps([collector.errors, section], ensure_ascii=False).encode("utf-8")
