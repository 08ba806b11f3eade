# -*- coding: utf-8 -*-
"""The map of the code (docs/ARCHITECTURE.md) stays true: every module sits in a room, imports only across the lines
the map allows, and the files the map names exist.

The rules are read off the imports the code has (ast, so an import inside a function counts as well). A new module
outside every room fails here until the map (and ROOMS below) says where it belongs.
"""

from __future__ import annotations

import ast
import os
import re
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PACKAGE = "ansible_collections.hardening.signal."
MAP = os.path.join(ROOT, "docs", "ARCHITECTURE.md")

# Path prefix -> room, first match wins. docs/ARCHITECTURE.md describes each room.
ROOMS = (
    ("plugins/module_utils/engine/", "engine"),
    ("plugins/module_utils/catalog/", "data"),
    ("plugins/module_utils/probes/", "probes"),
    ("plugins/module_utils/desktop/", "remediation"),
    ("plugins/module_utils/mdm/", "clients"),
    ("plugins/plugin_utils/releases/", "clients"),
    ("plugins/module_utils/governance/", "governance"),
    ("plugins/module_utils/fleet/", "fleet"),
    ("plugins/module_utils/report/", "reports"),
    ("plugins/module_utils/schema_validation.py", "shared"),
    ("plugins/module_utils/text_checks.py", "shared"),
    ("plugins/module_utils/private_files.py", "shared"),
    ("plugins/module_utils/version.py", "shared"),
    ("plugins/module_utils/observations.py", "observations"),
    ("plugins/modules/", "modules"),
    ("plugins/action/", "plugins"),
    ("plugins/filter/", "plugins"),
    ("plugins/inventory/", "plugins"),
    ("plugins/doc_fragments/", "plugins"),
    ("plugins/plugin_utils/", "plugins"),
)

# Which rooms each room may import (its own always). Rooms missing from a set are across a line.
MAY_IMPORT = {
    "shared": set(),
    "observations": set(),
    "engine": set(),
    "data": {"engine", "shared"},
    "probes": {"engine", "observations"},
    "remediation": {"probes", "engine", "observations"},
    "modules": {"probes", "remediation", "engine", "observations"},
    "clients": {"fleet", "probes", "engine", "shared", "observations"},
    "governance": {"engine", "reports", "shared"},
    "fleet": {"data", "engine", "probes", "clients", "governance", "reports", "shared", "observations"},
    "reports": {"engine", "fleet", "governance", "shared"},
    "plugins": {"data", "engine", "probes", "remediation", "clients", "governance", "fleet", "reports", "shared",
                "modules", "observations"},
}

# Finer lines inside an allowed room-to-room import: (importing module pattern, imported module pattern, why).
NARROW = (
    (r"^plugins/(module_utils/mdm|plugin_utils/releases)/", r"^plugins/module_utils/fleet/(?!subjects\.py$)",
     "clients may use fleet/subjects.py (the shape of a subject) and nothing else of the fleet"),
    (r"^plugins/module_utils/governance/", r"^plugins/module_utils/report/(render_|write_reports|publish)",
     "governance may use report helpers, never a renderer or the report writers"),
    (r"^plugins/module_utils/report/", r"^plugins/module_utils/fleet/run\.py$",
     "reports never import the judge run (it calls them)"),
    (r"^plugins/module_utils/report/render_", r"^plugins/module_utils/(?!report/|engine/)",
     "a renderer turns a summary into text: only other report modules and the engine's statuses"),
)

# Modules that read or write the outside world, or the clock.
IO_MODULES = {"os", "io", "sys", "socket", "subprocess", "shutil", "tempfile", "pathlib", "glob", "sqlite3", "http",
              "urllib", "ssl", "select", "signal", "fcntl", "mmap", "multiprocessing", "threading", "time", "ansible",
              "ansible.module_utils"}
NO_IO = {"engine": "the engine is pure: no I/O, no clock, no Ansible (everything it judges is handed to it)",
         "observations": "the observations builder is pure: no I/O, no clock, no Ansible (probes send it to hosts)"}
NO_IO_PATHS = ((r"^plugins/module_utils/report/render_", "a renderer does no I/O: the writers write what it returns"),)
# Where a module runs on the workstation (AnsiballZ ships it): only the standard library and ansible.module_utils.
HOST_SIDE = {"probes", "remediation", "modules", "observations"}


