# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pull every configured MDM source once and turn its records into subjects.

A source that fails is reported with status failed (nothing judged) and
never silently dropped; bad records are listed as input errors and still
appear as subjects in state invalid.
"""

from __future__ import annotations

import os

from ansible_collections.hardening.signal.plugins.module_utils.fleet.subjects import (
    invalid_mobile_subject,
    mobile_subject,
)
from ansible_collections.hardening.signal.plugins.module_utils.mdm import export_file

SUPPORTED_TYPES = ("file",)


def _status(name, source_type, status, subjects, errors, detail):
    return {"name": name, "type": source_type, "status": status, "subjects": subjects, "errors": errors, "detail": detail}


def pull_source(spec):
    """(subjects, input_errors, source_status) for one source spec {name, type, path}."""
    source_type = spec.get("type")
    name = spec.get("name") or ("%s:%s" % (source_type, spec.get("path")))
    if source_type not in SUPPORTED_TYPES:
        message = "source type %r is not supported (supported: %s)" % (source_type, ", ".join(SUPPORTED_TYPES))
        error = {"source": name, "record": None, "field": "type", "message": message}
        return [], [error], _status(name, str(source_type), "failed", 0, 1, message)
    path = spec.get("path")
    if isinstance(path, str):
        path = os.path.normpath(path)
    try:
        records = export_file.read_export(path)
    except export_file.SourceFailed as exc:
        error = {"source": name, "record": None, "field": None, "message": str(exc)}
        return [], [error], _status(name, source_type, "failed", 0, 1, str(exc))
    label = "%s (%s)" % (name, path)
    usable, errors, invalid = export_file.check_records(records, label)
    subjects = [mobile_subject(r, name, source_type) for r in usable]
    subjects.extend(invalid_mobile_subject(lab, rec, name, source_type, why) for lab, rec, why in invalid)
    detail = "%d record(s) read from %s" % (len(records), path)
    return subjects, errors, _status(name, source_type, "complete", len(subjects), len(errors), detail)
