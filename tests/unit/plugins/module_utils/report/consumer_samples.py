# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Summaries for the HDF and OSCAL tests: the report sample, with the evidence a real run attaches.

The sample's waived result gets the waiver and the status it covered (engine/waivers.py), Bob's phone an
answered attestation (engine/attestations.py), a failure observed and expected values; totals are derived again.
"""

from __future__ import annotations

from ansible_collections.hardening.signal.tests.unit.plugins.module_utils.report.sample_summary import (
    derive,
    sample_summary,
)

HOSTILE_SUBJECT = '<img src=x onerror="window.__xss=1"> *bold* [link](javascript:x) & \u202eevil'
LONE_SURROGATE_NAME = 'Pixel \ud800 half'


def _result(summary, subject_id, control):
    subject = next(s for s in summary['subjects'] if s['id'] == subject_id)
    return next(r for r in subject['results'] if r['control'] == control)


def consumer_summary():
    summary = sample_summary()
    waived = _result(summary, 'mob-002', 'SIG-MOB-01')
    waived['evidence'] = {'underlying_status': 'fail', 'waiver': {
        'id': 'W-12', 'owner': 'ciso@example.org', 'justification': 'Lab phone | PIN reset pending',
        'ticket': 'SEC-1432', 'expires': '2025-12-31'}}
    attested = _result(summary, 'mob-001', 'SIG-MOB-01')
    attested.update(status='pass', observed='yes', expected='yes',
                    reason='bob@example.org answered yes on 2025-10-01 (valid until 2026-03-30)',
                    evidence={'attestation': {'by': 'bob@example.org', 'date': '2025-10-01', 'answer': 'yes',
                                              'valid_until': '2026-03-30'}})
    failed = _result(summary, 'ws-002', 'SIG-DSK-01')
    failed.update(observed='6.2.0', expected='>= 7.30.0')
    summary['subjects'][1]['name'] = HOSTILE_SUBJECT
    return derive(summary)


def expected_counts(summary):
    """What an HDF consumer must count: one control per result, plus a collection error for a subject that could
    not be collected and has no result saying so; waived results are counted as not applicable (waived)."""
    counts = {'passed': 0, 'failed': 0, 'not_reviewed': 0, 'not_applicable': 0, 'error': 0, 'waived': 0}
    key = {'pass': 'passed', 'fail': 'failed', 'unknown': 'not_reviewed', 'manual': 'not_reviewed',
           'not_applicable': 'not_applicable', 'error': 'error', 'waived': 'waived'}
    for subject in summary['subjects']:
        results = subject['results']
        for result in results:
            counts[key[result['status']]] += 1
        if subject['state'] != 'ok' and not any(r['control'] == 'collection' for r in results):
            counts['error'] += 1
    return counts
