# -*- coding: utf-8 -*-
"""Subjects from probe results, and the roll-up into a schema-valid summary."""

from __future__ import annotations

import datetime

from ansible_collections.hardening.signal.plugins.module_utils.engine.evaluate import Evaluator
from ansible_collections.hardening.signal.plugins.module_utils.fleet.subjects import workstation_subject
from ansible_collections.hardening.signal.plugins.module_utils.fleet.summary import build_summary, compliance_pct
from ansible_collections.hardening.signal.plugins.module_utils.schema_validation import problems

NOW = datetime.datetime(2026, 11, 26, 12, tzinfo=datetime.timezone.utc)
ORG = {"screen_lock_timeout_minutes": 5, "disappearing_messages_timer_days": 7, "reboot_interval_hours": 24,
       "max_minor_versions_behind": 2, "require_signal_on_phones": False}
FACTS = {"schema_version": 3, "platform": "linux", "signal": {"installed": True, "version": "7.80.0"},
         "screen_lock": {"enabled": True, "idle_delay_seconds": 300, "lock_delay_seconds": 0},
         "unknown_reasons": {}, "errors": {}}
LOCK = {"id": "sh-3.7-linux-screen-lock", "section": "3.7", "title": "Screen lock", "platforms": ["linux"],
        "rationale": "r" * 20, "steps": ["x" * 5], "remediation": "automated", "severity": "medium", "disruption": "low",
        "check": {"method": "host", "observes": "x", "test": {"fact": "screen_lock.idle_delay_seconds", "op": "lte",
                                                              "value": {"org": "screen_lock_timeout_minutes", "scale": 60}}}}
ATTEST = {"id": "sh-3.3-profile", "section": "3.3", "title": "Profile", "platforms": ["linux", "ios"],
          "rationale": "r" * 20, "steps": ["x" * 5], "remediation": "manual", "severity": "low", "disruption": "low",
          "check": {"method": "attestation", "observes": "x", "question": "q?", "validity_days": 30}}


def test_probe_outcomes_become_subject_states():
    ok, errors = workstation_subject("h1", {"changed": False, "facts": FACTS}, "a@example.org")
    assert ok["state"] == "ok" and ok["platform"] == "linux" and ok["owner"] == "a@example.org" and errors == []
    down = workstation_subject("h2", {"unreachable": True, "msg": "ssh: no route"})[0]
    assert down["state"] == "unreachable" and "no route" in down["error"]
    failed = workstation_subject("h3", {"failed": True, "msg": "python not found"})[0]
    assert failed["state"] == "failed" and "python" in failed["error"]
    never = workstation_subject("h4", None)[0]
    assert never["state"] == "failed"
    bad, errors = workstation_subject("h5", {"facts": dict(FACTS, screen_lock={"idle_delay_seconds": "300"})})
    assert bad["state"] == "invalid" and errors[0]["record"] == "h5"
    assert errors[0]["field"] == "screen_lock.idle_delay_seconds"


def test_summary_counts_every_subject_and_validates():
    subjects = [workstation_subject("h1", {"facts": FACTS}, "a@example.org")[0],
                workstation_subject("h2", {"unreachable": True, "msg": "down"})[0]]
    evaluator = Evaluator([LOCK, ATTEST], ORG, now=NOW)
    judged = [(s, evaluator.evaluate(s)) for s in subjects]
    summary = build_summary([LOCK, ATTEST], judged, generated_at="2026-11-26T12:00:00Z", tool_version="0.1.0",
                            check_mode=True, threshold_pct=50.0, org=ORG, sources=[], input_errors=[])
    assert problems("fleet_summary.schema.json", summary) == []
    assert summary["totals"] == {"pass": 1, "fail": 0, "unknown": 0, "not_applicable": 0, "manual": 1, "waived": 0, "error": 1}
    # manual and error never count as passing: 1 of 3 counted.
    assert summary["compliance"]["pct"] == 33.33 and summary["compliance"]["counted"] == 3
    assert summary["compliance"]["subjects_compliant"] == 0
    assert [s["id"] for s in summary["subjects"]] == ["h1", "h2"]
    collection = [c for c in summary["controls"] if c["id"] == "collection"]
    assert collection and collection[0]["counts"]["error"] == 1
    # The formats for other tools (HDF, OSCAL) describe each control with its rationale and steps.
    lock = summary["controls"][0]
    assert (lock["rationale"], lock["steps"]) == (LOCK["rationale"], LOCK["steps"])
    # The reports, action sheets and the questionnaire ask an attestation control's question.
    assert summary["controls"][1]["question"] == "q?" and "question" not in lock


def test_compliance_excludes_not_applicable_and_waived():
    counts = {"pass": 2, "fail": 1, "unknown": 0, "not_applicable": 50, "manual": 0, "waived": 7, "error": 1}
    assert compliance_pct(counts) == (50.0, 4)
    assert compliance_pct(dict.fromkeys(counts, 0)) == (None, 0)


def test_text_that_is_not_valid_unicode_in_a_host_name_owner_or_facts_is_named():
    facts = dict(FACTS, signal={"installed": True, "version": "7.80.0",
                                "profiles": [{"user": "bob", "path": "/home/bob/.config/Signal"}]})
    subject, errors = workstation_subject("h\udc80st", {"changed": False, "facts": facts}, "al\udce9ice@example.org")
    assert subject["id"] == "h\\udc80st" and subject["state"] == "ok"
    # The owner given is refused, and not replaced by a guess from the profiles.
    assert subject["owner"] is None and subject["owner_source"] is None
    assert [(e["source"], e["record"], e["field"]) for e in errors] == [
        ("inventory", "h\\udc80st", "inventory_hostname"), ("inventory", "h\\udc80st", "signal_hardening_owner")]
    bad, errors = workstation_subject("h6", {"facts": dict(FACTS, os={"distribution": "Deb\udc80ian"})})
    assert bad["state"] == "invalid" and bad["platform"] == "linux" and "os.distribution" in bad["error"]
    assert [(e["record"], e["field"]) for e in errors] == [("h6", "os.distribution")]
    down = workstation_subject("h7", {"unreachable": True, "msg": "ssh: \udc80"})[0]
    assert down["error"] == "ssh: \\udc80"
