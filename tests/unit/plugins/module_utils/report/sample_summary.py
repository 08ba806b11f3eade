# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Build schema-valid fleet summaries for the report tests.

Totals, per-control counts and compliance are derived from the subjects, so
every sample is internally consistent. Control ids and sections are
illustrative, not the real catalogue.
"""

from __future__ import annotations

import copy
import os

SCHEMA_PATH = os.path.abspath(os.path.join(
    os.path.dirname(__file__), '..', '..', '..', '..', '..', 'schemas', 'fleet_summary.schema.json'))

STATUSES = ('pass', 'fail', 'unknown', 'not_applicable', 'manual', 'waived', 'error')
COUNTED = ('pass', 'fail', 'unknown', 'manual', 'error')

XSS_NAME = '<img src=x onerror=alert(1)>'
NASTY_REASON = 'note-to-self | expires 1w\nsecond line with *stars* and `code` <script>alert(1)</script> & more'

DESKTOP = ('linux', 'macos', 'windows')
CONTROLS = [
    # (id, section, title, platforms, method, severity, remediation)
    ('SIG-DSK-01', '2.1', 'Signal Desktop is a supported version', DESKTOP, 'host', 'high', 'automated'),
    ('SIG-DSK-02', '2.2', 'Message database is encrypted with an OS-protected key', DESKTOP, 'host', 'medium', 'manual'),
    ('SIG-DSK-10', '2.10', 'Notifications show neither name nor message', DESKTOP, 'host', 'low', 'automated'),
    ('SIG-MOB-01', '3.1', 'Registration lock PIN is enabled', ['ios', 'android'], 'attestation', 'high', 'manual'),
    ('SIG-MOB-02', '3.2', 'Screen security is on', ['android'], 'mdm', 'medium', 'manual'),
    ('SIG-MOB-03', '3.2', 'Device runs a supported OS version', ['ios', 'android'], 'mdm', 'high', 'manual'),
    ('SIG-FLT-01', '2.9', 'Fleet-wide: approved linked-device limit', ['unknown'], 'collection', 'low', 'manual'),
]


def _subject(sid, kind, platform, name, owner, source, state='ok', error=None, results=()):
    return {
        'id': sid, 'kind': kind, 'platform': platform, 'name': name, 'owner': owner,
        'source': dict(source), 'state': state, 'error': error,
        'results': [{'control': c, 'status': s, 'reason': r} for c, s, r in results],
    }


_INVENTORY = {'type': 'inventory', 'name': 'workstations', 'record': None}
_MDM = {'type': 'intune', 'name': 'Intune | prod', 'record': None}

_SUBJECTS = [
    _subject('ws-001', 'workstation', 'linux', 'alice-laptop', 'alice@example.org', _INVENTORY, results=[
        ('SIG-DSK-01', 'pass', 'Signal 7.40.1 >= 7.30.0'),
        ('SIG-DSK-02', 'pass', 'safeStorage backend: gnome_libsecret'),
        ('SIG-DSK-10', 'pass', 'notification setting: count'),
        ('SIG-FLT-01', 'not_applicable', 'evaluated at fleet level'),
    ]),
    _subject('ws-002', 'workstation', 'windows', XSS_NAME, 'mallory@example.org', _INVENTORY, results=[
        ('SIG-DSK-01', 'fail', 'Signal 6.2.0 < 7.30.0'),
        ('SIG-DSK-02', 'unknown', 'config.json unreadable: permission denied'),
        ('SIG-DSK-10', 'fail', NASTY_REASON),
    ]),
    _subject('ws-003', 'workstation', 'macos', 'build_host_*7*', None, _INVENTORY, state='unreachable',
             error='ssh: connect to host 10.0.0.3 port 22: Connection timed out | retries=3'),
    _subject('mob-001', 'mobile', 'ios', 'Bob\'s iPhone', 'bob@example.org', dict(_MDM, record='a1b2-c3'), results=[
        ('SIG-MOB-01', 'manual', 'attestation missing for this quarter'),
        ('SIG-MOB-03', 'pass', 'iOS 17.5'),
        ('SIG-MOB-02', 'not_applicable', 'Android only'),
    ]),
    _subject('mob-002', 'mobile', 'android', 'Pixel [lab]', 'carol@example.org', dict(_MDM, record='d4e5'), results=[
        ('SIG-MOB-01', 'waived', 'waiver W-12 until 2025-12-31'),
        ('SIG-MOB-02', 'error', 'MDM field `screenCaptureBlocked` had type list, expected bool'),
        ('SIG-MOB-03', 'pass', 'Android 14'),
    ]),
    _subject('mob-003', 'mobile', 'unknown', None, None, dict(_MDM, record='row 17'), state='invalid',
             error='record has no device id'),
]

_INPUT_ERRORS = [
    {'source': 'Intune | prod', 'record': 'row 17', 'field': 'deviceId', 'message': 'missing'},
    {'source': 'attestations.csv', 'record': None, 'field': None,
     'message': 'line 3: unterminated quote\n<b>bold?</b> | extra'},
]


def derive(summary):
    """Recompute totals, control counts and compliance from the subjects (in place)."""
    totals = dict.fromkeys(STATUSES, 0)
    per_control = {c['id']: dict.fromkeys(STATUSES, 0) for c in summary['controls']}
    compliant = 0
    for subject in summary['subjects']:
        clean = subject['state'] == 'ok'
        for result in subject['results']:
            status = result['status']
            totals[status] += 1
            per_control.setdefault(result['control'], dict.fromkeys(STATUSES, 0))[status] += 1
            if status in COUNTED and status != 'pass':
                clean = False
        compliant += clean
    for control in summary['controls']:
        control['counts'] = per_control[control['id']]
    counted = sum(totals[s] for s in COUNTED)
    summary['totals'] = totals
    summary['compliance'].update({
        'pct': (100.0 * totals['pass'] / counted) if counted else None,
        'counted': counted, 'passing': totals['pass'],
        'subjects': len(summary['subjects']), 'subjects_compliant': compliant,
    })
    return summary


def _skeleton(subjects, input_errors, sources):
    return {
        'schema_version': 1,
        'generated_at': '2025-11-26T10:00:00Z',
        'tool': {'name': 'hardening.signal', 'version': '0.1.0'},
        'guidance': {'id': 'CERT-EU 22-002', 'title': 'Hardening Signal', 'version': '1.0', 'licence': 'CC BY 4.0'},
        'run': {'check_mode': True, 'threshold_pct': 90, 'organisation': {'min_desktop_version': '7.30.0'},
                'sources': sources},
        'compliance': {'pct': None, 'counted': 0, 'passing': 0, 'subjects': 0, 'subjects_compliant': 0,
                       'definition': '100 * pass / (pass + fail + unknown + manual + error); '
                                     'not_applicable and waived are not counted'},
        'totals': dict.fromkeys(STATUSES, 0),
        'controls': [
            {'id': i, 'section': s, 'title': t, 'platforms': list(p), 'method': m, 'severity': sev,
             'remediation': rem, 'counts': dict.fromkeys(STATUSES, 0)}
            for i, s, t, p, m, sev, rem in CONTROLS
        ],
        'subjects': subjects,
        'input_errors': input_errors,
    }


def sample_summary():
    """A small summary with hostile strings in every free-text place."""
    sources = [
        {'name': 'workstations', 'type': 'inventory', 'status': 'incomplete', 'subjects': 3, 'errors': 0,
         'detail': '1 host unreachable'},
        {'name': 'Intune | prod', 'type': 'intune', 'status': 'complete', 'subjects': 3, 'errors': 1},
        {'name': 'attestations.csv', 'type': 'csv', 'status': 'failed', 'subjects': 0, 'errors': 1,
         'detail': 'parse error <line 3>'},
    ]
    return derive(_skeleton(copy.deepcopy(_SUBJECTS), copy.deepcopy(_INPUT_ERRORS), sources))


def large_summary(n_subjects, results_per_subject=15, n_input_errors=0):
    """A synthetic fleet; every 4th subject fails one control, every 50th is unreachable."""
    control_ids = [c[0] for c in CONTROLS]
    subjects = []
    for i in range(n_subjects):
        if i % 50 == 49:
            subjects.append(_subject('host-%06d' % i, 'workstation', 'linux', None, None, _INVENTORY,
                                     state='unreachable', error='timeout'))
            continue
        results = [(control_ids[j % len(control_ids)], 'pass', 'ok') for j in range(results_per_subject)]
        if i % 4 == 0:
            results[1] = (control_ids[1], 'fail', 'value %d | expected true' % i)
        subjects.append(_subject('host-%06d' % i, 'workstation', 'linux', 'host-%06d.example.org' % i,
                                 'user%d@example.org' % i, _INVENTORY, results=results))
    errors = [{'source': 'bulk.csv', 'record': 'row %d' % i, 'field': 'id', 'message': 'empty'}
              for i in range(n_input_errors)]
    sources = [{'name': 'workstations', 'type': 'inventory', 'status': 'complete', 'subjects': n_subjects,
                'errors': n_input_errors}]
    return derive(_skeleton(subjects, errors, sources))
