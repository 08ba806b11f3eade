# -*- coding: utf-8 -*-
"""The export-file source: envelope errors fail the source, record errors are named and the rest is judged."""

from __future__ import annotations

import json
import os

from ansible_collections.hardening.signal.plugins.module_utils.mdm.sources import pull_source

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", ".."))
EXAMPLE = os.path.join(ROOT, "examples", "mdm-export.json")


def envelope(devices):
    return {"format": "hardening.signal/mdm-export", "format_version": 1, "devices": devices}


def write(tmp_path, document, name="export.json"):
    path = tmp_path / name
    path.write_text(document if isinstance(document, str) else json.dumps(document))
    return str(path)


def test_bundled_example_reads_with_its_deliberate_errors_named():
    subjects, errors, status = pull_source({"name": "example", "type": "file", "path": EXAMPLE})
    assert status["status"] == "complete"
    assert len(subjects) == 19
    fields = {(e["record"].split(" ")[0], e["field"]) for e in errors}
    assert ("devices[16]", "signal.version") in fields
    assert ("devices[17]", "screen_lock.passcode_present") in fields
    assert ("devices[17]", "screen_lock.max_inactivity_minutes") in fields
    assert ("devices[18]", None) in fields or ("devices[18]", "platform") in fields
    invalid = [s for s in subjects if s["state"] == "invalid"]
    assert [s["id"] for s in invalid] == ["unknown-0001"]
    paula = next(s for s in subjects if s["id"] == "ios-0009")
    assert paula["state"] == "ok" and "version" not in paula["facts"]["signal"]
    assert "signal.version" in paula["facts"]["errors"]


def test_missing_file_fails_the_source_with_its_path(tmp_path):
    path = str(tmp_path / "nope.json")
    subjects, errors, status = pull_source({"name": "m", "type": "file", "path": path})
    assert subjects == [] and status["status"] == "failed"
    assert path in errors[0]["message"]


def test_not_json_and_wrong_envelope_fail_the_source(tmp_path):
    errors, status = pull_source({"name": "m", "type": "file", "path": write(tmp_path, "{not json")})[1:]
    assert status["status"] == "failed" and "not valid JSON" in errors[0]["message"]
    errors, status = pull_source({"name": "m", "type": "file", "path": write(tmp_path, {"devices": []}, "b.json")})[1:]
    assert status["status"] == "failed" and "format" in errors[0]["message"]


def test_bad_record_does_not_stop_the_others(tmp_path):
    devices = [{"id": "a", "platform": "ios", "signal": {"installed": True, "version": "7.85"}},
               "not an object",
               {"id": "c", "platform": "windows phone"},
               {"id": "d", "platform": "android", "screen_lock": {"max_inactivity_minutes": "five"}}]
    subjects, errors, status = pull_source({"name": "m", "type": "file", "path": write(tmp_path, envelope(devices))})
    assert status["status"] == "complete" and status["subjects"] == 4
    states = {s["id"]: s["state"] for s in subjects}
    assert states["a"] == "ok" and states["d"] == "ok" and states["c"] == "invalid"
    assert any(s["state"] == "invalid" and s["source"]["record"] == "devices[1]" for s in subjects)
    assert {"devices[2] (id c)", "devices[3] (id d)", "devices[1]"} <= {e["record"] for e in errors}
    d = next(s for s in subjects if s["id"] == "d")
    assert d["facts"]["errors"]["screen_lock.max_inactivity_minutes"].startswith(
        "field screen_lock.max_inactivity_minutes of the source record is malformed")


def test_unsupported_source_type_is_reported_not_ignored():
    subjects, errors, status = pull_source({"name": "x", "type": "carrier-pigeon"})
    assert status["status"] == "failed" and errors[0]["field"] == "type"


