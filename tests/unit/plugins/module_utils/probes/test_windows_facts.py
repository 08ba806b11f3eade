# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Windows decisions made in Python from win_desktop_info's raw output.

data/windows_*.json are module results written the way Ansible.Basic on
Windows PowerShell prints them (compact JSON, JavaScriptSerializer escapes).
No Windows host has produced them: they record the shape the module returns.
"""
from __future__ import annotations

import datetime
import json
import os

import pytest

from ansible_collections.hardening.signal.plugins.module_utils.catalog.load import load_catalog, load_values, values_with_org
from ansible_collections.hardening.signal.plugins.module_utils.engine.evaluate import Evaluator
from ansible_collections.hardening.signal.plugins.module_utils.fleet.subjects import workstation_subject
from ansible_collections.hardening.signal.plugins.module_utils.probes import desktop_facts, windows_facts
from ansible_collections.hardening.signal.plugins.module_utils.schema_validation import problems

DATA = os.path.join(os.path.dirname(__file__), "data")
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(__file__))))))
CONTROLS = os.path.join(ROOT, "roles", "signal_hardening", "controls")
RECORDINGS = ["windows_compliant.json", "windows_noncompliant.json", "windows_user_policy.json",
              "windows_not_logged_on.json", "windows_no_signal.json"]
ORG = {"screen_lock_timeout_minutes": 5, "disappearing_messages_timer_days": 7, "reboot_interval_hours": 24,
       "max_minor_versions_behind": 2, "require_signal_on_phones": False}


def recorded(name):
    with open(os.path.join(DATA, name), encoding="utf-8") as handle:
        return json.load(handle)


def facts(name):
    return windows_facts.facts_from_raw(recorded(name)["windows_raw"])


@pytest.mark.parametrize("name", RECORDINGS)
def test_every_recording_gives_schema_valid_facts_with_a_reason_for_each_null(name):
    doc = facts(name)
    assert problems("desktop_facts.schema.json", doc) == []
    assert doc["platform"] == "windows"
    assert desktop_facts.missing_reasons(doc) == []


def test_compliant_host_by_machine_policy():
    doc = facts("windows_compliant.json")
    assert doc["signal"]["installed"] is True and doc["signal"]["version"] == "7.80.0"
    assert doc["signal"]["installs"] == [{
        "kind": "windows_user", "path": "C:\\Users\\alice\\AppData\\Local\\Programs\\signal-desktop",
        "user": "CONTOSO\\alice", "version": "7.80.0", "build_expires": "2027-02-01T09:30:00Z",
        "signature": {"status": "Valid", "signer_name": "Signal Messenger, LLC",
                      "signer_subject": 'CN="Signal Messenger, LLC", O="Signal Messenger, LLC", L=Mountain View, '
                                        'S=California, C=US'}}]
    assert doc["screen_lock"] == {"enabled": True, "idle_delay_seconds": 300, "lock_delay_seconds": 0,
                                  "locked_by_admin": True, "source": "policy: " + windows_facts.MACHINE_LIMIT}
    assert doc["lockscreen_notifications"]["hides_content"] is True
    assert doc["update"] == {"hosts_entries": [], "unattended_upgrades": None}  # no proxies: not read on Windows
    assert "Linux only" in doc["unknown_reasons"]["update.unattended_upgrades"]
    assert doc["signal"]["profiles"][0]["linked"] is True


def test_noncompliant_host():
    doc = facts("windows_noncompliant.json")
    # One validly signed install and one whose hash does not match (the message is kept for the reason).
    assert [i["signature"]["status"] for i in doc["signal"]["installs"]] == ["Valid", "HashMismatch"]
    assert "hash of the file does not match" in doc["signal"]["installs"][1]["signature"]["status_message"]
    assert doc["signal"]["version"] == "7.79.0"
    assert doc["signal"]["installs"][0]["build_expires"] == "2026-11-20T06:00:00Z"
    # alice's screen saver is not password-protected.
    assert doc["screen_lock"]["enabled"] is False and doc["screen_lock"]["locked_by_admin"] is False
    assert doc["screen_lock"]["lock_delay_seconds"] == windows_facts.DEFAULT_GRACE_SECONDS
    # bob switched toasts off, alice did not: shown for alice.
    assert doc["lockscreen_notifications"]["hides_content"] is False
    assert "alice" in doc["lockscreen_notifications"]["source"]
    assert doc["update"]["hosts_entries"] == [{"file": windows_facts.HOSTS_PATH, "line": 22,
                                               "host": "updates.signal.org", "address": "0.0.0.0"}]
    assert [p["linked"] for p in doc["signal"]["profiles"]] == [True, False]


def test_previous_company_name_and_user_policies():
    doc = facts("windows_user_policy.json")
    assert doc["signal"]["installs"][0]["signature"]["signer_name"] == "Signal (Quiet Riddle Ventures, LLC)"
    # Of the config/local-production.json texts read from app.asar, the one with buildExpiration counts.
    assert doc["signal"]["installs"][0]["build_expires"] == "2027-01-15T12:00:00Z"
    # The policy values win over the user's own (which had the screen saver off).
    assert doc["screen_lock"]["enabled"] is True and doc["screen_lock"]["idle_delay_seconds"] == 240
    assert doc["screen_lock"]["lock_delay_seconds"] == 0 and doc["screen_lock"]["locked_by_admin"] is True
    assert doc["lockscreen_notifications"]["hides_content"] is True
    assert "NoToastApplicationNotificationOnLockScreen" in doc["lockscreen_notifications"]["source"]
    # A mapping to another address is reported as it is (the control judges it).
    assert doc["update"]["hosts_entries"] == [{"file": windows_facts.HOSTS_PATH, "line": 22,
                                               "host": "updates.signal.org", "address": "10.1.2.3"}]


def test_user_not_logged_on_is_reported_not_guessed():
    doc = facts("windows_not_logged_on.json")
    assert doc["signal"]["installed"] is True
    assert doc["signal"]["installs"][0]["signature"]["status"] == "UnknownError"
    assert "was not read" in doc["unknown_reasons"]["signal.installs.0.build_expires"]
    assert doc["screen_lock"]["enabled"] is None
    assert "carol" in doc["unknown_reasons"]["screen_lock.enabled"]
    assert doc["lockscreen_notifications"]["hides_content"] is None
    assert "carol" in doc["unknown_reasons"]["lockscreen_notifications.source"]
    assert "Requested registry access" in doc["errors"]["windows_raw"]


def test_no_signal():
    doc = facts("windows_no_signal.json")
    assert doc["signal"]["installed"] is False and doc["signal"]["installs"] == []
    assert doc["unknown_reasons"]["signal.version"] == "Signal Desktop is not installed"


@pytest.mark.parametrize("subject, expected", [
    ('CN="Signal Messenger, LLC", O="Signal Messenger, LLC", L=Mountain View, S=California, C=US', "Signal Messenger, LLC"),
    ("CN=Signal Messenger, LLC, O=Signal Messenger, LLC, C=US", "Signal Messenger, LLC"),
    ('CN="Signal (Quiet Riddle Ventures, LLC)", O="Signal (Quiet Riddle Ventures, LLC)"', "Signal (Quiet Riddle Ventures, LLC)"),
    ("CN=Evil Corp, O=Evil Corp", "Evil Corp"),
    ('O="Signal Messenger, LLC", CN="Not Signal ""Messenger"""', 'Not Signal "Messenger"'),
    ("O=No common name", None),
    (None, None),
])
def test_common_name(subject, expected):
    assert windows_facts.common_name(subject) == expected


