# -*- coding: utf-8 -*-
"""The control DSL's quantifiers, comparisons and reason templates, on small hand-written controls."""

from __future__ import annotations

import datetime

import pytest

from ansible_collections.hardening.signal.plugins.module_utils.engine.evaluate import Evaluator, check_problems
from ansible_collections.hardening.signal.plugins.module_utils.engine.templates import Template, text_of
from ansible_collections.hardening.signal.plugins.module_utils.schema_validation import problems

NOW = datetime.datetime(2026, 11, 26, 12, 0, tzinfo=datetime.timezone.utc)
ORG = {"screen_lock_timeout_minutes": 5, "disappearing_messages_timer_days": 7, "reboot_interval_hours": 24,
       "max_minor_versions_behind": 2, "require_signal_on_phones": False, "key": "DBA3", "team": "U68MSDN6DR",
       "signers": ["Signal Messenger, LLC"], "repo": "https://updates.signal.org/desktop/apt", "expiry_days": 14}


def judge(test, facts, platform="linux", org=None, context=None):
    control = {"id": "sh-3.1-test-control", "section": "3.1", "title": "A test control", "platforms": [platform],
               "check": {"method": "host", "observes": "x", "test": test}, "rationale": "r" * 20, "steps": ["do it"],
               "remediation": "manual", "severity": "low", "disruption": "low"}
    subject = {"id": "host1", "kind": "workstation", "platform": platform, "owner": None,
               "source": {"type": "ansible", "name": "desktop_info"}, "state": "ok", "facts": facts}
    results = Evaluator([control], org or ORG, context=context, now=NOW).evaluate(subject)
    assert len(results) == 1
    return results[0]


SIGNED = {
    "every": "signal.installs", "as": "install", "says": "Signal installs",
    "test": {"fact": "signature.team_id", "op": "eq", "value": {"org": "team"},
             "reasons": {"fail": "{install.path} is signed by Team ID {observed}, not Signal's {expected}",
                         "unknown": "the signature of {install.path} was not read: {reasons}"}},
    "reasons": {"empty": "no Signal.app was found"},
}


def app(path, team):
    return {"path": path, "signature": {"team_id": team}}


