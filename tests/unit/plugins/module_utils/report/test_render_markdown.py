# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import json
import re

import pytest

from ansible_collections.hardening.signal.plugins.module_utils.fleet.gate import evaluate_gate
from ansible_collections.hardening.signal.plugins.module_utils.report.render_markdown import md, render_markdown
from ansible_collections.hardening.signal.plugins.module_utils.report.render_html import render_html
from ansible_collections.hardening.signal.plugins.module_utils.report.view import (
    format_pct,
    gate_crossed,
    short_date,
    threshold_verdict,
)
from ansible_collections.hardening.signal.tests.unit.plugins.module_utils.report.sample_summary import (
    HOSTILE_OWNER,
    SCHEMA_PATH,
    derive,
    history_off_summary,
    large_summary,
    sample_summary,
    strip_governance,
)


def _cells(row):
    """Split a GFM table row on unescaped pipes (a backslash escapes the next char)."""
    cells, current, i = [], [], 0
    body = row.strip()
    assert body.startswith('|') and body.endswith('|') and not body.endswith('\\|'), row
    body = body[1:-1]
    while i < len(body):
        ch = body[i]
        if ch == '\\' and i + 1 < len(body):
            current.append(body[i:i + 2])
            i += 2
            continue
        if ch == '|':
            cells.append(''.join(current))
            current = []
        else:
            current.append(ch)
        i += 1
    cells.append(''.join(current))
    return cells


def _section(text, heading):
    """The text under a level-2 heading, up to the next one."""
    return text.split('\n' + heading + '\n', 1)[1].split('\n## ', 1)[0]


def _tables(text):
    """Yield lists of table rows (header, delimiter, body...)."""
    table = []
    for line in text.split('\n'):
        if line.startswith('|'):
            table.append(line)
        elif table:
            yield table
            table = []
    if table:
        yield table


@pytest.mark.parametrize('build', [sample_summary, lambda: large_summary(300, 5, 250),
                                   lambda: strip_governance(sample_summary()),
                                   lambda: large_summary(300, 5, 250, governance=False), lambda: large_summary(0)])
def test_sample_validates_against_schema(build):
    jsonschema = pytest.importorskip('jsonschema')
    with open(SCHEMA_PATH, encoding='utf-8') as handle:
        schema = json.load(handle)
    jsonschema.Draft202012Validator(schema).validate(build())


def test_every_table_row_has_as_many_cells_as_its_header():
    text = render_markdown(sample_summary())
    tables = list(_tables(text))
    assert len(tables) >= 5
    for table in tables:
        width = len(_cells(table[0]))
        assert all(len(_cells(row)) == width for row in table), table


def test_pipes_and_newlines_in_reasons_stay_in_one_cell():
    text = render_markdown(sample_summary())
    row = next(line for line in text.split('\n') if 'note-to-self' in line)
    cells = _cells(row)
    assert len(cells) == 4
    assert 'note-to-self \\| expires 1w second line' in cells[2]
    assert '\\*stars\\*' in cells[2] and '\\`code\\`' in cells[2]


def test_html_never_appears_raw():
    text = render_markdown(sample_summary())
    assert '<script' not in text
    assert '<img' not in text
    assert '<b>' not in text
    assert '&lt;img src=x onerror=alert(1)&gt;' in text
    assert '&lt;script&gt;alert(1)&lt;/script&gt; &amp; more' in text


def test_md_escape():
    assert md('a|b\nc') == 'a\\|b c'
    assert md('x_y*z`[1](u)') == 'x\\_y\\*z\\`\\[1\\](u)'
    assert md('\\|') == '\\\\\\|'
    assert md(None) == '—' and md('') == '—' and md('\n') == '—'


@pytest.mark.parametrize('pct, shown', [
    (None, 'n/a'), (0, '0.0%'), (66.6666, '66.6%'), (89.96, '89.9%'), (99.999, '99.9%'), (100, '100.0%'),
])
def test_format_pct_rounds_down(pct, shown):
    # A fleet at 89.96% must not read as 90.0% next to a 90% threshold it misses.
    assert format_pct(pct) == shown


