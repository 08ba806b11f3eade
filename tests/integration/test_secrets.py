# -*- coding: utf-8 -*-
"""No MDM secret given inline in signal_hardening_mdm_sources reaches any output, at the highest verbosity.

Four sources, one per vendor API, each against its fake on 127.0.0.1 and each carrying its secrets inline (client
secrets, a password, Workspace ONE's tenant code, a Google service-account key file). The real playbook runs at
-vvvv, once with ansible-playbook and once through ansible-runner (what AWX runs, with its job events); then every
output is searched for every secret: stdout, stderr, every report, the history, and every ansible-runner artifact.
The inputs themselves (the extra vars files, the key file) are of course not searched; the secrets are given in a
file of extra vars, as AWX gives them (ansible-playbook echoes a command line's -e values at -vvvv).
"""

from __future__ import annotations

import json
import os
import sys

import ansible_runner

from tests.fakes.android_management_api import ENTERPRISE, FakeAndroidManagement, ServiceAccount
from tests.fakes.intune_api import IntuneFake
from tests.fakes.jamf_api import JamfFake, make_device
from tests.fakes.workspace_one_api import TOKEN_PATH, WorkspaceOneFake, example_data

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PLAYBOOK = os.path.join(ROOT, "playbooks", "harden_signal.yml")
INTUNE_EXPORT = os.path.join(ROOT, "examples", "mdm", "intune", "graph-responses.json")

JAMF_SECRET = "jamf-Cl13nt~S3cret/for+the=vvvv-test"
INTUNE_SECRET = "intune-Q8~vvvv.S3cr3t-value-from-portal"
WS1_PASSWORD = "ws1-P4ssw0rd!for-the-vvvv-test"
WS1_TENANT_CODE = "WS1tenantCODE0vvvv7Qa9zR2wLp0Vb8c"


def sources(jamf, intune, ws1, android, key_file):
    return [
        {"name": "corp-jamf", "type": "jamf", "api_url": jamf.url, "client_id": "jamf-client",
         "client_secret": JAMF_SECRET, "max_retries": 1, "timeout": 5},
        {"name": "corp-intune", "type": "intune", "api_url": intune.url, "token_url": intune.token_url,
         "tenant_id": intune.tenant_id, "client_id": intune.client_id, "client_secret": INTUNE_SECRET, "max_retries": 1,
         "timeout": 5},
        {"name": "corp-ws1", "type": "workspace_one", "api_url": ws1.url, "token_url": ws1.url + TOKEN_PATH,
         "tenant_code": WS1_TENANT_CODE, "username": "ws1-auditor", "password": WS1_PASSWORD, "max_retries": 1,
         "timeout": 5},
        {"name": "corp-android", "type": "android_management", "api_url": android.url, "enterprise_id": ENTERPRISE,
         "service_account_file": key_file, "max_retries": 1, "timeout": 5},
    ]


def secrets_of(account):
    """Every secret value, and pieces of the service-account key (its id and lines of the private key's PEM)."""
    pem_lines = [line for line in account.pem.splitlines() if line and not line.startswith("-----")]
    return [JAMF_SECRET, INTUNE_SECRET, WS1_PASSWORD, WS1_TENANT_CODE, account.private_key_id] + pem_lines[1:4]


def leaks(secrets, blobs):
    """[(where, secret)] for every secret found in any of blobs ({where: bytes})."""
    return [(where, secret) for where, data in blobs.items() for secret in secrets if secret.encode() in data]


def files_under(folder):
    blobs = {}
    for top, _dirs, names in os.walk(str(folder)):
        for name in names:
            path = os.path.join(top, name)
            with open(path, "rb") as handle:
                blobs[path] = handle.read()
    return blobs


def test_no_secret_reaches_any_output_at_vvvv(run_playbook, tmp_path, monkeypatch):
    account = ServiceAccount()
    devices, apps = example_data()
    jamf = JamfFake([make_device(n) for n in range(1, 4)], client_id="jamf-client", client_secret=JAMF_SECRET)
    ws1 = WorkspaceOneFake(devices, apps, WS1_TENANT_CODE, username="ws1-auditor", password=WS1_PASSWORD)
    with jamf.serve() as jamf_server, IntuneFake.from_export(INTUNE_EXPORT, client_secret=INTUNE_SECRET) as intune, \
            ws1.serve() as ws1_server, FakeAndroidManagement(account) as android:
        key_file = account.write(tmp_path, android.token_url)
        extra = {"signal_hardening_mdm_sources": sources(jamf_server, intune, ws1_server, android, key_file),
                 "signal_hardening_min_compliance_pct": 0}
        # As an operator (and AWX) gives them: in a file of extra vars (-e @file), not on the command line, which
        # ansible-playbook itself echoes at -vvvv.
        extra_file = tmp_path / "extra-vars.json"
        extra_file.write_text(json.dumps(extra))
        run = run_playbook(args=["-vvvv", "-e", "@%s" % extra_file])
        assert run.rc == 0, run.output[-5000:]
        summary = run.summary()

        # The same job through ansible-runner at verbosity 4: its stdout, job events and every other artifact.
        monkeypatch.setenv("PATH", os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))
        runner_dir = tmp_path / "runner"
        runner_dir.mkdir()
        runner_reports = tmp_path / "runner-reports"
        envvars = {"ANSIBLE_CONFIG": os.path.join(ROOT, "ansible.cfg"),
                   "ANSIBLE_COLLECTIONS_PATH": os.path.join(ROOT, ".build", "collections"),
                   "ANSIBLE_HOME": str(tmp_path / "runner-home")}
        job = ansible_runner.run(private_data_dir=str(runner_dir), playbook=PLAYBOOK,
                                 inventory=os.path.join(ROOT, "inventory.example"), cmdline="--check", verbosity=4,
                                 extravars=dict(extra, signal_hardening_report_dir=str(runner_reports)),
                                 envvars=envvars, quiet=True, timeout=600)
        assert job.rc == 0, job.stdout.read()[-5000:]

    # The run did pull every source: the secrets were used, not left unused.
    pulled = {s["name"]: s["status"] for s in summary["run"]["sources"]}
    assert pulled == {"desktop_info": "complete", "corp-jamf": "complete", "corp-intune": "complete",
                      "corp-ws1": "complete", "corp-android": "complete"}, pulled
    assert "<localhost> ESTABLISH LOCAL CONNECTION" in run.output   # -vvvv took effect

    outputs = {"ansible-playbook stdout": run.stdout.encode(), "ansible-playbook stderr": run.stderr.encode()}
    outputs.update(files_under(run.report_dir))                    # every report and the history (SQLite)
    outputs.update(files_under(runner_reports))
    outputs.update(files_under(runner_dir / "artifacts"))          # stdout, job_events, status, command...
    assert any(name.endswith("fleet-history.sqlite") for name in outputs)
    assert any("job_events" in name for name in outputs)
    assert leaks(secrets_of(account), outputs) == []
    # The extra vars ansible-runner was given do hold them: the search would find them where they are.
    assert leaks([JAMF_SECRET, WS1_TENANT_CODE], files_under(runner_dir / "env")) != []
