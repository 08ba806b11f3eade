# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The people view: for each owner (case-insensitive), their phones and workstations and how each stands.

A subject is compliant (at least one counted result, all pass), failing N controls (N counted results that
are not pass: fail, unknown, manual or error), or not assessed (no data could be collected, or nothing was
counted). Pure: no I/O.
"""

from __future__ import annotations

COMPLIANT = "compliant"
FAILING = "failing"
NOT_ASSESSED = "not_assessed"
_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def subject_standing(state, counted, passing):
    """(compliant|failing|not_assessed, number of counted results that are not pass)."""
    if state != "ok" or not counted:
        return NOT_ASSESSED, 0
    if counted == passing:
        return COMPLIANT, 0
    return FAILING, counted - passing


def _number(count):
    return _WORDS[count] if count < len(_WORDS) else str(count)


def _standing_words(entry):
    if entry["status"] == FAILING:
        return "failing %s control%s" % (_number(entry["failing"]), "" if entry["failing"] == 1 else "s")
    return entry["status"].replace("_", " ")


def describe(phones, workstations):
    """'phone compliant; two workstations: one compliant, one failing three controls'."""
    parts = []
    for entries, plural, singular in ((phones, "phones", "phone"), (workstations, "workstations", "workstation")):
        if not entries:
            continue
        if len(entries) == 1:
            parts.append("%s %s" % (singular, _standing_words(entries[0])))
            continue
        states = [entry["status"] for entry in entries]
        if len(set(states)) == 1 and states[0] != FAILING:
            parts.append("%s %s, all %s" % (_number(len(entries)), plural, states[0].replace("_", " ")))
            continue
        details = []
        compliant = states.count(COMPLIANT)
        if compliant:
            details.append("%s compliant" % _number(compliant))
        for entry in entries:
            if entry["status"] == FAILING:
                details.append("one %s" % _standing_words(entry))
        unassessed = states.count(NOT_ASSESSED)
        if unassessed:
            details.append("%s not assessed" % _number(unassessed))
        parts.append("%s %s: %s" % (_number(len(entries)), plural, ", ".join(details)))
    return "; ".join(parts) or "no devices"


def people_section(entries):
    """The summary's people section from [(subject, standing, failing count)] in subject order."""
    people = {}
    unassigned = {"phones": 0, "workstations": 0}
    for subject, standing, failing in entries:
        kind_key = "phones" if subject["kind"] == "mobile" else "workstations"
        owner = subject.get("owner")
        if not owner or not str(owner).strip():
            unassigned[kind_key] += 1
            continue
        key = str(owner).strip().lower()
        person = people.get(key)
        if person is None:
            person = people[key] = {"owner": key, "phones": [], "workstations": []}
        person[kind_key].append({"id": subject["id"], "platform": subject["platform"], "status": standing,
                                 "failing": failing, "owner_source": subject.get("owner_source")})
    items = []
    totals = {"people": 0, "all_compliant": 0, "with_failing": 0}
    for key in sorted(people):
        person = people[key]
        counts = {"phones": len(person["phones"]), "workstations": len(person["workstations"]),
                  COMPLIANT: 0, FAILING: 0, NOT_ASSESSED: 0}
        for entries_of_kind in (person["phones"], person["workstations"]):
            for entry in entries_of_kind:
                counts[entry["status"]] += 1
        person["counts"] = counts
        person["text"] = describe(person["phones"], person["workstations"])
        totals["people"] += 1
        if counts[COMPLIANT] == counts["phones"] + counts["workstations"]:
            totals["all_compliant"] += 1
        if counts[FAILING]:
            totals["with_failing"] += 1
        items.append(person)
    return {"counts": totals, "unassigned": unassigned, "items": items}
