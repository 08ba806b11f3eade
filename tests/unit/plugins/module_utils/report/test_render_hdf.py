# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The HDF (Heimdall) report: one control per subject and control, states mapped so nothing looks greener."""

from __future__ import annotations

import json
import os

import pytest

from ansible_collections.hardening.signal.plugins.module_utils.report import render_hdf as rh
from ansible_collections.hardening.signal.plugins.module_utils.report.render_hdf import HDF_FILE, iter_hdf, render_hdf
from ansible_collections.hardening.signal.plugins.module_utils.report.write_reports import write_reports
from ansible_collections.hardening.signal.tests.unit.plugins.module_utils.report.consumer_samples import (
    HOSTILE_SUBJECT,
    LONE_SURROGATE_NAME,
    consumer_summary,
    expected_counts,
)
from ansible_collections.hardening.signal.tests.unit.plugins.module_utils.report.sample_summary import (
    derive,
    large_summary,
)


def _controls(summary):
    doc = json.loads(render_hdf(summary))
    assert len(doc['profiles']) == 1
    return doc, {c['id']: c for c in doc['profiles'][0]['controls']}


def test_every_result_is_one_control_with_one_result_and_the_honest_status():
    summary = consumer_summary()
    doc, controls = _controls(summary)
    mapped = {'pass': 'passed', 'fail': 'failed', 'error': 'error', 'unknown': 'skipped', 'manual': 'skipped',
              'not_applicable': 'skipped'}
    for subject in summary['subjects']:
        for result in subject['results']:
            control = controls['%s@%s' % (result['control'], subject['id'])]
            (hdf_result,) = control['results']
            assert control['tags']['status'] == result['status']
            assert control['tags']['subject'] == subject['id']
            assert subject['id'] in hdf_result['code_desc']
            assert hdf_result['message'].startswith(result['reason'])
            assert hdf_result['start_time'] == summary['generated_at']
            if result['status'] == 'waived':
                assert hdf_result['status'] == {'fail': 'failed'}.get(result['evidence']['underlying_status'], 'skipped')
            else:
                assert hdf_result['status'] == mapped[result['status']]
            if hdf_result['status'] == 'skipped':
                assert hdf_result['skip_message'] == '%s: %s' % (result['status'], result['reason'])
    # The subjects that could not be collected and have no result saying so get a collection error each.
    assert controls['collection@ws-003']['results'][0]['status'] == 'error'
    assert controls['collection@mob-003']['results'][0]['message'] == 'no data collected (invalid): record has no device id'
    counts = expected_counts(summary)
    assert doc['statistics']['controls'] == {
        'passed': {'total': counts['passed']}, 'failed': {'total': counts['failed'] + 1},  # the waived failure
        'skipped': {'total': counts['not_reviewed'] + counts['not_applicable']},
        'error': {'total': counts['error']}}


def test_unknown_and_manual_are_never_passed():
    summary = consumer_summary()
    for subject in summary['subjects']:
        for result in subject['results']:
            result['status'] = 'unknown' if result['status'] == 'pass' else result['status']
    derive(summary)
    doc, controls = _controls(summary)
    assert doc['statistics']['controls']['passed']['total'] == 0
    assert all(c['results'][0]['status'] != 'passed' for c in controls.values())


def test_a_status_outside_the_schema_is_an_error_not_a_pass():
    summary = consumer_summary()
    summary['subjects'][0]['results'][0]['status'] = 'compliant'
    _doc, controls = _controls(summary)
    assert controls['SIG-DSK-01@ws-001']['results'][0]['status'] == 'error'


