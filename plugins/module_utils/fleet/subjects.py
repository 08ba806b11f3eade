# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Subjects: the things judged (a workstation or a phone), built from what was collected."""

from __future__ import annotations

from ansible_collections.hardening.signal.plugins.module_utils.schema_validation import problems

DESKTOP_FACTS_SCHEMA = "desktop_facts.schema.json"


def workstation_subject(host, probe, owner=None):
    """A subject from one host's registered desktop_info result (None when the host was never probed)."""
    subject = {
        "id": host, "kind": "workstation", "platform": "unknown", "name": host,
        "owner": owner or None, "source": {"type": "ansible", "name": "desktop_info", "record": host},
        "state": "ok", "error": None, "facts": None,
    }
    if not isinstance(probe, dict):
        subject.update(state="failed", error="the host was targeted but never probed (it failed before the probe ran)")
        return subject, []
    if probe.get("unreachable"):
        subject.update(state="unreachable", error=str(probe.get("msg") or "host unreachable"))
        return subject, []
    facts = probe.get("facts")
    if probe.get("failed") or not isinstance(facts, dict):
        message = str(probe.get("msg") or "desktop_info returned no facts")
        subject.update(state="failed", error=message[:2000])
        return subject, []
    found = problems(DESKTOP_FACTS_SCHEMA, facts)
    if found:
        errors = [{"source": "desktop_info", "record": host, "field": field, "message": message} for field, message in found]
        subject.update(state="invalid", error="facts do not match desktop_facts.schema.json: " +
                       "; ".join("%s: %s" % (f or "(top)", m) for f, m in found))
        if facts.get("platform") in ("linux", "macos", "windows"):
            subject["platform"] = facts["platform"]
        return subject, errors
    subject["platform"] = facts["platform"]
    subject["facts"] = facts
    return subject, []


def _owner_of(record):
    owner = record.get("owner") or {}
    if not isinstance(owner, dict):
        return None
    return owner.get("upn") or owner.get("email") or None


def mobile_subject(record, source_name, source_type):
    """A subject from one checked phone record (the record is the facts)."""
    return {
        "id": record["id"], "kind": "mobile", "platform": record["platform"], "name": record.get("name"),
        "owner": _owner_of(record), "source": {"type": source_type, "name": source_name, "record": record["id"]},
        "state": "ok", "error": None, "facts": record,
    }


def invalid_mobile_subject(label, record, source_name, source_type, error):
    """A phone record that cannot be judged at all still appears, as an error."""
    platform = record.get("platform") if isinstance(record, dict) else None
    record_id = record.get("id") if isinstance(record, dict) else None
    return {
        "id": record_id if isinstance(record_id, str) and record_id else "%s:%s" % (source_name, label),
        "kind": "mobile", "platform": platform if platform in ("ios", "android") else "unknown",
        "name": None, "owner": None, "source": {"type": source_type, "name": source_name, "record": label},
        "state": "invalid", "error": error, "facts": None,
    }
