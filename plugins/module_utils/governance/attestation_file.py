# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Attestations as a survey tool exports them: CSV (columns person, control, answer, date and optionally
attested_by), or YAML/JSON (schemas/attestations.schema.json); and signal_hardening_attestations.

Every mistake is reported with the file, the line (CSV) or record (YAML) and the field: an unknown control, a
control that is not answered by people, an unknown answer, a bad or future date, the same person, control and
date twice. A row with any mistake is left out: the result it would have decided stays manual.

Also: the organisation's per-control validity (signal_hardening_attestation_validity_days).

Controller-side only (reads files).
"""

from __future__ import annotations

import csv
import datetime
import io

from ansible_collections.hardening.signal.plugins.module_utils.governance.documents import (
    FileProblem,
    check_size,
    input_error,
    read_document,
    schema_problems,
)

SCHEMA = "attestations.schema.json"
FORMAT = "hardening.signal/attestations"
INLINE_SOURCE = "signal_hardening_attestations"
REQUIRED_COLUMNS = ("person", "control", "answer", "date")
OPTIONAL_COLUMNS = ("attested_by",)
ANSWERS = {"yes": True, "true": True, "no": False, "false": False}
METHOD_WORDS = {"host": "checked on the host", "mdm": "checked from MDM data"}
VALIDITY_RANGE = (1, 730)
# How the inline list (the older format) names the fields.
INLINE_NAMES = {"person": "owner", "attested_by": "by"}


def _column(name):
    return name.strip().lower().replace(" ", "_").replace("-", "_")


def _delimiter(header_line):
    counts = {delimiter: header_line.count(delimiter) for delimiter in (",", ";", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _csv_candidates(path):
    check_size(path)
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            text = handle.read()
    except OSError as exc:
        raise FileProblem("cannot be read: %s" % (exc.strerror or exc))
    except UnicodeDecodeError as exc:
        raise FileProblem("is not UTF-8 text: %s" % exc)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text.split("\n", 1)[0]))
    try:
        header = next(reader, None)
        if header is None or not any(cell.strip() for cell in header):
            raise FileProblem("is empty: the first line must name the columns %s" % ", ".join(REQUIRED_COLUMNS))
        columns = [_column(cell) for cell in header]
        missing = [name for name in REQUIRED_COLUMNS if name not in columns]
        if missing:
            raise FileProblem("has no column %s (line 1 names %s); the columns are %s and optionally attested_by" % (
                ", ".join(missing), ", ".join(repr(c) for c in header), ", ".join(REQUIRED_COLUMNS)))
        twice = sorted({name for name in columns if name and columns.count(name) > 1})
        if twice:
            raise FileProblem("names the column(s) %s more than once (line 1)" % ", ".join(twice))
        candidates = []
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            raw = {name: cell.strip() for name, cell in zip(columns, row)
                   if name in REQUIRED_COLUMNS + OPTIONAL_COLUMNS and cell.strip() != ""}
            extra = []
            if len(row) > len(columns) and any(cell.strip() for cell in row[len(columns):]):
                extra.append((None, "has %d values but line 1 names %d columns (a separator inside an unquoted value?)"
                              % (len(row), len(columns))))
            candidates.append({"source": path, "record": "line %d" % reader.line_num, "raw": raw, "schema": extra,
                               "inline": False})
    except csv.Error as exc:
        raise FileProblem("line %d: is not valid CSV: %s" % (reader.line_num, exc))
    return candidates


def _document_candidates(path):
    document = read_document(path)
    if not isinstance(document, dict):
        raise FileProblem("must be a mapping with format: %s, format_version: 1 and attestations: [...]" % FORMAT)
    whole, per_item = schema_problems(SCHEMA, document, "attestations")
    if whole:
        raise FileProblem("; ".join("%s: %s" % (field or "(top)", message) for field, message in whole))
    return [{"source": path, "record": "attestations[%d]" % index, "raw": raw, "schema": per_item.get(index, []),
             "inline": False} for index, raw in enumerate(document["attestations"])]


def read_attestation_file(path):
    """([candidate, ...], file status, [input error]) for one CSV, YAML or JSON attestations file."""
    status = {"path": path, "status": "read", "records": 0, "invalid": 0, "detail": ""}
    try:
        candidates = _csv_candidates(path) if path.lower().endswith(".csv") else _document_candidates(path)
    except FileProblem as exc:
        status.update(status="failed", detail="%s %s" % (path, exc))
        return [], status, [input_error(path, None, None, "%s %s; none of its answers counts" % (path, exc))]
    status["records"] = len(candidates)
    return candidates, status, []


def parse_when(value):
    """The date of an answer: a date, YYYY-MM-DD, or an ISO 8601 date and time (its UTC date); ValueError otherwise."""
    if isinstance(value, datetime.datetime):
        moment = value
    elif isinstance(value, datetime.date):
        return value
    elif isinstance(value, str):
        text = value.strip()
        if len(text) == 10:
            try:
                return datetime.date.fromisoformat(text)
            except ValueError:
                pass
            raise ValueError("%r is not a date YYYY-MM-DD" % (value,))
        try:
            moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            raise ValueError("%r is not a date YYYY-MM-DD or an ISO 8601 date and time" % (value,))
    else:
        raise ValueError("%r is not a date YYYY-MM-DD" % (value,))
    if moment.tzinfo is not None:
        moment = moment.astimezone(datetime.timezone.utc)
    return moment.date()


def _answer(value):
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ANSWERS:
        return ANSWERS[value.strip().lower()]
    return None


def _text(value):
    return isinstance(value, str) and value.strip() != ""


def check_validity_overrides(overrides, controls):
    """[problem, ...] for signal_hardening_attestation_validity_days: known attestation controls, 1 to 730 days."""
    by_id = {control["id"]: control for control in controls}
    found = []
    for control_id, days in sorted((overrides or {}).items(), key=lambda item: str(item[0])):
        control = by_id.get(control_id)
        if control is None:
            found.append("%s is not a control of the catalogue" % control_id)
        elif control["check"]["method"] != "attestation":
            found.append("%s is %s, not attested: only attestation controls have a validity" % (
                control_id, METHOD_WORDS.get(control["check"]["method"], control["check"]["method"])))
        if isinstance(days, bool) or not isinstance(days, int) or not VALIDITY_RANGE[0] <= days <= VALIDITY_RANGE[1]:
            found.append("%s: %r days is not a whole number of days from %d to %d" % ((control_id, days) + VALIDITY_RANGE))
    return found


def apply_validity_overrides(controls, overrides):
    """The catalogue with each overridden attestation control's validity_days replaced (copies; the input is kept)."""
    if not overrides:
        return list(controls)
    changed = []
    for control in controls:
        if control["id"] in overrides and control["check"]["method"] == "attestation":
            control = dict(control, check=dict(control["check"], validity_days=int(overrides[control["id"]])))
        changed.append(control)
    return changed


