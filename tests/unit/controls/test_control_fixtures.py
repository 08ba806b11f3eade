# -*- coding: utf-8 -*-
"""Per-control fixtures (ComplianceAsCode style): every control is driven to pass, fail and unknown.

A case gives the subject's facts, or (for controls checked on the host) a small host tree under ``host`` that the
real probe reads (host_tree.py): such a case proves the probe and the control together."""

from __future__ import annotations

import datetime
import glob
import os
import re

import pytest
import yaml

from ansible_collections.hardening.signal.plugins.module_utils.catalog.load import load_catalog, load_values, values_with_org
from ansible_collections.hardening.signal.plugins.module_utils.engine.attestations import normalize_attestations
from ansible_collections.hardening.signal.plugins.module_utils.engine.evaluate import Evaluator
from ansible_collections.hardening.signal.plugins.module_utils.probes.desktop_facts import missing_reasons
from ansible_collections.hardening.signal.plugins.module_utils.schema_validation import problems
from ansible_collections.hardening.signal.tests.unit.controls.host_tree import host_facts, org_values

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
VALUES = load_values(CONTROLS_DIR)

# Controls whose reasons are not yet written in the control (issue 12 §2) would be listed here, exempt from the
# words rule below until then. Every control has its sentences now; a new one gets them from the start. The test
# fails when a control listed here has its sentences and meets the rule: then take it off the list.
SENTENCES_PENDING = frozenset(())


def _fixture_files():
    return sorted(glob.glob(os.path.join(FIXTURES_DIR, "*.yml")))


def _cases():
    for path in _fixture_files():
        with open(path, encoding="utf-8") as handle:
            fixture = yaml.safe_load(handle)
        for index, case in enumerate(fixture["cases"]):
            yield pytest.param(fixture["control"], case, id="%s[%d:%s]" % (fixture["control"], index, case["expect"]))


def judge(control_id, case, tmp_path=None):
    control = CATALOG[control_id]
    now = datetime.datetime.fromisoformat(case.get("now", DEFAULT_NOW).replace("Z", "+00:00"))
    attestations, errors = normalize_attestations(case.get("attestations") or [])
    assert not errors, errors
    org = values_with_org(VALUES, dict(ORG_DEFAULTS, **org_values(case.get("org") or {})))
    evaluator = Evaluator([control], org, context=case.get("context") or {}, attestations=attestations, now=now)
    platform = case.get("platform") or (case.get("host") or {}).get("platform") or control["platforms"][0]
    facts = case.get("facts") or {}
    if "host" in case:
        assert tmp_path is not None, "a host case needs a folder to build the host in"
        facts = host_facts(case["host"], tmp_path, platform, org)
        # What the probe reports is a valid facts document with every null value explained.
        assert problems("desktop_facts.schema.json", facts) == [], problems("desktop_facts.schema.json", facts)
        assert missing_reasons(facts) == [], missing_reasons(facts)
    subject = {
        "id": "fixture", "kind": "mobile" if platform in ("ios", "android") else "workstation",
        "platform": platform, "owner": case.get("owner"), "source": {"type": "fixture", "name": "desktop_info"},
        "state": "ok", "facts": facts,
    }
    results = evaluator.evaluate(subject)
    assert len(results) == 1, results
    return results[0]


@pytest.mark.parametrize("control_id, case", list(_cases()))
def test_fixture_case(control_id, case, tmp_path):
    result = judge(control_id, case, tmp_path)
    assert result["status"] == case["expect"], "%s: %s" % (case.get("name"), result)
    assert result["reason"], "every result explains itself"
    for words in case.get("reason_contains") or ():
        assert words in result["reason"], "%s: %r not in %r" % (case.get("name"), words, result["reason"])
    if result["status"] in ("fail", "unknown", "error") and control_id not in SENTENCES_PENDING:
        problem = reason_problem(result["reason"], fact_paths(CATALOG[control_id]["check"]) | paths_in(case.get("facts")))
        assert problem is None, "%s: %s: %s" % (case.get("name"), problem, result["reason"])


# Python's words for values, which a reason must not show a person.
_PYTHON_WORDS = re.compile(r"\b(True|False|None)\b")


def fact_paths(check):
    """Every fact path a check names (list paths of quantifiers too)."""
    found = set()

    def walk(node):
        if isinstance(node, dict):
            for key in ("fact", "every", "some"):
                if isinstance(node.get(key), str):
                    found.add(node[key])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(check.get("test"))
    walk(check.get("applies_when"))
    return found


