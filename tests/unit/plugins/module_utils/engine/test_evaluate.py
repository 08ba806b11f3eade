# -*- coding: utf-8 -*-
"""The engine's semantics, on small hand-written controls."""

from __future__ import annotations

import datetime

import pytest

from ansible_collections.hardening.signal.plugins.module_utils.engine.attestations import normalize_attestations
from ansible_collections.hardening.signal.plugins.module_utils.engine.evaluate import COLLECTION_CONTROL, Evaluator
from ansible_collections.hardening.signal.plugins.module_utils.engine.versions import minor_releases_behind, parse_version
from ansible_collections.hardening.signal.plugins.module_utils.engine.waivers import normalize_waivers

NOW = datetime.datetime(2026, 11, 26, 12, 0, tzinfo=datetime.timezone.utc)
ORG = {"screen_lock_timeout_minutes": 5, "disappearing_messages_timer_days": 7, "reboot_interval_hours": 24,
       "max_minor_versions_behind": 2, "require_signal_on_phones": False}


def control(test, platforms=("linux",), method="host", applies_when=None, cid="sh-3.7-test-control"):
    check = {"method": method, "observes": "x", "test": test}
    if applies_when is not None:
        check["applies_when"] = applies_when
    return {"id": cid, "section": "3.7", "title": "A test control", "platforms": list(platforms), "check": check,
            "rationale": "r" * 20, "steps": ["do it"], "remediation": "manual", "severity": "low", "disruption": "low"}


def attest_control(cid="sh-3.5-registration-lock", validity=90):
    return {"id": cid, "section": "3.5", "title": "Registration lock", "platforms": ["ios"],
            "check": {"method": "attestation", "observes": "x", "question": "Is it on?", "validity_days": validity},
            "rationale": "r" * 20, "steps": ["do it"], "remediation": "manual", "severity": "high", "disruption": "low"}


def subject(facts, platform="linux", owner=None, **extra):
    base = {"id": "host1", "kind": "workstation", "platform": platform, "owner": owner,
            "source": {"type": "ansible", "name": "desktop_info"}, "state": "ok", "facts": facts}
    base.update(extra)
    return base


def one(controls, facts, org=None, **kwargs):
    platform = kwargs.pop("platform", "linux")
    owner = kwargs.pop("owner", None)
    results = Evaluator(controls, org or ORG, now=NOW, **kwargs).evaluate(subject(facts, platform=platform, owner=owner))
    assert len(results) == 1
    return results[0]


LOCK = {"fact": "screen_lock.idle_delay_seconds", "op": "lte", "value": {"org": "screen_lock_timeout_minutes", "scale": 60}}


def test_organisation_value_with_scale_decides_both_ways():
    assert one([control(LOCK)], {"screen_lock": {"idle_delay_seconds": 300}})["status"] == "pass"
    assert one([control(LOCK)], {"screen_lock": {"idle_delay_seconds": 301}})["status"] == "fail"
    org = dict(ORG, screen_lock_timeout_minutes=10)
    result = one([control(LOCK)], {"screen_lock": {"idle_delay_seconds": 301}}, org=org)
    assert result["status"] == "pass" and result["expected"] == 600
    assert result["observed"] == {"screen_lock.idle_delay_seconds": 301}


def test_missing_fact_is_unknown_with_the_probes_reason_never_pass():
    result = one([control(LOCK)], {"unknown_reasons": {"screen_lock": "no supported desktop environment"}})
    assert result["status"] == "unknown"
    assert "no supported desktop environment" in result["reason"]
    result = one([control(LOCK)], {})
    assert result["status"] == "unknown" and "not reported by desktop_info" in result["reason"]


def test_malformed_input_is_error_naming_the_field():
    result = one([control(LOCK)], {"errors": {"screen_lock.idle_delay_seconds": "/etc/dconf/db/local.d/00: bad uint32"}})
    assert result["status"] == "error" and "/etc/dconf/db/local.d/00" in result["reason"]
    result = one([control(LOCK)], {"screen_lock": {"idle_delay_seconds": "300"}})
    assert result["status"] == "error" and "expected a number" in result["reason"]
    result = one([control({"fact": "screen_lock.enabled", "op": "is_true"})], {"screen_lock": {"enabled": "yes"}})
    assert result["status"] == "error"


def test_all_fail_beats_unknown_and_any_pass_beats_unknown():
    both = {"all": [{"fact": "a", "op": "is_true"}, {"fact": "b", "op": "is_true"}]}
    assert one([control(both)], {"a": False})["status"] == "fail"
    assert one([control(both)], {"a": True})["status"] == "unknown"
    assert one([control(both)], {"a": True, "b": True})["status"] == "pass"
    either = {"any": [{"fact": "a", "op": "is_true"}, {"fact": "b", "op": "is_true"}]}
    assert one([control(either)], {"b": True})["status"] == "pass"
    assert one([control(either)], {"a": False})["status"] == "unknown"
    assert one([control(either)], {"a": False, "b": False})["status"] == "fail"


