# -*- coding: utf-8 -*-
"""The real playbook on real inventories: the summary, the gate, bad variables, failed hosts, check mode."""

from __future__ import annotations

import os
import sys

import pytest
import yaml

from ansible_collections.hardening.signal.plugins.module_utils.schema_validation import problems
from tests.integration.installed import ROLE_PLAY
from tests.integration.task_names import PROBE_TASK

PHONES_IN_EXAMPLE = 19


def write_hosts(inventory_dir, hosts):
    (inventory_dir / "hosts.yml").write_text(yaml.safe_dump({"all": {"children": {"signal_workstations": {"hosts": hosts}}}}))


def test_example_in_check_mode_writes_a_valid_summary(run_playbook):
    run = run_playbook()
    assert run.rc == 0, run.output
    summary = run.summary()
    assert problems("fleet_summary.schema.json", summary) == []
    assert summary["run"]["check_mode"] is True
    kinds = [s["kind"] for s in summary["subjects"]]
    assert kinds.count("workstation") == 1 and kinds.count("mobile") == PHONES_IN_EXAMPLE
    localhost = summary["subjects"][0]
    assert localhost["id"] == "localhost" and localhost["state"] == "ok" and localhost["owner"] == "alice.martin@example.org"
    # Every malformed example record is named with its file, record and field.
    mdm_errors = [e for e in summary["input_errors"] if "mdm-export.json" in e["source"]]
    fields = {(e["record"].split(" ")[0], e["field"]) for e in mdm_errors}
    assert ("devices[16]", "signal.version") in fields
    # The example's attestations file has one bad row on purpose; nothing else is wrong.
    others = [(os.path.basename(e["source"]), e["record"], e["field"]) for e in summary["input_errors"] if e not in mdm_errors]
    assert others == [("attestations.csv", "line 8", "answer")]
    assert {w["id"]: w["state"] for w in summary["waivers"]["items"]} == {"WVR-2026-014": "active", "WVR-2026-003": "expired"}
    assert summary["gate"]["passed"] is True and summary["history"]["run_id"] == 1
    assert summary["totals"]["error"] >= 3 and summary["totals"]["waived"] >= 1
    for fmt in ("json", "md", "html"):
        assert os.path.getsize(os.path.join(run.report_dir, "fleet-summary." + fmt)) > 0
    assert "compliance" in run.output and "fleet-summary.html" in run.output


def test_phones_are_judged_with_the_expected_verdicts(run_playbook):
    subjects = {s["id"]: s for s in run_playbook().summary()["subjects"]}

    def status(subject, control):
        return next(r["status"] for r in subjects[subject]["results"] if r["control"] == control)

    assert status("ios-0001", "sh-3.1-ios-app-store") == "pass"
    assert status("ios-0003", "sh-3.1-ios-app-store") == "fail"            # TestFlight
    assert status("ios-0006", "sh-3.1-ios-app-store") == "unknown"         # Intune cannot tell
    assert status("ios-0004", "sh-3.2-mobile-version-current") == "fail"   # a major release behind
    assert status("android-0003", "sh-3.10-android-daily-reboot") == "fail"
    assert status("ios-0001", "sh-3.10-ios-daily-reboot") == "waived"      # the example waiver
    assert status("ios-0008", "sh-3.1-ios-app-store") == "not_applicable"  # no Signal, not required
    assert status("ios-0009", "sh-3.2-mobile-version-current") == "error"  # malformed version
    assert status("ios-0001", "sh-3.3-profile") == "manual"                # nobody attested
    assert status("android-0008", "sh-3.3-profile") == "unknown"           # no owner to ask
    assert subjects["unknown-0001"]["state"] == "invalid"
    assert [r["control"] for r in subjects["unknown-0001"]["results"]] == ["collection"]


def test_threshold_fails_the_run_after_the_reports_are_written(run_playbook):
    run = run_playbook(extra={"signal_hardening_min_compliance_pct": 99.5})
    assert run.rc != 0
    assert "below signal_hardening_min_compliance_pct" in run.output
    assert run.summary()["run"]["threshold_pct"] == 99.5