@pytest.mark.parametrize("signature, shown, unknown", [
    ({"status": "Valid", "signer_subject": 'CN="Signal Messenger, LLC"'},
     {"status": "Valid", "signer_name": "Signal Messenger, LLC"}, []),
    ({"status": "Valid", "signer_subject": "CN=Signal Messenger"}, {"signer_name": "Signal Messenger"}, []),
    ({"status": "NotSigned", "status_message": "not signed", "signer_subject": None},
     {"status": "NotSigned", "status_message": "not signed", "signer_name": None}, ["signer_subject", "signer_name"]),
    ({"signer_subject": 'CN="Signal Messenger, LLC"'}, {"status": None}, ["status"]),
    (None, None, [""]),
])
def test_what_the_signature_shows(signature, shown, unknown):
    found, reasons = windows_facts.signature_of(signature)
    assert (found if shown is None else {key: found[key] for key in shown}) == shown
    assert sorted(reasons) == sorted(unknown)


@pytest.mark.parametrize("asar, expires, why", [
    ({"path": "x", "exists": True, "configs": ['{"buildExpiration": 1800000000000}'], "error": None},
     "2027-01-15T08:00:00Z", None),
    ({"path": "x", "exists": True, "configs": ['{"a": 1}', "not json"], "error": None}, None, "holds no"),
    ({"path": "x", "exists": False, "configs": [], "error": None}, None, "does not exist"),
    ({"path": "x", "exists": True, "configs": [], "error": "access denied"}, None, "access denied"),
    (None, None, "was not read"),
])
def test_the_build_expiry_from_the_archive_texts(asar, expires, why):
    moment, reason, error = windows_facts.build_expiry(asar)
    assert moment == expires and error is None and (why is None or why in reason)


