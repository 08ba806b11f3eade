# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Check one normalized phone record against schemas/mobile_device.schema.json, whatever source it came from.

A record that fails the schema in fields other than id/platform is still
judged: its malformed fields are removed and explained in record.errors,
so the controls that need them report error while the rest are judged. A
record without a usable id or platform cannot be judged at all.
"""

from __future__ import annotations

import json

from ansible_collections.hardening.signal.plugins.module_utils.schema_validation import problems

RECORD_SCHEMA = "mobile_device.schema.json"
_FATAL_FIELDS = (None, "id", "platform")


def check_record(record, label, source_label):
    """(record, input errors, why it is unusable or None); the record returned may be a cleaned copy."""
    if not isinstance(record, dict):
        message = "a device record must be a JSON object"
        return None, [{"source": source_label, "record": label, "field": None, "message": message}], message
    found = problems(RECORD_SCHEMA, record)
    errors = [{"source": source_label, "record": label, "field": field, "message": message} for field, message in found]
    fatal = [(f, m) for f, m in found if f in _FATAL_FIELDS]
    if fatal:
        return record, errors, "; ".join("%s: %s" % (f or "(top)", m) for f, m in fatal)
    if found:
        record = _without_fields(record, found)
    return record, errors, None


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
