# -*- coding: utf-8 -*-
"""sh-3.7-mobile-passcode judged on what the vendor normalisers make of vendor dicts: the client observes, the
control judges, and together they give the outcomes the clients' own passcode verdict gave before it moved here
(True -> pass, False -> fail, None -> unknown).

No HTTP here: the normalisers are pure functions (vendor dict -> phone record); their HTTP side is tested with the
fake vendor APIs in tests/unit/plugins/module_utils/mdm/."""

from __future__ import annotations

import copy

import pytest

from ansible_collections.hardening.signal.plugins.module_utils.mdm import android_management_records as amapi
from ansible_collections.hardening.signal.plugins.module_utils.mdm import jamf_records
from ansible_collections.hardening.signal.plugins.module_utils.schema_validation import problems
from ansible_collections.hardening.signal.tests.unit.controls.test_control_fixtures import judge
from tests.fakes.android_management_api import load_example, password_requirement, with_fields, work_profile
from tests.fakes.jamf_api import example_devices as jamf_example_devices
from tests.fakes.jamf_api import make_device as jamf_device

CONTROL = "sh-3.7-mobile-passcode"
POLICY = "enterprises/LC03w1x2y3/policies/p1"


def android_device(**fields):
    """A fully managed company phone with Signal, a passcode, and a compliant policy; fields override (None drops)."""
    device = {"name": "enterprises/LC03w1x2y3/devices/x1", "managementMode": "DEVICE_OWNER",
              "ownership": "COMPANY_OWNED", "policyCompliant": True, "appliedPolicyName": POLICY,
              "deviceSettings": {"isDeviceSecure": True},
              "applicationReports": [{"packageName": amapi.SIGNAL_PACKAGE, "versionName": "7.80.2",
                                      "state": "INSTALLED", "installerPackageName": "com.android.vending"}]}
    return with_fields(device, fields)


def android_policy(**fields):
    policy = {"name": POLICY, "version": "1",
              "passwordPolicies": [{"passwordQuality": "NUMERIC_COMPLEX", "passwordMinimumLength": 6}]}
    return with_fields(policy, fields)


def android_verdict(device, policy=None, org=None):
    policies = amapi.PolicyTable({POLICY: policy if policy is not None else android_policy()})
    pulled = amapi.normalize(device, "devices page 1 item 1", policies)
    assert problems("mobile_device.schema.json", pulled.record) == []
    case = {"platform": "android", "facts": pulled.record, "org": org or {}}
    return judge(CONTROL, case), pulled.record


def jamf_verdict(device):
    pulled = jamf_records.normalize(device, "results[0]")
    assert problems("mobile_device.schema.json", pulled.record) == []
    return judge(CONTROL, {"platform": "ios", "facts": pulled.record}), pulled.record


# --- Android: the cases the client's own _passcode_compliant decided ------------------------------------------------

@pytest.mark.parametrize("fields, status, words", [
    ({}, "pass", "guards the lock in front of Signal"),
    ({"policyCompliant": False, "nonComplianceDetails": [{"settingName": "passwordPolicies",
                                                          "nonComplianceReason": "USER_ACTION"}]},
     "fail", "has to set a passcode that meets it"),
    ({"policyCompliant": False, "nonComplianceDetails": [{"settingName": "cameraDisabled",
                                                          "nonComplianceReason": "API_LEVEL"}]}, "pass", ""),
    ({"policyCompliant": False, "nonComplianceDetails": [{"settingName": "passwordPolicies",
                                                          "nonComplianceReason": "PENDING"}]}, "unknown", "PENDING"),
    ({"policyCompliant": False, "nonComplianceDetails": [{"fieldPath": "passwordRequirements.passwordMinimumLength",
                                                          "nonComplianceReason": "MANAGEMENT_MODE"}]},
     "unknown", "MANAGEMENT_MODE"),
    ({"policyCompliant": None}, "unknown", "neither"),
])
def test_only_the_password_entries_of_the_non_compliance_report_decide(fields, status, words):
    result, _record = android_verdict(android_device(**fields))
    assert result["status"] == status, result
    assert words in result["reason"]


def test_no_password_requirement_is_unknown_and_the_devices_applied_ones_count():
    result, record = android_verdict(android_device(), android_policy(passwordPolicies=None))
    assert result["status"] == "unknown" and "nothing for the passcode to comply with" in result["reason"]
    assert record["screen_lock"]["password_requirements"] == []
    applied = [{"passwordQuality": "ALPHANUMERIC", "passwordScope": "SCOPE_DEVICE"}]
    result, record = android_verdict(android_device(appliedPasswordPolicies=applied),
                                     android_policy(passwordPolicies=None))
    assert result["status"] == "pass"
    assert result["evidence"]["raw_fields"]["screen_lock.password_requirements"] == "appliedPasswordPolicies"


