# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Render a fleet summary (schemas/fleet_summary.schema.json) as one self-contained HTML page.

No external assets: the page must open offline and leak nothing when it is
mailed around or attached to a ticket. Every data string goes through esc().

Charts are inline SVG drawn here (a bar per status for the fleet totals, a
stacked bar per control, a line of the compliance over the recorded runs),
filled and stroked from the page's CSS variables so they follow the light or
dark scheme. The optional sections (gate, run history with trend and changes,
people, waivers, attestations) are shown only when the summary has them.

The controls table and the subjects-needing-attention list sort when a
column header is clicked and filter by a text box and one checkbox per
status, through one small inline script (html_assets.SCRIPT). The script
holds no data: it reads the page (cell text, data-v sort keys and data-status
lists written here from a fixed vocabulary). The Content-Security-Policy lets
that script run, and no other, by the sha256 hash of its text; without it the
page reads the same, only unsorted and unfiltered.
"""

from __future__ import annotations

import base64
import hashlib
import math
from html import escape

from ansible_collections.hardening.signal.plugins.module_utils.report.html_assets import CSS as _CSS
from ansible_collections.hardening.signal.plugins.module_utils.report.html_assets import SCRIPT as _SCRIPT
from ansible_collections.hardening.signal.plugins.module_utils.report.visible import visible
from ansible_collections.hardening.signal.plugins.module_utils.report import view

# Defence in depth: even if something slipped past esc(), nothing could load or run. The one inline
# script runs because the hash of its text is listed (content_security_policy()); a script that got
# into the page would have another hash, and inline event handlers (onerror=...) never match a hash.
# Trusted types: the script assigns no HTML (no innerHTML), so the page may make no such assignment.
_CSP = ("default-src 'none'; script-src %s; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; "
        "require-trusted-types-for 'script'; trusted-types 'none'")


def script_hash(script=None):
    """The CSP source that allows exactly this script text: 'sha256-<base64 of its SHA-256>'."""
    text = _SCRIPT if script is None else script
    return "'sha256-%s'" % base64.b64encode(hashlib.sha256(text.encode('utf-8')).digest()).decode('ascii')


def content_security_policy(script=None):
    return _CSP % script_hash(script)


def esc(value):
    """Escape any data value for HTML text or a quoted attribute; hiding and control characters made visible."""
    if value is None or value == '':
        return '<span class="muted">—</span>'
    return escape(visible(value), quote=True)


def _num(value):
    return '{:,}'.format(value) if isinstance(value, int) else esc(value)


def _badge(status):
    # Only known statuses become class names; anything else is shown, escaped, but unstyled.
    css = status if status in view.STATUS_LABELS else 'other'
    return '<span class="badge s-%s">%s</span>' % (css, view.STATUS_LABELS.get(status) or esc(status))


def render_html(summary, max_subjects=view.HTML_LIMITS.subjects, max_input_errors=view.HTML_LIMITS.input_errors,
                max_people=view.HTML_LIMITS.people, max_waivers=view.HTML_LIMITS.waivers, max_changes=view.HTML_LIMITS.changes,
                max_trend=view.HTML_LIMITS.trend):
    """Return the fleet summary as a complete HTML document (a str)."""
    out = [
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n',
        # Computed here, from the very text written below, so the two cannot drift apart.
        '<meta http-equiv="Content-Security-Policy" content="%s">\n' % escape(content_security_policy(_SCRIPT), quote=True),
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
        '<meta name="color-scheme" content="light dark">\n<meta name="referrer" content="no-referrer">\n',
        '<title>Signal hardening: fleet compliance %s</title>\n' % view.format_pct(summary['compliance'].get('pct')),
        '<style>%s</style>\n</head>\n<body>\n<main>\n' % _CSS,
    ]
    limits = view.Limits(max_subjects, max_input_errors, max_people, max_waivers, max_changes, max_trend)
    view.write_sections(out, summary, _SECTIONS, limits)
    out.append('</main>\n<script>%s</script>\n</body>\n</html>\n' % _SCRIPT)
    return ''.join(out)


def _headline(out, summary):
    comp = summary['compliance']
    run = summary['run']
    tool = summary['tool']
    pct = comp.get('pct')
    threshold = run['threshold_pct']
    met = view.threshold_met(summary)
    verdict = view.threshold_verdict(summary)
    fill = 0.0 if pct is None else min(max(float(pct), 0.0), 100.0)
    mark = min(max(float(threshold), 0.0), 100.0)
    out.append('<h1>Signal hardening: fleet compliance summary</h1>\n<section class="card headline">\n<div>'
               '<div class="pct">%s</div><div class="bar" role="img" aria-label="%s of results pass, threshold %s">'
               '<span style="width:%.2f%%"></span><i style="left:%.2f%%"></i></div>'
               '<div class="verdict %s">Threshold %s: %s</div></div>\n'
               % (view.format_pct(pct), view.format_pct(pct), view.format_pct(threshold), fill, mark,
                  'met' if met else 'notmet', view.format_pct(threshold), verdict))
    out.append('<dl>'
               '<dt>Counted results</dt><dd>%s (passing %s)</dd>'
               '<dt>Subjects compliant</dt><dd>%s of %s</dd>'
               '<dt>Check mode</dt><dd>%s</dd>'
               '<dt>Generated</dt><dd>%s by %s %s</dd>%s</dl>\n'
               % (_num(comp['counted']), _num(comp['passing']), _num(comp['subjects_compliant']),
                  _num(comp['subjects']), 'yes, nothing was changed' if run['check_mode'] else 'no',
                  esc(summary.get('generated_at')), esc(tool.get('name')), esc(tool.get('version')),
                  '<dt>Run</dt><dd class="path">%s</dd>' % esc(run['id']) if run.get('id') else ''))
    out.append('</section>\n')
    if isinstance(summary.get('gate'), dict):
        _gate(out, summary['gate'])
    out.append('<p class="note">%s</p>\n' % esc(comp.get('definition')))


def _gate(out, gate):
    crossed = view.gate_crossed(gate)
    passed = view.gate_passed(gate)
    out.append('<section class="card gate%s" aria-labelledby="gate-verdict">' % ('' if passed else ' failed'))
    if passed:
        out.append('<div class="gate-verdict met" id="gate-verdict">Gate passed</div><div>%s</div>'
                   % esc(gate.get('message') or 'compliance and every failure limit are met'))
    else:
        out.append('<div class="gate-verdict notmet" id="gate-verdict">Gate failed: %s crossed</div><ul>%s</ul>'
                   % (view.plural(len(crossed), 'line'), ''.join('<li>%s</li>' % esc(line) for line in crossed)))
    chips = []
    if view.gate_sources_text(gate):
        sources = gate['sources']
        chips.append('<li class="chip%s">Sources: %s</li>' % (
            ' bad' if sources.get('crossed') else (' warn' if sources.get('incomplete') else ''), esc(view.gate_sources_text(gate))))
    if isinstance(gate.get('remediation'), dict):
        failed = len(gate['remediation'].get('failures') or ())
        chips.append('<li class="chip%s">Remediation: %s</li>' % (
            ' bad' if failed else '', 'failed on <b>%s</b>' % view.plural(failed, 'workstation') if failed else 'no failure'))
    comp = gate.get('compliance') or {}
    if isinstance(comp.get('threshold_pct'), (int, float)):
        chips.append('<li class="chip%s">Threshold %s: %s</li>' % (
            '' if comp.get('met') else ' bad', view.format_pct(comp['threshold_pct']), 'met' if comp.get('met') else 'not met'))
    for severity, entry in view.gate_severities(gate):
        limit = entry.get('limit')
        chips.append('<li class="chip%s">%s: <b>%s</b> failing, %s</li>' % (
            ' bad' if entry.get('crossed') else '', severity.capitalize(), _num(view.whole(entry.get('failures'))),
            'no limit' if limit is None else 'limit %s' % _num(limit)))
    if chips:
        out.append('<ul class="chips" aria-label="The gate\'s lines">%s</ul>' % ''.join(chips))
    out.append('</section>\n')


# The stacked bar of a control shows these, in this order; not_applicable is left out (nothing to judge).
STACK_STATUSES = tuple(s for s in view.CONTROL_COLUMNS if s != 'not_applicable')
# The attention list's filter: its findings' statuses, and subjects that could not be collected.
_ATTENTION_FILTER = tuple((s, view.STATUS_LABELS[s]) for s in view.ATTENTION_ORDER) + (('uncollected', 'Not collected'),)


def _count(counts, status):
    value = counts.get(status, 0)
    return value if isinstance(value, int) and value > 0 else 0


def _status_chart(totals):
    """A horizontal bar per status (STATUS_ORDER), to scale, with its count: inline SVG."""
    row, label_w, bar_w = 28, 96, 364
    height = row * len(view.STATUS_ORDER) + 4
    peak = max([_count(totals, s) for s in view.STATUS_ORDER] + [1])
    parts = ['<svg class="chart" viewBox="0 0 540 %d" width="540" height="%d" role="img" '
             'aria-labelledby="status-chart-title"><title id="status-chart-title">Results by status: %s</title>'
             % (height, height, ', '.join('%s %s' % (view.STATUS_LABELS[s], _num(_count(totals, s))) for s in view.STATUS_ORDER))]
    for i, status in enumerate(view.STATUS_ORDER):
        value = _count(totals, status)
        y = i * row + 2
        width = 0.0 if not value else max(bar_w * value / float(peak), 2.0)  # a count above zero stays visible
        parts.append('<text x="0" y="%d">%s</text>' % (y + 17, view.STATUS_LABELS[status]))
        parts.append('<rect x="%d" y="%d" width="%d" height="20" rx="3" class="f-none" opacity=".45"></rect>'
                     % (label_w, y + 2, bar_w))
        if value:
            parts.append('<rect x="%d" y="%d" width="%.2f" height="20" rx="3" class="f-%s"></rect>'
                         % (label_w, y + 2, width, status))
        parts.append('<text class="v" x="%d" y="%d">%s</text>' % (label_w + bar_w + 8, y + 17, _num(value)))
    parts.append('</svg>')
    return ''.join(parts)


def _stacked_bar(counts):
    """One control's results as a bar split by status (STACK_STATUSES): inline SVG, 100 units wide."""
    values = [(s, _count(counts, s)) for s in STACK_STATUSES]
    total = sum(v for _s, v in values)
    label = ', '.join('%s %s' % (view.STATUS_LABELS[s], _num(v)) for s, v in values if v) or 'no results to show'
    parts = ['<svg class="stack" viewBox="0 0 100 12" preserveAspectRatio="none" role="img" aria-label="%s">'
             '<title>%s</title>' % (label, label)]
    if not total:
        parts.append('<rect x="0" y="0" width="100" height="12" class="f-none"></rect>')
    x = 0.0
    for status, value in values:
        if value:
            width = 100.0 * value / total
            parts.append('<rect x="%.3f" y="0" width="%.3f" height="12" class="f-%s"></rect>' % (x, width, status))
            x += width
    parts.append('</svg>')
    return ''.join(parts)


