# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Render a fleet summary (schemas/fleet_summary.schema.json) as Markdown.

What is shown, in which order and up to what limit is decided in view.py (shared with the HTML report);
this module only writes it as GitHub-flavoured Markdown.
"""

from __future__ import annotations

import re

from ansible_collections.hardening.signal.plugins.module_utils.report.visible import visible
from ansible_collections.hardening.signal.plugins.module_utils.report import view

# Inline Markdown syntax ('$' is GitHub math); '|' would also split a table cell.
# Block syntax (#, -, 1.) is harmless because data never starts a line.
_MD_SPECIAL = re.compile(r'([\\`*_\[\]|~$])')
# Line ends and tabs: a table row must stay one line. Every other control or hiding character is shown by visible().
_MD_BREAKS = re.compile('[\t\n\r]+')


def md(value):
    """Escape a data string for inline Markdown, including inside table cells."""
    if value is None or value == '':
        return '—'
    text = visible(_MD_BREAKS.sub(' ', str(value))).strip()
    text = text.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')
    return _MD_SPECIAL.sub(r'\\\1', text) or '—'


def _num(value):
    return '{:,}'.format(value) if isinstance(value, int) else md(value)


def _pct(value):
    return view.format_pct(value) if isinstance(value, (int, float)) else 'n/a'


def _row(cells):
    return '| ' + ' | '.join(cells) + ' |'


def _table(out, headers, aligns, rows):
    out.append(_row(headers))
    out.append(_row(['---:' if a == 'r' else '---' for a in aligns]))
    out.extend(_row(cells) for cells in rows)
    out.append('')


def render_markdown(summary, max_subjects=view.MARKDOWN_LIMITS.subjects, max_input_errors=view.MARKDOWN_LIMITS.input_errors,
                    max_people=view.MARKDOWN_LIMITS.people, max_waivers=view.MARKDOWN_LIMITS.waivers,
                    max_changes=view.MARKDOWN_LIMITS.changes, max_trend=view.MARKDOWN_LIMITS.trend):
    """Return the fleet summary as a GitHub-flavoured Markdown document."""
    out = []
    limits = view.Limits(max_subjects, max_input_errors, max_people, max_waivers, max_changes, max_trend)
    view.write_sections(out, summary, _SECTIONS, limits)
    return '\n'.join(out).rstrip('\n') + '\n'


def _headline(out, summary):
    comp = summary['compliance']
    run = summary['run']
    out.append('# Signal hardening: fleet compliance summary')
    out.append('')
    out.append('**Compliance: %s** (threshold %s: **%s**)' % (
        view.format_pct(comp.get('pct')), view.format_pct(run['threshold_pct']), view.threshold_verdict(summary)))
    out.append('')
    gate = summary.get('gate')
    if isinstance(gate, dict):
        _gate(out, gate)
    out.append('- Counted results: %s, of which passing: %s' % (_num(comp['counted']), _num(comp['passing'])))
    out.append('- Subjects compliant: %s of %s' % (_num(comp['subjects_compliant']), _num(comp['subjects'])))
    out.append('- Check mode: %s' % ('yes, nothing was changed' if run['check_mode'] else 'no'))
    out.append('- Generated: %s by %s %s' % (
        md(summary.get('generated_at')), md(summary['tool'].get('name')), md(summary['tool'].get('version'))))
    if run.get('id'):
        out.append('- Run: %s (every report of this run is in runs/%s/)' % (md(run['id']), md(run['id'])))
    out.append('- How the percentage is computed: %s' % md(comp.get('definition')))
    if isinstance(gate, dict):
        if view.gate_sources_text(gate):
            out.append('- MDM sources (the gate\'s first check): %s' % md(view.gate_sources_text(gate)))
        if isinstance(gate.get('remediation'), dict):
            failed = view.whole(len(gate['remediation'].get('failures') or ()))
            out.append('- Remediation: %s' % ('**failed on %s**' % view.plural(failed, 'workstation') if failed else 'no failure'))
        out.append('- Failing results per severity (the gate\'s limits): %s' % _severity_limits(gate))
    out.append('')


def _gate(out, gate):
    crossed = view.gate_crossed(gate)
    if view.gate_passed(gate):
        out.append('**Gate: passed**: %s.' % md(gate.get('message') or 'compliance and every failure limit are met'))
        out.append('')
        return
    out.append('**Gate: FAILED**, %s crossed:' % view.plural(len(crossed), 'line'))
    out.append('')
    out.extend('- %s' % md(line) for line in crossed)
    out.append('')


def _severity_limits(gate):
    parts = []
    for severity, entry in view.gate_severities(gate):
        limit = entry.get('limit')
        text = '%s %s (%s)' % (severity, _num(view.whole(entry.get('failures'))),
                               'no limit' if limit is None else 'limit %s' % _num(limit))
        parts.append('**%s, crossed**' % text if entry.get('crossed') else text)
    return ', '.join(parts) or '—'


def _totals(out, summary):
    totals = summary['totals']
    out.append('## Results by status')
    out.append('')
    _table(out, ['Status', 'Results', 'Counted in %'], ['l', 'r', 'l'],
           [[view.STATUS_LABELS[s], _num(totals.get(s, 0)), 'yes' if s in view.COUNTED_STATUSES else 'no']
            for s in view.STATUS_ORDER])


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
    controls = view.sorted_controls(summary)
    out.append('## Controls')
    out.append('')
    if not controls:
        out.extend(['No controls were evaluated.', ''])
        return
    statuses = view.CONTROL_COLUMNS
    rows = []
    for c in controls:
        counts = c.get('counts') or {}
        rows.append([md(c.get('id')), md(c.get('section')), md(c.get('title')),
                     md(', '.join(c.get('platforms') or ()))] + [_num(counts.get(s, 0)) for s in statuses])
    _table(out, ['Control', '§', 'Title', 'Platforms'] + [view.STATUS_LABELS[s] for s in statuses],
           ['l'] * 4 + ['r'] * len(statuses), rows)


def _finding_status(result):
    label = view.STATUS_LABELS.get(result.get('status')) or md(result.get('status'))
    since = result.get('failing_since')
    return '%s, failing since %s' % (label, md(view.short_date(since))) if since else label


def _attention(out, summary, limit):
    selected, total = view.subjects_needing_attention(summary, limit)
    anchors = view.steps_anchors(summary)
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
        owner = 'owner %s' % md(subject.get('owner'))
        if subject.get('owner') and subject.get('owner_source'):
            owner += ' (from %s)' % md(view.OWNER_SOURCES.get(subject['owner_source'], subject['owner_source']))
        facts = ['id %s' % md(subject.get('id')), md(subject.get('kind')), md(subject.get('platform')),
                 owner, 'source %s' % where]
        out.append('**%s**: %s' % (md(view.subject_label(subject)), ', '.join(facts)))
        out.append('')
        if subject.get('state') != 'ok':
            out.append('State: **%s**: %s' % (md(subject.get('state')), md(subject.get('error'))))
            out.append('')
        if findings:
            _table(out, ['Control', 'Status', 'Reason', 'What to do'], ['l', 'l', 'l', 'l'],
                   [[md(r.get('control')), _finding_status(r), md(r.get('reason')), _steps_link(anchors, r.get('control'))]
                    for r in findings])
    if total > len(selected):
        out.append('%s more subjects need attention; see %s for all of them.' % (
            _num(total - len(selected)), view.SUMMARY_FILE))
        out.append('')


def _steps_link(anchors, control):
    anchor = anchors.get(control)
    return '[steps](#%s)' % anchor if anchor else '—'


def _steps(out, shown):
    out.append('## What to do, per control')
    out.append('')
    for control, anchor, steps in shown:
        # The anchor every "steps" link of the report points to (the id is made of [a-z0-9-] only).
        out.append('<a id="%s"></a>' % anchor)
        out.append('')
        out.append('### %s: %s' % (md(control.get('id')), md(control.get('title'))))
        out.append('')
        if control.get('rationale'):
            out.append('Why: %s' % md(control['rationale']))
            out.append('')
        out.extend('%d. %s' % (number, md(step)) for number, step in enumerate(steps, 1))
        if steps:
            out.append('')
        if control.get('question'):
            out.append('Question asked of each person: %s' % md(control['question']))
            out.append('')


def _more(out, left, what):
    if left > 0:
        out.append('%s more %s; see %s for all of them.' % (_num(left), what, view.SUMMARY_FILE))
        out.append('')


def _run_history(out, summary, max_trend, max_changes):
    if not view.has_history_part(summary):
        return
    out.append('## Run history')
    out.append('')
    history = summary.get('history')
    if view.history_off(summary):
        out.extend(['The run history is off (signal_hardening_history): no failing-since dates, changes or trend.', ''])
        return
    if isinstance(history, dict):
        if history.get('error'):
            out.append('**This run could not be recorded in the history**: %s (the reports were written).'
                       % md(history['error']))
            out.append('')
        previous = history.get('previous_run')
        this_run = '#%s' % _num(history['run_id']) if history.get('run_id') else 'not recorded'
        out.append('- Runs recorded: %s; this run: %s' % (_num(view.whole(history.get('runs'))), this_run))
        out.append('- Previous run: %s' % (
            '#%s at %s' % (_num(previous.get('run_id')), md(previous.get('generated_at'))) if isinstance(previous, dict)
            else 'none, this is the first recorded run'))
        out.append('- History: %s' % md(history.get('path')))  # a file, or a database's URL
        out.append('')
    _trend(out, summary.get('trend'), max_trend)
    _changes(out, summary.get('changes'), max_changes)


def _trend(out, trend, limit):
    trend = [e for e in trend if isinstance(e, dict)] if isinstance(trend, list) else []
    shown = trend[-limit:] if limit > 0 else []
    if not shown:
        return
    if len(shown) < len(trend):
        out.append('### Trend (last %s of %s)' % (view.plural(len(shown), 'run'), _num(len(trend))))
    else:
        out.append('### Trend (%s)' % view.plural(len(trend), 'run'))
    out.append('')
    rows = []
    before = trend[-len(shown) - 1] if len(trend) > len(shown) else None
    for entry in shown:
        pct = entry.get('pct')
        delta = view.pct_change(pct, before.get('pct') if isinstance(before, dict) else None) or '—'
        rows.append(['#%s' % _num(entry.get('run_id')), md(entry.get('generated_at')), _pct(pct), delta,
                     'yes' if entry.get('check_mode') else 'no'])
        before = entry
    _table(out, ['Run', 'Generated', 'Compliance', 'Change (points)', 'Check mode'], ['r', 'l', 'r', 'r', 'l'], rows)


def _changes(out, changes, limit):
    if not isinstance(changes, dict):
        return
    previous = changes.get('previous_run')
    if not isinstance(previous, dict):
        out.extend(['### Changes', '', 'None to show: this is the first recorded run.', ''])
        return
    worse = changes.get('newly_failing') or {}
    better = changes.get('fixed') or {}
    out.append('### Changes since run #%s (%s)' % (_num(previous.get('run_id')), md(previous.get('generated_at'))))
    out.append('')
    out.append('**%s newly failing**, %s fixed.' % (_num(view.whole(worse.get('count'))), _num(view.whole(better.get('count')))))
    out.append('')
    ordered = view.changed_controls(worse, better)
    if ordered:
        _table(out, ['Control', 'Newly failing', 'Fixed'], ['l', 'r', 'r'],
               [[md(c), _num(v['worse']), _num(v['better'])] for c, v in ordered[:view.MAX_BY_CONTROL]])
        _more(out, len(ordered) - view.MAX_BY_CONTROL, 'controls changed')
    for title, shown, count in view.changed_lists(worse, better, limit):
        out.append('**%s** (%s of %s):' % (title, _num(len(shown)), _num(count)))
        out.append('')
        _table(out, ['Subject', 'Control', 'Now', 'Before'], ['l'] * 4,
               [[md(i.get('subject')), md(i.get('control')),
                 view.STATUS_LABELS.get(i.get('status')) or md(i.get('status')),
                 view.STATUS_LABELS.get(i.get('previous_status')) or (
                     'not judged' if i.get('previous_status') is None else md(i.get('previous_status')))]
                for i in shown])
        left = count - len(shown)
        if left > 0:
            out.append('%s more are counted but not listed; the run history holds every result.' % _num(left))
            out.append('')


def _people(out, people, limit):
    counts = people.get('counts') or {}
    unassigned = people.get('unassigned') or {}
    selected, total = view.people_to_show(people, limit)
    out.append('## People (%s)' % _num(view.whole(counts.get('people', total))))
    out.append('')
    out.append('- Every device compliant: %s; with a failing device: %s' % (
        _num(view.whole(counts.get('all_compliant'))), _num(view.whole(counts.get('with_failing')))))
    out.append('- Subjects without a known owner: %s, %s' % (
        view.plural(view.whole(unassigned.get('phones')), 'phone'), view.plural(view.whole(unassigned.get('workstations')), 'workstation')))
    out.append('')
    if not total:
        out.extend(['No subject has a known owner.', ''])
        return
    if selected:
        _table(out, ['Person', 'Phones', 'Workstations', 'Status'], ['l'] * 4,
               [[md(p.get('owner')), _devices(p.get('phones')), _devices(p.get('workstations')), md(p.get('text'))]
                for p in selected])
    _more(out, total - len(selected), 'people')


def _devices(devices):
    devices = [d for d in devices or () if isinstance(d, dict)]
    if not devices:
        return '—'
    text = '; '.join(md(view.device_text(d)) for d in devices[:view.MAX_DEVICES_SHOWN])
    if len(devices) > view.MAX_DEVICES_SHOWN:
        text += '; and %s more' % _num(len(devices) - view.MAX_DEVICES_SHOWN)
    return text


_WAIVER_STATE_TEXT = {'active': 'active', 'unmatched': '**unmatched**: in force, covers no result',
                      'expired': '**EXPIRED**: not applied', 'invalid': '**INVALID**: not applied'}


def _waivers(out, waivers, limit):
    counts = waivers.get('counts') or {}
    selected, total = view.waivers_to_show(waivers, limit)
    out.append('## Waivers (%s)' % _num(total))
    out.append('')
    parts = []
    for state in view.WAIVER_STATES:
        text = '%s: %s' % (state, _num(view.whole(counts.get(state))))
        parts.append('**%s**' % text if state != 'active' and view.whole(counts.get(state)) else text)
    out.append('By state: %s; results waived: %s.' % (', '.join(parts), _num(view.whole(counts.get('results_waived')))))
    out.append('')
    if selected:
        rows = []
        for w in selected:
            state = w.get('state')
            state_text = _WAIVER_STATE_TEXT.get(state) or md(state)
            if w.get('message'):
                state_text += ': %s' % md(w['message'])
            expires = md(w.get('expires'))
            if view.days_left_text(w.get('days_left')):
                expires += ' (%s)' % view.days_left_text(w.get('days_left'))
            rows.append([md(w.get('id')), md(w.get('control')), md(view.scope_text(w.get('scope'))), md(w.get('owner')),
                         state_text, expires, _num(view.whole(w.get('results'))), md(w.get('ticket')),
                         md(w.get('justification')), '%s %s' % (md(w.get('source')), md(w.get('record')))])
        _table(out, ['ID', 'Control', 'Scope', 'Owner', 'State', 'Expires', 'Results waived', 'Ticket',
                     'Justification', 'Source'], ['l'] * 6 + ['r'] + ['l'] * 3, rows)
        _more(out, total - len(selected), 'waivers')
    elif not total:
        out.extend(['No waivers were given.', ''])
    _files(out, 'Waiver files', waivers.get('files'))


def _files(out, title, files):
    files = [f for f in files or () if isinstance(f, dict)]
    if not files:
        return
    out.append('%s:' % title)
    out.append('')
    shown = files[:view.MAX_FILES]
    _table(out, ['File', 'Status', 'Records', 'Invalid', 'Detail'], ['l', 'l', 'r', 'r', 'l'],
           [[md(f.get('path')), '**failed**: nothing in it was used' if f.get('status') == 'failed' else md(f.get('status')),
             _num(view.whole(f.get('records'))), _num(view.whole(f.get('invalid'))), md(f.get('detail'))] for f in shown])
    _more(out, len(files) - len(shown), 'files')


def _attestations(out, attestations):
    counts = attestations.get('counts') or {}
    out.append('## Attestations')
    out.append('')
    invalid = view.whole(counts.get('invalid'))
    out.append('Answers: %s, valid: %s, left out for a mistake: %s%s.' % (
        _num(view.whole(counts.get('records'))), _num(view.whole(counts.get('valid'))),
        '**%s**' % _num(invalid) if invalid else '0', ' (each is listed under Input errors)' if invalid else ''))
    out.append('')
    text = view.validity_text(attestations, md, _num)
    if text:
        out.append('Validity set by the organisation: %s.' % text)
        out.append('')
    _files(out, 'Attestation files', attestations.get('files'))


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
        out.append('%s more input errors; see %s for all of them.' % (_num(len(errors) - len(shown)), view.SUMMARY_FILE))
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


_SECTIONS = view.ReportSections(
    headline=_headline, totals=_totals, run_history=_run_history, sources=_sources, controls=_controls,
    attention=_attention, steps=_steps, people=_people, waivers=_waivers, attestations=_attestations,
    input_errors=_input_errors, attribution=_attribution)
