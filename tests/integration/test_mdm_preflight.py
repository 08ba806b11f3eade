# -*- coding: utf-8 -*-
"""A source whose credentials are missing stops the real playbook before any workstation is probed, saying why on
the console; with its credential injected the way AWX injects it (the source's own environment variables), the same
source is pulled."""

from __future__ import annotations

import os

import pytest

from tests.fakes.jamf_api import JamfFake, make_device
from tests.integration.task_names import PROBE_TASK


@pytest.fixture(autouse=True)
def no_mdm_variables(monkeypatch):
    for name in [n for n in os.environ if n.startswith("HARDENING_SIGNAL_")]:
        monkeypatch.delenv(name)


def test_a_source_without_credentials_stops_the_run_before_the_probe(run_playbook):
    run = run_playbook(extra={"signal_hardening_mdm_sources": [{"name": "corp-jamf", "type": "jamf"}]})
    assert run.rc != 0
    assert "corp-jamf (jamf): missing option(s)" in run.output
    assert "HARDENING_SIGNAL_JAMF_CLIENT_ID" in run.output and "HARDENING_SIGNAL_JAMF_API_URL" in run.output
    assert PROBE_TASK not in run.output
    assert not os.path.exists(os.path.join(run.report_dir, "fleet-summary.json"))


def test_the_same_source_with_its_credential_in_the_environment_is_pulled(run_playbook, monkeypatch):
    fake = JamfFake([make_device(n) for n in (1, 2)], client_id="jamf-client", client_secret="jamf-Secret~9")
    with fake.serve() as server:
        monkeypatch.setenv("HARDENING_SIGNAL_JAMF_API_URL", server.url)
        monkeypatch.setenv("HARDENING_SIGNAL_JAMF_CLIENT_ID", "jamf-client")
        monkeypatch.setenv("HARDENING_SIGNAL_JAMF_CLIENT_SECRET", "jamf-Secret~9")
        run = run_playbook(extra={"signal_hardening_mdm_sources": [{"name": "corp-jamf", "type": "jamf"}],
                                  "signal_hardening_min_compliance_pct": 0})
    assert run.rc == 0, run.output
    source = next(s for s in run.summary()["run"]["sources"] if s["name"] == "corp-jamf")
    assert source["status"] == "complete" and source["subjects"] == 2
    assert "jamf-Secret~9" not in run.output