def test_unknown_values_give_unknown_with_the_controls_reason():
    test = {"fact": "policy", "op": "in", "value": ["always"], "unknown_values": ["user_choice"], "unknown_reason": "left to the user"}
    result = one([control(test)], {"policy": "user_choice"})
    assert result["status"] == "unknown" and "left to the user" in result["reason"]
    assert one([control(test)], {"policy": "never"})["status"] == "fail"


def test_applies_when_false_is_not_applicable_and_missing_is_unknown():
    ctl = control(LOCK, applies_when={"fact": "signal.installed", "op": "is_true"})
    assert one([ctl], {"signal": {"installed": False}})["status"] == "not_applicable"
    assert one([ctl], {})["status"] == "unknown"
    either = {"any_of": [{"fact": "signal.installed", "op": "is_true"}, {"org": "require_signal_on_phones", "op": "is_true"}]}
    org_ctl = control(LOCK, applies_when=either)
    facts = {"signal": {"installed": False}, "screen_lock": {"idle_delay_seconds": 900}}
    assert one([org_ctl], facts)["status"] == "not_applicable"
    assert one([org_ctl], facts, org=dict(ORG, require_signal_on_phones=True))["status"] == "fail"


def test_a_malformed_field_that_decides_whether_a_control_applies_is_error_naming_it():
    ctl = control(LOCK, applies_when={"fact": "signal.installed", "op": "is_true"})
    # The record reader dropped signal.installed ("yes" is not a boolean) and explained it in errors.
    malformed = {"errors": {"signal.installed": "malformed in the source record: 'yes' is not of type 'boolean'"},
                 "screen_lock": {"idle_delay_seconds": 60}}
    result = one([ctl], malformed)
    assert result["status"] == "error"
    assert result["reason"] == ("cannot tell whether it applies, as a value it depends on is malformed: signal.installed: "
                                "malformed in the source record: 'yes' is not of type 'boolean'")
    # Merely not reported stays unknown; a wrongly typed value the operator meets is error too.
    assert one([ctl], {"screen_lock": {"idle_delay_seconds": 60}})["status"] == "unknown"
    typed = control(LOCK, applies_when={"fact": "signal.installed", "op": "is_true"})
    assert one([typed], {"signal": {"installed": "yes"}, "screen_lock": {"idle_delay_seconds": 60}})["status"] == "error"


def test_a_malformed_condition_part_outweighs_an_unknown_one_but_not_a_decisive_one():
    installed = {"fact": "signal.installed", "op": "is_true"}
    visible = {"fact": "signal.visible", "op": "is_true"}
    malformed = {"errors": {"signal.installed": "malformed in the source record: bad"}, "screen_lock": {"idle_delay_seconds": 60}}
    either = control(LOCK, applies_when={"any_of": [visible, installed]})
    both = control(LOCK, applies_when={"all_of": [visible, installed]})
    assert one([either], malformed)["status"] == "error"           # visible unknown, installed malformed
    assert one([both], malformed)["status"] == "error"
    assert one([either], dict(malformed, signal={"visible": True}))["status"] == "pass"  # applies anyway
    assert one([both], dict(malformed, signal={"visible": False}))["status"] == "not_applicable"  # cannot apply
    required = control(LOCK, applies_when={"any_of": [installed, {"org": "require_signal_on_phones", "op": "is_true"}]})
    assert one([required], malformed, org=dict(ORG, require_signal_on_phones=True))["status"] == "pass"


def test_a_malformed_applicability_is_never_waived():
    ctl = control(LOCK, applies_when={"fact": "signal.installed", "op": "is_true"})
    waivers, errors = normalize_waivers([{"id": "W1", "control": ctl["id"], "scope": {"platforms": ["linux"]},
                                          "owner": "ciso", "justification": "j", "expires": "2027-01-01"}])
    assert errors == []
    result = one([ctl], {"errors": {"signal.installed": "malformed in the source record: bad"}}, waivers=waivers)
    assert result["status"] == "error"


def test_controls_apply_by_platform_only():
    ctl = control(LOCK, platforms=("macos",))
    assert Evaluator([ctl], ORG, now=NOW).evaluate(subject({}, platform="linux")) == []


