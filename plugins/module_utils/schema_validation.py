# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection's JSON Schemas (schemas/ at the collection root) and error messages that name the field.

Controller-side only: needs the jsonschema package (requirements.txt).

jsonschema is the authority, and the only source of error messages. It is
slow on big documents (a 50,000-subject fleet summary holds about 750,000
results), so when the fastjsonschema package is installed each schema is
also compiled to Python code, and a document that passes that compiled
check is valid without asking jsonschema. Any document it rejects, and any
error it raises, goes to jsonschema, which then names the fields as before.

For that shortcut to never let through what jsonschema refuses, it is only
taken for schemas whose keywords both libraries judge alike (see
_FAST_KEYWORDS), with jsonschema's own format checks and with tuples never
counting as arrays (jsonschema's rule). Where it would be at most stricter
(integer 1.0, '$' before a final newline), jsonschema has the last word.
"""

from __future__ import annotations

import functools
import json
import os

try:
    import jsonschema
    HAS_JSONSCHEMA = True
    JSONSCHEMA_IMPORT_ERROR = None
except ImportError as _exc:  # pragma: no cover - reported when used
    HAS_JSONSCHEMA = False
    JSONSCHEMA_IMPORT_ERROR = _exc

try:
    from fastjsonschema.draft07 import CodeGeneratorDraft07 as _CodeGenerator
    from fastjsonschema.generator import enforce_list as _enforce_list
    from fastjsonschema.ref_resolver import RefResolver as _RefResolver
    HAS_FASTJSONSCHEMA = True
except ImportError:  # pragma: no cover - jsonschema alone is correct, only slower
    _CodeGenerator = object
    HAS_FASTJSONSCHEMA = False

# plugins/module_utils/ -> collection root
SCHEMA_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "schemas")

_VALIDATORS = {}
_FAST = {}

# Keywords whose meaning is the same in Draft 2020-12 (jsonschema) and in fastjsonschema's Draft 7 code.
_FAST_SCHEMA_MAPS = ("properties", "$defs")
_FAST_SCHEMA_LISTS = ("oneOf", "anyOf", "allOf")
_FAST_SCHEMA_ONE = ("not", "items", "additionalProperties")
_FAST_VALUES = ("type", "enum", "const", "required", "minLength", "maxLength", "pattern", "format", "minimum", "maximum",
                "minItems", "maxItems", "uniqueItems")
_FAST_ANNOTATIONS = ("title", "description", "$comment", "examples")
_FAST_KEYWORDS = frozenset(_FAST_SCHEMA_MAPS + _FAST_SCHEMA_LISTS + _FAST_SCHEMA_ONE + _FAST_VALUES + _FAST_ANNOTATIONS)


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


class _StrictArrays(_CodeGenerator):
    """fastjsonschema's Draft 7 code, except that a tuple is not an array (as in jsonschema)."""

    def generate_type(self):
        super(_StrictArrays, self).generate_type()
        types = _enforce_list(self._definition["type"])
        if "array" in types:
            with self.l("if isinstance({variable}, tuple):"):
                self.exc("{name} must be {}", " or ".join(types), rule="type")


def _fast_eligible(schema, top=True):
    """True when every keyword of the schema is one both libraries judge alike."""
    if isinstance(schema, bool):
        return True
    if not isinstance(schema, dict):
        return False
    for key, value in schema.items():
        if key in ("$schema", "$id"):
            if not top:
                return False
        elif key == "$ref":
            # A local reference alone (Draft 7 would ignore siblings that 2020-12 applies).
            if not (isinstance(value, str) and value.startswith("#")) or set(schema) - {"$ref"} - set(_FAST_ANNOTATIONS):
                return False
        elif key not in _FAST_KEYWORDS:
            return False
        elif key in _FAST_SCHEMA_MAPS:
            if not isinstance(value, dict) or not all(_fast_eligible(sub, False) for sub in value.values()):
                return False
        elif key in _FAST_SCHEMA_LISTS:
            if not isinstance(value, list) or not all(_fast_eligible(sub, False) for sub in value):
                return False
        elif key in _FAST_SCHEMA_ONE:
            if not _fast_eligible(value, False):
                return False
    return True


def _formats_used(schema, found):
    if isinstance(schema, dict):
        if isinstance(schema.get("format"), str):
            found.add(schema["format"])
        for key, value in schema.items():
            if key in _FAST_SCHEMA_MAPS and isinstance(value, dict):
                for sub in value.values():
                    _formats_used(sub, found)
            elif key in _FAST_SCHEMA_LISTS and isinstance(value, list):
                for sub in value:
                    _formats_used(sub, found)
            elif key in _FAST_SCHEMA_ONE:
                _formats_used(value, found)
    return found


def _inline_references(schema):
    """A copy of an eligible schema with each local $ref that leads to no cycle replaced by what it points to.

    Only for the compiled check: inline code saves a function call per value checked (the summary's
    750,000 results each have two), and means the same as the reference. Recursive references stay.
    """
    def target(ref):
        node = schema
        for part in ref[2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    def subschemas(node):
        for key, value in node.items():
            if key in _FAST_SCHEMA_MAPS:
                yield from value.values()
            elif key in _FAST_SCHEMA_LISTS:
                yield from value
            elif key in _FAST_SCHEMA_ONE:
                yield value

    def references(node, found):
        if isinstance(node, dict):
            if "$ref" in node:
                found.add(node["$ref"])
            else:
                for sub in subschemas(node):
                    references(sub, found)
        return found

    acyclic = {}

    def leads_to_no_cycle(ref, visiting=frozenset()):
        if ref not in acyclic:
            if ref in visiting or not ref.startswith("#/") or "%" in ref:
                return False
            acyclic[ref] = all(leads_to_no_cycle(sub, visiting | {ref}) for sub in references(target(ref), set()))
        return acyclic[ref]

    def walk(node):
        if not isinstance(node, dict):
            return node
        if "$ref" in node:
            return walk(target(node["$ref"])) if leads_to_no_cycle(node["$ref"]) else node
        copy = {}
        for key, value in node.items():
            if key in _FAST_SCHEMA_MAPS:
                value = {name: walk(sub) for name, sub in value.items()}
            elif key in _FAST_SCHEMA_LISTS:
                value = [walk(sub) for sub in value]
            elif key in _FAST_SCHEMA_ONE:
                value = walk(value)
            copy[key] = value
        return copy

    return walk(schema)


def _no_remote_reference(uri):
    raise ValueError("remote reference %s is not resolved" % uri)


def _compile_fast(schema, format_checker):
    """A function that returns when the document is valid and raises otherwise; None when not available."""
    if not HAS_FASTJSONSCHEMA or not _fast_eligible(schema):
        return None
    # The same format checks as jsonschema's, instead of fastjsonschema's own.
    formats = {name: functools.partial(format_checker.conforms, format=name) for name in _formats_used(schema, set())}
    try:
        schema = _inline_references(schema)
        resolver = _RefResolver.from_schema(schema, handlers=dict.fromkeys(("http", "https", "file", ""), _no_remote_reference),
                                            store={})
        generator = _StrictArrays(schema, resolver=resolver, formats=formats, use_default=False, use_formats=True,
                                  detailed_exceptions=True, fast_fail=True)
        state = generator.global_state
        exec(generator.func_code, state)  # pylint: disable=exec-used
        check = state[resolver.get_scope_name()]
    except Exception:  # pylint: disable=broad-except
        return None  # a schema fastjsonschema cannot compile is still checked by jsonschema
    return functools.partial(check, custom_formats=formats) if formats else check


def _fast_check(name):
    if name not in _FAST:
        _FAST[name] = _compile_fast(load_schema(name), validator(name).format_checker)
    return _FAST[name]


def problems(name, document, limit=20, compile_fast=True):
    """[(field, message), ...] sorted by field; empty when the document is valid.

    compile_fast=False asks jsonschema alone, unless the schema is compiled already: compiling the summary's
    schema costs about 0.1 s, which a small document does not pay back."""
    check = _fast_check(name) if compile_fast or name in _FAST else None
    if check is not None:
        try:
            check(document)
            return []
        except Exception:  # pylint: disable=broad-except
            pass  # invalid, or a value the compiled check cannot handle: jsonschema decides and explains
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