def test_out_of_range_variable_stops_before_any_host_is_probed(run_playbook):
    run = run_playbook(extra={"signal_hardening_screen_lock_timeout_minutes": 0})
    assert run.rc != 0
    assert "signal_hardening_screen_lock_timeout_minutes must be 1-60" in run.output
    assert PROBE_TASK not in run.output
    assert not os.path.exists(os.path.join(run.report_dir, "fleet-summary.json"))


def test_wrongly_typed_variable_is_named(run_playbook):
    run = run_playbook(extra={"signal_hardening_require_signal_on_phones": "perhaps"})
    assert run.rc != 0
    assert "signal_hardening_require_signal_on_phones" in run.output
    assert not os.path.exists(os.path.join(run.report_dir, "fleet-summary.json"))


GHOST = ("ghost ansible_host=127.0.0.1 ansible_port=1 ansible_connection=ssh "
         "ansible_ssh_common_args='-o ConnectTimeout=3 -o BatchMode=yes'")


@pytest.mark.parametrize("entry", ["playbook", "role"])
@pytest.mark.parametrize("remediate", [True, False], ids=["remediate", "no-remediate"])
@pytest.mark.parametrize("check", [True, False], ids=["check", "no-check"])
def test_unreachable_host_is_reported_not_dropped(as_a_user, check, remediate, entry):
    """A workstation nothing answers on (port 1 refuses at once), in an inventory that sets no variable, with the
    installed collection: whether remediation runs (the default) or not, in --check or not, the host is judged as
    unreachable with the reason, and the exit status says what every report's gate says."""
    hosts = [GHOST]
    if check or not remediate:
        # Remediation for real is never run on this machine: this machine is in the inventory only for an audit.
        hosts.insert(0, "localhost ansible_connection=local ansible_python_interpreter=%s" % sys.executable)
    inventory = os.path.join(as_a_user.workdir, "inventory.ini")
    with open(inventory, "w", encoding="utf-8") as handle:
        handle.write("[signal_workstations]\n" + "\n".join(hosts) + "\n")
    options = {"inventory": inventory, "check": check}
    if not remediate:
        options["extra_vars"] = {"signal_hardening_remediate": False}
    if entry == "role":
        options["playbook"] = os.path.join(as_a_user.workdir, "site.yml")
        with open(options["playbook"], "w", encoding="utf-8") as handle:
            handle.write(ROLE_PLAY)
    run = as_a_user.run_playbook(**options)
    summary = run.summary()
    # Never dropped by Ansible (that is exit 4, with reports that had no reason to fail).
    assert run.rc != 4, run
    assert (run.rc == 0) == summary["gate"]["passed"], run
    ghost = next(s for s in summary["subjects"] if s["id"] == "ghost")
    assert ghost["state"] == "unreachable", ghost
    assert "Failed to connect to the host" in ghost["error"] and "port 1" in ghost["error"], ghost
    assert ghost["results"][0]["status"] == "error"
    source = next(s for s in summary["run"]["sources"] if s["name"] == "desktop_info")
    assert source["status"] == "incomplete"
    # Remediation that could not reach the host failed; an audit only says it would have.
    remediation_failed = remediate and not check
    assert summary["gate"]["remediation"]["crossed"] is remediation_failed
    assert summary["gate"]["passed"] is not remediation_failed
    if remediation_failed:
        failure, = summary["gate"]["remediation"]["failures"]
        assert failure.startswith("ghost: ") and "could not be reached" in failure and "port 1" in failure
        assert "The gate failed after the reports were written" in run.output
    for fmt in ("md", "html"):
        with open(os.path.join(run.report_dir, "fleet-summary." + fmt), encoding="utf-8") as handle:
            text = handle.read()
        assert ("Gate passed" in text or "Gate: passed" in text) is summary["gate"]["passed"], fmt