def test_version_current_against_newest_of_the_subjects_platform():
    ctl = control({"fact": "signal.version", "op": "version_current"}, platforms=("android",))
    context = {"newest_versions": {"android": "7.80.2"}}
    assert one([ctl], {"signal": {"version": "7.78.0"}}, platform="android", context=context)["status"] == "pass"
    assert one([ctl], {"signal": {"version": "7.77.9"}}, platform="android", context=context)["status"] == "fail"
    assert one([ctl], {"signal": {"version": "6.99.0"}}, platform="android", context=context)["status"] == "fail"
    assert one([ctl], {"signal": {"version": "7.90.0"}}, platform="android", context=context)["status"] == "pass"
    result = one([ctl], {"signal": {"version": "7.80.2"}}, platform="android")
    assert result["status"] == "unknown" and "newest official version" in result["reason"]
    assert one([ctl], {"signal": {"version": "seven"}}, platform="android", context=context)["status"] == "error"


def test_version_parsing():
    assert parse_version("7.80.1-beta.2") == (7, 80, 1)
    assert parse_version("7.85") == (7, 85, 0)
    assert parse_version("beta") is None
    assert minor_releases_behind((7, 78, 0), (7, 80, 2)) == 2
    assert minor_releases_behind((6, 48, 0), (7, 1, 0)) is None
    assert minor_releases_behind((7, 81, 0), (7, 80, 2)) == 0


def test_within_hours_uses_the_given_now():
    ctl = control({"fact": "last_boot", "op": "within_hours", "value": {"org": "reboot_interval_hours"}}, platforms=("android",))
    assert one([ctl], {"last_boot": "2026-11-25T12:00:00Z"}, platform="android")["status"] == "pass"
    assert one([ctl], {"last_boot": "2026-11-25T11:59:00Z"}, platform="android")["status"] == "fail"
    assert one([ctl], {"last_boot": "2026-12-25T11:59:00Z"}, platform="android")["status"] == "error"
    assert one([ctl], {"last_boot": "yesterday"}, platform="android")["status"] == "error"


def test_subject_without_data_is_one_error_result():
    evaluator = Evaluator([control(LOCK)], ORG, now=NOW)
    results = evaluator.evaluate(subject(None, platform="unknown", state="unreachable", error="ssh: timeout"))
    assert results == [{"control": COLLECTION_CONTROL, "status": "error",
                        "reason": "no data collected (unreachable): ssh: timeout"}]


def test_raw_fields_become_evidence():
    result = one([control(LOCK)], {"screen_lock": {"idle_delay_seconds": 60},
                                   "raw_fields": {"screen_lock.idle_delay_seconds": "policy.maximumTimeToLock"}})
    assert result["evidence"]["raw_fields"] == {"screen_lock.idle_delay_seconds": "policy.maximumTimeToLock"}


def test_engine_refuses_to_read_a_clock():
    with pytest.raises(ValueError):
        Evaluator([], ORG)


