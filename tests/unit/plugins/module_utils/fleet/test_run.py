# -*- coding: utf-8 -*-
"""The whole judge run (fleet/run.py) called as plain Python: no Ansible task, no hostvars, no play context."""

from __future__ import annotations

import datetime
import json
import os

import pytest

from ansible_collections.hardening.signal.plugins.module_utils.fleet import run
from ansible_collections.hardening.signal.plugins.module_utils.fleet.run import (
    RunError,
    Workstation,
    check_settings,
    judge_fleet,
    with_defaults,
)
from ansible_collections.hardening.signal.plugins.module_utils.schema_validation import problems
from tests.fakes.jamf_api import JamfFake
from tests.fakes.jamf_api import make_device as jamf_device
from tests.fakes.workstation import CONTROLS_DIR, ORG, ROOT, linux_facts

EXPORT = os.path.join(ROOT, "examples", "mdm-export.json")
FACTS = linux_facts(unattended_upgrades={
    "installed": True, "timer_masked": False, "package_lists": [],
    "periodic": [{"name": "APT::Periodic::Unattended-Upgrade", "value": "1", "file": "/etc/apt/apt.conf.d/20auto-upgrades",
                  "line": 2}],
    "origins": [{"setting": "Unattended-Upgrade::Origins-Pattern", "entry": "origin=. xenial,codename=xenial",
                 "file": "/etc/apt/apt.conf.d/52signal", "line": 3,
                 "fields": [{"key": "origin", "pattern": ". xenial"}, {"key": "codename", "pattern": "xenial"}]}]})
NOW = datetime.datetime(2026, 11, 26, 6, 30, 15, 123456, tzinfo=datetime.timezone.utc)


def arguments(tmp_path, **more):
    args = {"controls_dir": CONTROLS_DIR, "org": ORG, "newest_versions": {"desktop": "7.80.0"},
            "report_dir": str(tmp_path / "reports"), "formats": ["json"]}
    args.update(more)
    return with_defaults(args)


def written(tmp_path):
    with open(os.path.join(str(tmp_path / "reports"), "fleet-summary.json"), encoding="utf-8") as handle:
        return json.load(handle)


def test_a_run_without_ansible_judges_what_each_host_handed_in(tmp_path):
    workstations = {"ws2": Workstation(probe={"facts": FACTS}, owner="erin@example.org"),
                    "ws1": Workstation(probe={"facts": FACTS}, remediation_error="ws1: Pin: bad key"),
                    "ws3": Workstation()}
    result = judge_fleet(arguments(tmp_path), workstations, check_mode=True, now=NOW)
    summary = written(tmp_path)
    assert problems("fleet_summary.schema.json", summary) == []
    # Sorted by host; a host that handed in nothing is a failed subject, never dropped.
    assert [(s["id"], s["state"], s["owner"]) for s in summary["subjects"]] == [
        ("ws1", "ok", "dana@ws1"), ("ws2", "ok", "erin@example.org"), ("ws3", "failed", None)]
    assert summary["run"]["check_mode"] is True
    assert summary["generated_at"] == "2026-11-26T06:30:15Z"   # the clock given, to the second
    assert result["remediation_failures"] == ["ws1: Pin: bad key"]
    assert result["subjects"] == 3 and result["reports"] == {"json": str(tmp_path / "reports" / "fleet-summary.json"),
                                                             "action_sheets": str(tmp_path / "reports" / "action-sheets")}
    assert [s["name"] for s in summary["run"]["sources"]] == ["desktop_info"]
    assert summary["run"]["sources"][0]["status"] == "incomplete"
    assert set(result["timings"]) >= {"catalogue", "collect", "governance", "evaluate", "summarize", "write_json"}
    assert result["artifact"]["subjects"] == 3 and result["table"]


