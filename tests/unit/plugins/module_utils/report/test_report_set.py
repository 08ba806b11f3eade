# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A run's reports are published as one set: all of them or none, never two runs mixed, even when a run is
killed part-way; what a killed run left is removed by the next one."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
import xml.etree.ElementTree as ET

import pytest

from ansible_collections.hardening.signal.plugins.module_utils.report.publish import publish
from ansible_collections.hardening.signal.plugins.module_utils.report.report_set import ReportSet, new_run_id
from ansible_collections.hardening.signal.plugins.module_utils.report.write_reports import FILENAMES
from ansible_collections.hardening.signal.tests.unit.plugins.module_utils.report.sample_summary import sample_summary

ALL = ('json', 'md', 'html', 'junit', 'csv')
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..', '..', '..'))
COLLECTIONS = os.path.join(ROOT, '.build', 'collections')


def _judged():
    summary = sample_summary()
    for section in ('history', 'changes', 'trend'):
        summary.pop(section)
    return summary, summary.pop('gate')


def _run_ids(report_dir, formats=ALL):
    """The run id each stable report name gives, read through the links as any reader would."""
    found = {}
    for fmt in formats:
        with open(os.path.join(str(report_dir), FILENAMES[fmt]), encoding='utf-8', newline='') as handle:
            text = handle.read()
        if fmt == 'json':
            found[fmt] = json.loads(text)['run']['id']
        elif fmt == 'junit':
            found[fmt] = ET.fromstring(text).get('id')
        elif fmt == 'csv':
            found[fmt] = {row['run'] for row in csv.DictReader(io.StringIO(text, newline=''))}.pop()
        else:
            found[fmt] = text.split('Run', 1)[1].split('runs/', 1)[0]
    return found


def _same_run(report_dir, formats=ALL):
    ids = _run_ids(report_dir, formats)
    run_id = ids['json']
    assert all(ids[fmt] == run_id for fmt in ('junit', 'csv') if fmt in ids), ids
    assert all(run_id in ids[fmt] for fmt in ('md', 'html') if fmt in ids), ids
    return run_id


def test_run_ids_name_the_moment_and_differ():
    first, second = new_run_id('2026-11-26T06:00:00Z'), new_run_id('2026-11-26T06:00:00Z')
    assert first.startswith('20261126T060000Z-') and first != second


def test_each_run_is_a_folder_and_the_stable_names_follow_the_current_one(tmp_path):
    report_dir = tmp_path / 'reports'
    summary, gate = _judged()
    paths, _warnings = publish(summary, str(report_dir), list(ALL), gate)
    first = _same_run(report_dir)
    assert first == summary['run']['id']
    assert paths == {fmt: str(report_dir / FILENAMES[fmt]) for fmt in ALL}
    assert os.readlink(str(report_dir / 'current')) == os.path.join('runs', first)
    assert os.readlink(str(report_dir / 'fleet-summary.json')) == os.path.join('current', 'fleet-summary.json')
    summary, gate = _judged()
    publish(summary, str(report_dir), ['json', 'md'], gate)
    second = _same_run(report_dir, ('json', 'md'))
    assert second != first and sorted(os.listdir(str(report_dir / 'runs'))) == sorted([first, second])
    # A format this run did not write has no stable name left pointing at another run's file.
    assert not os.path.lexists(str(report_dir / FILENAMES['csv']))
    assert sorted(os.listdir(str(report_dir / 'runs' / second))) == sorted(FILENAMES[f] for f in ('json', 'md'))


def test_older_runs_are_pruned_and_the_current_one_kept(tmp_path):
    report_dir = tmp_path / 'reports'
    ids = []
    for _round in range(5):
        summary, gate = _judged()
        publish(summary, str(report_dir), ['json'], gate, keep_report_runs=2)
        ids.append(summary['run']['id'])
        time.sleep(0.01)  # distinct folder times
    assert sorted(os.listdir(str(report_dir / 'runs'))) == sorted(ids[-2:])
    summary, gate = _judged()
    publish(summary, str(report_dir), ['json'], gate, keep_report_runs=0)
    assert len(os.listdir(str(report_dir / 'runs'))) == 3


