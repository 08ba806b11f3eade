# -*- coding: utf-8 -*-
"""The installed collection run as a person runs it: hardening.signal.harden_signal from a folder of their own,
an inventory of one host that sets no variable, no repository settings (tests/integration/installed.py)."""

from __future__ import annotations

import os
import re

from ansible_collections.hardening.signal.plugins.module_utils.schema_validation import problems
from tests.integration.installed import ROLE_PLAY, PodmanWorkstation


def reports_inside(folder):
    return [os.path.join(top, name) for top, _dirs, names in os.walk(folder) for name in names
            if name.startswith(("fleet-summary", "fleet-history"))]


def test_an_audit_on_an_inventory_that_sets_nothing_writes_the_summary_where_the_readme_says(as_a_user):
    run = as_a_user.run_playbook(check=True)
    assert run.rc == 0, run
    summary = run.summary()   # ./reports in the folder the command ran in
    assert problems("fleet_summary.schema.json", summary) == []
    assert summary["run"]["check_mode"] is True
    assert [(s["id"], s["kind"], s["state"]) for s in summary["subjects"]] == [("localhost", "workstation", "ok")]
    # Nothing was written into the installed collection: its content is still what was installed.
    assert reports_inside(as_a_user.installed.collection_dir) == []
    verify = as_a_user.installed.verify(as_a_user.workdir)
    assert verify.rc == 0 and "modified" not in verify.output.lower(), verify


def test_a_report_folder_inside_the_installed_collection_is_refused_before_any_host_is_touched(as_a_user):
    inside = os.path.join(as_a_user.installed.collection_dir, "reports")
    run = as_a_user.run_playbook(extra_vars={"signal_hardening_report_dir": inside})
    assert run.rc != 0
    assert "signal_hardening_report_dir %s is inside the installed collection" % inside in run.output, run
    assert "Collect Signal Desktop facts" not in run.output
    # Run from inside the collection, the default (./reports) would land there too: refused the same way.
    run = as_a_user.installed.run_playbook(as_a_user.installed.collection_dir, home=as_a_user.home,
                                           inventory=os.path.join(as_a_user.workdir, "inventory.ini"))
    assert run.rc != 0 and "is inside the installed collection" in run.output, run
    assert reports_inside(as_a_user.installed.collection_dir) == []
    verify = as_a_user.installed.verify(as_a_user.workdir)
    assert verify.rc == 0 and "modified" not in verify.output.lower(), verify


def test_the_role_used_as_a_role_does_the_whole_job(as_a_user):
    play = os.path.join(as_a_user.workdir, "site.yml")
    with open(play, "w", encoding="utf-8") as handle:
        handle.write(ROLE_PLAY)
    run = as_a_user.run_playbook(check=True, playbook=play)
    assert run.rc == 0, run
    summary = run.summary()
    assert [(s["id"], s["state"]) for s in summary["subjects"]] == [("localhost", "ok")]
    assert "SIGNAL | GATE" in run.output and "This run wrote the compliance summary" in run.output
    # Judged once, on the controller, however many hosts the play has.
    assert run.output.count("TASK [hardening.signal.signal_hardening : SIGNAL | AUDIT | Judge the fleet") == 1
    doc = as_a_user.run(["ansible-doc", "-t", "role", "-l", "hardening.signal"])
    assert doc.rc == 0, doc
    main = next(line for line in doc.stdout.splitlines() if line.strip().startswith("main"))
    assert "The whole job" in main and "Check every role variable" not in main


def test_remediation_for_real_on_a_container_from_the_installed_collection(as_a_user, tmp_path):
    with PodmanWorkstation(tmp_path / "podman") as workstation:
        inventory = workstation.inventory(as_a_user.workdir)
        run = as_a_user.run_playbook(inventory=inventory, check=False, timeout=900)
        assert run.rc == 0, run
        summary = run.summary()
        assert summary["run"]["check_mode"] is False
        subject = summary["subjects"][0]
        assert (subject["id"], subject["state"]) == ("ws-container", "ok")
        status = {r["control"]: r["status"] for r in subject["results"]}
        # What the remediation sets, read back by the probe after it: Signal from Signal's (stand-in) repository,
        # pinned to its key, kept current by unattended-upgrades, the GNOME lock left alone (no GNOME here).
        for control in ("sh-3.1-linux-official-source", "sh-3.1-linux-no-community-build", "sh-3.2-linux-auto-update",
                        "sh-3.2-desktop-version-current"):
            assert status[control] == "pass", (control, status)
        code, version = workstation.run("dpkg-query", "-W", "-f=${Version}", "signal-desktop")
        assert (code, version) == (0, "7.80.0")
        # A second run changes nothing on the host.
        again = as_a_user.run_playbook(inventory=inventory, check=False, timeout=900)
        assert again.rc == 0 and re.search(r"ws-container\s*: ok=\d+\s+changed=0\s", again.output), again
        # A remediation that fails for real (a key that is not the one expected) fails the run once the reports are
        # written, and the host is still probed and judged.
        failed = as_a_user.run_playbook(inventory=inventory, check=False, timeout=900,
                                        extra_vars={"signal_hardening_key_fingerprint": "0" * 40})
        assert failed.rc != 0
        flat = " ".join(failed.output.split())
        assert "Remediation failed on ws-container: SIGNAL | 3.1 | PATCH | Pin Signal's apt repository" in flat, failed
        assert "still probed and judged" in flat
        assert [(s["id"], s["state"]) for s in failed.summary()["subjects"]] == [("ws-container", "ok")]
    assert reports_inside(as_a_user.installed.collection_dir) == []
    verify = as_a_user.installed.verify(as_a_user.workdir)
    assert verify.rc == 0 and "modified" not in verify.output.lower(), verify