def test_why_the_newest_version_is_unknown_and_how_old_it_is_reach_the_reasons(tmp_path):
    """The feed's problem and the newest release's date come from signal_releases; a reason that only says
    "feed not read" would hide what went wrong (before, only newest_versions reached the engine)."""
    workstations = {"ws1": Workstation(probe={"facts": FACTS})}
    judge_fleet(arguments(tmp_path, newest_versions={}, newest_unknown_reasons={
        "linux": "https://updates.signal.org/desktop/latest-linux.yml: timed out"}), workstations, now=NOW)
    result = {r["control"]: r for r in written(tmp_path)["subjects"][0]["results"]}["sh-3.2-desktop-version-current"]
    assert result["status"] == "unknown" and "latest-linux.yml: timed out" in result["reason"]
    judge_fleet(arguments(tmp_path, newest_versions={"linux": "7.83.0"}, release_age_days=14,
                          newest_release_dates={"linux": "2026-10-01T10:00:00Z"}), workstations, now=NOW)
    result = {r["control"]: r for r in written(tmp_path)["subjects"][0]["results"]}["sh-3.2-desktop-version-current"]
    assert "came out 55 days ago" in result["reason"]


def test_the_evaluation_time_argument_wins_over_the_clock(tmp_path):
    judge_fleet(arguments(tmp_path, evaluation_time="2026-11-20T08:00:00+01:00"), {}, now=NOW)
    assert written(tmp_path)["generated_at"] == "2026-11-20T07:00:00Z"


def test_progress_of_an_api_pull_reaches_the_callback(tmp_path):
    calls = []
    fake = JamfFake([jamf_device(n) for n in range(1, 5)], client_id="jamf-client", client_secret="s3cret")
    with fake.serve() as server:
        sources = [{"name": "corp-jamf", "type": "jamf", "api_url": server.url, "client_id": "jamf-client",
                    "client_secret": "s3cret", "page_size": 2, "max_retries": 1, "timeout": 5},
                   {"name": "export", "type": "file", "path": EXPORT}]
        result = judge_fleet(arguments(tmp_path, mdm_sources=sources), {},
                             progress=lambda *args: calls.append(args), now=NOW)
    assert calls and calls[-1][:3] == ("corp-jamf", 2, 4)
    assert result["incomplete_sources"] == [] and result["subjects"] == 4 + 19


@pytest.mark.parametrize("given, words", [
    ({"attestation_validity_days": {"sh-3.5-registration-lock": 1000}},
     "signal_hardening_attestation_validity_days: sh-3.5-registration-lock: 1000 days is not a whole number of days "
     "from 1 to 730. Each key must be the id of an attestation control"),
    ({"attestation_validity_days": {"sh-3.7-linux-screen-lock": "30"}},
     "signal_hardening_attestation_validity_days: sh-3.7-linux-screen-lock is checked on the host, not attested"),
    ({"max_failures": {"high": -1}}, "signal_hardening_max_failures: high: -1 is not null or a whole number from 0"),
    ({"max_failures": {"severe": 1}}, "signal_hardening_max_failures: unknown severity severe"),
    ({"history_keep_runs": -2}, "signal_hardening_history_keep_runs: -2 is not 0"),
    ({"history_url": "mysql://signal@db/history"}, "signal_hardening_history_url: the scheme mysql:// is not supported"),
    ({"history_url": "postgresql://signal@db/history", "history_path": "/srv/h.sqlite"},
     "signal_hardening_history_url and signal_hardening_history_path are both set"),
    ({"evaluation_time": "yesterday"}, "signal_hardening_evaluation_time 'yesterday' is not an ISO 8601 date-time"),
    ({"org": {"screen_lock_timeout_minutes": 5}},
     "org is missing value\\(s\\): disappearing_messages_timer_days"),
    # A lone surrogate (from a file lookup of bytes that are not UTF-8) in a setting: named, never written out.
    ({"report_dir": "/tmp/reports-\udc80"},
     "signal_hardening_report_dir: the value is not valid Unicode text: a lone surrogate \\(U\\+DC80\\) at character 14"),
    ({"max_failures": {"high": "\udc80"}}, "signal_hardening_max_failures.high: the value is not valid Unicode text"),
])
def test_each_setting_is_checked_in_one_place_and_named(tmp_path, given, words):
    with pytest.raises(RunError, match=words):
        check_settings(arguments(tmp_path, **given), prefix="signal_hardening_")
    # The judge runs the same check: nothing is written for a wrong setting.
    with pytest.raises(RunError):
        judge_fleet(arguments(tmp_path, **given), {"ws1": Workstation(probe={"facts": FACTS})}, now=NOW)
    assert not (tmp_path / "reports").exists()


