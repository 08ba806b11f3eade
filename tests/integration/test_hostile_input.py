# -*- coding: utf-8 -*-
"""Hostile text through every input path of a real playbook run: lone surrogates, misspelt fields, duplicate ids,
timed and conflicting attestations.

A lone surrogate (U+D800 to U+DFFF on its own) is valid JSON ("\\udc80") and what Ansible's file lookup makes of
bytes that are not UTF-8, but no UTF-8 file can hold it: one such string used to end the judge task with a
UnicodeEncodeError and no report. Each one must now be a malformed field of its record, named in input_errors,
while every other subject is judged, and every report, the history and the console stay valid UTF-8.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys

import yaml

from tests.fakes.jamf_api import JamfFake, make_device

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PLAYBOOK = os.path.join(ROOT, "playbooks", "harden_signal.yml")
MOMENT = "2026-11-26T06:00:00Z"
SECRET = "jamf-s3cret"
# What Ansible's file lookup returns for a file that is not UTF-8: each bad byte as a lone surrogate.
LATIN1 = "al\xe9ice@example.org".encode("latin-1")


def phone(number, **fields):
    device = {"id": "p-%d" % number, "platform": "android", "owner": {"upn": "eva@example.org"},
              "signal": {"visible": True, "installed": True, "version": "7.80.2", "install_source": "play_store"}}
    device.update(fields)
    return device


def write_json(path, document):
    # json.dumps escapes a lone surrogate as \udc80, as an exporting script would: valid JSON, ASCII bytes.
    path.write_text(json.dumps(document))
    return str(path)


def inputs(tmp_path):
    """Every file the run reads, each carrying its hostile values."""
    (tmp_path / "not-utf8.txt").write_bytes(LATIN1)
    export = write_json(tmp_path / "export.json", {"format": "hardening.signal/mdm-export", "format_version": 1, "devices": [
        phone(1, name="Zo\u00eb \udc80"),                                               # a name no report can write
        phone(2, signal={"installed": "yes", "instal_source": "sideload"}),            # malformed + misspelt field
        phone(3, signal={"installed": True, "install_source": "play_store"}),          # one id, two different records
        phone(3, signal={"installed": True, "install_source": "sideload"}),
        {"id": "p-\udc80", "platform": "ios"},                                          # an id no report can write
        phone(5, unknown_reasons={"last\udc80boot": "x"}),                              # a key no report can write
    ]})
    waivers = write_json(tmp_path / "waivers.json", {"format": "hardening.signal/waivers", "format_version": 1, "waivers": [
        {"id": "W-1", "control": "sh-3.10-android-daily-reboot", "scope": {"platforms": ["android"]},
         "owner": "ciso@example.org", "justification": "kiosk \udc80", "ticket": "T-1", "expires": "2027-01-31"}]})
    answers = write_json(tmp_path / "answers.json", {"format": "hardening.signal/attestations", "format_version": 1, "attestations": [
        {"person": "a\udc80@example.org", "control": "sh-3.3-profile", "answer": "yes", "date": "2026-11-20"},
        {"person": "eva@example.org", "control": "sh-3.5-registration-lock", "answer": "yes", "date": "2026-11-25T09:00Z"},
        {"person": "eva@example.org", "control": "sh-3.5-registration-lock", "answer": "no", "date": "2026-11-25T17:00:00Z"},
        {"person": "eva@example.org", "control": "sh-3.6-linked-devices-review", "answer": "yes",
         "date": "2026-11-26T06:05:00Z"}]})                                            # five minutes after the run
    return export, waivers, answers


def run(tmp_path, name, inventory, extra, env=None):
    report_dir = tmp_path / ("reports-" + name)
    extra = dict(extra, signal_hardening_report_dir=str(report_dir), signal_hardening_evaluation_time=MOMENT,
                 signal_hardening_remediate=False, signal_hardening_release_feed_url="",
                 signal_hardening_newest_versions={"desktop": "7.80.0", "ios": "7.85", "android": "7.80.2"})
    command = [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", inventory, PLAYBOOK, "--check",
               "-e", json.dumps(extra)]
    environ = dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"),
                   ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, ".build", "collections"),
                   ANSIBLE_HOME=str(tmp_path / "ansible-home"), ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0",
                   ANSIBLE_DEPRECATION_WARNINGS="False", **(env or {}))
    proc = subprocess.run(command, cwd=ROOT, env=environ, capture_output=True, timeout=600, check=False)
    # The console too: whatever the run printed is valid UTF-8.
    output = proc.stdout.decode("utf-8") + proc.stderr.decode("utf-8")
    return proc.returncode, output, report_dir


def every_report_is_valid_utf8(report_dir, extra_suffixes=()):
    """The summary, after checking that every file the run wrote decodes as UTF-8 and the history reads back."""
    written = []
    for folder, _dirs, files in os.walk(str(report_dir)):
        for name in files:
            path = os.path.join(folder, name)
            written.append(name)
            if name.endswith(".sqlite"):
                with sqlite3.connect(path) as db:
                    names = [row[0] for row in db.execute("SELECT name FROM subjects")]
                    assert names and all(isinstance(n, str) for n in names)
                    assert db.execute("SELECT count(*) FROM runs").fetchone()[0] == 1
                continue
            with open(path, "rb") as handle:
                data = handle.read()
            data.decode("utf-8")  # raises on anything that is not UTF-8
            assert b"\xed\xb2\x80" not in data  # nor the bytes a surrogate would be written as by a lax encoder
    for suffix in (".json", ".md", ".html", ".junit.xml", ".csv", ".sqlite") + extra_suffixes:
        assert any(name.endswith(suffix) for name in written), (suffix, written)
    path = next(os.path.join(folder, name) for folder, _dirs, files in os.walk(str(report_dir))
                for name in files if name == "fleet-summary.json")
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def errors_of(summary):
    return {(e["source"], e["record"], e["field"]) for e in summary["input_errors"]}


def result(summary, subject_id, control, source=None):
    for subject in summary["subjects"]:
        if subject["id"] == subject_id and (source is None or subject["source"]["name"] == source):
            return next(r for r in subject["results"] if r["control"] == control)
    raise AssertionError("no subject %s" % subject_id)


def test_hostile_text_from_files_an_api_and_the_inventory_is_named_and_every_report_is_written(tmp_path):
    export, waivers, answers = inputs(tmp_path)
    bad = str(tmp_path / "not-utf8.txt")
    inventory = tmp_path / "inventory"
    (inventory / "group_vars").mkdir(parents=True)
    (inventory / "hosts.yml").write_text(yaml.safe_dump({"all": {"children": {"signal_workstations": {"hosts": {"localhost": {
        "ansible_connection": "local", "ansible_python_interpreter": sys.executable,
        # An owner read from a file that is not UTF-8: Ansible hands the bad byte on as a lone surrogate.
        "signal_hardening_owner": "{{ lookup('file', '%s') }}" % bad}}}}}}))
    devices = [make_device(1, displayName="iPhone \udc80"), make_device(2), make_device(3)]
    devices[2]["mobileDeviceId"] = "2"  # the same id as the second device, with other values
    fake = JamfFake(devices, client_id="jamf-client", client_secret=SECRET)
    with fake.serve() as server:
        extra = {
            "signal_hardening_mdm_sources": [
                {"name": "export", "type": "file", "path": export},
                {"name": "jamf", "type": "jamf", "api_url": server.url, "client_id": "jamf-client",
                 "client_secret": SECRET, "max_retries": 1, "timeout": 10}],
            "signal_hardening_waiver_files": [waivers],
            "signal_hardening_attestation_files": [answers],
            "signal_hardening_report_formats": ["json", "md", "html", "junit", "csv", "hdf", "oscal"],
        }
        # Inline lists built by Jinja around the same lookup.
        (inventory / "group_vars" / "all.yml").write_text(
            "signal_hardening_attestations:\n"
            "  - {owner: \"{{ lookup('file', '%s') }}\", control: sh-3.9-disappearing-messages, answer: 'yes', date: '2026-11-20'}\n"
            "signal_hardening_waivers:\n"
            "  - {control: sh-3.10-ios-daily-reboot, scope: {platforms: [ios]}, owner: ciso@example.org,\n"
            "     justification: \"{{ lookup('file', '%s') }}\", expires: '2027-01-31'}\n" % (bad, bad))
        rc, output, report_dir = run(tmp_path, "all", str(inventory), extra)
    assert rc == 0, output
    assert "surrogates not allowed" not in output and SECRET not in output
    summary = every_report_is_valid_utf8(report_dir, (".hdf.json", ".oscal.json"))
    found = errors_of(summary)
    file_source = "export (%s)" % export
    assert {(file_source, "devices[0] (id p-1)", "name"),
            (file_source, "devices[1] (id p-2)", "signal.installed"),
            (file_source, "devices[1] (id p-2)", "signal.instal_source"),
            (file_source, "devices[2] (id p-3)", "id"), (file_source, "devices[3] (id p-3)", "id"),
            (file_source, "devices[4] (id p-\\udc80)", "id"),
            (file_source, "devices[5] (id p-5)", "unknown_reasons.last\\udc80boot"),
            ("jamf (jamf)", "mobile-devices mobileDeviceId 1", "name"),
            ("jamf (jamf)", "mobile-devices mobileDeviceId 2", "id"),
            (waivers, "waivers[0] (id W-1)", "justification"),
            ("signal_hardening_waivers", "waivers[0]", "justification"),
            (answers, "attestations[0]", "person"),
            (answers, "attestations[3]", "date"),
            ("signal_hardening_attestations", "signal_hardening_attestations[0]", "owner"),
            ("inventory", "localhost", "signal_hardening_owner")} <= found
    # The other subjects are judged: the phone with a dropped name, the workstation without its owner.
    p1 = next(s for s in summary["subjects"] if s["id"] == "p-1")
    assert p1["state"] == "ok" and result(summary, "p-1", "sh-3.2-mobile-version-current")["status"] == "pass"
    # Attestations: the later "no" the same day counts; the answer after the run's moment does not.
    assert result(summary, "p-1", "sh-3.5-registration-lock")["status"] == "fail"
    assert result(summary, "p-1", "sh-3.6-linked-devices-review")["status"] == "manual"
    # A malformed field that decides whether a control applies: error naming it, never unknown.
    installed = result(summary, "p-2", "sh-3.1-android-signature")
    assert installed["status"] == "error" and "signal.installed" in installed["reason"]
    # Both records of the duplicate id are kept and neither is judged.
    assert [s["state"] for s in summary["subjects"] if s["id"] == "p-3"] == ["invalid", "invalid"]
    assert [s["state"] for s in summary["subjects"] if s["id"] == "2"] == ["invalid", "invalid"]
    localhost = next(s for s in summary["subjects"] if s["id"] == "localhost")
    assert localhost["owner"] is None and localhost["state"] == "ok"
    assert {item["id"]: item["state"] for item in summary["waivers"]["items"]}["W-1"] == "invalid"


def test_workstation_facts_with_a_lone_surrogate_make_that_host_invalid_and_the_others_are_judged(tmp_path):
    """The judge phase of a sliced run: the slices' facts as AWX hands them on (built here by Jinja around the
    file lookup, since Ansible's own JSON and YAML loaders refuse a lone surrogate)."""
    bad = str(tmp_path / "not-utf8.txt")
    (tmp_path / "not-utf8.txt").write_bytes(LATIN1)
    with open(os.path.join(ROOT, "schemas", "desktop_facts.schema.json"), encoding="utf-8") as handle:
        version = json.load(handle)["properties"]["schema_version"]["const"]
    facts = {"schema_version": version, "platform": "linux", "signal": {"installed": False}, "unknown_reasons": {}, "errors": {},
             "os": {"family": "debian", "distribution": "Debian", "version": "12"}}
    inventory = tmp_path / "inventory"
    (inventory / "group_vars").mkdir(parents=True)
    (inventory / "group_vars" / "all.yml").write_text(yaml.safe_dump({"good_facts": facts}) + (
        "signal_hardening_collected:\n"
        "  ws-good: {probe: {changed: false, facts: \"{{ good_facts }}\"}, owner: \"{{ lookup('file', '%s') }}\"}\n"
        "  ws-bad:\n"
        "    probe: {changed: false, facts: \"{{ good_facts | combine({'os': {'distribution': lookup('file', '%s')}}) }}\"}\n"
        "    owner: bob@example.org\n" % (bad, bad)))
    (inventory / "hosts.yml").write_text(yaml.safe_dump({"all": {"hosts": {"localhost": {
        "ansible_connection": "local", "ansible_python_interpreter": sys.executable}}}}))
    rc, output, report_dir = run(tmp_path, "judge", str(inventory), {"signal_hardening_phase": "judge"})
    assert rc == 0, output
    summary = every_report_is_valid_utf8(report_dir)
    assert {("desktop_info", "ws-bad", "os.distribution"), ("inventory", "ws-good", "signal_hardening_owner")} <= errors_of(summary)
    states = {s["id"]: s["state"] for s in summary["subjects"]}
    assert states == {"ws-bad": "invalid", "ws-good": "ok"}
    assert result(summary, "ws-good", "sh-3.1-linux-official-source")["status"] == "not_applicable"