@pytest.mark.parametrize("check", [True, False], ids=["check", "no-check"])
def test_a_workstation_lost_part_way_through_remediation_is_a_failed_remediation(as_a_user, tmp_path, check):
    """The first step of remediation reaches the host, the next ones cannot (connection_plugins/flaky.py: nothing but
    setup ever runs on this machine): never dropped by Ansible, the remediation fails (an audit says it would), the
    probe reports the host unreachable, and the exit status says what the gate says."""
    inventory = os.path.join(as_a_user.workdir, "inventory.ini")
    with open(inventory, "w", encoding="utf-8") as handle:
        handle.write("[signal_workstations]\nflaky ansible_connection=flaky ansible_python_interpreter=%s\n" % sys.executable)
    state = tmp_path / "flaky-state"
    env = {"ANSIBLE_CONNECTION_PLUGINS": os.path.join(os.path.dirname(os.path.abspath(__file__)), "connection_plugins"),
           "HARDENING_SIGNAL_FLAKY_STATE": str(state), "ANSIBLE_PIPELINING": "False"}
    run = as_a_user.run_playbook(inventory=inventory, check=check, env=env)
    assert state.exists(), run   # the host was lost after the first step
    summary = run.summary()
    assert run.rc != 4, run
    assert (run.rc == 0) == summary["gate"]["passed"], run
    flaky, = summary["subjects"]
    assert flaky["state"] == "unreachable" and "the workstation stopped answering" in flaky["error"], flaky
    lost = "SIGNAL | REMEDIATE | Every step reached the workstation: the workstation could not be reached part-way"
    if check:
        assert summary["gate"]["passed"] is True
        assert "Check mode: remediation would fail on flaky: " + lost in " ".join(run.output.split()), run
    else:
        assert summary["gate"]["passed"] is False
        failure, = summary["gate"]["remediation"]["failures"]
        assert failure.startswith("flaky: " + lost) and "stopped answering" in failure, failure


def test_limit_leaves_out_hosts_not_targeted(run_playbook, inventory_dir):
    write_hosts(inventory_dir, {
        "localhost": {"ansible_connection": "local", "ansible_python_interpreter": "{{ ansible_playbook_python }}"},
        "elsewhere": {"ansible_host": "127.0.0.3", "ansible_connection": "ssh"},
    })
    run = run_playbook(inventory=str(inventory_dir), args=["--limit", "localhost"])
    assert run.rc == 0, run.output
    ids = [s["id"] for s in run.summary()["subjects"]]
    assert "localhost" in ids and "elsewhere" not in ids


def test_phones_only_and_workstations_only(run_playbook, inventory_dir):
    (inventory_dir / "hosts.yml").write_text(yaml.safe_dump({"all": {"hosts": {"localhost": {"ansible_connection": "local"}}}}))
    summary = run_playbook(inventory=str(inventory_dir)).summary()
    assert {s["kind"] for s in summary["subjects"]} == {"mobile"}
    run = run_playbook(extra={"signal_hardening_mdm_sources": [], "signal_hardening_min_compliance_pct": 0})
    assert run.rc == 0, run.output
    summary = run.summary()
    assert [s["kind"] for s in summary["subjects"]] == ["workstation"]


def test_missing_export_file_marks_the_source_failed(run_playbook):
    sources = [{"name": "gone", "type": "file", "path": "/nonexistent/export.json"}]
    summary = run_playbook(extra={"signal_hardening_mdm_sources": sources}).summary()
    source = next(s for s in summary["run"]["sources"] if s["name"] == "gone")
    assert source["status"] == "failed" and "/nonexistent/export.json" in source["detail"]
    assert any("/nonexistent/export.json" in e["message"] for e in summary["input_errors"])


def test_failed_source_fails_the_run_after_writing_unless_accepted(run_playbook):
    sources = [{"name": "gone", "type": "file", "path": "/nonexistent/export.json"}]
    run = run_playbook(extra={"signal_hardening_mdm_sources": sources, "signal_hardening_min_compliance_pct": 0})
    assert run.rc != 0 and "gone failed or stopped part-way" in run.output
    assert run.summary()["run"]["sources"][-1]["status"] == "failed"
    run = run_playbook(extra={"signal_hardening_mdm_sources": sources, "signal_hardening_min_compliance_pct": 0,
                              "signal_hardening_fail_on_incomplete_sources": False})
    assert run.rc == 0, run.output


