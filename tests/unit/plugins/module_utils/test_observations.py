# -*- coding: utf-8 -*-
"""The one builder of observation documents: phone records and workstation facts follow the same rules for values,
unknown reasons and errors (plugins/module_utils/observations.py)."""

from __future__ import annotations

import pytest

from ansible_collections.hardening.signal.plugins.module_utils.mdm.builder import RecordBuilder
from ansible_collections.hardening.signal.plugins.module_utils.observations import Observations
from ansible_collections.hardening.signal.plugins.module_utils.probes.facts_document import FactsDocument


def _documents():
    return [RecordBuilder("d1", "ios", "id"), FactsDocument("linux")]


@pytest.mark.parametrize("doc", _documents(), ids=["phone record", "workstation facts"])
def test_an_error_outranks_a_value_put_after_it(doc):
    """Probes write their errors first and the value after (the old facts document kept both, and the engine
    judged the value): the document hands over null, and the engine gives the error."""
    doc.error("screen_lock.enabled", "/etc/dconf/db/local.d/00-lock: not valid UTF-8")
    doc.put("screen_lock.enabled", True)
    data, problems = doc.done()
    assert data["screen_lock"]["enabled"] is None
    assert data["errors"] == {"screen_lock.enabled": "/etc/dconf/db/local.d/00-lock: not valid UTF-8"}
    assert problems == [("screen_lock.enabled", "/etc/dconf/db/local.d/00-lock: not valid UTF-8")]


@pytest.mark.parametrize("doc", _documents(), ids=["phone record", "workstation facts"])
def test_an_error_nulls_the_value_before_it_and_drops_its_reason(doc):
    doc.put("signal.installed", True)
    doc.unknown("signal.version", "not listed")
    doc.error("signal.installed", "malformed app list")
    doc.error("signal.version", "'x' is not a version")
    data, dummy = doc.done()
    assert data["signal"] == {"installed": None, "version": None}
    assert data["unknown_reasons"] == {}


@pytest.mark.parametrize("doc", _documents(), ids=["phone record", "workstation facts"])
def test_a_reason_given_after_an_error_stays_beside_it(doc):
    doc.error("signal.installed", "/var/lib/dpkg/status: not a regular file")
    doc.reason("signal.installed", "unknown whether Signal Desktop is installed: the dpkg database could not be read")
    data, dummy = doc.done()
    assert data["errors"]["signal.installed"] == "/var/lib/dpkg/status: not a regular file"
    assert data["unknown_reasons"]["signal.installed"].startswith("unknown whether")


@pytest.mark.parametrize("doc", _documents(), ids=["phone record", "workstation facts"])
def test_the_latest_reason_stands(doc):
    doc.observe("os.version", None, "/etc/os-release: not a regular file")
    doc.observe("os.version", None, "not stated by the OS release file")
    doc.observe("os.family", "debian", "not stated by the OS release file")
    data, dummy = doc.done()
    assert data["os"] == {"version": None, "family": "debian"}
    assert data["unknown_reasons"] == {"os.version": "not stated by the OS release file"}


def test_an_error_keeps_a_list_it_marks_incomplete_and_nulls_a_value_inside_a_list():
    doc = FactsDocument("linux")
    doc.put("signal.installs", [{"kind": "deb", "build_expires": "2026-12-01T00:00:00Z", "apt_sources": [{"line": 1}]}])
    doc.error("signal.installs.0.apt_sources", "malformed apt source entries: /etc/apt/sources.list:3: not valid")
    doc.error("signal.installs.0.build_expires", "app.asar: buildExpiration is not a number")
    doc.error("signal.installs.7.version", "an install that is not there creates nothing")
    doc.error("update", "internal error while probing update: KeyError: 'x'")
    data, dummy = doc.done()
    assert data["signal"]["installs"] == [{"kind": "deb", "build_expires": None, "apt_sources": [{"line": 1}]}]
    assert data["update"] == {}
    assert len(data["errors"]) == 4


def test_messages_at_one_path_are_each_kept_once_in_order():
    """The phone record builder used to replace 'A; B' by 'A' when A came again."""
    record = RecordBuilder("d1", "android", "devices.name")
    for message in ("A", "B", "A", "B", "C"):
        record.error("signal.version", message)
    data, problems = record.done()
    assert data["errors"]["signal.version"] == "A; B; C"
    assert problems == [("signal.version", "A; B; C")]


def test_an_empty_message_or_reason_is_nothing_to_report():
    doc = Observations({"unknown_reasons": {}, "errors": {}})
    doc.put("update.server", "updates.signal.org")
    doc.error("update.server", None)
    doc.error("update.server", "")
    doc.reason("update.server", None)
    doc.observe("update.proxy", None)
    data, problems = doc.done()
    assert data == {"update": {"server": "updates.signal.org", "proxy": None}, "unknown_reasons": {}, "errors": {}}
    assert problems == []


def test_a_shared_problem_stays_on_the_document_and_is_not_listed():
    doc = FactsDocument("linux")
    doc.error("screen_lock.source", "/etc/dconf/db/site.d/locks: not readable", shared=True)
    data, problems = doc.done()
    assert data["errors"] == {"screen_lock.source": "/etc/dconf/db/site.d/locks: not readable"}
    assert problems == []
