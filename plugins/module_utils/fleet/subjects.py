# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Subjects: the things judged (a workstation or a phone), built from what was collected."""

from __future__ import annotations

from ansible_collections.hardening.signal.plugins.module_utils import text_checks
from ansible_collections.hardening.signal.plugins.module_utils.probes import windows_facts
from ansible_collections.hardening.signal.plugins.module_utils.schema_validation import problems

DESKTOP_FACTS_SCHEMA = "desktop_facts.schema.json"


def profile_owner(host, facts):
    """user@host when the workstation's Signal profiles all belong to one local user, else None."""
    profiles = ((facts or {}).get("signal") or {}).get("profiles")
    if not isinstance(profiles, list):
        return None
    users = {p.get("user") for p in profiles if isinstance(p, dict) and isinstance(p.get("user"), str) and p.get("user")}
    if len(users) != 1:
        return None
    return "%s@%s" % (users.pop(), host)


def workstation_subject(host, probe, owner=None, owner_field="signal_hardening_owner"):
    """A subject from one host's registered desktop_info result (None when the host was never probed).

    The owner is the inventory's (signal_hardening_owner); without one, the only local user with a Signal
    profile, as user@host (owner_source says which).

    Text that is not valid Unicode (Ansible's file lookups and a probe's file names can carry lone surrogates) is
    named: in the host name it is shown escaped, in the owner the owner is not used (nor guessed from the
    profiles), in the facts the host is invalid, as for facts that do not match their schema.
    """
    errors = []
    if text_checks.surrogate_at(host) is not None:
        escaped = text_checks.escaped(host)
        errors.append({"source": "inventory", "record": escaped, "field": "inventory_hostname",
                       "message": "the host name %s; the host is shown as %s" % (text_checks.problem(host), escaped)})
        host = escaped
    owner_refused = text_checks.surrogate_at(owner) is not None
    if owner_refused:
        errors.append({"source": "inventory", "record": host, "field": owner_field,
                       "message": "%s %s: no attestation is joined to this workstation" % (owner_field, text_checks.problem(owner))})
        owner = None
    subject = {
        "id": host, "kind": "workstation", "platform": "unknown", "name": host,
        "owner": owner or None, "owner_source": "inventory" if owner else None,
        "source": {"type": "ansible", "name": "desktop_info", "record": host},
        "state": "ok", "error": None, "facts": None,
    }
    if not isinstance(probe, dict):
        subject.update(state="failed", error="the host was targeted but never probed (it failed before the probe ran)")
        return subject, errors
    if probe.get("unreachable"):
        subject.update(state="unreachable", error=text_checks.escaped(str(probe.get("msg") or "host unreachable")))
        return subject, errors
    facts = probe.get("facts")
    if facts is None and not probe.get("failed") and "windows_raw" in probe:
        # Windows hosts return raw values (win_desktop_info); the decisions are made here, in Python.
        subject["source"]["name"] = "win_desktop_info"
        try:
            facts = windows_facts.facts_from_raw(probe["windows_raw"])
        except windows_facts.RawDocumentError as exc:
            message = text_checks.escaped(str(exc))
            subject.update(state="invalid", platform="windows",
                           error="win_desktop_info returned an unusable document: %s" % message)
            return subject, errors + [{"source": "win_desktop_info", "record": host, "field": "windows_raw", "message": message}]
    if probe.get("failed") or not isinstance(facts, dict):
        message = text_checks.escaped(str(probe.get("msg") or "desktop_info returned no facts"))
        subject.update(state="failed", error=message[:2000])
        return subject, errors
    source = subject["source"]["name"]
    not_text = text_checks.surrogate_fields(facts)
    if not_text:
        errors.extend({"source": source, "record": host, "field": field, "message": message}
                      for field, _keys, message in not_text)
        subject.update(state="invalid", error="facts hold text that is not valid Unicode (a lone surrogate) in " +
                       ", ".join(field or "(top)" for field, _keys, _message in not_text))
        if facts.get("platform") in ("linux", "macos", "windows"):
            subject["platform"] = facts["platform"]
        return subject, errors
    found = problems(DESKTOP_FACTS_SCHEMA, facts)
    if found:
        errors.extend({"source": "desktop_info", "record": host, "field": field, "message": message} for field, message in found)
        subject.update(state="invalid", error="facts do not match desktop_facts.schema.json: " +
                       "; ".join("%s: %s" % (f or "(top)", m) for f, m in found))
        if facts.get("platform") in ("linux", "macos", "windows"):
            subject["platform"] = facts["platform"]
        return subject, errors
    subject["platform"] = facts["platform"]
    subject["facts"] = facts
    if not owner and not owner_refused:
        found = profile_owner(host, facts)
        if found:
            subject.update(owner=found, owner_source="signal_profile")
    return subject, errors


def _owner_of(record):
    owner = record.get("owner") or {}
    if not isinstance(owner, dict):
        return None
    return owner.get("upn") or owner.get("email") or None


def mobile_subject(record, source_name, source_type):
    """A subject from one checked phone record (the record is the facts)."""
    return {
        "id": record["id"], "kind": "mobile", "platform": record["platform"], "name": record.get("name"),
        "owner": _owner_of(record), "owner_source": "mdm" if _owner_of(record) else None,
        "source": {"type": source_type, "name": source_name, "record": record["id"]},
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