class TestAttestations:
    def judge(self, records, owner="alice@example.org", validity=90):
        valid, errors = normalize_attestations(records)
        assert not errors
        return one([attest_control(validity=validity)], {}, platform="ios", owner=owner, attestations=valid)

    def test_without_attestation_it_is_manual_never_pass(self):
        assert self.judge([])["status"] == "manual"

    def test_without_owner_it_is_unknown(self):
        assert self.judge([], owner=None)["status"] == "unknown"

    def test_yes_passes_no_fails_and_the_newest_counts(self):
        yes = {"owner": "Alice@Example.org", "control": "sh-3.5-registration-lock", "answer": "yes", "date": "2026-11-01"}
        no = dict(yes, answer="no", date="2026-11-20")
        result = self.judge([yes])
        assert result["status"] == "pass" and result["evidence"]["attestation"]["by"] == "Alice@Example.org"
        assert self.judge([yes, no])["status"] == "fail"
        assert self.judge([no, yes])["status"] == "fail"

    def test_expired_is_manual_and_says_so(self):
        old = {"owner": "alice@example.org", "control": "sh-3.5-registration-lock", "answer": "yes", "date": "2026-08-01"}
        result = self.judge([old], validity=90)
        assert result["status"] == "manual" and "expired on 2026-10-30" in result["reason"]

    def test_future_date_is_error(self):
        future = {"owner": "alice@example.org", "control": "sh-3.5-registration-lock", "answer": "yes", "date": "2027-01-01"}
        assert self.judge([future])["status"] == "error"

    def answer(self, answer, date, **extra):
        return dict({"owner": "alice@example.org", "control": "sh-3.5-registration-lock", "answer": answer,
                     "date": date}, **extra)

    def test_the_time_is_kept_and_a_later_no_the_same_day_counts(self):
        # The bug this guards against: the "no" was refused as a duplicate because times were cut to the day.
        yes, no = self.answer("yes", "2026-11-20T09:00Z"), self.answer("no", "2026-11-20T17:00:00Z")
        for order in ([yes, no], [no, yes]):
            result = self.judge(order)
            assert result["status"] == "fail"
            assert result["reason"] == "alice@example.org answered no at 2026-11-20T17:00:00Z (valid until 2027-02-18)"
        assert self.judge([self.answer("no", "2026-11-20T09:00Z"), self.answer("yes", "2026-11-20T17:00Z")])["status"] == "pass"

    def test_different_answers_at_the_same_moment_conflict_and_fail_naming_both(self):
        result = self.judge([self.answer("yes", "2026-11-20T09:00Z"), self.answer("no", "2026-11-20T10:00:00+01:00")])
        assert result["status"] == "fail" and result["observed"] == "yes and no"
        assert result["reason"].startswith("the answers conflict: ")
        assert "attestations[0]" in result["reason"] and "attestations[1]" in result["reason"]
        assert [c["answer"] for c in result["evidence"]["attestation"]["conflicts_with"]] == ["yes"]

    def test_a_date_alone_covers_its_day_a_timed_answer_that_day_cannot_be_ordered_against_it(self):
        day_yes, day_no = self.answer("yes", "2026-11-20"), self.answer("no", "2026-11-20")
        assert self.judge([day_yes, self.answer("no", "2026-11-20T17:00Z")])["status"] == "fail"   # the no is not lost
        assert self.judge([day_no, self.answer("yes", "2026-11-20T17:00Z")])["status"] == "fail"   # never a pass
        assert self.judge([day_no, day_yes])["reason"].startswith("the answers conflict")
        assert self.judge([day_yes, self.answer("yes", "2026-11-20T17:00Z")])["status"] == "pass"  # they agree
        # The next day is clearly later, both ways.
        assert self.judge([day_no, self.answer("yes", "2026-11-21T00:00Z")])["status"] == "pass"
        assert self.judge([day_yes, self.answer("no", "2026-11-21T00:00Z")])["status"] == "fail"
        assert self.judge([self.answer("no", "2026-11-19T23:59:59Z"), day_yes])["status"] == "pass"

    def test_a_timed_answer_after_the_evaluation_time_is_error_even_the_same_day(self):
        result = self.judge([self.answer("yes", "2026-11-26T12:05:00Z")])
        assert result["status"] == "error" and "after the evaluation time 2026-11-26T12:00:00Z" in result["reason"]
        assert self.judge([self.answer("yes", "2026-11-26T11:55:00Z")])["status"] == "pass"
        assert self.judge([self.answer("yes", "2026-11-26")])["status"] == "pass"  # the start of today

    def test_malformed_records_are_reported_with_field(self):
        valid, errors = normalize_attestations([{"owner": "a", "control": "c", "answer": "maybe", "date": "2026-01-01"},
                                                {"owner": "a", "control": "c", "answer": "yes", "date": "1 Jan"},
                                                "text"])
        assert valid == []
        assert [(e["record"], e["field"]) for e in errors] == [("attestations[0]", "answer"), ("attestations[1]", "date"),
                                                               ("attestations[2]", None)]


class TestWaivers:
    WAIVER = {"id": "W1", "control": "sh-3.7-test-control", "owner": "ciso", "justification": "kiosk",
              "ticket": "T-1", "expires": "2026-12-31", "scope": {"subjects": ["host1"]}}

    def judge(self, waiver, facts):
        valid, errors = normalize_waivers([waiver])
        assert not errors
        return one([control(LOCK)], facts, waivers=valid)

    def test_waived_keeps_the_underlying_status_and_is_not_pass(self):
        result = self.judge(self.WAIVER, {"screen_lock": {"idle_delay_seconds": 900}})
        assert result["status"] == "waived"
        assert result["evidence"]["underlying_status"] == "fail"
        assert result["evidence"]["waiver"]["ticket"] == "T-1"

    def test_pass_and_error_are_not_waived(self):
        assert self.judge(self.WAIVER, {"screen_lock": {"idle_delay_seconds": 60}})["status"] == "pass"
        assert self.judge(self.WAIVER, {"screen_lock": {"idle_delay_seconds": "x"}})["status"] == "error"

    def test_expired_waiver_does_not_apply_and_is_named(self):
        result = self.judge(dict(self.WAIVER, expires="2026-11-25"), {"screen_lock": {"idle_delay_seconds": 900}})
        assert result["status"] == "fail" and "waiver W1 expired on 2026-11-25" in result["reason"]

    def test_out_of_scope_subject_is_not_waived(self):
        waiver = dict(self.WAIVER, scope={"subjects": ["host2"]})
        assert self.judge(waiver, {"screen_lock": {"idle_delay_seconds": 900}})["status"] == "fail"

    def test_malformed_waivers_are_reported_with_field(self):
        bad = [dict(self.WAIVER, expires="soon"), dict(self.WAIVER, scope={"hosts": ["x"]}), dict(self.WAIVER, justification="")]
        errors = normalize_waivers(bad)[1]
        assert [e["field"] for e in errors] == ["expires", "scope", "justification"]
