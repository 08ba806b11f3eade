# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""No report says the gate passed for a run that fails, whichever reason makes it fail."""

from __future__ import annotations

import json

import pytest

from ansible_collections.hardening.signal.plugins.module_utils.fleet.gate import evaluate_gate
from ansible_collections.hardening.signal.plugins.module_utils.governance.text_lines import governance_lines
from ansible_collections.hardening.signal.plugins.module_utils.report.render_html import render_html
from ansible_collections.hardening.signal.plugins.module_utils.report.render_json import render_json
from ansible_collections.hardening.signal.plugins.module_utils.report.render_markdown import render_markdown
from ansible_collections.hardening.signal.plugins.module_utils.report.render_text import render_text
from ansible_collections.hardening.signal.tests.unit.plugins.module_utils.report.sample_summary import sample_summary

# Six of seven MDM sources unreadable, as in the hostile test of issue 11.
DOWN = [{'name': 'mdm-%d' % i, 'type': 'intune', 'status': 'failed', 'subjects': 0, 'errors': 1} for i in range(6)]
UP = [{'name': 'mdm-6', 'type': 'jamf', 'status': 'complete', 'subjects': 3, 'errors': 0}]


def _run(sources, **gate_args):
    summary = sample_summary()
    summary['run']['sources'] = sources
    summary['run']['threshold_pct'] = 0
    summary['gate'] = evaluate_gate(summary, {}, 0, **gate_args)
    return summary


def _reports(summary):
    return {'md': render_markdown(summary), 'html': render_html(summary),
            'console': '\n'.join(render_text(summary) + governance_lines(summary)),
            'json': json.loads(render_json(summary))['gate']}


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


def test_accepted_sources_pass_and_still_say_which_were_incomplete():
    reports = _reports(_run(DOWN + UP, accept_incomplete_sources=True))
    assert reports['json']['passed'] is True and reports['json']['sources']['accepted'] is True
    assert '**Gate: passed**' in reports['md'] and 'accepted' in reports['md'] and 'mdm-5' in reports['md']
    assert 'Gate passed' in reports['html'] and '6 MDM sources incomplete' in reports['html']


def test_a_gate_that_claims_to_pass_with_a_crossed_line_reads_as_failed():
    summary = _run(DOWN + UP)
    summary['gate']['passed'] = True  # inconsistent: the fields say a line is crossed
    assert 'Gate: passed' not in render_markdown(summary) and 'Gate passed' not in render_html(summary)
