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
    assert d["facts"]["errors"]["screen_lock.max_inactivity_minutes"].startswith("malformed in the source record")


def test_unsupported_source_type_is_reported_not_ignored():
    subjects, errors, status = pull_source({"name": "x", "type": "carrier-pigeon"})
    assert status["status"] == "failed" and errors[0]["field"] == "type"
