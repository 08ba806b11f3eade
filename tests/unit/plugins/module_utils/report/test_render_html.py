# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import base64
import hashlib
import re
from html import escape
from html.parser import HTMLParser

import pytest

from ansible_collections.hardening.signal.plugins.module_utils.fleet.gate import evaluate_gate
from ansible_collections.hardening.signal.plugins.module_utils.report import render_html as rh
from ansible_collections.hardening.signal.plugins.module_utils.report.render_html import render_html
from ansible_collections.hardening.signal.tests.unit.plugins.module_utils.report.sample_summary import (
    HOSTILE_JUSTIFICATION,
    HOSTILE_OWNER,
    STATUSES,
    XSS_NAME,
    derive,
    history_off_summary,
    large_summary,
    sample_summary,
    strip_governance,
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


# ---- the optional sections: gate, run history (trend, changes), people, waivers, attestations -------

def _text(parsed):
    return ' '.join(' '.join(parsed.text).split())


def _h2(page):
    return [re.sub(r'<[^>]+>', '', h) for h in re.findall(r'<h2>(.*?)</h2>', page)]


def _between(page, start, end='<h2>'):
    return page.split(start, 1)[1].split(end, 1)[0]


def test_an_older_summary_without_the_new_sections_still_renders():
    page = render_html(strip_governance(sample_summary()))
    assert _h2(page) == ['Results by status', 'Sources', 'Controls', 'Subjects that need attention (5)',
                         'What to do, per control', 'Input errors (2)']
    for absent in ('class="card gate', 'svg class="trend"', 'failing since', 'People', 'Waivers', 'Attestations',
                   'Run history', '>from '):
        assert absent not in page, absent
    _parse(page)


def test_every_new_section_is_shown_in_order(page):
    assert _h2(page) == ['Results by status', 'Run history', 'Sources', 'Controls', 'Subjects that need attention (5)',
                         'What to do, per control', 'People (3)', 'Waivers (4)', 'Attestations', 'Input errors (2)']


def test_the_gate_is_right_under_the_headline(page):
    assert page.index('<section class="card headline">') < page.index('<section class="card gate failed"') \
        < page.index('<h2>Results by status</h2>')
    gate = _between(page, '<section class="card gate failed"', '</section>')
    assert 'Gate failed: 3 lines crossed' in gate
    assert ('<li>MDM sources failed or stopped part-way: workstations; attestations.csv '
            '(signal_hardening_fail_on_incomplete_sources is true)</li>') in gate
    assert '<li class="chip bad">Sources: 2 MDM sources incomplete (workstations; attestations.csv)</li>' in gate
    assert '<li class="chip">Remediation: no failure</li>' in gate
    assert '<li>Compliance 50.0% is below the threshold 90.0%</li>' in gate
    assert '<li>High severity: 1 result in state fail, limit 0: SIG-DSK-01 \u00d71</li>' in gate
    assert '<li class="chip bad">High: <b>1</b> failing, limit 0</li>' in gate
    assert '<li class="chip">Medium: <b>0</b> failing, no limit</li>' in gate


def test_a_gate_that_passed():
    summary = sample_summary()
    summary['gate'] = evaluate_gate(summary, {}, 0, accept_incomplete_sources=True)
    page = render_html(summary)
    assert '<section class="card gate" aria-labelledby="gate-verdict">' in page
    assert 'Gate passed' in page and 'compliance and every failure limit are met' in page and 'Gate failed' not in page


def test_failing_since_next_to_each_failing_result(page):
    section = _between(page, 'Subjects that need attention (5)')
    assert section.count('failing since') == 5
    assert ('<span class="id">SIG-DSK-01</span> Signal 6.2.0 &lt; 7.30.0 <span class="since" '
            'title="2025-10-01T10:00:00Z">&middot; failing since 2025-10-01</span>') in section
    assert 'mallory@example.org<br><span class="muted">from inventory</span>' in section


def test_trend_chart(page, parsed):
    summary = sample_summary()
    svgs = [a for tag, a in parsed.tags if tag == 'svg' and a.get('class') == 'trend']
    assert len(svgs) == 1 and svgs[0]['role'] == 'img'
    chart = _between(page, '<svg class="trend"', '</svg>')
    # Run 4 counted nothing: the line breaks there, into two pieces; every run has its point.
    assert chart.count('<polyline class="tl"') == 2
    assert chart.count('<circle class="pt') == len(summary['trend']) == 14
    assert chart.count('class="pt na"') == 1 and chart.count('class="pt cm"') == 4
    assert 'Run #4, 2025-09-17T10:00:00Z: nothing was counted' in chart
    assert '<text class="thl"' in chart and 'threshold 90.0%' in chart and '<text class="now"' in chart
    assert '>50.0%</text>' in chart
    # Every coordinate inside the drawing.
    for name, value in re.findall(r'\b(cx|cy|x|y|x1|x2|y1|y2)="(-?[0-9.]+)"', chart):
        assert 0 <= float(value) <= (720 if name.startswith('x') or name == 'cx' else 250), (name, value)
    for pair in re.findall(r'points="([^"]+)"', chart):
        for point in pair.split():
            x, y = (float(v) for v in point.split(','))
            assert 52 <= x <= 660 and 16 <= y <= 214
    # The numbers, too, for a reader without the chart.
    table = _between(page, '<summary>Every run, as numbers</summary>', '</details>')
    assert table.count('<tr><td class="n">#') == 14 and '<td class="n">-20.0</td>' in table


def test_trend_chart_follows_the_colour_scheme(page):
    light, dark = page.split('@media (prefers-color-scheme:dark)', 1)
    assert 'svg.trend .tl{fill:none;stroke:var(--c-manual)' in page and 'svg.trend .thr{stroke:var(--bad)' in page
    for variable in ('--c-manual:', '--bad:', '--line:', '--muted:', '--card:'):
        assert variable in light and variable in dark.split('}}', 1)[0]


@pytest.mark.parametrize('pcts', [[None], [42.0], [None, None], [100.0, 100.0, 99.99], [0.0, 100.0]])
def test_trend_chart_edge_cases(pcts):
    trend = [{'run_id': i + 1, 'generated_at': '2025-11-%02dT10:00:00Z' % (i + 1), 'pct': p, 'check_mode': False}
             for i, p in enumerate(pcts)]
    svg = rh._trend_chart(trend, 90)
    assert svg.count('<circle') == len(pcts) and 'nan' not in svg.lower()
    assert svg.count('<polyline') == (1 if sum(p is not None for p in pcts) > 1 else 0)


def test_trend_is_bounded():
    summary = sample_summary()
    page = render_html(summary, max_trend=5)
    assert 'Compliance over the last 5 runs of 14' in page
    assert _between(page, '<svg class="trend"', '</svg>').count('<circle') == 5


def test_changes(page):
    section = _between(page, '<h3>Changes since run #13 (2025-11-19T10:00:00Z)</h3>')
    assert '<li class="chip bad"><b>2</b> newly failing</li><li class="chip good"><b>1</b> fixed</li>' in section
    assert ('<tr><td>ws-002</td><td class="id">SIG-DSK-10</td><td><span class="badge s-fail">Fail</span></td>'
            '<td><span class="badge s-pass">Pass</span></td></tr>') in section
    assert '<span class="muted">not judged</span>' in section
    assert '<h4>Fixed (1 of 1)</h4>' in section


def test_changes_are_bounded():
    page = render_html(large_summary(2000, results_per_subject=3), max_changes=10)
    assert '<h4>Newly failing (10 of 500)</h4>' in page
    assert '490 more are counted but not listed' in page


def test_history_off_and_error():
    summary = history_off_summary()
    page = render_html(summary)
    assert 'The run history is off' in page and '<svg class="trend"' not in page and 'Changes' not in page
    summary = sample_summary()
    summary['history']['error'] = 'database is locked <script>x</script>'
    page = render_html(summary)
    assert ('<p class="alert" role="alert"><strong>This run could not be recorded in the history:</strong> '
            'database is locked &lt;script&gt;x&lt;/script&gt;') in page


def test_people(page, parsed):
    section = _between(page, '<h2>People (3)</h2>')
    assert '<b>3</b> with a failing device' in section and '<b>1 phone</b>, <b>1 workstation</b>' in section
    rows = re.findall(r'<tr( class="[a-z]+")?><td class="w">(.*?)</td>', section)
    assert [owner for _tone, owner in rows] == ['mallory@example.org', 'alice@example.org', escape(HOSTILE_OWNER.lower())]
    assert all(tone == ' class="bad"' for tone, _owner in rows)
    assert ('<li><span class="id">ws-002</span> <span class="muted">windows</span> '
            '<span class="badge s-fail">failing 3</span></li>') in section
    assert '<span class="badge s-pass">compliant</span>' in section
    # The hostile owner is text: shown as written, no element made of it.
    assert HOSTILE_OWNER.lower() in _text(parsed)
    assert '<img' not in page and '<b>"' not in page


def test_people_are_bounded_failing_first():
    page = render_html(large_summary(1000, results_per_subject=3), max_people=40)
    section = _between(page, '<h2>People (980)</h2>')
    assert section.count('<tr class="bad">') == 40 and section.count('<tr>') == 1 + 0  # the header row only
    assert '940 more people; see fleet-summary.json' in section


def test_waivers(page, parsed):
    section = _between(page, '<h2>Waivers (4)</h2>')
    assert ('<li class="chip">active: <b>1</b></li><li class="chip warn">unmatched: <b>1</b></li>'
            '<li class="chip bad">expired: <b>1</b></li><li class="chip err">invalid: <b>1</b></li>') in section
    assert re.findall(r'<tr(?: class="([a-z]+)")?><td class="id">(W-\d+)</td>', section) == [
        ('bad', 'W-07'), ('bad', 'W-16'), ('warn', 'W-15'), ('', 'W-12')]
    assert '<span class="badge s-fail">expired: not applied</span>' in section
    assert '<span class="badge s-unknown">unmatched: covers nothing</span>' in section
    assert '2025-10-31<br><span class="muted">26 days ago</span>' in section
    # The hostile justification is inert text.
    assert ('Lab phone | PIN reset pending\n&lt;script&gt;alert(&quot;waiver&quot;)&lt;/script&gt; *see* '
            '`SEC-1432` &amp; [ticket](javascript:alert(6))') in section
    assert HOSTILE_JUSTIFICATION.replace('\n', ' ') in _text(parsed)
    # The only links are the report's own, to a control's steps on the same page.
    assert page.count('<script') == 1
    assert all(link.startswith('<a class="to-steps" href="#steps-') for link in re.findall(r'<a [^>]*>', page))
    files = _between(page, '<h3>Waiver files</h3>', '</table>')
    assert '<tr class="bad"><td class="path">/etc/signal-hardening/waivers-2024.json</td>' in files
    assert 'line 4 column 3 &lt;here&gt;' in files


def test_waivers_are_bounded_expired_first():
    page = render_html(large_summary(400, results_per_subject=3), max_waivers=100)
    section = _between(page, '<h2>Waivers (300)</h2>')
    states = re.findall(r'<span class="badge s-[a-z]+">(expired|invalid|unmatched|active)', section)
    assert len(states) == 100 and states[:75] == ['expired'] * 75 and set(states[75:]) == {'invalid'}
    assert '200 more waivers; see fleet-summary.json' in section


def test_attestations(page):
    section = _between(page, '<h2>Attestations</h2>')
    assert '<li class="chip bad">left out for a mistake: <b>1</b> (see Input errors)</li>' in section
    assert '<span class="id">SIG-MOB-01</span>: 90 days' in section
    assert '<span class="badge s-fail">failed: none used</span>' in section


def test_hostile_strings_in_every_new_section():
    summary = sample_summary()
    bad = '"><svg onload=alert(9)>'
    summary['waivers']['items'][0].update(id=bad, control=bad, owner=bad, ticket=bad, expires=bad, scope={bad: [bad]},
                                          source=bad, record=bad, message=bad)
    summary['waivers']['files'][0].update(path=bad, detail=bad)
    summary['attestations']['validity_days'] = {bad: 30}
    summary['history'].update(path=bad, error=bad)
    summary['history']['previous_run']['generated_at'] = bad
    summary['trend'][0]['generated_at'] = bad
    summary['changes']['newly_failing']['items'][0].update(subject=bad, control=bad)
    summary['changes']['newly_failing']['by_control'] = {bad: 1}
    summary['people']['items'][0].update(owner=bad, text=bad)
    summary['people']['items'][0]['workstations'][0].update(id=bad, platform=bad)
    summary['gate']['lines'] = [bad]
    summary['gate']['severities']['high']['controls'][0]['id'] = bad
    summary['subjects'][1]['results'][0]['failing_since'] = bad
    summary['subjects'][1]['owner_source'] = bad
    page = render_html(summary)
    parsed = _parse(page)
    assert '<svg onload' not in page and page.count('&quot;&gt;&lt;svg onload=alert(9)&gt;') >= 15
    assert not any(name.startswith('on') for entry in parsed.tags for name in entry[1])
    assert [tag for tag, _a in parsed.tags if tag == 'svg'] == ['svg'] * (
        1 + len(summary['controls']) + 6 + 1 + 4)  # status chart, stacks, legend, trend, trend legend


def test_new_sections_stay_small_for_a_large_fleet():
    small = render_html(large_summary(5000, results_per_subject=3))
    large = render_html(large_summary(50000, results_per_subject=3))
    assert len(large) < len(small) * 1.1  # every list is bounded: the fleet's size barely shows
