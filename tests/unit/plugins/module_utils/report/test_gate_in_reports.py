# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""No report says the gate passed for a run that fails, whichever reason makes it fail."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from ansible_collections.hardening.signal.plugins.module_utils.fleet.gate import evaluate_gate
from ansible_collections.hardening.signal.plugins.module_utils.governance.text_lines import governance_lines
from ansible_collections.hardening.signal.plugins.module_utils.report.render_html import render_html
from ansible_collections.hardening.signal.plugins.module_utils.report.render_json import render_json
from ansible_collections.hardening.signal.plugins.module_utils.report.render_junit import render_junit
from ansible_collections.hardening.signal.plugins.module_utils.report.render_markdown import render_markdown
from ansible_collections.hardening.signal.plugins.module_utils.report.render_text import render_text
from ansible_collections.hardening.signal.tests.unit.plugins.module_utils.report.sample_summary import derive, sample_summary

# Six of seven MDM sources unreadable, as in the hostile test of issue 11.
DOWN = [{'name': 'mdm-%d' % i, 'type': 'intune', 'status': 'failed', 'subjects': 0, 'errors': 1} for i in range(6)]
UP = [{'name': 'mdm-6', 'type': 'jamf', 'status': 'complete', 'subjects': 3, 'errors': 0}]


def _run(sources, **gate_args):
    """The sample fleet with every result passing (so only the gate can say the run failed), these sources."""
    summary = sample_summary()
    for subject in summary['subjects']:
        subject.update(state='ok', error=None)
        for result in subject['results']:
            result.update(status='pass', reason='meets the control')
    derive(summary)
    summary['run']['sources'] = sources
    summary['run']['threshold_pct'] = 0
    summary['gate'] = evaluate_gate(summary, {}, 0, **gate_args)
    return summary


def _reports(summary):
    return {'md': render_markdown(summary), 'html': render_html(summary),
            'console': '\n'.join(render_text(summary) + governance_lines(summary)),
            'json': json.loads(render_json(summary))['gate'],
            'junit': ET.fromstring(render_junit(summary).encode('utf-8'))}


def _junit_gate(root):
    gate, = [suite for suite in root.findall('testsuite') if suite.get('name') == 'gate']
    properties = {p.get('name'): p.get('value') for p in gate.find('properties').findall('property')}
    failed = {case.get('name'): case.find('failure').get('message') for case in gate.findall('testcase')
              if case.find('failure') is not None}
    return properties, failed


FAILING = {
    'sources down': (DOWN + UP, {}),
    'remediation failed': (UP, {'remediation_failures': ['ws-01: Set Signal\'s source: apt-get failed']}),
}


@pytest.mark.parametrize('reason', sorted(FAILING))
def test_a_failing_run_is_never_reported_as_passed(reason):
    sources, gate_args = FAILING[reason]
    reports = _reports(_run(sources, **gate_args))
    assert reports['json']['passed'] is False
    assert '**Gate: FAILED**' in reports['md'] and 'Gate: passed' not in reports['md']
    assert 'Gate failed' in reports['html'] and 'Gate passed' not in reports['html']
    assert 'gate FAILED: ' in reports['console'] and 'gate passed' not in reports['console']
    word = 'mdm-0' if reason == 'sources down' else 'ws-01'
    assert all(word in reports[name] for name in ('md', 'html', 'console'))
    # JUnit, what CI reads: every result passes, yet the run failed, so the file has a failure (the gate's).
    junit = reports['junit']
    assert int(junit.get('failures')) > 0
    properties, failed = _junit_gate(junit)
    assert properties['passed'] == 'false' and properties['message'] == reports['json']['message']
    check = 'sources' if reason == 'sources down' else 'remediation'
    assert list(failed) == [check] and word in failed[check]


def test_accepted_sources_pass_and_still_say_which_were_incomplete():
    reports = _reports(_run(DOWN + UP, accept_incomplete_sources=True))
    assert reports['json']['passed'] is True and reports['json']['sources']['accepted'] is True
    assert '**Gate: passed**' in reports['md'] and 'accepted' in reports['md'] and 'mdm-5' in reports['md']
    assert 'Gate passed' in reports['html'] and '6 MDM sources incomplete' in reports['html']
    junit = reports['junit']
    assert junit.get('failures') == '0'
    properties, failed = _junit_gate(junit)
    assert properties['passed'] == 'true' and failed == {}
    sources, = [case for case in junit.find('testsuite').findall('testcase') if case.get('name') == 'sources']
    assert sources.find('skipped').get('message').startswith('accepted: 6 MDM sources incomplete')


def test_a_gate_that_claims_to_pass_with_a_crossed_line_reads_as_failed():
    summary = _run(DOWN + UP)
    summary['gate']['passed'] = True  # inconsistent: the fields say a line is crossed
    assert 'Gate: passed' not in render_markdown(summary) and 'Gate passed' not in render_html(summary)
    properties, failed = _junit_gate(ET.fromstring(render_junit(summary).encode('utf-8')))
    assert properties['passed'] == 'false' and list(failed) == ['sources']


def test_a_gate_that_failed_without_naming_a_check_is_still_a_failure_in_junit():
    summary = _run(UP)
    summary['gate'].update(passed=False, message='the gate failed for a reason this report does not know')
    root = ET.fromstring(render_junit(summary).encode('utf-8'))
    properties, failed = _junit_gate(root)
    assert properties['passed'] == 'false' and failed == {'gate': 'the gate failed for a reason this report does not know'}
    assert root.get('failures') == '1'
