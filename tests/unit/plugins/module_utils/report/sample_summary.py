# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Build schema-valid fleet summaries for the report tests.

Totals, per-control counts and compliance are derived from the subjects, so
every sample is internally consistent; so are the people section and the
gate, made by the collection's own builders (fleet/people.py, fleet/gate.py).
The waivers, attestations, history, changes and trend sections are written
out by hand as a run with a history of weekly runs would have them. Control
ids and sections are illustrative, not the real catalogue.
"""

from __future__ import annotations

import copy
import datetime
import os

from ansible_collections.hardening.signal.plugins.module_utils.fleet.gate import evaluate_gate
from ansible_collections.hardening.signal.plugins.module_utils.fleet.people import people_section, subject_standing

SCHEMA_PATH = os.path.abspath(os.path.join(
    os.path.dirname(__file__), '..', '..', '..', '..', '..', 'schemas', 'fleet_summary.schema.json'))

STATUSES = ('pass', 'fail', 'unknown', 'not_applicable', 'manual', 'waived', 'error')
COUNTED = ('pass', 'fail', 'unknown', 'manual', 'error')

XSS_NAME = '<img src=x onerror=alert(1)>'
NASTY_REASON = 'note-to-self | expires 1w\nsecond line with *stars* and `code` <script>alert(1)</script> & more'
HOSTILE_OWNER = 'Bob "<b>"<img src=x onerror=alert(5)>|*ops*_@example.org'
HOSTILE_JUSTIFICATION = ('Lab phone | PIN reset pending\n<script>alert("waiver")</script> *see* `SEC-1432` & '
                         '[ticket](javascript:alert(6))')
# The optional sections a real run always writes (older summaries have none of them).
GOVERNANCE_KEYS = ('people', 'waivers', 'attestations', 'history', 'changes', 'trend', 'gate')
MAX_FAILURES = {'high': 0, 'medium': None, 'low': 5}

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


def _result(control, status, reason, since=None):
    result = {'control': control, 'status': status, 'reason': reason}
    if since:
        result['failing_since'] = since
    return result


def _subject(sid, kind, platform, name, owner, source, state='ok', error=None, results=(), owner_source=None):
    if owner and not owner_source:
        owner_source = 'mdm' if kind == 'mobile' else 'inventory'
    return {
        'id': sid, 'kind': kind, 'platform': platform, 'name': name, 'owner': owner,
        'owner_source': owner_source if owner else None,
        'source': dict(source), 'state': state, 'error': error,
        'results': [_result(*r) for r in results],
    }


# The history behind the sample: weekly runs, this one (the sample's generated_at) last.
RUN_DAYS = ('2025-08-27', '2025-09-03', '2025-09-10', '2025-09-17', '2025-09-24', '2025-10-01', '2025-10-08',
            '2025-10-15', '2025-10-22', '2025-10-29', '2025-11-05', '2025-11-12', '2025-11-19', '2025-11-26')
RUN_TIMES = tuple('%sT10:00:00Z' % day for day in RUN_DAYS)
# Compliance of the earlier runs (None: a run that counted nothing, every source down); this run's is derived.
_TREND_PCT = (62.5, 66.66666666666667, 70.0, None, 72.72727272727273, 75.0, 75.0, 80.0, 81.81818181818181,
              77.77777777777777, 80.0, 83.33333333333333, 70.0)


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
        ('SIG-DSK-01', 'fail', 'Signal 6.2.0 < 7.30.0', RUN_TIMES[5]),
        ('SIG-DSK-02', 'unknown', 'config.json unreadable: permission denied', RUN_TIMES[12]),
        ('SIG-DSK-10', 'fail', NASTY_REASON, RUN_TIMES[13]),
    ]),
    _subject('ws-003', 'workstation', 'macos', 'build_host_*7*', None, _INVENTORY, state='unreachable',
             error='ssh: connect to host 10.0.0.3 port 22: Connection timed out | retries=3'),
    _subject('mob-001', 'mobile', 'ios', 'Bob\'s iPhone', HOSTILE_OWNER, dict(_MDM, record='a1b2-c3'), results=[
        ('SIG-MOB-01', 'manual', 'attestation missing for this quarter', RUN_TIMES[1]),
        ('SIG-MOB-03', 'pass', 'iOS 17.5'),
        ('SIG-MOB-02', 'not_applicable', 'Android only'),
    ]),
    # Alice's phone: owners match case-insensitively, so the people view puts it next to her laptop.
    _subject('mob-002', 'mobile', 'android', 'Pixel [lab]', 'Alice@Example.org', dict(_MDM, record='d4e5'), results=[
        ('SIG-MOB-01', 'waived', 'waiver W-12 until 2025-12-31', RUN_TIMES[0]),
        ('SIG-MOB-02', 'error', 'MDM field `screenCaptureBlocked` had type list, expected bool', RUN_TIMES[13]),
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
    """Recompute totals, control counts and compliance from the subjects (in place).

    Also, when the summary has them: the people section, the gate (with its own limits) and
    this run's point of the trend.
    """
    totals = dict.fromkeys(STATUSES, 0)
    per_control = {c['id']: dict.fromkeys(STATUSES, 0) for c in summary['controls']}
    compliant = 0
    standings = []
    for subject in summary['subjects']:
        clean = subject['state'] == 'ok'
        counted = passing = 0
        for result in subject['results']:
            status = result['status']
            totals[status] += 1
            per_control.setdefault(result['control'], dict.fromkeys(STATUSES, 0))[status] += 1
            if status in COUNTED:
                counted += 1
                passing += status == 'pass'
                if status != 'pass':
                    clean = False
        compliant += clean
        standings.append((subject,) + subject_standing(subject['state'], counted, passing))
    for control in summary['controls']:
        control['counts'] = per_control[control['id']]
    counted = sum(totals[s] for s in COUNTED)
    summary['totals'] = totals
    summary['compliance'].update({
        'pct': (100.0 * totals['pass'] / counted) if counted else None,
        'counted': counted, 'passing': totals['pass'],
        'subjects': len(summary['subjects']), 'subjects_compliant': compliant,
    })
    if 'people' in summary:
        summary['people'] = people_section(standings)
    if summary.get('trend'):
        summary['trend'][-1].update(pct=summary['compliance']['pct'], check_mode=summary['run']['check_mode'])
    if 'gate' in summary:
        limits = {s: (summary['gate'].get('severities') or {}).get(s, {}).get('limit') for s in ('high', 'medium', 'low')}
        summary['gate'] = evaluate_gate(summary, limits, summary['run']['threshold_pct'])
    return summary


def strip_governance(summary):
    """The same summary as an older run wrote it: none of the optional sections, no owner_source or failing_since."""
    for key in GOVERNANCE_KEYS:
        summary.pop(key, None)
    for subject in summary['subjects']:
        subject.pop('owner_source', None)
        for result in subject['results']:
            result.pop('failing_since', None)
    return summary


def _waiver(wid, control, owner, justification, ticket, expires, scope, record, state, results, days_left,
            source='/etc/signal-hardening/waivers.yml', message=None):
    return {'id': wid, 'control': control, 'owner': owner, 'justification': justification, 'ticket': ticket,
            'expires': expires, 'scope': scope, 'source': source, 'record': record, 'state': state,
            'results': results, 'days_left': days_left, 'message': message}


def _waivers_section():
    items = [
        _waiver('W-12', 'SIG-MOB-01', 'ciso@example.org', HOSTILE_JUSTIFICATION, 'SEC-1432', '2025-12-31',
                {'subjects': ['mob-002']}, 'waivers[0] (id W-12)', 'active', 1, 35),
        _waiver('W-07', 'SIG-DSK-01', 'it-ops@example.org', 'Signal 6.x stays on the legacy VDI image until its rebuild.',
                'OPS-88', '2025-10-31', {'platforms': ['windows']}, 'waivers[1] (id W-07)', 'expired', 0, -26),
        _waiver('W-15', 'SIG-MOB-02', 'ciso@example.org', 'Kiosk tablet: support needs screen captures.', None,
                '2026-03-31', {'platforms': ['android'], 'subjects': ['mob-009']}, 'waivers[2] (id W-15)',
                'unmatched', 0, 125),
        _waiver('W-16', 'SIG-NOPE-99', None, None, None, '2025-13-01', None, 'waivers[0] (id W-16)', 'invalid', 0,
                None, source='signal_hardening_waivers',
                message='control: unknown control SIG-NOPE-99; expires: 2025-13-01 is not a date (YYYY-MM-DD); '
                        'justification: is required'),
    ]
    counts = {state: sum(1 for w in items if w['state'] == state) for state in ('active', 'unmatched', 'expired', 'invalid')}
    counts['results_waived'] = sum(w['results'] for w in items)
    files = [
        {'path': '/etc/signal-hardening/waivers.yml', 'status': 'read', 'records': 3, 'invalid': 0,
         'detail': '3 waiver(s), 0 invalid'},
        {'path': '/etc/signal-hardening/waivers-2024.json', 'status': 'failed', 'records': 0, 'invalid': 0,
         'detail': '/etc/signal-hardening/waivers-2024.json is not valid JSON: line 4 column 3 <here>'},
    ]
    return {'counts': counts, 'files': files, 'items': items}


def _attestations_section():
    return {
        'counts': {'records': 9, 'valid': 8, 'invalid': 1},
        'files': [
            {'path': 'survey-2025q4.csv', 'status': 'read', 'records': 9, 'invalid': 1,
             'detail': '9 answer(s), 1 left out'},
            {'path': 'attestations.csv', 'status': 'failed', 'records': 0, 'invalid': 0,
             'detail': 'attestations.csv line 3: is not valid CSV: unterminated quote'},
        ],
        'validity_days': {'SIG-MOB-01': 90},
    }


def _change(subject, control, status, previous):
    return {'subject': subject, 'control': control, 'status': status, 'previous_status': previous}


def _change_list(items, count=None):
    by_control = {}
    for item in items:
        by_control[item['control']] = by_control.get(item['control'], 0) + 1
    count = len(items) if count is None else count
    return {'count': count, 'by_control': dict(sorted(by_control.items())), 'truncated': count > len(items),
            'items': items}


def _history_sections(run_times, pcts, check_modes, newly_failing, fixed, limit=100, path=None):
    """history, changes and trend as History.append writes them, this run being the last of run_times."""
    runs = len(run_times)
    previous = {'run_id': runs - 1, 'generated_at': run_times[-2]} if runs > 1 else None
    return {
        'history': {'enabled': True, 'path': path or '/var/lib/signal-hardening/fleet-history.sqlite', 'run_id': runs,
                    'runs': runs, 'previous_run': previous, 'seconds': 0.84, 'error': None},
        'changes': {'previous_run': previous, 'limit': limit, 'newly_failing': newly_failing, 'fixed': fixed},
        'trend': [{'run_id': i + 1, 'generated_at': at, 'pct': pct, 'check_mode': check}
                  for i, (at, pct, check) in enumerate(zip(run_times, pcts, check_modes))][-30:],
    }


def add_governance(summary, waivers=None, attestations=None, history=None, max_failures=None):
    """Add the optional sections (people and gate derived, the rest as given) and derive them (in place)."""
    summary['people'] = None
    summary['waivers'] = waivers if waivers is not None else {'counts': dict.fromkeys(
        ('active', 'unmatched', 'expired', 'invalid', 'results_waived'), 0), 'files': [], 'items': []}
    summary['attestations'] = attestations if attestations is not None else {
        'counts': {'records': 0, 'valid': 0, 'invalid': 0}, 'files': [], 'validity_days': {}}
    summary.update(history if history is not None else {
        'history': {'enabled': False, 'path': None, 'run_id': None, 'runs': 0, 'previous_run': None, 'seconds': 0.0,
                    'error': None}, 'changes': None, 'trend': []})
    limits = MAX_FAILURES if max_failures is None else max_failures
    summary['gate'] = {'severities': {s: {'limit': limits.get(s)} for s in ('high', 'medium', 'low')}}
    return derive(summary)


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
             'remediation': rem, 'rationale': 'Section %s of the guidance asks for it: %s.' % (s, t.lower()),
             'steps': ['Open Signal > Settings for %s.' % i, 'Change the setting, then confirm it <b>&amp;</b> "saved".'],
             'counts': dict.fromkeys(STATUSES, 0)}
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
    summary = _skeleton(copy.deepcopy(_SUBJECTS), copy.deepcopy(_INPUT_ERRORS), sources)
    history = _history_sections(
        RUN_TIMES, _TREND_PCT + (None,), (True, True, True) + (False,) * 10 + (True,),
        newly_failing=_change_list([_change('ws-002', 'SIG-DSK-10', 'fail', 'pass'),
                                    _change('mob-002', 'SIG-MOB-02', 'error', None)]),
        fixed=_change_list([_change('ws-001', 'SIG-DSK-02', 'pass', 'unknown')]))
    return add_governance(summary, _waivers_section(), _attestations_section(), history)


def history_off_summary():
    """sample_summary() of a run with the history switched off: no trend, no changes."""
    summary = sample_summary()
    summary.update(history={'enabled': False, 'path': None, 'run_id': None, 'runs': 0, 'previous_run': None,
                            'seconds': 0.0, 'error': None}, changes=None, trend=[])
    return summary


def large_summary(n_subjects, results_per_subject=15, n_input_errors=0, governance=True):
    """A synthetic fleet; every 4th subject fails one control, every 50th is unreachable.

    With governance (as a real run writes it): a person per reachable subject, failing_since on every
    failing result, 30 weekly runs of trend, changes listing their first 100, and some waivers.
    """
    control_ids = [c[0] for c in CONTROLS]
    last = datetime.date(2025, 11, 26)
    times = tuple('%sT10:00:00Z' % (last - datetime.timedelta(days=7 * (39 - week))).isoformat() for week in range(40))
    subjects = []
    for i in range(n_subjects):
        if i % 50 == 49:
            subjects.append(_subject('host-%06d' % i, 'workstation', 'linux', None, None, _INVENTORY,
                                     state='unreachable', error='timeout'))
            continue
        results = [(control_ids[j % len(control_ids)], 'pass', 'ok') for j in range(results_per_subject)]
        if i % 4 == 0 and results_per_subject > 1:
            results[1] = (control_ids[1], 'fail', 'value %d | expected true' % i,
                          times[-1 - i % 12] if governance else None)
        subjects.append(_subject('host-%06d' % i, 'workstation', 'linux', 'host-%06d.example.org' % i,
                                 'user%d@example.org' % i, _INVENTORY, results=results))
    errors = [{'source': 'bulk.csv', 'record': 'row %d' % i, 'field': 'id', 'message': 'empty'}
              for i in range(n_input_errors)]
    sources = [{'name': 'workstations', 'type': 'inventory', 'status': 'complete', 'subjects': n_subjects,
                'errors': n_input_errors}]
    summary = _skeleton(subjects, errors, sources)
    if not governance:
        return derive(summary)
    failing = [s['id'] for s in subjects if any(r['status'] == 'fail' for r in s['results'])]
    limit = 100
    history = _history_sections(
        times, tuple(60.0 + week * 0.7 for week in range(40)), (False,) * 40,
        newly_failing=_change_list([_change(sid, control_ids[1], 'fail', 'pass') for sid in failing[:limit]],
                                   len(failing)),
        fixed=_change_list([], 0), limit=limit)
    waivers = {'counts': {'active': 0, 'unmatched': 0, 'expired': 0, 'invalid': 0, 'results_waived': 0},
               'files': [], 'items': []}
    for i in range(min(n_subjects, 300)):
        state = ('active', 'unmatched', 'expired', 'invalid')[i % 4]
        waivers['items'].append(_waiver('W-%04d' % i, control_ids[i % len(control_ids)], 'owner%d@example.org' % i,
                                        'reason %d' % i, 'SEC-%d' % i, '2026-01-%02d' % (1 + i % 28),
                                        {'subjects': ['host-%06d' % i]}, 'waivers[%d]' % i, state,
                                        1 if state == 'active' else 0,
                                        {'expired': -1 - i % 30, 'invalid': None}.get(state, 1 + i % 50)))
        waivers['counts'][state] += 1
        waivers['counts']['results_waived'] += 1 if state == 'active' else 0
    return add_governance(summary, waivers, None, history)
