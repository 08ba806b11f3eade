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
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)
PLAYBOOK = "hardening.signal.harden_signal"
# The other way a person runs it: a play of their own that uses the role as a role.
ROLE_PLAY = """---
- name: Signal, the role used as a role
  hosts: signal_workstations
  gather_facts: false
  roles:
    - hardening.signal.signal_hardening
"""
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


def one_host_inventory(folder, host="localhost", host_vars=None, all_vars=None):
    """An inventory of one workstation in [signal_workstations] that sets no role variable: by default this machine
    as the before-stop hook writes it (local connection, the venv's Python); otherwise host with host_vars (how to
    reach it), and all_vars for every host, the controller's included ([all:vars])."""
    if not host_vars:
        host_vars = {"ansible_connection": "local", "ansible_python_interpreter": sys.executable}
    lines = ["[signal_workstations]", " ".join([host] + ["%s=%s" % item for item in sorted(host_vars.items())])]
    if all_vars:
        lines += ["", "[all:vars]"] + ["%s=%s" % item for item in sorted(all_vars.items())]
    path = os.path.join(str(folder), "inventory.ini")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
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
        """A command of the user's (argv[0] one of the venv's ansible programs), run in workdir, with HOME the given
        folder (default: a fresh one of its own, never inside workdir, which may be the installed collection)."""
        own_home = home is None
        home = tempfile.mkdtemp(prefix="hardening-signal-home-") if own_home else home
        os.makedirs(home, exist_ok=True)
        environment = user_environment(home, self.collections, **(env or {}))
        command = [os.path.join(BIN, argv[0])] + list(argv[1:])
        try:
            proc = subprocess.run(command, cwd=str(workdir), env=environment, capture_output=True, text=True,
                                  timeout=timeout, check=False)
        finally:
            if own_home:
                shutil.rmtree(home, ignore_errors=True)
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


class PodmanWorkstation(object):
    """A Debian 12 workstation in a real podman container, as the molecule scenarios have it (the image
    tests/molecule/setup_host.sh builds and caches), and the local signed stand-in of Signal's apt repository
    (tests/molecule/apt_repo) served on 127.0.0.1 for it. Needs root and podman, as `make molecule` does."""

    def __init__(self, folder):
        self.folder = str(folder)
        self.name = "hs-installed-%d" % os.getpid()
        self.state = os.path.join(self.folder, "server.json")
        self.url = None
        self.fingerprint = None

    def _run(self, argv, timeout=600):
        proc = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False)
        if proc.returncode != 0:
            raise RuntimeError("%s failed (%d):\n%s%s" % (" ".join(argv), proc.returncode, proc.stdout, proc.stderr))
        return proc.stdout.strip()

    def __enter__(self):
        image = self._run(["bash", os.path.join(ROOT, "tests", "molecule", "setup_host.sh")], timeout=1200)
        repo = os.path.join(self.folder, "apt_repo")
        self._run([sys.executable, os.path.join(ROOT, "tests", "molecule", "apt_repo", "build.py"), "--out", repo])
        with open(os.path.join(repo, "repo.json"), encoding="utf-8") as handle:
            self.fingerprint = json.load(handle)["fingerprint"]
        try:
            self.url = self._run([sys.executable, os.path.join(ROOT, "tests", "molecule", "apt_repo", "serve.py"),
                                  "start", "--dir", repo, "--state", self.state])
            self._run(["podman", "run", "-d", "--name", self.name, "--network", "host", image, "sleep", "infinity"])
        except Exception:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc):
        subprocess.run(["podman", "rm", "-f", "-t", "0", self.name], capture_output=True, timeout=120, check=False)
        subprocess.run([sys.executable, os.path.join(ROOT, "tests", "molecule", "apt_repo", "serve.py"), "stop",
                        "--state", self.state], capture_output=True, timeout=60, check=False)

    def inventory(self, folder):
        """An inventory of this one workstation: how to reach it, and where Signal's repository is (this machine
        reaches no Signal server: the local stand-in, its key and its newest version, offline)."""
        return one_host_inventory(
            folder, host="ws-container",
            host_vars={"ansible_connection": "containers.podman.podman", "ansible_host": self.name,
                       "ansible_python_interpreter": "/usr/bin/python3"},
            all_vars={"signal_hardening_apt_repo_url": self.url + "/signal",
                      "signal_hardening_key_url": self.url + "/signal/keys.asc",
                      "signal_hardening_key_fingerprint": self.fingerprint,
                      "signal_hardening_release_feed_url": "''",
                      "signal_hardening_newest_versions": "{'linux': '7.80.0'}"})

    def run(self, *argv):
        """A command inside the container: (exit status, output)."""
        proc = subprocess.run(["podman", "exec", self.name] + list(argv), capture_output=True, text=True, timeout=120,
                              check=False)
        return proc.returncode, proc.stdout + proc.stderr
