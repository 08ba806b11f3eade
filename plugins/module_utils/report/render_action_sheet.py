# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Render the action sheets (person_view.py) as HTML pages and as plain text to paste into an e-mail.

One sheet per person, one for the security team (the devices without an owner) and an index page. Every data
string goes through the same escaping as the fleet reports (render_html.esc, and plain() here: hiding and
control characters shown as ⟨U+XXXX⟩, line breaks inside a value made spaces so that no value can fake a line
of the sheet). The HTML pages hold no script and load nothing: they can be mailed or attached as they are.
"""

from __future__ import annotations

import functools
import re

from ansible_collections.hardening.signal.plugins.module_utils.engine import statuses as S
from ansible_collections.hardening.signal.plugins.module_utils.report.html_assets import SHEET_CSS
from ansible_collections.hardening.signal.plugins.module_utils.report.person_view import (
    ANSWERED_NO,
    CONFLICT,
    CURRENT,
    EXPIRED,
    EXPIRING,
    MISSING,
)
from ansible_collections.hardening.signal.plugins.module_utils.report.render_html import esc as _esc
from ansible_collections.hardening.signal.plugins.module_utils.report.view import plural
from ansible_collections.hardening.signal.plugins.module_utils.report.visible import visible

# No script, no request of any kind: only the page's own style.
SHEET_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
PROBLEM_WORDS = {S.FAIL: 'needs fixing', S.UNKNOWN: 'could not be checked', S.ERROR: 'could not be read',
                 S.MANUAL: 'waiting for an answer'}
DEVICE_WORDS = {'mobile': 'phone', 'workstation': 'workstation'}
_BREAKS = re.compile('[\t\n\r]+')
# Titles, steps, questions and many reasons repeat on thousands of sheets: each is escaped once (a fleet of
# 50,000 subjects has about 2.4 million strings to escape on its sheets, a few thousand of them distinct).
_CACHED = 16384
STATE_WORDS = {'unreachable': 'could not be reached', 'failed': 'could not be checked',
               'invalid': 'sent data that could not be used'}


def _why(attestation):
    """Why a question is asked (again), in words."""
    if attestation.state == MISSING:
        return 'no answer from you yet'
    if attestation.state == EXPIRED:
        return 'your answer of %s expired on %s' % (attestation.answered, attestation.valid_until)
    if attestation.state == EXPIRING:
        return 'your answer of %s expires on %s' % (attestation.answered, attestation.valid_until)
    if attestation.state == ANSWERED_NO:
        return 'you answered no on %s: follow the steps, then answer again' % attestation.answered
    if attestation.state == CONFLICT:
        return 'your answers of %s say both yes and no: answer again' % attestation.answered
    return 'answered %s on %s, valid until %s' % (attestation.answer, attestation.answered, attestation.valid_until)


def _device_line(device):
    return '%s (%s %s, id %s)' % (device.name, device.platform, DEVICE_WORDS.get(device.kind, device.kind), device.id)


def _owed(person):
    return [a for a in person.attestations if a.state != CURRENT]


def _to_fix(devices):
    return sum(len(d.problems) + (d.state != 'ok') for d in devices)


# ---- plain text (for an e-mail) ----------------------------------------------------------------------------------

@functools.lru_cache(maxsize=_CACHED)
def plain(value):
    """A data value as one line of plain text: line breaks become spaces, hiding characters are shown as ⟨U+XXXX⟩."""
    if value is None or value == '':
        return '-'
    return visible(_BREAKS.sub(' ', str(value))).strip() or '-'


esc = functools.lru_cache(maxsize=_CACHED)(_esc)


def _text_steps(out, steps, indent):
    out.extend(_text_step_lines(tuple(steps), indent))


@functools.lru_cache(maxsize=_CACHED)
def _text_step_lines(steps, indent):
    return ['%s%d. %s' % (indent, number, plain(step)) for number, step in enumerate(steps, 1)]


def _heading(out, text, underline):
    out.extend([text, underline * len(text), ''])


def _text_devices(out, devices, empty):
    if not devices:
        out.extend([empty, ''])
        return
    for device in devices:
        out.append('* %s' % plain(_device_line(device)))
        if device.state != 'ok':
            out.append('  This device %s: %s' % (STATE_WORDS.get(device.state, plain(device.state)), plain(device.error)))
        if not device.problems and device.state == 'ok':
            out.append('  Nothing to do on this device.')
        for number, problem in enumerate(device.problems, 1):
            out.append('  %d. %s (%s):' % (number, plain(problem.title), PROBLEM_WORDS.get(problem.status, plain(problem.status))))
            out.append('     %s' % plain(problem.reason))
            if problem.steps:
                out.append('     What to do:')
                _text_steps(out, problem.steps, '       ')
        out.append('')


def render_sheet_text(person, run):
    """One person's sheet as plain text, to paste into an e-mail."""
    owed, answers = _owed(person), [a for a in person.attestations if a.state == CURRENT]
    out = []
    _heading(out, 'Signal: what to do, for %s' % plain(person.owner), '=')
    out.extend(['From the compliance run %s of %s: %s to fix on %s; %s to answer.' % (
        plain(run['id']), plain(run['day']), plural(_to_fix(person.devices), 'thing'), plural(len(person.devices), 'device'),
        plural(len(owed), 'question')), ''])
    _heading(out, 'Your devices (%d)' % len(person.devices), '-')
    _text_devices(out, person.devices, 'No device is registered to you.')
    _heading(out, 'Questions to answer (%d)' % len(owed), '-')
    if not owed:
        out.extend(['None: every answer you gave is on record and still valid.', ''])
    for number, attestation in enumerate(owed, 1):
        out.append('%d. %s' % (number, plain(attestation.title)))
        out.append('   Question: %s' % plain(attestation.question))
        out.append('   Why: %s' % plain(_why(attestation)))
        out.append('   For: %s' % plain(', '.join(attestation.devices)))
        if attestation.steps:
            out.append('   How to check:')
            _text_steps(out, attestation.steps, '     ')
        out.append('')
    if answers:
        _heading(out, 'Your answers on record', '-')
        out.extend('* %s: %s, given %s, valid until %s' % (
            plain(a.title), plain(a.answer), plain(a.answered), plain(a.valid_until)) for a in answers)
        out.append('')
    return '\n'.join(out).rstrip('\n') + '\n'


