# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET

import pytest

from ansible_collections.hardening.signal.plugins.module_utils.report import render_junit as rj
from ansible_collections.hardening.signal.plugins.module_utils.report.render_junit import iter_junit, render_junit
from ansible_collections.hardening.signal.plugins.module_utils.report.write_reports import FILENAMES, write_reports
from ansible_collections.hardening.signal.tests.unit.plugins.module_utils.report.sample_summary import (
    XSS_NAME,
    derive,
    large_summary,
    sample_summary,
)

OUTCOMES = ('failure', 'error', 'skipped')


def _parse(text):
    return ET.fromstring(text.encode('utf-8'))


def _gate_suite(root):
    """The gate's suite (first, property kind gate), or None."""
    first = root.find('testsuite')
    return first if first is not None and _props(first).get('kind') == 'gate' else None


def _subject_suites(root):
    return [suite for suite in root.findall('testsuite') if _props(suite).get('kind') != 'gate']


def _suites(root):
    return {suite.get('name'): suite for suite in _subject_suites(root)}


def _props(suite):
    return {p.get('name'): p.get('value') for p in suite.find('properties').findall('property')}


def _case(suite, control):
    found = [c for c in suite.findall('testcase') if c.get('name') == control]
    assert len(found) == 1, (suite.get('name'), control, len(found))
    return found[0]


def _outcome(case):
    children = [child for child in case if child.tag in OUTCOMES]
    assert len(children) <= 1
    return children[0] if children else None


def _assert_counts_add_up(root):
    totals = dict.fromkeys(('tests', 'failures', 'errors', 'skipped'), 0)
    for suite in root.findall('testsuite'):
        cases = suite.findall('testcase')
        kinds = [(_outcome(c).tag if _outcome(c) is not None else 'pass') for c in cases]
        counted = {'tests': len(cases), 'failures': kinds.count('failure'), 'errors': kinds.count('error'),
                   'skipped': kinds.count('skipped')}
        assert {k: int(suite.get(k)) for k in counted} == counted, suite.get('name')
        assert counted['failures'] + counted['errors'] + counted['skipped'] + kinds.count('pass') == counted['tests']
        for key in totals:
            totals[key] += counted[key]
    assert {k: int(root.get(k)) for k in totals} == totals


@pytest.fixture(scope='module')
def root():
    return _parse(render_junit(sample_summary()))


def test_one_suite_per_subject_with_its_properties(root):
    assert root.tag == 'testsuites'
    suites = _suites(root)
    assert list(suites) == [s['id'] for s in sample_summary()['subjects']]
    props = _props(suites['ws-002'])
    assert props['kind'] == 'workstation' and props['platform'] == 'windows' and props['owner'] == 'mallory@example.org'
    assert props['name'] == XSS_NAME  # ElementTree escaped it; parsed back, it is the same text
    assert _props(suites['ws-003'])['owner'] == ''  # always present, empty when unknown
    assert _props(suites['mob-001'])['source.name'] == 'Intune | prod'
    assert suites['ws-001'].get('timestamp') == '2025-11-26T10:00:00Z'


def test_counts_add_up(root):
    _assert_counts_add_up(root)
    # 13 results' testcases (2 failures) and the gate's 6 checks, 3 of them crossed (sources, compliance, high).
    assert (root.get('tests'), root.get('failures'), root.get('errors'), root.get('skipped')) == ('19', '5', '3', '3')