@pytest.mark.parametrize('umask, files, folders', [(0o022, 0o640, 0o750), (0o077, 0o600, 0o700)])
def test_the_set_is_private(tmp_path, umask, files, folders):
    report_dir = tmp_path / 'reports'
    previous = os.umask(umask)
    try:
        summary, gate = _judged()
        publish(summary, str(report_dir), list(ALL), gate)
    finally:
        os.umask(previous)
    run = report_dir / 'runs' / summary['run']['id']
    for folder in (report_dir, report_dir / 'runs', run):
        assert stat.S_IMODE(os.stat(str(folder)).st_mode) == folders, folder
    for name in os.listdir(str(run)):
        assert stat.S_IMODE(os.stat(str(run / name)).st_mode) == files, name
    assert stat.S_IMODE(os.stat(str(report_dir / '.publish.lock')).st_mode) == files


def test_the_flat_layout_of_earlier_versions_is_replaced(tmp_path):
    report_dir = tmp_path / 'reports'
    report_dir.mkdir()
    for fmt in ALL:
        (report_dir / FILENAMES[fmt]).write_text('from an earlier version')
    (report_dir / '.fleet-summary.json.k2j3h4.tmp').write_text('x' * 1000)  # left by a killed run
    (report_dir / 'notes.txt').write_text('not ours')
    summary, gate = _judged()
    publish(summary, str(report_dir), ['json', 'html'], gate)
    _same_run(report_dir, ('json', 'html'))
    assert sorted(os.listdir(str(report_dir))) == sorted(['.publish.lock', 'current', 'runs', 'notes.txt',
                                                          FILENAMES['json'], FILENAMES['html']])


def test_a_failed_write_publishes_nothing_and_leaves_nothing(tmp_path):
    report_dir = tmp_path / 'reports'
    summary, gate = _judged()
    publish(summary, str(report_dir), list(ALL), gate)
    before = _same_run(report_dir)
    summary, gate = _judged()
    summary['subjects'][0]['results'][0]['status'] = 'weird'  # the schema refuses it
    with pytest.raises(Exception, match='does not match'):
        publish(summary, str(report_dir), list(ALL), gate)
    assert _same_run(report_dir) == before and os.listdir(str(report_dir / 'runs')) == [before]


# The publishing process, stopped inside the HTML renderer (after the Markdown of the run is written, while the
# forked writers render the JSON, JUnit and CSV into temporary files) until the test kills it.
_KILLED_RUN = textwrap.dedent('''
    import os, sys, time
    sys.path.insert(0, %(collections)r)
    from ansible_collections.hardening.signal.plugins.module_utils.report import write_reports
    from ansible_collections.hardening.signal.plugins.module_utils.report.publish import publish
    from ansible_collections.hardening.signal.tests.unit.plugins.module_utils.report.test_report_set import _judged

    def stuck(summary):
        open(%(ready)r, 'w').close()
        time.sleep(120)

    write_reports.RENDERERS['html'] = stuck
    summary, gate = _judged()
    publish(summary, %(report_dir)r, ['json', 'md', 'html', 'junit', 'csv'], gate)
''')


