# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Judge the whole fleet on the controller and write the compliance summary.

Workstation facts come from the hosts' registered desktop_info results
(read from hostvars), phones from the configured MDM sources, pulled here
once and judged in bulk: no Ansible host per phone.
"""

from __future__ import annotations

import contextlib
import datetime
import gc
import time

from ansible.errors import AnsibleActionFail

from ansible_collections.hardening.signal.plugins.module_utils.catalog.load import (
    CatalogError,
    load_catalog,
    load_values,
    values_with_org,
)
from ansible_collections.hardening.signal.plugins.module_utils.engine.evaluate import Evaluator
from ansible_collections.hardening.signal.plugins.module_utils.fleet.gate import check_limits, evaluate_gate
from ansible_collections.hardening.signal.plugins.module_utils.fleet.subjects import workstation_subject
from ansible_collections.hardening.signal.plugins.module_utils.fleet.summary import build_summary
from ansible_collections.hardening.signal.plugins.module_utils.governance.attestation_file import (
    AttestationCollector,
    apply_validity_overrides,
    check_validity_overrides,
)
from ansible_collections.hardening.signal.plugins.module_utils.governance.history import default_path
from ansible_collections.hardening.signal.plugins.module_utils.governance.text_lines import governance_lines, problem_warnings
from ansible_collections.hardening.signal.plugins.module_utils.governance.waiver_file import WaiverCollector
from ansible_collections.hardening.signal.plugins.module_utils.report.render_text import render_text
from ansible_collections.hardening.signal.plugins.module_utils.report.publish import publish
from ansible_collections.hardening.signal.plugins.module_utils.report.write_reports import InvalidSummary
from ansible_collections.hardening.signal.plugins.module_utils.schema_validation import SchemaUnavailable
from ansible_collections.hardening.signal.plugins.module_utils.version import COLLECTION_VERSION
from ansible_collections.hardening.signal.plugins.plugin_utils.controller_action import ControllerAction
from ansible_collections.hardening.signal.plugins.plugin_utils.progress import show_progress

ORG_VALUES = ("screen_lock_timeout_minutes", "disappearing_messages_timer_days", "reboot_interval_hours",
              "max_minor_versions_behind", "require_signal_on_phones")
DESKTOP_PLATFORMS = ("linux", "macos", "windows")

ARGUMENT_SPEC = {
    "controls_dir": {"type": "path", "required": True},
    "org": {"type": "dict", "required": True},
    "newest_versions": {"type": "dict", "default": {}},
    "newest_release_dates": {"type": "dict", "default": {}},
    "newest_unknown_reasons": {"type": "dict", "default": {}},
    "release_age_days": {"type": "int", "default": 0},
    "workstation_group": {"type": "str", "default": "signal_workstations"},
    "targeted_hosts": {"type": "list", "elements": "str"},
    "probe_var": {"type": "str", "default": "signal_hardening_probe"},
    "owner_var": {"type": "str", "default": "signal_hardening_owner"},
    "remediation_error_var": {"type": "str", "default": "signal_hardening_remediation_error"},
    "mdm_sources": {"type": "list", "elements": "dict", "default": []},
    "waivers": {"type": "list", "elements": "raw", "default": []},
    "waiver_files": {"type": "list", "elements": "path", "default": []},
    "attestations": {"type": "list", "elements": "raw", "default": []},
    "attestation_files": {"type": "list", "elements": "path", "default": []},
    "attestation_validity_days": {"type": "dict", "default": {}},
    "report_dir": {"type": "path", "required": True},
    "formats": {"type": "list", "elements": "str", "default": ["json", "md", "html"], "choices": ["json", "md", "html", "junit", "csv"]},
    "threshold_pct": {"type": "float", "default": 0.0},
    "max_failures": {"type": "dict", "default": {}},
    "history": {"type": "bool", "default": False},
    "history_path": {"type": "str", "default": ""},
    # How many runs' results the history keeps; the oldest are pruned as each run is appended. 0 keeps all.
    "history_keep_runs": {"type": "int", "default": 90},
    # Sliced runs (AWX job slicing): the facts each slice collected, {host: {probe, owner, remediation_error}},
    # judged here at once.
    "collected": {"type": "dict"},
    # Judge as of this moment (ISO 8601) instead of now: reproducible reports, and slices merged as one run.
    "evaluation_time": {"type": "str"},
}

# How many failing subjects the AWX artifact names (set_stats data must stay small).
ARTIFACT_SUBJECTS = 100


def evaluation_moment(text):
    """The moment a run judges as of: now, or the given ISO 8601 time (UTC when it names no zone)."""
    if not text:
        return datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    try:
        moment = datetime.datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        raise AnsibleActionFail("evaluation_time %r is not an ISO 8601 date-time such as 2026-11-26T06:00:00Z" % (text,))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return moment.astimezone(datetime.timezone.utc).replace(microsecond=0)


def awx_artifact(summary):
    """Fleet totals, per-control counts and the first failing subjects, small enough for AWX set_stats."""
    failing = [s for s in summary["subjects"]
               if any(r["status"] in ("fail", "error") for r in s["results"]) or s["state"] != "ok"]
    return {
        "generated_at": summary["generated_at"],
        "compliance_pct": summary["compliance"]["pct"],
        "subjects": summary["compliance"]["subjects"],
        "subjects_compliant": summary["compliance"]["subjects_compliant"],
        "totals": summary["totals"],
        "controls": {c["id"]: c["counts"] for c in summary["controls"]},
        "failing_subjects": [{"id": s["id"], "kind": s["kind"], "platform": s["platform"],
                              "failing": sum(1 for r in s["results"] if r["status"] in ("fail", "error"))}
                             for s in failing[:ARTIFACT_SUBJECTS]],
        "failing_subjects_total": len(failing),
    }


def newest_by_platform(given):
    """{desktop|linux|macos|windows|ios|android: version} -> one entry per platform."""
    newest = {}
    for platform in DESKTOP_PLATFORMS:
        value = given.get(platform) or given.get("desktop")
        if value:
            newest[platform] = str(value)
    for platform in ("ios", "android"):
        if given.get(platform):
            newest[platform] = str(given[platform])
    return newest


@contextlib.contextmanager
def cyclic_gc_paused():
    """Pause Python's cycle collector while the fleet is judged.

    A 50,000-subject run allocates millions of small dicts and lists that all
    stay alive until the reports are written, and none of them form cycles;
    the collector would still re-scan them again and again (about a third of
    the run's time). Reference counting frees everything as usual.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class ActionModule(ControllerAction):
    def run(self, tmp=None, task_vars=None):
        with cyclic_gc_paused():
            return self._judge_fleet(tmp, task_vars)

    def _judge_fleet(self, tmp, task_vars):
        result = super(ActionModule, self).run(tmp, task_vars)
        validation, args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)
        task_vars = task_vars or {}
        started = time.monotonic()
        timings = {}
        lap = [started]

        def phase(name):
            now_ = time.monotonic()
            timings[name] = round(now_ - lap[0], 3)
            lap[0] = now_

        org = dict(args["org"])
        missing = [name for name in ORG_VALUES if name not in org]
        if missing:
            raise AnsibleActionFail("org is missing value(s): %s" % ", ".join(missing))
        try:
            # What the controls compare with: the catalogue's values (Signal's key, Team ID...), with the
            # organisation's own where it may set them (an internal apt mirror).
            org = values_with_org(load_values(args["controls_dir"]), org)
            controls = load_catalog(args["controls_dir"], org_names=org.keys())
        except (CatalogError, SchemaUnavailable) as exc:
            raise AnsibleActionFail(str(exc))
        validity = {str(key): int(value) if isinstance(value, str) and value.strip().isdigit() else value
                    for key, value in (args["attestation_validity_days"] or {}).items()}
        found = check_validity_overrides(validity, controls)
        if found:
            raise AnsibleActionFail("attestation_validity_days: %s" % "; ".join(found))
        controls = apply_validity_overrides(controls, validity)
        max_failures = {key: int(value) if isinstance(value, str) and value.strip().isdigit() else value
                        for key, value in (args["max_failures"] or {}).items()}
        found = check_limits(max_failures)
        if found:
            raise AnsibleActionFail("max_failures: %s" % "; ".join(found))
        if args["history_keep_runs"] < 0:
            raise AnsibleActionFail("history_keep_runs: %d is not 0 (keep every run) or a number of runs" % args["history_keep_runs"])
        phase("catalogue")

        input_errors, sources, remediation_failures = [], [], []
        subjects = self._workstations(args, task_vars, input_errors, sources, remediation_failures)
        if args["mdm_sources"]:
            # Imported only when there is a source: the MDM clients and their TLS stack cost a workstation-only
            # run about 0.1 s.
            from ansible_collections.hardening.signal.plugins.module_utils.mdm.sources import pull_sources

            # Pulled concurrently, results in the order the sources are configured.
            for pulled, errors, status in pull_sources(args["mdm_sources"], progress=show_progress):
                subjects.extend(pulled)
                input_errors.extend(errors)
                sources.append(status)
            # The cycle collector is paused for the run: free what the pulls left in cycles (failed requests'
            # tracebacks). Without a pull there is nothing to free, and a full collection costs 35 ms.
            gc.collect()
        phase("collect")

        now = evaluation_moment(args["evaluation_time"])
        waivers = WaiverCollector(c["id"] for c in controls)
        waivers.add_inline(args["waivers"])
        for path in args["waiver_files"]:
            waivers.add_file(path)
        attestations = AttestationCollector(controls, now)
        attestations.add_inline(args["attestations"])
        for path in args["attestation_files"]:
            attestations.add_file(path)
        # Mistakes in waivers and attestations first: they change what the results below mean.
        input_errors[:0] = waivers.errors + attestations.errors
        phase("governance")

        evaluator = Evaluator(controls, org, context={"newest_versions": newest_by_platform(args["newest_versions"])},
                              waivers=waivers.valid, attestations=attestations.valid, now=now)
        judged = [(subject, evaluator.evaluate(subject)) for subject in subjects]
        phase("evaluate")
        summary = build_summary(
            controls, judged, generated_at=now.isoformat().replace("+00:00", "Z"), tool_version=COLLECTION_VERSION,
            check_mode=bool(self._play_context.check_mode), threshold_pct=args["threshold_pct"], org=org, sources=sources,
            input_errors=input_errors)
        summary["waivers"] = waivers.section(evaluator.waivers.covered, now)
        summary["attestations"] = attestations.section(validity)
        phase("summarize")

        warnings = problem_warnings(waivers, attestations)
        gate = evaluate_gate(summary, max_failures, args["threshold_pct"])
        history_path = (args["history_path"] or default_path(args["report_dir"])) if args["history"] else None
        try:
            paths, history_warnings = publish(summary, args["report_dir"], args["formats"], gate, history_path=history_path,
                                              keep_runs=args["history_keep_runs"], timings=timings)
        except (InvalidSummary, SchemaUnavailable, OSError) as exc:
            raise AnsibleActionFail("cannot write the compliance summary to %s (the run is not added to the history): %s"
                                    % (args["report_dir"], exc))
        warnings.extend(history_warnings)
        lap[0] = time.monotonic()

        pct = summary["compliance"]["pct"]
        result.update(
            changed=False,
            compliance_pct=pct,
            threshold_pct=args["threshold_pct"],
            threshold_met=gate["compliance"]["met"],
            gate=gate,
            totals=summary["totals"],
            subjects=summary["compliance"]["subjects"],
            subjects_compliant=summary["compliance"]["subjects_compliant"],
            incomplete_sources=[s["name"] for s in sources if s["type"] != "ansible" and s["status"] != "complete"],
            remediation_failures=remediation_failures,
            input_errors=len(input_errors),
            waivers=summary["waivers"]["counts"],
            history={key: summary["history"][key] for key in ("enabled", "path", "run_id", "runs", "error")},
            changes=None if summary["changes"] is None else {
                "newly_failing": summary["changes"]["newly_failing"]["count"], "fixed": summary["changes"]["fixed"]["count"]},
            reports=paths,
            table=render_text(summary, paths) + governance_lines(summary),
            seconds=round(time.monotonic() - started, 3),
            timings=timings,
            artifact=awx_artifact(summary),
        )
        if warnings:
            result["warnings"] = warnings
        return result

    def _workstations(self, args, task_vars, input_errors, sources, remediation_failures):
        collected = args["collected"]
        if collected is not None:
            hosts = list(collected)
            # Each slice's entry under the names the hostvars would have: one loop below serves both.
            keys = (("probe", args["probe_var"]), ("owner", args["owner_var"]), ("remediation_error", args["remediation_error_var"]))
            host_data = {h: {var: (collected[h] or {}).get(key) for key, var in keys} for h in hosts}
        else:
            host_data = task_vars.get("hostvars") or {}
            group = (task_vars.get("groups") or {}).get(args["workstation_group"]) or []
            targeted = args["targeted_hosts"]
            hosts = [h for h in group if targeted is None or h in targeted]
        # Sorted by name: the same order whether the fleet was probed in one run or in slices.
        hosts = sorted(set(hosts))
        subjects = []
        for host in hosts:
            host_vars = host_data.get(host) or {}
            probe = host_vars.get(args["probe_var"])
            owner = host_vars.get(args["owner_var"])
            # Set by the playbook's rescue when remediation failed on the host; the gate fails the run for it.
            remediation_error = host_vars.get(args["remediation_error_var"])
            if remediation_error:
                remediation_failures.append(str(remediation_error))
            subject, errors = workstation_subject(host, probe, str(owner) if owner else None)
            subjects.append(subject)
            input_errors.extend(errors)
        if hosts:
            failed = sum(1 for s in subjects if s["state"] != "ok")
            sources.append({"name": "desktop_info", "type": "ansible", "status": "complete" if not failed else "incomplete",
                            "subjects": len(subjects), "errors": failed,
                            "detail": "%d workstation(s) targeted, %d not probed or malformed" % (len(hosts), failed)})
        return subjects
