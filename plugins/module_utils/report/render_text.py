# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A short plain-text table for the terminal: one row per guidance section, then the headline.

Text from hosts, MDMs and files goes through visible(): no control sequence or reordering character reaches the terminal.
"""

from __future__ import annotations

from ansible_collections.hardening.signal.plugins.module_utils.report.view import CONTROL_COLUMNS as _COLUMNS
from ansible_collections.hardening.signal.plugins.module_utils.report.visible import visible

# Eight characters a column: the status names, shortened where they do not fit.
_HEADERS = tuple({"unknown": "unkn", "not_applicable": "n/a"}.get(status, status) for status in _COLUMNS)


def _section_order(section):
    try:
        return tuple(int(p) for p in section.split("."))
    except ValueError:
        return (99,)


def render_text(summary, paths=None):
    by_section = {}
    for control in summary["controls"]:
        counts = by_section.setdefault(control["section"], dict.fromkeys(_COLUMNS, 0))
        for column in _COLUMNS:
            counts[column] += control["counts"][column]
    lines = ["%-8s" % "section" + "".join("%8s" % h for h in _HEADERS)]
    for section in sorted(by_section, key=_section_order):
        label = "§" + section if section != "-" else "collect"
        lines.append("%-8s" % label + "".join("%8d" % by_section[section][c] for c in _COLUMNS))
    lines.append("%-8s" % "total" + "".join("%8d" % summary["totals"][c] for c in _COLUMNS))
    compliance = summary["compliance"]
    pct = "n/a (nothing counted)" if compliance["pct"] is None else "%.2f%%" % compliance["pct"]
    lines.append("compliance %s of %d counted results; %d of %d subjects fully compliant; threshold %s%%" % (
        pct, compliance["counted"], compliance["subjects_compliant"], compliance["subjects"], summary["run"]["threshold_pct"]))
    for source in summary["run"]["sources"]:
        lines.append("source %s (%s): %s, %d subject(s), %d input error(s)" % (
            visible(source["name"]), visible(source["type"]), source["status"], source["subjects"], source["errors"]))
    for fmt, path in sorted((paths or {}).items()):
        lines.append("report %-4s %s" % (fmt, visible(path)))
    return lines
