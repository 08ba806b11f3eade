# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The run's gate: the compliance threshold and the most failing results allowed per severity.

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


def evaluate_gate(summary, max_failures, threshold_pct):
    """The gate section: every line it checks, which were crossed, and one message naming each crossed line."""
    max_failures = max_failures or {}
    pct = summary["compliance"]["pct"]
    # Nothing counted proves nothing: it meets only a threshold of zero.
    met = (pct if pct is not None else 0.0) >= threshold_pct
    lines = []
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
    return {
        "passed": not lines,
        "compliance": {"pct": pct, "threshold_pct": threshold_pct, "met": met},
        "severities": severities,
        "lines": lines,
        "message": "; ".join(lines) if lines else "compliance and every failure limit are met",
    }