def test_settings_take_digit_strings_as_numbers_and_apply_the_overrides(tmp_path):
    settings = check_settings(arguments(tmp_path, attestation_validity_days={"sh-3.3-profile": "45"},
                                        max_failures={"high": "0", "low": None}, evaluation_time="2026-11-26T06:00:00"))
    assert settings.validity == {"sh-3.3-profile": 45} and settings.max_failures == {"high": 0, "low": None}
    profile = next(c for c in settings.controls if c["id"] == "sh-3.3-profile")
    assert profile["check"]["validity_days"] == 45
    assert settings.moment == datetime.datetime(2026, 11, 26, 6, tzinfo=datetime.timezone.utc)


def test_a_required_argument_left_out_is_named():
    with pytest.raises(RunError, match="missing required argument\\(s\\): org, report_dir"):
        with_defaults({"controls_dir": CONTROLS_DIR})


def test_a_report_folder_that_cannot_be_written_is_named(tmp_path):
    blocker = tmp_path / "reports"
    blocker.write_text("a file where the folder should be")
    with pytest.raises(RunError, match="cannot write the compliance summary to %s" % blocker):
        judge_fleet(arguments(tmp_path), {}, now=NOW)


def test_a_waiver_naming_a_retired_control_is_refused_with_the_successor(tmp_path):
    waiver = {"control": "sh-3.1-android-play-store", "scope": {"kinds": ["mobile"]}, "owner": "sec@example.org",
              "justification": "sideloaded builds are accepted", "expires": "2027-01-31"}
    judge_fleet(arguments(tmp_path, waivers=[waiver]), {"ws1": Workstation(probe={"facts": FACTS})}, check_mode=True,
                now=NOW)
    summary = written(tmp_path)
    messages = [e["message"] for e in summary["input_errors"] if e["source"] == "signal_hardening_waivers"]
    assert any("replaced by sh-3.1-android-signature" in m for m in messages), summary["input_errors"]
    assert summary["waivers"]["counts"]["invalid"] == 1


def test_a_report_folder_is_absolute_and_never_inside_an_installed_collection(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    settings = check_settings(arguments(tmp_path, report_dir="reports", history=True))
    assert settings.report_dir == str(tmp_path / "reports")
    assert settings.history == str(tmp_path / "reports" / "fleet-history.sqlite")
    # An installed copy (ansible-galaxy writes MANIFEST.json): its own folder is refused, with the way out.
    installed = tmp_path / "ansible_collections" / "hardening" / "signal"
    installed.mkdir(parents=True)
    (installed / "MANIFEST.json").write_text("{}")
    monkeypatch.setattr(run, "COLLECTION_ROOT", str(installed))
    with pytest.raises(RunError, match="signal_hardening_report_dir %s is inside the installed collection" % (installed / "reports")):
        check_settings(arguments(tmp_path, report_dir=str(installed / "reports")), prefix="signal_hardening_")
    monkeypatch.chdir(installed)
    with pytest.raises(RunError, match="history_path .* is inside the installed collection"):
        check_settings(arguments(tmp_path, report_dir=str(tmp_path / "elsewhere"), history=True, history_path="h.sqlite"))
    assert check_settings(arguments(tmp_path, report_dir=str(tmp_path / "elsewhere"))).report_dir == str(tmp_path / "elsewhere")


def test_what_the_update_feed_said_reaches_the_version_results(tmp_path):
    # signal_releases returns why a platform's newest version is unknown and when the newest came out; the judge
    # takes both as arguments and the version check words them (they used to be dropped on the way).
    workstations = {"ws1": Workstation(probe={"facts": FACTS})}
    judge_fleet(arguments(tmp_path, newest_versions={}, newest_unknown_reasons={
        "linux": "the update feed could not be read: https://updates.signal.org/desktop/latest-linux.yml: timed out"}),
        workstations, now=NOW)
    result = next(r for r in written(tmp_path)["subjects"][0]["results"] if r["control"] == "sh-3.2-desktop-version-current")
    assert result["status"] == "unknown" and "latest-linux.yml: timed out" in result["reason"]
    judge_fleet(arguments(tmp_path, newest_versions={"linux": "7.81.0"}, release_age_days=14,
                          newest_release_dates={"linux": "2026-10-01T09:00:00Z"}), workstations, now=NOW)
    result = next(r for r in written(tmp_path)["subjects"][0]["results"] if r["control"] == "sh-3.2-desktop-version-current")
    assert result["status"] == "pass" and "at risk of expiring" in result["reason"]
