# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fleet_summary action with waiver and attestation files, the history and the gate, on a two-host fleet."""
from __future__ import annotations

import json
import os
import sqlite3

import pytest
from ansible.errors import AnsibleActionFail

from ansible_collections.hardening.signal.plugins.action.fleet_summary import ActionModule
from ansible_collections.hardening.signal.plugins.module_utils.schema_validation import problems
from tests.fakes.workstation import CONTROLS_DIR, ORG, linux_facts

FACTS = linux_facts()


class _Stub(object):
    def __init__(self, **attrs):
        self.__dict__.update(attrs)


def run_action(tmp_path, hostvars=None, **args):
    merged = {"controls_dir": CONTROLS_DIR, "org": ORG, "newest_versions": {"desktop": "7.80.0"},
              "report_dir": str(tmp_path / "reports"), "formats": ["json"]}
    merged.update(args)
    task = _Stub(args=merged, async_val=0, check_mode=True, action="hardening.signal.fleet_summary")
    action = ActionModule(task, _Stub(_shell=_Stub(tmpdir="/nonexistent")), _Stub(check_mode=True), loader=None, templar=None)
    if hostvars is None:
        hostvars = {"ws1": {"signal_hardening_probe": {"facts": FACTS}},
                    "ws2": {"signal_hardening_probe": {"facts": FACTS}, "signal_hardening_owner": "erin@example.org"}}
    result = action.run(task_vars={"hostvars": hostvars, "groups": {"signal_workstations": sorted(hostvars)}})
    with open(os.path.join(merged["report_dir"], "fleet-summary.json"), encoding="utf-8") as handle:
        return result, json.load(handle)


def test_remediation_failures_come_from_hostvars_or_from_the_slices(tmp_path):
    # Unsliced: the playbook's rescue set the variable on the host. Sliced: each slice handed it on in collected.
    hostvars = {"ws2": {"signal_hardening_probe": {"facts": FACTS}, "signal_hardening_remediation_error": "ws2: Pin: bad key"},
                "ws1": {"signal_hardening_probe": {"facts": FACTS}}}
    result, _summary = run_action(tmp_path, hostvars=hostvars)
    assert result["remediation_failures"] == ["ws2: Pin: bad key"]
    collected = {"ws3": {"probe": {"facts": FACTS}, "owner": "", "remediation_error": "ws3: Pin: bad key"},
                 "ws1": {"probe": {"facts": FACTS}, "owner": "", "remediation_error": None}}
    # The inventory's workstation group is what the slices collected (one it lacks would be judged as not collected).
    result, summary = run_action(tmp_path, hostvars={"ws1": {}, "ws3": {}}, collected=collected)
    assert result["remediation_failures"] == ["ws3: Pin: bad key"]
    assert [(s["id"], s["state"]) for s in summary["subjects"]] == [("ws1", "ok"), ("ws3", "ok")]
    result, _summary = run_action(tmp_path)
    assert result["remediation_failures"] == []


def test_files_history_people_and_gate_together(tmp_path):
    waivers = tmp_path / "waivers.json"
    waivers.write_text(json.dumps({"format": "hardening.signal/waivers", "format_version": 1, "waivers": [
        {"id": "W-1", "control": "sh-3.7-linux-screen-lock", "scope": {"subjects": ["ws1"]}, "owner": "ciso",
         "justification": "kiosk", "ticket": "T-1", "expires": "2099-01-01"}]}))
    answers = tmp_path / "answers.csv"
    answers.write_text("person,control,answer,date\nerin@example.org,sh-3.3-profile,yes,2026-01-02\n"
                       "erin@example.org,sh-3.3-profile,dunno,2026-01-03\n")
    result, summary = run_action(tmp_path, waiver_files=[str(waivers)], attestation_files=[str(answers)], history=True,
                                 max_failures={"medium": 0, "high": "5"}, attestation_validity_days={"sh-3.3-profile": "730"})
    assert problems("fleet_summary.schema.json", summary) == []
    assert summary["waivers"]["counts"]["active"] == 1 and result["waivers"]["results_waived"] == 1
    assert [(e["record"], e["field"]) for e in summary["input_errors"]] == [("line 3", "answer")]
    assert any("answers.csv line 3" in warning for warning in result["warnings"])
    assert summary["attestations"]["validity_days"] == {"sh-3.3-profile": 730}
    people = {p["owner"]: p for p in summary["people"]["items"]}
    assert people["dana@ws1"]["workstations"][0]["owner_source"] == "signal_profile"
    # ws2's screen lock fails (900 s) and is not waived: medium 1 > 0.
    assert result["gate"]["passed"] is False
    assert result["gate"]["lines"] == ["medium: 1 failing result (limit 0): sh-3.7-linux-screen-lock x1"]
    assert result["history"]["run_id"] == 1 and os.path.exists(tmp_path / "reports" / "fleet-history.sqlite")
    assert any(line.startswith("gate FAILED: medium") for line in result["table"])
    _result, again = run_action(tmp_path, history=True)
    ws2 = next(s for s in again["subjects"] if s["id"] == "ws2")
    lock = next(r for r in ws2["results"] if r["control"] == "sh-3.7-linux-screen-lock")
    assert lock["failing_since"] == summary["generated_at"]
    # Without the waiver file ws1's screen lock counts again, and without the answers erin's profile is manual again.
    assert [(i["subject"], i["control"], i["previous_status"]) for i in again["changes"]["newly_failing"]["items"]] == [
        ("ws1", "sh-3.7-linux-screen-lock", "waived"), ("ws2", "sh-3.3-profile", "pass")]


def test_a_history_that_cannot_be_used_does_not_stop_the_reports(tmp_path):
    bad = tmp_path / "history.sqlite"
    bad.write_bytes(b"not a database, really" * 64)
    result, summary = run_action(tmp_path, history=True, history_path=str(bad))
    assert summary["history"]["enabled"] is True and "cannot be used" in summary["history"]["error"]
    assert summary["changes"] is None and summary["trend"] == []
    assert any("the reports are written without it" in warning for warning in result["warnings"])
    assert not any("failing_since" in r for s in summary["subjects"] for r in s["results"])


@pytest.mark.parametrize("args, words", [
    ({"attestation_validity_days": {"sh-3.7-linux-screen-lock": 30}}, "checked on the host, not attested"),
    ({"attestation_validity_days": {"sh-3.3-profile": 0}}, "0 days is not a whole number of days from 1 to 730"),
    ({"max_failures": {"critical": 1}}, "unknown severity critical"),
    ({"history": True, "history_keep_runs": -1}, "history_keep_runs: -1 is not 0"),
])
def test_bad_limits_and_validities_fail_the_task(tmp_path, args, words):
    with pytest.raises(AnsibleActionFail, match=words):
        run_action(tmp_path, **args)


def test_history_keep_runs_prunes_older_results(tmp_path):
    for _run in range(3):
        result, summary = run_action(tmp_path, history=True, history_keep_runs=2)
    assert result["history"]["run_id"] == 3 and result["history"]["runs"] == 3 and len(summary["trend"]) == 3
    db = sqlite3.connect(str(tmp_path / "reports" / "fleet-history.sqlite"))
    try:
        assert [row[0] for row in db.execute("SELECT DISTINCT run_id FROM results ORDER BY run_id")] == [2, 3]
    finally:
        db.close()
    assert "history_prune" in result["timings"]
