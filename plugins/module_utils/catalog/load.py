# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read the control catalogue (one YAML file per control) and refuse anything malformed."""

from __future__ import annotations

import os
import re

try:
    import yaml
    HAS_YAML = True
except ImportError:  # pragma: no cover - ansible-core itself requires PyYAML on the controller
    HAS_YAML = False

from ansible_collections.hardening.signal.plugins.module_utils.engine.evaluate import check_problems
from ansible_collections.hardening.signal.plugins.module_utils.engine.templates import placeholders
from ansible_collections.hardening.signal.plugins.module_utils.schema_validation import problems

CONTROL_SCHEMA = "control.schema.json"
VALUES_SCHEMA = "catalog_values.schema.json"
# The catalogue's data file: what Signal's genuine builds look like, next to the controls that compare with it (in a
# folder of its own, so that every .yml file of the controls folder stays a control).
VALUES_FILE = os.path.join("values", "catalog_values.yml")
_FINGERPRINT = re.compile(r"^[0-9A-F]{40}$")
# libyaml's loader when PyYAML was built with it: ten times faster on the catalogue (7 ms instead of 65 ms a run).
_YAML_LOADER = (getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader) if HAS_YAML else None


class CatalogError(Exception):
    """The catalogue cannot be used; the message names the file and field."""


def _section_key(control):
    return tuple(int(p) for p in control["section"].split(".")), control["id"]


def _org_names(node, found):
    """Every organisation value a check names: {org: name} references and {org.name} in reason templates."""
    if isinstance(node, dict):
        if "org" in node and isinstance(node["org"], str):
            found.add(node["org"])
        for key, value in node.items():
            if key == "reasons" and isinstance(value, dict):
                found.update(rest for text in value.values() if isinstance(text, str)
                             for head, rest in placeholders(text) if head == "org" and rest)
            else:
                _org_names(value, found)
    elif isinstance(node, list):
        for value in node:
            _org_names(value, found)
    return found


def _read_yaml(path):
    try:
        with open(path, encoding="utf-8") as handle:
            return yaml.load(handle, Loader=_YAML_LOADER)  # nosec B506 - a safe loader
    except (OSError, yaml.YAMLError) as exc:
        raise CatalogError("%s: cannot be read as YAML: %s" % (path, exc))


def load_values(directory):
    """The catalogue's values ({name: entry}) from values/catalog_values.yml: each entry has value, type, says and, when the
    organisation may set it, the role variable that does (an internal mirror of Signal's apt repository)."""
    if not HAS_YAML:
        raise CatalogError("the Python package PyYAML is required on the controller to read the control catalogue")
    path = os.path.join(directory, VALUES_FILE)
    document = _read_yaml(path)
    found = problems(VALUES_SCHEMA, document)
    if found:
        raise CatalogError("%s: %s" % (path, "; ".join("%s: %s" % (field or "(top)", msg) for field, msg in found)))
    values = document["values"]
    for name, entry in values.items():
        try:
            entry["value"] = normalize_value(entry["type"], entry["value"])
        except ValueError as exc:
            raise CatalogError("%s: values.%s: %s" % (path, name, exc))
    return values


def normalize_value(kind, value):
    """A catalogue or organisation value in the form controls compare (raises ValueError naming what is wrong)."""
    if kind == "fingerprint":
        text = re.sub(r"\s+", "", str(value)).upper() if isinstance(value, str) else ""
        text = text[2:] if text.startswith("0X") else text
        if not _FINGERPRINT.match(text):
            raise ValueError("%r is not an OpenPGP fingerprint (40 hexadecimal digits)" % (value,))
        return text
    if kind in ("string", "url"):
        if not isinstance(value, str) or not value.strip():
            raise ValueError("%r is not a non-empty string" % (value,))
        return value.strip()
    if kind == "strings":
        if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
            raise ValueError("%r is not a non-empty list of strings" % (value,))
        return [v.strip() for v in value]
    if kind == "integer":
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError("%r is not a whole number of 0 or more" % (value,))
        return value
    raise ValueError("unknown value type %r" % (kind,))


def values_with_org(values, org):
    """The values every check reads: the catalogue's, with the organisation's own where it may set them.

    ``org`` holds the organisation values the role passes; one named like a catalogue value replaces it only when
    the catalogue names a role variable for it (Signal's Team ID is not the organisation's to change). Raises
    CatalogError naming the role variable when a value is malformed."""
    merged = {name: entry["value"] for name, entry in values.items()}
    for name, value in org.items():
        entry = values.get(name)
        if entry is None:
            merged[name] = value
            continue
        if not entry.get("variable"):
            raise CatalogError("%s is a fact about Signal (%s) that the organisation cannot set" % (name, entry["says"]))
        try:
            value = normalize_value(entry["type"], value)
        except ValueError as exc:
            raise CatalogError("%s: %s" % (entry["variable"], exc))
        if entry.get("extend"):
            # The organisation adds to Signal's own (a new certificate after a key rotation), never removes.
            value = merged[name] + [v for v in value if v not in merged[name]]
        merged[name] = value
    return merged


def load_catalog(directory, org_names=None):
    """Controls sorted by section then id.

    org_names: the organisation values the run defines; a control that
    refers to another name is refused here, not half-way through a run.
    """
    if not HAS_YAML:
        raise CatalogError("the Python package PyYAML is required on the controller to read the control catalogue")
    if not os.path.isdir(directory):
        raise CatalogError("control catalogue %s is not a folder" % directory)
    controls, seen = [], {}
    names = sorted(n for n in os.listdir(directory) if n.endswith((".yml", ".yaml")))
    if not names:
        raise CatalogError("control catalogue %s holds no .yml files" % directory)
    if org_names is not None:
        # The catalogue's own values are there for every run.
        known = set(org_names) | (set(load_values(directory)) if os.path.exists(os.path.join(directory, VALUES_FILE))
                                  else set())
    for name in names:
        path = os.path.join(directory, name)
        control = _read_yaml(path)
        # jsonschema alone: compiling the control schema for the fast check costs more (about 0.15 s) than checking
        # the catalogue's few dozen controls without it (0.05 s).
        found = problems(CONTROL_SCHEMA, control, compile_fast=False)
        if found:
            raise CatalogError("%s: %s" % (path, "; ".join("%s: %s" % (field or "(top)", msg) for field, msg in found)))
        found = check_problems(control["check"], known if org_names is not None else None)
        if found:
            raise CatalogError("%s: %s" % (path, "; ".join(found)))
        stem = os.path.splitext(name)[0]
        if control["id"] != stem:
            raise CatalogError("%s: id %s must match the file name %s" % (path, control["id"], stem))
        if control["id"] in seen:
            raise CatalogError("%s: id %s is also used by %s" % (path, control["id"], seen[control["id"]]))
        if org_names is not None:
            missing = sorted(_org_names(control["check"], set()) - known)
            if missing:
                raise CatalogError("%s: check refers to unknown organisation value(s) %s" % (path, ", ".join(missing)))
        seen[control["id"]] = path
        controls.append(control)
    controls.sort(key=_section_key)
    return controls
