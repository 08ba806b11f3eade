# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The run's gate: every reason the run fails, decided once, for the reports and the playbook alike.

The run fails when an MDM source failed or stopped part-way (unless the organisation accepts a partial run:
signal_hardening_fail_on_incomplete_sources false), when remediation failed on a workstation, when compliance
is below the threshold, or when a severity has more failing results than its limit. The gate section says
which, every report shows it, and the playbook's last task fails on gate.passed: a report can never say the
gate passed for a run that ends in failure.

A failing result here is a result in state fail (observed, and it does not meet the control): unknown,
manual and error already weigh on the compliance percentage, and a waived result is an accepted risk.
Pure: no I/O.
"""

from __future__ import annotations

SEVERITIES = ("high", "medium", "low")


def check_limits(max_failures):
    """[problem, ...] for the limits per severity: keys high, medium, low; values null or a whole number >= 0."""
    found = []
    for key, value in sorted((max_failures or {}).items(), key=lambda item: str(item[0])):
        if key not in SEVERITIES:
            found.append("unknown severity %s; use %s" % (key, ", ".join(SEVERITIES)))
        elif value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            found.append("%s: %r is not null or a whole number from 0" % (key, value))
    return found


# Hosts or sources one gate line names; the gate section lists them all.
MAX_NAMED = 10


def incomplete_sources(summary):
    """Names of the MDM sources (not the workstation probe) that failed or stopped part-way, in the summary's order."""
    sources = (summary.get("run") or {}).get("sources") or ()
    return [s["name"] for s in sources if s.get("type") != "ansible" and s.get("status") != "complete"]


def _named(items):
    shown = "; ".join(str(item) for item in items[:MAX_NAMED])
    return shown + (" and %d more" % (len(items) - MAX_NAMED) if len(items) > MAX_NAMED else "")


def evaluate_gate(summary, max_failures, threshold_pct, accept_incomplete_sources=False, remediation_failures=()):
    """The gate section: every line it checks, which were crossed, and one message naming each crossed line.

    accept_incomplete_sources: the organisation accepts a run with an MDM source that failed or stopped
    part-way (signal_hardening_fail_on_incomplete_sources false); the gate still names them.
    remediation_failures: why remediation failed, one text per workstation ('host: task: message').
    """
    max_failures = max_failures or {}
    lines = []
    incomplete = incomplete_sources(summary)
    sources_crossed = bool(incomplete) and not accept_incomplete_sources
    if sources_crossed:
        lines.append("MDM source%s %s failed or stopped part-way (see the sources table); set "
                     "signal_hardening_fail_on_incomplete_sources to false to accept a partial run" % (
                         "" if len(incomplete) == 1 else "s", ", ".join(incomplete)))
    remediation = [str(failure) for failure in remediation_failures or ()]
    if remediation:
        lines.append("Remediation failed on %s (%d workstation%s, still probed and judged)" % (
            _named(remediation), len(remediation), "" if len(remediation) == 1 else "s"))
    pct = summary["compliance"]["pct"]
    # Nothing counted proves nothing: it meets only a threshold of zero.
    met = (pct if pct is not None else 0.0) >= threshold_pct
    if not met:
        lines.append("compliance %s is below signal_hardening_min_compliance_pct %s%%" % (
            "n/a (nothing counted)" if pct is None else "%s%%" % pct, threshold_pct))
    severities = {}
    for severity in SEVERITIES:
        failing = sorted(((c["counts"]["fail"], c["id"]) for c in summary["controls"]
                          if c["severity"] == severity and c["counts"]["fail"]), key=lambda item: (-item[0], item[1]))
        failures = sum(count for count, _control in failing)
        limit = max_failures.get(severity)
        crossed = limit is not None and failures > limit
        severities[severity] = {"failures": failures, "limit": limit, "crossed": crossed,
                                "controls": [{"id": control, "failures": count} for count, control in failing]}
        if crossed:
            lines.append("%s: %d failing result%s (limit %d): %s" % (
                severity, failures, "" if failures == 1 else "s", limit,
                ", ".join("%s x%d" % (control, count) for count, control in failing)))
    # When nothing was counted the gate passes only on a threshold of 0, and says so rather than "compliance is met".
    met_text = ("nothing was counted (every result is not applicable or waived), which only a threshold of 0% "
                "accepts; every failure limit is met" if pct is None else "compliance and every failure limit are met")
    if lines:
        message = "; ".join(lines)
    elif incomplete:
        message = ("MDM source%s %s failed or stopped part-way, accepted (signal_hardening_fail_on_incomplete_sources "
                   "is false); %s" % ("" if len(incomplete) == 1 else "s", ", ".join(incomplete), met_text))
    else:
        message = met_text
    return {
        "passed": not lines,
        "sources": {"incomplete": incomplete, "accepted": bool(accept_incomplete_sources), "crossed": sources_crossed},
        "remediation": {"failures": remediation, "crossed": bool(remediation)},
        "compliance": {"pct": pct, "threshold_pct": threshold_pct, "met": met},
        "severities": severities,
        "lines": lines,
        "message": message,
    }
