# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Markdown and HTML reports show each control's rationale and steps, and every result that needs
attention links to its control's steps."""

from __future__ import annotations

import re

from ansible_collections.hardening.signal.plugins.module_utils.report.render_html import render_html
from ansible_collections.hardening.signal.plugins.module_utils.report.render_markdown import render_markdown
from ansible_collections.hardening.signal.plugins.module_utils.report.view import steps_anchors, subjects_needing_attention
from ansible_collections.hardening.signal.tests.unit.plugins.module_utils.report.sample_summary import sample_summary

QUESTION = 'Is Registration Lock on, with a PIN <kept> safe?'


def _summary():
    summary = sample_summary()
    by_id = {c['id']: c for c in summary['controls']}
    by_id['SIG-MOB-01']['question'] = QUESTION
    # A control without guidance gets no section and no link.
    del by_id['SIG-FLT-01']['steps'], by_id['SIG-FLT-01']['rationale']
    return summary


def _findings(summary):
    selected, _total = subjects_needing_attention(summary, 1000)
    return [r for _subject, findings in selected for r in findings]


def test_anchors_are_unique_and_safe():
    summary = _summary()
    summary['controls'].append(dict(summary['controls'][0], id='sig dsk 01'))  # slugs to the same text
    anchors = steps_anchors(summary)
    assert len(set(anchors.values())) == len(anchors)
    assert all(re.fullmatch(r'steps-[a-z0-9-]+', anchor) for anchor in anchors.values())
    assert 'SIG-FLT-01' not in anchors


def test_markdown_shows_rationale_steps_and_question_and_links_every_finding():
    summary = _summary()
    text = render_markdown(summary)
    section = text.split('## What to do, per control', 1)[1].split('\n## ', 1)[0]
    assert '### SIG-MOB-01: Registration lock PIN is enabled' in section
    assert 'Why: Section 3.1 of the guidance asks for it: registration lock pin is enabled.' in section
    assert '1. Open Signal &gt; Settings for SIG-MOB-01.' in section
    assert '2. Change the setting, then confirm it &lt;b&gt;&amp;amp;&lt;/b&gt; "saved".' in section
    assert 'Question asked of each person: Is Registration Lock on, with a PIN &lt;kept&gt; safe?' in section
    assert 'SIG-FLT-01' not in section
    anchors = set(re.findall(r'<a id="([^"]+)"></a>', text))
    assert len(anchors) == len(summary['controls']) - 1
    links = re.findall(r'\| ([^|]+) \| [^|]+ \| .*\| \[steps\]\(#([^)]+)\) \|', text)
    findings = _findings(summary)
    linked = [f for f in findings if f['control'] != 'SIG-FLT-01']
    assert len(links) == len(linked) and linked
    assert {f['status'] for f in linked} >= {'fail', 'manual', 'unknown'}
    assert all(anchor in anchors for _control, anchor in links)
    assert all(anchor == steps_anchors(summary)[control.strip()] for control, anchor in links)


def test_html_shows_rationale_steps_and_question_and_links_every_finding():
    summary = _summary()
    page = render_html(summary)
    section = page.split('<h2>What to do, per control</h2>', 1)[1].split('<h2>', 1)[0]
    assert ('<section class="card step" id="steps-sig-mob-01"><h3><span class="id">SIG-MOB-01</span> '
            'Registration lock PIN is enabled</h3>') in section
    assert '<li>Change the setting, then confirm it &lt;b&gt;&amp;amp;&lt;/b&gt; &quot;saved&quot;.</li>' in section
    assert '<strong>Question asked of each person:</strong> Is Registration Lock on, with a PIN &lt;kept&gt; safe?' in section
    assert 'SIG-FLT-01' not in section
    targets = set(re.findall(r'<section class="card step" id="([^"]+)">', page))
    links = re.findall(r'<a class="to-steps" href="#([^"]+)">what to do</a>', page)
    linked = [f for f in _findings(summary) if f['control'] != 'SIG-FLT-01']
    assert len(links) == len(linked) and set(links) <= targets


def test_reports_without_guidance_in_the_summary_have_no_steps_section():
    summary = sample_summary()
    for control in summary['controls']:
        control.pop('steps'), control.pop('rationale')
    assert 'What to do, per control' not in render_markdown(summary) + render_html(summary)
    assert '[steps](' not in render_markdown(summary) and 'class="to-steps"' not in render_html(summary)
