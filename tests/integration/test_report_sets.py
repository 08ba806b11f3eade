# -*- coding: utf-8 -*-
"""The real playbook publishes each run's reports as one private set: a run killed part-way leaves the previous
set whole, and the next run cleans up after it."""

from __future__ import annotations

import copy
import json
import os
import signal
import stat
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PLAYBOOK = os.path.join(ROOT, "playbooks", "harden_signal.yml")
EXAMPLE = os.path.join(ROOT, "inventory.example")

FORMATS = ["json", "md", "html", "junit", "csv"]
NAMES = ["fleet-summary.json", "fleet-summary.md", "fleet-summary.html", "fleet-summary.junit.xml", "fleet-summary.csv"]


def _big_export(path, phones):
    """The example export with its devices repeated under new ids: enough that writing the reports takes a while."""
    with open(os.path.join(ROOT, "examples", "mdm-export.json"), encoding="utf-8") as handle:
        document = json.load(handle)
    originals = [d for d in document["devices"] if isinstance(d, dict) and isinstance(d.get("id"), str)]
    devices = []
    for index in range(phones):
        device = copy.deepcopy(originals[index % len(originals)])
        device["id"] = "%s-%06d" % (device["id"], index)
        devices.append(device)
    document["devices"] = devices
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(document, handle)


def _descendants(pid):
    """Every process below pid (Ansible's workers start sessions of their own, so a process group is not enough)."""
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open("/proc/%s/stat" % entry, encoding="ascii", errors="replace") as handle:
                    parent = int(handle.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(parent, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), ()):
            found.append(child)
            todo.append(child)
    return found


def _listing(folder):
    """The names in folder, or none when it is gone (a run's partial folder is renamed when it is published)."""
    try:
        return os.listdir(str(folder))
    except FileNotFoundError:
        return []


def _kill_tree(pid):
    """SIGKILL pid and everything below it, as a job runner ends a job (stopped first, so none forks meanwhile)."""
    os.kill(pid, signal.SIGSTOP)
    while True:
        alive = [child for child in _descendants(pid) if os.path.exists("/proc/%d" % child)]
        for child in alive:
            try:
                os.kill(child, signal.SIGSTOP)
            except ProcessLookupError:
                pass
        if alive == [child for child in _descendants(pid) if os.path.exists("/proc/%d" % child)]:
            break
    for victim in [pid] + alive:
        try:
            os.kill(victim, signal.SIGKILL)
        except ProcessLookupError:
            pass


def _command(tmp_path, report_dir, extra=None):
    extra_vars = {"signal_hardening_report_dir": str(report_dir), "signal_hardening_report_formats": FORMATS,
                  "signal_hardening_min_compliance_pct": 0, "signal_hardening_max_failures": {},
                  "signal_hardening_evaluation_time": "2026-11-26T06:00:00Z"}
    extra_vars.update(extra or {})
    env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"),
               ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, ".build", "collections"),
               ANSIBLE_HOME=str(tmp_path / "ansible-home"), ANSIBLE_NOCOLOR="1")
    command = [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", EXAMPLE, PLAYBOOK, "--check",
               "-e", json.dumps(extra_vars)]
    return command, env


def _run(tmp_path, report_dir, extra=None):
    command, env = _command(tmp_path, report_dir, extra)
    proc = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


def _published_run(report_dir):
    """The run id every stable report name gives, as a reader opening them one by one sees them."""
    ids = {}
    for name in NAMES:
        with open(os.path.join(str(report_dir), name), encoding="utf-8") as handle:
            text = handle.read()
        if name.endswith(".json"):
            ids[name] = json.loads(text)["run"]["id"]
            continue
        found = [run for run in os.listdir(str(report_dir / "runs")) if run in text]
        assert len(found) == 1, (name, found)
        ids[name] = found[0]
    assert len(set(ids.values())) == 1, ids
    return ids[NAMES[0]]


def test_a_playbook_killed_while_writing_leaves_the_previous_set_and_the_next_run_cleans_up(tmp_path):
    export = tmp_path / "export.json"
    _big_export(str(export), 10000)
    sources = {"signal_hardening_mdm_sources": [{"name": "big", "type": "file", "path": str(export)}]}
    report_dir = tmp_path / "reports"
    _run(tmp_path, report_dir, sources)
    first = _published_run(report_dir)

    command, env = _command(tmp_path, report_dir, sources)
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    partial = None
    try:
        deadline = time.monotonic() + 600
        while proc.poll() is None and time.monotonic() < deadline:
            found = [n for n in os.listdir(str(report_dir / "runs")) if n.endswith(".partial")]
            # Writing its JSON summary: the file is there, or (written by a forked process) its temporary file.
            if found and any(name == "fleet-summary.json" or name.startswith(".fleet-summary.json.")
                             for name in _listing(report_dir / "runs" / found[0])):
                partial = found[0]
                break
            time.sleep(0.01)
        # Killed as a job runner kills a job: ansible-playbook, its workers and the forked report writer at once.
        _kill_tree(proc.pid)
    finally:
        proc.wait()
    assert partial is not None, "the run ended before it was writing its JSON summary"
    assert os.path.isdir(str(report_dir / "runs" / partial))
    # Every report a reader opens still belongs to the first run; the killed run's JSON is not among them.
    assert _published_run(report_dir) == first

    _run(tmp_path, report_dir, sources)
    third = _published_run(report_dir)
    assert third != first
    assert sorted(os.listdir(str(report_dir / "runs"))) == sorted([first, third])  # the partial folder is gone
    with open(str(report_dir / "fleet-summary.json"), encoding="utf-8") as handle:
        history = json.load(handle)["history"]
    # The killed run never reached the history: the third run is its second.
    assert history["run_id"] == 2 and history["runs"] == 2


def _modes(report_dir):
    run = os.path.realpath(str(report_dir / "current"))
    files = {name: stat.S_IMODE(os.stat(os.path.join(run, name)).st_mode) for name in os.listdir(run)
             if os.path.isfile(os.path.join(run, name))}
    folders = {path: stat.S_IMODE(os.stat(path).st_mode) for path in (str(report_dir), str(report_dir / "runs"), run)}
    return files, folders, stat.S_IMODE(os.stat(str(report_dir / "fleet-history.sqlite")).st_mode)


def test_reports_and_history_are_private_under_the_usual_umask(tmp_path):
    report_dir = tmp_path / "reports"
    previous = os.umask(0o022)
    try:
        _run(tmp_path, report_dir)
        files, folders, history = _modes(report_dir)
        assert set(files.values()) == {0o640} and set(NAMES) <= set(files)
        assert set(folders.values()) == {0o750}
        assert history & 0o007 == 0  # nobody but the owner (and its group) reads the history
        other = tmp_path / "other"
        _run(tmp_path, other, {"signal_hardening_report_mode": "0600"})
        files, folders, _history = _modes(other)
        assert set(files.values()) == {0o600} and set(folders.values()) == {0o700}
    finally:
        os.umask(previous)
