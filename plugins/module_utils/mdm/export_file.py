# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The export-file MDM source: a JSON file of normalized phone records (schemas/mdm_export.schema.json).

The envelope is checked as a whole; each record on its own, so one bad
record is reported (file, record, field) and the others are still judged.
"""

from __future__ import annotations

import json

from ansible_collections.hardening.signal.plugins.module_utils.mdm.records import check_record
from ansible_collections.hardening.signal.plugins.module_utils.text_checks import escaped
from ansible_collections.hardening.signal.plugins.module_utils.schema_validation import problems

ENVELOPE_SCHEMA = "mdm_export.schema.json"


class SourceFailed(Exception):
    """The source as a whole could not be read; nothing from it can be judged."""


def record_label(index, record, where=None):
    """devices[3] (id x), or for a CSV row line 5 (id x): where the record is in its file."""
    where = where or "devices[%d]" % index
    if isinstance(record, dict) and isinstance(record.get("id"), str) and record["id"]:
        return "%s (id %s)" % (where, escaped(record["id"]))
    return where


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


def check_records(records, source_label, places=None):
    """([(label, record that may be judged)], input errors, [(label, invalid record, why)]) for one export file.

    places: where each record is in the file (a CSV row's line), instead of its index in devices."""
    usable, errors, invalid = [], [], []
    for index, record in enumerate(records):
        label = record_label(index, record, places[index] if places else None)
        record, found, why = check_record(record, label, source_label)
        errors.extend(found)
        if why is not None:
            invalid.append((label, record, why))
        else:
            usable.append((label, record))
    return usable, errors, invalid
