# -*- coding: utf-8 -*-
"""The execution environment: one command builds the collection artifact and ansible-builder's context from a clean
tree, and the collection's Python requirements install next to other collections' requirements.

ansible-builder comes from the tools venv the Makefile makes (.build/tools-venv, requirements-tools.txt). No image
is built here (no container registry can be reached); `ansible-builder create` writes the context a build uses.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tarfile

import yaml
from packaging.requirements import Requirement

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOOLS_VENV = os.path.join(ROOT, ".build", "tools-venv")


def _tools():
    """The tools venv's bin folder, made (or brought up to date) by the Makefile's own rule."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAKE")}
    done = subprocess.run(["make", "--no-print-directory", "-C", ROOT, ".build/tools-venv/.installed"], capture_output=True,
                          text=True, env=env, timeout=1200, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return os.path.join(TOOLS_VENV, "bin")


def _version():
    with open(os.path.join(ROOT, "galaxy.yml"), encoding="utf-8") as handle:
        return yaml.safe_load(handle)["version"]


def _clean_tree(target):
    """What a clone holds (plus files not committed yet), without anything built or installed."""
    listed = subprocess.run(["git", "-C", ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            capture_output=True, check=True).stdout.decode("utf-8")
    for name in filter(None, listed.split("\0")):
        source = os.path.join(ROOT, name)
        if os.path.isfile(source):
            os.makedirs(os.path.dirname(os.path.join(target, name)), exist_ok=True)
            shutil.copy2(source, os.path.join(target, name))
    return target


def _make(tree, *targets):
    # The repository's own venvs stand in for the ones a clone would make (same requirement files).
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANSIBLE_", "MAKE"))}
    return subprocess.run(["make", "--no-print-directory", "-C", tree, *targets, "VENV=" + os.path.dirname(os.path.dirname(sys.executable)),
                           "TOOLS_VENV=" + TOOLS_VENV], capture_output=True, text=True, env=env, timeout=1200, check=False)


def test_one_command_builds_the_artifact_and_a_context_that_holds_it(tmp_path):
    _tools()
    tree = _clean_tree(str(tmp_path / "clone"))
    assert not os.path.exists(os.path.join(tree, ".build"))
    done = _make(tree, "ee-context")
    assert done.returncode == 0, done.stdout + done.stderr
    context = os.path.join(tree, ".build", "ee-context")
    artifact = os.path.join(context, "_build", "collections", "hardening-signal-%s.tar.gz" % _version())
    with tarfile.open(artifact) as tar:
        manifest = json.load(tar.extractfile("MANIFEST.json"))
        assert "roles/signal_hardening/controls/sh-3.5-registration-lock.yml" in tar.getnames()
    assert (manifest["collection_info"]["namespace"], manifest["collection_info"]["name"]) == ("hardening", "signal")
    assert manifest["collection_info"]["version"] == _version()
    # what the image's build installs is that very file
    with open(os.path.join(context, "_build", "requirements.yml"), encoding="utf-8") as handle:
        wanted = yaml.safe_load(handle)["collections"]
    assert wanted == [{"name": "collections/" + os.path.basename(artifact), "type": "file"}]
    with open(os.path.join(context, "Containerfile"), encoding="utf-8") as handle:
        containerfile = handle.read()
    assert "COPY _build /build" in containerfile and "-r requirements.yml" in containerfile
    base = next(line for line in containerfile.splitlines() if line.startswith("ARG EE_BASE_IMAGE="))
    assert not base.rstrip('"').endswith((":latest", ":")), base  # a pinned version, not whatever is newest


def _ee_requirements():
    with open(os.path.join(ROOT, "meta", "execution-environment.yml"), encoding="utf-8") as handle:
        name = yaml.safe_load(handle)["dependencies"]["python"]
    with open(os.path.join(ROOT, name), encoding="utf-8") as handle:
        return [Requirement(line) for line in (raw.strip() for raw in handle) if line and not line.startswith("#")]


def _pins():
    with open(os.path.join(ROOT, "requirements.txt"), encoding="utf-8") as handle:
        lines = [line.strip() for line in handle if line.strip() and not line.startswith("#")]
    return {Requirement(line).name.lower(): Requirement(line) for line in lines}


def test_collection_requirements_are_ranges_holding_the_tested_pins():
    ranges = {req.name.lower(): req for req in _ee_requirements()}
    pins = _pins()
    # everything the controller needs, except ansible-core (the execution environment brings its own)
    assert set(ranges) == set(pins) - {"ansible-core"}
    for name, req in ranges.items():
        operators = {spec.operator for spec in req.specifier}
        assert ">=" in operators and "<" in operators and not operators & {"==", "==="}, req
        (pin,) = pins[name].specifier
        assert pin.operator == "==" and req.specifier.contains(pin.version), (req, pin)


def test_collection_requirements_install_next_to_other_collections(tmp_path):
    collections = tmp_path / "collections" / "ansible_collections"
    shutil.copytree(os.path.join(sysconfig.get_paths()["purelib"], "ansible_collections", "ansible", "utils"),
                    collections / "ansible" / "utils")
    # A collection whose own requirement excludes the newest jsonschema, as collections' requirements do.
    sibling = collections / "example" / "sibling"
    (sibling / "meta").mkdir(parents=True)
    (sibling / "meta" / "execution-environment.yml").write_text("version: 1\ndependencies:\n  python: requirements.txt\n")
    (sibling / "galaxy.yml").write_text("namespace: example\nname: sibling\nversion: 1.0.0\n")
    (sibling / "requirements.txt").write_text("jsonschema>=4.0,<4.26\n")
    ours = collections / "hardening" / "signal"
    for name in ("galaxy.yml", "meta/execution-environment.yml", "meta/ee-requirements.txt"):
        (ours / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(os.path.join(ROOT, name), ours / name)
    combined = tmp_path / "ee-requirements.txt"
    tools = _tools()
    subprocess.run([os.path.join(tools, "ansible-builder"), "introspect", str(tmp_path / "collections"),
                    "--write-pip", str(combined)], check=True, capture_output=True, timeout=120)
    text = combined.read_text()
    assert "from collection hardening.signal" in text and "from collection example.sibling" in text, text
    resolved = subprocess.run([os.path.join(tools, "python"), "-m", "pip", "install", "--dry-run",
                               "--ignore-installed", "--disable-pip-version-check", "--quiet", "--report", "-",
                               "-r", str(combined)], capture_output=True, text=True, timeout=600, check=False)
    assert resolved.returncode == 0, resolved.stderr
    chosen = {item["metadata"]["name"].lower(): item["metadata"]["version"] for item in json.loads(resolved.stdout)["install"]}
    assert chosen["jsonschema"].startswith("4.") and Requirement("jsonschema<4.26").specifier.contains(chosen["jsonschema"])
