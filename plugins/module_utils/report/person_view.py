# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What each person has to do, from the summary: the view the action sheets and the questionnaire are built on.

For each owner (case-insensitive, as the people section and the attestations join them): their phones and
workstations, and on each the results someone has to act on (fail, unknown, error) with the control's steps;
the attestations they owe (no answer yet, an expired one, or one that expires within renew_within_days), with
the question and the devices it covers; and the answers on record with the day each expires. Subjects without
an owner are not given to anyone: they are listed for the security team, with the same detail.

Pure: no I/O. people() walks the subjects once to group them by owner, then yields one person at a time, so
a fleet of 50,000 subjects never holds every sheet at once.
"""

from __future__ import annotations

import collections
import datetime

from ansible_collections.hardening.signal.plugins.module_utils.engine import statuses as S
from ansible_collections.hardening.signal.plugins.module_utils.report.view import short_date, sorted_controls

# The default when a summary does not say (older summaries; schema: attestations.renew_within_days).
RENEW_WITHIN_DAYS = 30
# What a person's attestation for a control needs. The questionnaire asks again for OWED: no answer, an expired
# one, one expiring within renew_within_days, and answers that contradict each other.
MISSING, EXPIRED, EXPIRING, CONFLICT, ANSWERED_NO, CURRENT = (
    'missing', 'expired', 'expiring', 'conflict', 'answered_no', 'current')
OWED = (MISSING, EXPIRED, CONFLICT, EXPIRING)
# Results on a device someone has to act on. manual results of attestation controls are the person's answers,
# listed apart; a waived result is an accepted risk.
DEVICE_PROBLEMS = frozenset((S.FAIL, S.UNKNOWN, S.ERROR, S.MANUAL))

Person = collections.namedtuple('Person', ('owner', 'devices', 'attestations'))
Device = collections.namedtuple('Device', ('id', 'name', 'kind', 'platform', 'state', 'error', 'problems'))
Problem = collections.namedtuple('Problem', ('control', 'title', 'status', 'reason', 'steps', 'failing_since'))
Attestation = collections.namedtuple('Attestation', (
    'control', 'title', 'question', 'state', 'answer', 'answered', 'valid_until', 'devices', 'steps'))


def owner_key(owner):
    """The person an owner names: trimmed and lower-cased, as attestations are joined (None for no owner)."""
    if owner is None:
        return None
    key = str(owner).strip().lower()
    return key or None


class PersonView(object):
    """The people of one summary and the security team's list; the controls are read once."""

    def __init__(self, summary, renew_within_days=None):
        self.summary = summary
        attestations = summary.get('attestations') if isinstance(summary.get('attestations'), dict) else {}
        renew = attestations.get('renew_within_days') if renew_within_days is None else renew_within_days
        self.renew_within_days = renew if isinstance(renew, int) and not isinstance(renew, bool) and renew >= 0 \
            else RENEW_WITHIN_DAYS
        self.today = _day(summary.get('generated_at')) or datetime.date.today()
        self.renew_by = self.today + datetime.timedelta(days=self.renew_within_days)
        self.controls = {c.get('id'): c for c in sorted_controls(summary) if isinstance(c, dict)}
        self.order = {control_id: index for index, control_id in enumerate(self.controls)}
        self.attested = frozenset(cid for cid, c in self.controls.items() if c.get('method') == 'attestation')
        self._owned = None
        self.unowned = []

    def _group(self):
        if self._owned is None:
            owned = {}
            for subject in self.summary.get('subjects') or ():
                if not isinstance(subject, dict):
                    continue
                key = owner_key(subject.get('owner'))
                if key is None:
                    self.unowned.append(subject)
                else:
                    owned.setdefault(key, []).append(subject)
            self._owned = owned
        return self._owned

    def owners(self):
        """Every person, sorted."""
        return sorted(self._group())

    def people(self):
        """A Person per owner, sorted by owner, one at a time."""
        owned = self._group()
        for key in sorted(owned):
            yield self.person(key, owned[key])

    def person(self, key, subjects):
        devices = [self.device(subject, with_attestations=False) for subject in subjects]
        return Person(owner=key, devices=devices, attestations=self.attestations(subjects))

    def security_team(self):
        """The subjects without an owner, each with everything to act on (attestations included: nobody can answer)."""
        return list(self.security_team_devices())

    def security_team_devices(self):
        """security_team(), one device at a time."""
        self._group()
        for subject in self.unowned:
            yield self.device(subject, with_attestations=True)

    def unowned_count(self):
        """How many subjects have no owner (the security team's devices)."""
        self._group()
        return len(self.unowned)

    def device(self, subject, with_attestations):
        problems = []
        for result in subject.get('results') or ():
            if not isinstance(result, dict) or result.get('status') not in DEVICE_PROBLEMS:
                continue
            control_id = result.get('control')
            if control_id in self.attested and not with_attestations and _about_the_answer(result):
                continue
            control = self.controls.get(control_id) or {}
            problems.append(Problem(control=control_id, title=control.get('title') or control_id,
                                    status=result.get('status'), reason=result.get('reason'),
                                    steps=_steps(control), failing_since=result.get('failing_since')))
        problems.sort(key=lambda p: (self.order.get(p.control, len(self.order)), str(p.control)))
        return Device(id=subject.get('id'), name=subject.get('name') or subject.get('id'), kind=subject.get('kind'),
                      platform=subject.get('platform'), state=subject.get('state'), error=subject.get('error'),
                      problems=problems)

    def attestations(self, subjects):
        """One Attestation per attestation control that applies to any of the person's devices, in control order."""
        found = {}
        for subject in subjects:
            for result in subject.get('results') or ():
                if not isinstance(result, dict) or result.get('control') not in self.attested:
                    continue
                if result.get('status') in (S.NOT_APPLICABLE, S.WAIVED) or not _about_the_answer(result):
                    continue
                entry = found.setdefault(result['control'], {'states': [], 'devices': [], 'answer': None})
                entry['devices'].append(subject.get('name') or subject.get('id'))
                state, answer = self._state(result)
                entry['states'].append(state)
                if answer is not None and (entry['answer'] is None or answer[1] > entry['answer'][1]):
                    entry['answer'] = answer
        out = []
        for control_id in sorted(found, key=lambda cid: (self.order.get(cid, len(self.order)), str(cid))):
            entry = found[control_id]
            control = self.controls.get(control_id) or {}
            # The answer counts for every device of the person; the state that asks most of them decides.
            state = min(entry['states'], key=_URGENCY.index)
            answer, answered, valid_until = entry['answer'] or (None, None, None)
            out.append(Attestation(control=control_id, title=control.get('title') or control_id,
                                   question=control.get('question') or '', state=state, answer=answer, answered=answered,
                                   valid_until=valid_until, devices=list(dict.fromkeys(entry['devices'])),
                                   steps=_steps(control)))
        return out

    def _state(self, result):
        """(state, (answer, date answered, valid until) or None) of one attestation result."""
        evidence = result.get('evidence') if isinstance(result.get('evidence'), dict) else {}
        given = evidence.get('attestation') if isinstance(evidence.get('attestation'), dict) else None
        answer = None
        if given is not None:
            answer = (given.get('answer'), short_date(given.get('date')), short_date(given.get('valid_until')))
        status = result.get('status')
        if status in (S.MANUAL, S.ERROR, S.UNKNOWN):
            return (EXPIRED if given is not None and status == S.MANUAL else MISSING), answer
        valid_until = _day(answer[2]) if answer else None
        if status == S.FAIL:
            return (CONFLICT if given is not None and given.get('conflicts_with') else ANSWERED_NO), answer
        if valid_until is not None and valid_until <= self.renew_by:
            return EXPIRING, answer
        return CURRENT, answer


# Which state of one person's devices decides for the person: the one that asks most of them.
_URGENCY = (MISSING, EXPIRED, CONFLICT, ANSWERED_NO, EXPIRING, CURRENT)


def _about_the_answer(result):
    """Whether an attestation result is decided by the person's answer. Not when the device cannot be judged at all
    (it cannot be told whether the control applies, or a field deciding that is malformed): an answer would change
    nothing, so the device lists it as a problem and the person is not asked."""
    status = result.get('status')
    if status == S.UNKNOWN:
        return False
    if status == S.ERROR:
        evidence = result.get('evidence')
        return isinstance(evidence, dict) and isinstance(evidence.get('attestation'), dict)
    return True


def _steps(control):
    return [str(step) for step in control.get('steps') or () if step not in (None, '')]


def _day(value):
    text = short_date(value)
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return None
