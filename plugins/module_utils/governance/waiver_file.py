# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Waivers from files (schemas/waivers.schema.json, YAML or JSON) and from signal_hardening_waivers.

Every mistake is reported with the file, the waiver (index and id) and the field: a malformed field, an
unknown control, a bad date, an empty scope, an id used twice, the same control and scope twice. A waiver
with any mistake is never applied (its results stay as judged) and is listed as invalid in the summary.

Controller-side only (reads files).
"""

from __future__ import annotations

import datetime

from ansible_collections.hardening.signal.plugins.module_utils import text_checks
from ansible_collections.hardening.signal.plugins.module_utils.engine.dates import parse_date
from ansible_collections.hardening.signal.plugins.module_utils.engine.waivers import SCOPE_KEYS, normalize_waiver
from ansible_collections.hardening.signal.plugins.module_utils.governance.documents import (
    FileProblem,
    input_error,
    read_list_document,
)

SCHEMA = "waivers.schema.json"
FORMAT = "hardening.signal/waivers"
INLINE_SOURCE = "signal_hardening_waivers"
SCOPE_CHOICES = {
    "platforms": ("linux", "macos", "windows", "ios", "android"),
    "kinds": ("workstation", "mobile"),
}
TEXT_FIELDS = ("owner", "justification", "ticket")
STATES = ("active", "unmatched", "expired", "invalid")


def _label(index, raw):
    if isinstance(raw, dict) and isinstance(raw.get("id"), str) and raw["id"].strip():
        return "waivers[%d] (id %s)" % (index, text_checks.escaped(raw["id"].strip()))
    return "waivers[%d]" % index


def read_waiver_file(path):
    """([candidate, ...], file status, [input error]) for one waivers file.

    A candidate is one waiver as written, with the schema problems of its own fields; whether it is valid is
    decided by WaiverCollector.add, which also knows the catalogue and the other waivers.
    """
    status = {"path": path, "status": "read", "records": 0, "invalid": 0, "detail": ""}
    try:
        waivers, per_item = read_list_document(path, SCHEMA, "waivers", FORMAT)
    except FileProblem as exc:
        status.update(status="failed", detail="%s %s" % (path, exc))
        return [], status, [input_error(path, None, None, "%s %s; none of its waivers applies" % (path, exc))]
    candidates = [{"source": path, "record": _label(index, raw), "index": index, "raw": raw,
                   "schema": per_item.get(index, []), "inline": False} for index, raw in enumerate(waivers)]
    status["records"] = len(candidates)
    return candidates, status, []


def inline_candidates(records):
    return [{"source": INLINE_SOURCE, "record": _label(index, raw), "index": index, "raw": raw, "schema": [], "inline": True}
            for index, raw in enumerate(records or ())]


def _text(value):
    return isinstance(value, str) and value.strip() != ""


def _field_problems(candidate, control_ids, retired):
    """[(field, problem)] for every field of one waiver, without looking at the other waivers."""
    raw, inline = candidate["raw"], candidate["inline"]
    if not isinstance(raw, dict):
        return [(None, "a waiver must be a mapping")]
    found = []
    if "id" in raw or not inline:
        if not _text(raw.get("id")):
            found.append(("id", "is required (a unique name for the waiver)" if raw.get("id") in (None, "")
                          else "must be a non-empty string, got %r" % (raw.get("id"),)))
    control = raw.get("control")
    if control in (None, ""):
        found.append(("control", "is required"))
    elif not isinstance(control, str):
        found.append(("control", "must be a control id, got %r" % (control,)))
    elif control not in control_ids:
        why = retired.get(control)
        found.append(("control", "%s is not a control of the catalogue%s" % (control, "; %s" % why if why else "")))
    for field in TEXT_FIELDS:
        value = raw.get(field)
        if field == "ticket" and inline and value in (None, ""):
            continue
        if value in (None, ""):
            found.append((field, "is required"))
        elif not _text(value):
            found.append((field, "must be a non-empty string, got %r" % (value,)))
    if raw.get("expires") in (None, ""):
        found.append(("expires", "is required (the last day the waiver applies, YYYY-MM-DD)"))
    else:
        try:
            parse_date(raw["expires"])
        except ValueError:
            found.append(("expires", "%r is not a date YYYY-MM-DD" % (raw["expires"],)))
    found.extend(_scope_problems(raw.get("scope"), inline))
    return found


def _scope_problems(scope, inline):
    if scope is None:
        return [("scope", "is required: a mapping of any of %s" % ", ".join(SCOPE_KEYS))]
    if not isinstance(scope, dict):
        return [("scope", "must be a mapping of any of %s, got %r" % (", ".join(SCOPE_KEYS), scope))]
    if not scope:
        return [("scope", "is empty: name at least one of %s (a waiver for everything is not accepted)" % ", ".join(SCOPE_KEYS))]
    found = []
    for key in sorted(str(k) for k in scope):
        values = scope.get(key)
        field = "scope." + key
        if key not in SCOPE_KEYS:
            found.append((field, "unknown scope key %s; use %s" % (key, ", ".join(SCOPE_KEYS))))
            continue
        if inline and not isinstance(values, list):
            values = [values]
        if not isinstance(values, list):
            found.append((field, "must be a list, got %r" % (values,)))
        elif not values:
            found.append((field, "is empty: it would match nothing"))
        elif not all(_text(value) for value in values):
            found.append((field, "must hold non-empty strings, got %r" % (values,)))
        elif key in SCOPE_CHOICES:
            wrong = [value for value in values if value not in SCOPE_CHOICES[key]]
            if wrong:
                found.append((field, "unknown value(s) %s; use %s" % (", ".join(wrong), ", ".join(SCOPE_CHOICES[key]))))
    return found


def _scope_key(waiver):
    return waiver["control"], tuple(sorted((key, tuple(sorted(values))) for key, values in waiver["scope"].items()))


def _where(candidate):
    return "%s %s" % (candidate["source"], candidate["record"])


class WaiverCollector(object):
    """Collects waivers from every file and the inline list, refusing each mistaken one with its reasons."""

    def __init__(self, control_ids, retired=None):
        """retired: control ids the catalogue no longer has -> why (catalog/retired.py), for the refusal's words."""
        self.control_ids = frozenset(control_ids)
        self.retired = dict(retired or {})
        self.valid = []      # normalized waivers for the engine
        self.entries = []    # one per waiver written, for the summary
        self.errors = []     # input errors
        self.files = []      # one status per file
        self._ids = {}
        self._scopes = {}

    def add_inline(self, records):
        for candidate in inline_candidates(records):
            self.add(candidate)

    def add_file(self, path):
        candidates, status, errors = read_waiver_file(path)
        self.errors.extend(errors)
        for candidate in candidates:
            if not self.add(candidate):
                status["invalid"] += 1
        if status["status"] == "read":
            status["detail"] = "%d waiver(s), %d invalid" % (status["records"], status["invalid"])
        self.files.append(status)

    def add(self, candidate):
        """True when the waiver is valid and will be applied."""
        # Text that is not valid Unicode first: the other checks would quote it, and no report could hold it.
        found = [(field, message) for field, _keys, message in text_checks.surrogate_fields(candidate["raw"])]
        if found:
            candidate = dict(candidate, source=text_checks.escaped(candidate["source"]),
                             raw=text_checks.escaped_all(candidate["raw"]))
        else:
            found = _field_problems(candidate, self.control_ids, self.retired)
        named = {field for field, _problem in found}
        found.extend((text_checks.escaped(field), text_checks.escaped(message)) for field, message in candidate["schema"]
                     if text_checks.escaped(field) not in named)
        waiver = None
        if not found:
            # An inline waiver without an id is named after its place in the list.
            waiver, problem = normalize_waiver(candidate["raw"], "%s[%d]" % (INLINE_SOURCE, candidate["index"]))
            if problem is not None:
                found.append(problem)
        if waiver is not None:
            if waiver["id"] in self._ids:
                found.append(("id", "%s is also the id of %s" % (waiver["id"], _where(self._ids[waiver["id"]]))))
            key = _scope_key(waiver)
            if key in self._scopes:
                first = self._scopes[key]
                found.append(("scope", "same control and scope as waiver %s (%s)" % (first[1], _where(first[0]))))
        entry = self._entry(candidate, waiver)
        if found:
            messages = []
            for field, problem in found:
                message = problem if field is None else "%s: %s" % (field, problem)
                messages.append(message)
                self.errors.append(input_error(candidate["source"], candidate["record"], field, message))
            entry.update(state="invalid", message="; ".join(messages))
            self.entries.append(entry)
            return False
        self._ids[waiver["id"]] = candidate
        self._scopes[_scope_key(waiver)] = (candidate, waiver["id"])
        waiver["source"] = candidate["source"]
        self.valid.append(waiver)
        self.entries.append(entry)
        return True

    @staticmethod
    def _entry(candidate, waiver):
        raw = candidate["raw"] if isinstance(candidate["raw"], dict) else {}

        def text(name):
            value = raw.get(name)
            return str(value) if value not in (None, "") and not isinstance(value, (dict, list)) else None

        entry = {"id": text("id"), "control": text("control"), "owner": text("owner"),
                 "justification": text("justification"), "ticket": text("ticket"), "expires": text("expires"),
                 "scope": None, "source": candidate["source"], "record": candidate["record"], "state": None,
                 "results": 0, "days_left": None, "message": None}
        if waiver is not None:
            entry.update(id=waiver["id"], expires=waiver["expires"].isoformat(), ticket=waiver["ticket"] or None,
                         scope={key: sorted(values) for key, values in sorted(waiver["scope"].items())})
        return entry

    def section(self, covered, today):
        """The summary's waivers section, once the engine has applied the valid waivers.

        covered: {waiver id: number of results it turned into waived}.
        """
        if isinstance(today, datetime.datetime):
            today = today.date()
        counts = dict.fromkeys(STATES, 0)
        items = []
        for entry in self.entries:
            entry = dict(entry)
            if entry["state"] != "invalid":
                expires = parse_date(entry["expires"])
                entry["days_left"] = (expires - today).days
                entry["results"] = covered.get(entry["id"], 0)
                if expires < today:
                    entry["state"] = "expired"
                else:
                    entry["state"] = "active" if entry["results"] else "unmatched"
            counts[entry["state"]] += 1
            items.append(entry)
        counts["results_waived"] = sum(entry["results"] for entry in items)
        return {"counts": counts, "files": list(self.files), "items": items}
