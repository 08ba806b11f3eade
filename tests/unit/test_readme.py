# -*- coding: utf-8 -*-
"""The README's generated tables match the argument specs and the catalogue, and it keeps its promises."""

from __future__ import annotations

import importlib.util
import os

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _tables():
    spec = importlib.util.spec_from_file_location("readme_tables", os.path.join(ROOT, "scripts", "readme_tables.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_tables_are_current():
    tables = _tables()
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as handle:
        text = handle.read()
    for name, make in tables.TABLES.items():
        assert tables.block(text, name) == make(), "README.md %s table is stale: run python scripts/readme_tables.py --write" % name


def test_readme_gives_the_two_commands_and_ci_runs_the_test_one():
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as handle:
        text = handle.read()
    assert "make demo" in text and "make test" in text
    with open(os.path.join(ROOT, ".ci", "run"), encoding="utf-8") as handle:
        assert "make test" in handle.read()


def test_collection_version_matches_galaxy_yml():
    import yaml
    from ansible_collections.hardening.signal.plugins.module_utils.version import COLLECTION_VERSION
    with open(os.path.join(ROOT, "galaxy.yml"), encoding="utf-8") as handle:
        assert yaml.safe_load(handle)["version"] == COLLECTION_VERSION
