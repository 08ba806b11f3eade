# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser

import pytest

from ansible_collections.hardening.signal.plugins.module_utils.report import render_html as rh
from ansible_collections.hardening.signal.plugins.module_utils.report.render_html import render_html
from ansible_collections.hardening.signal.tests.unit.plugins.module_utils.report.sample_summary import (
    STATUSES,
    XSS_NAME,
    derive,
    large_summary,
    sample_summary,
)

_URL_IN_CSS = re.compile(r'url\s*\(|@import', re.I)


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = []  # (tag, attrs dict)
        self.text = []
        self.styles = []
        self.scripts = []
        self._in = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in = tag if tag in ('style', 'script') else None

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        {'style': self.styles, 'script': self.scripts}.get(self._in, self.text).append(data)


def _parse(document):
    parser = _Collector()
    parser.feed(document)
    parser.close()
    return parser


@pytest.fixture(scope='module')
def page():
    return render_html(sample_summary())


@pytest.fixture(scope='module')
def parsed(page):
    return _parse(page)


def test_is_one_document(page):
    assert page.startswith('<!DOCTYPE html>')
    assert page.rstrip().endswith('</html>')
    assert page.count('<html') == 1 and page.count('<body') == 1


def test_no_external_assets(page, parsed):
    for tag, attrs in parsed.tags:
        assert tag not in ('link', 'img', 'iframe', 'object', 'embed', 'base', 'use', 'image', 'foreignobject'), tag
        for name in ('src', 'href', 'xlink:href', 'srcset', 'action', 'data', 'poster', 'formaction'):
            value = attrs.get(name)
            assert value is None or value.startswith('#'), (tag, name, value)
        assert not _URL_IN_CSS.search(attrs.get('style') or ''), attrs
        assert not any('://' in (value or '') for value in attrs.values()), (tag, attrs)
    assert not any(_URL_IN_CSS.search(css) for css in parsed.styles)
    # One script, inline; it makes no request of any kind.
    assert [tag for tag, _attrs in parsed.tags if tag == 'script'] == ['script']
    script = ''.join(parsed.scripts)
    for word in ('://', 'fetch', 'XMLHttpRequest', 'import', 'src', 'href', 'location', 'WebSocket', 'eval',
                 'innerHTML', 'outerHTML', 'insertAdjacentHTML', 'document.write', 'Function(', 'setTimeout'):
        assert word not in script, word
    # The only URL anywhere is the licence's, as plain text in the footer.
    assert re.findall(r'[a-z]+://[^\s<)]*', page) == ['https://creativecommons.org/licenses/by/4.0/']


def test_xss_device_name_is_inert_text(page, parsed):
    assert '&lt;img src=x onerror=alert(1)&gt;' in page
    assert '<img' not in page and page.count('<script') == 1
    assert '&lt;script&gt;alert(1)&lt;/script&gt;' in page
    assert not any(entry[0] == 'img' for entry in parsed.tags)
    assert [entry[1] for entry in parsed.tags if entry[0] == 'script'] == [{}]  # only the report's own
    assert XSS_NAME in ''.join(parsed.text)  # shown to the reader as text
    assert not any(name.startswith('on') for entry in parsed.tags for name in entry[1])


def test_light_and_dark(page):
    assert '@media (prefers-color-scheme:dark)' in page
    assert 'name="color-scheme" content="light dark"' in page


def test_headline_totals_sources_and_controls(page, parsed):
    summary = sample_summary()
    text = ' '.join(' '.join(parsed.text).split())
    assert '50.0%' in text and 'Threshold 90.0%: not met' in text
    assert 'Subjects compliant 1 of 6' in text
    comp = summary['compliance']
    assert 'Counted results %s (passing %s)' % (comp['counted'], comp['passing']) in text
    for status, label in (('pass', 'Pass'), ('fail', 'Fail'), ('not_applicable', 'N/A')):
        assert 'class="badge s-%s">%s</span></td><td class="n">%s<' % (status, label, summary['totals'][status]) in page
    for control in summary['controls']:
        assert '<td class="ctl"><span class="id">%s</span><br>%s</td>' % (control['id'], control['title']) in page
    assert 'Intune | prod' in text and 'parse error <line 3>' in text
    assert 'CERT-EU' in text and 'Hardening Signal' in text and '22-002' in text and 'v1.0' in text
    assert 'CC BY 4.0' in text