def render_team_text(devices, run):
    """The security team's sheet: the devices nobody is named as owner of."""
    out = _team_text_head(len(devices), run)
    _text_devices(out, devices, 'None: every device has an owner.')
    return '\n'.join(out).rstrip('\n') + '\n'


def _team_text_head(count, run):
    out = []
    _heading(out, 'Signal: devices without an owner', '=')
    out.extend(['From the compliance run %s of %s. No owner is known for %s, so nobody was sent a sheet for them: '
                'the run does not guess. Name the owner (signal_hardening_owner for a workstation, the user in the MDM '
                'for a phone) and the next run sends it.' % (plain(run['id']), plain(run['day']),
                                                             plural(count, 'device')), ''])
    _heading(out, 'Devices (%d)' % count, '-')
    return out


def iter_team_text(devices, count, run, per_piece=200):
    """render_team_text(list(devices), run), the same text in pieces: devices is an iterable of count devices,
    made one at a time (a fleet may have tens of thousands of phones nobody owns, each with every result to act
    on: held at once, with its text, that is hundreds of MiB)."""
    out = _team_text_head(count, run)
    if not count:
        _text_devices(out, (), 'None: every device has an owner.')
        return _stripped((['\n'.join(out)]))
    return _stripped(_text_pieces(out, devices, per_piece))


def _text_pieces(out, devices, per_piece):
    """'\n'.join of the head lines and every device's lines, in pieces."""
    first = True
    for index, device in enumerate(devices, 1):
        _text_devices(out, (device,), '')
        if index % per_piece == 0:
            yield ('' if first else '\n') + '\n'.join(out)
            first, out = False, []
    if out or first:
        yield ('' if first else '\n') + '\n'.join(out)


def _stripped(pieces):
    """The pieces' text as text.rstrip('\n') + '\n' gives it, without holding it: trailing newlines are held back
    until more text follows."""
    held = ''
    for piece in pieces:
        body = piece.rstrip('\n')
        if body:
            yield held + body
            held = piece[len(body):]
        else:
            held += piece
    yield '\n'


# ---- HTML ---------------------------------------------------------------------------------------------------------

def _page(title, body):
    return ('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            '<meta http-equiv="Content-Security-Policy" content="%s">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            '<meta name="color-scheme" content="light dark">\n<meta name="referrer" content="no-referrer">\n'
            '<title>%s</title>\n<style>%s</style>\n</head>\n<body>\n<main>\n%s</main>\n</body>\n</html>\n'
            % (SHEET_CSP, title, SHEET_CSS, body))


def _html_steps(steps):
    return _html_step_list(tuple(steps)) if steps else ''


@functools.lru_cache(maxsize=_CACHED)
def _html_step_list(steps):
    return '<ol class="steps">%s</ol>' % ''.join('<li>%s</li>' % esc(step) for step in steps)


