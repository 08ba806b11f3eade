# -*- coding: utf-8 -*-
"""Job tags (AWX "Job Tags" / "Skip Tags"): each documented tag runs its step, and no selection of tags, a misspelt
one included, ends with exit 0 and no summary. Run on the installed collection, an inventory that sets nothing."""

from __future__ import annotations

import os

import pytest

from tests.integration.task_names import JUDGE_TASK as JUDGE, PROBE_TASK as PROBE, REMEDIATE_TASK as REMEDIATE, \
    VALIDATE_TASK as VALIDATE

NO_SUMMARY = "wrote no compliance summary"


def ran(run, task):
    return "TASK [hardening.signal.signal_hardening : %s" % task in run.output


def has_summary(run):
    return os.path.exists(os.path.join(run.report_dir, "fleet-summary.json"))


@pytest.mark.parametrize("args, steps", [
    (["--tags", "validate"], {VALIDATE}),
    (["--tags", "remediate"], {VALIDATE, REMEDIATE}),
    (["--tags", "probe"], {VALIDATE, PROBE}),
    (["--tags", "remediate,probe"], {VALIDATE, REMEDIATE, PROBE}),
    (["--skip-tags", "judge"], {VALIDATE, REMEDIATE, PROBE}),
], ids=["validate", "remediate", "probe", "remediate+probe", "skip-judge"])
def test_tags_that_leave_out_the_judge_step_fail_and_say_why(as_a_user, args, steps):
    run = as_a_user.run_playbook(check=True, args=args)
    assert run.rc != 0, run
    assert NO_SUMMARY in run.output and "left out the judge step" in run.output, run
    assert not has_summary(run)
    assert {step for step in (VALIDATE, REMEDIATE, PROBE, JUDGE) if ran(run, step)} == steps


@pytest.mark.parametrize("args, probed", [
    (["--tags", "probe,judge"], True),
    (["--tags", "probe,report"], True),
    (["--skip-tags", "remediate"], True),
    (["--tags", "judge"], False),
    (["--tags", "report"], False),
], ids=["probe+judge", "probe+report", "skip-remediate", "judge", "report"])
def test_tags_with_the_judge_step_write_the_summary(as_a_user, args, probed):
    run = as_a_user.run_playbook(check=True, args=args)
    assert run.rc == 0, run
    assert ran(run, VALIDATE) and ran(run, JUDGE) and ran(run, PROBE) is probed
    assert not ran(run, REMEDIATE)
    localhost = run.summary()["subjects"][0]
    # Judged without probing, the workstation is an error in the summary, never a pass.
    assert (localhost["id"], localhost["state"]) == ("localhost", "ok" if probed else "failed")


@pytest.mark.parametrize("args", [["--tags", "audti"], ["--tags", "probe,judgee"], ["--skip-tags", "remedaite"]],
                         ids=["misspelt", "one-misspelt", "misspelt-skip"])
def test_a_misspelt_tag_stops_the_run_before_anything_runs(as_a_user, args):
    run = as_a_user.run_playbook(check=True, args=args)
    assert run.rc != 0
    assert "Unknown tag(s) %s" % args[1].split(",")[-1] in run.output, run
    assert "this playbook's tags are validate, remediate, probe, judge and report" in run.output
    assert not ran(run, PROBE) and not ran(run, VALIDATE) and not has_summary(run)


@pytest.mark.parametrize("args", [["--skip-tags", "always"], ["--skip-tags", "always,judge"]],
                         ids=["skip-always", "skip-always+judge"])
def test_skipping_the_always_tag_is_refused_before_anything_runs(as_a_user, args):
    # Skipping "always" would skip the checks, including the one that fails a run which wrote no summary.
    run = as_a_user.run_playbook(check=True, args=args)
    assert run.rc != 0, run
    assert "--skip-tags always is not supported" in run.output, run
    assert not ran(run, PROBE) and not ran(run, VALIDATE) and not ran(run, JUDGE) and not has_summary(run)


@pytest.mark.parametrize("skipped", ["molecule-notest,notest", "molecule-notest,notest,molecule-idempotence-notest"],
                         ids=["converge", "idempotence"])
def test_the_tags_molecule_skips_are_accepted(as_a_user, skipped):
    # molecule runs every playbook with these --skip-tags; no task has them.
    run = as_a_user.run_playbook(check=True, args=["--skip-tags", skipped])
    assert run.rc == 0, run
    assert ran(run, VALIDATE) and ran(run, PROBE) and ran(run, JUDGE) and has_summary(run)