class TestEvery:
    def test_every_item_must_pass_and_the_failing_one_is_named(self):
        facts = {"signal": {"installs": [app("/Applications/Signal.app", "U68MSDN6DR"),
                                         app("/Users/bo/Applications/Signal.app", "X1")]}}
        result = judge(SIGNED, facts)
        assert result["status"] == "fail"
        assert result["reason"] == "/Users/bo/Applications/Signal.app is signed by Team ID X1, not Signal's U68MSDN6DR"
        # What the sentence says is kept machine-readable, item by item.
        assert result["observed"] == {"signal.installs": [
            {"signature.team_id": "U68MSDN6DR"},
            {"signature.team_id": "X1", "path": "/Users/bo/Applications/Signal.app"}]}
        assert result["expected"] == "U68MSDN6DR"

    def test_all_items_passing_is_a_pass(self):
        facts = {"signal": {"installs": [app("/Applications/Signal.app", "U68MSDN6DR")]}}
        assert judge(SIGNED, facts)["status"] == "pass"

    def test_an_item_without_the_value_is_unknown_with_the_probes_reason(self):
        facts = {"signal": {"installs": [app("/Applications/Signal.app", None)]},
                 "unknown_reasons": {"signal.installs.0.signature": "codesign was not run"}}
        result = judge(SIGNED, facts)
        assert result["status"] == "unknown"
        assert result["reason"] == "the signature of /Applications/Signal.app was not read: codesign was not run"

    def test_an_error_on_an_item_names_the_item(self):
        facts = {"signal": {"installs": [app("/Applications/Signal.app", None)]},
                 "errors": {"signal.installs.0.signature.team_id": "codesign output is garbled"}}
        result = judge(SIGNED, facts)
        assert result["status"] == "error" and "codesign output is garbled" in result["reason"]

    def test_fail_beats_unknown_across_items(self):
        facts = {"signal": {"installs": [app("/a", None), app("/b", "X1")]}}
        assert judge(SIGNED, facts)["status"] == "fail"

    def test_empty_list_is_unknown_unless_the_control_says_otherwise(self):
        result = judge(SIGNED, {"signal": {"installs": []}})
        assert result["status"] == "unknown" and result["reason"] == "no Signal.app was found"
        assert judge(dict(SIGNED, when_empty="pass"), {"signal": {"installs": []}})["status"] == "pass"

    def test_missing_list_is_unknown_and_malformed_list_is_error(self):
        result = judge(SIGNED, {"unknown_reasons": {"signal.installs": "the Applications folder is not readable"}})
        assert result["status"] == "unknown" and "the Applications folder is not readable" in result["reason"]
        assert judge(SIGNED, {"signal": {"installs": "many"}})["status"] == "error"
        assert judge(SIGNED, {"signal": {"installs": ["x"]}})["status"] == "error"

    def test_a_list_reported_with_a_reason_cannot_prove_a_pass(self):
        facts = {"signal": {"installs": [app("/Applications/Signal.app", "U68MSDN6DR")]},
                 "unknown_reasons": {"signal.installs": "/Users/carol could not be read"}}
        result = judge(SIGNED, facts)
        assert result["status"] == "unknown" and "/Users/carol could not be read" in result["reason"]
        # A failure found in an incomplete list is still a failure.
        facts["signal"]["installs"].append(app("/x", "X1"))
        assert judge(SIGNED, facts)["status"] == "fail"
        # An empty incomplete list never passes.
        empty = dict(SIGNED, when_empty="pass")
        assert judge(empty, {"signal": {"installs": []}, "unknown_reasons": {"signal.installs": "unreadable"}})[
            "status"] == "unknown"


