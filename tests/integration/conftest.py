# -*- coding: utf-8 -*-
"""Run the real playbook with the real ansible-playbook, against real inventories."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from tests.integration.installed import install_collection

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PLAYBOOK = os.path.join(ROOT, "playbooks", "harden_signal.yml")
EXAMPLE = os.path.join(ROOT, "inventory.example")


class Run(object):
    def __init__(self, proc, report_dir):
        self.rc = proc.returncode
        self.stdout, self.stderr = proc.stdout, proc.stderr
        self.output = proc.stdout + proc.stderr
        self.report_dir = report_dir

    def summary(self):
        with open(os.path.join(self.report_dir, "fleet-summary.json"), encoding="utf-8") as handle:
            return json.load(handle)


@pytest.fixture
def run_playbook(tmp_path):
    def run(inventory=EXAMPLE, extra=None, check=True, args=()):
        report_dir = str(tmp_path / "reports")
        extra_vars = {"signal_hardening_report_dir": report_dir}
        extra_vars.update(extra or {})
        command = [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", inventory, PLAYBOOK,
                   "-e", json.dumps(extra_vars)] + (["--check"] if check else []) + list(args)
        env = dict(os.environ)
        env.update(ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"),
                   ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, ".build", "collections"),
                   ANSIBLE_HOME=str(tmp_path / "ansible-home"), ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0",
                   ANSIBLE_HOST_KEY_CHECKING="False")
        proc = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False)
        return Run(proc, report_dir)
    return run


@pytest.fixture
def inventory_dir(tmp_path):
    """A copy of the example inventory the test may change."""
    target = tmp_path / "inventory"
    shutil.copytree(EXAMPLE, target)
    shutil.copytree(os.path.join(ROOT, "examples"), tmp_path / "examples")
    return target


@pytest.fixture(scope="session")
def installed_collection(tmp_path_factory):
    """The collection built with ansible-galaxy and installed into a fresh folder (once per test session)."""
    return install_collection(tmp_path_factory.mktemp("installed"))


@pytest.fixture
def as_a_user(installed_collection, tmp_path):
    """A person's own folder (not the repository) with a HOME of its own, to run the installed collection from:
    as_a_user.run_playbook(...), as_a_user.run([...]); as_a_user.workdir is that folder."""
    workdir = tmp_path / "user"
    workdir.mkdir()
    home = tmp_path / "home"
    home.mkdir()
    return User(installed_collection, workdir, home)


class User(object):
    def __init__(self, installed, workdir, home):
        self.installed = installed
        self.workdir = str(workdir)
        self.home = str(home)

    def run_playbook(self, **options):
        options.setdefault("home", self.home)
        return self.installed.run_playbook(self.workdir, **options)

    def run(self, argv, **options):
        options.setdefault("home", self.home)
        return self.installed.run(argv, self.workdir, **options)
