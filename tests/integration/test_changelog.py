# -*- coding: utf-8 -*-
"""The changelog is coherent and what antsibull-changelog generates from it passes the project's yamllint.

0.1.0 (galaxy.yml) is not released yet: changelogs/changelog.yaml holds no release, every fragment goes into
0.1.0, and everything the collection ships says version_added 0.1.0 (at most galaxy.yml's version).
"""

from __future__ import annotations

import ast
import glob
import os
import shutil
import subprocess
import sys

import yaml
from packaging.version import Version

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)


def _load(name):
    with open(os.path.join(ROOT, name), encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _env(tmp_path, collections):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANSIBLE_")}
    env.update(PATH=BIN + os.pathsep + env.get("PATH", ""), ANSIBLE_COLLECTIONS_PATH=collections,
               ANSIBLE_HOME=str(tmp_path / "ansible-home"))
    return env


def test_fragments_pass_antsibull_changelog_lint(tmp_path):
    done = subprocess.run([os.path.join(BIN, "antsibull-changelog"), "lint"], cwd=ROOT, capture_output=True, text=True,
                          env=_env(tmp_path, os.path.join(ROOT, ".build", "collections")), timeout=120, check=False)
    assert done.returncode == 0 and done.stdout.strip() == "", done.stdout + done.stderr


def test_the_release_antsibull_changelog_writes_passes_yamllint(tmp_path):
    version = _load("galaxy.yml")["version"]
    tree = tmp_path / "ansible_collections" / "hardening" / "signal"
    listed = subprocess.run(["git", "-C", ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            capture_output=True, check=True).stdout.decode("utf-8")
    for name in filter(None, listed.split("\0")):
        if os.path.isfile(os.path.join(ROOT, name)):
            (tree / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(os.path.join(ROOT, name), tree / name)
    done = subprocess.run([os.path.join(BIN, "antsibull-changelog"), "release", "--version", version, "--date", "2026-12-02"],
                          cwd=str(tree), capture_output=True, text=True, env=_env(tmp_path, str(tmp_path)), timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "WARNING" not in done.stdout + done.stderr, done.stdout + done.stderr
    lint = subprocess.run([os.path.join(BIN, "yamllint"), "-c", os.path.join(ROOT, ".yamllint"), "-s", "changelogs/"],
                          cwd=str(tree), capture_output=True, text=True, timeout=120, check=False)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    with open(tree / "changelogs" / "changelog.yaml", encoding="utf-8") as handle:
        release = yaml.safe_load(handle)["releases"][version]
    assert release["release_date"] == "2026-12-02" and release["changes"]["release_summary"].startswith("First release")
    assert {plugin["name"] for plugin in release["modules"]} >= {"desktop_info", "fleet_summary", "desktop_update"}
    assert "v%s" % version in (tree / "CHANGELOG.rst").read_text(encoding="utf-8")


def _documented_versions():
    """Every version_added in the plugins' documentation (at any depth) and in the role's argument specs."""
    found = []

    def walk(node, where):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "version_added":
                    found.append((where, str(value)))
                else:
                    walk(value, where)
        elif isinstance(node, list):
            for item in node:
                walk(item, where)

    for path in glob.glob(os.path.join(ROOT, "plugins", "*", "*.py")):
        with open(path, encoding="utf-8") as handle:
            tree = ast.parse(handle.read())
        for statement in tree.body:
            if isinstance(statement, ast.Assign) and getattr(statement.targets[0], "id", None) == "DOCUMENTATION":
                walk(yaml.safe_load(statement.value.value), os.path.relpath(path, ROOT))
    walk(_load("roles/signal_hardening/meta/argument_specs.yml"), "roles/signal_hardening/meta/argument_specs.yml")
    return found


def test_versions_agree():
    version = Version(_load("galaxy.yml")["version"])
    released = {Version(str(name)) for name in (_load("changelogs/changelog.yaml")["releases"] or {})}
    pending = [name for name in os.listdir(os.path.join(ROOT, "changelogs", "fragments")) if name.endswith((".yml", ".yaml"))]
    if pending:
        # changes wait for a release: galaxy.yml's version is that next release, newer than any released one
        assert version not in released and all(version > old for old in released), (version, released)
    else:
        assert version in released
    documented = _documented_versions()
    assert documented, "no version_added found: the walk is broken"
    for where, added in documented:
        assert Version(added) <= version, (where, added)
        assert Version(added) in released or Version(added) == version, (where, added, "names no release")