def test_each_status_maps_as_documented(root):
    suites = _suites(root)
    ws1, ws2, mob1, mob2 = suites['ws-001'], suites['ws-002'], suites['mob-001'], suites['mob-002']
    assert _outcome(_case(ws1, 'SIG-DSK-01')) is None  # pass: a plain testcase
    fail = _outcome(_case(ws2, 'SIG-DSK-01'))
    assert fail.tag == 'failure' and fail.get('message') == 'Signal 6.2.0 < 7.30.0' and fail.get('type') == 'fail'
    nasty = _outcome(_case(ws2, 'SIG-DSK-10'))
    assert nasty.get('message').startswith('note-to-self | expires 1w\nsecond line')  # newline kept (&#10;)
    unknown = _outcome(_case(ws2, 'SIG-DSK-02'))
    assert unknown.tag == 'skipped' and unknown.get('message') == 'unknown: config.json unreadable: permission denied'
    manual = _outcome(_case(mob1, 'SIG-MOB-01'))
    assert manual.tag == 'skipped' and manual.get('message') == 'manual: attestation missing for this quarter'
    waived = _outcome(_case(mob2, 'SIG-MOB-01'))
    assert waived.tag == 'skipped' and waived.get('message') == 'waived: waiver W-12 until 2025-12-31'
    error = _outcome(_case(mob2, 'SIG-MOB-02'))
    assert error.tag == 'error' and 'screenCaptureBlocked' in error.get('message')
    # not_applicable: omitted, and counted in a property.
    assert not [c for c in ws1.findall('testcase') if c.get('name') == 'SIG-FLT-01']
    assert not [c for c in mob1.findall('testcase') if c.get('name') == 'SIG-MOB-02']
    assert _props(ws1)['not_applicable'] == '1' and _props(ws2)['not_applicable'] == '0'


def test_classname_is_the_section(root):
    ws1 = _suites(root)['ws-001']
    assert {c.get('name'): c.get('classname') for c in ws1.findall('testcase')} == {
        'SIG-DSK-01': 'signal.2.1', 'SIG-DSK-02': 'signal.2.2', 'SIG-DSK-10': 'signal.2.10'}


def test_subject_not_collected_is_one_collection_error(root):
    for sid, state in (('ws-003', 'unreachable'), ('mob-003', 'invalid')):
        suite = _suites(root)[sid]
        cases = suite.findall('testcase')
        assert [(c.get('name'), c.get('classname')) for c in cases] == [('collection', 'signal.collection')]
        error = _outcome(cases[0])
        assert error.tag == 'error' and error.get('message').startswith('no data collected (%s): ' % state)
        assert _props(suite)['state'] == state


def test_collection_result_from_the_engine_is_not_doubled():
    summary = sample_summary()
    subject = next(s for s in summary['subjects'] if s['id'] == 'ws-003')
    subject['results'] = [{'control': 'collection', 'status': 'error', 'reason': 'no data collected (unreachable): x'}]
    summary['controls'].append({'id': 'collection', 'section': '-', 'title': 'Data could be collected',
                                'platforms': ['linux'], 'method': 'collection', 'severity': 'high',
                                'remediation': 'manual', 'counts': {}})
    root = _parse(render_junit(derive(summary)))
    cases = _suites(root)['ws-003'].findall('testcase')
    assert len(cases) == 1 and cases[0].get('classname') == 'signal.collection'
    assert _outcome(cases[0]).get('message') == 'no data collected (unreachable): x'
    _assert_counts_add_up(root)


def test_observed_and_expected_are_the_failure_text():
    summary = sample_summary()
    result = summary['subjects'][1]['results'][0]
    result.update(observed={'signal.version': '6.2.0', 'x': None}, expected='>= 7.30.0',
                  evidence={'raw_fields': {'a': 1}})
    fail = _outcome(_case(_suites(_parse(render_junit(summary)))['ws-002'], 'SIG-DSK-01'))
    assert fail.text == 'observed: {"signal.version":"6.2.0","x":null}\nexpected: ">= 7.30.0"'


HOSTILE = 'bad\x00\x01\x08\x0b\x0c\x1b\x1f\ud800\ufffe\uffff]]></testsuite><x a="1">&amp;\'"\r\n\tend'