def test_conflicting_build_expiry_texts_are_an_error():
    asar = {"path": "x", "exists": True, "configs": ['{"buildExpiration": 1}', '{"buildExpiration": 2}'], "error": None}
    assert "different buildExpiration" in windows_facts.build_expiry(asar)[2]


@pytest.mark.parametrize("raw", [None, {}, {"format": "other"}, {"format": windows_facts.RAW_FORMAT, "format_version": 2},
                                 {"format": windows_facts.RAW_FORMAT, "format_version": 1, "users": "x", "machine": {}}])
def test_malformed_raw_documents_are_refused(raw):
    with pytest.raises(windows_facts.RawDocumentError):
        windows_facts.facts_from_raw(raw)


def test_fleet_summary_converts_a_registered_windows_result():
    subject, errors = workstation_subject("win-01", recorded("windows_compliant.json"), "alice@example.org")
    assert errors == [] and subject["state"] == "ok" and subject["platform"] == "windows"
    assert subject["source"]["name"] == "win_desktop_info"
    bad, errors = workstation_subject("win-02", {"changed": False, "windows_raw": {"format": "nope"}})
    assert bad["state"] == "invalid" and errors[0]["field"] == "windows_raw"
    failed, _errors = workstation_subject("win-03", {"failed": True, "msg": "WinRM: access denied", "windows_raw": None})
    assert failed["state"] == "failed" and "access denied" in failed["error"]


def test_windows_controls_judge_the_recordings():
    controls = load_catalog(CONTROLS, org_names=ORG.keys())
    evaluator = Evaluator(controls, values_with_org(load_values(CONTROLS), ORG), context={"newest_versions": {"windows": "7.81.0"}},
                          now=datetime.datetime(2026, 11, 26, tzinfo=datetime.timezone.utc))

    def verdicts(name):
        subject, _errors = workstation_subject(name, recorded(name))
        return {r["control"]: r["status"] for r in evaluator.evaluate(subject)}

    good = verdicts("windows_compliant.json")
    assert good["sh-3.1-windows-signer"] == "pass"
    assert good["sh-3.7-windows-screen-lock"] == "pass"
    assert good["sh-3.8-windows-lockscreen-notifications"] == "pass"
    assert good["sh-3.2-desktop-version-current"] == "pass"
    assert good["sh-3.2-desktop-update-server-reachable"] == "pass"
    assert good["sh-3.2-desktop-build-expiry"] == "pass"
    bad = verdicts("windows_noncompliant.json")
    assert bad["sh-3.1-windows-signer"] == "fail"
    assert bad["sh-3.7-windows-screen-lock"] == "fail"
    assert bad["sh-3.8-windows-lockscreen-notifications"] == "fail"
    assert bad["sh-3.2-desktop-update-server-reachable"] == "fail"
    assert bad["sh-3.2-desktop-build-expiry"] == "fail"
    away = verdicts("windows_not_logged_on.json")
    assert away["sh-3.1-windows-signer"] == "unknown"
    assert away["sh-3.7-windows-screen-lock"] == "unknown"
    none = verdicts("windows_no_signal.json")
    assert none["sh-3.1-windows-signer"] == "not_applicable"


def test_hosts_lines_without_line_numbers_say_so():
    """A raw document from a win_desktop_info that did not return the line numbers: the line is unknown, with why."""
    with open(os.path.join(DATA, "windows_noncompliant.json")) as handle:
        raw = json.load(handle)["windows_raw"]
    del raw["machine"]["hosts_line_numbers"]
    raw["machine"]["hosts_lines"].append("::1 UPDATES.signal.org\nlocalhost")
    doc = windows_facts.facts_from_raw(raw)
    assert [(e["line"], e["address"]) for e in doc["update"]["hosts_entries"]] == [(None, "0.0.0.0"), (None, "::1")]
    assert "line number" in doc["unknown_reasons"]["update.hosts_entries.0.line"]
    assert desktop_facts.missing_reasons(doc) == []