def test_headline_totals_controls_and_attribution():
    summary = sample_summary()
    text = render_markdown(summary)
    comp = summary['compliance']
    assert text.startswith('# ')
    assert comp['pct'] == 50.0
    assert '**Compliance: 50.0%**' in text
    assert 'threshold 90.0%: **not met**' in text
    assert 'Counted results: %d, of which passing: %d' % (comp['counted'], comp['passing']) in text
    assert 'Subjects compliant: 1 of 6' in text
    assert 'Check mode: yes' in text
    assert '| Fail | %d | yes |' % summary['totals']['fail'] in text
    assert '| N/A | %d | no |' % summary['totals']['not_applicable'] in text
    assert '| attestations.csv | csv | failed | 0 | 1 | parse error &lt;line 3&gt; |' in text
    # Section order is natural: 2.1, 2.2, 2.9, 2.10, 3.1, then 3.2 by id.
    controls_section = _section(text, '## Controls')
    controls_part = [m.group(1) for m in re.finditer(r'^\| (SIG-[A-Z]+-\d+) \| ', controls_section, re.M)]
    assert controls_part == ['SIG-DSK-01', 'SIG-DSK-02', 'SIG-FLT-01', 'SIG-DSK-10',
                             'SIG-MOB-01', 'SIG-MOB-02', 'SIG-MOB-03']
    tail = text.rstrip().rsplit('\n', maxsplit=1)[-1]
    assert 'CERT-EU' in tail and '"Hardening Signal"' in tail and '22-002' in tail
    assert 'v1.0' in tail and 'CC BY 4.0' in tail


def test_attention_lists_problem_subjects_only():
    text = render_markdown(sample_summary())
    section = _section(text, '## Subjects that need attention (5)')
    assert 'alice-laptop' not in section and 'ws-001' not in section  # all pass
    for needle in ('&lt;img src=x onerror=alert(1)&gt;', 'build\\_host\\_\\*7\\*', 'Bob', 'Pixel \\[lab\\]', 'mob-003'):
        assert needle in section
    # Unreachable and invalid subjects come first.
    assert section.index('build\\_host') < section.index('&lt;img')
    assert 'State: **unreachable**' in section and 'State: **invalid**' in section
    # Passing and not-applicable results are not repeated there.
    assert 'iOS 17.5' not in section and 'Android only' not in section
    assert 'waiver W-12' not in section


def test_attention_and_input_errors_are_bounded():
    summary = large_summary(1000, results_per_subject=3, n_input_errors=230)
    text = render_markdown(summary)
    needing = sum(1 for i in range(1000) if i % 4 == 0 or i % 50 == 49)
    assert '## Subjects that need attention (%d)' % needing in text
    listed = sum(1 for line in text.split('\n') if line.startswith('**host-'))
    assert listed == 200
    assert '%d more subjects need attention; see fleet-summary.json' % (needing - 200) in text
    assert '## Input errors (230)' in text
    assert '30 more input errors; see fleet-summary.json' in text
    assert text.count('| bulk.csv |') == 200


def test_nothing_counted():
    summary = large_summary(0)
    text = render_markdown(summary)
    assert '**Compliance: n/a**' in text and 'not met: nothing was counted' in text
    assert 'None: every subject was reached' in text


@pytest.mark.parametrize('threshold, headline, gate_line', [
    (0.0, '(threshold 0.0%: **met only because the threshold is 0%: nothing was counted**)', '**Gate: passed**: nothing was counted'),
    (50.0, '(threshold 50.0%: **not met: nothing was counted**)', '**Gate: FAILED**'),
])
def test_nothing_counted_reads_the_same_in_the_headline_and_the_gate(threshold, headline, gate_line):
    # A workstation without Signal: every result not applicable. The headline and the gate agree on the threshold.
    summary = large_summary(0)
    summary['run']['threshold_pct'] = threshold
    summary['gate'] = evaluate_gate(summary, {}, threshold)
    text = render_markdown(summary)
    assert headline in text and gate_line in text
    html = render_html(summary)
    verdict = 'Threshold %s: %s' % (format_pct(threshold), threshold_verdict(summary))
    assert verdict in html and ('Threshold %s: %s</li>' % (format_pct(threshold), 'met' if threshold == 0 else 'not met')) in html


# ---- the optional sections: gate, run history (trend, changes), people, waivers, attestations -------

def _headings(text):
    return [line for line in text.split('\n') if line.startswith('## ')]


