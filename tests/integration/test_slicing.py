# -*- coding: utf-8 -*-
"""AWX job slicing: slices collect through ansible-runner (what AWX runs), their artifacts are merged exactly as AWX
merges them, and one judge run judges them all.

AWX (awx/main/models/workflow.py, WorkflowJob.get_effective_artifacts) hands the next workflow node the slice jobs'
artifacts merged with a shallow dict.update, in the order the jobs finished: a key two slices both publish keeps
only the last one's value. Each slice job has its own awx_job_id (UnifiedJob.awx_meta_vars)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import ansible_runner
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PLAYBOOK = os.path.join(ROOT, "playbooks", "harden_signal.yml")
HOSTS = ("ws-c", "ws-a", "ws-b", "ws-d")
MOMENT = "2026-11-26T06:00:00Z"
# (awx_job_id, limit), in the order the slice jobs finish: not the order they were numbered in.
SLICES = ((102, "ws-b"), (101, "ws-a,ws-c"), (103, "ws-d"))


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
    return {"ANSIBLE_CONFIG": os.path.join(ROOT, "ansible.cfg"),
            "ANSIBLE_COLLECTIONS_PATH": os.path.join(ROOT, ".build", "collections"),
            "ANSIBLE_HOME": str(tmp_path / "ansible-home"), "ANSIBLE_NOCOLOR": "1"}


def _summary(report_dir):
    """The judgement: the summary without the run's own id (each run, sliced or not, gets a new one)."""
    with open(os.path.join(str(report_dir), "fleet-summary.json"), encoding="utf-8") as handle:
        summary = json.load(handle)
    assert summary["run"].pop("id")
    return summary


def _runner(tmp_path, name, inventory, extravars, limit=None):
    """One AWX job through ansible-runner: its artifacts (the playbook_on_stats event's artifact_data)."""
    data_dir = tmp_path / ("runner-" + name)
    data_dir.mkdir()
    run = ansible_runner.run(private_data_dir=str(data_dir), playbook=PLAYBOOK, inventory=inventory, extravars=extravars,
                             limit=limit, cmdline="--check", envvars=_env(tmp_path), quiet=True, timeout=600)
    assert run.rc == 0, run.stdout.read()
    stats = [e for e in run.events if e.get("event") == "playbook_on_stats"]
    return stats[-1]["event_data"].get("artifact_data") or {}


def awx_effective_artifacts(jobs_in_finish_order):
    """What AWX passes to the next workflow node: one dict, updated with each job's artifacts at the top level only."""
    artifacts = {}
    for job_artifacts in jobs_in_finish_order:
        artifacts.update(job_artifacts)
    return artifacts


def test_slices_merged_as_awx_merges_them_give_the_summary_of_an_unsliced_run(tmp_path, monkeypatch):
    # ansible-runner finds ansible-playbook on PATH, as in an execution environment.
    monkeypatch.setenv("PATH", os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))
    inventory = _inventory(tmp_path)
    whole = tmp_path / "whole"
    command = [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", inventory, PLAYBOOK, "--check",
               "-e", json.dumps(_vars(whole))]
    env = dict(os.environ, **_env(tmp_path))
    proc = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr

    # Each slice only collects, as its own AWX job, and publishes under a key of its own.
    finished = []
    for job_id, limit in SLICES:
        artifacts = _runner(tmp_path, "slice-%d" % job_id, inventory,
                            _vars(tmp_path / str(job_id), signal_hardening_phase="collect", awx_job_id=job_id), limit)
        assert list(artifacts) == ["signal_hardening_collected_%d" % job_id]
        assert sorted(artifacts["signal_hardening_collected_%d" % job_id]) == sorted(limit.split(","))
        assert not os.path.exists(tmp_path / str(job_id) / "fleet-summary.json"), "a collecting slice judges nothing"
        finished.append(artifacts)

    merged = tmp_path / "merged"
    artifacts = _runner(tmp_path, "judge", inventory,
                        dict(_vars(merged, signal_hardening_phase="judge"), **awx_effective_artifacts(finished)))
    assert artifacts["signal_hardening_result"]["subjects"] == len(HOSTS) + 19
    assert _summary(merged) == _summary(whole)

    # The slice of ws-d failed before it published anything: ws-d is an error subject, never silently absent.
    partial = tmp_path / "partial"
    artifacts = _runner(tmp_path, "judge-partial", inventory,
                        dict(_vars(partial, signal_hardening_phase="judge"), **awx_effective_artifacts(finished[:2])))
    summary = _summary(partial)
    subjects = {s["id"]: s for s in summary["subjects"]}
    assert subjects["ws-d"]["state"] == "failed"
    assert subjects["ws-d"]["error"].startswith("not collected by any slice")
    assert [r["status"] for r in subjects["ws-d"]["results"]] == ["error"]
    wholes = {s["id"]: s for s in _summary(whole)["subjects"]}
    assert all(subjects[host] == wholes[host] for host in ("ws-a", "ws-b", "ws-c"))
    source = next(s for s in summary["run"]["sources"] if s["name"] == "desktop_info")
    assert source["status"] == "incomplete" and "1 of them not collected by any slice" in source["detail"]
    assert artifacts["signal_hardening_result"]["subjects"] == len(HOSTS) + 19
