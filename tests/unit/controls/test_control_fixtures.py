# -*- coding: utf-8 -*-
"""Per-control fixtures (ComplianceAsCode style): every control is driven to pass, fail and unknown."""

from __future__ import annotations

import datetime
import glob
import os

import pytest
import yaml

from ansible_collections.hardening.signal.plugins.module_utils.catalog.load import load_catalog
from ansible_collections.hardening.signal.plugins.module_utils.engine.attestations import normalize_attestations
from ansible_collections.hardening.signal.plugins.module_utils.engine.evaluate import Evaluator

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
CONTROLS_DIR = os.path.join(ROOT, "roles", "signal_hardening", "controls")
FIXTURES_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")
DEFAULT_NOW = "2026-11-26T12:00:00Z"
ORG_DEFAULTS = {
    "screen_lock_timeout_minutes": 5,
    "disappearing_messages_timer_days": 7,
    "reboot_interval_hours": 24,
    "max_minor_versions_behind": 2,
    "require_signal_on_phones": False,
}

CATALOG = {c["id"]: c for c in load_catalog(CONTROLS_DIR, org_names=ORG_DEFAULTS)}


def _fixture_files():
    return sorted(glob.glob(os.path.join(FIXTURES_DIR, "*.yml")))


def _cases():
    for path in _fixture_files():
        with open(path, encoding="utf-8") as handle:
            fixture = yaml.safe_load(handle)
        for index, case in enumerate(fixture["cases"]):
            yield pytest.param(fixture["control"], case, id="%s[%d:%s]" % (fixture["control"], index, case["expect"]))


def judge(control_id, case):
    control = CATALOG[control_id]
    now = datetime.datetime.fromisoformat(case.get("now", DEFAULT_NOW).replace("Z", "+00:00"))
    attestations, errors = normalize_attestations(case.get("attestations") or [])
    assert not errors, errors
    org = dict(ORG_DEFAULTS, **(case.get("org") or {}))
    evaluator = Evaluator([control], org, context=case.get("context") or {}, attestations=attestations, now=now)
    platform = case.get("platform") or control["platforms"][0]
    subject = {
        "id": "fixture", "kind": "mobile" if platform in ("ios", "android") else "workstation",
        "platform": platform, "owner": case.get("owner"), "source": {"type": "fixture", "name": "fixture"},
        "state": "ok", "facts": case.get("facts") or {},
    }
    results = evaluator.evaluate(subject)
    assert len(results) == 1, results
    return results[0]


@pytest.mark.parametrize("control_id, case", list(_cases()))
def test_fixture_case(control_id, case):
    result = judge(control_id, case)
    assert result["status"] == case["expect"], "%s: %s" % (case.get("name"), result)
    assert result["reason"], "every result explains itself"


def test_every_control_has_pass_fail_and_unknown_fixtures():
    expected = {}
    for path in _fixture_files():
        with open(path, encoding="utf-8") as handle:
            fixture = yaml.safe_load(handle)
        assert os.path.basename(path) == fixture["control"] + ".yml"
        assert fixture["control"] in CATALOG, "fixture for a control that does not exist: %s" % path
        expected[fixture["control"]] = {case["expect"] for case in fixture["cases"]}
    for control_id, control in CATALOG.items():
        assert control_id in expected, "no fixture file for %s" % control_id
        needed = {"pass", "fail", "unknown"}
        if control["check"]["method"] == "attestation":
            needed.add("manual")
        assert needed <= expected[control_id], "%s lacks fixtures for %s" % (control_id, sorted(needed - expected[control_id]))


def test_no_control_passes_on_empty_facts():
    """Truth over green: with nothing observed, no control may pass on any of its platforms."""
    now = datetime.datetime(2026, 11, 26, 12, tzinfo=datetime.timezone.utc)
    for require in (False, True):
        org = dict(ORG_DEFAULTS, require_signal_on_phones=require)
        evaluator = Evaluator(list(CATALOG.values()), org, now=now)
        for platform in ("linux", "macos", "windows", "ios", "android"):
            for facts in ({}, {"signal": {"installed": True}}):
                subject = {"id": "x", "kind": "workstation", "platform": platform, "owner": "someone@example.org",
                           "source": {"type": "t", "name": "t"}, "state": "ok", "facts": facts}
                for result in evaluator.evaluate(subject):
                    # Signal observed as installed is the one fact given: only that control may pass on it.
                    if facts and result["control"] == "sh-3.1-mobile-signal-installed":
                        continue
                    assert result["status"] != "pass", (platform, facts, result)