def test_an_older_summary_without_the_new_sections_still_renders():
    text = render_markdown(strip_governance(sample_summary()))
    assert _headings(text) == ['## Results by status', '## Sources', '## Controls',
                               '## Subjects that need attention (5)', '## What to do, per control', '## Input errors (2)']
    for absent in ('Gate', 'failing since', 'People', 'Waivers', 'Attestations', 'Run history', '(from '):
        assert absent not in text, absent
    for table in _tables(text):
        assert all(len(_cells(row)) == len(_cells(table[0])) for row in table)


def test_every_new_section_is_shown_in_order():
    assert _headings(render_markdown(sample_summary())) == [
        '## Results by status', '## Run history', '## Sources', '## Controls', '## Subjects that need attention (5)',
        '## What to do, per control', '## People (3)', '## Waivers (4)', '## Attestations', '## Input errors (2)']


def test_the_gate_is_in_the_headline_with_each_crossed_line():
    text = render_markdown(sample_summary())
    head = text.split('## Results by status', 1)[0]
    assert '**Gate: FAILED**, 3 lines crossed:' in head
    # The sample's failed and incomplete sources fail the run: the report says so first.
    assert ('- MDM sources failed or stopped part-way: workstations; attestations.csv '
            '(signal\\_hardening\\_fail\\_on\\_incomplete\\_sources is true)') in head
    assert '- MDM sources (the gate\'s first check): 2 MDM sources incomplete (workstations; attestations.csv)' in head
    assert '- Remediation: no failure' in head
    assert '- Compliance 50.0% is below the threshold 90.0%' in head
    assert '- High severity: 1 result in state fail, limit 0: SIG-DSK-01 \u00d71' in head
    assert ('- Failing results per severity (the gate\'s limits): **high 1 (limit 0), crossed**, '
            'medium 0 (no limit), low 1 (limit 5)') in head
    assert head.index('**Gate') < head.index('- Counted results')


def test_a_gate_that_passed():
    summary = sample_summary()
    summary['gate'] = evaluate_gate(summary, {'high': 5}, 0, accept_incomplete_sources=True)
    text = render_markdown(summary)
    assert ('**Gate: passed**: MDM sources workstations, attestations.csv failed or stopped part-way, accepted '
            '(signal\\_hardening\\_fail\\_on\\_incomplete\\_sources is false); compliance and every failure limit are met.') in text
    assert '2 MDM sources incomplete (workstations; attestations.csv), accepted' in text
    assert 'FAILED' not in text and 'crossed' not in text


def test_a_gate_whose_fields_name_nothing_falls_back_to_its_lines():
    summary = sample_summary()
    summary['gate'] = {'passed': False, 'compliance': {'pct': 50.0, 'threshold_pct': 0, 'met': True},
                       'severities': {}, 'lines': ['custom | line <b>'], 'message': 'x'}
    text = render_markdown(summary)
    assert '**Gate: FAILED**, 1 line crossed:' in text and '- custom \\| line &lt;b&gt;' in text


def test_many_controls_over_a_limit_are_bounded_in_the_gate_line():
    gate = {'passed': False, 'compliance': {'pct': 99.0, 'threshold_pct': 90, 'met': True},
            'severities': {'high': {'failures': 30, 'limit': 0, 'crossed': True,
                                    'controls': [{'id': 'C-%d' % i, 'failures': 2} for i in range(15)]}},
            'lines': [], 'message': ''}
    (line,) = gate_crossed(gate)
    assert line.startswith('High severity: 30 results in state fail, limit 0: C-0 \u00d72, ')
    assert 'C-9 \u00d72 and 5 more controls' in line and 'C-10' not in line


def test_failing_since_next_to_each_failing_result():
    text = render_markdown(sample_summary())
    section = _section(text, '## Subjects that need attention (5)')
    assert '| SIG-DSK-01 | Fail, failing since 2025-10-01 | Signal 6.2.0 &lt; 7.30.0 |' in section
    assert '| SIG-MOB-01 | Manual, failing since 2025-09-03 |' in section
    assert section.count('failing since') == 5
    # Where the owner came from.
    assert 'owner mallory@example.org (from inventory)' in section and '(from MDM)' in section


def test_short_date():
    assert short_date('2025-11-19T10:00:00Z') == '2025-11-19'
    assert short_date('2025-11-19 10:00') == '2025-11-19' and short_date('2025-11-19') == '2025-11-19'
    assert short_date('yesterday <b>') == 'yesterday <b>' and short_date(None) == ''