def test_attention_section(parsed):
    text = ' '.join(' '.join(parsed.text).split())
    section = text.split('Subjects that need attention (5)', 1)[1].split('Input errors', 1)[0]
    assert 'alice-laptop' not in section
    assert 'note-to-self | expires 1w second line' in section
    assert 'Connection timed out' in section and 'record has no device id' in section
    assert 'iOS 17.5' not in section


def test_bounded_lists_say_how_many_more():
    summary = large_summary(3000, results_per_subject=3, n_input_errors=510)
    page = render_html(summary)
    needing = sum(1 for i in range(3000) if i % 4 == 0 or i % 50 == 49)
    assert 'Subjects that need attention (%s)' % format(needing, ',') in page
    assert page.count('<ul class="findings">') == 500
    assert '%s more subjects need attention; see fleet-summary.json' % format(needing - 500, ',') in page
    assert 'Input errors (510)' in page
    assert '10 more input errors; see fleet-summary.json' in page
    assert page.count('<td>bulk.csv</td>') == 500


def _csp(parsed):
    metas = [attrs for tag, attrs in parsed.tags if tag == 'meta' and attrs.get('http-equiv') == 'Content-Security-Policy']
    assert len(metas) == 1
    return dict((part.strip().split(' ', 1) + [''])[:2] for part in metas[0]['content'].split(';') if part.strip())


def test_csp_allows_exactly_the_inline_script_by_its_hash(page, parsed):
    policy = _csp(parsed)
    script = ''.join(parsed.scripts)
    digest = base64.b64encode(hashlib.sha256(script.encode('utf-8')).digest()).decode()
    assert policy['script-src'] == "'sha256-%s'" % digest
    assert policy['default-src'] == "'none'" and policy['style-src'] == "'unsafe-inline'"
    assert policy['base-uri'] == "'none'" and policy['form-action'] == "'none'"
    assert 'img-src' not in policy and 'connect-src' not in policy
    assert "'unsafe-inline'" not in policy['script-src'] and "'unsafe-eval'" not in page
    # The meta tag comes before the script, in <head>.
    assert page.index('Content-Security-Policy') < page.index('<script>') and page.index('</head>') < page.index('<script>')
    assert rh.script_hash() == "'sha256-%s'" % digest


def test_script_holds_no_data():
    # Two very different fleets: the very same script, hence the same hash.
    first, second = _parse(render_html(sample_summary())), _parse(render_html(large_summary(60)))
    assert ''.join(first.scripts) == ''.join(second.scripts) == rh._SCRIPT
    assert _csp(first) == _csp(second)


def test_charts_are_inline_svg(page, parsed):
    summary = sample_summary()
    svgs = [attrs for tag, attrs in parsed.tags if tag == 'svg']
    assert sum(1 for a in svgs if a.get('class') == 'chart') == 1
    assert sum(1 for a in svgs if a.get('class') == 'stack') == len(summary['controls'])
    assert all('xmlns' not in a for a in svgs)  # inline SVG in HTML needs no namespace URL
    # The status chart: one bar per status with results, to scale (pass has the most here).
    bars = {a['class'][2:]: float(a['width']) for tag, a in parsed.tags
            if tag == 'rect' and a.get('class', '').startswith('f-') and a['class'] != 'f-none' and a.get('height') == '20'}
    totals = summary['totals']
    assert set(bars) == {s for s in STATUSES if totals[s]}
    peak = max(totals.values())
    for status, width in bars.items():
        assert abs(width - 364.0 * totals[status] / peak) < 0.01 or width == 2.0
    # A stacked bar per control: its parts add up to the whole width, in the order of STACK_STATUSES.
    for control in summary['controls']:
        counts = control['counts']
        judged = sum(counts[s] for s in rh.STACK_STATUSES)
        svg = rh._stacked_bar(counts)
        widths = [float(w) for w in re.findall(r'width="([0-9.]+)" height="12" class="f-(?!none)', svg)]
        if judged:
            assert abs(sum(widths) - 100.0) < 0.01
            assert re.findall(r'class="f-([a-z_]+)"', svg) == [s for s in rh.STACK_STATUSES if counts[s]]
        else:
            assert widths == [] and 'class="f-none"' in svg


