# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The HTML report's style sheet and its one script, as fixed text.

Neither holds data: the CSS is the same for every fleet, and the script only reads the page it runs in.
render_html pins the script by the SHA-256 of this very text in the page's Content-Security-Policy, so a
change here changes the hash with it, and no other script can run.
"""

from __future__ import annotations

CSS = """
:root{color-scheme:light dark;--bg:#f7f7f9;--fg:#1c1e21;--muted:#5f6368;--card:#fff;--line:#d9dce1;
--row:#f0f2f5;--bar:#e4e6ea;
--pass-bg:#d8f3e0;--pass-fg:#0f5c2a;--fail-bg:#fbdcdc;--fail-fg:#8a1414;--unknown-bg:#fdefc8;--unknown-fg:#6b4b00;
--manual-bg:#dce7fb;--manual-fg:#163d7a;--error-bg:#f3dcf5;--error-fg:#6e1577;--waived-bg:#e6e6e6;--waived-fg:#3c3c3c;
--not_applicable-bg:transparent;--not_applicable-fg:#5f6368;--ok:#1a7f37;--bad:#c62828;
--c-pass:#2f9e55;--c-fail:#d93a3a;--c-unknown:#d69a00;--c-manual:#3b76d6;--c-waived:#8e949c;--c-error:#a447b8;
--c-not_applicable:#c9ccd1;--c-none:#e4e6ea}
@media (prefers-color-scheme:dark){:root{--bg:#15171a;--fg:#e6e7e9;--muted:#a0a4ab;--card:#1e2125;--line:#363a40;
--row:#24282d;--bar:#33373d;
--pass-bg:#163d24;--pass-fg:#9be3b0;--fail-bg:#4d1a1a;--fail-fg:#ffb3b3;--unknown-bg:#463810;--unknown-fg:#f5d78a;
--manual-bg:#1b2f52;--manual-fg:#a9c6ff;--error-bg:#3f1844;--error-fg:#eab0f2;--waived-bg:#34373b;--waived-fg:#d0d0d0;
--not_applicable-fg:#a0a4ab;--ok:#56d17a;--bad:#ff7b7b;
--c-pass:#4cc574;--c-fail:#ff6b6b;--c-unknown:#f0c24a;--c-manual:#6e9fff;--c-waived:#8d939b;--c-error:#d17fe2;
--c-not_applicable:#4a4f57;--c-none:#33373d}}
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
td.a{overflow-wrap:anywhere;min-width:12em}
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
.split{display:flex;flex-wrap:wrap;gap:16px 40px;align-items:flex-start}
svg.chart{width:540px;max-width:100%;height:auto;display:block;flex:0 1 540px}
svg.chart text{fill:var(--fg);font-size:14px;font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif}
svg.chart text.v{fill:var(--muted);font-variant-numeric:tabular-nums}
svg.stack{display:block;width:100%;min-width:90px;height:12px;margin-top:6px;border-radius:3px}
td.chart{min-width:110px;width:12%}
td.ctl{min-width:16em}
.f-pass{fill:var(--c-pass)}.f-fail{fill:var(--c-fail)}.f-unknown{fill:var(--c-unknown)}.f-manual{fill:var(--c-manual)}
.f-waived{fill:var(--c-waived)}.f-error{fill:var(--c-error)}.f-not_applicable{fill:var(--c-not_applicable)}
.f-none{fill:var(--c-none)}
.legend{display:flex;flex-wrap:wrap;gap:4px 14px;margin:0 0 8px;font-size:.85em;color:var(--muted)}
.legend svg{width:10px;height:10px;vertical-align:-1px;margin-right:5px}
.tools{display:flex;flex-wrap:wrap;gap:6px 18px;align-items:center;margin:0 0 8px;font-size:.9em}
.tools[hidden]{display:none}
.tools input[type=search]{font:inherit;padding:3px 8px;border:1px solid var(--line);border-radius:6px;
background:var(--card);color:var(--fg);min-width:16em}
.tools fieldset{border:0;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:2px 12px;align-items:center}
.tools legend{float:left;padding:0;margin-right:2px;color:var(--muted)}
.tools label{white-space:nowrap;cursor:pointer}
.tools .shown{color:var(--muted)}
th button.sort{all:unset;cursor:pointer;display:inline-flex;gap:4px;align-items:baseline}
th button.sort:focus-visible{outline:2px solid var(--c-manual);outline-offset:2px;border-radius:3px}
th button.sort::after{content:"\\2195";opacity:.35}
th[aria-sort=ascending] button.sort::after{content:"\\2191";opacity:1}
th[aria-sort=descending] button.sort::after{content:"\\2193";opacity:1}
table.live tbody tr:nth-child(even){background:none}
table.live tbody tr.alt{background:var(--row)}
footer{margin-top:36px;color:var(--muted);font-size:.88em;border-top:1px solid var(--line);padding-top:12px}
h3{font-size:1.02em;margin:22px 0 8px}
.gate{margin-top:12px;border-left:6px solid var(--ok)}.gate.failed{border-left-color:var(--bad)}
.gate-verdict{font-size:1.3em;font-weight:700}
.gate ul{margin:6px 0 0;padding-left:20px}.gate li{margin:2px 0}
.chips{display:flex;flex-wrap:wrap;gap:6px 8px;margin:10px 0 0;padding:0;list-style:none}
.chips.top{margin:0 0 10px}
.chip{display:inline-block;padding:1px 10px;border:1px solid var(--line);border-radius:999px;font-size:.86em;
background:var(--card);white-space:nowrap}
.chip b{font-variant-numeric:tabular-nums}
.chip.bad{background:var(--fail-bg);color:var(--fail-fg);border-color:transparent;font-weight:600}
.chip.warn{background:var(--unknown-bg);color:var(--unknown-fg);border-color:transparent;font-weight:600}
.chip.err{background:var(--error-bg);color:var(--error-fg);border-color:transparent;font-weight:600}
.chip.good{background:var(--pass-bg);color:var(--pass-fg);border-color:transparent}
.alert{background:var(--fail-bg);color:var(--fail-fg);border-radius:8px;padding:8px 12px;margin:0 0 10px}
dl.facts{margin:0 0 6px}
td.path,dd.path{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em;overflow-wrap:anywhere}
h4{font-size:.95em;margin:14px 0 6px}
.changes table.compact{min-width:0}
ul.devices{list-style:none;margin:0;padding:0}ul.devices li{margin:0 0 3px}
.since{color:var(--muted);font-size:.85em;white-space:nowrap}
tr.bad td:first-child{box-shadow:inset 4px 0 var(--bad)}
tr.warn td:first-child{box-shadow:inset 4px 0 var(--c-unknown)}
svg.trend{width:720px;max-width:100%;height:auto;display:block}
svg.trend text{fill:var(--muted);font-size:12px;font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;
font-variant-numeric:tabular-nums}
svg.trend text.now{fill:var(--fg);font-weight:700;font-size:13px}
svg.trend text.thl{fill:var(--bad)}
svg.trend text.now,svg.trend text.thl{paint-order:stroke;stroke:var(--bg);stroke-width:4px;stroke-linejoin:round}
svg.trend .grid{stroke:var(--line);stroke-width:1}
svg.trend .thr{stroke:var(--bad);stroke-width:1.5;stroke-dasharray:6 4}
svg.trend .tl{fill:none;stroke:var(--c-manual);stroke-width:2.5;stroke-linejoin:round;stroke-linecap:round}
svg.trend .pt{fill:var(--c-manual);stroke:var(--card);stroke-width:1.5}
svg.trend .pt.cm{fill:var(--card);stroke:var(--c-manual);stroke-width:2}
svg.trend .pt.na{fill:none;stroke:var(--muted);stroke-width:1.5;stroke-dasharray:2 2}
details{margin:8px 0 0}summary{cursor:pointer;color:var(--muted)}
.steps{display:grid;grid-template-columns:repeat(auto-fill,minmax(340px,1fr));gap:12px}
.step h3{margin:0 0 6px}.step ol{margin:6px 0 0;padding-left:22px}.step li{margin:2px 0}
.step p{margin:4px 0}.step:target{outline:3px solid var(--c-manual);outline-offset:2px}
a.to-steps{font-size:.85em;white-space:nowrap;color:var(--c-manual)}
"""


# Sorting and filtering. Reads the page only: no data is written into this text (its hash is fixed
# by the code, not by the fleet). Tables marked data-live get sort buttons in the headers that have
# data-sort ("num": by the cell's data-v, first click descending; "text": by the cell's text), and
# the toolbar named by data-tools (a search box, status checkboxes, a "shown" counter) is unhidden.
# A row matches when its text (chart cells excluded) holds the query and, unless every box is
# checked, one of its data-status values is checked.
SCRIPT = """
(function () {
  'use strict';
  var each = function (list, fn) { Array.prototype.forEach.call(list, fn); };
  var collator = new Intl.Collator(undefined, {numeric: true, sensitivity: 'base'});
  each(document.querySelectorAll('table[data-live]'), function (table) {
    var body = table.tBodies[0];
    if (!body || !table.tHead) { return; }
    var heads = table.tHead.rows[0].cells;
    var items = Array.prototype.map.call(body.rows, function (row, index) {
      var text = [];
      each(row.cells, function (cell) {
        if (!cell.classList.contains('chart')) { text.push(cell.textContent); }
      });
      return {row: row, index: index, text: text.join(' ').toLowerCase(),
              status: (row.getAttribute('data-status') || '').split(' ')};
    });
    var restripe = function () {
      var n = 0;
      each(body.rows, function (row) {
        if (!row.hidden) { row.classList.toggle('alt', n % 2 === 1); n += 1; }
      });
    };
    table.classList.add('live');
    each(heads, function (th, column) {
      var type = th.getAttribute('data-sort');
      if (!type) { return; }
      var button = document.createElement('button');
      button.type = 'button';
      button.className = 'sort';
      while (th.firstChild) { button.appendChild(th.firstChild); }
      th.appendChild(button);
      button.addEventListener('click', function () {
        var current = th.getAttribute('aria-sort');
        var descending = current ? current === 'ascending' : type === 'num';
        each(heads, function (other) { other.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', descending ? 'descending' : 'ascending');
        var keyed = items.map(function (item) {
          var cell = item.row.cells[column];
          var key;
          if (type === 'num') {
            key = cell ? parseFloat(cell.getAttribute('data-v')) : NaN;
            key = isNaN(key) ? -Infinity : key;
          } else {
            key = cell ? cell.textContent.trim() : '';
          }
          return {item: item, key: key};
        });
        keyed.sort(function (a, b) {
          var order = type === 'num' ? (a.key < b.key ? -1 : (a.key > b.key ? 1 : 0)) : collator.compare(a.key, b.key);
          return (descending ? -order : order) || a.item.index - b.item.index;
        });
        keyed.forEach(function (entry) { body.appendChild(entry.item.row); });
        restripe();
      });
    });
    var tools = document.getElementById(table.getAttribute('data-tools') || '');
    if (!tools) { restripe(); return; }
    var box = tools.querySelector('input[type=search]');
    var checks = tools.querySelectorAll('input[type=checkbox]');
    var shown = tools.querySelector('.shown');
    var apply = function () {
      var query = box ? box.value.trim().toLowerCase() : '';
      var wanted = {};
      var all = true;
      each(checks, function (check) {
        if (check.checked) { wanted[check.value] = true; } else { all = false; }
      });
      var count = 0;
      items.forEach(function (item) {
        var match = (!query || item.text.indexOf(query) !== -1) &&
          (all || item.status.some(function (status) { return wanted[status] === true; }));
        item.row.hidden = !match;
        if (match) { count += 1; }
      });
      if (shown) { shown.textContent = count + ' of ' + items.length + ' shown'; }
      restripe();
    };
    if (box) { box.addEventListener('input', apply); }
    each(checks, function (check) { check.addEventListener('change', apply); });
    tools.hidden = false;
    apply();
  });
}());
"""


# The action sheets (render_action_sheet.py): one page per person, printed or mailed; no script at all.
SHEET_CSS = """
:root{color-scheme:light dark;--bg:#fff;--fg:#1c1e21;--muted:#5f6368;--line:#d9dce1;--bad:#b3261e;--good:#1a7f37;
--warn:#8a5a00;--card:#f7f7f9}
@media (prefers-color-scheme:dark){:root{--bg:#15171a;--fg:#e6e7e9;--muted:#a0a4ab;--line:#363a40;--bad:#ff8a80;
--good:#56d17a;--warn:#f0c24a;--card:#1e2125}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif}
main{max-width:820px;margin:0 auto;padding:24px 20px 40px}
h1{font-size:1.5em;margin:0 0 8px}h2{font-size:1.2em;margin:28px 0 8px;border-bottom:1px solid var(--line)}
h3{font-size:1.02em;margin:16px 0 6px}
.lead{color:var(--muted)}
.id{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em}
section.device,section.question{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:10px 16px;
margin:10px 0}
ol.problems>li{margin:6px 0}
ol.steps{margin:4px 0 0;padding-left:22px}ol.steps li{margin:2px 0}
.what{color:var(--muted);font-size:.9em;margin-top:4px}
.q{font-weight:600}
.s-fail,.bad{color:var(--bad);font-weight:600}.s-unknown,.s-error,.s-manual,.s-other{color:var(--warn);font-weight:600}
.good{color:var(--good)}
table{border-collapse:collapse;width:100%}th,td{padding:4px 8px;border-bottom:1px solid var(--line);text-align:left;
vertical-align:top}td.n,th.n{text-align:right}
@media print{body{background:#fff;color:#000}section.device,section.question{break-inside:avoid}}
"""