@pytest.mark.parametrize("scope, status", [("SCOPE_DEVICE", "pass"), ("SCOPE_PROFILE", "unknown"), (None, "unknown")])
def test_a_work_profile_needs_a_device_wide_requirement_unless_signal_is_in_it(scope, status):
    requirement = password_requirement(scope)
    personal = android_device(**work_profile())
    result, record = android_verdict(personal, android_policy(passwordPolicies=[requirement]),
                                     org={"require_signal_on_phones": True})
    assert record["signal"]["visible"] is False and record["work_profile"] is True
    assert result["status"] == status, result
    if status == "unknown":
        assert "personal side" in result["reason"]
    # Signal in the work profile: the work profile's own requirement guards it.
    in_profile = dict(personal, applicationReports=android_device()["applicationReports"])
    result, _record = android_verdict(in_profile, android_policy(passwordPolicies=[requirement]))
    assert result["status"] == "pass"


def test_no_passcode_on_the_device_fails():
    result, _record = android_verdict(android_device(deviceSettings={"isDeviceSecure": False}))
    assert result["status"] == "fail" and "no passcode" in result["reason"]


def test_a_policy_that_cannot_be_read_leaves_the_requirements_unknown():
    pulled = amapi.normalize(android_device(), "x", amapi.PolicyTable({}))
    result = judge(CONTROL, {"platform": "android", "facts": pulled.record})
    assert result["status"] == "unknown" and "is not known" in result["reason"]


def test_a_malformed_non_compliance_report_is_an_error_naming_the_field():
    result, record = android_verdict(android_device(nonComplianceDetails=[{"settingName": "cameraDisabled"}, "junk"]))
    assert result["status"] == "error" and "nonComplianceDetails[1]" in result["reason"]
    assert "policy_compliance.password_noncompliance" in record["errors"]


# --- iPhone through Jamf Pro: Apple's two flags --------------------------------------------------------------------

@pytest.mark.parametrize("security, status", [
    ({"passcodePresent": True, "passcodeCompliant": True, "passcodeCompliantWithProfile": True}, "pass"),
    ({"passcodePresent": True, "passcodeCompliant": False, "passcodeCompliantWithProfile": False}, "fail"),
    ({"passcodePresent": True, "passcodeCompliant": True, "passcodeCompliantWithProfile": False}, "fail"),
    ({"passcodePresent": False, "passcodeCompliant": False, "passcodeCompliantWithProfile": False}, "fail"),
    # One flag alone is not enough to call the passcode compliant.
    ({"passcodePresent": True, "passcodeCompliant": True}, "unknown"),
    ({"passcodePresent": True, "passcodeCompliantWithProfile": True}, "unknown"),
    ({"passcodePresent": True, "passcodeCompliant": True, "passcodeCompliantWithProfile": "yes"}, "error"),
    (None, "unknown"),
    ("locked", "error"),
])
def test_jamf_both_flags_must_say_compliant(security, status):
    device = jamf_device(7)
    if security is None:
        del device["security"]
    else:
        device["security"] = copy.deepcopy(security)
    result, _record = jamf_verdict(device)
    assert result["status"] == status, result


# --- the bundled samples, as the clients read them --------------------------------------------------------------------

def test_the_android_sample_devices_get_the_outcomes_they_always_had():
    devices, policies = load_example()
    table = amapi.PolicyTable(policies)
    statuses = {}
    for device in devices:
        pulled = amapi.normalize(device, "sample", table)
        statuses[device["name"].rsplit("/", 1)[1]] = judge(CONTROL, {
            "platform": "android", "facts": pulled.record, "org": {"require_signal_on_phones": True}})["status"]
    assert statuses == {
        "3f2a9c1d5e7b4a60": "pass",     # carla: a device-wide requirement, compliant
        "8c41e07a92d3b5f1": "fail",     # dmitri: no passcode, USER_ACTION
        "b7d05e3c1a9f2864": "unknown",  # aiko: no password requirement in the policy
        "e19a6b2d70c4f358": "unknown",  # lena: work profile, Signal not in it, SCOPE_PROFILE only
        "5a0c7f3e8b21d946": "pass",     # omar: Signal in the work profile
        "0d9e4b6a3c58f172": "unknown",  # the kiosk: isDeviceSecure not reported
    }


def test_the_jamf_sample_devices_get_the_outcomes_they_always_had():
    statuses = {}
    for device in jamf_example_devices():
        pulled = jamf_records.normalize(device, "sample")
        if getattr(pulled, "record", None) is not None:  # the Apple TV is no phone
            statuses[device["mobileDeviceId"]] = judge(CONTROL, {"platform": "ios", "facts": pulled.record})["status"]
    assert statuses == {"101": "pass", "102": "fail", "103": "not_applicable", "104": "unknown", "105": "error"}
