# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection's JSON Schemas (schemas/ at the collection root) and error messages that name the field.

Controller-side only: needs the jsonschema package (requirements.txt).
"""

from __future__ import annotations

import json
import os

try:
    import jsonschema
    HAS_JSONSCHEMA = True
    JSONSCHEMA_IMPORT_ERROR = None
except ImportError as _exc:  # pragma: no cover - reported when used
    HAS_JSONSCHEMA = False
    JSONSCHEMA_IMPORT_ERROR = _exc

# plugins/module_utils/ -> collection root
SCHEMA_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "schemas")

_VALIDATORS = {}


class SchemaUnavailable(Exception):
    pass


def load_schema(name):
    with open(os.path.join(SCHEMA_DIR, name), encoding="utf-8") as handle:
        return json.load(handle)


def validator(name):
    """A cached Draft 2020-12 validator for schemas/<name>."""
    if not HAS_JSONSCHEMA:
        raise SchemaUnavailable("the Python package jsonschema is required on the controller (pip install -r requirements.txt): %s"
                                % JSONSCHEMA_IMPORT_ERROR)
    if name not in _VALIDATORS:
        schema = load_schema(name)
        _VALIDATORS[name] = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    return _VALIDATORS[name]


def field_path(error):
    """'signal.version' or 'devices[3].owner' for a jsonschema error; None at the top."""
    text = ""
    for part in error.absolute_path:
        text += "[%d]" % part if isinstance(part, int) else ("." if text else "") + str(part)
    return text or None


def problems(name, document, limit=20):
    """[(field, message), ...] sorted by field; empty when the document is valid."""
    found = []
    for error in validator(name).iter_errors(document):
        message = error.message
        if len(message) > 300:
            message = message[:300] + "..."
        found.append((field_path(error), message))
        if len(found) >= limit:
            break
    found.sort(key=lambda item: item[0] or "")
    return found
