# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""People's attestations for the controls no machine can verify.

An attestation says: at <moment>, <owner> answered <yes|no> for <control>.
It is joined to subjects by owner (case-insensitive) and is valid for the
control's validity_days. Missing or expired means the result stays manual:
never pass by default.

The newest answer counts. A moment is a date and time, or a date alone;
a date alone may have been given at any time of that UTC day, so it is
placed at the start of the day (any answer timed later that day is newer)
but cannot be ordered against an answer timed within that day. When the
answer that counts cannot be told apart from another answer (the same
moment, or within the day of an answer given as a date alone) and the two
differ, the answers conflict: the result is fail, naming both. A "no" that
nothing clearly withdrew is never read as a "yes", and fail is what asks
for the rows to be corrected; manual would look like nobody had answered.
"""

from __future__ import annotations

import datetime

from ansible_collections.hardening.signal.plugins.module_utils.engine import statuses as S
from ansible_collections.hardening.signal.plugins.module_utils.engine.dates import parse_moment

_DAY = datetime.timedelta(days=1)


def normalize_attestation(record):
    """(attestation, None) for one raw record, or (None, (field, problem)) naming its first problem."""
    if not isinstance(record, dict):
        return None, (None, "an attestation must be a mapping")
    for field in ("owner", "control", "answer", "date"):
        if record.get(field) in (None, ""):
            return None, (field, "is required")
    if str(record["answer"]).lower() not in ("yes", "no", "true", "false"):
        return None, ("answer", "must be yes or no, got %r" % (record["answer"],))
    try:
        moment = parse_moment(record["date"])
    except ValueError as exc:
        return None, ("date", str(exc))
    return attestation(str(record["owner"]), str(record["control"]), str(record["answer"]).lower() in ("yes", "true"),
                       moment, str(record.get("by") or record["owner"])), None


def attestation(owner, control, answer, moment, by, source=None, record=None):
    """One answer as the engine reads it (moment: engine.dates.Moment)."""
    return {"owner": owner.strip().lower(), "control": control, "answer": answer, "moment": moment, "date": moment.day,
            "by": by, "source": source, "record": record}


def normalize_attestations(records, source="attestations"):
    """(valid records, errors) from raw records; each error names the record and field."""
    valid, errors = [], []
    for index, record in enumerate(records or ()):
        where = "%s[%d]" % (source, index)
        answer, problem = normalize_attestation(record)
        if problem is not None:
            field, message = problem
            errors.append({"source": source, "record": where, "field": field,
                           "message": message if field is None else "%s %s" % (field, message)})
            continue
        answer.update(source=source, record=where)
        valid.append(answer)
    return valid, errors


def cannot_be_ordered(one, other):
    """True when neither answer is known to come after the other: the same moment, or one a date alone whose day
    holds the other's moment."""
    a, b = one["moment"], other["moment"]
    if a.at == b.at:
        return True
    early, late = (a, b) if a.at < b.at else (b, a)
    return not early.timed and late.at < early.at + _DAY


def where_given(record):
    """'line 3 of answers.csv' style words for an answer, for reasons that name rows."""
    if record.get("record") and record.get("source"):
        return "%s %s" % (record["source"], record["record"])
    return record.get("record") or record.get("source") or "an attestation"


def _word(answer):
    return "yes" if answer else "no"


class AttestationBook(object):
    """The answer that counts per (owner, control), and the answers it conflicts with."""

    def __init__(self, records, now):
        self.now = now if isinstance(now, datetime.datetime) else datetime.datetime(
            now.year, now.month, now.day, tzinfo=datetime.timezone.utc)
        self.today = self.now.date()
        by_key = {}
        for record in records:
            by_key.setdefault((record["owner"], record["control"]), []).append(record)
        self._decided = {}
        for key, answers in by_key.items():
            # At the same moment a "no" is the one shown first: whatever order the rows came in.
            newest = max(answers, key=lambda r: (r["moment"].at, r["moment"].timed, not r["answer"]))
            conflicts = [r for r in answers if r is not newest and r["answer"] != newest["answer"]
                         and cannot_be_ordered(r, newest)]
            self._decided[key] = (newest, conflicts)

    def judge(self, control_id, check, owner):
        """The result of one attestation control (check: its question and validity_days) for a subject's owner."""
        if not owner:
            return {"control": control_id, "status": S.UNKNOWN,
                    "reason": "no owner is known for this subject, so no attestation can be joined to it"}
        decided = self._decided.get((owner.strip().lower(), control_id))
        if decided is None:
            return {"control": control_id, "status": S.MANUAL,
                    "reason": "awaiting an attestation from %s (the question is in the control)" % owner}
        record, conflicts = decided
        moment = record["moment"]
        valid_until = moment.day + datetime.timedelta(days=check["validity_days"])
        given = moment.text()
        evidence = {"attestation": {"by": record["by"], "date": given, "answer": _word(record["answer"]),
                                    "valid_until": valid_until.isoformat()}}
        if moment.at > self.now:
            return {"control": control_id, "status": S.ERROR, "evidence": evidence,
                    "reason": "attestation by %s is dated %s, after the evaluation time %s" % (
                        record["by"], given, self.now.isoformat().replace("+00:00", "Z"))}
        if valid_until < self.today:
            return {"control": control_id, "status": S.MANUAL, "evidence": evidence,
                    "reason": "attestation by %s of %s expired on %s: %s" % (
                        record["by"], given, valid_until.isoformat(), check["question"])}
        if conflicts:
            evidence["attestation"]["conflicts_with"] = [
                {"by": r["by"], "date": r["moment"].text(), "answer": _word(r["answer"]), "given_in": where_given(r)}
                for r in conflicts]
            rows = "; ".join("%s in %s (%s)" % (_word(r["answer"]), where_given(r), r["moment"].text())
                             for r in [record] + conflicts)
            return {"control": control_id, "status": S.FAIL, "evidence": evidence, "observed": "yes and no",
                    "expected": "yes",
                    "reason": "the answers conflict: %s; which came last cannot be told (the same moment, or a date "
                              "without a time that covers the other), so this counts as fail until the rows are "
                              "corrected or a later answer is given" % rows}
        return {"control": control_id, "status": S.PASS if record["answer"] else S.FAIL, "evidence": evidence,
                "observed": _word(record["answer"]), "expected": "yes",
                "reason": "%s answered %s %s %s (valid until %s)" % (
                    record["by"], _word(record["answer"]), "at" if moment.timed else "on", given, valid_until.isoformat())}
