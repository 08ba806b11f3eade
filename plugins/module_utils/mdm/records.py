# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Check one normalized phone record against schemas/mobile_device.schema.json, whatever source it came from.

A record that fails the schema in fields other than id/platform is still
judged: its malformed fields are removed and explained in record.errors,
so the controls that need them report error while the rest are judged. A
record without a usable id or platform cannot be judged at all.

Before the schema check two things are taken out of the record, each named
as an input error with its field: fields the schema does not know (a
misspelt signal.instal_source must not pass unnoticed; the schema refuses
them too, this names them exactly), and text that is not valid Unicode
(text_checks), which no report could hold.
"""

from __future__ import annotations

import difflib
import json

from ansible_collections.hardening.signal.plugins.module_utils import text_checks
from ansible_collections.hardening.signal.plugins.module_utils.schema_validation import load_schema, problems

RECORD_SCHEMA = "mobile_device.schema.json"
_FATAL_FIELDS = (None, "id", "platform")
_FIELDS = {}


def known_fields():
    """{None: top-level field names, object field: its field names} for every object of the schema that is closed
    (additionalProperties false); read from the schema, so it is the one list of fields."""
    if not _FIELDS:
        schema = load_schema(RECORD_SCHEMA)
        _FIELDS[None] = frozenset(schema["properties"])
        for name, sub in schema["properties"].items():
            if isinstance(sub, dict) and "properties" in sub and sub.get("additionalProperties") is False:
                _FIELDS[name] = frozenset(sub["properties"])
    return _FIELDS


def _unknown_message(parent, key, allowed):
    known = sorted(allowed)
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.75)
    where = "the phone record" if parent is None else parent
    hint = " (did you mean %s?)" % (close[0] if parent is None else "%s.%s" % (parent, close[0])) if close else ""
    return "is not a field of %s%s; it is not used (the fields are: %s)" % (where, hint, ", ".join(known))


def unknown_fields(record):
    """[(field, keys, message)] for every field of record the schema does not name."""
    fields = known_fields()
    found = []
    if not fields[None].issuperset(record):
        found.extend((text_checks.escaped(str(key)), (key,), _unknown_message(None, str(key), fields[None]))
                     for key in record if key not in fields[None])
    for parent, allowed in fields.items():
        node = record.get(parent) if parent is not None else None
        if isinstance(node, dict) and not allowed.issuperset(node):
            found.extend(("%s.%s" % (parent, text_checks.escaped(str(key))), (parent, key),
                          _unknown_message(parent, str(key), allowed)) for key in node if key not in allowed)
    return found


def _copy(record):
    # A record is what JSON gave (or a client built from JSON): a round trip copies it faster than deepcopy.
    return json.loads(json.dumps(record))


def _dropped(record, found):
    """A copy of record without the entries found names (each by its keys)."""
    cleaned = _copy(record)
    for _field, keys, _message in found:
        node = cleaned
        for key in keys[:-1]:
            node = node.get(key) if isinstance(node, dict) else None
        if isinstance(node, dict):
            node.pop(keys[-1], None)
    return cleaned


def check_record(record, label, source_label):
    """(record, input errors, why it is unusable or None); the record returned may be a cleaned copy."""
    if not isinstance(record, dict):
        message = "a device record must be a JSON object"
        return None, [{"source": source_label, "record": label, "field": None, "message": message}], message
    unknown = unknown_fields(record)
    dropped = [keys for _field, keys, _message in unknown]
    # Text inside an unknown field is already named with it.
    not_text = [item for item in text_checks.surrogate_fields(record)
                if not any(item[1][:len(keys)] == keys for keys in dropped)]
    errors = [{"source": source_label, "record": label, "field": field, "message": message}
              for field, _keys, message in unknown + not_text]
    if unknown or not_text:
        record = _dropped(record, unknown + not_text)
    found = problems(RECORD_SCHEMA, record)
    if not_text:
        # An id or platform dropped for its text is already named; the schema would add that it is missing.
        gone = {"'%s' is a required property" % field for field, _keys, _message in not_text}
        found = [(field, message) for field, message in found if not (field is None and message in gone)]
    errors.extend({"source": source_label, "record": label, "field": field, "message": message} for field, message in found)
    # A field that is not valid text counts as malformed like one the schema refuses (unknown fields are only
    # named: no control reads them).
    malformed = found + [(field, message) for field, _keys, message in not_text]
    fatal = [(f, m) for f, m in malformed if f in _FATAL_FIELDS]
    if fatal:
        return text_checks.escaped_all(record), errors, "; ".join("%s: %s" % (f or "(top)", m) for f, m in fatal)
    if malformed:
        record = _without_fields(record, found, not_text)
    return record, errors, None


def _without_fields(record, found, not_text):
    """A copy of record with each malformed field dropped and explained in errors."""
    cleaned = _copy(record)
    explained = {}
    for field, message in found:
        path = field.split("[", 1)[0]
        keys = path.split(".")
        node = cleaned
        for key in keys[:-1]:
            node = node.get(key) if isinstance(node, dict) else None
        if isinstance(node, dict):
            node.pop(keys[-1], None)
        # The field is named in the words too: the reasons of the controls that need it say what to fix.
        explained[path] = "field %s of the source record is malformed: %s" % (path, message)
    for field, _keys, message in not_text:
        path = field.split("[", 1)[0]
        explained[path] = "field %s of the source record is malformed: %s" % (path, message)
    # Set last: a malformed errors map of the source is itself dropped above.
    errors = cleaned.get("errors")
    if not isinstance(errors, dict):
        errors = cleaned["errors"] = {}
    errors.update(explained)
    return cleaned
