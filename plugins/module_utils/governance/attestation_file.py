# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Attestations as a survey tool exports them: CSV (columns person, control, answer, date and optionally
attested_by), or YAML/JSON (schemas/attestations.schema.json); and signal_hardening_attestations.

Every mistake is reported with the file, the line (CSV) or record (YAML) and the field: an unknown control, a
control that is not answered by people, an unknown answer, a bad date or one after the evaluation time, text that
is not valid Unicode, the same person, control, moment and answer twice. A row with any mistake is left out: the
result it would have decided stays manual. The date may hold a time (ISO 8601; UTC when it names no zone); a
date alone stands for its whole UTC day (engine/attestations.py). Two answers of the same person and control
that differ and cannot be ordered (the same moment, or a date alone whose day holds the other's time) are both
kept and named as a conflict: the engine then gives fail, never pass.

A CSV row whose answer and date are both empty is a question not answered yet (a questionnaire's template row): it
is counted as unanswered, not as a mistake.

Also: the organisation's per-control validity (signal_hardening_attestation_validity_days).

Controller-side only (reads files).
"""

from __future__ import annotations

import csv
import datetime
import io

from ansible_collections.hardening.signal.plugins.module_utils import text_checks
from ansible_collections.hardening.signal.plugins.module_utils.engine.attestations import (
    attestation,
    cannot_be_ordered,
    where_given,
)
from ansible_collections.hardening.signal.plugins.module_utils.engine.dates import parse_moment
from ansible_collections.hardening.signal.plugins.module_utils.governance.documents import (
    FileProblem,
    check_size,
    input_error,
    read_list_document,
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
    attestations, per_item = read_list_document(path, SCHEMA, "attestations", FORMAT)
    return [{"source": path, "record": "attestations[%d]" % index, "raw": raw, "schema": per_item.get(index, []),
             "inline": False} for index, raw in enumerate(attestations)]


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


def _answer(value):
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ANSWERS:
        return ANSWERS[value.strip().lower()]
    return None


def _word(answer):
    return "yes" if answer else "no"


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

    def __init__(self, controls, now):
        self.methods = {control["id"]: control["check"]["method"] for control in controls}
        # Answers after this moment are refused: signal_hardening_evaluation_time, or now.
        self.now = now if isinstance(now, datetime.datetime) else datetime.datetime(
            now.year, now.month, now.day, 23, 59, 59, tzinfo=datetime.timezone.utc)
        self.valid = []    # normalized attestations for the engine
        self.errors = []   # input errors
        self.files = []    # one status per file
        self.invalid = 0
        self.conflicts = []  # the input errors (also in errors) that name two answers that conflict
        self._by_key = {}  # (person, control) -> the valid answers so far

    def add_inline(self, records):
        for index, raw in enumerate(records or ()):
            self.add({"source": INLINE_SOURCE, "record": "%s[%d]" % (INLINE_SOURCE, index), "raw": raw, "schema": [],
                      "inline": True})

    def add_file(self, path):
        candidates, status, errors = read_attestation_file(path)
        self.errors.extend(errors)
        unanswered = 0
        for candidate in candidates:
            counted = self.add(candidate)
            if counted is None:
                unanswered += 1
            elif not counted:
                status["invalid"] += 1
        status["records"] -= unanswered
        if status["status"] == "read":
            status["detail"] = "%d answer(s), %d left out" % (status["records"], status["invalid"])
            if unanswered:
                status["detail"] += ", %d question(s) not answered yet" % unanswered
        self.files.append(status)

    def _when(self, value, found):
        """The Moment of an answer, or None with the problem added to found."""
        try:
            moment = parse_moment(value)
        except ValueError as exc:
            found.append(("date", str(exc)))
            return None
        now_text = self.now.isoformat().replace("+00:00", "Z")
        if moment.timed and moment.at > self.now:
            found.append(("date", "%s is after the evaluation time %s (signal_hardening_evaluation_time, or now): an "
                                  "answer cannot come from the future" % (moment.text(), now_text)))
        elif not moment.timed and moment.day > self.now.date():
            found.append(("date", "%s is in the future (the evaluation time is %s, UTC)" % (moment.text(), now_text)))
        else:
            return moment
        return None

    def _field_problems(self, raw, name):
        """[(field as written, problem)] and the parsed (person, answer, moment) of one row."""
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
        moment = None
        if raw.get("date") in (None, ""):
            found.append(("date", "is required (YYYY-MM-DD, or an ISO 8601 date and time)"))
        else:
            moment = self._when(raw["date"], found)
        by = raw.get(name("attested_by"))
        if by is not None and not _text(by):
            found.append((name("attested_by"), "must be a non-empty string, got %r" % (by,)))
        return found, person, answer, moment

    def add(self, candidate):
        """True when the answer is valid and counts, False when it is left out, None for a question not answered."""
        raw = candidate["raw"]
        inline = candidate["inline"]

        def name(field):
            return INLINE_NAMES.get(field, field) if inline else field

        conflicts = []
        if not isinstance(raw, dict):
            found = [(None, "an attestation must be a mapping")]
        elif not inline and raw.get("answer") in (None, "") and raw.get("date") in (None, "") and not candidate["schema"]:
            return None
        else:
            # Text that is not valid Unicode first: the other checks would quote it.
            found = [(field, message) for field, _keys, message in text_checks.surrogate_fields(raw)]
            if not found:
                found, person, answer, moment = self._field_problems(raw, name)
            named = {field for field, _problem in found}
            found.extend((text_checks.escaped(field), text_checks.escaped(message)) for field, message in candidate["schema"]
                         if text_checks.escaped(field) not in named)
            if not found:
                answers = self._by_key.setdefault((person.strip().lower(), raw["control"]), [])
                for earlier in answers:
                    if earlier["moment"] != moment:
                        continue
                    if earlier["answer"] == answer:
                        found.append(("%s, control, date" % name("person"), "duplicate of %s: the same person, control, "
                                      "moment and answer" % earlier["record"]))
                        break
                if not found:
                    row = attestation(person, raw["control"], answer, moment,
                                      str(raw.get(name("attested_by")) or person).strip(),
                                      text_checks.escaped(candidate["source"]), candidate["record"])
                    conflicts = [earlier for earlier in answers if earlier["answer"] != answer
                                 and cannot_be_ordered(earlier, row)]
        source = text_checks.escaped(candidate["source"])
        if found:
            self.invalid += 1
            for field, problem in found:
                message = problem if field is None else "%s: %s" % (field, problem)
                self.errors.append(input_error(source, candidate["record"], field, message))
            return False
        for earlier in conflicts:
            # Both answers stay: the engine decides (a conflict is never a pass); the rows are named to be fixed.
            self.conflicts.append(input_error(source, candidate["record"], "answer, date", (
                "answer, date: %s at %s conflicts with %s (%s at %s): the same person and control, and which came "
                "last cannot be told (the same moment, or a date without a time that covers the other); the result "
                "is fail until one is corrected" % (_word(answer), moment.text(), where_given(earlier),
                                                    _word(earlier["answer"]), earlier["moment"].text()))))
            self.errors.append(self.conflicts[-1])
        answers.append(row)
        self.valid.append(row)
        return True

    def section(self, overrides):
        return {"counts": {"records": len(self.valid) + self.invalid, "valid": len(self.valid), "invalid": self.invalid},
                "files": list(self.files), "validity_days": {key: int(value) for key, value in sorted((overrides or {}).items())}}
