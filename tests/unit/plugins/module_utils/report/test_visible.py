# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bidirectional, zero-width and control characters from hosts or an MDM are shown, not obeyed, in every
report a person reads; the JSON keeps the exact string."""

from __future__ import annotations

import json

import pytest

from ansible_collections.hardening.signal.plugins.module_utils.governance.text_lines import governance_lines
from ansible_collections.hardening.signal.plugins.module_utils.report.formats import BY_NAME
from ansible_collections.hardening.signal.plugins.module_utils.report.render_text import render_text
from ansible_collections.hardening.signal.plugins.module_utils.report.visible import visible
from ansible_collections.hardening.signal.tests.unit.plugins.module_utils.report.sample_summary import derive, sample_summary

BIDI = ['\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069', '\u200e', '\u200f',
        '\u061c']
ZERO_WIDTH = ['\u200b', '\u200c', '\u200d', '\u2060', '\ufeff']
CONTROLS = ['\x00', '\x01', '\x07', '\x08', '\x0b', '\x0c', '\x1b', '\x1f', '\x7f', '\x80', '\x85', '\x9b', '\x9f']
HIDDEN = BIDI + ZERO_WIDTH + CONTROLS + ['\u2028', '\u2029', '\ud800']
# An invoice 'gpj.exe' reads as 'exe.jpg' after U+202E; a name with a zero-width space looks like another's.
HOSTILE = 'inv\u202egpj.exe al\u200bice\x00\x1b[31m'


@pytest.mark.parametrize('char', HIDDEN)
def test_each_hiding_or_control_character_is_named(char):
    assert visible('a%sb' % char) == 'a\u27e8U+%04X\u27e9b' % ord(char)


def test_ordinary_text_is_left_as_it_is():
    for text in ('plain', 'caf\u00e9 \U0001f600', '\u0645\u0631\u062d\u0628\u0627', 'no\u00a0break', 'tab\tline\ncr\r',
                 '\u27e8U+202E\u27e9', ''):
        assert visible(text) == text
    assert visible(None) == '' and visible(42) == '42'


def _hostile_summary():
    summary = sample_summary()
    subject = summary['subjects'][0]
    subject.update(name=HOSTILE, owner='owner ' + HOSTILE)
    subject['source']['name'] = 'src ' + HOSTILE
    for result in subject['results']:
        result.update(status='fail', reason='reason ' + HOSTILE, observed={'name': HOSTILE})
    summary['run']['sources'][0]['name'] = 'source ' + HOSTILE
    summary['input_errors'].append({'source': 'export ' + HOSTILE, 'record': 'devices[0]', 'field': 'name',
                                    'message': 'message ' + HOSTILE})
    return derive(summary)


@pytest.mark.parametrize('fmt', ['md', 'html', 'csv', 'junit'])
def test_reports_people_read_show_them_escaped(fmt):
    text = BY_NAME[fmt].render(_hostile_summary())
    assert not [char for char in HIDDEN if char in text], fmt
    assert 'inv\u27e8U+202E\u27e9gpj.exe' in text and 'al\u27e8U+200B\u27e9ice' in text
    assert '\u27e8U+0000\u27e9' in text and '\u27e8U+001B\u27e9' in text


def test_the_console_shows_them_escaped():
    summary = _hostile_summary()
    summary['history']['path'] = '/srv/' + HOSTILE
    lines = render_text(summary, {'json': '/srv/' + HOSTILE}) + governance_lines(summary)
    text = '\n'.join(lines)
    assert not [char for char in HIDDEN if char in text]
    assert 'source source inv\u27e8U+202E\u27e9gpj.exe' in text and text.count('\u27e8U+202E\u27e9') >= 2


def test_the_json_keeps_the_exact_string():
    summary = _hostile_summary()
    document = json.loads(BY_NAME['json'].render(summary))
    assert document['subjects'][0]['name'] == HOSTILE
    assert document['subjects'][0]['results'][0]['observed'] == {'name': HOSTILE}
