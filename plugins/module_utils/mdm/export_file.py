# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The export-file MDM source: a JSON file of normalized phone records (schemas/mdm_export.schema.json).

The envelope is checked as a whole; each record on its own, so one bad
record is reported (file, record, field) and the others are still judged.
"""

from __future__ import annotations

import json

from ansible_collections.hardening.signal.plugins.module_utils.schema_validation import problems

ENVELOPE_SCHEMA = "mdm_export.schema.json"
RECORD_SCHEMA = "mobile_device.schema.json"


class SourceFailed(Exception):
    """The source as a whole could not be read; nothing from it can be judged."""


def record_label(index, record):
    if isinstance(record, dict) and isinstance(record.get("id"), str) and record["id"]:
        return "devices[%d] (id %s)" % (index, record["id"])
    return "devices[%d]" % index


def read_export(path):
    """Parse and check the envelope; returns the raw records."""
    try:
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
    except OSError as exc:
        raise SourceFailed("%s: cannot be read: %s" % (path, exc.strerror or exc))
    except ValueError as exc:
        raise SourceFailed("%s: is not valid JSON: %s" % (path, exc))
    found = problems(ENVELOPE_SCHEMA, document)
    if found:
        raise SourceFailed("%s: %s" % (path, "; ".join("%s: %s" % (field or "(top)", msg) for field, msg in found)))
    return document["devices"]


def check_records(records, source_label):
    """(records that may be judged, input errors, invalid records).

    A record that fails the schema in fields other than id/platform is
    still judged: its malformed fields are removed and listed in
    facts.errors, so the controls that need them report error while the
    rest are judged. A record without a usable id or platform cannot be
    judged at all and comes back in the invalid list.
    """
    usable, errors, invalid = [], [], []
    for index, record in enumerate(records):
        label = record_label(index, record)
        if not isinstance(record, dict):
            errors.append({"source": source_label, "record": label, "field": None, "message": "a device record must be a JSON object"})
            invalid.append((label, None, "a device record must be a JSON object"))
            continue
        found = problems(RECORD_SCHEMA, record)
        fatal = [(f, m) for f, m in found if f in (None, "id", "platform")]
        for field, message in found:
            errors.append({"source": source_label, "record": label, "field": field, "message": message})
        if fatal:
            invalid.append((label, record, "; ".join("%s: %s" % (f or "(top)", m) for f, m in fatal)))
            continue
        if found:
            record = _without_fields(record, found)
        usable.append(record)
    return usable, errors, invalid


def _without_fields(record, found):
    """A copy of record with each malformed field dropped and explained in errors."""
    copy = json.loads(json.dumps(record))
    errors = copy.setdefault("errors", {})
    for field, message in found:
        path = field.split("[", 1)[0]
        keys = path.split(".")
        node = copy
        for key in keys[:-1]:
            node = node.get(key) if isinstance(node, dict) else None
        if isinstance(node, dict):
            node.pop(keys[-1], None)
        errors[path] = "malformed in the source record: %s" % message
    return copy
