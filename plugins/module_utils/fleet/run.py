# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One judge run, from its arguments to the published reports, without Ansible.

The fleet_summary action is only the adapter: it checks the arguments against ARGUMENT_SPEC, turns hostvars (or
the slices' artifacts) into one Workstation per host and calls judge_fleet. Everything after that is here, one
function per phase, in the order the run goes through them:

  check_settings   the catalogue, the organisation values, validity overrides, failure limits, the evaluation time,
                   the report folder and the history (never inside an installed collection)
  collect          workstations from what the hosts handed in, phones from the MDM sources
  governance       waivers and attestations, inline and from files
  evaluate         every control on every subject
  summarize        the summary document
  publish_reports  the gate, the history and every report
  run_result       what the caller gets back (totals, gate, paths, the console table, the AWX artifact)

A mistake in the arguments raises RunError with a message naming the argument; nothing is written then.
"""

from __future__ import annotations

import contextlib
import datetime
import gc
import os
import time
from typing import Any, Dict, List, Mapping, NamedTuple, Optional

from ansible_collections.hardening.signal.plugins.module_utils import text_checks
from ansible_collections.hardening.signal.plugins.module_utils.catalog.load import (
    CatalogError,
    load_catalog,
    load_values,
    values_with_org,
)
from ansible_collections.hardening.signal.plugins.module_utils.catalog.retired import RETIRED
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
from ansible_collections.hardening.signal.plugins.module_utils.governance.history_location import problem as history_url_problem
from ansible_collections.hardening.signal.plugins.module_utils.governance.text_lines import governance_lines, problem_warnings
from ansible_collections.hardening.signal.plugins.module_utils.governance.waiver_file import WaiverCollector
from ansible_collections.hardening.signal.plugins.module_utils.private_files import ModeError, parse_mode
from ansible_collections.hardening.signal.plugins.module_utils.report.formats import NAMES as FORMAT_NAMES
from ansible_collections.hardening.signal.plugins.module_utils.report.publish import KEEP_REPORT_RUNS, publish
from ansible_collections.hardening.signal.plugins.module_utils.report.report_set import ReportSetError
from ansible_collections.hardening.signal.plugins.module_utils.report.render_text import render_text
from ansible_collections.hardening.signal.plugins.module_utils.report.visible import visible
from ansible_collections.hardening.signal.plugins.module_utils.report.write_reports import InvalidSummary
from ansible_collections.hardening.signal.plugins.module_utils.schema_validation import SchemaUnavailable
from ansible_collections.hardening.signal.plugins.module_utils.version import COLLECTION_VERSION

ORG_VALUES = ("screen_lock_timeout_minutes", "disappearing_messages_timer_days", "reboot_interval_hours",
              "max_minor_versions_behind", "require_signal_on_phones")
DESKTOP_PLATFORMS = ("linux", "macos", "windows")
REPORT_FORMATS = FORMAT_NAMES  # the format table (report/formats.py) is the one list of them

# How many failing subjects the AWX artifact names (set_stats data must stay small).
ARTIFACT_SUBJECTS = 100

# This collection's root folder (plugins/module_utils/fleet/run.py is four levels down).
COLLECTION_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

# The judge's arguments (the fleet_summary action checks them with Ansible's validator; judge_fleet expects them
# checked and completed, see with_defaults).
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
    "formats": {"type": "list", "elements": "str", "default": ["json", "md", "html"], "choices": list(REPORT_FORMATS)},
    "threshold_pct": {"type": "float", "default": 0.0},
    "max_failures": {"type": "dict", "default": {}},
    "history": {"type": "bool", "default": False},
    "history_path": {"type": "str", "default": ""},
    # The history in PostgreSQL instead of the SQLite file (history_location): postgresql://user@host:port/database.
    "history_url": {"type": "str", "default": ""},
    # How many runs' results the history keeps; the oldest are pruned as each run is appended. 0 keeps all.
    "history_keep_runs": {"type": "int", "default": 90},
    # A source that failed or stopped part-way fails the gate unless this is false (the gate still names it).
    "fail_on_incomplete_sources": {"type": "bool", "default": True},
    # The reports' file mode (octal text), never wider than the umask; folders get it with search rights.
    "report_mode": {"type": "raw", "default": "0640"},
    # How many runs' report folders (runs/<run id>/) stay in report_dir; 0 keeps all.
    "report_keep_runs": {"type": "int", "default": KEEP_REPORT_RUNS},
    # An action sheet per person (and one for the security team) next to the reports.
    "action_sheets": {"type": "bool", "default": True},
    # An answer that expires within this many days is asked again (action sheets, questionnaire).
    "attestation_renew_days": {"type": "int", "default": 30},
    # Sliced runs (AWX job slicing): the facts the slices collected, {host: {probe, owner, remediation_error}},
    # and each slice's own artifact, {artifact name: {host: ...}}; merged and judged here at once, with every
    # workstation of workstation_group that no slice collected.
    "collected": {"type": "dict"},
    "collected_slices": {"type": "dict"},
    # Judge as of this moment (ISO 8601) instead of now: reproducible reports, and slices merged as one run.
    "evaluation_time": {"type": "str"},
}


class RunError(Exception):
    """The run cannot start or cannot publish; the message names the argument or the folder and says why."""


class Workstation(NamedTuple):
    """What one host handed in: its registered desktop_info result, its owner and why remediation failed on it;
    or, for a workstation expected but never handed in, why (missing)."""

    probe: Optional[Mapping[str, Any]] = None
    owner: Optional[str] = None
    remediation_error: Optional[str] = None
    missing: Optional[str] = None


class Settings(NamedTuple):
    """The checked arguments the phases work from."""

    org: Dict[str, Any]
    controls: List[Dict[str, Any]]       # the catalogue, with the validity overrides applied
    validity: Dict[str, Any]             # attestation control id -> days (overrides)
    max_failures: Dict[str, Any]         # severity -> most failing results allowed (None: no limit)
    moment: Optional[datetime.datetime]  # the evaluation time given, or None for "now"
    report_mode: int = 0o640             # the reports' file mode (private_files.parse_mode)
    report_dir: Optional[str] = None     # the report folder, absolute (None when the arguments name none)
    history: Optional[str] = None        # where the history is: a PostgreSQL URL or an absolute SQLite path; None without


class Collected(NamedTuple):
    """Every subject of the run and what was found while collecting them."""

    subjects: List[Dict[str, Any]]
    input_errors: List[Dict[str, Any]]
    sources: List[Dict[str, Any]]
    remediation_failures: List[str]


class Governance(NamedTuple):
    """Waivers and attestations, each with what was valid and every mistake."""

    waivers: WaiverCollector
    attestations: AttestationCollector


class Evaluated(NamedTuple):
    """The evaluator (which knows what each waiver covered) and each subject with its results."""

    evaluator: Evaluator
    judged: List[Any]


class Published(NamedTuple):
    """The gate, the path of every report written, and the warnings for the operator."""

    gate: Dict[str, Any]
    paths: Dict[str, str]
    warnings: List[str]


class Stopwatch(object):
    """Seconds per phase, each measured from the end of the previous one."""

    def __init__(self):
        self.started = self._last = time.monotonic()
        self.timings = {}

    def lap(self, name):
        now = time.monotonic()
        self.timings[name] = round(now - self._last, 3)
        self._last = now

    def restart(self):
        """The next lap starts now (a phase that timed itself is not counted twice)."""
        self._last = time.monotonic()

    def total(self):
        return round(time.monotonic() - self.started, 3)


def with_defaults(args):
    """The arguments with every default of ARGUMENT_SPEC filled in, for callers outside Ansible."""
    complete = {name: spec.get("default") for name, spec in ARGUMENT_SPEC.items()}
    complete.update(args)
    missing = [name for name, spec in ARGUMENT_SPEC.items() if spec.get("required") and complete.get(name) is None]
    if missing:
        raise RunError("missing required argument(s): %s" % ", ".join(missing))
    return complete


def parse_moment(text, name="evaluation_time"):
    """The given ISO 8601 time in UTC (UTC when it names no zone), or None when none is given."""
    if not text:
        return None
    try:
        moment = datetime.datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        raise RunError("%s %r is not an ISO 8601 date-time such as 2026-11-26T06:00:00Z" % (name, text))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return moment.astimezone(datetime.timezone.utc).replace(microsecond=0)


def evaluation_moment(text, now=None):
    """The moment a run judges as of: the given ISO 8601 time, else now (the clock's, or the one given)."""
    given = parse_moment(text)
    if given is not None:
        return given
    now = now or datetime.datetime.now(datetime.timezone.utc)
    return now.astimezone(datetime.timezone.utc).replace(microsecond=0)


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


def _whole_numbers(mapping):
    """Digit strings as ints (a template renders numbers as text); anything else as given, for the checks."""
    return {key: int(value) if isinstance(value, str) and value.strip().isdigit() else value
            for key, value in (mapping or {}).items()}


# Arguments that carry records: each record's text is checked where it is read (a bad record is left out and
# named, the run goes on).
_RECORD_ARGUMENTS = frozenset(("mdm_sources", "waivers", "attestations", "collected", "targeted_hosts"))


def check_text(args, prefix=""):
    """RunError naming the first setting whose text is not valid Unicode (a lone surrogate: no report could hold it,
    and a path or a name would be used other than it was written)."""
    for name in sorted(args):
        if name in _RECORD_ARGUMENTS:
            continue
        for field, _keys, message in text_checks.surrogate_fields(args[name], name):
            # The organisation's values are variables of their own (signal_hardening_screen_lock_...).
            shown = field[len("org."):] if name == "org" and field.startswith("org.") else field
            raise RunError("%s%s: %s" % (prefix, shown, message.replace("so it is not used", "so the run cannot start")))


def check_settings(args, prefix=""):
    """Settings from the arguments, or RunError naming the first argument that is wrong.

    The one place these arguments are checked: the role's validate play calls it (action judge_settings, with the
    role's variable names as prefix) before any host is touched, and the judge calls it again before it judges.
    """
    check_text(args, prefix)
    org = dict(args["org"])
    missing = [name for name in ORG_VALUES if name not in org]
    if missing:
        raise RunError("org is missing value(s): %s" % ", ".join(missing))
    try:
        # What the controls compare with: the catalogue's values (Signal's key, Team ID...), with the
        # organisation's own where it may set them (an internal apt mirror).
        org = values_with_org(load_values(args["controls_dir"]), org)
        controls = load_catalog(args["controls_dir"], org_names=org.keys())
    except (CatalogError, SchemaUnavailable) as exc:
        raise RunError(str(exc))
    validity = {str(key): value for key, value in _whole_numbers(args["attestation_validity_days"]).items()}
    found = check_validity_overrides(validity, controls)
    if found:
        raise RunError("%sattestation_validity_days: %s. Each key must be the id of an attestation control of the catalogue"
                       " (%s, check.method attestation), each value a whole number of days from 1 to 730; given: %s."
                       % (prefix, "; ".join(found), args["controls_dir"],
                          ", ".join("%s is %r" % (key, value) for key, value in sorted(validity.items()))))
    max_failures = _whole_numbers(args["max_failures"])
    found = check_limits(max_failures)
    if found:
        raise RunError("%smax_failures: %s" % (prefix, "; ".join(found)))
    if args["history_keep_runs"] < 0:
        raise RunError("%shistory_keep_runs: %d is not 0 (keep every run) or a number of runs"
                       % (prefix, args["history_keep_runs"]))
    found = history_url_problem(args.get("history_url"))
    if found:
        raise RunError("%shistory_url: %s" % (prefix, found))
    if args.get("history_url") and args.get("history_path"):
        raise RunError("%shistory_url and %shistory_path are both set: the history is kept either in PostgreSQL (the URL) "
                       "or in an SQLite file (the path); leave one of them empty" % (prefix, prefix))
    moment = parse_moment(args.get("evaluation_time"), name=prefix + "evaluation_time")
    try:
        report_mode = parse_mode(args.get("report_mode", "0640"))
    except ModeError as exc:
        raise RunError("%sreport_mode: %s" % (prefix, exc))
    for name in ("report_keep_runs", "attestation_renew_days"):
        value = args.get(name, 0)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise RunError("%s%s: %r is not a whole number from 0" % (prefix, name, value))
    report_dir = history = None
    if args.get("report_dir"):
        report_dir = writable_place(args["report_dir"], prefix + "report_dir")
        if args.get("history"):
            history = args.get("history_url") or writable_place(args.get("history_path") or default_path(report_dir),
                                                                prefix + "history_path")
    return Settings(org=org, controls=apply_validity_overrides(controls, validity), validity=validity,
                    max_failures=max_failures, moment=moment, report_mode=report_mode, report_dir=report_dir,
                    history=history)


def installed_collection_root():
    """This collection's folder when it is an installed copy (ansible-galaxy writes MANIFEST.json), else None."""
    return COLLECTION_ROOT if os.path.isfile(os.path.join(COLLECTION_ROOT, "MANIFEST.json")) else None


def writable_place(path, name):
    """The absolute path (a relative one is taken from the current folder, where ansible-playbook runs), or RunError
    when it lies inside the installed collection: writing there changes the installed content, and fails where the
    collection is read-only (an execution environment)."""
    place = os.path.abspath(os.path.expanduser(path))
    root = installed_collection_root()
    if root is not None:
        real, real_root = os.path.realpath(place), os.path.realpath(root)
        if real == real_root or real.startswith(real_root + os.sep):
            raise RunError(
                "%s %s is inside the installed collection %s: the reports would change its installed content "
                "(ansible-galaxy collection verify reports it modified), and an installation you may not write to "
                "refuses them. Set %s to a folder of your own, or run ansible-playbook from another folder (a relative "
                "%s is taken from the folder it runs in)." % (name, place, root, name, name))
    return place


def workstation_subjects(workstations, collected, owner_field="signal_hardening_owner"):
    """The workstations' subjects, sorted by host name, with the desktop_info source line (none without hosts)."""
    subjects = []
    # Sorted by name: the same order whether the fleet was probed in one run or in slices.
    for host in sorted(workstations):
        handed = workstations[host] or Workstation()
        # Set by the playbook's rescue when remediation failed on the host; the gate fails the run for it.
        if handed.remediation_error:
            collected.remediation_failures.append(text_checks.escaped(str(handed.remediation_error)))
        subject, errors = workstation_subject(host, handed.probe, str(handed.owner) if handed.owner else None,
                                              owner_field=owner_field)
        if handed.missing:
            subject["error"] = handed.missing
        subjects.append(subject)
        collected.input_errors.extend(errors)
    if subjects:
        failed = sum(1 for s in subjects if s["state"] != "ok")
        missing = sum(1 for handed in workstations.values() if handed is not None and handed.missing)
        collected.sources.append({
            "name": "desktop_info", "type": "ansible", "status": "complete" if not failed else "incomplete",
            "subjects": len(subjects), "errors": failed,
            "detail": "%d workstation(s) targeted, %d not probed or malformed%s" % (
                len(subjects), failed, ", %d of them not collected by any slice" % missing if missing else "")})
    collected.subjects.extend(subjects)


def collect(args, workstations, progress=None):
    """Every subject: the workstations handed in ({host: Workstation}), then each MDM source's phones."""
    collected = Collected(subjects=[], input_errors=[], sources=[], remediation_failures=[])

    def workstations_first():
        workstation_subjects(workstations, collected, args.get("owner_var") or "signal_hardening_owner")

    if not args["mdm_sources"]:
        workstations_first()
        return collected
    # Imported only when there is a source: the MDM clients and their TLS stack cost a workstation-only
    # run about 0.1 s.
    from ansible_collections.hardening.signal.plugins.module_utils.mdm.sources import pull_sources, pulls_in_processes

    # Pulled concurrently, results in the order the sources are configured; the workstations' subjects (first in
    # the run's order) are made here while the sources are pulled in other processes or threads.
    for pulled, errors, status in pull_sources(args["mdm_sources"], progress=progress, meanwhile=workstations_first):
        collected.subjects.extend(pulled)
        collected.input_errors.extend(errors)
        collected.sources.append(status)
    if not pulls_in_processes(args["mdm_sources"]):
        # The cycle collector is paused for the run: free what pulls in this process left in cycles (failed
        # requests' tracebacks). Pulled in forked processes, or without a pull, there is nothing to free here, and
        # a full collection costs 35 ms (0.2 s once 50,000 phones are in memory).
        gc.collect()
    return collected


def governance(args, settings, now, collected):
    """Waivers and attestations, inline and from files; their mistakes go first into the input errors."""
    waivers = WaiverCollector((c["id"] for c in settings.controls), RETIRED)
    waivers.add_inline(args["waivers"])
    for path in args["waiver_files"]:
        waivers.add_file(path)
    attestations = AttestationCollector(settings.controls, now)
    attestations.add_inline(args["attestations"])
    for path in args["attestation_files"]:
        attestations.add_file(path)
    # Mistakes in waivers and attestations first: they change what the results below mean.
    collected.input_errors[:0] = waivers.errors + attestations.errors
    return Governance(waivers=waivers, attestations=attestations)


def evaluate(args, settings, rules, now, subjects):
    """Every applicable control on every subject, in the subjects' order."""
    # Why a platform's newest version is unknown, and how old the newest release is, reach the reasons too.
    context = {"newest_versions": newest_by_platform(args["newest_versions"]),
               "newest_unknown_reasons": dict(args["newest_unknown_reasons"] or {}),
               "newest_release_dates": dict(args["newest_release_dates"] or {}),
               "release_age_days": args["release_age_days"]}
    evaluator = Evaluator(settings.controls, settings.org, context=context,
                          waivers=rules.waivers.valid, attestations=rules.attestations.valid, now=now)
    return Evaluated(evaluator=evaluator, judged=[(subject, evaluator.evaluate(subject)) for subject in subjects])


def summarize(args, settings, rules, now, collected, evaluated, check_mode):
    """The summary document (without the sections publishing adds: history, changes, trend, gate)."""
    summary = build_summary(
        settings.controls, evaluated.judged, generated_at=now.isoformat().replace("+00:00", "Z"),
        tool_version=COLLECTION_VERSION, check_mode=bool(check_mode), threshold_pct=args["threshold_pct"],
        org=settings.org, sources=collected.sources, input_errors=collected.input_errors)
    summary["waivers"] = rules.waivers.section(evaluated.evaluator.waivers.covered, now)
    summary["attestations"] = rules.attestations.section(settings.validity)
    summary["attestations"]["renew_within_days"] = args["attestation_renew_days"]
    return summary


def publish_reports(args, settings, rules, summary, timings, collected):
    """The gate (every reason the run fails), then the history and every report (publish keeps the two consistent)."""
    warnings = problem_warnings(rules.waivers, rules.attestations)
    gate = evaluate_gate(summary, settings.max_failures, args["threshold_pct"],
                         accept_incomplete_sources=not args["fail_on_incomplete_sources"],
                         remediation_failures=collected.remediation_failures)
    try:
        paths, history_warnings = publish(summary, settings.report_dir, args["formats"], gate, history_path=settings.history,
                                          keep_runs=args["history_keep_runs"], timings=timings, mode=settings.report_mode,
                                          keep_report_runs=args["report_keep_runs"], action_sheets=args["action_sheets"])
    except (InvalidSummary, SchemaUnavailable, OSError, ReportSetError) as exc:
        raise RunError("cannot write the compliance summary to %s (the run is not added to the history): %s"
                       % (settings.report_dir, exc))
    return Published(gate=gate, paths=paths, warnings=warnings + history_warnings)


def run_result(args, settings, summary, collected, published, stopwatch):
    """What the caller gets back: the figures, the gate, where the reports are, the console table, the artifact."""
    sources = collected.sources
    result = {
        "changed": False,
        "compliance_pct": summary["compliance"]["pct"],
        "threshold_pct": args["threshold_pct"],
        "threshold_met": published.gate["compliance"]["met"],
        "gate": published.gate,
        "totals": summary["totals"],
        "subjects": summary["compliance"]["subjects"],
        "subjects_compliant": summary["compliance"]["subjects_compliant"],
        "incomplete_sources": [s["name"] for s in sources if s["type"] != "ansible" and s["status"] != "complete"],
        "remediation_failures": collected.remediation_failures,
        "input_errors": len(collected.input_errors),
        "waivers": summary["waivers"]["counts"],
        "history": {key: summary["history"][key] for key in ("enabled", "path", "run_id", "runs", "error")},
        "changes": None if summary["changes"] is None else {
            "newly_failing": summary["changes"]["newly_failing"]["count"], "fixed": summary["changes"]["fixed"]["count"]},
        "reports": published.paths,
        "run_id": summary["run"]["id"],
        "report_dir": settings.report_dir,
        "report_folder": os.path.join(settings.report_dir, "runs", summary["run"]["id"]),
        # The gate's message (every crossed line, or what was met) for the console, hiding characters made visible.
        "gate_text": visible(published.gate["message"]),
        "table": render_text(summary, published.paths) + governance_lines(summary),
        "seconds": stopwatch.total(),
        "timings": stopwatch.timings,
        "artifact": awx_artifact(summary),
    }
    if published.warnings:
        result["warnings"] = published.warnings
    return result


def judge_fleet(args, workstations, check_mode=False, progress=None, now=None):
    """One whole run: the result dict (run_result), or RunError.

    args: the judge's arguments, checked and completed (with_defaults); workstations: {host: Workstation};
    progress: called as progress(source name, pages, devices, seconds) during long MDM pulls; now: the clock's
    moment to judge as of when args name no evaluation_time (default: the time the phones were collected).
    """
    stopwatch = Stopwatch()
    settings = check_settings(args)
    stopwatch.lap("catalogue")
    collected = collect(args, workstations, progress)
    stopwatch.lap("collect")
    moment = settings.moment or evaluation_moment(None, now)
    rules = governance(args, settings, moment, collected)
    stopwatch.lap("governance")
    evaluated = evaluate(args, settings, rules, moment, collected.subjects)
    stopwatch.lap("evaluate")
    summary = summarize(args, settings, rules, moment, collected, evaluated, check_mode)
    # Nothing after this reads what was collected (each subject's facts), only the summary: freed before the
    # reports are written, the process's peak is lower by it (a 50,000-phone pull holds a few hundred MiB of facts).
    collected.subjects.clear()
    del evaluated
    stopwatch.lap("summarize")
    published = publish_reports(args, settings, rules, summary, stopwatch.timings, collected)
    stopwatch.restart()
    return run_result(args, settings, summary, collected, published, stopwatch)