def test_run_history_trend_and_changes():
    text = render_markdown(sample_summary())
    section = _section(text, '## Run history')
    assert '- Runs recorded: 14; this run: #14' in section
    assert '- Previous run: #13 at 2025-11-19T10:00:00Z' in section
    assert '### Trend (last 12 runs of 14)' in section
    trend = next(t for t in _tables(section) if 'Check mode' in t[0])
    assert len(trend) == 2 + 12
    assert trend[2].startswith('| #3 |') and trend[-1] == '| #14 | 2025-11-26T10:00:00Z | 50.0% | -20.0 | yes |'
    assert '| #4 | 2025-09-17T10:00:00Z | n/a | — | no |' in section  # a run that counted nothing
    assert '| #10 | 2025-10-29T10:00:00Z | 77.7% | -4.1 | no |' in section  # as the percentages read
    assert '### Changes since run #13 (2025-11-19T10:00:00Z)' in section
    assert '**2 newly failing**, 1 fixed.' in section
    assert '| ws-002 | SIG-DSK-10 | Fail | Pass |' in section and '| mob-002 | SIG-MOB-02 | Error | not judged |' in section
    assert '| ws-001 | SIG-DSK-02 | Pass | Unknown |' in section
    assert '| SIG-DSK-02 | 0 | 1 |' in section


def test_history_off_error_and_first_run():
    summary = history_off_summary()
    section = _section(render_markdown(summary), '## Run history')
    assert 'The run history is off' in section and 'Trend' not in section and 'Changes' not in section

    summary = sample_summary()
    summary['history']['error'] = 'database is locked | <retry>'
    assert ('**This run could not be recorded in the history**: database is locked \\| &lt;retry&gt;'
            in render_markdown(summary))

    summary = sample_summary()
    summary['history'].update(runs=1, run_id=1, previous_run=None)
    summary['changes'].update(previous_run=None)
    summary['trend'] = summary['trend'][-1:]
    section = _section(render_markdown(summary), '## Run history')
    assert '- Previous run: none, this is the first recorded run' in section
    assert 'None to show: this is the first recorded run.' in section and '### Trend (1 run)' in section


def test_changes_are_bounded_and_say_how_many_are_not_listed():
    summary = large_summary(2000, results_per_subject=3)
    newly = summary['changes']['newly_failing']
    assert newly['count'] == 500 and len(newly['items']) == 100 and newly['truncated']
    section = _section(render_markdown(summary, max_changes=20), '## Run history')
    assert '**500 newly failing**, 0 fixed.' in section and '**Newly failing** (20 of 500):' in section
    assert section.count('| fail |') == 0 and section.count('| Fail | Pass |') == 20
    assert '480 more are counted but not listed' in section
    assert '### Trend (last 12 runs of 30)' in section


def test_people_section():
    text = render_markdown(sample_summary())
    section = _section(text, '## People (3)')
    assert '- Every device compliant: 0; with a failing device: 3' in section
    assert '- Subjects without a known owner: 1 phone, 1 workstation' in section
    rows = next(_tables(section))
    assert rows[0] == '| Person | Phones | Workstations | Status |'
    # Most failing first: mallory's workstation fails three controls.
    assert rows[2] == '| mallory@example.org | — | ws-002 (windows, failing 3) | workstation failing three controls |'
    assert rows[3] == ('| alice@example.org | mob-002 (android, failing 1) | ws-001 (linux, compliant) '
                       '| phone failing one control; workstation compliant |')
    # The hostile owner is inert text, in one cell.
    hostile = md(HOSTILE_OWNER.lower())
    assert '| %s | mob-001 (ios, failing 1) | — |' % hostile in section
    assert '<img' not in text and '<b>' not in text and 'bob "&lt;b&gt;"&lt;img src=x onerror=alert(5)&gt;' in section


def test_people_are_bounded_failing_first_and_devices_too():
    summary = large_summary(1000, results_per_subject=3)
    people = summary['people']['items']
    failing = sum(1 for p in people if p['counts']['failing'])
    assert len(people) == 980 and failing == 250
    section = _section(render_markdown(summary, max_people=100), '## People (980)')
    rows = next(_tables(section))[2:]
    assert len(rows) == 100 and all('failing 1' in row for row in rows)
    assert '880 more people; see fleet-summary.json' in section
    # One person with many devices: the cell names the first ten.
    summary = sample_summary()
    person = summary['people']['items'][0]
    person['workstations'] = [dict(person['workstations'][0], id='ws-%03d' % i) for i in range(25)]
    row = next(line for line in render_markdown(summary).split('\n') if line.startswith('| alice@'))
    assert 'ws-009' in row and 'ws-010' not in row and 'and 15 more' in row


