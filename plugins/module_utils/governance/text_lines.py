# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Plain-text lines for the terminal about waivers, attestations, people, the history and the gate,
added under the table of report/render_text.py; and the warnings for mistaken waiver and attestation files.
Text from files and hosts goes through visible(), as in every report a person reads.
"""

from __future__ import annotations

from ansible_collections.hardening.signal.plugins.module_utils.report.visible import visible

MAX_WARNINGS = 10


def governance_lines(summary):
    lines = []
    waivers = summary.get("waivers")
    if waivers and (waivers["items"] or waivers["files"]):
        counts = waivers["counts"]
        lines.append("waivers %d active (%d results waived), %d unmatched, %d expired, %d invalid" % (
            counts["active"], counts["results_waived"], counts["unmatched"], counts["expired"], counts["invalid"]))
    attestations = summary.get("attestations")
    if attestations and (attestations["counts"]["records"] or attestations["files"]):
        counts = attestations["counts"]
        lines.append("attestations %d counted, %d left out for a mistake" % (counts["valid"], counts["invalid"]))
    people = summary.get("people")
    if people and people["counts"]["people"]:
        counts = people["counts"]
        unassigned = people["unassigned"]
        numbers = (counts["people"], counts["all_compliant"], counts["with_failing"], unassigned["phones"],
                   unassigned["workstations"])
        lines.append("people %d: %d with every device compliant, %d with a failing device; %d phone(s) and %d "
                     "workstation(s) without a known owner" % numbers)
    history = summary.get("history")
    if history and history["enabled"]:
        if history["error"]:
            lines.append("history not recorded: %s" % visible(history["error"]))
        else:
            changes = summary.get("changes") or {}
            previous = changes.get("previous_run")
            lines.append("history run %d in %s%s" % (
                history["run_id"], visible(history["path"]),
                "; since run %d: %d newly failing, %d fixed" % (
                    previous["run_id"], changes["newly_failing"]["count"], changes["fixed"]["count"]) if previous else
                " (the first run)"))
    gate = summary.get("gate")
    if gate:
        lines.append("gate %s" % ("passed" if gate["passed"] else "FAILED: " + visible(gate["message"])))
    return lines


def problem_warnings(waivers, attestations):
    """Warnings naming each mistake in the waivers and attestations (file, record, field), at most MAX_WARNINGS."""
    problems = [("waiver", error) for error in waivers.errors] + [("attestation", error) for error in attestations.errors]
    # Conflicting answers are not left out: both count, and the result is fail.
    conflicts = {id(error) for error in getattr(attestations, "conflicts", ())}
    warnings = []
    for kind, error in problems[:MAX_WARNINGS]:
        where = error["source"] if error["record"] is None else "%s %s" % (error["source"], error["record"])
        if error["record"] is None:
            warnings.append("%s file: %s" % (kind, visible(error["message"])))
        elif id(error) in conflicts:
            warnings.append("attestations conflict: %s: %s" % (visible(where), visible(error["message"])))
        else:
            warnings.append("%s not used: %s: %s" % (kind, visible(where), visible(error["message"])))
    if len(problems) > MAX_WARNINGS:
        warnings.append("%d more waiver or attestation mistakes are listed in the summary's input_errors"
                        % (len(problems) - MAX_WARNINGS))
    return warnings