def test_a_run_killed_part_way_leaves_the_previous_set_and_the_next_run_cleans_up(tmp_path):
    report_dir, ready = tmp_path / 'reports', tmp_path / 'ready'
    summary, gate = _judged()
    publish(summary, str(report_dir), list(ALL), gate)
    before = _same_run(report_dir)
    script = _KILLED_RUN % {'collections': COLLECTIONS, 'ready': str(ready), 'report_dir': str(report_dir)}
    proc = subprocess.Popen([sys.executable, '-c', script], start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while not ready.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert ready.exists(), 'the run never reached its HTML report'
        partial = [name for name in os.listdir(str(report_dir / 'runs')) if name.endswith('.partial')]
        assert len(partial) == 1
        written = os.listdir(str(report_dir / 'runs' / partial[0]))
        assert FILENAMES['md'] in written and any(name.startswith('.%s.' % FILENAMES['json']) for name in written)
        os.killpg(proc.pid, signal.SIGKILL)  # the publisher and its forked writer, as a killed job would be
    finally:
        proc.wait()
    # Readers still see the whole previous set, of one run.
    assert _same_run(report_dir) == before
    # The next run removes the killed run's partial folder and publishes its own set.
    summary, gate = _judged()
    publish(summary, str(report_dir), list(ALL), gate)
    assert _same_run(report_dir) == summary['run']['id']
    assert sorted(os.listdir(str(report_dir / 'runs'))) == sorted([before, summary['run']['id']])


_WAITER = textwrap.dedent('''
    import sys
    sys.path.insert(0, %(collections)r)
    from ansible_collections.hardening.signal.plugins.module_utils.report.report_set import ReportSet, ReportSetError
    try:
        with ReportSet(%(report_dir)r, '20261126T060000Z-abcdef', lock_wait=0.5):
            pass
    except ReportSetError as exc:
        print(exc)
        sys.exit(3)
''')


def test_a_second_run_waits_for_the_first_and_never_removes_its_folder(tmp_path):
    report_dir = tmp_path / 'reports'
    with ReportSet(str(report_dir), new_run_id('2026-11-26T06:00:00Z')) as first:
        done = subprocess.run([sys.executable, '-c', _WAITER % {'collections': COLLECTIONS, 'report_dir': str(report_dir)}],
                              capture_output=True, text=True, check=False, timeout=60)
        assert done.returncode == 3 and 'another run has been writing reports to' in done.stdout
        assert os.path.isdir(first.folder)  # the waiting run did not clean it up


def test_a_run_id_is_never_a_path():
    with pytest.raises(ValueError):
        ReportSet('/tmp/reports', '../../etc')


def test_the_history_file_gets_the_reports_mode(tmp_path):
    previous = os.umask(0o022)
    try:
        summary, gate = _judged()
        history = tmp_path / 'reports' / 'fleet-history.sqlite'
        publish(summary, str(tmp_path / 'reports'), ['json'], gate, history_path=str(history), mode=0o600)
    finally:
        os.umask(previous)
    assert summary['history']['error'] is None
    assert stat.S_IMODE(os.stat(str(history)).st_mode) == 0o600


def _sheet_files(folder):
    return {name: (folder / name).read_bytes() for name in sorted(os.listdir(str(folder)))}


def test_the_action_sheets_are_written_by_another_process_and_match_those_written_here(tmp_path, monkeypatch):
    from ansible_collections.hardening.signal.plugins.module_utils.report import action_sheets
    from ansible_collections.hardening.signal.plugins.module_utils.report import publish as publish_module
    real, seen = action_sheets.write_action_sheets, tmp_path / 'pid'

    def recording(*args):
        seen.write_text(str(os.getpid()))
        return real(*args)
    monkeypatch.setattr(action_sheets, 'write_action_sheets', recording)
    summary, gate = _judged()
    timings = {}
    paths, _warnings = publish(summary, str(tmp_path / 'forked'), list(ALL), gate, timings=timings, action_sheets=True)
    assert int(seen.read_text()) != os.getpid() and 'wait_action_sheets' in timings
    monkeypatch.setattr(publish_module, 'may_fork', lambda fork=None: False)
    summary, gate = _judged()
    here, _warnings = publish(summary, str(tmp_path / 'here'), list(ALL), gate, action_sheets=True)
    assert int(seen.read_text()) == os.getpid()
    forked_files, here_files = _sheet_files(tmp_path / 'forked' / 'action-sheets'), _sheet_files(tmp_path / 'here' / 'action-sheets')
    assert sorted(forked_files) == sorted(here_files) and len(forked_files) > 4
    # The same sheets but for the run's id, which each names.
    forked_id = _same_run(tmp_path / 'forked')
    here_id = _same_run(tmp_path / 'here')
    assert {n: t.replace(forked_id.encode(), b'RUN') for n, t in forked_files.items()} == {
        n: t.replace(here_id.encode(), b'RUN') for n, t in here_files.items()}


def test_a_failure_in_the_action_sheets_process_publishes_nothing(tmp_path, monkeypatch):
    from ansible_collections.hardening.signal.plugins.module_utils.report import action_sheets
    report_dir = tmp_path / 'reports'
    summary, gate = _judged()
    publish(summary, str(report_dir), list(ALL), gate, action_sheets=True)
    before = _same_run(report_dir)

    def broken(*_args):
        raise OSError(28, 'No space left on device')
    monkeypatch.setattr(action_sheets, 'write_action_sheets', broken)
    summary, gate = _judged()
    with pytest.raises(OSError, match='action sheets.*No space left on device'):
        publish(summary, str(report_dir), list(ALL), gate, action_sheets=True)
    assert _same_run(report_dir) == before and os.listdir(str(report_dir / 'runs')) == [before]
