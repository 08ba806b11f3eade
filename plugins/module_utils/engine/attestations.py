# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""People's attestations for the controls no machine can verify.

An attestation says: on <date>, <owner> answered <yes|no> for <control>.
It is joined to subjects by owner (case-insensitive) and is valid for the
control's validity_days. Missing or expired means the result stays manual:
never pass by default.
"""

from __future__ import annotations

import datetime

from ansible_collections.hardening.signal.plugins.module_utils.engine import statuses as S
from ansible_collections.hardening.signal.plugins.module_utils.engine.dates import parse_date

_ANSWERS = {"yes": True, "no": False, True: True, False: False}


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
        date = parse_date(record["date"])
    except ValueError as exc:
        return None, ("date", str(exc))
    return {
        "owner": str(record["owner"]).strip().lower(),
        "control": str(record["control"]),
        "answer": str(record["answer"]).lower() in ("yes", "true"),
        "date": date,
        "by": str(record.get("by") or record["owner"]),
    }, None


def normalize_attestations(records, source="attestations"):
    """(valid records, errors) from raw records; each error names the record and field."""
    valid, errors = [], []
    for index, record in enumerate(records or ()):
        where = "%s[%d]" % (source, index)
        attestation, problem = normalize_attestation(record)
        if problem is not None:
            field, message = problem
            errors.append({"source": source, "record": where, "field": field,
                           "message": message if field is None else "%s %s" % (field, message)})
            continue
        valid.append(attestation)
    return valid, errors


class AttestationBook(object):
    """The newest attestation per (owner, control)."""

    def __init__(self, records, now):
        self.today = now.date() if isinstance(now, datetime.datetime) else now
        self._newest = {}
        for record in records:
            key = (record["owner"], record["control"])
            held = self._newest.get(key)
            if held is None or record["date"] > held["date"]:
                self._newest[key] = record

    def judge(self, control_id, attestation, owner):
        question = attestation["question"]
        if not owner:
            return {"control": control_id, "status": S.UNKNOWN,
                    "reason": "no owner is known for this subject, so no attestation can be joined to it"}
        record = self._newest.get((owner.strip().lower(), control_id))
        if record is None:
            return {"control": control_id, "status": S.MANUAL,
                    "reason": "awaiting an attestation from %s (the question is in the control)" % owner}
        valid_until = record["date"] + datetime.timedelta(days=attestation["validity_days"])
        evidence = {"attestation": {"by": record["by"], "date": record["date"].isoformat(),
                                    "answer": "yes" if record["answer"] else "no",
                                    "valid_until": valid_until.isoformat()}}
        if record["date"] > self.today:
            return {"control": control_id, "status": S.ERROR, "evidence": evidence,
                    "reason": "attestation by %s is dated %s, in the future" % (record["by"], record["date"].isoformat())}
        if valid_until < self.today:
            return {"control": control_id, "status": S.MANUAL, "evidence": evidence,
                    "reason": "attestation by %s of %s expired on %s: %s" % (
                        record["by"], record["date"].isoformat(), valid_until.isoformat(), question)}
        status = S.PASS if record["answer"] else S.FAIL
        return {"control": control_id, "status": status, "evidence": evidence,
                "observed": "yes" if record["answer"] else "no", "expected": "yes",
                "reason": "%s answered %s on %s (valid until %s)" % (
                    record["by"], "yes" if record["answer"] else "no", record["date"].isoformat(), valid_until.isoformat())}
