# -*- coding: utf-8 -*-
"""The playbook with the newest versions read from a feed on 127.0.0.1, and remediation in check mode."""

from __future__ import annotations

import os

import pytest

from tests.fakes.static_files import serve_files

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
KEY = os.path.join(ROOT, "tests", "unit", "plugins", "module_utils", "probes", "data", "throwaway-pubkey.asc")
OFFLINE_PHONES = {"ios": "7.85", "android": "7.80.2"}
FEEDS = {"/desktop/latest-linux.yml": b"version: 7.81.0\nreleaseDate: '2026-11-19T18:25:09.575Z'\n",
         "/desktop/latest-mac.yml": b"version: [broken\n"}


def flat(run):
    """The output with YAML's line folding undone."""
    return " ".join(run.output.split())


@pytest.fixture
def feed_server():
    with serve_files(FEEDS) as files_server:
        yield files_server.url + "/desktop/"


def test_feeds_fill_platforms_without_an_offline_value(run_playbook, feed_server):
    run = run_playbook(extra={"signal_hardening_newest_versions": OFFLINE_PHONES,
                              "signal_hardening_release_feed_url": feed_server})
    assert run.rc == 0, run.output
    out = flat(run)
    assert "linux: 7.81.0 from %slatest-linux.yml" % feed_server in out
    assert "macos: unknown (the update feed could not be read" in out and "not valid YAML" in out
    assert "windows: unknown" in out and "HTTP 404" in out


def test_an_unreachable_feed_never_fails_the_run(run_playbook):
    run = run_playbook(extra={"signal_hardening_newest_versions": OFFLINE_PHONES,
                              "signal_hardening_release_feed_url": "http://127.0.0.1:9/desktop/"})
    assert run.rc == 0, run.output
    assert "linux: unknown (the update feed could not be read: http://127.0.0.1:9/desktop/latest-linux.yml" in flat(run)


def test_the_example_reads_no_feed(run_playbook):
    run = run_playbook()
    assert run.rc == 0, run.output
    assert "linux: 7.80.0 from offline value" in flat(run)


def test_remediation_in_check_mode_reports_and_changes_nothing(run_playbook):
    # Runs where the project's tests run (root on Debian); elsewhere it fails saying why instead of skipping.
    assert os.geteuid() == 0 and os.path.exists("/usr/bin/apt-get"), "needs root on Debian or Ubuntu"
    watched = ["/etc/apt/sources.list.d/signal-desktop.sources", "/usr/share/keyrings/signal-desktop-keyring.gpg",
               "/etc/apt/apt.conf.d/52signal-desktop-unattended-upgrades", "/etc/dconf/db/local.d/zz-hardening-signal"]
    before = {p: os.path.exists(p) for p in watched}
    run = run_playbook(extra={"signal_hardening_remediate": True, "signal_hardening_key_file": KEY,
                              "signal_hardening_key_fingerprint": "76780304C83C329E03F5D9CD5BF51F91147E5AAF",
                              "signal_hardening_manage_gnome": "true"}, args=["--diff"])
    assert run.rc == 0, run.output
    assert "SIGNAL | 3.1 | PATCH | Pin Signal's apt repository" in run.output
    assert "Signed-By: /usr/share/keyrings/signal-desktop-keyring.gpg" in run.output    # the diff
    assert "SIGNAL | 3.7 | PATCH | Set and lock screen lock, idle delay and lock-screen notifications" in run.output
    assert "Remediation failed" not in run.output
    assert {p: os.path.exists(p) for p in watched} == before


def test_a_remediation_that_would_fail_is_said_in_check_mode_and_the_audit_goes_on(run_playbook):
    # A key whose fingerprint is not the one expected: desktop_update refuses to trust it. In check mode nothing is
    # remediated, so the audit is not failed for it (a real run is: test_installed_collection.py, in a container).
    assert os.geteuid() == 0 and os.path.exists("/usr/bin/apt-get"), "needs root on Debian or Ubuntu"
    run = run_playbook(extra={"signal_hardening_remediate": True, "signal_hardening_key_file": KEY,
                              "signal_hardening_key_fingerprint": "0" * 40})
    assert run.rc == 0, run.output[-3000:]
    out = flat(run)
    assert "Check mode: remediation would fail on localhost: SIGNAL | 3.1 |" in out, out[-3000:]
    assert "the host is still probed and judged, and this audit does not fail for it" in out
    assert "Remediation failed on" not in out
    summary = run.summary()
    workstation = [s for s in summary["subjects"] if s["kind"] == "workstation"]
    assert [(s["id"], s["state"]) for s in workstation] == [("localhost", "ok")]
