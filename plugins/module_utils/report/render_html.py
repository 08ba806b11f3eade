# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Render a fleet summary (schemas/fleet_summary.schema.json) as one self-contained HTML page.

No external assets: the page must open offline and leak nothing when it is
mailed around or attached to a ticket. Every data string goes through esc().
"""

from __future__ import annotations

from html import escape

from ansible_collections.hardening.signal.plugins.module_utils.report.render_markdown import (
    COUNTED_STATUSES,
    STATUS_LABELS,
    STATUS_ORDER,
    SUMMARY_FILE,
    format_pct,
    sorted_controls,
    subject_label,
    subjects_needing_attention,
    threshold_met,
)

HTML_MAX_SUBJECTS = 500
HTML_MAX_INPUT_ERRORS = 500

# Defence in depth: even if something slipped past esc(), nothing could load or run.
# If an inline script is ever added, give it a nonce or hash here.
_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"

_CSS = """
:root{color-scheme:light dark;--bg:#f7f7f9;--fg:#1c1e21;--muted:#5f6368;--card:#fff;--line:#d9dce1;
--row:#f0f2f5;--bar:#e4e6ea;
--pass-bg:#d8f3e0;--pass-fg:#0f5c2a;--fail-bg:#fbdcdc;--fail-fg:#8a1414;--unknown-bg:#fdefc8;--unknown-fg:#6b4b00;
--manual-bg:#dce7fb;--manual-fg:#163d7a;--error-bg:#f3dcf5;--error-fg:#6e1577;--waived-bg:#e6e6e6;--waived-fg:#3c3c3c;
--not_applicable-bg:transparent;--not_applicable-fg:#5f6368;--ok:#1a7f37;--bad:#c62828}
@media (prefers-color-scheme:dark){:root{--bg:#15171a;--fg:#e6e7e9;--muted:#a0a4ab;--card:#1e2125;--line:#363a40;
--row:#24282d;--bar:#33373d;
--pass-bg:#163d24;--pass-fg:#9be3b0;--fail-bg:#4d1a1a;--fail-fg:#ffb3b3;--unknown-bg:#463810;--unknown-fg:#f5d78a;
--manual-bg:#1b2f52;--manual-fg:#a9c6ff;--error-bg:#3f1844;--error-fg:#eab0f2;--waived-bg:#34373b;--waived-fg:#d0d0d0;
--not_applicable-fg:#a0a4ab;--ok:#56d17a;--bad:#ff7b7b}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,
"Helvetica Neue",Arial,sans-serif}
main{max-width:1200px;margin:0 auto;padding:24px 20px 40px}
h1{font-size:1.6em;margin:0 0 16px}h2{font-size:1.2em;margin:32px 0 10px}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:18px 20px}
.headline{display:flex;flex-wrap:wrap;gap:18px 40px;align-items:center}
.pct{font-size:2.6em;font-weight:700;line-height:1}
.verdict{font-weight:600}.met{color:var(--ok)}.notmet{color:var(--bad)}
.bar{position:relative;height:10px;background:var(--bar);border-radius:5px;margin-top:10px;min-width:260px}
.bar>span{position:absolute;left:0;top:0;bottom:0;background:var(--ok);border-radius:5px}
.bar>i{position:absolute;top:-4px;bottom:-4px;width:2px;background:var(--fg)}
dl{display:grid;grid-template-columns:max-content auto;gap:2px 14px;margin:0}
dt{color:var(--muted)}dd{margin:0}
.note{color:var(--muted);font-size:.9em;margin:12px 0 0}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;background:var(--card);border:1px solid var(--line);border-radius:8px}
th,td{padding:6px 10px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top;
overflow-wrap:break-word}
td.w{overflow-wrap:anywhere;min-width:16em}
td.nw{white-space:nowrap}
table.compact{width:auto;min-width:360px}
th{font-size:.85em;color:var(--muted);font-weight:600;white-space:nowrap}
tbody tr:nth-child(even){background:var(--row)}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap;overflow-wrap:normal}
td.z{color:var(--muted);opacity:.55}
.id{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em;white-space:nowrap}
.badge{display:inline-block;padding:0 8px;border-radius:999px;font-size:.82em;font-weight:600;white-space:nowrap;
border:1px solid transparent}
.s-pass{background:var(--pass-bg);color:var(--pass-fg)}.s-fail{background:var(--fail-bg);color:var(--fail-fg)}
.s-unknown{background:var(--unknown-bg);color:var(--unknown-fg)}
.s-manual{background:var(--manual-bg);color:var(--manual-fg)}
.s-error{background:var(--error-bg);color:var(--error-fg)}
.s-waived{background:var(--waived-bg);color:var(--waived-fg)}
.s-not_applicable{color:var(--not_applicable-fg);border-color:var(--line)}
.s-other{border-color:var(--line)}
ul.findings{list-style:none;margin:0;padding:0}ul.findings li{margin:0 0 4px}
.muted{color:var(--muted)}
.more{margin:10px 0 0;font-weight:600}
footer{margin-top:36px;color:var(--muted);font-size:.88em;border-top:1px solid var(--line);padding-top:12px}
"""


def esc(value):
    """Escape any data value for HTML text or a quoted attribute."""
    if value is None or value == '':
        return '<span class="muted">—</span>'
    return escape(str(value), quote=True)


def _num(value):
    return '{:,}'.format(value) if isinstance(value, int) else esc(value)


def _badge(status):
    # Only known statuses become class names; anything else is shown, escaped, but unstyled.
    css = status if status in STATUS_LABELS else 'other'
    return '<span class="badge s-%s">%s</span>' % (css, STATUS_LABELS.get(status) or esc(status))


def render_html(summary, max_subjects=HTML_MAX_SUBJECTS, max_input_errors=HTML_MAX_INPUT_ERRORS):
    """Return the fleet summary as a complete HTML document (a str)."""
    out = [
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n',
        '<meta http-equiv="Content-Security-Policy" content="%s">\n' % escape(_CSP, quote=True),
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
        '<meta name="color-scheme" content="light dark">\n<meta name="referrer" content="no-referrer">\n',
        '<title>Signal hardening: fleet compliance %s</title>\n' % format_pct(summary['compliance'].get('pct')),
        '<style>%s</style>\n</head>\n<body>\n<main>\n' % _CSS,
    ]
    _headline(out, summary)
    _totals(out, summary)
    _sources(out, summary)
    _controls(out, summary)
    _attention(out, summary, max_subjects)
    _input_errors(out, summary, max_input_errors)
    _attribution(out, summary)
    out.append('</main>\n</body>\n</html>\n')
    return ''.join(out)


def _headline(out, summary):
    comp = summary['compliance']
    run = summary['run']
    tool = summary['tool']
    pct = comp.get('pct')
    threshold = run['threshold_pct']
    met = threshold_met(summary)
    verdict = 'met' if met else ('not met: nothing was counted' if pct is None else 'not met')
    fill = 0.0 if pct is None else min(max(float(pct), 0.0), 100.0)
    mark = min(max(float(threshold), 0.0), 100.0)
    out.append('<h1>Signal hardening: fleet compliance summary</h1>\n<section class="card headline">\n<div>'
               '<div class="pct">%s</div><div class="bar" role="img" aria-label="%s of results pass, threshold %s">'
               '<span style="width:%.2f%%"></span><i style="left:%.2f%%"></i></div>'
               '<div class="verdict %s">Threshold %s: %s</div></div>\n'
               % (format_pct(pct), format_pct(pct), format_pct(threshold), fill, mark,
                  'met' if met else 'notmet', format_pct(threshold), verdict))
    out.append('<dl>'
               '<dt>Counted results</dt><dd>%s (passing %s)</dd>'
               '<dt>Subjects compliant</dt><dd>%s of %s</dd>'
               '<dt>Check mode</dt><dd>%s</dd>'
               '<dt>Generated</dt><dd>%s by %s %s</dd></dl>\n'
               % (_num(comp['counted']), _num(comp['passing']), _num(comp['subjects_compliant']),
                  _num(comp['subjects']), 'yes, nothing was changed' if run['check_mode'] else 'no',
                  esc(summary.get('generated_at')), esc(tool.get('name')), esc(tool.get('version'))))
    out.append('</section>\n<p class="note">%s</p>\n' % esc(comp.get('definition')))


def _totals(out, summary):
    totals = summary['totals']
    out.append('<h2>Results by status</h2>\n<div class="scroll"><table class="compact"><thead><tr><th>Status</th>'
               '<th class="n">Results</th><th>Counted in %</th></tr></thead><tbody>\n')
    out.extend('<tr><td>%s</td><td class="n">%s</td><td>%s</td></tr>\n'
               % (_badge(s), _num(totals.get(s, 0)), 'yes' if s in COUNTED_STATUSES else 'no')
               for s in STATUS_ORDER)
    out.append('</tbody></table></div>\n')


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
    controls = sorted_controls(summary)
    out.append('<h2>Controls</h2>\n')
    if not controls:
        out.append('<p>No controls were evaluated.</p>\n')
        return
    statuses = ('pass', 'fail', 'unknown', 'manual', 'waived', 'error', 'not_applicable')
    out.append('<div class="scroll"><table><thead><tr><th>Control</th><th>§</th><th>Title</th><th>Platforms</th>')
    out.extend('<th class="n">%s</th>' % STATUS_LABELS[s] for s in statuses)
    out.append('</tr></thead><tbody>\n')
    for c in controls:
        counts = c.get('counts') or {}
        cells = ''.join('<td class="n%s">%s</td>' % ('' if counts.get(s) else ' z', _num(counts.get(s, 0)))
                        for s in statuses)
        out.append('<tr><td class="id">%s</td><td class="nw">%s</td><td>%s</td><td>%s</td>%s</tr>\n'
                   % (esc(c.get('id')), esc(c.get('section')), esc(c.get('title')),
                      esc(', '.join(c.get('platforms') or ())), cells))
    out.append('</tbody></table></div>\n')


def _attention(out, summary, limit):
    selected, total = subjects_needing_attention(summary, limit)
    out.append('<h2>Subjects that need attention (%s)</h2>\n' % _num(total))
    if not total:
        out.append('<p>None: every subject was reached and has no fail, unknown, error or manual result.</p>\n')
        return
    out.append('<div class="scroll"><table><thead><tr><th>Subject</th><th>Kind</th><th>Owner</th><th>Source</th>'
               '<th>Findings</th></tr></thead><tbody>\n')
    for subject, findings in selected:
        source = subject.get('source') or {}
        record = source.get('record')
        items = []
        if subject.get('state') != 'ok':
            items.append('<li><span class="badge s-error">%s</span> %s</li>'
                         % (esc(subject.get('state')), esc(subject.get('error'))))
        items.extend('<li>%s <span class="id">%s</span> %s</li>'
                     % (_badge(r.get('status')), esc(r.get('control')), esc(r.get('reason'))) for r in findings)
        out.append('<tr><td><strong>%s</strong><br><span class="id muted">%s</span></td><td class="nw">%s<br>'
                   '<span class="muted">%s</span></td><td>%s</td><td>%s/%s%s</td>'
                   '<td class="w"><ul class="findings">%s</ul></td></tr>\n'
                   % (esc(subject_label(subject)), esc(subject.get('id')), esc(subject.get('kind')),
                      esc(subject.get('platform')), esc(subject.get('owner')), esc(source.get('type')),
                      esc(source.get('name')),
                      '<br><span class="muted">record %s</span>' % esc(record) if record else '',
                      ''.join(items)))
    out.append('</tbody></table></div>\n')
    if total > len(selected):
        out.append('<p class="more">%s more subjects need attention; see %s for all of them.</p>\n'
                   % (_num(total - len(selected)), SUMMARY_FILE))


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
                   % (_num(len(errors) - len(shown)), SUMMARY_FILE))


def _attribution(out, summary):
    g = summary.get('guidance') or {}
    # The licence URL is plain text on purpose: the page links to nothing outside itself.
    out.append('<footer><p>Controls are adapted from CERT-EU\'s &ldquo;%s&rdquo; (%s) v%s, licensed %s '
               '(https://creativecommons.org/licenses/by/4.0/). They were restated as machine-checkable tests; '
               'CERT-EU does not endorse this report.</p></footer>\n'
               % (esc(g.get('title')), esc(g.get('id')), esc(str(g.get('version', '')).lstrip('vV')),
                  esc(g.get('licence'))))