class TestWhereAndSome:
    SOURCES = {
        "every": "sources", "as": "source", "when_empty": "pass",
        "where": {"fact": "offers", "op": "eq", "value": True,
                  "reasons": {"unknown": "whether {source.file} offers Signal cannot be told: {reasons}"}},
        "test": {"fact": "fingerprints", "op": "contains", "value": {"org": "key"},
                 "reasons": {"fail": "{source.file} offers Signal signed by {observed}, not {expected}"}},
    }

    def test_where_chooses_the_items_judged(self):
        facts = {"sources": [{"file": "/a.list", "offers": False, "fingerprints": ["1A2B"]},
                             {"file": "/b.list", "offers": True, "fingerprints": ["DBA3"]}]}
        assert judge(self.SOURCES, facts)["status"] == "pass"
        facts["sources"][0]["offers"] = True
        result = judge(self.SOURCES, facts)
        assert result["status"] == "fail" and result["reason"] == "/a.list offers Signal signed by 1A2B, not DBA3"

    def test_an_item_whose_where_cannot_be_told_is_unknown(self):
        facts = {"sources": [{"file": "/a.list", "offers": None, "fingerprints": ["1A2B"]}],
                 "unknown_reasons": {"sources.0.offers": "its package lists are compressed as lz4"}}
        result = judge(self.SOURCES, facts)
        assert result["status"] == "unknown"
        assert result["reason"] == "whether /a.list offers Signal cannot be told: its package lists are compressed as lz4"

    def test_no_item_matching_uses_when_empty(self):
        facts = {"sources": [{"file": "/a.list", "offers": False, "fingerprints": ["1A2B"]}]}
        assert judge(self.SOURCES, facts)["status"] == "pass"
        assert judge(dict(self.SOURCES, when_empty="fail"), facts)["status"] == "fail"

    def test_some_needs_one_passing_item_and_fails_on_none(self):
        some = {"some": "sources", "as": "source",
                "test": {"fact": "uri", "op": "same_url", "value": {"org": "repo"}},
                "reasons": {"fail": "no apt source points at {org.repo}: {reasons}"}}
        facts = {"sources": [{"uri": "http://mirror.example/"}, {"uri": "HTTPS://Updates.Signal.org/desktop/apt/"}]}
        assert judge(some, facts)["status"] == "pass"
        result = judge(some, {"sources": [{"uri": "http://mirror.example/"}]})
        assert result["status"] == "fail"
        assert result["reason"].startswith("no apt source points at https://updates.signal.org/desktop/apt: ")
        assert judge(some, {"sources": []})["status"] == "fail"

    def test_nested_quantifiers_see_the_outer_item(self):
        test = {"every": "installs", "as": "install",
                "test": {"some": "sources", "as": "source",
                         "test": {"fact": "versions", "op": "contains", "value": {"fact": "install.version"}},
                         "reasons": {"fail": "nothing offers {install.package} {install.version}"}}}
        facts = {"installs": [{"package": "signal-desktop", "version": "7.80.0",
                               "sources": [{"versions": ["7.79.0", "7.80.0"]}]}]}
        assert judge(test, facts)["status"] == "pass"
        facts["installs"][0]["version"] = "6.40.0"
        result = judge(test, facts)
        assert result["status"] == "fail" and result["reason"] == "nothing offers signal-desktop 6.40.0"

    def test_nothing_found_in_an_incomplete_list_proves_no_failure_of_some(self):
        """An apt configuration file that could not be read may hold the entry some looks for."""
        some = {"some": "origins", "as": "origin", "test": {"fact": "pattern", "op": "eq", "value": "x"},
                "reasons": {"empty": "no origin entry at all", "fail": "no origin entry matches: {reasons}"}}
        assert judge(some, {"origins": []})["status"] == "fail"
        result = judge(some, {"origins": [], "errors": {"origins": "/etc/apt/apt.conf: block is not closed"}})
        assert result["status"] == "error" and "block is not closed" in result["reason"]
        result = judge(some, {"origins": [], "unknown_reasons": {"origins": "/etc/apt/apt.conf.d is unreadable"}})
        assert result["status"] == "unknown"
        # every with when_empty fail keeps its verdict: the list was expected to hold something.
        every = {"every": "origins", "when_empty": "fail", "test": {"fact": "pattern", "op": "eq", "value": "x"}}
        assert judge(every, {"origins": [], "unknown_reasons": {"origins": "unreadable"}})["status"] == "fail"

    def test_a_quantifier_without_where_or_test_asks_only_for_readable_items(self):
        every = {"every": "origins", "as": "origin", "when_empty": "pass",
                 "test": {"every": "fields", "when_empty": "pass",
                          "reasons": {"error": "an origin entry is rejected: {reasons}"}}}
        facts = {"origins": [{"fields": [{"key": "origin"}]}, {"fields": []}]}
        assert judge(every, facts)["status"] == "pass"
        facts = {"origins": [{"fields": [{"key": "origin"}]}, {"fields": None}],
                 "errors": {"origins.1.fields": "/f line 2: unknown key 'flavour'"}}
        result = judge(every, facts)
        assert result["status"] == "error" and result["reason"] == "an origin entry is rejected: /f line 2: unknown key 'flavour'"
        assert judge(every, {"origins": [{"fields": ["not an object"]}]})["status"] == "error"


def control_problems(test):
    """What the control schema says about a control whose check is this test."""
    control = {"id": "sh-3.1-test-control", "section": "3.1", "title": "A test control", "platforms": ["android"],
               "check": {"method": "mdm", "observes": "x", "test": test}, "rationale": "r" * 20, "steps": ["do it"],
               "remediation": "manual", "severity": "low", "disruption": "low"}
    return problems("control.schema.json", control)