def _legend(statuses):
    return '<p class="legend" aria-hidden="true">%s</p>\n' % ''.join(
        '<span><svg viewBox="0 0 10 10"><rect width="10" height="10" rx="2" class="f-%s"></rect></svg>%s</span>'
        % (s, view.STATUS_LABELS[s]) for s in statuses)


def _tools(tools_id, what, choices):
    """The (hidden until the script runs) filter bar of a live table: a text box, one checkbox per choice."""
    boxes = ''.join('<label><input type="checkbox" value="%s" checked> %s</label>' % (value, label)
                    for value, label in choices)
    return ('<div class="tools" id="%s" hidden><label>Filter %s <input type="search" placeholder="text in any column" '
            'aria-label="Filter %s by text"></label><fieldset><legend>with a result:</legend>%s</fieldset>'
            '<span class="shown" aria-live="polite"></span></div>\n' % (tools_id, what, what, boxes))


def _totals(out, summary):
    totals = summary['totals']
    out.append('<h2>Results by status</h2>\n<div class="split"><div class="scroll"><table class="compact"><thead><tr>'
               '<th>Status</th><th class="n">Results</th><th>Counted in %</th></tr></thead><tbody>\n')
    out.extend('<tr><td>%s</td><td class="n">%s</td><td>%s</td></tr>\n'
               % (_badge(s), _num(totals.get(s, 0)), 'yes' if s in view.COUNTED_STATUSES else 'no')
               for s in view.STATUS_ORDER)
    out.append('</tbody></table></div>\n%s</div>\n' % _status_chart(totals))