class AttestationCollector(object):
    """Collects answers from every file and the inline list, leaving out each mistaken one with its reasons."""

    def __init__(self, controls, today):
        self.methods = {control["id"]: control["check"]["method"] for control in controls}
        self.today = today.date() if isinstance(today, datetime.datetime) else today
        self.valid = []    # normalized attestations for the engine
        self.errors = []   # input errors
        self.files = []    # one status per file
        self.invalid = 0
        self._seen = {}

    def add_inline(self, records):
        for index, raw in enumerate(records or ()):
            self.add({"source": INLINE_SOURCE, "record": "%s[%d]" % (INLINE_SOURCE, index), "raw": raw, "schema": [],
                      "inline": True})

    def add_file(self, path):
        candidates, status, errors = read_attestation_file(path)
        self.errors.extend(errors)
        for candidate in candidates:
            if not self.add(candidate):
                status["invalid"] += 1
        if status["status"] == "read":
            status["detail"] = "%d answer(s), %d left out" % (status["records"], status["invalid"])
        self.files.append(status)

    def _field_problems(self, raw, name):
        """[(field as written, problem)] and the parsed (person, answer, date) of one row."""
        found = []
        person = raw.get(name("person"))
        if person in (None, ""):
            found.append((name("person"), "is required"))
        elif not _text(person):
            found.append((name("person"), "must be a non-empty string, got %r" % (person,)))
        control = raw.get("control")
        method = self.methods.get(control) if isinstance(control, str) else None
        if control in (None, ""):
            found.append(("control", "is required"))
        elif not isinstance(control, str):
            found.append(("control", "must be a control id, got %r" % (control,)))
        elif method is None:
            found.append(("control", "%s is not a control of the catalogue" % control))
        elif method != "attestation":
            found.append(("control", "%s is %s, not answered by people" % (control, METHOD_WORDS.get(method, method))))
        answer = _answer(raw.get("answer"))
        if raw.get("answer") in (None, ""):
            found.append(("answer", "is required (yes or no)"))
        elif answer is None:
            found.append(("answer", "unknown answer %r; use yes, no, true or false" % (raw.get("answer"),)))
        date = None
        if raw.get("date") in (None, ""):
            found.append(("date", "is required (YYYY-MM-DD)"))
        else:
            try:
                date = parse_when(raw["date"])
            except ValueError as exc:
                found.append(("date", str(exc)))
            else:
                if date > self.today:
                    found.append(("date", "%s is in the future (today is %s, UTC)" % (date.isoformat(), self.today.isoformat())))
        by = raw.get(name("attested_by"))
        if by is not None and not _text(by):
            found.append((name("attested_by"), "must be a non-empty string, got %r" % (by,)))
        return found, person, answer, date

    def add(self, candidate):
        """True when the answer is valid and counts."""
        raw = candidate["raw"]
        inline = candidate["inline"]

        def name(field):
            return INLINE_NAMES.get(field, field) if inline else field

        if not isinstance(raw, dict):
            found = [(None, "an attestation must be a mapping")]
        else:
            found, person, answer, date = self._field_problems(raw, name)
            named = {field for field, _problem in found}
            found.extend((field, message) for field, message in candidate["schema"] if field not in named)
            if not found:
                key = (person.strip().lower(), raw["control"], date)
                first = self._seen.get(key)
                if first is not None:
                    found.append(("%s, control, date" % name("person"),
                                  "duplicate of %s: the same person, control and date" % first["record"]))
        if found:
            self.invalid += 1
            for field, problem in found:
                message = problem if field is None else "%s: %s" % (field, problem)
                self.errors.append(input_error(candidate["source"], candidate["record"], field, message))
            return False
        self._seen[key] = candidate
        self.valid.append({"owner": key[0], "control": raw["control"], "answer": answer, "date": date,
                           "by": str(raw.get(name("attested_by")) or person).strip(),
                           "source": candidate["source"], "record": candidate["record"]})
        return True

    def section(self, overrides):
        return {"counts": {"records": len(self.valid) + self.invalid, "valid": len(self.valid), "invalid": self.invalid},
                "files": list(self.files), "validity_days": {key: int(value) for key, value in sorted((overrides or {}).items())}}
