# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import os
import stat

import pytest

from ansible_collections.hardening.signal.plugins.module_utils.report import atomic_write
from ansible_collections.hardening.signal.plugins.module_utils.report.atomic_write import write_text_atomic


def test_writes_content_and_mode(tmp_path):
    target = tmp_path / 'fleet-summary.md'
    write_text_atomic(str(target), 'héllo | world\n', mode=0o640)
    assert target.read_text(encoding='utf-8') == 'héllo | world\n'
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert os.listdir(tmp_path) == ['fleet-summary.md']


@pytest.mark.parametrize('umask, mode', [(0o022, 0o640), (0o077, 0o600)])
def test_default_mode_is_private_and_never_wider_than_the_umask(tmp_path, umask, mode):
    target = tmp_path / 'reports' / 'a.txt'
    previous = os.umask(umask)
    try:
        write_text_atomic(target, 'x')  # a path object works too
        write_text_atomic(str(tmp_path / 'b.txt'), 'x', mode=0o644)
    finally:
        os.umask(previous)
    assert stat.S_IMODE(target.stat().st_mode) == mode
    assert stat.S_IMODE((tmp_path / 'reports').stat().st_mode) == mode | (mode & 0o444) >> 2
    assert stat.S_IMODE((tmp_path / 'b.txt').stat().st_mode) == 0o644 & ~umask


def test_creates_missing_folder(tmp_path):
    target = tmp_path / 'reports' / 'nested' / 'fleet-summary.html'
    write_text_atomic(str(target), '<p>ok</p>')
    assert target.read_text() == '<p>ok</p>'


def test_replaces_existing_file(tmp_path):
    target = tmp_path / 'out.txt'
    target.write_text('old')
    write_text_atomic(str(target), 'new')
    assert target.read_text() == 'new'
    assert os.listdir(tmp_path) == ['out.txt']


def test_non_str_leaves_previous_file_and_no_temp(tmp_path):
    target = tmp_path / 'out.txt'
    target.write_text('previous')
    with pytest.raises(TypeError):
        write_text_atomic(str(target), b'bytes are not text')
    assert target.read_text() == 'previous'
    assert os.listdir(tmp_path) == ['out.txt']


@pytest.mark.parametrize('broken', ['fsync', 'replace'])
def test_failure_after_write_cleans_up(tmp_path, monkeypatch, broken):
    target = tmp_path / 'out.txt'
    target.write_text('previous')

    def boom(*_args, **_kwargs):
        raise OSError('disk on fire')

    monkeypatch.setattr(atomic_write.os, broken, boom)
    with pytest.raises(OSError, match='disk on fire'):
        write_text_atomic(str(target), 'new content')
    monkeypatch.undo()
    assert target.read_text() == 'previous'
    assert os.listdir(tmp_path) == ['out.txt']
