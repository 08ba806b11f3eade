# -*- coding: utf-8 -*-
"""ansible-galaxy builds a clean artifact, and ansible-doc finds the documentation."""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)


def _env(tmp_path):
    env = dict(os.environ)
    env.update(ANSIBLE_HOME=str(tmp_path / "ansible-home"), ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, ".build", "collections"),
               ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"))
    return env


def test_build_has_the_collection_and_nothing_of_the_workbench(tmp_path):
    subprocess.run([os.path.join(BIN, "ansible-galaxy"), "collection", "build", "--output-path", str(tmp_path), ROOT],
                   check=True, capture_output=True, text=True, env=_env(tmp_path), timeout=300)
    artifact = tmp_path / "hardening-signal-0.1.0.tar.gz"
    with tarfile.open(artifact) as tar:
        names = tar.getnames()
    for needed in ("MANIFEST.json", "playbooks/harden_signal.yml", "roles/signal_hardening/meta/argument_specs.yml",
                   "plugins/action/fleet_summary.py", "plugins/modules/desktop_info.py", "schemas/fleet_summary.schema.json",
                   "roles/signal_hardening/controls/sh-3.5-registration-lock.yml", "meta/runtime.yml", "COPYING"):
        assert needed in names, needed
    for name in names:
        assert not name.startswith((".venv", ".build", "reports", ".git/", ".ci", "bench")), name
        assert "__pycache__" not in name, name


def test_ansible_doc_shows_both_modules(tmp_path):
    for module in ("hardening.signal.fleet_summary", "hardening.signal.desktop_info"):
        proc = subprocess.run([os.path.join(BIN, "ansible-doc"), module], capture_output=True, text=True,
                              env=_env(tmp_path), timeout=120, check=False)
        assert proc.returncode == 0, proc.stderr
        assert "EXAMPLES" in proc.stdout and "check_mode" in proc.stdout


def test_every_plugin_is_documented(tmp_path):
    # ansible-doc lists a plugin without documentation as UNDOCUMENTED; every type the collection ships is checked.
    for plugin_type, expected in (("module", "hardening.signal.desktop_info"), ("filter", "hardening.signal.signal_collected"),
                                  ("inventory", "hardening.signal.mdm")):
        proc = subprocess.run([os.path.join(BIN, "ansible-doc"), "-t", plugin_type, "-l", "hardening.signal"],
                              capture_output=True, text=True, env=_env(tmp_path), timeout=120, check=False)
        assert proc.returncode == 0, proc.stderr
        assert expected in proc.stdout, (plugin_type, proc.stdout)
        assert "UNDOCUMENTED" not in proc.stdout, (plugin_type, proc.stdout)