def test_hostile_strings_cannot_break_the_file():
    summary = sample_summary()
    subject = summary['subjects'][0]
    subject.update(id='id-' + HOSTILE, name=HOSTILE, owner=HOSTILE)
    subject['source']['name'] = HOSTILE
    subject['results'][0].update(status='fail', reason=HOSTILE, observed={HOSTILE: HOSTILE})
    summary['controls'][0]['section'] = HOSTILE
    summary['generated_at'] = HOSTILE
    text = render_junit(derive(summary))
    text.encode('utf-8')  # no lone surrogate survives
    root = _parse(text)  # and the XML parses
    suite = _subject_suites(root)[0]
    # Controls and the lone surrogate shown as code points; the two non-characters replaced. Attributes keep \r (&#13;).
    expected = ('bad\u27e8U+0000\u27e9\u27e8U+0001\u27e9\u27e8U+0008\u27e9\u27e8U+000B\u27e9\u27e8U+000C\u27e9'
                '\u27e8U+001B\u27e9\u27e8U+001F\u27e9\u27e8U+D800\u27e9\ufffd\ufffd]]></testsuite><x a="1">&amp;\'"\r\n\tend')
    assert suite.get('name') == 'id-' + expected
    assert _props(suite)['name'] == expected and _props(suite)['owner'] == expected
    failure = _outcome(suite.findall('testcase')[0])
    assert failure.get('message') == expected
    # The JSON text escapes the control characters itself (\u0000); only what JSON leaves raw is replaced.
    observed = json.loads(failure.text[len('observed: '):])
    as_json = HOSTILE.replace('\ud800', '\u27e8U+D800\u27e9').replace('\ufffe', '\ufffd').replace('\uffff', '\ufffd')
    assert observed == {as_json: as_json}
    assert suite.findall('testcase')[0].get('classname') == 'signal.' + expected
    assert len(_subject_suites(root)) == len(summary['subjects'])
    _assert_counts_add_up(root)


ESCAPED = [HOSTILE, '', 'plain', 'a & b < c > d "e" \'f\'', '\r\n\t', 'caf\u00e9 \U0001f600', '\u2028\u00a0\ue000\U000e0001',
           '&amp;&#13;', ']]>', '\x7f\x85', ' lead and trail ']


@pytest.mark.parametrize('value', ESCAPED)
def test_attributes_and_text_are_escaped_as_elementtree_does(value):
    # The document is written by hand; each attribute and text must be what ET.tostring gives for it.
    element = ET.Element('p', {'value': rj.xml_text(value)})
    assert ET.tostring(element, encoding='unicode') == '<p value="%s" />' % rj.xml_attr(value)
    element = ET.Element('p')
    element.text = rj.xml_text(value)
    expected = ET.tostring(element, encoding='unicode')
    assert expected == ('<p>%s</p>' % rj._escape_text(rj.xml_text(value)) if value else '<p />')
    assert ET.fromstring('<p value="%s" />' % rj.xml_attr(value)).get('value') == rj.xml_text(value)


def test_non_string_values_are_text():
    assert rj.xml_attr(None) == '' and rj.xml_attr(3) == '3' and rj.xml_attr(['<x>']) == "['&lt;x&gt;']"


def test_unknown_status_is_not_a_pass():
    summary = sample_summary()
    summary['subjects'][0]['results'][0]['status'] = 'weird'  # not schema-valid; still never shown as passing
    suite = _suites(_parse(render_junit(summary)))['ws-001']
    assert _outcome(_case(suite, 'SIG-DSK-01')).tag == 'error'


