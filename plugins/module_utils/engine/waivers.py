# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Waivers: an accepted risk for a control on some subjects, with a reason and an end date.

A waived result counts as waived (never pass) and keeps its underlying
status in the evidence. An expired waiver no longer applies; the result
says so.
"""

from __future__ import annotations

import datetime

from ansible_collections.hardening.signal.plugins.module_utils.engine import statuses as S
from ansible_collections.hardening.signal.plugins.module_utils.engine.dates import parse_date

# Scope keys and the subject attribute each one matches.
SCOPE_KEYS = ("subjects", "owners", "platforms", "sources", "kinds")


def _subject_values(subject):
    return {
        "subjects": subject.get("id"),
        "owners": (subject.get("owner") or "").lower() or None,
        "platforms": subject.get("platform"),
        "sources": (subject.get("source") or {}).get("name"),
        "kinds": subject.get("kind"),
    }


def normalize_waiver(record, where):
    """(waiver, None) for one raw record, or (None, (field, problem)) naming its first problem."""
    if not isinstance(record, dict):
        return None, (None, "a waiver must be a mapping")
    for field in ("control", "owner", "justification", "expires", "scope"):
        if record.get(field) in (None, "", {}):
            return None, (field, "is required")
    scope = record["scope"]
    if not isinstance(scope, dict):
        return None, ("scope", "must be a mapping of %s" % ", ".join(SCOPE_KEYS))
    unknown = sorted(str(key) for key in set(scope) - set(SCOPE_KEYS))
    if unknown:
        return None, ("scope", "unknown key(s) %s; use %s" % (", ".join(unknown), ", ".join(SCOPE_KEYS)))
    try:
        expires = parse_date(record["expires"])
    except ValueError as exc:
        return None, ("expires", str(exc))
    normalized_scope = {}
    for key, values in scope.items():
        values = values if isinstance(values, list) else [values]
        normalized_scope[key] = frozenset(str(v).lower() if key == "owners" else str(v) for v in values)
    return {
        "id": str(record.get("id") or where),
        "control": str(record["control"]),
        "owner": str(record["owner"]),
        "justification": str(record["justification"]),
        "ticket": str(record.get("ticket") or ""),
        "expires": expires,
        "scope": normalized_scope,
    }, None


def normalize_waivers(records, source="waivers"):
    """(valid waivers, errors): each error names the waiver and the field."""
    valid, errors = [], []
    for index, record in enumerate(records or ()):
        where = "%s[%d]" % (source, index)
        waiver, problem = normalize_waiver(record, where)
        if problem is not None:
            field, message = problem
            errors.append({"source": source, "record": where, "field": field,
                           "message": message if field is None else "%s %s" % (field, message)})
            continue
        valid.append(waiver)
    return valid, errors


class WaiverBook(object):
    def __init__(self, waivers, now):
        self.today = now.date() if isinstance(now, datetime.datetime) else now
        self._by_control = {}
        for waiver in waivers:
            self._by_control.setdefault(waiver["control"], []).append(waiver)
        # Results each waiver turned into waived, by waiver id.
        self.covered = {}

    @property
    def used(self):
        """Ids of the waivers that covered at least one result."""
        return set(self.covered)

    def covers(self, control_id):
        """False when no waiver names the control, so apply() would never change its results."""
        return control_id in self._by_control

    def apply(self, result, control_id, subject):
        """Turn a waivable result into waived, in place, when a live waiver covers it."""
        candidates = self._by_control.get(control_id)
        if not candidates or result["status"] not in S.WAIVABLE:
            return
        values = _subject_values(subject)
        expired = None
        for waiver in candidates:
            if not all(values[key] in allowed for key, allowed in waiver["scope"].items()):
                continue
            if waiver["expires"] < self.today:
                expired = waiver
                continue
            self.covered[waiver["id"]] = self.covered.get(waiver["id"], 0) + 1
            evidence = result.setdefault("evidence", {})
            evidence["underlying_status"] = result["status"]
            evidence["waiver"] = {"id": waiver["id"], "owner": waiver["owner"], "justification": waiver["justification"],
                                  "ticket": waiver["ticket"], "expires": waiver["expires"].isoformat()}
            result["status"] = S.WAIVED
            result["reason"] = "waived until %s (%s): %s" % (waiver["expires"].isoformat(), waiver["id"], result["reason"])
            return
        if expired is not None:
            result["reason"] += " (waiver %s expired on %s)" % (expired["id"], expired["expires"].isoformat())
