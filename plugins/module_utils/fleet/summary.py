# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Roll judged subjects up into the fleet summary document (schemas/fleet_summary.schema.json)."""

from __future__ import annotations

from ansible_collections.hardening.signal.plugins.module_utils.engine import statuses as S
from ansible_collections.hardening.signal.plugins.module_utils.engine.evaluate import COLLECTION_CONTROL, fill_org_values
from ansible_collections.hardening.signal.plugins.module_utils.fleet.people import people_section, subject_standing

SCHEMA_VERSION = 1
GUIDANCE = {
    "id": "CERT-EU 22-002",
    "title": "Hardening Signal",
    "version": "1.0",
    "licence": "CC BY 4.0, CERT-EU",
}
COMPLIANCE_DEFINITION = (
    "pct = 100 * pass / (pass + fail + unknown + manual + error), over every result of every subject; "
    "not_applicable and waived results are not counted; unknown, manual and error never count as passing. "
    "A subject is compliant when it has at least one counted result and all of them are pass."
)


def empty_counts():
    return dict.fromkeys(S.ALL, 0)


def compliance_pct(counts):
    counted = sum(counts[s] for s in S.COUNTED)
    if not counted:
        return None, 0
    return round(100.0 * counts[S.PASS] / counted, 2), counted


def owner_source(subject):
    """Where the subject's owner came from: inventory, mdm, signal_profile; None without an owner."""
    if not subject.get("owner"):
        return None
    given = subject.get("owner_source")
    if given:
        return given
    return "mdm" if subject.get("kind") == "mobile" else "inventory"


def build_summary(controls, judged, *, generated_at, tool_version, check_mode, threshold_pct, org, sources, input_errors):
    """judged: iterable of (subject, results). Subjects keep the order given."""
    per_control = {c["id"]: empty_counts() for c in controls}
    totals = empty_counts()
    subjects_out = []
    compliant = 0
    collection_counts = None
    counted_statuses = frozenset(S.COUNTED)
    standings = []
    for subject, results in judged:
        subject_counted = 0
        subject_passing = 0
        for result in results:
            status = result["status"]
            totals[status] += 1
            counts = per_control.get(result["control"])
            if counts is None:
                if collection_counts is None:
                    collection_counts = empty_counts()
                counts = collection_counts
            counts[status] += 1
            if status in counted_statuses:
                subject_counted += 1
                if status == S.PASS:
                    subject_passing += 1
        if subject_counted and subject_counted == subject_passing:
            compliant += 1
        out = {
            "id": subject["id"], "kind": subject["kind"], "platform": subject["platform"],
            "name": subject.get("name"), "owner": subject.get("owner"), "owner_source": owner_source(subject),
            "source": subject["source"], "state": subject["state"], "error": subject.get("error"), "results": results,
        }
        subjects_out.append(out)
        standing, failing = subject_standing(subject["state"], subject_counted, subject_passing)
        standings.append((out, standing, failing))
    controls_out = [{
        "id": c["id"], "section": c["section"], "title": c["title"], "platforms": list(c["platforms"]),
        "method": c["check"]["method"], "severity": c["severity"], "remediation": c["remediation"],
        "rationale": c["rationale"], "steps": list(c["steps"]), "counts": per_control[c["id"]],
    } for c in controls]
    for out, control in zip(controls_out, controls):
        if control["check"].get("question"):
            # As the engine asks it: with the organisation's values ('at most {screen_lock_timeout_minutes} minutes').
            out["question"] = fill_org_values(control["check"]["question"], org)
    if collection_counts is not None:
        controls_out.append({
            "id": COLLECTION_CONTROL, "section": "-", "title": "Data could be collected from the subject",
            "platforms": ["linux", "macos", "windows", "ios", "android", "unknown"], "method": "collection",
            "severity": "high", "remediation": "manual", "counts": collection_counts,
        })
    pct, counted = compliance_pct(totals)
    return {
        "schema_version": SCHEMA_VERSION,
        "generated_at": generated_at,
        "tool": {"name": "hardening.signal", "version": tool_version},
        "guidance": dict(GUIDANCE),
        "run": {"check_mode": bool(check_mode), "threshold_pct": threshold_pct, "organisation": dict(org), "sources": list(sources)},
        "compliance": {
            "pct": pct, "counted": counted, "passing": totals[S.PASS],
            "subjects": len(subjects_out), "subjects_compliant": compliant, "definition": COMPLIANCE_DEFINITION,
        },
        "totals": totals,
        "controls": controls_out,
        "subjects": subjects_out,
        "input_errors": list(input_errors),
        "people": people_section(standings),
    }