def test_one_gate_failure_names_every_reason(run_playbook):
    sources = [{"name": "gone", "type": "file", "path": "/nonexistent/export.json"}]
    run = run_playbook(extra={"signal_hardening_mdm_sources": sources, "signal_hardening_min_compliance_pct": 99.5})
    assert run.rc != 0
    assert "gone failed or stopped part-way" in run.output
    assert "The gate failed after the reports were written" in run.output
    assert "below signal_hardening_min_compliance_pct" in run.output


def test_a_remediation_failed_in_a_slice_fails_the_judge_phase(run_playbook):
    collected = {"ws-a": {"probe": None, "owner": "", "remediation_error": "ws-a: SIGNAL | 3.1 | PATCH | Pin: bad key"}}
    run = run_playbook(extra={"signal_hardening_phase": "judge", "signal_hardening_collected": collected,
                              "signal_hardening_min_compliance_pct": 0})
    assert run.rc != 0
    assert "Remediation failed on ws-a: SIGNAL | 3.1 | PATCH | Pin: bad key" in run.output
    ws_a = next(s for s in run.summary()["subjects"] if s["id"] == "ws-a")
    assert ws_a["results"][0]["status"] == "error"


def test_second_run_keeps_failing_since_and_lists_nothing_newly_failing(run_playbook):
    first = run_playbook()
    assert first.rc == 0, first.output
    run1 = first.summary()
    second = run_playbook()
    assert second.rc == 0, second.output
    run2 = second.summary()
    assert problems("fleet_summary.schema.json", run2) == []
    assert run2["history"]["run_id"] == 2 and run2["history"]["previous_run"]["run_id"] == 1
    assert os.path.exists(os.path.join(first.report_dir, "fleet-history.sqlite"))
    failing = [r for s in run2["subjects"] for r in s["results"] if r["status"] in ("fail", "unknown", "manual", "error")]
    assert failing and all(r["failing_since"] == run1["generated_at"] for r in failing)
    assert run2["changes"]["newly_failing"] == {"count": 0, "by_control": {}, "items": [], "truncated": False}
    assert run2["changes"]["fixed"]["count"] == 0
    assert [point["run_id"] for point in run2["trend"]] == [1, 2]
    assert "since run 1: 0 newly failing, 0 fixed" in second.output


def test_history_can_be_switched_off(run_playbook):
    run = run_playbook(extra={"signal_hardening_history": False})
    assert run.rc == 0, run.output
    summary = run.summary()
    assert summary["history"]["enabled"] is False and summary["changes"] is None and summary["trend"] == []
    assert not os.path.exists(os.path.join(run.report_dir, "fleet-history.sqlite"))


def test_bad_waiver_file_names_the_file_the_waiver_and_the_field(run_playbook, tmp_path):
    bad = tmp_path / "bad-waivers.yml"
    bad.write_text(yaml.safe_dump({"format": "hardening.signal/waivers", "format_version": 1, "waivers": [
        {"id": "W-1", "control": "sh-3.10-ios-daily-reboot", "scope": {"platforms": ["ios"]}, "owner": "ciso@example.org",
         "justification": "no boot time", "ticket": "SEC-1", "expires": "2027-02-30"},
        {"id": "W-2", "control": "sh-9.9-nothing", "scope": {}, "owner": "ciso@example.org",
         "justification": "typo", "ticket": "SEC-2", "expires": "2027-01-31"},
    ]}))
    run = run_playbook(extra={"signal_hardening_waiver_files": [str(bad)]})
    assert run.rc == 0, run.output
    assert str(bad) in run.output and "expires" in run.output
    summary = run.summary()
    named = {(e["record"], e["field"]) for e in summary["input_errors"] if e["source"] == str(bad)}
    assert named == {("waivers[0] (id W-1)", "expires"), ("waivers[1] (id W-2)", "control"), ("waivers[1] (id W-2)", "scope")}
    states = {w["id"]: (w["state"], w["message"]) for w in summary["waivers"]["items"]}
    assert states["W-1"][0] == "invalid" and "2027-02-30" in states["W-1"][1]
    # Never applied: the daily-reboot results of iPhones are no longer waived.
    ios = next(s for s in summary["subjects"] if s["id"] == "ios-0001")
    assert next(r for r in ios["results"] if r["control"] == "sh-3.10-ios-daily-reboot")["status"] == "unknown"