def _sources(out, summary):
    sources = summary['run'].get('sources') or []
    out.append('<h2>Sources</h2>\n')
    if not sources:
        out.append('<p>No sources were read.</p>\n')
        return
    out.append('<div class="scroll"><table><thead><tr><th>Source</th><th>Type</th><th>Status</th>'
               '<th class="n">Subjects</th><th class="n">Errors</th><th>Detail</th></tr></thead><tbody>\n')
    source_badge = {'complete': 'pass', 'incomplete': 'unknown', 'failed': 'fail'}
    for s in sources:
        status = s.get('status')
        out.append('<tr><td>%s</td><td>%s</td><td><span class="badge s-%s">%s</span></td><td class="n">%s</td>'
                   '<td class="n">%s</td><td class="w">%s</td></tr>\n'
                   % (esc(s.get('name')), esc(s.get('type')), source_badge.get(status, 'other'), esc(status),
                      _num(s.get('subjects', 0)), _num(s.get('errors', 0)), esc(s.get('detail'))))
    out.append('</tbody></table></div>\n')


def _controls(out, summary):
    controls = view.sorted_controls(summary)
    out.append('<h2>Controls</h2>\n')
    if not controls:
        out.append('<p>No controls were evaluated.</p>\n')
        return
    statuses = view.CONTROL_COLUMNS
    out.append(_tools('controls-tools', 'controls', [(s, view.STATUS_LABELS[s]) for s in statuses]))
    out.append(_legend(STACK_STATUSES))
    out.append('<div class="scroll"><table id="controls-table" data-live data-tools="controls-tools"><thead><tr>'
               '<th data-sort="text">Control</th><th data-sort="text">§</th>'
               '<th data-sort="text">Platforms</th><th data-sort="num" title="Sorts by the share of results that pass">'
               'Results</th>')
    out.extend('<th class="n" data-sort="num">%s</th>' % view.STATUS_LABELS[s] for s in statuses)
    out.append('</tr></thead><tbody>\n')
    for c in controls:
        counts = c.get('counts') or {}
        present = [s for s in statuses if _count(counts, s)]
        judged = sum(_count(counts, s) for s in STACK_STATUSES)
        share = '%.6f' % (_count(counts, 'pass') / float(judged)) if judged else '-1'
        cells = ''.join('<td class="n%s" data-v="%d">%s</td>'
                        % ('' if counts.get(s) else ' z', _count(counts, s), _num(counts.get(s, 0)))
                        for s in statuses)
        # The id and the title share one cell: with long ids, a column each squeezed the title to a word a line.
        out.append('<tr data-status="%s"><td class="ctl"><span class="id">%s</span><br>%s</td><td class="nw">%s</td>'
                   '<td>%s</td><td class="chart" data-v="%s">%s</td>%s</tr>\n'
                   % (' '.join(present), esc(c.get('id')), esc(c.get('title')), esc(c.get('section')),
                      esc(', '.join(c.get('platforms') or ())), share, _stacked_bar(counts), cells))
    out.append('</tbody></table></div>\n')


