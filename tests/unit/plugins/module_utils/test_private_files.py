# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private files: 0640 files and 0750 folders by default, never wider than the umask, never widened."""

from __future__ import annotations

import os
import stat

import pytest

from ansible_collections.hardening.signal.plugins.module_utils import private_files as pf


@pytest.fixture
def umask():
    """Set the process umask for one test and put the old one back."""
    previous = os.umask(0o022)
    os.umask(previous)
    yield os.umask
    os.umask(previous)


def _mode(path):
    return stat.S_IMODE(os.stat(str(path)).st_mode)


@pytest.mark.parametrize('text, mode', [('0640', 0o640), ('640', 0o640), ('0o600', 0o600), (' 0660 ', 0o660),
                                        (0o644, 0o644), (420, 0o644)])
def test_modes_are_read_as_octal(text, mode):
    assert pf.parse_mode(text) == mode


@pytest.mark.parametrize('text, words', [('0750', 'execute'), ('04640', 'setuid'), ('0440', 'owner read and write'),
                                         ('rw-r-----', 'octal'), ('0648', 'octal'), ('', 'file mode'), (True, 'file mode'),
                                         (None, 'file mode'), ('06400', 'setuid'), ('123456', 'octal')])
def test_modes_that_are_not_private_file_modes_are_refused(text, words):
    with pytest.raises(pf.ModeError, match=words):
        pf.parse_mode(text)


def test_the_umask_is_read_without_being_changed(umask):
    umask(0o027)
    assert pf.current_umask() == 0o027
    assert os.umask(0o027) == 0o027


@pytest.mark.parametrize('mask, file_mode, folder_mode', [(0o022, 0o640, 0o750), (0o077, 0o600, 0o700),
                                                          (0o002, 0o640, 0o750), (0o000, 0o640, 0o750)])
def test_the_default_is_private_and_never_wider_than_the_umask(mask, file_mode, folder_mode):
    assert pf.file_mode(umask=mask) == file_mode
    assert pf.folder_mode(umask=mask) == folder_mode
    assert pf.folder_mode(0o600, umask=mask) == 0o700
    assert pf.folder_mode(0o644, umask=mask) == 0o755 & ~mask


def test_folders_are_created_private_and_existing_parents_are_kept(tmp_path, umask):
    umask(0o022)
    os.chmod(str(tmp_path), 0o755)
    made = pf.make_private_folder(tmp_path / 'reports' / 'runs')
    assert made == str(tmp_path / 'reports' / 'runs')
    assert _mode(tmp_path / 'reports') == 0o750 and _mode(tmp_path / 'reports' / 'runs') == 0o750
    assert _mode(tmp_path) == 0o755


def test_an_existing_folder_is_narrowed_only_when_asked(tmp_path, umask):
    umask(0o022)
    shared, own = tmp_path / 'shared', tmp_path / 'own'
    for folder in (shared, own):
        folder.mkdir()
        os.chmod(str(folder), 0o755)
    pf.make_private_folder(shared, narrow_existing=False)
    pf.make_private_folder(own)
    assert _mode(shared) == 0o755 and _mode(own) == 0o750


def test_narrow_takes_bits_away_and_never_adds_one(tmp_path):
    path = tmp_path / 'history.sqlite'
    path.write_text('x')
    os.chmod(str(path), 0o644)
    pf.narrow(str(path), 0o640)
    assert _mode(path) == 0o640
    os.chmod(str(path), 0o600)
    pf.narrow(str(path), 0o640)
    assert _mode(path) == 0o600
    pf.narrow(str(tmp_path / 'missing'), 0o600)  # nothing to narrow: no error