def test_missing_waiver_file_stops_the_run_before_any_host_is_probed(run_playbook):
    run = run_playbook(extra={"signal_hardening_waiver_files": ["/nonexistent/waivers.yml"]})
    assert run.rc != 0
    assert "signal_hardening_waiver_files: /nonexistent/waivers.yml is not a file" in run.output
    assert PROBE_TASK not in run.output


def test_validity_override_must_name_an_attestation_control(run_playbook):
    run = run_playbook(extra={"signal_hardening_attestation_validity_days": {"sh-3.7-mobile-passcode": 30}})
    assert run.rc != 0 and "signal_hardening_attestation_validity_days: sh-3.7-mobile-passcode" in run.output
    run = run_playbook(extra={"signal_hardening_attestation_validity_days": {"sh-3.5-registration-lock": 1000}})
    assert run.rc != 0 and "is 1000" in run.output
    run = run_playbook(extra={"signal_hardening_attestation_validity_days": {"sh-3.5-registration-lock": 7}})
    assert run.rc == 0, run.output
    summary = run.summary()
    assert summary["attestations"]["validity_days"] == {"sh-3.5-registration-lock": 7}
    alice = next(s for s in summary["subjects"] if s["id"] == "ios-0001")
    # Answered on 2026-10-02: valid for 7 days only, so it is manual again.
    assert next(r for r in alice["results"] if r["control"] == "sh-3.5-registration-lock")["status"] == "manual"


def test_failure_limits_name_every_line_crossed(run_playbook):
    run = run_playbook(extra={"signal_hardening_max_failures": {"high": 0, "medium": 10, "low": 2}})
    assert run.rc != 0
    gate = run.summary()["gate"]
    assert gate["passed"] is False and [line.split(":")[0] for line in gate["lines"]] == ["high", "low"]
    assert "high: 6 failing results (limit 0): sh-3.2-mobile-version-current x3, sh-3.1-ios-app-store x2" in run.output
    assert "low: 6 failing results (limit 2): sh-3.10-android-daily-reboot x6" in run.output
    run = run_playbook(extra={"signal_hardening_max_failures": {"high": -1}})
    assert run.rc != 0 and "signal_hardening_max_failures" in run.output


def test_several_sources_are_pulled_side_by_side_and_reported_in_the_configured_order(run_playbook):
    # More than one source: each is pulled in its own process inside the Ansible worker (mdm/forked_pull.py).
    examples = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "examples")
    sources = [{"name": "csv-export", "type": "file", "path": os.path.join(examples, "mdm-export.csv")},
               {"name": "gone", "type": "file", "path": "/nonexistent/export.json"},
               {"name": "json-export", "type": "file", "path": os.path.join(examples, "mdm-export.json")}]
    run = run_playbook(extra={"signal_hardening_mdm_sources": sources, "signal_hardening_min_compliance_pct": 0,
                              "signal_hardening_fail_on_incomplete_sources": False})
    assert run.rc == 0, run.output
    summary = run.summary()
    mdm = [s for s in summary["run"]["sources"] if s["type"] != "ansible"]
    assert [(s["name"], s["status"]) for s in mdm] == [("csv-export", "complete"), ("gone", "failed"), ("json-export", "complete")]
    phones = [s["source"]["name"] for s in summary["subjects"] if s["kind"] == "mobile"]
    assert phones == sorted(phones, key=["csv-export", "json-export"].index)   # each source's phones, in source order
    assert {name: phones.count(name) for name in set(phones)} == {n["name"]: n["subjects"] for n in mdm if n["subjects"]}