class TestCasesReportedAndVerdict:
    """Records of different shapes judged by one control: the case whose when passes gives the test."""

    SHAPES = {
        "cases": [
            {"when": {"fact": "detail.requirements", "op": "reported"},
             "test": {"some": "detail.requirements", "as": "requirement",
                      "test": {"fact": "scope", "op": "eq", "value": "SCOPE_DEVICE"},
                      "reasons": {"fail": "no requirement guards the whole device: {reasons}",
                                  "unknown": "the requirements are not known: {reasons}"}}},
        ],
        "otherwise": {"fact": "summary", "op": "is_true",
                      "reasons": {"fail": "the MDM says the passcode does not comply",
                                  "unknown": "the MDM does not say whether the passcode complies: {reasons}"}},
    }

    def test_the_first_case_whose_when_passes_decides(self):
        facts = {"detail": {"requirements": [{"scope": "SCOPE_DEVICE"}]}, "summary": False}
        assert judge(self.SHAPES, facts, platform="android")["status"] == "pass"
        facts["detail"]["requirements"][0]["scope"] = "SCOPE_PROFILE"
        result = judge(self.SHAPES, facts, platform="android")
        assert result["status"] == "fail" and result["reason"].startswith("no requirement guards the whole device")

    def test_without_the_detail_the_otherwise_test_judges(self):
        assert judge(self.SHAPES, {"summary": True}, platform="android")["status"] == "pass"
        result = judge(self.SHAPES, {"summary": False}, platform="android")
        assert result["status"] == "fail" and result["reason"] == "the MDM says the passcode does not comply"
        result = judge(self.SHAPES, {}, platform="android")
        assert result["status"] == "unknown"  # neither shape: the otherwise test finds nothing, never a pass

    def test_a_null_with_its_reason_is_reported_and_judged_by_its_case(self):
        facts = {"detail": {"requirements": None}, "summary": True,
                 "unknown_reasons": {"detail.requirements": "the policy could not be read"}}
        result = judge(self.SHAPES, facts, platform="android")
        assert result["status"] == "unknown"
        assert result["reason"] == "the requirements are not known: the policy could not be read"
        errors = {"detail": {}, "summary": True, "errors": {"detail.requirements": "vendor field x: not a list"}}
        assert judge(self.SHAPES, errors, platform="android")["status"] == "error"
        explicit_null = {"detail": {"requirements": None}, "summary": True}
        assert judge(self.SHAPES, explicit_null, platform="android")["status"] == "unknown"

    def test_reported_alone_passes_or_fails_never_unknown(self):
        test = {"fact": "a.b", "op": "reported", "says": "the source reports b"}
        assert judge(test, {"a": {"b": None}})["status"] == "pass"
        assert judge(test, {"a": {}, "unknown_reasons": {"a.b": "not sent"}})["status"] == "pass"
        result = judge(test, {"a": {}})
        assert result["status"] == "fail" and result["reason"] == "the source reports b: not reported by desktop_info"

    def test_a_when_that_cannot_be_told_is_the_verdict(self):
        test = {"cases": [{"when": {"fact": "kind", "op": "eq", "value": "managed",
                                    "reasons": {"unknown": "the kind of device is not known: {reasons}"}},
                           "test": {"fact": "a", "op": "is_true"}}],
                "otherwise": {"fact": "b", "op": "is_true"}}
        result = judge(test, {"a": True, "b": True, "unknown_reasons": {"kind": "not sent"}})
        assert result["status"] == "unknown" and result["reason"] == "the kind of device is not known: not sent"
        assert judge(test, {"kind": 3, "a": True, "b": False})["status"] == "fail"  # 3 is not 'managed': otherwise
        assert judge(test, {"kind": "managed", "a": True, "b": False})["status"] == "pass"

    def test_cases_inside_a_quantifier_judge_the_item(self):
        test = {"every": "entries", "as": "entry", "when_empty": "pass",
                "test": {"cases": [{"when": {"fact": "reason", "op": "eq", "value": "USER_ACTION"},
                                    "test": {"verdict": "fail", "reasons": {
                                        "fail": "the user has not met {entry.field}"}}}],
                         "otherwise": {"verdict": "unknown", "reasons": {
                             "unknown": "{entry.field} is not in force ({entry.reason})"}}}}
        assert judge(test, {"entries": []})["status"] == "pass"
        pending = judge(test, {"entries": [{"field": "passwordPolicies", "reason": "PENDING"}]})
        assert pending["status"] == "unknown" and pending["reason"] == "passwordPolicies is not in force (PENDING)"
        both = judge(test, {"entries": [{"field": "passwordPolicies", "reason": "PENDING"},
                                        {"field": "passwordRequirements", "reason": "USER_ACTION"}]})
        assert both["status"] == "fail" and both["reason"] == "the user has not met passwordRequirements"
        # What the sentences read is kept, item by item.
        assert both["observed"]["entries"][1] == {"reason": "USER_ACTION", "field": "passwordRequirements"}

    def test_the_schema_takes_the_new_forms_and_refuses_a_verdict_of_pass_or_without_its_sentence(self):
        assert control_problems(self.SHAPES) == []
        assert control_problems({"verdict": "unknown", "reasons": {"unknown": "nothing says it is in force"}}) == []
        assert control_problems({"verdict": "pass", "reasons": {"pass": "always compliant"}})
        assert control_problems({"verdict": "unknown", "reasons": {"fail": "nothing says it is in force"}})
        assert control_problems({"cases": self.SHAPES["cases"]})  # otherwise is required: every record is judged

    def test_static_checks_see_inside_cases(self):
        check = {"test": {"cases": [{"when": {"fact": "a", "op": "reported"},
                                     "test": {"fact": "b", "op": "is_true", "reasons": {"fail": "{nope.x} is wrong"}}}],
                          "otherwise": {"verdict": "fail", "reasons": {"fail": "{org.missing} is not set here"}}}}
        found = check_problems(check, org_names={"key"})
        assert any("cases[0].test" in f and "nope" in f for f in found)
        assert any("otherwise" in f and "org.missing" in f for f in found)


