# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Device ids that one source gives to more than one record.

A device id names one phone at its source. When records of one export file or one MDM pull share an id:

* if they differ in any value, nothing tells which of them describes the phone (one may say Signal came from
  the store, the other that it was sideloaded): judging either could be a false pass, and judging both would
  count one phone twice. Every one of them is kept as a subject in state invalid (one error result), with its
  owner;
* if they are the same in every value (a page boundary that moved while a vendor's list was read, a row
  exported twice), the phone is judged once, from the first of them.

Either way each record of such an id is named as an input error of the field id, listing the others.
"""

from __future__ import annotations

# The other records an error lists by name; the rest are counted.
NAMED = 5


def _others(group, position):
    others = [label for at, label, _subject in group if at != position]
    named = ", ".join(others[:NAMED])
    return named if len(others) <= NAMED else "%s and %d more" % (named, len(others) - NAMED)


def _same_values(subjects):
    first = subjects[0]
    return all(s["state"] == "ok" and s["facts"] == first["facts"] for s in subjects)


def mark_duplicate_ids(entries, source_label):
    """(the subjects to judge, input errors) for the [(record label, subject)] of one source, in the order read.

    Subjects are changed in place; a repeat with the same values as its first record is left out (named)."""
    by_id = {}
    for position, (label, subject) in enumerate(entries):
        by_id.setdefault(subject["id"], []).append((position, label, subject))
    if len(by_id) == len(entries):
        return [subject for _label, subject in entries], []
    kept, errors = [], []
    for position, (label, subject) in enumerate(entries):
        group = by_id[subject["id"]]
        if len(group) < 2:
            kept.append(subject)
            continue
        if _same_values([item[2] for item in group]):
            if position == group[0][0]:
                kept.append(subject)
                message = ("device id %s is also given by %s of this source, with the same values: the phone is "
                           "judged once, from this record" % (subject["id"], _others(group, position)))
            else:
                message = ("device id %s repeats %s of this source with the same values: judged once, from that "
                           "record" % (subject["id"], group[0][1]))
            errors.append({"source": source_label, "record": label, "field": "id", "message": message})
            continue
        message = ("device id %s is also given by %s of this source with other values: an id names one phone, and "
                   "these %d records cannot be told apart, so none of them is judged"
                   % (subject["id"], _others(group, position), len(group)))
        errors.append({"source": source_label, "record": label, "field": "id", "message": message})
        reason = message if subject["state"] == "ok" or not subject.get("error") else "%s; %s" % (subject["error"], message)
        subject.update(state="invalid", error=reason, facts=None)
        subject["source"] = dict(subject["source"], record=label)
        kept.append(subject)
    return kept, errors
