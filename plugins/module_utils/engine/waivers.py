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


def normalize_waivers(records, source="waivers"):
    """(valid waivers, errors): each error names the waiver and the field."""
    valid, errors = [], []
    for index, record in enumerate(records or ()):
        where = "%s[%d]" % (source, index)
        if not isinstance(record, dict):
            errors.append({"source": source, "record": where, "field": None, "message": "a waiver must be a mapping"})
            continue
        problem = None
        for field in ("control", "owner", "justification", "expires", "scope"):
            if record.get(field) in (None, "", {}):
                problem = (field, "is required")
                break
        scope = record.get("scope")
        if problem is None and not isinstance(scope, dict):
            problem = ("scope", "must be a mapping of %s" % ", ".join(SCOPE_KEYS))
        if problem is None:
            unknown = sorted(set(scope) - set(SCOPE_KEYS))
            if unknown:
                problem = ("scope", "unknown key(s) %s; use %s" % (", ".join(unknown), ", ".join(SCOPE_KEYS)))
        if problem is None:
            try:
                expires = parse_date(record["expires"])
            except ValueError as exc:
                problem = ("expires", str(exc))
        if problem is not None:
            errors.append({"source": source, "record": where, "field": problem[0], "message": "%s %s" % problem})
            continue
        normalized_scope = {}
        for key, values in scope.items():
            values = values if isinstance(values, list) else [values]
            normalized_scope[key] = frozenset(str(v).lower() if key == "owners" else str(v) for v in values)
        valid.append({
            "id": str(record.get("id") or where),
            "control": str(record["control"]),
            "owner": str(record["owner"]),
            "justification": str(record["justification"]),
            "ticket": str(record.get("ticket") or ""),
            "expires": expires,
            "scope": normalized_scope,
        })
    return valid, errors


class WaiverBook(object):
    def __init__(self, waivers, now):
        self.today = now.date() if isinstance(now, datetime.datetime) else now
        self._by_control = {}
        for waiver in waivers:
            self._by_control.setdefault(waiver["control"], []).append(waiver)
        self.used = set()

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
            self.used.add(waiver["id"])
            evidence = result.setdefault("evidence", {})
            evidence["underlying_status"] = result["status"]
            evidence["waiver"] = {"id": waiver["id"], "owner": waiver["owner"], "justification": waiver["justification"],
                                  "ticket": waiver["ticket"], "expires": waiver["expires"].isoformat()}
            result["status"] = S.WAIVED
            result["reason"] = "waived until %s (%s): %s" % (waiver["expires"].isoformat(), waiver["id"], result["reason"])
            return
        if expired is not None:
            result["reason"] += " (waiver %s expired on %s)" % (expired["id"], expired["expires"].isoformat())
