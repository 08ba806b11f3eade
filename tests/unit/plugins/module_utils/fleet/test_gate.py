# -*- coding: utf-8 -*-
"""The gate: the compliance threshold and the failing results allowed per severity."""

from __future__ import annotations

from ansible_collections.hardening.signal.plugins.module_utils.fleet.gate import check_limits, evaluate_gate


def control(cid, severity, fail, **other):
    counts = {"pass": 0, "fail": fail, "unknown": 0, "not_applicable": 0, "manual": 0, "waived": 0, "error": 0}
    counts.update(other)
    return {"id": cid, "severity": severity, "counts": counts}


SUMMARY = {"compliance": {"pct": 62.5}, "controls": [
    control("sh-3.1-ios-app-store", "high", 2),
    control("sh-3.2-mobile-version-current", "high", 1),
    control("sh-3.1-android-signature", "high", 2),
    # unknown, manual, error and waived are not failures here (they weigh on the percentage, or are accepted).
    control("sh-3.5-registration-lock", "high", 0, manual=40, unknown=3, error=2, waived=9),
    control("sh-3.7-mobile-passcode", "medium", 4),
    control("sh-3.10-android-daily-reboot", "low", 50),
]}


def test_lines_name_every_limit_crossed_with_its_controls():
    gate = evaluate_gate(SUMMARY, {"high": 0, "medium": 10, "low": None}, 50.0)
    assert gate["passed"] is False
    assert gate["lines"] == ["high: 5 failing results (limit 0): sh-3.1-android-signature x2, sh-3.1-ios-app-store x2, "
                             "sh-3.2-mobile-version-current x1"]
    assert gate["message"] == gate["lines"][0]
    assert gate["severities"]["medium"] == {"failures": 4, "limit": 10, "crossed": False,
                                            "controls": [{"id": "sh-3.7-mobile-passcode", "failures": 4}]}
    assert gate["severities"]["low"]["limit"] is None and gate["severities"]["low"]["crossed"] is False


def test_compliance_threshold_and_limits_together():
    gate = evaluate_gate(SUMMARY, {"medium": 3, "low": 49}, 90.0)
    assert gate["lines"] == ["compliance 62.5% is below signal_hardening_min_compliance_pct 90.0%",
                             "medium: 4 failing results (limit 3): sh-3.7-mobile-passcode x4",
                             "low: 50 failing results (limit 49): sh-3.10-android-daily-reboot x50"]
    assert gate["compliance"] == {"pct": 62.5, "threshold_pct": 90.0, "met": False}


def test_limits_at_the_count_pass_and_no_limits_pass():
    assert evaluate_gate(SUMMARY, {"high": 5, "medium": 4, "low": 50}, 62.5)["passed"] is True
    gate = evaluate_gate(SUMMARY, {}, 0.0)
    assert gate["passed"] is True and gate["lines"] == [] and "met" in gate["message"]


def test_nothing_counted_meets_only_a_zero_threshold():
    empty = {"compliance": {"pct": None}, "controls": []}
    passed = evaluate_gate(empty, {}, 0.0)
    assert passed["passed"] is True and passed["compliance"]["met"] is True
    # It says why it passed, not that compliance is met.
    assert passed["message"] == ("nothing was counted (every result is not applicable or waived), which only a "
                                 "threshold of 0% accepts; every failure limit is met")
    assert evaluate_gate(empty, {}, 1.0)["lines"] == ["compliance n/a (nothing counted) is below signal_hardening_min_compliance_pct 1.0%"]


def test_limits_are_checked():
    assert check_limits({"high": 0, "medium": None, "low": 7}) == []
    assert check_limits({"critical": 1, "high": -1, "low": True, "medium": "3"}) == [
        "unknown severity critical; use high, medium, low", "high: -1 is not null or a whole number from 0",
        "low: True is not null or a whole number from 0", "medium: '3' is not null or a whole number from 0"]


SOURCES = [{"name": "desktop_info", "type": "ansible", "status": "incomplete"},
           {"name": "intune-eu", "type": "intune", "status": "failed"},
           {"name": "jamf", "type": "jamf", "status": "complete"},
           {"name": "export.csv", "type": "file", "status": "incomplete"}]


def with_sources(sources):
    return dict(SUMMARY, run={"sources": sources})


def test_an_incomplete_mdm_source_fails_the_gate_unless_accepted():
    gate = evaluate_gate(with_sources(SOURCES), {}, 0.0)
    # Unreachable workstations are error results (they weigh on the percentage), not an incomplete source here.
    assert gate["sources"] == {"incomplete": ["intune-eu", "export.csv"], "accepted": False, "crossed": True}
    assert gate["passed"] is False
    assert gate["lines"] == ["MDM sources intune-eu, export.csv failed or stopped part-way (see the sources table); set "
                             "signal_hardening_fail_on_incomplete_sources to false to accept a partial run"]
    accepted = evaluate_gate(with_sources(SOURCES), {}, 0.0, accept_incomplete_sources=True)
    assert accepted["passed"] is True and accepted["sources"]["crossed"] is False and accepted["lines"] == []
    assert accepted["message"].startswith("MDM sources intune-eu, export.csv failed or stopped part-way, accepted")
    assert evaluate_gate(with_sources(SOURCES[2:3]), {}, 0.0)["sources"] == {
        "incomplete": [], "accepted": False, "crossed": False}


def test_failed_remediation_fails_the_gate_and_names_each_host():
    failures = ["ws%02d: Set Signal's source: apt failed" % i for i in range(12)]
    gate = evaluate_gate(SUMMARY, {}, 0.0, remediation_failures=failures)
    assert gate["passed"] is False and gate["remediation"] == {"failures": failures, "crossed": True}
    (line,) = gate["lines"]
    assert line.startswith("Remediation failed on ws00: Set Signal's source: apt failed; ws01")
    assert "ws09" in line and "ws10" not in line and line.endswith("and 2 more (12 workstations, still probed and judged)")


def test_every_reason_is_named_at_once():
    gate = evaluate_gate(with_sources(SOURCES), {"high": 0}, 90.0, remediation_failures=["ws1: x: y"])
    assert [line.split(" ", 1)[0] for line in gate["lines"]] == ["MDM", "Remediation", "compliance", "high:"]
    assert gate["message"] == "; ".join(gate["lines"])
