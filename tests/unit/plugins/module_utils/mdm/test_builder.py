# -*- coding: utf-8 -*-
"""The one record builder every vendor client uses: values, reasons and errors follow the same rules everywhere."""

from __future__ import annotations

from ansible_collections.hardening.signal.plugins.module_utils.mdm.builder import RecordBuilder


def test_a_value_keeps_the_vendor_field_it_came_from():
    record = RecordBuilder("d1", "ios", "mobileDeviceId", "deviceType")
    record.put("signal.version", "7.85", "applications[identifier=org.whispersystems.signal].shortVersion")
    data, problems = record.done()
    assert data["signal"] == {"version": "7.85"}
    assert data["raw_fields"] == {"id": "mobileDeviceId", "platform": "deviceType",
                                  "signal.version": "applications[identifier=org.whispersystems.signal].shortVersion"}
    assert problems == []


def test_an_unknown_value_is_null_with_its_reason_and_a_later_reason_replaces_it():
    record = RecordBuilder("d1", "android", "devices.name")
    record.unknown("last_boot", "no power events")
    record.unknown("last_boot", "work profile: not reported", "powerManagementEvents")
    data, dummy = record.done()
    assert data["last_boot"] is None
    assert data["unknown_reasons"] == {"last_boot": "work profile: not reported"}
    assert data["raw_fields"]["last_boot"] == "powerManagementEvents"


def test_an_error_leaves_no_value_and_no_reason_and_is_listed_once():
    record = RecordBuilder("d1", "ios", "id")
    record.put("signal.installed", True, "applications")
    record.unknown("signal.version", "not listed")
    record.error("signal.installed", "vendor field applications: expected a list")
    record.error("signal.version", "vendor field version: 7 is not a string")
    record.error("signal.version", "vendor field version: 7 is not a string")
    record.error("signal.version", "vendor field shortVersion: 'x' is not a version")
    record.error("model", "vendor field hardware: expected an object")
    data, problems = record.done()
    assert data["signal"] == {"installed": None, "version": None}  # a value already placed becomes null
    assert "model" not in data  # nothing is created for a value never placed
    assert data["unknown_reasons"] == {}
    assert data["errors"]["signal.version"] == ("vendor field version: 7 is not a string; "
                                                "vendor field shortVersion: 'x' is not a version")
    assert [path for path, dummy in problems] == ["signal.installed", "signal.version", "model"]
    assert dict(problems)["signal.version"] == data["errors"]["signal.version"]


def test_a_problem_in_shared_data_stays_on_the_record_and_is_not_listed():
    record = RecordBuilder("d1", "ios", "id")
    record.error("screen_lock.max_inactivity_minutes", "vendor field deviceConfigurations 'Lock': -1", shared=True)
    data, problems = record.done()
    assert data["errors"] == {"screen_lock.max_inactivity_minutes": "vendor field deviceConfigurations 'Lock': -1"}
    assert problems == []


def test_typed_values_are_placed_when_of_their_type_and_are_errors_otherwise():
    record = RecordBuilder("d1", "ios", "id")
    assert record.put_string("name", "Ana's iPhone", "general.displayName") == "Ana's iPhone"
    assert record.put_string("model", "", "hardware.model") is None  # empty: left out, no error
    assert record.put_string("serial", 42, "hardware.serialNumber") is None
    assert record.put_bool("supervised", False, "general.supervised") is False
    assert record.put_bool("screen_lock.passcode_present", None, "security.passcodePresent") is None
    assert record.put_bool("screen_lock.passcode_compliant", "yes", "security.passcodeCompliant") is None
    record.put_version("signal.version", " 7.85.1 ", "applications[0].shortVersion")
    record.put_version("os_version", "eighteen", "general.osVersion")
    data, problems = record.done()
    assert data["name"] == "Ana's iPhone" and data["supervised"] is False and data["signal"] == {"version": "7.85.1"}
    assert "model" not in data and "passcode_present" not in data.get("screen_lock", {})
    assert data["raw_fields"]["signal.version"] == "applications[0].shortVersion"
    assert dict(problems) == {
        "serial": "vendor field hardware.serialNumber: expected a string, got int 42",
        "screen_lock.passcode_compliant": "vendor field security.passcodeCompliant: expected true or false, got str 'yes'",
        "os_version": "vendor field general.osVersion: 'eighteen' is not a dotted version number"}


def test_an_owner_upn_is_kept_only_in_the_user_at_domain_form():
    record = RecordBuilder("d1", "ios", "id")
    assert record.put_upn("ana.lima", "userAndLocation.username") is None  # a bare account name: left out
    assert "owner" not in record.data and "owner.upn" not in record.raw_fields
    assert record.put_upn("ana@example.org", "userAndLocation.username") == "ana@example.org"
    assert record.put_upn(7, "Devices[].UserName") is None
    data, problems = record.done()
    assert data["owner"] == {"upn": None} and data["raw_fields"]["owner.upn"] == "userAndLocation.username"
    assert problems == [("owner.upn", "vendor field Devices[].UserName: expected a string, got int 7")]
