# -*- coding: utf-8 -*-
"""On an ansible-core older than requires_ansible the run stops at its first task, naming the supported versions.

Before, ansible-core 2.17/2.18 probed every host and then died in the judge with "TypeError: '<=' not supported
between instances of 'int' and 'str'" (Ansible only warns about requires_ansible). The real playbook runs here
under a real ansible-core 2.18 from PyPI, in a venv of its own under .build/ (made once, then reused).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OLD_CORE = "ansible-core==2.18.19"  # the newest 2.18 when this was written; any 2.18 must fail the same way
VENV = os.path.join(ROOT, ".build", "ansible-core-2.18")


def _old_core():
    python = os.path.join(VENV, "bin", "python")
    stamp = os.path.join(VENV, ".installed-" + OLD_CORE)
    if not os.path.exists(stamp):
        subprocess.run([sys.executable, "-m", "venv", "--clear", VENV], check=True, timeout=300)
        subprocess.run([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", OLD_CORE],
                       check=True, timeout=900)
        open(stamp, "w").close()
    return os.path.join(VENV, "bin")


def _run(tmp_path, *args):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANSIBLE_")}
    env.update(ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"), ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, ".build", "collections"),
               ANSIBLE_HOME=str(tmp_path / "ansible-home"), ANSIBLE_NOCOLOR="1")
    return subprocess.run([os.path.join(_old_core(), "ansible-playbook"), *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=600, check=False)


def _tasks(done):
    """The names of the tasks that ran, from the default callback's TASK [...] lines (2.18 has no builtin json)."""
    return re.findall(r"^TASK \[(.*?)\]", done.stdout, re.MULTILINE)


def _unfolded(done):
    return " ".join(done.stdout.split())


def test_the_playbook_stops_at_its_first_check_on_ansible_core_2_18(tmp_path):
    reports = tmp_path / "reports"
    done = _run(tmp_path, "-i", "inventory.example", "playbooks/harden_signal.yml", "--check",
                "-e", "signal_hardening_report_dir=%s" % reports)
    assert done.returncode != 0
    tasks = _tasks(done)
    # the check is the first task of the role after its argument spec; nothing ran after it
    assert tasks[-1] == "hardening.signal.signal_hardening : SIGNAL | CHECK | ansible-core is a version this collection supports", tasks
    assert done.stdout.count("fatal: [localhost]: FAILED!") == 1
    text = _unfolded(done)
    assert "needs ansible-core >=2.19.0" in text and "tested with 2.19" in text and "runs ansible-core 2.18." in text, text
    assert not any("Collect" in task or "Judge" in task for task in tasks), tasks
    assert not reports.exists()
    assert "TypeError" not in done.stdout + done.stderr


def test_a_controller_action_called_directly_says_the_same(tmp_path):
    playbook = tmp_path / "direct.yml"
    playbook.write_text("- hosts: localhost\n  gather_facts: false\n  tasks:\n"
                        "    - name: Newest versions, without the role\n"
                        "      hardening.signal.signal_releases:\n        offline: {desktop: '7.80.0'}\n        feed_url: ''\n")
    done = _run(tmp_path, "-i", "localhost,", str(playbook))
    assert done.returncode != 0
    assert _tasks(done) == ["Newest versions, without the role"]
    assert "needs ansible-core >=2.19.0" in _unfolded(done), done.stdout
