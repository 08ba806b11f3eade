# -*- coding: utf-8 -*-
"""AWX job slicing: slices collect through ansible-runner (what AWX runs), one judge run merges them, and the
summary is identical to that of an unsliced run."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import ansible_runner
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PLAYBOOK = os.path.join(ROOT, "playbooks", "harden_signal.yml")
HOSTS = ("ws-c", "ws-a", "ws-b")
MOMENT = "2026-11-26T06:00:00Z"


def _inventory(tmp_path):
    local = {"ansible_connection": "local", "ansible_python_interpreter": sys.executable}
    hosts = {name: dict(local, signal_hardening_owner="%s@example.org" % name) for name in HOSTS}
    inventory = {"all": {"children": {"signal_workstations": {"hosts": hosts}}}}
    path = tmp_path / "inventory.yml"
    path.write_text(yaml.safe_dump(inventory))
    return str(path)


def _vars(report_dir, **more):
    values = {
        "signal_hardening_report_dir": str(report_dir),
        "signal_hardening_evaluation_time": MOMENT,
        "signal_hardening_history": False,
        "signal_hardening_remediate": False,
        "signal_hardening_min_compliance_pct": 0,
        "signal_hardening_newest_versions": {"desktop": "7.80.0", "ios": "7.85", "android": "7.80.2"},
        "signal_hardening_mdm_sources": [{"name": "example-mdm", "type": "file",
                                          "path": os.path.join(ROOT, "examples", "mdm-export.json")}],
    }
    values.update(more)
    return values


def _env(tmp_path):
    env = {"ANSIBLE_CONFIG": os.path.join(ROOT, "ansible.cfg"),
           "ANSIBLE_COLLECTIONS_PATH": os.path.join(ROOT, ".build", "collections"),
           "ANSIBLE_HOME": str(tmp_path / "ansible-home"), "ANSIBLE_NOCOLOR": "1"}
    return env


def _summary(report_dir):
    """The judgement: the summary without the run's own id (each run, sliced or not, gets a new one)."""
    with open(os.path.join(str(report_dir), "fleet-summary.json"), encoding="utf-8") as handle:
        summary = json.load(handle)
    assert summary["run"].pop("id")
    return summary


def _runner(tmp_path, name, inventory, extravars, limit=None):
    data_dir = tmp_path / ("runner-" + name)
    data_dir.mkdir()
    run = ansible_runner.run(private_data_dir=str(data_dir), playbook=PLAYBOOK, inventory=inventory, extravars=extravars,
                             limit=limit, cmdline="--check", envvars=_env(tmp_path), quiet=True, timeout=600)
    assert run.rc == 0, run.stdout.read()
    stats = [e for e in run.events if e.get("event") == "playbook_on_stats"]
    return stats[-1]["event_data"].get("artifact_data") or {}


def test_slices_merge_into_the_summary_of_an_unsliced_run(tmp_path, monkeypatch):
    # ansible-runner finds ansible-playbook on PATH, as in an execution environment.
    monkeypatch.setenv("PATH", os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))
    inventory = _inventory(tmp_path)
    whole = tmp_path / "whole"
    command = [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", inventory, PLAYBOOK, "--check",
               "-e", json.dumps(_vars(whole))]
    env = dict(os.environ, **_env(tmp_path))
    proc = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr

    # Two slices, as AWX job slicing would run them; each only collects.
    collected = {}
    for name, limit in (("slice1", "ws-a,ws-c"), ("slice2", "ws-b")):
        artifacts = _runner(tmp_path, name, inventory, _vars(tmp_path / name, signal_hardening_phase="collect"), limit)
        part = artifacts["signal_hardening_collected"]
        assert sorted(part) == sorted(limit.split(","))
        assert not os.path.exists(tmp_path / name / "fleet-summary.json"), "a collecting slice judges nothing"
        collected.update(part)  # what AWX does with the artifacts of a workflow's previous nodes

    merged = tmp_path / "merged"
    artifacts = _runner(tmp_path, "judge", inventory,
                        _vars(merged, signal_hardening_phase="judge", signal_hardening_collected=collected))
    assert artifacts["signal_hardening_result"]["subjects"] == len(HOSTS) + 19

    assert _summary(merged) == _summary(whole)