def _attention(out, summary, limit):
    selected, total = view.subjects_needing_attention(summary, limit)
    anchors = view.steps_anchors(summary)
    out.append('<h2>Subjects that need attention (%s)</h2>\n' % _num(total))
    if not total:
        out.append('<p>None: every subject was reached and has no fail, unknown, error or manual result.</p>\n')
        return
    out.append(_tools('attention-tools', 'subjects', _ATTENTION_FILTER))
    out.append('<div class="scroll"><table id="attention-table" data-live data-tools="attention-tools"><thead><tr>'
               '<th data-sort="text">Subject</th><th data-sort="text">Kind</th><th data-sort="text">Owner</th>'
               '<th data-sort="text">Source</th><th data-sort="num">Findings</th></tr></thead><tbody>\n')
    for subject, findings in selected:
        source = subject.get('source') or {}
        record = source.get('record')
        items = []
        tokens = []
        if subject.get('state') != 'ok':
            tokens.append('uncollected')
            items.append('<li><span class="badge s-error">%s</span> %s</li>'
                         % (esc(subject.get('state')), esc(subject.get('error'))))
        items.extend('<li>%s <span class="id">%s</span> %s%s%s</li>'
                     % (_badge(r.get('status')), esc(r.get('control')), esc(r.get('reason')),
                        _since(r.get('failing_since')), _steps_link(anchors, r.get('control'))) for r in findings)
        # Only statuses of the fixed vocabulary become data-status tokens.
        tokens.extend(s for s in view.ATTENTION_ORDER if any(r.get('status') == s for r in findings))
        out.append('<tr data-status="%s"><td><strong>%s</strong><br><span class="id muted">%s</span></td>'
                   '<td class="nw">%s<br><span class="muted">%s</span></td><td>%s</td><td>%s/%s%s</td>'
                   '<td class="w" data-v="%d"><ul class="findings">%s</ul></td></tr>\n'
                   % (' '.join(tokens), esc(view.subject_label(subject)), esc(subject.get('id')), esc(subject.get('kind')),
                      esc(subject.get('platform')), _owner(subject), esc(source.get('type')),
                      esc(source.get('name')),
                      '<br><span class="muted">record %s</span>' % esc(record) if record else '',
                      len(items), ''.join(items)))
    out.append('</tbody></table></div>\n')
    if total > len(selected):
        out.append('<p class="more">%s more subjects need attention; see %s for all of them.</p>\n'
                   % (_num(total - len(selected)), view.SUMMARY_FILE))


def _steps_link(anchors, control):
    anchor = anchors.get(control)
    return ' <a class="to-steps" href="#%s">what to do</a>' % anchor if anchor else ''


def _steps(out, shown):
    out.append('<h2>What to do, per control</h2>\n<div class="steps">\n')
    for control, anchor, steps in shown:
        out.append('<section class="card step" id="%s"><h3><span class="id">%s</span> %s</h3>' % (
            anchor, esc(control.get('id')), esc(control.get('title'))))
        if control.get('rationale'):
            out.append('<p class="why"><strong>Why:</strong> %s</p>' % esc(control['rationale']))
        if steps:
            out.append('<ol>%s</ol>' % ''.join('<li>%s</li>' % esc(step) for step in steps))
        if control.get('question'):
            out.append('<p class="question"><strong>Question asked of each person:</strong> %s</p>' % esc(control['question']))
        out.append('</section>\n')
    out.append('</div>\n')


def _since(value):
    """' <span>failing since 2025-10-01</span>' for a result's failing_since (the whole timestamp on hover)."""
    if not value:
        return ''
    return ' <span class="since" title="%s">&middot; failing since %s</span>' % (esc(value), esc(view.short_date(value)))


def _owner(subject):
    owner = esc(subject.get('owner'))
    source = subject.get('owner_source')
    if subject.get('owner') and source:
        owner += '<br><span class="muted">from %s</span>' % esc(view.OWNER_SOURCES.get(source, source))
    return owner


def _more(out, left, what):
    if left > 0:
        out.append('<p class="more">%s more %s; see %s for all of them.</p>\n' % (_num(left), what, view.SUMMARY_FILE))


def _chip(text, tone=''):
    return '<li class="chip%s">%s</li>' % (' ' + tone if tone else '', text)


# ---- run history: facts, trend, changes ------------------------------------------------------------