def room_of(path):
    for prefix, room in ROOMS:
        if path == prefix or (prefix.endswith("/") and path.startswith(prefix)):
            return room
    return None


def _collection_path(module):
    """plugins/... file of a collection module name (a package's __init__.py), or None when it is not one."""
    if not module.startswith(PACKAGE):
        return None
    base = os.path.join(*module[len(PACKAGE):].split("."))
    if os.path.isfile(os.path.join(ROOT, base + ".py")):
        return base + ".py"
    return base + "/__init__.py"


def _imports(path, source):
    """(line, kind, name): kind 'collection' with the imported file, 'external' with the top-level module name."""
    tree = ast.parse(source, filename=path)
    package = os.path.dirname(path).split("/")
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules = [(alias.name, None) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = PACKAGE + ".".join(package[:len(package) - node.level + 1])
                module = base + ("." + node.module if node.module else "")
            else:
                module = node.module or ""
            modules = [(module, alias.name) for alias in node.names]
        else:
            continue
        for module, name in modules:
            if module.startswith(PACKAGE) or module + "." == PACKAGE:
                target = _collection_path(module + "." + name) if name else None
                if target is None or not os.path.isfile(os.path.join(ROOT, target)):
                    target = _collection_path(module)
                yield node.lineno, "collection", target
            elif module == "ansible.module_utils" or module.startswith("ansible.module_utils."):
                yield node.lineno, "external", "ansible.module_utils"
            elif module.split(".")[0] != "__future__":
                yield node.lineno, "external", module.split(".")[0]


def _io_calls(source):
    """Lines calling open() or print(), or a clock (.now(), .utcnow(), .today())."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id in ("open", "print"):
                yield node.lineno, func.id + "()"
            elif isinstance(func, ast.Attribute) and func.attr in ("now", "utcnow", "today"):
                yield node.lineno, "." + func.attr + "()"


def violations(path, source):
    """Every line of `path` (relative to the repository, with `source` as its text) that crosses the map's lines."""
    room = room_of(path)
    if room is None:
        return ["%s: not on the map: give it a room in docs/ARCHITECTURE.md and in ROOMS (tests/unit/test_architecture.py)" % path]
    found = []
    pure = NO_IO.get(room) or next((why for pattern, why in NO_IO_PATHS if re.search(pattern, path)), None)
    for line, kind, name in _imports(path, source):
        where = "%s:%d" % (path, line)
        if kind == "collection":
            target_room = room_of(name)
            if target_room is None:
                found.append("%s imports %s, which is not on the map" % (where, name))
            elif target_room != room and target_room not in MAY_IMPORT[room]:
                found.append("%s (%s) imports %s (%s): across a line of the map" % (where, room, name, target_room))
            for importer, imported, why in NARROW:
                if re.search(importer, path) and re.search(imported, name):
                    found.append("%s imports %s: %s" % (where, name, why))
            if path.startswith("plugins/module_utils/") and not name.startswith("plugins/module_utils/"):
                found.append("%s imports %s: module_utils may be sent to hosts, so it never imports controller plugins" % (where, name))
        else:
            if pure and name in IO_MODULES:
                found.append("%s imports %s: %s" % (where, name, pure))
            if path.startswith("plugins/module_utils/") and name == "ansible":
                found.append("%s imports ansible outside ansible.module_utils: module_utils may be sent to hosts" % where)
            if room in HOST_SIDE and name not in sys.stdlib_module_names and name != "ansible.module_utils":
                found.append("%s imports %s: it runs on the workstation, where only the standard library and "
                             "ansible.module_utils are sure to be" % (where, name))
    if pure:
        found.extend("%s:%d calls %s: %s" % (path, line, call, pure) for line, call in _io_calls(source))
    return found


def _collection_modules():
    for directory, _dirs, files in os.walk(os.path.join(ROOT, "plugins")):
        for name in files:
            if name.endswith(".py"):
                yield os.path.relpath(os.path.join(directory, name), ROOT).replace(os.sep, "/")


def test_every_module_keeps_to_the_map():
    found = []
    for path in sorted(_collection_modules()):
        with open(os.path.join(ROOT, path), encoding="utf-8") as handle:
            found.extend(violations(path, handle.read()))
    assert found == []


@pytest.mark.parametrize("path, source, expected", [
    ("plugins/module_utils/engine/x.py", "import os\n", "imports os: the engine is pure"),
    ("plugins/module_utils/engine/x.py", "def f():\n    return open('x')\n", "calls open(): the engine is pure"),
    ("plugins/module_utils/engine/x.py", "import datetime\nnow = datetime.datetime.now()\n", "calls .now()"),
    ("plugins/module_utils/engine/x.py",
     "from ansible_collections.hardening.signal.plugins.module_utils.probes import dpkg\n",
     "(engine) imports plugins/module_utils/probes/dpkg.py (probes): across a line"),
    ("plugins/module_utils/probes/x.py",
     "def f():\n    from ansible_collections.hardening.signal.plugins.module_utils.mdm.http import HttpPolicy\n",
     "(probes) imports plugins/module_utils/mdm/http.py (clients)"),
    ("plugins/module_utils/probes/x.py", "import yaml\n", "imports yaml: it runs on the workstation"),
    ("plugins/module_utils/report/render_x.py",
     "from ansible_collections.hardening.signal.plugins.module_utils.mdm import sources\n",
     "(reports) imports plugins/module_utils/mdm/sources.py (clients)"),
    ("plugins/module_utils/report/render_x.py", "import tempfile\n", "a renderer does no I/O"),
    ("plugins/module_utils/report/publish.py",
     "from ansible_collections.hardening.signal.plugins.module_utils.fleet.run import judge_fleet\n",
     "reports never import the judge run"),
    ("plugins/module_utils/mdm/x.py",
     "from ansible_collections.hardening.signal.plugins.module_utils.fleet.summary import build_summary\n",
     "clients may use fleet/subjects.py"),
    ("plugins/module_utils/fleet/x.py",
     "from ansible_collections.hardening.signal.plugins.plugin_utils.progress import show_progress\n",
     "never imports controller plugins"),
    ("plugins/module_utils/fleet/x.py", "from ansible.errors import AnsibleError\n", "imports ansible outside"),
    ("plugins/module_utils/newroom/x.py", "", "not on the map"),
    ("plugins/module_utils/observations.py", "import os\n", "the observations builder is pure"),
    ("plugins/module_utils/observations.py",
     "from ansible_collections.hardening.signal.plugins.module_utils.engine import statuses\n",
     "(observations) imports plugins/module_utils/engine/statuses.py (engine): across a line"),
    ("plugins/module_utils/probes/x.py",
     "from ansible_collections.hardening.signal.plugins.module_utils.schema_validation import validate\n",
     "(probes) imports plugins/module_utils/schema_validation.py (shared)"),
])
def test_a_module_across_a_line_is_named(path, source, expected):
    found = violations(path, source)
    assert any(expected in line for line in found), found


def test_allowed_imports_pass():
    source = ("import json\nimport re\n"
              "from ansible_collections.hardening.signal.plugins.module_utils.engine.statuses import STATUSES\n"
              "from ansible_collections.hardening.signal.plugins.module_utils.report.view import write_sections\n")
    assert violations("plugins/module_utils/report/render_x.py", source) == []
    assert violations("plugins/module_utils/mdm/x.py",
                      "from ansible_collections.hardening.signal.plugins.module_utils.fleet.subjects import invalid_subject\n") == []
    builder = "from ansible_collections.hardening.signal.plugins.module_utils.observations import Observations\n"
    assert violations("plugins/module_utils/probes/x.py", builder) == []
    assert violations("plugins/module_utils/mdm/x.py", builder) == []


def test_the_files_the_map_names_exist():
    with open(MAP, encoding="utf-8") as handle:
        text = handle.read()
    named = set(re.findall(r"`((?:plugins|roles|schemas|tests|docs|scripts|awx|examples|playbooks|meta|changelogs)/[^`\s]*)`", text))
    assert len(named) > 20, named
    missing = sorted(name for name in named if "<" not in name and "*" not in name
                     and not os.path.exists(os.path.join(ROOT, name.rstrip("/"))))
    assert missing == []


def test_the_map_names_every_room_and_module_utils_folder():
    with open(MAP, encoding="utf-8") as handle:
        text = handle.read()
    for room in MAY_IMPORT:
        assert "**%s**" % room in text, room
    for entry in os.listdir(os.path.join(ROOT, "plugins", "module_utils")):
        if entry != "__pycache__" and not entry.startswith("."):
            assert "module_utils/" + entry in text, entry