def test_people_with_nobody_known():
    summary = large_summary(0)
    section = _section(render_markdown(summary), '## People (0)')
    assert 'No subject has a known owner.' in section


def test_owner_from_a_signal_profile_is_said():
    summary = sample_summary()
    summary['subjects'][0].update(owner='alice@ws-001', owner_source='signal_profile')
    text = render_markdown(derive(summary))
    assert 'ws-001 (linux, compliant, owner from the Signal profile)' in text


def test_waivers_section_shows_every_state_problems_first():
    text = render_markdown(sample_summary())
    section = _section(text, '## Waivers (4)')
    assert 'By state: active: 1, **unmatched: 1**, **expired: 1**, **invalid: 1**; results waived: 1.' in section
    rows = next(_tables(section))
    assert [_cells(r)[0].strip() for r in rows[2:]] == ['W-07', 'W-16', 'W-15', 'W-12']
    expired = _cells(rows[2])
    assert expired[4].strip() == '**EXPIRED**: not applied' and expired[5].strip() == '2025-10-31 (26 days ago)'
    assert _cells(rows[3])[4].strip().startswith('**INVALID**: not applied: control: unknown control SIG-NOPE-99')
    unmatched = _cells(rows[4])
    assert unmatched[4].strip() == '**unmatched**: in force, covers no result'
    assert unmatched[2].strip() == 'platforms: android; subjects: mob-009' and unmatched[7].strip() == '—'
    active = _cells(rows[5])
    assert [c.strip() for c in active[:8]] == ['W-12', 'SIG-MOB-01', 'subjects: mob-002', 'ciso@example.org', 'active',
                                               '2025-12-31 (in 35 days)', '1', 'SEC-1432']
    # The hostile justification: one cell, no markup, no link.
    assert active[8].strip() == ('Lab phone \\| PIN reset pending &lt;script&gt;alert("waiver")&lt;/script&gt; '
                                 '\\*see\\* \\`SEC-1432\\` &amp; \\[ticket\\](javascript:alert(6))')
    assert '<script' not in text
    assert '| /etc/signal-hardening/waivers-2024.json | **failed**: nothing in it was used | 0 | 0 |' in section


def test_waivers_are_bounded_but_expired_ones_come_first():
    summary = large_summary(400, results_per_subject=3)
    assert len(summary['waivers']['items']) == 300
    section = _section(render_markdown(summary, max_waivers=120), '## Waivers (300)')
    states = [_cells(r)[4].strip() for r in next(_tables(section))[2:]]
    assert len(states) == 120
    assert states[:75] == ['**EXPIRED**: not applied'] * 75  # every expired one is listed
    assert all(s.startswith('**INVALID**') for s in states[75:120])
    assert '180 more waivers; see fleet-summary.json' in section


def test_no_waivers():
    summary = sample_summary()
    summary['waivers'] = {'counts': dict.fromkeys(('active', 'unmatched', 'expired', 'invalid', 'results_waived'), 0),
                          'files': [], 'items': []}
    section = _section(render_markdown(summary), '## Waivers (0)')
    assert 'No waivers were given.' in section and '**' not in section


def test_attestations_section():
    section = _section(render_markdown(sample_summary()), '## Attestations')
    assert 'Answers: 9, valid: 8, left out for a mistake: **1** (each is listed under Input errors).' in section
    assert 'Validity set by the organisation: SIG-MOB-01: 90 days.' in section
    assert '| survey-2025q4.csv | read | 9 | 1 | 9 answer(s), 1 left out |' in section
    assert '| attestations.csv | **failed**: nothing in it was used | 0 | 0 |' in section


def test_new_sections_stay_small_for_a_large_fleet():
    small = render_markdown(large_summary(5000, results_per_subject=3))
    large = render_markdown(large_summary(50000, results_per_subject=3))
    assert len(large) < len(small) * 1.1  # every list is bounded: the fleet's size barely shows