def _run_history(out, summary, max_trend, max_changes):
    if not view.has_history_part(summary):
        return
    out.append('<h2>Run history</h2>\n')
    if view.history_off(summary):
        out.append('<p>The run history is off (signal_hardening_history): no failing-since dates, changes or '
                   'trend.</p>\n')
        return
    history = summary.get('history')
    if isinstance(history, dict):
        if history.get('error'):
            out.append('<p class="alert" role="alert"><strong>This run could not be recorded in the history:</strong> '
                       '%s (the reports were written).</p>\n' % esc(history['error']))
        previous = history.get('previous_run')
        out.append('<dl class="facts"><dt>Runs recorded</dt><dd>%s</dd><dt>This run</dt><dd>%s</dd>'
                   '<dt>Previous run</dt><dd>%s</dd><dt>History</dt><dd class="path">%s</dd></dl>\n'
                   % (_num(view.whole(history.get('runs'))),
                      '#%s' % _num(history['run_id']) if history.get('run_id') else 'not recorded',
                      '#%s at %s' % (_num(previous.get('run_id')), esc(previous.get('generated_at')))
                      if isinstance(previous, dict) else 'none: this is the first recorded run',
                      esc(history.get('path'))))
    trend = summary.get('trend')
    trend = [e for e in trend if isinstance(e, dict)] if isinstance(trend, list) else []
    if trend and max_trend > 0:
        _trend(out, trend[-max_trend:], len(trend), summary['run']['threshold_pct'])
    if isinstance(summary.get('changes'), dict):
        _changes(out, summary['changes'], max_changes)


def _trend(out, trend, total, threshold):
    if len(trend) < total:
        what = 'the last %s of %s' % (view.plural(len(trend), 'run'), _num(total))
    else:
        what = 'the last %s' % view.plural(len(trend), 'run') if len(trend) > 1 else 'the one recorded run'
    out.append('<h3>Compliance over %s</h3>\n' % what)
    out.append('<div class="split">%s</div>\n' % _trend_chart(trend, threshold))
    out.append('<p class="legend" aria-hidden="true"><span><svg viewBox="0 0 10 10"><circle cx="5" cy="5" r="4" '
               'class="f-manual"></circle></svg>run</span><span><svg viewBox="0 0 10 10"><circle cx="5" cy="5" r="3.5" '
               'fill="none" stroke-width="1.5" style="stroke:var(--c-manual)"></circle></svg>check-mode run</span>'
               '<span><svg viewBox="0 0 10 10"><rect y="4" width="10" height="2" style="fill:var(--bad)"></rect></svg>'
               'threshold</span>%s</p>\n' % (
                   '<span><svg viewBox="0 0 10 10"><circle cx="5" cy="5" r="3.5" fill="none" stroke-width="1.5" '
                   'stroke-dasharray="2 2" style="stroke:var(--muted)"></circle></svg>a run that counted nothing '
                   '(no line)</span>' if any(not _finite(e.get('pct')) for e in trend) else ''))
    rows = []
    before = None
    for entry in trend:
        pct = entry.get('pct')
        rows.append('<tr><td class="n">#%s</td><td>%s</td><td class="n">%s</td><td class="n">%s</td><td>%s</td></tr>'
                    % (_num(entry.get('run_id')), esc(entry.get('generated_at')), _pct(pct),
                       esc(view.pct_change(pct, before)), 'yes' if entry.get('check_mode') else 'no'))
        before = pct
    out.append('<details><summary>Every run, as numbers</summary><div class="scroll"><table class="compact"><thead><tr>'
               '<th class="n">Run</th><th>Generated</th><th class="n">Compliance</th><th class="n">Change (points)</th>'
               '<th>Check mode</th></tr></thead><tbody>\n%s\n</tbody></table></div></details>\n' % '\n'.join(rows))


def _pct(value):
    return view.format_pct(value) if _finite(value) else 'n/a'


