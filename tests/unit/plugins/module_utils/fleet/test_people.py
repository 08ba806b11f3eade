# -*- coding: utf-8 -*-
"""The people view: each owner's phones and workstations, with owners found from a single Signal profile."""

from __future__ import annotations

import datetime

from ansible_collections.hardening.signal.plugins.module_utils.engine.evaluate import Evaluator
from ansible_collections.hardening.signal.plugins.module_utils.fleet.people import describe, people_section, subject_standing
from ansible_collections.hardening.signal.plugins.module_utils.fleet.subjects import mobile_subject, profile_owner, workstation_subject
from ansible_collections.hardening.signal.plugins.module_utils.fleet.summary import build_summary
from ansible_collections.hardening.signal.plugins.module_utils.governance.history import disabled_sections
from ansible_collections.hardening.signal.plugins.module_utils.schema_validation import problems

NOW = datetime.datetime(2026, 11, 26, 12, tzinfo=datetime.timezone.utc)
FACTS = {"schema_version": 3, "platform": "linux", "signal": {"installed": True, "version": "7.80.0"},
         "screen_lock": {"enabled": True, "idle_delay_seconds": 300}, "unknown_reasons": {}, "errors": {}}
LOCK = {"id": "sh-3.7-linux-screen-lock", "section": "3.7", "title": "Screen lock", "platforms": ["linux", "ios"],
        "rationale": "r" * 20, "steps": ["x" * 5], "remediation": "automated", "severity": "medium", "disruption": "low",
        "check": {"method": "host", "observes": "x", "test": {"fact": "screen_lock.idle_delay_seconds", "op": "lte", "value": 300}}}


def profiles(*users):
    facts = dict(FACTS)
    facts["signal"] = dict(FACTS["signal"], profiles=[{"user": u, "path": "/home/%s/.config/Signal" % u} for u in users])
    return facts


def test_owner_from_the_inventory_else_from_the_only_signal_profile():
    subject = workstation_subject("ws1", {"facts": profiles("alice")}, "Alice@Example.org")[0]
    assert (subject["owner"], subject["owner_source"]) == ("Alice@Example.org", "inventory")
    subject = workstation_subject("ws1", {"facts": profiles("alice")})[0]
    assert (subject["owner"], subject["owner_source"]) == ("alice@ws1", "signal_profile")
    # The same user with a .deb and a Flatpak profile is still one person.
    assert profile_owner("ws1", profiles("alice", "alice")) == "alice@ws1"
    for facts in (profiles("alice", "bob"), profiles(), FACTS):
        subject = workstation_subject("ws1", {"facts": facts})[0]
        assert (subject["owner"], subject["owner_source"]) == (None, None)
    phone = mobile_subject({"id": "p1", "platform": "ios", "owner": {"upn": "bob@example.org"}}, "mdm", "file")
    assert phone["owner_source"] == "mdm"
    assert mobile_subject({"id": "p2", "platform": "ios"}, "mdm", "file")["owner_source"] is None


def test_standing_of_a_subject():
    assert subject_standing("ok", 3, 3) == ("compliant", 0)
    assert subject_standing("ok", 5, 2) == ("failing", 3)
    assert subject_standing("ok", 0, 0) == ("not_assessed", 0)
    assert subject_standing("unreachable", 1, 0) == ("not_assessed", 0)


def device(status, failing=0):
    return {"status": status, "failing": failing}


def test_one_line_per_person():
    assert describe([device("compliant")], [device("compliant"), device("failing", 1)]) == (
        "phone compliant; two workstations: one compliant, one failing one control")
    assert describe([], [device("failing", 3)]) == "workstation failing three controls"
    assert describe([device("compliant")] * 2, []) == "two phones, all compliant"
    assert describe([device("not_assessed")] * 12, []) == "12 phones, all not assessed"
    assert describe([device("failing", 2), device("failing", 11), device("not_assessed")], []) == (
        "three phones: one failing two controls, one failing 11 controls, one not assessed")
    assert describe([], []) == "no devices"


def test_people_are_grouped_case_insensitively_with_counts():
    def subject(sid, kind, owner, source=None):
        return {"id": sid, "kind": kind, "platform": "ios" if kind == "mobile" else "linux", "owner": owner,
                "owner_source": source}
    section = people_section([
        (subject("p1", "mobile", "Alice@Example.org", "mdm"), "compliant", 0),
        (subject("ws1", "workstation", "alice@example.org", "inventory"), "compliant", 0),
        (subject("ws2", "workstation", "ALICE@example.org ", "inventory"), "failing", 2),
        (subject("p2", "mobile", "bob@example.org", "mdm"), "not_assessed", 0),
        (subject("p3", "mobile", None), "failing", 1),
        (subject("ws3", "workstation", ""), "compliant", 0),
    ])
    assert section["counts"] == {"people": 2, "all_compliant": 0, "with_failing": 1}
    assert section["unassigned"] == {"phones": 1, "workstations": 1}
    alice = section["items"][0]
    assert alice["owner"] == "alice@example.org" and [d["id"] for d in alice["workstations"]] == ["ws1", "ws2"]
    assert alice["counts"] == {"phones": 1, "workstations": 2, "compliant": 2, "failing": 1, "not_assessed": 0}
    assert alice["text"] == "phone compliant; two workstations: one compliant, one failing two controls"
    assert alice["workstations"][1] == {"id": "ws2", "platform": "linux", "status": "failing", "failing": 2,
                                        "owner_source": "inventory"}


def test_summary_has_people_owner_sources_and_validates_with_every_section():
    subjects = [workstation_subject("ws1", {"facts": profiles("alice")})[0],
                workstation_subject("ws2", {"facts": dict(FACTS, screen_lock={"idle_delay_seconds": 900})}, "bob@example.org")[0],
                workstation_subject("ws3", {"unreachable": True, "msg": "down"}, "bob@example.org")[0]]
    evaluator = Evaluator([LOCK], {}, now=NOW)
    summary = build_summary([LOCK], [(s, evaluator.evaluate(s)) for s in subjects], generated_at="2026-11-26T12:00:00Z",
                            tool_version="0.1.0", check_mode=True, threshold_pct=0.0, org={}, sources=[], input_errors=[])
    assert [s["owner_source"] for s in summary["subjects"]] == ["signal_profile", "inventory", "inventory"]
    people = {p["owner"]: p for p in summary["people"]["items"]}
    assert people["alice@ws1"]["text"] == "workstation compliant"
    assert people["bob@example.org"]["text"] == "two workstations: one failing one control, one not assessed"
    summary.update(disabled_sections())
    assert problems("fleet_summary.schema.json", summary) == []