def test_control_text_impact_and_tags():
    summary = consumer_summary()
    _doc, controls = _controls(summary)
    control = controls['SIG-DSK-01@ws-002']
    source = next(c for c in summary['controls'] if c['id'] == 'SIG-DSK-01')
    assert control['title'] == source['title'] and control['desc'] == source['rationale']
    descriptions = {d['label']: d['data'] for d in control['descriptions']}
    assert descriptions['rationale'] == source['rationale']
    assert descriptions['fix'] == '\n'.join('%d. %s' % (i, step) for i, step in enumerate(source['steps'], 1))
    assert control['impact'] == 0.7 and control['tags']['severity'] == 'high'
    assert control['tags']['section'] == '2.1' and control['tags']['platforms'] == ['linux', 'macos', 'windows']
    assert control['refs'] == [{'ref': 'CERT-EU 22-002 Hardening Signal, section 2.1'}]
    assert control['source_location'] == {'ref': 'roles/signal_hardening/controls/SIG-DSK-01.yml', 'line': 1}
    assert 'observed: "6.2.0"' in control['results'][0]['message']
    # Not applicable: impact 0 is how Heimdall says it; the severity stays in the tags.
    not_applicable = controls['SIG-FLT-01@ws-001']
    assert not_applicable['impact'] == 0 and not_applicable['tags']['severity'] == 'low'
    assert controls['SIG-DSK-10@ws-001']['impact'] == 0.3 and controls['SIG-DSK-02@ws-001']['impact'] == 0.5


def test_waivers_and_attestations_have_their_hdf_places():
    _doc, controls = _controls(consumer_summary())
    waived = controls['SIG-MOB-01@mob-002']
    assert waived['waiver_data'] == {
        'justification': 'Lab phone | PIN reset pending', 'expiration_date': '2025-12-31',
        'message': 'waiver W-12 (owner ciso@example.org, ticket SEC-1432); the check found: fail', 'run': True,
        'skipped_due_to_waiver': True}
    attested = controls['SIG-MOB-01@mob-001']
    assert attested['attestation_data'] == {
        'control_id': 'SIG-MOB-01@mob-001', 'explanation': attested['results'][0]['message'].split('\n')[0],
        'frequency': '180d', 'status': 'passed', 'updated': '2025-10-01', 'updated_by': 'bob@example.org'}
    assert 'attestation_data' not in controls['SIG-MOB-03@mob-001'] and 'waiver_data' not in attested


def test_the_file_says_how_states_were_mapped():
    doc, _controls_ = _controls(consumer_summary())
    profile = doc['profiles'][0]
    assert 'unknown -> skipped' in profile['description'] and 'never passed' in profile['description']
    assert doc['passthrough']['hardening.signal']['state_mapping'] == rh.STATUS_MAPPING


def test_strings_from_outside_stay_exact_and_a_lone_surrogate_does_not_break_the_file(tmp_path):
    summary = consumer_summary()
    summary['subjects'][4]['name'] = LONE_SURROGATE_NAME
    paths = write_reports(summary, str(tmp_path), ('hdf',), fork=False)
    with open(paths['hdf'], encoding='utf-8') as handle:
        doc = json.load(handle)
    controls = {c['id']: c for c in doc['profiles'][0]['controls']}
    assert controls['SIG-DSK-01@ws-002']['tags']['subject_name'] == HOSTILE_SUBJECT
    assert controls['SIG-DSK-01@ws-002']['results'][0]['code_desc'].startswith('ws-002 (%s)' % HOSTILE_SUBJECT)
    assert controls['SIG-MOB-02@mob-002']['tags']['subject_name'] == 'Pixel \ufffd half'
    assert os.path.basename(paths['hdf']) == HDF_FILE


@pytest.mark.parametrize('per_chunk', [1, 2, 500])
def test_the_stream_is_the_rendered_text_in_pieces(monkeypatch, per_chunk):
    monkeypatch.setattr(rh, 'SUBJECTS_PER_CHUNK', per_chunk)
    summary = large_summary(7, results_per_subject=3)
    summary['subjects'][0]['results'] = []  # a chunk with no control at all
    pieces = list(iter_hdf(summary))
    assert ''.join(pieces) == render_hdf(summary)
    json.loads(''.join(pieces))


def test_an_empty_fleet_is_a_valid_document():
    doc = json.loads(render_hdf(large_summary(0)))
    assert doc['profiles'][0]['controls'] == [] and doc['statistics']['controls']['passed'] == {'total': 0}


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(tmp_path):
    target = tmp_path / HDF_FILE
    target.mkdir()  # os.replace cannot put the file there
    with pytest.raises(OSError):
        write_reports(consumer_summary(), str(tmp_path), ('hdf',), fork=True)
    assert sorted(os.listdir(str(tmp_path))) == [HDF_FILE] and target.is_dir()
