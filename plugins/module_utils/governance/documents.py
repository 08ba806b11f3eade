# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the waiver and attestation loaders share: reading a YAML or JSON file, schema problems per list item,
and the input-error records that name the file, the record and the field.

Controller-side only.
"""

from __future__ import annotations

import datetime
import json
import os
import re

try:
    import yaml
    HAS_YAML = True
except ImportError:  # pragma: no cover - ansible-core itself requires PyYAML on the controller
    HAS_YAML = False

from ansible_collections.hardening.signal.plugins.module_utils.schema_validation import problems

# Bigger than any sane governance file; a mistaken path to a huge file is refused rather than read.
MAX_FILE_BYTES = 32 * 1024 * 1024


class FileProblem(Exception):
    """The file as a whole cannot be used; nothing in it is loaded."""


def input_error(source, record, field, message):
    return {"source": source, "record": record, "field": field, "message": message}


def check_size(path):
    try:
        size = os.path.getsize(path)
    except OSError as exc:
        raise FileProblem("cannot be read: %s" % (exc.strerror or exc))
    if size > MAX_FILE_BYTES:
        raise FileProblem("is %d bytes, more than the %d allowed" % (size, MAX_FILE_BYTES))


def plain(value):
    """The document with YAML's dates and times as ISO strings, so it can be checked as JSON."""
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value


def read_document(path):
    """The parsed document of a .json, .yml or .yaml file (dates as strings); FileProblem otherwise."""
    check_size(path)
    try:
        with open(path, encoding="utf-8-sig") as handle:
            text = handle.read()
    except OSError as exc:
        raise FileProblem("cannot be read: %s" % (exc.strerror or exc))
    except UnicodeDecodeError as exc:
        raise FileProblem("is not UTF-8 text: %s" % exc)
    if path.lower().endswith(".json"):
        try:
            return plain(json.loads(text))
        except ValueError as exc:
            raise FileProblem("is not valid JSON: %s" % exc)
    if not HAS_YAML:
        raise FileProblem("reading YAML needs the Python package PyYAML on the controller")
    try:
        return plain(yaml.safe_load(text))
    except yaml.YAMLError as exc:
        raise FileProblem("is not valid YAML: %s" % str(exc).replace("\n", " "))


_ITEM = re.compile(r"^(?P<list>[A-Za-z_]+)\[(?P<index>\d+)\](?:\.(?P<field>.+))?$")
_REQUIRED = re.compile(r"^'(?P<name>[^']+)' is a required property$")
_UNEXPECTED = re.compile(r"\('(?P<name>[^']+)' was unexpected\)$")


def schema_problems(schema, document, list_key):
    """(problems of the file as a whole, {item index: [(field, message)]}) for a document with a list of items.

    A problem with an item as a whole (a required property missing, an unexpected one) is given the name of
    that property as its field.
    """
    whole, items = [], {}
    for path, message in problems(schema, document, limit=10000):
        match = _ITEM.match(path or "")
        if not match or match.group("list") != list_key:
            whole.append((path, message))
            continue
        field = match.group("field")
        if field is None:
            named = _REQUIRED.match(message) or _UNEXPECTED.search(message)
            field = named.group("name") if named else None
        else:
            # scope.platforms[0] -> scope.platforms: the field a person edits.
            field = re.sub(r"\[\d+\]$", "", field)
        items.setdefault(int(match.group("index")), []).append((field, message))
    return whole, items


def describe(found):
    return "; ".join("%s: %s" % (field or "(top)", message) for field, message in found)


def read_list_document(path, schema, list_key, format_name):
    """(the items of a YAML or JSON governance file, {item index: [(field, message)]} of the schema problems of
    each); FileProblem when the file cannot be read or is wrong as a whole (no mapping, no list of items...)."""
    document = read_document(path)
    if not isinstance(document, dict):
        raise FileProblem("must be a mapping with format: %s, format_version: 1 and %s: [...]" % (format_name, list_key))
    whole, per_item = schema_problems(schema, document, list_key)
    if whole:
        raise FileProblem(describe(whole))
    return document[list_key], per_item
