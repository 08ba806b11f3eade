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
from ansible.plugins.action import ActionBase

from ansible_collections.hardening.signal.plugins.module_utils.catalog.load import CatalogError, load_catalog
from ansible_collections.hardening.signal.plugins.module_utils.engine.attestations import normalize_attestations
from ansible_collections.hardening.signal.plugins.module_utils.engine.evaluate import Evaluator
from ansible_collections.hardening.signal.plugins.module_utils.engine.waivers import normalize_waivers
from ansible_collections.hardening.signal.plugins.module_utils.fleet.subjects import workstation_subject
from ansible_collections.hardening.signal.plugins.module_utils.fleet.summary import build_summary
from ansible_collections.hardening.signal.plugins.module_utils.mdm.sources import pull_source
from ansible_collections.hardening.signal.plugins.module_utils.report.render_text import render_text
from ansible_collections.hardening.signal.plugins.module_utils.report.write_reports import InvalidSummary, write_reports
from ansible_collections.hardening.signal.plugins.module_utils.schema_validation import SchemaUnavailable
from ansible_collections.hardening.signal.plugins.module_utils.version import COLLECTION_VERSION
from ansible_collections.hardening.signal.plugins.plugin_utils.progress import show_progress

ORG_VALUES = ("screen_lock_timeout_minutes", "disappearing_messages_timer_days", "reboot_interval_hours",
              "max_minor_versions_behind", "require_signal_on_phones")
DESKTOP_PLATFORMS = ("linux", "macos", "windows")

ARGUMENT_SPEC = {
    "controls_dir": {"type": "path", "required": True},
    "org": {"type": "dict", "required": True},
    "newest_versions": {"type": "dict", "default": {}},
    "workstation_group": {"type": "str", "default": "signal_workstations"},
    "targeted_hosts": {"type": "list", "elements": "str"},
    "probe_var": {"type": "str", "default": "signal_hardening_probe"},
    "owner_var": {"type": "str", "default": "signal_hardening_owner"},
    "mdm_sources": {"type": "list", "elements": "dict", "default": []},
    "waivers": {"type": "list", "elements": "raw", "default": []},
    "attestations": {"type": "list", "elements": "raw", "default": []},
    "report_dir": {"type": "path", "required": True},
    "formats": {"type": "list", "elements": "str", "default": ["json", "md", "html"], "choices": ["json", "md", "html"]},
    "threshold_pct": {"type": "float", "default": 0.0},
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


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False
    _supports_check_mode = True

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
            controls = load_catalog(args["controls_dir"], org_names=org.keys())
        except (CatalogError, SchemaUnavailable) as exc:
            raise AnsibleActionFail(str(exc))
        phase("catalogue")

        input_errors, sources = [], []
        waivers, errors = normalize_waivers(args["waivers"])
        input_errors.extend(errors)
        attestations, errors = normalize_attestations(args["attestations"])
        input_errors.extend(errors)

        subjects = self._workstations(args, task_vars, input_errors, sources)
        for spec in args["mdm_sources"]:
            pulled, errors, status = pull_source(spec, progress=show_progress)
            subjects.extend(pulled)
            input_errors.extend(errors)
            sources.append(status)
        phase("collect")

        now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
        evaluator = Evaluator(controls, org, context={"newest_versions": newest_by_platform(args["newest_versions"])},
                              waivers=waivers, attestations=attestations, now=now)
        judged = [(subject, evaluator.evaluate(subject)) for subject in subjects]
        phase("evaluate")
        summary = build_summary(
            controls, judged, generated_at=now.isoformat().replace("+00:00", "Z"), tool_version=COLLECTION_VERSION,
            check_mode=bool(self._play_context.check_mode), threshold_pct=args["threshold_pct"], org=org, sources=sources,
            input_errors=input_errors)
        phase("summarize")
        try:
            paths = write_reports(summary, args["report_dir"], args["formats"], timings=timings)
        except (InvalidSummary, SchemaUnavailable, OSError) as exc:
            raise AnsibleActionFail("cannot write the compliance summary to %s: %s" % (args["report_dir"], exc))
        lap[0] = time.monotonic()

        pct = summary["compliance"]["pct"]
        result.update(
            changed=False,
            compliance_pct=pct,
            threshold_pct=args["threshold_pct"],
            # Nothing counted proves nothing: it meets only a threshold of zero.
            threshold_met=(pct if pct is not None else 0.0) >= args["threshold_pct"],
            totals=summary["totals"],
            subjects=summary["compliance"]["subjects"],
            subjects_compliant=summary["compliance"]["subjects_compliant"],
            incomplete_sources=[s["name"] for s in sources if s["type"] != "ansible" and s["status"] != "complete"],
            input_errors=len(input_errors),
            reports=paths,
            table=render_text(summary, paths),
            seconds=round(time.monotonic() - started, 3),
            timings=timings,
        )
        return result

    def _workstations(self, args, task_vars, input_errors, sources):
        hostvars = task_vars.get("hostvars") or {}
        group = (task_vars.get("groups") or {}).get(args["workstation_group"]) or []
        targeted = args["targeted_hosts"]
        hosts = [h for h in group if targeted is None or h in targeted]
        subjects = []
        for host in hosts:
            host_vars = hostvars.get(host) or {}
            probe = host_vars.get(args["probe_var"])
            owner = host_vars.get(args["owner_var"])
            subject, errors = workstation_subject(host, probe, str(owner) if owner else None)
            subjects.append(subject)
            input_errors.extend(errors)
        if hosts:
            failed = sum(1 for s in subjects if s["state"] != "ok")
            sources.append({"name": "desktop_info", "type": "ansible", "status": "complete" if not failed else "incomplete",
                            "subjects": len(subjects), "errors": failed,
                            "detail": "%d workstation(s) targeted, %d not probed or malformed" % (len(hosts), failed)})
        return subjects
