# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from ansible_collections.hardening.signal.plugins.module_utils.report.render_html import render_html
from ansible_collections.hardening.signal.tests.unit.plugins.module_utils.report.sample_summary import (
    XSS_NAME,
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
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_style = tag == 'style'

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        (self.styles if self._in_style else self.text).append(data)


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


def test_no_external_assets(parsed):
    for tag, attrs in parsed.tags:
        assert tag not in ('script', 'link', 'img', 'iframe', 'object', 'embed', 'base'), tag
        for name in ('src', 'href', 'srcset', 'action', 'data', 'poster', 'formaction'):
            value = attrs.get(name)
            assert value is None or value.startswith('#'), (tag, name, value)
        assert not _URL_IN_CSS.search(attrs.get('style') or ''), attrs
    assert not any(_URL_IN_CSS.search(css) for css in parsed.styles)


def test_xss_device_name_is_inert_text(page, parsed):
    assert '&lt;img src=x onerror=alert(1)&gt;' in page
    assert '<img' not in page and '<script' not in page
    assert not any(entry[0] in ('img', 'script') for entry in parsed.tags)
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
        assert '<td class="id">%s</td>' % control['id'] in page
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
