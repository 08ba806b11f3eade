# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Render a fleet summary as one Heimdall Data Format (HDF, InSpec's exec JSON) document.

What Heimdall and the SAF CLI load: ``platform``, ``version``, ``profiles``
and ``statistics``, as MITRE's exec-json schema describes them. One profile
for the run (the guidance, CERT-EU 22-002), and in it one HDF control per
subject and control: id ``<control id>@<subject id>``, the control's title,
its rationale and steps as descriptions, impact from its severity, tags
with the guidance section, the platforms, the subject and our own status,
and exactly one result (code_desc naming the subject, status, message with
the reason, start_time the run's generated_at).

Why one HDF control per subject and control, not one per control with a
result per subject: Heimdall and the SAF CLI give a control one status
computed from all its results, where any ``passed`` wins over ``skipped``.
A control that passed on 999 phones and could not be observed on the
1,000th would be shown as Passed: a report greener than the run. With one
result per HDF control, their counts are our counts. (Several profiles, one
per subject, do not work either: ``saf view summary`` reads only the first
profile of a file.)

How each status maps (STATUS_MAPPING; the same text is in the file):

- pass: ``passed``.
- fail: ``failed``, the reason, observed and expected in the message.
- error: ``error``; Heimdall shows it as Profile Error.
- unknown, manual: ``skipped`` with the reason (Heimdall: Not Reviewed).
  Never passed: nobody confirmed these controls.
- not_applicable: ``skipped`` with the reason, and impact 0, which is how
  Heimdall marks a control Not Applicable (its severity stays in the tags).
- waived: the status the check found (``failed`` or ``skipped``) with
  ``waiver_data`` (justification, expiration_date, the waiver in the
  message, skipped_due_to_waiver true): Heimdall counts it as waived, apart
  from the compliance figure, as our summary does.
- An answered attestation (pass or fail from a person's valid answer) also
  carries ``attestation_data`` (who, when, how long the answer is valid).
- A subject that could not be collected and has no ``collection`` result
  gets one (error), so no subject is missing from the file.

The SAF CLI's compliance, passed / (passed + failed + not reviewed + profile
error), is then the summary's own compliance percentage.

iter_hdf() yields the document in pieces of SUBJECTS_PER_CHUNK subjects
(50,000 subjects are about 730,000 HDF controls); the statistics come last,
counted on the way. Strings are written exactly as the data holds them,
non-ASCII kept, except a lone surrogate (half a UTF-16 pair, which UTF-8
cannot encode and I-JSON forbids): it becomes U+FFFD, the replacement
character, as an encoder with errors='replace' would make it.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re

HDF_FILE = 'fleet-summary.hdf.json'
SUBJECTS_PER_CHUNK = 500
PROFILE_NAME = 'hardening.signal-cert-eu-22-002'
COLLECTION_CONTROL = 'collection'  # engine/evaluate.py's id for "data could be collected"
CONTROL_FILES = 'roles/signal_hardening/controls/%s.yml'  # the catalogue names each file after its control

# Our status -> HDF result status. Anything else (not in the schema) is an error, never a pass.
HDF_STATUS = {
    'pass': 'passed',
    'fail': 'failed',
    'error': 'error',
    'unknown': 'skipped',
    'manual': 'skipped',
    'not_applicable': 'skipped',
}
CHECK_METHODS = {
    'host': 'Observed on the workstation by the collection\'s probe',
    'mdm': 'Read from the phone\'s record in the MDM',
    'attestation': 'Asked of the person who owns the device (an attestation)',
    'collection': 'Whether data could be collected from the subject at all',
}
# InSpec's impact scale: low 0.1-0.3, medium 0.4-0.6, high 0.7-0.8.
IMPACT = {'low': 0.3, 'medium': 0.5, 'high': 0.7}
STATUS_MAPPING = {
    'pass': 'passed',
    'fail': 'failed (the reason, observed and expected in the message)',
    'error': 'error (Heimdall: Profile Error)',
    'unknown': 'skipped with the reason (Heimdall: Not Reviewed); never passed',
    'manual': 'skipped with the reason (Heimdall: Not Reviewed); never passed',
    'not_applicable': 'skipped with the reason and impact 0 (Heimdall: Not Applicable); the severity stays in tags',
    'waived': 'the status the check found (failed or skipped) with waiver_data, skipped_due_to_waiver true '
              '(Heimdall: Not Applicable, counted as waived); not counted in compliance, never passed',
}
MAPPING_NOTE = (
    'One HDF control per subject and control (id "<control>@<subject>"), each with exactly one result, so that '
    'the status Heimdall and the SAF CLI compute for a control is that subject\'s result. States: %s. '
    'start_time is when the run judged the fleet. tags.status holds hardening.signal\'s own status.'
    % '; '.join('%s -> %s' % item for item in STATUS_MAPPING.items()))

# Compact JSON, keys in the order given, non-ASCII kept. The summary holds JSON data (it passed the schema).
_encode = json.JSONEncoder(ensure_ascii=False, separators=(',', ':'), default=str, check_circular=False).encode
_SURROGATE = re.compile('[\ud800-\udfff]')


def json_text(text):
    """JSON text that UTF-8 can encode: a lone surrogate becomes U+FFFD.

    Left in as a \\u escape it would be valid JSON but not I-JSON (RFC 7493), and consumers refuse it: pydantic,
    under compliance-trestle, rejects the whole document.
    """
    if _SURROGATE.search(text) is None:
        return text
    return _SURROGATE.sub('\ufffd', text)


def _steps_text(steps):
    return '\n'.join('%d. %s' % (number, step) for number, step in enumerate(steps or (), 1))


def _catalogue_digest(controls):
    """sha256 of the controls' definitions (not their counts): which catalogue the run judged with."""
    keep = ('id', 'section', 'title', 'platforms', 'method', 'severity', 'remediation', 'rationale', 'steps')
    text = json.dumps([{k: c.get(k) for k in keep} for c in controls], ensure_ascii=False, sort_keys=True,
                      separators=(',', ':'), default=str)
    return hashlib.sha256(text.encode('utf-8', 'surrogatepass')).hexdigest()


def _days_between(start, end):
    try:
        return (datetime.date.fromisoformat(str(end)[:10]) - datetime.date.fromisoformat(str(start)[:10])).days
    except ValueError:
        return None


class _Control(object):
    """The parts of an HDF control that are the same for every subject, encoded once."""

    __slots__ = ('id', 'head', 'tags', 'impact', 'title')

    def __init__(self, control, guidance):
        control_id = control.get('id')
        self.id = control_id
        self.title = control.get('title') or control_id
        severity = control.get('severity')
        self.impact = _encode(IMPACT.get(severity, IMPACT['high']))
        rationale = control.get('rationale')
        section = control.get('section')
        # desc is the rationale too (InSpec's "default" description); not repeated as one of the descriptions.
        descriptions = [{'label': 'rationale', 'data': rationale}] if rationale else []
        if control.get('steps'):
            descriptions.append({'label': 'fix', 'data': _steps_text(control['steps'])})
        descriptions.append({'label': 'check', 'data': '%s; remediation: %s.' % (
            CHECK_METHODS.get(control.get('method'), 'checked by hardening.signal'), control.get('remediation') or 'manual')})
        in_guidance = section not in (None, '', '-')
        refs = [{'ref': '%s %s, section %s' % (guidance.get('id'), guidance.get('title'), section)}] if in_guidance else []
        source = {'ref': CONTROL_FILES % control_id, 'line': 1} if in_guidance else {}
        # "id": is written per subject; the head is what follows it.
        self.head = '"title":%s,"desc":%s,"descriptions":%s,"refs":%s,"source_location":%s' % tuple(
            _encode(v) for v in (self.title, rationale or self.title, descriptions, refs, source))
        tags = {'control': control_id, 'section': section, 'severity': severity,
                'platforms': list(control.get('platforms') or ()), 'method': control.get('method'),
                'remediation': control.get('remediation')}
        self.tags = _encode(tags)[1:-1]


_UNKNOWN_CONTROL = {'section': '-', 'severity': 'high', 'method': 'collection', 'remediation': 'manual'}


class _Writer(object):
    def __init__(self, summary):
        self.guidance = summary.get('guidance') or {}
        self.start_time = summary.get('generated_at') or ''
        self.controls = {}
        for control in summary.get('controls') or ():
            self.controls.setdefault(control.get('id'), _Control(control, self.guidance))
        self.counts = {'passed': 0, 'failed': 0, 'skipped': 0, 'error': 0}

    def _control(self, control_id):
        known = self.controls.get(control_id)
        if known is None:
            title = 'Data could be collected from the subject' if control_id == COLLECTION_CONTROL else None
            known = self.controls[control_id] = _Control(dict(_UNKNOWN_CONTROL, id=control_id, title=title),
                                                         self.guidance)
        return known

    def subject(self, subject, out):
        """Append the subject's HDF controls (text, each followed by a comma) to out."""
        results = subject.get('results') or ()
        if subject.get('state', 'ok') != 'ok' and not any(r.get('control') == COLLECTION_CONTROL for r in results):
            results = list(results) + [{'control': COLLECTION_CONTROL, 'status': 'error',
                                        'reason': 'no data collected (%s): %s' % (
                                            subject.get('state'), subject.get('error') or 'no detail')}]
        if not results:
            return
        sid = subject.get('id')
        name = subject.get('name')
        label = sid if not name or name == sid else '%s (%s)' % (sid, name)
        source = subject.get('source') or {}
        subject_tags = _encode({'subject': sid, 'subject_name': name, 'subject_kind': subject.get('kind'),
                                'subject_platform': subject.get('platform'), 'owner': subject.get('owner'),
                                'source': source.get('name')})[1:-1]
        for result in results:
            out.append(self._pair(self._control(result.get('control')), result, sid, label, subject_tags))

    def _pair(self, control, result, sid, label, subject_tags):
        status = result.get('status')
        reason = result.get('reason') or ''
        evidence = result.get('evidence') if isinstance(result.get('evidence'), dict) else {}
        pair_id = '%s@%s' % (control.id, sid)
        hdf_result = {'status': None, 'code_desc': '%s: %s' % (label, control.title), 'start_time': self.start_time,
                      'resource_id': sid}
        extra = ''
        impact = control.impact
        if status == 'waived':
            underlying = evidence.get('underlying_status')
            hdf_status = 'failed' if underlying == 'fail' else 'skipped'
            waiver = evidence.get('waiver') if isinstance(evidence.get('waiver'), dict) else {}
            extra = ',"waiver_data":' + _encode({
                'justification': waiver.get('justification'), 'expiration_date': waiver.get('expires'),
                'message': 'waiver %s (owner %s, ticket %s); the check found: %s' % (
                    waiver.get('id'), waiver.get('owner'), waiver.get('ticket'), underlying or 'a waivable status'),
                'run': True, 'skipped_due_to_waiver': True})
        else:
            hdf_status = HDF_STATUS.get(status, 'error')
            if status == 'not_applicable':
                impact = '0.0'
            attestation = evidence.get('attestation')
            if status in ('pass', 'fail') and isinstance(attestation, dict):
                days = _days_between(attestation.get('date'), attestation.get('valid_until'))
                extra = ',"attestation_data":' + _encode({
                    'control_id': pair_id, 'explanation': reason,
                    'frequency': '%dd' % days if days is not None else 'until %s' % attestation.get('valid_until'),
                    'status': HDF_STATUS[status], 'updated': attestation.get('date'),
                    'updated_by': attestation.get('by')})
        hdf_result['status'] = hdf_status
        self.counts[hdf_status] += 1
        message = reason
        for key in ('observed', 'expected'):
            if key in result:
                message += '\n%s: %s' % (key, _encode(result[key]))
        hdf_result['message'] = message
        if hdf_status == 'skipped':
            hdf_result['skip_message'] = '%s: %s' % (status, reason)
        return '{"id":%s,%s,"impact":%s,"tags":{%s,%s,"status":%s},"results":[%s]%s},' % (
            _encode(pair_id), control.head, impact, control.tags, subject_tags, _encode(status),
            _encode(hdf_result), extra)


def _profile_head(summary, writer):
    guidance = summary.get('guidance') or {}
    tool = summary.get('tool') or {}
    run = summary.get('run') or {}
    compliance = summary.get('compliance') or {}
    platforms = []
    for control in summary.get('controls') or ():
        for platform in control.get('platforms') or ():
            if platform != 'unknown' and platform not in platforms:
                platforms.append(platform)
    attributes = [{'name': 'signal_hardening_min_compliance_pct', 'options': {'value': run.get('threshold_pct')}},
                  {'name': 'check_mode', 'options': {'value': run.get('check_mode')}}]
    attributes += [{'name': key, 'options': {'value': value}} for key, value in (run.get('organisation') or {}).items()]
    profile = {
        'name': PROFILE_NAME,
        'title': '%s %s, fleet run of %s' % (guidance.get('id'), guidance.get('title'), summary.get('generated_at')),
        'version': guidance.get('version'),
        'maintainer': tool.get('name'),
        'copyright': 'CERT-EU (the guidance)',
        'license': guidance.get('licence'),
        'summary': '%d subjects; compliance %s%% (%s)' % (
            compliance.get('subjects') or 0,
            'n/a' if compliance.get('pct') is None else round(compliance['pct'], 2), compliance.get('definition')),
        'description': MAPPING_NOTE,
        'supports': [{'platform-family': platform} for platform in platforms],
        'sha256': _catalogue_digest(summary.get('controls') or ()),
        'status': 'loaded',
        'attributes': attributes,
        'groups': [],
    }
    return _encode(profile)[:-1] + ',"controls":['


def iter_hdf(summary):
    """render_hdf(summary), the same text, in pieces of at most SUBJECTS_PER_CHUNK subjects."""
    writer = _Writer(summary)
    tool = summary.get('tool') or {}
    subjects = summary.get('subjects') or ()
    head = {'platform': {'name': tool.get('name') or 'hardening.signal', 'release': tool.get('version') or '',
                         'target_id': 'fleet of %d subjects' % len(subjects)},
            'version': tool.get('version') or ''}
    yield json_text(_encode(head)[:-1] + ',"profiles":[' + _profile_head(summary, writer))
    first = True
    for start in range(0, len(subjects), SUBJECTS_PER_CHUNK):
        out = []
        for subject in subjects[start:start + SUBJECTS_PER_CHUNK]:
            writer.subject(subject, out)
        if out:
            text = ''.join(out)[:-1]  # the last control's comma
            yield json_text(text if first else ',' + text)
            first = False
    statistics = {'duration': None, 'controls': {key: {'total': total} for key, total in writer.counts.items()}}
    yield ']}],"statistics":%s,"passthrough":%s}\n' % (
        _encode(statistics), json_text(_encode({'hardening.signal': {'state_mapping': STATUS_MAPPING,
                                                                     'note': MAPPING_NOTE}})))


def render_hdf(summary):
    """Return the fleet summary as an HDF document (a str)."""
    return ''.join(iter_hdf(summary))