class TestOperators:
    @pytest.mark.parametrize("observed, status", [("0700", "pass"), ("0750", "fail"), ("0705", "fail"), ("0600", "pass")])
    def test_no_bits(self, observed, status):
        assert judge({"fact": "mode", "op": "no_bits", "value": "0077"}, {"mode": observed})["status"] == status

    def test_no_bits_refuses_what_is_not_a_mode(self):
        assert judge({"fact": "mode", "op": "no_bits", "value": "0077"}, {"mode": "rwx"})["status"] == "error"
        assert judge({"fact": "mode", "op": "no_bits", "value": "0077"}, {"mode": 448})["status"] == "error"

    def test_any_in_and_contains(self):
        any_in = {"fact": "signer", "op": "any_in", "value": {"org": "signers"}}
        assert judge(any_in, {"signer": ["Someone", "Signal Messenger, LLC"]})["status"] == "pass"
        assert judge(any_in, {"signer": ["Someone"]})["status"] == "fail"
        assert judge(any_in, {"signer": "Signal Messenger, LLC"})["status"] == "error"  # a list is expected
        contains = {"fact": "keys", "op": "contains", "value": "DBA3"}
        assert judge(contains, {"keys": ["DBA3"]})["status"] == "pass"
        assert judge(contains, {"keys": []})["status"] == "fail"

    def test_same_url_compares_as_apt_does(self):
        test = {"fact": "uri", "op": "same_url", "value": "https://updates.signal.org/desktop/apt"}
        assert judge(test, {"uri": "https://UPDATES.signal.org/desktop/apt/"})["status"] == "pass"
        assert judge(test, {"uri": "https://updates.signal.org/Desktop/apt"})["status"] == "fail"  # the path is not
        assert judge(test, {"uri": "http://updates.signal.org/desktop/apt"})["status"] == "fail"
        assert judge(test, {"uri": 3})["status"] == "error"

    @pytest.mark.parametrize("observed, status", [("1", "pass"), ("12h", "pass"), ("always", "pass"), ("", "fail"),
                                                  ("1 ", "fail"), ("x1", "fail"), (1, "error")])
    def test_matches_is_a_whole_match(self, observed, status):
        test = {"fact": "value", "op": "matches", "value": "always|[0-9]+[smhd]?"}
        assert judge(test, {"value": observed})["status"] == status

    def test_matches_refuses_a_broken_expression(self):
        result = judge({"fact": "value", "op": "matches", "value": "("}, {"value": "1"})
        assert result["status"] == "error" and "not a valid regular expression" in result["reason"]

    @pytest.mark.parametrize("pattern, status", [(". xenial", "pass"), ("*xenial", "pass"), (". [wx]enial", "pass"),
                                                 (". Xenial", "fail"), (".xenial", "fail"), ("", "fail"), (3, "error")])
    def test_glob_matches_as_unattended_upgrades_does(self, pattern, status):
        test = {"fact": "pattern", "op": "glob_matches", "value": ". xenial"}
        assert judge(test, {"pattern": pattern})["status"] == status

    @pytest.mark.parametrize("regex, status", [("signal", "pass"), ("signal-.*", "pass"), ("^signal-desktop$", "pass"),
                                               ("desktop", "fail"), ("libc6$", "fail"), ("signal(", "error")])
    def test_regex_matches_at_the_start_of_the_text(self, regex, status):
        test = {"fact": "entry", "op": "regex_matches", "value": "signal-desktop"}
        assert judge(test, {"entry": regex})["status"] == status

    @pytest.mark.parametrize("address, status", [
        ("0.0.0.0", "pass"), ("127.0.1.1", "pass"), ("::", "pass"), ("::1", "pass"), ("::ffff:127.0.0.1", "pass"),
        ("0:0::0", "pass"), ("fe80::1%eth0", "fail"), ("10.1.2.3", "fail"), ("2001:db8::1", "fail"),
        ("proxy.example", "fail"), (7, "error")])
    def test_in_network(self, address, status):
        test = {"fact": "address", "op": "in_network", "value": ["0.0.0.0/32", "127.0.0.0/8", "::/128", "::1/128"]}
        assert judge(test, {"address": address})["status"] == status

    def test_in_network_refuses_what_is_not_a_network(self):
        assert judge({"fact": "a", "op": "in_network", "value": ["nowhere"]}, {"a": "10.0.0.1"})["status"] == "error"

    def test_a_written_expression_or_network_is_checked_when_the_catalogue_loads(self):
        assert check_problems({"test": {"fact": "v", "op": "matches", "value": "0+"}}) == []
        assert "not a valid regular expression" in check_problems({"test": {"fact": "v", "op": "matches", "value": "("}})[0]
        assert "networks" in check_problems({"test": {"fact": "a", "op": "in_network", "value": ["10.0.0.1/8"]}})[0]
        assert check_problems({"test": {"fact": "a", "op": "in_network", "value": {"org": "nets"}}}) == []

    @pytest.mark.parametrize("moment, status, words", [
        ("2027-01-20T00:00:00Z", "pass", "2027-01-20 is 54 days away (at least 14 required)"),
        ("2026-12-05T00:00:00Z", "fail", "2026-12-05 is 8 day(s) away, fewer than 14"),
        ("2026-11-20T00:00:00Z", "fail", "2026-11-20 passed 6 day(s) ago"),
    ])
    def test_days_left_at_least(self, moment, status, words):
        result = judge({"fact": "expires", "op": "days_left_at_least", "value": {"org": "expiry_days"}, "says": "build"},
                       {"expires": moment})
        assert result["status"] == status and result["reason"] == "build: " + words

    def test_days_left_at_least_refuses_what_is_not_a_moment(self):
        test = {"fact": "expires", "op": "days_left_at_least", "value": 14}
        assert judge(test, {"expires": "soon"})["status"] == "error"