def _html_devices(out, devices, empty):
    if not devices:
        out.append('<p>%s</p>\n' % empty)
        return
    for device in devices:
        out.append('<section class="device"><h3>%s</h3>' % esc(_device_line(device)))
        if device.state != 'ok':
            out.append('<p class="bad">This device %s: %s</p>' % (STATE_WORDS.get(device.state, esc(device.state)),
                                                                  esc(device.error)))
        if device.problems:
            out.append('<ol class="problems">')
            for problem in device.problems:
                out.append('<li><strong>%s</strong> (<span class="s-%s">%s</span>): %s%s</li>' % (
                    esc(problem.title), problem.status if problem.status in PROBLEM_WORDS else 'other',
                    PROBLEM_WORDS.get(problem.status) or esc(problem.status), esc(problem.reason),
                    '<div class="what">What to do:</div>' + _html_steps(problem.steps) if problem.steps else ''))
            out.append('</ol>')
        elif device.state == 'ok':
            out.append('<p class="good">Nothing to do on this device.</p>')
        out.append('</section>\n')


def render_sheet_html(person, run):
    """One person's sheet as a self-contained HTML page."""
    owed, answers = _owed(person), [a for a in person.attestations if a.state == CURRENT]
    out = ['<h1>Signal: what to do, for %s</h1>\n' % esc(person.owner),
           '<p class="lead">From the compliance run <span class="id">%s</span> of %s. %s to fix on %s; %s to answer.</p>\n'
           % (esc(run['id']), esc(run['day']), plural(_to_fix(person.devices), 'thing'),
              plural(len(person.devices), 'device'), plural(len(owed), 'question')),
           '<h2>Your devices (%d)</h2>\n' % len(person.devices)]
    _html_devices(out, person.devices, 'No device is registered to you.')
    out.append('<h2>Questions to answer (%d)</h2>\n' % len(owed))
    if not owed:
        out.append('<p class="good">None: every answer you gave is on record and still valid.</p>\n')
    for attestation in owed:
        out.append('<section class="question"><h3>%s</h3><p class="q">%s</p><p><strong>Why:</strong> %s</p>'
                   '<p><strong>For:</strong> %s</p>%s</section>\n' % (
                       esc(attestation.title), esc(attestation.question), esc(_why(attestation)),
                       esc(', '.join(attestation.devices)),
                       '<div class="what">How to check:</div>' + _html_steps(attestation.steps) if attestation.steps else ''))
    if answers:
        out.append('<h2>Your answers on record</h2>\n<table><thead><tr><th>Question</th><th>Answer</th><th>Given</th>'
                   '<th>Valid until</th></tr></thead><tbody>\n')
        out.extend('<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>\n'
                   % (esc(a.title), esc(a.answer), esc(a.answered), esc(a.valid_until)) for a in answers)
        out.append('</tbody></table>\n')
    return _page('Signal: what to do, for %s' % esc(person.owner), ''.join(out))


def render_team_html(devices, run):
    out = _team_html_head(len(devices), run)
    _html_devices(out, devices, 'None: every device has an owner.')
    return _page('Signal: devices without an owner', ''.join(out))


def _team_html_head(count, run):
    return ['<h1>Signal: devices without an owner</h1>\n',
            '<p class="lead">From the compliance run <span class="id">%s</span> of %s. No owner is known for %s, so nobody '
            'was sent a sheet for them: the run does not guess. Name the owner (signal_hardening_owner for a workstation, '
            'the user in the MDM for a phone) and the next run sends it.</p>\n'
            % (esc(run['id']), esc(run['day']), plural(count, 'device')),
            '<h2>Devices (%d)</h2>\n' % count]


_BODY = '\0'  # where a page's body goes (no title or style holds a NUL)


def iter_team_html(devices, count, run, per_piece=200):
    """render_team_html(list(devices), run), the same text in pieces (see iter_team_text)."""
    before, after = _page('Signal: devices without an owner', _BODY).split(_BODY)
    out = [before] + _team_html_head(count, run)
    if not count:
        _html_devices(out, (), 'None: every device has an owner.')
    for index, device in enumerate(devices, 1):
        _html_devices(out, (device,), '')
        if index % per_piece == 0:
            yield ''.join(out)
            out = []
    out.append(after)
    yield ''.join(out)


def render_index_html(entries, unowned, run):
    rows = ''.join('<tr><td>%s</td><td class="n">%d</td><td class="n">%d</td><td class="n">%d</td>'
                   '<td><a href="%s.html">%s.html</a> <a href="%s.txt">.txt</a></td></tr>\n'
                   % (esc(owner), devices, fix, questions, esc(stem), esc(stem), esc(stem))
                   for owner, stem, devices, fix, questions in entries)
    body = ('<h1>Signal: action sheets</h1>\n<p class="lead">Compliance run <span class="id">%s</span> of %s: %s; '
            '<a href="security-team.html">%s without an owner</a>.</p>\n<table><thead><tr><th>Person</th>'
            '<th class="n">Devices</th><th class="n">To fix</th><th class="n">Questions</th><th>Sheet</th></tr></thead>'
            '<tbody>\n%s</tbody></table>\n' % (
                esc(run['id']), esc(run['day']), plural(len(entries), 'person', 'people'), plural(unowned, 'device'), rows))
    return _page('Signal: action sheets', body)