def test_a_lone_surrogate_is_a_malformed_field_and_every_other_phone_is_judged(tmp_path):
    # Valid JSON, but "\udc80" is no character: no report could hold it (it used to end the whole run).
    devices = [{"id": "a", "platform": "android", "name": "\udc80", "owner": {"upn": "x\udc81@example.org"},
                "signal": {"installed": True, "version": "7.80.2"}},
               {"id": "b\udc80", "platform": "ios"},
               {"id": "c", "platform": "ios", "unknown_reasons": {"last_boot": "no MDM\udc80", "sig\udc80nal": "x"}},
               {"id": "d", "platform": "ios", "name": "Zoë's iPhone"}]
    path = write(tmp_path, json.dumps(envelope(devices)))
    subjects, errors, status = pull_source({"name": "m", "type": "file", "path": path})
    assert status["status"] == "complete" and len(subjects) == 4
    named = {(e["record"], e["field"]) for e in errors}
    assert named == {("devices[0] (id a)", "name"), ("devices[0] (id a)", "owner.upn"),
                     ("devices[1] (id b\\udc80)", "id"),
                     ("devices[2] (id c)", "unknown_reasons.last_boot"), ("devices[2] (id c)", "unknown_reasons.sig\\udc80nal")}
    assert all(e["source"] == "m (%s)" % path for e in errors)
    by_id = {s["id"]: s for s in subjects}
    a = by_id["a"]
    assert a["state"] == "ok" and "name" not in a["facts"] and a["facts"]["signal"]["version"] == "7.80.2"
    assert a["facts"]["errors"]["name"].startswith("field name of the source record is malformed: the value is not valid Unicode")
    assert a["owner"] is None  # the owner's UPN was dropped: it joins no attestation
    assert by_id["c"]["facts"]["unknown_reasons"] == {}
    assert by_id["d"]["state"] == "ok" and by_id["d"]["name"] == "Zoë's iPhone"
    invalid = [s for s in subjects if s["state"] == "invalid"]
    assert len(invalid) == 1 and invalid[0]["source"]["record"] == "devices[1] (id b\\udc80)"
    json.dumps([subjects, errors, status], ensure_ascii=False).encode("utf-8")  # everything is writable


def test_unknown_fields_are_named_and_the_record_is_judged_on_the_rest(tmp_path):
    devices = [{"id": "a", "platform": "android", "ownr": "x",
                "signal": {"installed": True, "instal_source": "sideload", "verison": "7.1", "version": "7.80.2"},
                "screen_lock": {"passcode_present": True, "timeout": 5}}]
    subjects, errors, status = pull_source({"name": "m", "type": "file", "path": write(tmp_path, envelope(devices))})
    messages = {e["field"]: e["message"] for e in errors}
    assert set(messages) == {"ownr", "signal.instal_source", "signal.verison", "screen_lock.timeout"}
    assert "did you mean signal.install_source?" in messages["signal.instal_source"]
    assert "did you mean signal.version?" in messages["signal.verison"]
    assert "did you mean owner?" in messages["ownr"]
    assert messages["screen_lock.timeout"].startswith("is not a field of screen_lock")
    facts = subjects[0]["facts"]
    assert subjects[0]["state"] == "ok" and facts["signal"] == {"installed": True, "version": "7.80.2"}
    assert "ownr" not in facts and facts["screen_lock"] == {"passcode_present": True}
    assert "install_source" not in facts["signal"]  # the misspelt value is not used: the control says not reported


def test_duplicate_device_ids_in_one_file_are_all_named_and_none_is_judged(tmp_path):
    devices = [{"id": "a", "platform": "android", "signal": {"installed": True, "install_source": "play_store"},
                "owner": {"upn": "eva@example.org"}},
               {"id": "b", "platform": "ios"},
               {"id": "a", "platform": "android", "signal": {"installed": True, "install_source": "sideload"}},
               {"id": "a", "platform": "windows phone"}]
    subjects, errors, status = pull_source({"name": "m", "type": "file", "path": write(tmp_path, envelope(devices))})
    assert status["status"] == "complete" and len(subjects) == 4 and status["errors"] == len(errors)
    duplicates = [e for e in errors if e["field"] == "id"]
    assert [e["record"] for e in duplicates] == ["devices[0] (id a)", "devices[2] (id a)", "devices[3] (id a)"]
    assert "devices[2] (id a), devices[3] (id a)" in duplicates[0]["message"]
    assert "these 3 records cannot be told apart" in duplicates[0]["message"]
    marked = [s for s in subjects if s["id"] == "a"]
    assert [s["state"] for s in marked] == ["invalid"] * 3 and all(s["facts"] is None for s in marked)
    assert [s["source"]["record"] for s in marked] == ["devices[0] (id a)", "devices[2] (id a)", "devices[3] (id a)"]
    assert marked[0]["owner"] == "eva@example.org"  # still shown with its owner
    assert "platform" in marked[2]["error"] and "also given by" in marked[2]["error"]  # both reasons kept
    assert next(s for s in subjects if s["id"] == "b")["state"] == "ok"


def test_a_record_repeated_with_the_same_values_is_judged_once_and_both_are_named(tmp_path):
    phone = {"id": "a", "platform": "ios", "signal": {"installed": True, "install_source": "app_store"}}
    subjects, errors, status = pull_source({"name": "m", "type": "file",
                                            "path": write(tmp_path, envelope([phone, {"id": "b", "platform": "ios"}, phone]))})
    assert [(s["id"], s["state"]) for s in subjects] == [("a", "ok"), ("b", "ok")]
    assert [(e["record"], e["field"]) for e in errors] == [("devices[0] (id a)", "id"), ("devices[2] (id a)", "id")]
    assert "repeats devices[0] (id a)" in errors[1]["message"] and status["errors"] == 2