class TestReasons:
    def test_default_reason_uses_the_words_of_says_not_the_fact_path(self):
        result = judge({"fact": "screen_lock.enabled", "op": "is_true", "says": "the screen lock is on"},
                       {"screen_lock": {"enabled": False}})
        assert result["reason"] == "the screen lock is on: no"
        assert "screen_lock.enabled" not in result["reason"]

    def test_templates_per_status_and_the_probes_reason(self):
        test = {"fact": "mode", "op": "no_bits", "value": "0077", "reasons": {
            "pass": "closed ({observed})", "fail": "{facts.path} is mode {observed}: other users can read it",
            "unknown": "the mode of {facts.path} is unknown: {reasons}"}}
        assert judge(test, {"mode": "0700", "path": "/home/a"})["reason"] == "closed (0700)"
        failing = judge(test, {"mode": "0755", "path": "/home/a/.config/Signal"})
        assert failing["reason"] == "/home/a/.config/Signal is mode 0755: other users can read it"
        assert failing["observed"] == {"mode": "0755", "path": "/home/a/.config/Signal"}
        unknown = judge(test, {"path": "/home/a", "unknown_reasons": {"mode": "a symlink, not followed"}})
        assert unknown["reason"] == "the mode of /home/a is unknown: a symlink, not followed"

    def test_composite_templates_see_the_parts_sentences(self):
        test = {"all": [{"fact": "a", "op": "is_true", "says": "A holds"}, {"fact": "b", "op": "is_true", "says": "B holds"}],
                "reasons": {"fail": "not compliant because {reasons}"}}
        assert judge(test, {"a": False, "b": True})["reason"] == "not compliant because A holds: no"

    def test_values_read_as_words(self):
        assert [text_of(v) for v in (None, True, False, ["a", "b"], [], 3, {"k": 1})] == [
            "unknown", "yes", "no", "a, b", "none", "3", '{"k": 1}']

    def test_a_template_reads_nothing_it_is_not_given(self):
        assert Template("{reasons} and {org.key}").render({"reasons": "r"}, {}, type("R", (), {"org": {}})()) == (
            "r and unknown")


