# -*- coding: utf-8 -*-
"""The collection as a user has it: built with ansible-galaxy, installed into a fresh folder, run from elsewhere.

install_collection() builds the tarball from this repository and installs it with ansible-galaxy into a new
collections folder. Installed.run_playbook() then runs ansible-playbook the way a person would: from a folder of
their own (never the repository), with HOME a fresh folder, none of the repository's ANSIBLE_* settings (no
ansible.cfg, no .build/collections), only ANSIBLE_COLLECTIONS_PATH pointing at the installed copy. The README says
the reports go to ./reports in the folder the command runs in: UserRun.summary() reads them from there.
tests/integration/conftest.py makes these session fixtures (installed_collection) and a per-test user (as_a_user).
"""

from __future__ import annotations

import glob
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)
PLAYBOOK = "hardening.signal.harden_signal"
# What the before-stop hook gives a user's run of the playbook (tests/../shared/hooks/before-stop); a test may
# give more when it does more (remediation in a container).
CHECK_RUN_SECONDS = 50


def user_environment(home, collections, **more):
    """The environment of a person running the installed collection: this machine's, without any ANSIBLE_*
    setting of the repository's own (Makefile, ansible.cfg), with their own HOME."""
    env = {name: value for name, value in os.environ.items() if not name.startswith(("ANSIBLE_", "MOLECULE_"))}
    env.update(HOME=str(home), ANSIBLE_COLLECTIONS_PATH=str(collections), ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0",
               PATH=BIN + os.pathsep + env.get("PATH", ""))
    env.update(more)
    return env


def one_host_inventory(folder, host="localhost", **host_vars):
    """An inventory of one workstation in [signal_workstations] that sets no role variable: by default this machine
    as the before-stop hook writes it (local connection, the venv's Python); otherwise host with host_vars (how to
    reach it)."""
    if not host_vars:
        host_vars = {"ansible_connection": "local", "ansible_python_interpreter": sys.executable}
    line = " ".join([host] + ["%s=%s" % item for item in sorted(host_vars.items())])
    path = os.path.join(str(folder), "inventory.ini")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("[signal_workstations]\n%s\n" % line)
    return path


class UserRun(object):
    """One finished command: exit status, output, and where it ran."""

    def __init__(self, proc, workdir):
        self.rc = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr
        self.output = proc.stdout + proc.stderr
        self.workdir = str(workdir)

    @property
    def report_dir(self):
        """Where the README says the reports are: ./reports in the folder the command ran in."""
        return os.path.join(self.workdir, "reports")

    def summary(self):
        with open(os.path.join(self.report_dir, "fleet-summary.json"), encoding="utf-8") as handle:
            return json.load(handle)

    def __repr__(self):
        return "UserRun(rc=%s)\n%s" % (self.rc, self.output[-6000:])


class Installed(object):
    """An installed copy of the collection: its collections folder and the tarball it came from."""

    def __init__(self, collections, tarball):
        self.collections = str(collections)
        self.tarball = str(tarball)

    @property
    def collection_dir(self):
        return os.path.join(self.collections, "ansible_collections", "hardening", "signal")

    def run(self, argv, workdir, home=None, env=None, timeout=CHECK_RUN_SECONDS):
        """A command of the user's (argv[0] one of the venv's ansible programs), run in workdir."""
        home = home or os.path.join(str(workdir), ".home")
        os.makedirs(home, exist_ok=True)
        environment = user_environment(home, self.collections, **(env or {}))
        command = [os.path.join(BIN, argv[0])] + list(argv[1:])
        proc = subprocess.run(command, cwd=str(workdir), env=environment, capture_output=True, text=True,
                              timeout=timeout, check=False)
        return UserRun(proc, workdir)

    def run_playbook(self, workdir, inventory=None, check=True, args=(), extra_vars=None, playbook=PLAYBOOK, **options):
        """ansible-playbook -i INVENTORY hardening.signal.harden_signal [--check] ... from workdir."""
        inventory = inventory or one_host_inventory(workdir)
        argv = ["ansible-playbook", "-i", inventory, playbook] + (["--check"] if check else []) + list(args)
        if extra_vars:
            argv += ["-e", json.dumps(extra_vars)]
        return self.run(argv, workdir, **options)

    def verify(self, workdir):
        """ansible-galaxy collection verify --offline: does the installed content still match what was installed?"""
        return self.run(["ansible-galaxy", "collection", "verify", "--offline", "-p", self.collections,
                         "hardening.signal"], workdir, timeout=120)


def install_collection(folder):
    """Build the tarball from this repository and install it into folder/collections; the Installed copy."""
    folder = str(folder)
    home = os.path.join(folder, "home")
    os.makedirs(home, exist_ok=True)
    env = user_environment(home, os.path.join(folder, "collections"))
    build = subprocess.run([os.path.join(BIN, "ansible-galaxy"), "collection", "build", "--output-path", folder, ROOT],
                           cwd=folder, env=env, capture_output=True, text=True, timeout=300, check=False)
    if build.returncode != 0:
        raise RuntimeError("ansible-galaxy collection build failed:\n%s%s" % (build.stdout, build.stderr))
    tarball, = glob.glob(os.path.join(folder, "hardening-signal-*.tar.gz"))
    install = subprocess.run([os.path.join(BIN, "ansible-galaxy"), "collection", "install", "--force", "-p",
                              os.path.join(folder, "collections"), tarball],
                             cwd=folder, env=env, capture_output=True, text=True, timeout=300, check=False)
    if install.returncode != 0:
        raise RuntimeError("ansible-galaxy collection install failed:\n%s%s" % (install.stdout, install.stderr))
    return Installed(os.path.join(folder, "collections"), tarball)