@pytest.mark.parametrize('per_chunk', [1, 2, 500])
def test_streamed_is_the_same_text(monkeypatch, per_chunk):
    monkeypatch.setattr(rj, 'SUITES_PER_CHUNK', per_chunk)
    for summary in (sample_summary(), large_summary(7), large_summary(0)):
        pieces = list(iter_junit(summary))
        assert ''.join(pieces) == render_junit(summary)
        # Head and tail, the gate's suite, then the subjects' chunks.
        assert len(pieces) == 3 + -(-len(summary['subjects']) // per_chunk)


def test_empty_fleet_is_valid():
    summary = large_summary(0)
    root = _parse(render_junit(summary))
    assert root.tag == 'testsuites' and _subject_suites(root) == []
    # Only the gate: nothing counted is below the threshold of 90%, the one check crossed.
    assert [suite.get('name') for suite in root.findall('testsuite')] == ['gate']
    assert root.get('tests') == '6' and root.get('failures') == '1' and _props(_gate_suite(root))['passed'] == 'false'
    assert _outcome(_case(_gate_suite(root), 'compliance')).get('message').startswith('Compliance n/a')
    del summary['gate']
    root = _parse(render_junit(summary))
    assert root.get('tests') == '0' and not list(root)


def test_large_fleet_totals_match_the_summary():
    summary = large_summary(3000)
    root = _parse(render_junit(summary))
    totals = summary['totals']
    unreachable = sum(1 for s in summary['subjects'] if s['state'] != 'ok')
    gate = _gate_suite(root)
    gate_failures = int(gate.get('failures'))
    assert int(root.get('failures')) == totals['fail'] + gate_failures
    assert int(root.get('errors')) == totals['error'] + unreachable
    assert int(root.get('tests')) == sum(totals.values()) - totals['not_applicable'] + unreachable + int(gate.get('tests'))
    assert len(_subject_suites(root)) == 3000
    _assert_counts_add_up(root)


def test_write_reports_writes_the_junit_file(tmp_path):
    paths = write_reports(sample_summary(), str(tmp_path), formats=('junit',))
    assert paths == {'junit': str(tmp_path / 'fleet-summary.junit.xml')} and FILENAMES['junit'] == 'fleet-summary.junit.xml'
    with open(paths['junit'], 'rb') as handle:
        data = handle.read()
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n')
    assert data.decode('utf-8') == render_junit(sample_summary())
    _assert_counts_add_up(ET.fromstring(data))
    assert sorted(os.listdir(str(tmp_path))) == ['fleet-summary.junit.xml']


def test_default_formats_are_unchanged_and_unknown_ones_write_nothing(tmp_path):
    assert sorted(write_reports(sample_summary(), str(tmp_path / 'a'))) == ['html', 'json', 'md']
    with pytest.raises(ValueError, match='xlsx'):
        write_reports(sample_summary(), str(tmp_path / 'b'), formats=('json', 'xlsx'))
    assert not (tmp_path / 'b').exists()


def test_the_gate_is_the_first_suite_one_testcase_per_check(root):
    gate = _gate_suite(root)
    assert gate is not None and gate.get('name') == 'gate' and root.findall('testsuite')[0] is gate
    summary = sample_summary()
    props = _props(gate)
    assert props['passed'] == 'false' and props['message'] == summary['gate']['message']
    cases = gate.findall('testcase')
    assert [c.get('name') for c in cases] == ['sources', 'remediation', 'compliance', 'severity-high', 'severity-medium',
                                              'severity-low']
    assert {c.get('classname') for c in cases} == {'signal.gate'}
    outcomes = {c.get('name'): _outcome(c) for c in cases}
    crossed = {name for name, outcome in outcomes.items() if outcome is not None}
    assert crossed == {'sources', 'compliance', 'severity-high'}
    assert all(outcomes[name].tag == 'failure' and outcomes[name].get('type') == 'gate' for name in crossed)
    assert outcomes['sources'].get('message').startswith('MDM sources failed or stopped part-way: workstations')
    assert outcomes['compliance'].get('message') == 'Compliance 50.0% is below the threshold 90.0%'
    assert outcomes['severity-high'].get('message') == 'High severity: 1 result in state fail, limit 0: SIG-DSK-01 \u00d71'
    assert outcomes['compliance'].text == summary['gate']['message']
    # A check that is met says what was found.
    assert _case(gate, 'severity-low').find('system-out').text == 'Low severity: 1 result in state fail, limit 5: SIG-DSK-10 \u00d71'
    assert _case(gate, 'severity-medium').find('system-out').text == 'Medium severity: 0 results in state fail, no limit'


def test_nothing_counted_meets_the_gate_only_because_the_threshold_is_zero():
    summary = large_summary(0)
    summary['run']['threshold_pct'] = 0
    derive(summary)
    compliance = _case(_gate_suite(_parse(render_junit(summary))), 'compliance')
    assert _outcome(compliance) is None
    assert compliance.find('system-out').text == 'Compliance n/a: met only because the threshold is 0.0%, nothing was counted'
