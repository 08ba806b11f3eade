# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import json
import re

import pytest

from ansible_collections.hardening.signal.plugins.module_utils.report.render_markdown import (
    format_pct,
    md,
    render_markdown,
)
from ansible_collections.hardening.signal.tests.unit.plugins.module_utils.report.sample_summary import (
    SCHEMA_PATH,
    large_summary,
    sample_summary,
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


@pytest.mark.parametrize('build', [sample_summary, lambda: large_summary(300, 5, 250)])
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
    assert len(cells) == 3
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
    order = [m.group(1) for m in re.finditer(r'^\| (SIG-[A-Z]+-\d+) \| ', text, re.M)]
    controls_part = order[:7]
    assert controls_part == ['SIG-DSK-01', 'SIG-DSK-02', 'SIG-FLT-01', 'SIG-DSK-10',
                             'SIG-MOB-01', 'SIG-MOB-02', 'SIG-MOB-03']
    tail = text.rstrip().rsplit('\n', maxsplit=1)[-1]
    assert 'CERT-EU' in tail and '"Hardening Signal"' in tail and '22-002' in tail
    assert 'v1.0' in tail and 'CC BY 4.0' in tail


def test_attention_lists_problem_subjects_only():
    text = render_markdown(sample_summary())
    section = text.split('## Subjects that need attention (5)', 1)[1].split('## Input errors', 1)[0]
    assert 'alice' not in section  # all pass
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
    assert '**Compliance: n/a**' in text and 'not met, nothing was counted' in text
    assert 'None: every subject was reached' in text
