# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The OSCAL assessment-results report: valid against NIST's schema, loaded by compliance-trestle, honest states."""

from __future__ import annotations

import copy
import json
import os
import pathlib
import re

import pytest
from trestle.oscal.assessment_results import AssessmentResults

from ansible_collections.hardening.signal.plugins.module_utils.report import render_oscal as ro
from ansible_collections.hardening.signal.plugins.module_utils.report.render_oscal import (
    OSCAL_FILE,
    iter_oscal,
    markdown,
    render_oscal,
)
from ansible_collections.hardening.signal.plugins.module_utils.report.write_reports import write_reports
from ansible_collections.hardening.signal.tests.unit.plugins.module_utils.report.consumer_samples import (
    HOSTILE_SUBJECT,
    LONE_SURROGATE_NAME,
    consumer_summary,
)
from ansible_collections.hardening.signal.tests.unit.plugins.module_utils.report.oscal_schema_check import schema_errors
from ansible_collections.hardening.signal.tests.unit.plugins.module_utils.report.sample_summary import (
    derive,
    large_summary,
)


def _result(doc):
    (result,) = doc['assessment-results']['results']
    return result


def _findings(doc):
    return {f['target']['target-id']: f for f in _result(doc).get('findings', ())}


def test_the_document_is_valid_oscal_and_trestle_loads_it(tmp_path):
    summary = consumer_summary()
    summary['subjects'][4]['name'] = LONE_SURROGATE_NAME
    paths = write_reports(summary, str(tmp_path), ('oscal',), fork=False)
    assert os.path.basename(paths['oscal']) == OSCAL_FILE
    with open(paths['oscal'], encoding='utf-8') as handle:
        doc = json.load(handle)
    assert schema_errors(doc) == []
    assert doc['assessment-results']['metadata']['oscal-version'] == '1.2.3'
    loaded = AssessmentResults.oscal_read(pathlib.Path(paths['oscal']))
    result = loaded.results[0]
    assert len(result.observations) == sum(len(s['results']) for s in summary['subjects']) + 2  # 2 not collected
    assert len(result.local_definitions.inventory_items) == len(summary['subjects'])


def test_the_schema_check_can_fail():
    doc = json.loads(render_oscal(consumer_summary()))
    broken = copy.deepcopy(doc)
    _result(broken)['findings'][0]['target']['status']['state'] = 'passed'
    assert any("'passed' is not one of ['satisfied', 'not-satisfied']" in error for error in schema_errors(broken))
    broken = copy.deepcopy(doc)
    _result(broken)['observations'][0]['uuid'] = 'not-a-uuid'
    assert any("'not-a-uuid' does not match" in error for error in schema_errors(broken))


def test_findings_are_satisfied_only_by_passes():
    doc = json.loads(render_oscal(consumer_summary()))
    findings = _findings(doc)
    states = {cid: f['target']['status']['state'] for cid, f in findings.items()}
    # SIG-MOB-03 passed on both phones; every other control has something that is not a pass.
    assert states == {'SIG-DSK-01': 'not-satisfied', 'SIG-DSK-02': 'not-satisfied', 'SIG-DSK-10': 'not-satisfied',
                      'SIG-MOB-01': 'not-satisfied', 'SIG-MOB-02': 'not-satisfied', 'SIG-MOB-03': 'satisfied',
                      'collection': 'not-satisfied'}
    # SIG-FLT-01 applied to no subject: observed, but no finding (OSCAL has no "not applicable").
    assert 'SIG-FLT-01' not in findings
    assert findings['SIG-DSK-01']['target']['status']['reason'] == 'fail'
    observations = {o['uuid']: o for o in _result(doc)['observations']}
    related = [observations[r['observation-uuid']] for r in findings['SIG-MOB-03']['related-observations']]
    assert sorted(p['value'] for o in related for p in o['props'] if p['name'] == 'status') == ['pass', 'pass']


def test_unknown_and_manual_are_never_satisfied():
    summary = consumer_summary()
    for subject in summary['subjects']:
        for result in subject['results']:
            if result['control'] == 'SIG-MOB-03':
                result['status'] = 'unknown' if subject['id'] == 'mob-001' else 'manual'
    doc = json.loads(render_oscal(derive(summary)))
    target = _findings(doc)['SIG-MOB-03']['target']
    assert target['status'] == {'state': 'not-satisfied', 'reason': 'other'}
    assert '1 manual, 1 unknown' in _findings(doc)['SIG-MOB-03']['description']


def test_waivers_are_risks_and_evidence_is_kept():
    doc = json.loads(render_oscal(consumer_summary()))
    result = _result(doc)
    risks = {r['uuid']: r for r in result['risks']}
    (risk,) = [r for r in risks.values() if any(p['value'] == 'W-12' for p in r['props'])]
    assert risk['status'] == 'deviation-approved' and risk['deadline'] == '2025-12-31T23:59:59Z'
    assert {r['risk-uuid'] for r in _findings(doc)['SIG-MOB-01']['related-risks']} == {risk['uuid']}
    waived = next(o for o in result['observations'] if o['title'].startswith('mob-002') and 'Registration' in o['title'])
    props = {p['name']: p['value'] for p in waived['props']}
    assert props['status'] == 'waived' and props['underlying-status'] == 'fail'
    attested = next(o for o in result['observations'] if o['title'].startswith('mob-001') and 'Registration' in o['title'])
    assert attested['methods'] == ['INTERVIEW'] and 'bob@example.org' in attested['relevant-evidence'][0]['description']
    assert 'unknown' in doc['assessment-results']['metadata']['remarks'] and 'never satisfied' in result['remarks']


def test_hostile_text_is_escaped_in_markdown_and_exact_in_props():
    doc = json.loads(render_oscal(consumer_summary()))
    items = _result(doc)['local-definitions']['inventory-items']
    item = next(i for i in items if any(p['value'] == 'ws-002' for p in i['props']))
    assert {p['name']: p['value'] for p in item['props']}['name'] == HOSTILE_SUBJECT
    assert markdown(HOSTILE_SUBJECT) in item['description']
    assert re.search(r'(?<!\\)[<*\[]', item['description']) is None  # nothing a Markdown viewer would run
    assert markdown('- a\n1. b <i>') == '\\- a\n1\\. b \\<i\\>'


@pytest.mark.parametrize('per_chunk', [1, 2, 500])
def test_the_stream_is_the_rendered_text_in_pieces(monkeypatch, per_chunk):
    monkeypatch.setattr(ro, 'SUBJECTS_PER_CHUNK', per_chunk)
    summary = large_summary(7, results_per_subject=3)
    summary['subjects'][0]['results'] = []
    pieces = list(iter_oscal(summary))
    assert ''.join(pieces) == render_oscal(summary)
    assert schema_errors(json.loads(''.join(pieces))) == []


def test_an_empty_fleet_is_valid_too():
    assert schema_errors(json.loads(render_oscal(large_summary(0)))) == []


def test_the_same_summary_gives_the_same_uuids_and_subjects_keep_theirs():
    summary = consumer_summary()
    first, second = render_oscal(summary), render_oscal(copy.deepcopy(summary))
    assert first == second
    later = copy.deepcopy(summary)
    later['generated_at'] = '2025-12-03T10:00:00Z'

    def items(text):
        return [i['uuid'] for i in _result(json.loads(text))['local-definitions']['inventory-items']]

    assert items(render_oscal(later)) == items(first)
    assert _result(json.loads(render_oscal(later)))['uuid'] != _result(json.loads(first))['uuid']
