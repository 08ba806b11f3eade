# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Render a fleet summary (schemas/fleet_summary.schema.json) as Markdown.

Also holds the selection and ordering rules that render_html shares, so both
reports always list the same subjects in the same order.
"""

from __future__ import annotations

import heapq
import math
import re

# Display order: counted statuses first, then the two that are not counted.
STATUS_ORDER = ('pass', 'fail', 'unknown', 'manual', 'error', 'waived', 'not_applicable')
COUNTED_STATUSES = frozenset(('pass', 'fail', 'unknown', 'manual', 'error'))
ATTENTION_STATUSES = frozenset(('fail', 'unknown', 'error', 'manual'))
STATUS_LABELS = {
    'pass': 'Pass', 'fail': 'Fail', 'unknown': 'Unknown', 'manual': 'Manual',
    'error': 'Error', 'waived': 'Waived', 'not_applicable': 'N/A',
}
SUMMARY_FILE = 'fleet-summary.json'
MD_MAX_SUBJECTS = 200
MD_MAX_INPUT_ERRORS = 200

_DIGITS = re.compile(r'(\d+)')
# Inline Markdown syntax ('$' is GitHub math); '|' would also split a table cell.
# Block syntax (#, -, 1.) is harmless because data never starts a line.
_MD_SPECIAL = re.compile(r'([\\`*_\[\]|~$])')
# Anything that ends a line or is invisible/controlling: a table row must stay one line.
_MD_BREAKS = re.compile('[\x00-\x1f\x7f\x85\u2028\u2029]+')


# ---- shared with render_html -------------------------------------------------

def natural_key(value):
    """'3.10' sorts after '3.9', 'SIG-2' before 'SIG-10'."""
    return tuple((0, int(part), '') if part.isdigit() else (1, 0, part.lower())
                 for part in _DIGITS.split('' if value is None else str(value)) if part)


def control_sort_key(control):
    return natural_key(control.get('section')), natural_key(control.get('id'))


def sorted_controls(summary):
    return sorted(summary.get('controls') or (), key=control_sort_key)


def format_pct(pct):
    """One decimal, rounded down so 99.96 never reads as 100.0 (or as a met threshold)."""
    if pct is None:
        return 'n/a'
    return '%.1f%%' % (math.floor(float(pct) * 10) / 10)


def threshold_met(summary):
    pct = summary['compliance'].get('pct')
    return pct is not None and pct >= summary['run']['threshold_pct']


def subjects_needing_attention(summary, limit):
    """Return (selected, total): up to ``limit`` (subject, findings) pairs, worst first.

    A subject needs attention when its state is not ok or any result is
    fail/unknown/error/manual; findings are those results in control order.
    Walks the subjects once and keeps only the top ``limit`` (heap), so it
    stays cheap for very large fleets.
    """
    candidates = []
    for index, subject in enumerate(summary.get('subjects') or ()):
        findings = [r for r in subject.get('results') or () if r.get('status') in ATTENTION_STATUSES]
        state_ok = subject.get('state') == 'ok'
        if state_ok and not findings:
            continue
        hard = sum(1 for r in findings if r['status'] in ('fail', 'error'))
        # Broken subjects first, then most fail/error, then most findings, then input order.
        candidates.append(((state_ok, -hard, -len(findings), index), subject, findings))

    top = heapq.nsmallest(limit, candidates, key=lambda item: item[0]) if limit > 0 else []
    order = {c.get('id'): i for i, c in enumerate(sorted_controls(summary))}
    last = len(order)
    selected = []
    for _rank, subject, findings in top:
        findings.sort(key=lambda r: (order.get(r.get('control'), last), natural_key(r.get('control'))))
        selected.append((subject, findings))
    return selected, len(candidates)


def subject_label(subject):
    return subject.get('name') or subject.get('id') or '?'


# ---- Markdown ---------------------------------------------------------------

def md(value):
    """Escape a data string for inline Markdown, including inside table cells."""
    if value is None or value == '':
        return '—'
    text = _MD_BREAKS.sub(' ', str(value)).strip()
    text = text.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')
    return _MD_SPECIAL.sub(r'\\\1', text) or '—'


def _num(value):
    return '{:,}'.format(value) if isinstance(value, int) else md(value)


def _row(cells):
    return '| ' + ' | '.join(cells) + ' |'


def _table(out, headers, aligns, rows):
    out.append(_row(headers))
    out.append(_row(['---:' if a == 'r' else '---' for a in aligns]))
    out.extend(_row(cells) for cells in rows)
    out.append('')


def render_markdown(summary, max_subjects=MD_MAX_SUBJECTS, max_input_errors=MD_MAX_INPUT_ERRORS):
    """Return the fleet summary as a GitHub-flavoured Markdown document."""
    out = []
    _headline(out, summary)
    _totals(out, summary)
    _sources(out, summary)
    _controls(out, summary)
    _attention(out, summary, max_subjects)
    _input_errors(out, summary, max_input_errors)
    _attribution(out, summary)
    return '\n'.join(out).rstrip('\n') + '\n'


def _headline(out, summary):
    comp = summary['compliance']
    run = summary['run']
    met = threshold_met(summary)
    out.append('# Signal hardening: fleet compliance summary')
    out.append('')
    out.append('**Compliance: %s** (threshold %s: **%s**)' % (
        format_pct(comp.get('pct')), format_pct(run['threshold_pct']),
        'met' if met else ('not met, nothing was counted' if comp.get('pct') is None else 'not met')))
    out.append('')
    out.append('- Counted results: %s, of which passing: %s' % (_num(comp['counted']), _num(comp['passing'])))
    out.append('- Subjects compliant: %s of %s' % (_num(comp['subjects_compliant']), _num(comp['subjects'])))
    out.append('- Check mode: %s' % ('yes, nothing was changed' if run['check_mode'] else 'no'))
    out.append('- Generated: %s by %s %s' % (
        md(summary.get('generated_at')), md(summary['tool'].get('name')), md(summary['tool'].get('version'))))
    out.append('- How the percentage is computed: %s' % md(comp.get('definition')))
    out.append('')


def _totals(out, summary):
    totals = summary['totals']
    out.append('## Results by status')
    out.append('')
    _table(out, ['Status', 'Results', 'Counted in %'], ['l', 'r', 'l'],
           [[STATUS_LABELS[s], _num(totals.get(s, 0)), 'yes' if s in COUNTED_STATUSES else 'no']
            for s in STATUS_ORDER])


def _sources(out, summary):
    sources = summary['run'].get('sources') or []
    out.append('## Sources')
    out.append('')
    if not sources:
        out.extend(['No sources were read.', ''])
        return
    _table(out, ['Source', 'Type', 'Status', 'Subjects', 'Errors', 'Detail'], ['l', 'l', 'l', 'r', 'r', 'l'],
           [[md(s.get('name')), md(s.get('type')), md(s.get('status')), _num(s.get('subjects', 0)),
             _num(s.get('errors', 0)), md(s.get('detail'))] for s in sources])


def _controls(out, summary):
    controls = sorted_controls(summary)
    out.append('## Controls')
    out.append('')
    if not controls:
        out.extend(['No controls were evaluated.', ''])
        return
    statuses = ('pass', 'fail', 'unknown', 'manual', 'waived', 'error', 'not_applicable')
    rows = []
    for c in controls:
        counts = c.get('counts') or {}
        rows.append([md(c.get('id')), md(c.get('section')), md(c.get('title')),
                     md(', '.join(c.get('platforms') or ()))] + [_num(counts.get(s, 0)) for s in statuses])
    _table(out, ['Control', '§', 'Title', 'Platforms'] + [STATUS_LABELS[s] for s in statuses],
           ['l'] * 4 + ['r'] * len(statuses), rows)


def _attention(out, summary, limit):
    selected, total = subjects_needing_attention(summary, limit)
    out.append('## Subjects that need attention (%s)' % _num(total))
    out.append('')
    if not total:
        out.extend(['None: every subject was reached and has no fail, unknown, error or manual result.', ''])
        return
    for subject, findings in selected:
        source = subject.get('source') or {}
        where = '%s/%s' % (md(source.get('type')), md(source.get('name')))
        if source.get('record'):
            where += ' record %s' % md(source['record'])
        facts = ['id %s' % md(subject.get('id')), md(subject.get('kind')), md(subject.get('platform')),
                 'owner %s' % md(subject.get('owner')), 'source %s' % where]
        out.append('**%s**: %s' % (md(subject_label(subject)), ', '.join(facts)))
        out.append('')
        if subject.get('state') != 'ok':
            out.append('State: **%s**: %s' % (md(subject.get('state')), md(subject.get('error'))))
            out.append('')
        if findings:
            _table(out, ['Control', 'Status', 'Reason'], ['l', 'l', 'l'],
                   [[md(r.get('control')), STATUS_LABELS.get(r.get('status')) or md(r.get('status')),
                     md(r.get('reason'))] for r in findings])
    if total > len(selected):
        out.append('%s more subjects need attention; see %s for all of them.' % (
            _num(total - len(selected)), SUMMARY_FILE))
        out.append('')


def _input_errors(out, summary, limit):
    errors = summary.get('input_errors') or []
    out.append('## Input errors (%s)' % _num(len(errors)))
    out.append('')
    if not errors:
        out.extend(['None.', ''])
        return
    shown = errors[:max(limit, 0)]
    _table(out, ['Source', 'Record', 'Field', 'Message'], ['l'] * 4,
           [[md(e.get('source')), md(e.get('record')), md(e.get('field')), md(e.get('message'))] for e in shown])
    if len(errors) > len(shown):
        out.append('%s more input errors; see %s for all of them.' % (_num(len(errors) - len(shown)), SUMMARY_FILE))
        out.append('')


def _attribution(out, summary):
    g = summary.get('guidance') or {}
    out.append('---')
    out.append('')
    out.append('Controls are adapted from CERT-EU\'s "%s" (%s) v%s, licensed %s '
               '(https://creativecommons.org/licenses/by/4.0/). They were restated as machine-checkable '
               'tests; CERT-EU does not endorse this report.' % (
                   md(g.get('title')), md(g.get('id')), md(str(g.get('version', '')).lstrip('vV')),
                   md(g.get('licence'))))