def paths_in(facts, prefix=""):
    """Dotted paths of a fixture's facts (signal.installs.0.version), which no reason may quote."""
    found = set()
    if isinstance(facts, dict):
        for key, value in facts.items():
            if key in ("unknown_reasons", "errors", "raw_fields") and not prefix:
                continue
            path = prefix + "." + str(key) if prefix else str(key)
            if prefix:
                found.add(path)
            found |= paths_in(value, path)
    elif isinstance(facts, list):
        for index, value in enumerate(facts):
            path = "%s.%d" % (prefix, index)
            found.add(path)
            found |= paths_in(value, path)
    return found


def reason_problem(reason, paths):
    """Why a reason is not a sentence a person can act on (None when it is one)."""
    for path in sorted(paths, key=len, reverse=True):
        if "." not in path and "_" not in path:
            continue  # one plain word (kind, suite, trusted) is English in a sentence
        if re.search(r"(?<![\w./-])%s(?![\w])" % re.escape(path), reason):
            return "it names the fact path %s instead of saying what was found" % path
    if _PYTHON_WORDS.search(reason):
        return "it shows a Python value (%s)" % _PYTHON_WORDS.search(reason).group(1)
    if len(reason) < 20:
        return "it is too short to say what was found and what was expected"
    return None


def _templated_leaves(test, under_where=False):
    """(leaf spec, statuses its sentences must cover) for every fact test and quantifier of a check."""
    if not isinstance(test, dict):
        return
    if "all" in test or "any" in test:
        for sub in test.get("all") or test.get("any"):
            yield from _templated_leaves(sub, under_where)
        return
    if "every" in test or "some" in test:
        if "where" in test:
            yield from _templated_leaves(test["where"], True)
        if "test" in test:
            yield from _templated_leaves(test["test"], under_where)
        else:
            yield test, ("fail",)  # "some item like this exists": the quantifier says what is missing
        return
    if "cases" in test:
        for case in test["cases"]:
            yield from _templated_leaves(case["when"], True)  # a when decides alone only when it cannot be told
            yield from _templated_leaves(case["test"], under_where)
        yield from _templated_leaves(test["otherwise"], under_where)
        return
    if "verdict" in test:
        yield test, (test["verdict"],)
        return
    if test.get("op") == "reported":
        if not under_where:
            yield test, ("fail",)  # never unknown; as a when it only chooses
        return
    yield test, ("unknown",) if under_where else ("fail", "unknown")


def _sentence_gaps(control_id, tmp_root):
    """What keeps a control's reasons from being its own sentences a person can act on."""
    control = CATALOG[control_id]
    gaps = []
    if control["check"]["method"] != "attestation":
        gaps += ["%s lacks reasons.%s" % (leaf.get("fact") or leaf.get("every") or leaf.get("some") or "verdict", status)
                 for leaf, statuses in _templated_leaves(control["check"]["test"])
                 for status in statuses if status not in (leaf.get("reasons") or {})]
    for index, case in enumerate(_fixture(control_id)["cases"]):
        folder = tmp_root / str(index)
        folder.mkdir(parents=True)
        result = judge(control_id, case, folder)
        if result["status"] in ("fail", "unknown", "error"):
            problem = reason_problem(result["reason"], fact_paths(control["check"]) | paths_in(case.get("facts")))
            if problem:
                gaps.append("%s: %s" % (case.get("name"), problem))
    return gaps


def _fixture(control_id):
    with open(os.path.join(FIXTURES_DIR, control_id + ".yml"), encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def test_every_machine_checked_control_writes_its_own_sentences(tmp_path):
    """Issue 12 §2: a fail or unknown result says what was found, where, and what was expected, in the control's
    own words: every test of a machine-checked control has a sentence for each of those states."""
    missing = {control_id: _sentence_gaps(control_id, tmp_path / control_id) for control_id in sorted(CATALOG)}
    missing = {control_id: gaps for control_id, gaps in missing.items() if gaps}
    unlisted = sorted(set(missing) - SENTENCES_PENDING)
    assert not unlisted, {c: missing[c] for c in unlisted}
    done = sorted(c for c in SENTENCES_PENDING if c not in missing)
    assert not done, "these controls have their sentences now: take them off SENTENCES_PENDING: %s" % done
    assert SENTENCES_PENDING <= set(CATALOG), sorted(SENTENCES_PENDING - set(CATALOG))


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
        if control["check"]["method"] == "host":
            # Checked on the host: pass, fail and unknown are each proven through the probe too.
            through_probe = {case["expect"] for case in _fixture(control_id)["cases"] if "host" in case}
            assert {"pass", "fail", "unknown"} <= through_probe, "%s lacks host-tree cases for %s" % (
                control_id, sorted({"pass", "fail", "unknown"} - through_probe))


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