def test_charts_follow_the_colour_scheme(page):
    light, dark = page.split('@media (prefers-color-scheme:dark)', 1)
    for status in rh.STACK_STATUSES:
        assert '--c-%s:' % status in light and '--c-%s:' % status in dark
        assert '.f-%s{fill:var(--c-%s)}' % (status, status) in page


def test_tables_are_sortable_and_filterable(parsed):
    tables = {a.get('id'): a for tag, a in parsed.tags if tag == 'table' and 'data-live' in a}
    assert set(tables) == {'controls-table', 'attention-table'}
    ids = {a.get('id'): a for tag, a in parsed.tags if a.get('id')}
    for table in tables.values():
        tools = ids[table['data-tools']]
        assert 'hidden' in tools  # shown by the script; without it the page has no dead controls
    sorts = [a['data-sort'] for tag, a in parsed.tags if tag == 'th' and 'data-sort' in a]
    assert sorts.count('num') == 9 and sorts.count('text') == 7
    boxes = [a['value'] for tag, a in parsed.tags if tag == 'input' and a.get('type') == 'checkbox']
    assert boxes == ['pass', 'fail', 'unknown', 'manual', 'waived', 'error', 'not_applicable',
                     'fail', 'unknown', 'manual', 'error', 'uncollected']
    assert all('checked' in a for tag, a in parsed.tags if tag == 'input' and a.get('type') == 'checkbox')


def test_status_tokens_are_a_fixed_vocabulary():
    summary = sample_summary()
    summary['subjects'][1]['results'][0]['status'] = 'fail" onmouseover="x'  # not schema-valid; still inert
    summary['controls'][0]['counts']['x" y'] = 3
    page = render_html(summary)
    parsed = _parse(page)
    allowed = set(STATUSES) | {'uncollected'}
    tokens = [t for tag, a in parsed.tags if 'data-status' in a for t in a['data-status'].split()]
    assert tokens and set(tokens) <= allowed
    assert not any(name.startswith('on') for entry in parsed.tags for name in entry[1])
    values = [a['data-v'] for tag, a in parsed.tags if 'data-v' in a]
    assert values and all(re.match(r'^-?[0-9.]+$', v) for v in values)


def test_attention_rows_carry_their_statuses(parsed):
    rows = [a['data-status'] for tag, a in parsed.tags if tag == 'tr' and 'data-status' in a][7:]  # after controls
    assert sorted(rows) == sorted(['uncollected', 'uncollected', 'fail unknown', 'error', 'manual'])


def test_hostile_control_title_in_the_chart_table():
    summary = sample_summary()
    summary['controls'][0]['title'] = '<svg onload=alert(1)>'
    summary['controls'][0]['id'] = '"><script>alert(2)</script>'
    for subject in summary['subjects']:
        for result in subject['results']:
            if result['control'] == 'SIG-DSK-01':
                result['control'] = summary['controls'][0]['id']
    page = render_html(derive(summary))
    assert '&lt;svg onload=alert(1)&gt;' in page and '&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;' in page
    assert page.count('<script') == 1 and '<svg onload' not in page
