# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""write_reports with the JUnit and CSV reports rendered in a forked process: same files, errors raised here."""

from __future__ import annotations

import os
import stat

import pytest

from ansible_collections.hardening.signal.plugins.module_utils.report import write_reports as wr
from ansible_collections.hardening.signal.plugins.module_utils.report.write_reports import (
    FILENAMES,
    RENDERERS,
    ForkedWriterError,
    InvalidSummary,
    write_reports,
)
from ansible_collections.hardening.signal.tests.unit.plugins.module_utils.report.sample_summary import large_summary, sample_summary

ALL = tuple(RENDERERS)


def _contents(directory):
    found = {}
    for name in sorted(os.listdir(str(directory))):
        with open(os.path.join(str(directory), name), encoding='utf-8', newline='') as handle:
            found[name] = handle.read()
    return found


@pytest.mark.parametrize('summary', [sample_summary(), large_summary(400)], ids=['sample', 'large'])
def test_forked_and_in_process_write_the_same_files(tmp_path, summary):
    timings = {}
    forked = write_reports(summary, str(tmp_path / 'forked'), ALL, timings=timings, fork=True)
    alone = write_reports(summary, str(tmp_path / 'alone'), ALL, fork=False)
    assert list(forked) == list(ALL) and forked['csv'] == str(tmp_path / 'forked' / FILENAMES['csv'])
    assert _contents(tmp_path / 'forked') == _contents(tmp_path / 'alone')
    assert _contents(tmp_path / 'forked') == {FILENAMES[fmt]: RENDERERS[fmt](summary) for fmt in ALL}
    assert {'validate', 'write_json', 'write_junit', 'write_csv', 'wait_forked'} <= set(timings)


def test_an_invalid_summary_writes_nothing_and_leaves_no_temporary_file(tmp_path):
    summary = sample_summary()
    summary['subjects'][0]['results'][0]['status'] = 'weird'
    with pytest.raises(InvalidSummary):
        write_reports(summary, str(tmp_path), ALL, fork=True)
    assert os.listdir(str(tmp_path)) == []


def _broken(exception):
    def streamer(_summary):
        yield 'a first piece,'
        raise exception
    return streamer


def test_a_bug_in_the_forked_process_is_raised_with_its_traceback(tmp_path, monkeypatch):
    monkeypatch.setitem(wr.STREAMERS, 'csv', _broken(KeyError('no such field')))
    with pytest.raises(ForkedWriterError) as raised:
        write_reports(sample_summary(), str(tmp_path), ALL, fork=True)
    message = str(raised.value)
    assert 'fleet-summary.junit.xml and fleet-summary.csv' in message
    assert "KeyError: 'no such field'" in message and 'Traceback' in message
    # The formats written here are in place; no forked one is (not even the JSON, whose own process succeeded),
    # and no temporary file is left.
    assert sorted(os.listdir(str(tmp_path))) == sorted(FILENAMES[fmt] for fmt in ('md', 'html'))


def test_the_json_and_the_tables_are_written_by_two_processes_at_once(tmp_path, monkeypatch):
    seen = tmp_path / 'pids'
    seen.mkdir()

    def recording(name, streamer):
        def stream(summary):
            (seen / name).write_text(str(os.getpid()))
            yield from streamer(summary)
        return stream
    for fmt in ('json', 'junit', 'csv'):
        monkeypatch.setitem(wr.STREAMERS, fmt, recording(fmt, wr.STREAMERS[fmt]))
    summary = sample_summary()
    write_reports(summary, str(tmp_path / 'reports'), ALL, fork=True)
    assert _contents(tmp_path / 'reports') == {FILENAMES[fmt]: RENDERERS[fmt](summary) for fmt in ALL}
    pids = {name: int((seen / name).read_text()) for name in ('json', 'junit', 'csv')}
    assert pids['junit'] == pids['csv'] != pids['json'] and os.getpid() not in pids.values()


def test_an_os_error_in_the_forked_process_is_an_os_error_here(tmp_path, monkeypatch):
    monkeypatch.setitem(wr.STREAMERS, 'junit', _broken(OSError(28, 'No space left on device')))
    with pytest.raises(OSError, match='could not write fleet-summary.junit.xml.*No space left on device'):
        write_reports(sample_summary(), str(tmp_path), ('junit', 'csv'), fork=True)
    assert os.listdir(str(tmp_path)) == []


def test_a_target_that_cannot_be_replaced_fails_and_cleans_up(tmp_path):
    (tmp_path / FILENAMES['csv']).mkdir()
    (tmp_path / FILENAMES['csv'] / 'keep').write_text('x')
    with pytest.raises(OSError):
        write_reports(sample_summary(), str(tmp_path), ('json', 'csv'), fork=True)
    assert sorted(os.listdir(str(tmp_path))) == sorted([FILENAMES['json'], FILENAMES['csv']])


def test_when_no_process_can_be_forked_this_one_writes_everything(tmp_path, monkeypatch):
    def no_fork():
        raise BlockingIOError(11, 'Resource temporarily unavailable')
    monkeypatch.setattr(wr.os, 'fork', no_fork)
    paths = write_reports(sample_summary(), str(tmp_path), ALL, fork=True)
    assert _contents(tmp_path) == {FILENAMES[fmt]: RENDERERS[fmt](sample_summary()) for fmt in ALL}
    assert sorted(paths) == sorted(ALL)


def test_a_format_asked_twice_is_written_once(tmp_path):
    paths = write_reports(sample_summary(), str(tmp_path), ('csv', 'csv', 'json'), fork=True)
    assert paths == {'csv': str(tmp_path / FILENAMES['csv']), 'json': str(tmp_path / FILENAMES['json'])}
    assert sorted(os.listdir(str(tmp_path))) == sorted([FILENAMES['csv'], FILENAMES['json']])


@pytest.mark.parametrize('umask, mode, expected', [(0o022, None, 0o640), (0o077, None, 0o600), (0o022, 0o600, 0o600),
                                                   (0o077, 0o644, 0o600)])
@pytest.mark.parametrize('fork', [True, False])
def test_reports_are_private_and_never_wider_than_the_umask(tmp_path, umask, mode, expected, fork):
    previous = os.umask(umask)
    try:
        paths = write_reports(sample_summary(), str(tmp_path / 'reports'), ALL, fork=fork,
                              **({} if mode is None else {'mode': mode}))
    finally:
        os.umask(previous)
    assert {fmt: stat.S_IMODE(os.stat(path).st_mode) for fmt, path in paths.items()} == dict.fromkeys(ALL, expected)
    assert stat.S_IMODE(os.stat(str(tmp_path / 'reports')).st_mode) == expected | (expected & 0o444) >> 2