class TestStaticChecks:
    def test_unknown_names_and_org_values_are_refused(self):
        check = {"test": {"every": "signal.installs", "as": "install",
                          "test": {"fact": "kind", "op": "eq", "value": "deb",
                                   "reasons": {"fail": "{instal.path} is {observed} {org.nope} {observed.x} {facts}"}}}}
        found = check_problems(check, org_names={"key"})
        assert any("instal" in f for f in found)
        assert any("org.nope" in f for f in found)
        assert any("observed takes no path" in f for f in found)
        assert any("{facts} needs a path" in f for f in found)

    def test_a_name_outside_its_quantifier_is_refused(self):
        check = {"test": {"all": [{"every": "a", "as": "app", "test": {"fact": "x", "op": "is_true"}},
                                  {"fact": "y", "op": "is_true", "reasons": {"fail": "{app.path} is wrong"}}]}}
        assert check_problems(check) and "app is not a quantifier name bound here" in check_problems(check)[0]

    def test_shadowing_names_and_unbound_fact_references_are_refused(self):
        nested = {"test": {"every": "a", "as": "x", "test": {"every": "b", "as": "x", "test": {"fact": "c", "op": "is_true"}}}}
        assert check_problems(nested)
        reserved = {"test": {"every": "a", "as": "org", "test": {"fact": "c", "op": "is_true"}}}
        assert check_problems(reserved)
        unbound = {"test": {"fact": "c", "op": "eq", "value": {"fact": "install.version"}}}
        assert check_problems(unbound)
        assert check_problems({"test": {"fact": "c", "op": "eq", "value": {"fact": "facts.signal.version"}}}) == []

    def test_braces_that_are_not_placeholders_are_refused(self):
        assert check_problems({"test": {"fact": "c", "op": "is_true", "reasons": {"fail": "oops {Bad} here"}}})