def _finite(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _trend_chart(trend, threshold):
    """The compliance of each run as a line (gaps where nothing was counted), with the threshold: inline SVG."""
    width, height = 720, 250
    x0, x1, y0, y1 = 52, width - 60, 16, height - 36
    points = [(i, e.get('pct') if _finite(e.get('pct')) else None) for i, e in enumerate(trend)]
    values = [min(max(float(v), 0.0), 100.0) for _i, v in points if v is not None]
    mark = min(max(float(threshold), 0.0), 100.0) if _finite(threshold) else None
    low = min(values + ([mark] if mark is not None else []) or [0.0])
    # The axis starts at a round number below the lowest value, so small moves near the top stay visible.
    low = max(0, int(math.floor((low - 5) / 10.0)) * 10)
    span = 100.0 - low
    step = 10 if span <= 50 else 20

    def y(value):
        return y1 - (min(max(float(value), 0.0), 100.0) - low) / span * (y1 - y0)

    def x(index):
        return (x0 + x1) / 2.0 if len(trend) == 1 else x0 + index * (x1 - x0) / float(len(trend) - 1)

    title = 'Compliance over %s: %s' % (view.plural(len(trend), 'run'), ', '.join(
        '#%s %s' % (e.get('run_id'), _pct(e.get('pct'))) for e in trend))
    parts = ['<svg class="trend" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-labelledby="trend-title">'
             '<title id="trend-title">%s</title>' % (width, height, width, height, esc(title))]
    for tick in range(low, 101, step):
        parts.append('<line class="grid" x1="%d" y1="%.2f" x2="%d" y2="%.2f"></line><text x="%d" y="%.2f" '
                     'text-anchor="end">%d%%</text>' % (x0, y(tick), x1, y(tick), x0 - 8, y(tick) + 4, tick))
    if mark is not None and mark >= low:
        parts.append('<line class="thr" x1="%d" y1="%.2f" x2="%d" y2="%.2f"></line>' % (x0, y(mark), x1, y(mark)))
        # At the left: the latest runs, on the right, matter most.
        parts.append('<text class="thl" x="%d" y="%.2f">threshold %s</text>' % (x0 + 6, y(mark) - 6, view.format_pct(mark)))
    # The line, broken where a run counted nothing.
    segment = []
    for index, value in points + [(None, None)]:
        if value is not None:
            segment.append('%.2f,%.2f' % (x(index), y(value)))
            continue
        if len(segment) > 1:
            parts.append('<polyline class="tl" points="%s"></polyline>' % ' '.join(segment))
        segment = []
    for index, value in points:
        entry = trend[index]
        tip = '<title>Run #%s, %s: %s%s</title>' % (
            esc(entry.get('run_id')), esc(entry.get('generated_at')),
            _pct(value) if value is not None else 'nothing was counted', ', check mode' if entry.get('check_mode') else '')
        if value is None:
            parts.append('<circle class="pt na" cx="%.2f" cy="%.2f" r="4">%s</circle>' % (x(index), y1, tip))
        else:
            parts.append('<circle class="pt%s" cx="%.2f" cy="%.2f" r="%s">%s</circle>' % (
                ' cm' if entry.get('check_mode') else '', x(index), y(value),
                '5.5' if index == len(trend) - 1 else '4', tip))
    if points[-1][1] is not None:  # this run's value, right of its point
        parts.append('<text class="now" x="%.2f" y="%.2f">%s</text>' % (
            x(len(trend) - 1) + 10, y(points[-1][1]) + 4.5, _pct(points[-1][1])))
    # Dates under the axis: the first, the last and a few between.
    every = max(1, int(math.ceil(len(trend) / 6.0)))
    labelled = sorted(set(range(0, len(trend), every)) | {len(trend) - 1})
    if len(labelled) > 1 and labelled[-1] - labelled[-2] < every:
        labelled.pop(-2)  # no two labels on top of each other
    for index in labelled:
        parts.append('<text x="%.2f" y="%d" text-anchor="middle">%s</text>'
                     % (x(index), y1 + 22, esc(view.short_date(trend[index].get('generated_at')))))
    parts.append('</svg>')
    return ''.join(parts)


def _changes(out, changes, limit):
    previous = changes.get('previous_run')
    if not isinstance(previous, dict):
        out.append('<h3>Changes</h3>\n<p>None to show: this is the first recorded run.</p>\n')
        return
    worse = changes.get('newly_failing') or {}
    better = changes.get('fixed') or {}
    out.append('<h3>Changes since run #%s (%s)</h3>\n' % (_num(previous.get('run_id')), esc(previous.get('generated_at'))))
    n_worse, n_better = view.whole(worse.get('count')), view.whole(better.get('count'))
    out.append('<ul class="chips top">%s%s</ul>\n' % (
        _chip('<b>%s</b> newly failing' % _num(n_worse), 'bad' if n_worse else ''),
        _chip('<b>%s</b> fixed' % _num(n_better), 'good' if n_better else '')))
    blocks = []
    ordered = view.changed_controls(worse, better)
    if ordered:
        block = ['<div><h4>By control</h4><div class="scroll"><table class="compact"><thead><tr><th>Control</th>'
                 '<th class="n">Newly failing</th><th class="n">Fixed</th></tr></thead><tbody>\n']
        block.extend('<tr><td class="id">%s</td><td class="n%s">%s</td><td class="n%s">%s</td></tr>\n'
                     % (esc(c), '' if v['worse'] else ' z', _num(v['worse']), '' if v['better'] else ' z',
                        _num(v['better'])) for c, v in ordered[:view.MAX_BY_CONTROL])
        block.append('</tbody></table></div>')
        if len(ordered) > view.MAX_BY_CONTROL:
            block.append('<p class="more">%s more controls changed; see %s.</p>'
                         % (_num(len(ordered) - view.MAX_BY_CONTROL), view.SUMMARY_FILE))
        block.append('</div>')
        blocks.append(''.join(block))
    for title, shown, count in view.changed_lists(worse, better, limit):
        block = ['<div><h4>%s (%s of %s)</h4><div class="scroll"><table class="compact"><thead><tr><th>Subject</th>'
                 '<th>Control</th><th>Now</th><th>Before</th></tr></thead><tbody>\n'
                 % (title, _num(len(shown)), _num(count))]
        block.extend('<tr><td>%s</td><td class="id">%s</td><td>%s</td><td>%s</td></tr>\n'
                     % (esc(i.get('subject')), esc(i.get('control')), _badge(i.get('status')),
                        _badge(i.get('previous_status')) if i.get('previous_status') is not None
                        else '<span class="muted">not judged</span>') for i in shown)
        block.append('</tbody></table></div>')
        left = count - len(shown)
        if left > 0:
            block.append('<p class="more">%s more are counted but not listed; the run history holds every result.</p>'
                         % _num(left))
        block.append('</div>')
        blocks.append(''.join(block))
    if blocks:
        out.append('<div class="split changes">%s</div>\n' % '\n'.join(blocks))


# ---- people, waivers, attestations -----------------------------------------------------------------

_DEVICE_BADGE = {'compliant': 'pass', 'failing': 'fail', 'not_assessed': 'unknown'}


def _devices(devices):
    devices = [d for d in devices or () if isinstance(d, dict)]
    if not devices:
        return '<span class="muted">—</span>'
    items = []
    for d in devices[:view.MAX_DEVICES_SHOWN]:
        status = d.get('status')
        words = view.DEVICE_STANDING.get(status) or esc(status)
        if status == 'failing':
            words += ' %s' % _num(view.whole(d.get('failing')))
        profile = (' <span class="muted">owner from the Signal profile</span>'
                   if d.get('owner_source') == 'signal_profile' else '')
        items.append('<li><span class="id">%s</span> <span class="muted">%s</span> <span class="badge s-%s">%s</span>%s</li>'
                     % (esc(d.get('id')), esc(d.get('platform')), _DEVICE_BADGE.get(status, 'other'), words, profile))
    if len(devices) > view.MAX_DEVICES_SHOWN:
        items.append('<li class="muted">and %s more</li>' % _num(len(devices) - view.MAX_DEVICES_SHOWN))
    return '<ul class="devices">%s</ul>' % ''.join(items)


def _people(out, people, limit):
    counts = people.get('counts') or {}
    unassigned = people.get('unassigned') or {}
    selected, total = view.people_to_show(people, limit)
    failing = view.whole(counts.get('with_failing'))
    no_owner = view.whole(unassigned.get('phones')) + view.whole(unassigned.get('workstations'))
    out.append('<h2>People (%s)</h2>\n' % _num(view.whole(counts.get('people', total))))
    out.append('<ul class="chips top">%s%s%s</ul>\n' % (
        _chip('<b>%s</b> with every device compliant' % _num(view.whole(counts.get('all_compliant')))),
        _chip('<b>%s</b> with a failing device' % _num(failing), 'bad' if failing else ''),
        _chip('without a known owner: <b>%s</b>, <b>%s</b>' % (
            view.plural(view.whole(unassigned.get('phones')), 'phone'), view.plural(view.whole(unassigned.get('workstations')), 'workstation')),
            'warn' if no_owner else '')))
    if not total:
        out.append('<p>No subject has a known owner.</p>\n')
        return
    if selected:
        out.append('<div class="scroll"><table id="people-table"><thead><tr><th>Person</th><th>Phones</th><th>Workstations</th>'
                   '<th>Status</th></tr></thead><tbody>\n')
        for person in selected:
            pc = person.get('counts') or {}
            tone = ' class="bad"' if view.whole(pc.get('failing')) else (' class="warn"' if view.whole(pc.get('not_assessed')) else '')
            out.append('<tr%s><td class="w">%s</td><td>%s</td><td>%s</td><td class="w">%s</td></tr>\n' % (
                tone, esc(person.get('owner')), _devices(person.get('phones')), _devices(person.get('workstations')),
                esc(person.get('text'))))
        out.append('</tbody></table></div>\n')
    _more(out, total - len(selected), 'people')


_WAIVER_BADGE = {'active': ('pass', 'active'), 'unmatched': ('unknown', 'unmatched: covers nothing'),
                 'expired': ('fail', 'expired: not applied'), 'invalid': ('error', 'invalid: not applied')}
_WAIVER_CHIP = {'active': '', 'unmatched': 'warn', 'expired': 'bad', 'invalid': 'err'}


def _waivers(out, waivers, limit):
    counts = waivers.get('counts') or {}
    selected, total = view.waivers_to_show(waivers, limit)
    out.append('<h2>Waivers (%s)</h2>\n' % _num(total))
    out.append('<ul class="chips top">%s%s</ul>\n' % (''.join(
        _chip('%s: <b>%s</b>' % (state, _num(view.whole(counts.get(state)))),
              _WAIVER_CHIP[state] if view.whole(counts.get(state)) else '') for state in view.WAIVER_STATES),
        _chip('results waived: <b>%s</b>' % _num(view.whole(counts.get('results_waived'))))))
    if selected:
        out.append('<div class="scroll"><table id="waivers-table"><thead><tr><th>Waiver</th><th>Control and scope</th><th>Owner</th>'
                   '<th>State</th><th>Expires</th><th class="n" title="Results this waiver turned into waived">Results</th>'
                   '<th>Ticket</th><th>Justification</th></tr></thead><tbody>\n')
        for w in selected:
            state = w.get('state')
            css, words = _WAIVER_BADGE.get(state, ('other', None))
            badge = '<span class="badge s-%s">%s</span>' % (css, words or esc(state))
            if w.get('message'):
                badge += '<br>%s' % esc(w['message'])
            left = view.days_left_text(w.get('days_left'))
            scope = view.scope_text(w.get('scope'))
            tone = ' class="bad"' if state in ('expired', 'invalid') or state not in _WAIVER_BADGE else (
                ' class="warn"' if state == 'unmatched' else '')
            out.append('<tr%s><td class="id">%s</td><td><span class="id">%s</span>%s</td><td class="a">%s</td><td>%s</td>'
                       '<td class="nw">%s%s</td><td class="n">%s</td><td class="nw">%s</td>'
                       '<td class="w">%s<br><span class="muted">%s %s</span></td></tr>\n' % (
                           tone, esc(w.get('id')), esc(w.get('control')),
                           '<br><span class="muted">%s</span>' % esc(scope) if scope else '', esc(w.get('owner')),
                           badge, esc(w.get('expires')), '<br><span class="muted">%s</span>' % left if left else '',
                           _num(view.whole(w.get('results'))), esc(w.get('ticket')), esc(w.get('justification')),
                           esc(w.get('source')), esc(w.get('record'))))
        out.append('</tbody></table></div>\n')
        _more(out, total - len(selected), 'waivers')
    elif not total:
        out.append('<p>No waivers were given.</p>\n')
    _files(out, 'Waiver files', waivers.get('files'))


def _files(out, title, files):
    files = [f for f in files or () if isinstance(f, dict)]
    if not files:
        return
    shown = files[:view.MAX_FILES]
    out.append('<h3>%s</h3>\n<div class="scroll"><table><thead><tr><th>File</th><th>Status</th><th class="n">Records</th>'
               '<th class="n">Invalid</th><th>Detail</th></tr></thead><tbody>\n' % title)
    for f in shown:
        failed = f.get('status') == 'failed'
        status = ('<span class="badge s-fail">failed: none used</span>' if failed else
                  '<span class="badge s-%s">%s</span>' % ('pass' if f.get('status') == 'read' else 'other', esc(f.get('status'))))
        out.append('<tr%s><td class="path">%s</td><td class="nw">%s</td><td class="n">%s</td><td class="n">%s</td>'
                   '<td class="w">%s</td></tr>\n'
                   % (' class="bad"' if failed else '', esc(f.get('path')), status, _num(view.whole(f.get('records'))),
                      _num(view.whole(f.get('invalid'))), esc(f.get('detail'))))
    out.append('</tbody></table></div>\n')
    _more(out, len(files) - len(shown), 'files')


def _control_id(control):
    return '<span class="id">%s</span>' % esc(control)


def _attestations(out, attestations):
    counts = attestations.get('counts') or {}
    invalid = view.whole(counts.get('invalid'))
    out.append('<h2>Attestations</h2>\n<ul class="chips top">%s%s%s</ul>\n' % (
        _chip('answers: <b>%s</b>' % _num(view.whole(counts.get('records')))),
        _chip('valid: <b>%s</b>' % _num(view.whole(counts.get('valid')))),
        _chip('left out for a mistake: <b>%s</b>%s' % (_num(invalid), ' (see Input errors)' if invalid else ''),
              'bad' if invalid else '')))
    text = view.validity_text(attestations, _control_id, _num)
    if text:
        out.append('<p>Validity set by the organisation: %s.</p>\n' % text)
    _files(out, 'Attestation files', attestations.get('files'))


def _input_errors(out, summary, limit):
    errors = summary.get('input_errors') or []
    out.append('<h2>Input errors (%s)</h2>\n' % _num(len(errors)))
    if not errors:
        out.append('<p>None.</p>\n')
        return
    shown = errors[:max(limit, 0)]
    out.append('<div class="scroll"><table><thead><tr><th>Source</th><th>Record</th><th>Field</th>'
               '<th>Message</th></tr></thead><tbody>\n')
    out.extend('<tr><td>%s</td><td>%s</td><td>%s</td><td class="w">%s</td></tr>\n'
               % (esc(e.get('source')), esc(e.get('record')), esc(e.get('field')), esc(e.get('message')))
               for e in shown)
    out.append('</tbody></table></div>\n')
    if len(errors) > len(shown):
        out.append('<p class="more">%s more input errors; see %s for all of them.</p>\n'
                   % (_num(len(errors) - len(shown)), view.SUMMARY_FILE))


def _attribution(out, summary):
    g = summary.get('guidance') or {}
    # The licence URL is plain text on purpose: the page links to nothing outside itself.
    out.append('<footer><p>Controls are adapted from CERT-EU\'s &ldquo;%s&rdquo; (%s) v%s, licensed %s '
               '(https://creativecommons.org/licenses/by/4.0/). They were restated as machine-checkable tests; '
               'CERT-EU does not endorse this report.</p></footer>\n'
               % (esc(g.get('title')), esc(g.get('id')), esc(str(g.get('version', '')).lstrip('vV')),
                  esc(g.get('licence'))))


_SECTIONS = view.ReportSections(
    headline=_headline, totals=_totals, run_history=_run_history, sources=_sources, controls=_controls,
    attention=_attention, steps=_steps, people=_people, waivers=_waivers, attestations=_attestations,
    input_errors=_input_errors, attribution=_attribution)
