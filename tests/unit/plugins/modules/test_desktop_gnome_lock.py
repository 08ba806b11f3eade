# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""desktop_gnome_lock's main(): check mode changes nothing, a real run migrates, conflicts are warned about.

The module works on '/'; here its two entry points into module_utils are pointed at a temporary tree.
"""
from __future__ import annotations

import json
import os

import pytest

from ansible.module_utils.testing import patch_module_args

from ansible_collections.hardening.signal.plugins.module_utils.desktop import gnome_lock
from ansible_collections.hardening.signal.plugins.modules import desktop_gnome_lock

OLD = "etc/dconf/db/local.d/00-hardening-signal"


@pytest.fixture
def root(tmp_path, monkeypatch):
    real_changes, real_conflicts = gnome_lock.changes, gnome_lock.conflicts
    monkeypatch.setattr(desktop_gnome_lock.gnome_lock, "changes", lambda _root, minutes: real_changes(str(tmp_path), minutes))
    monkeypatch.setattr(desktop_gnome_lock.gnome_lock, "conflicts", lambda _root: real_conflicts(str(tmp_path)))
    monkeypatch.setattr("ansible.module_utils.basic.AnsibleModule.atomic_move",
                        lambda self, src, dest, unsafe_writes=False, keep_dest_attrs=True: os.rename(src, dest))
    monkeypatch.setattr(gnome_lock.FileChange, "_backup", lambda self: "/var/backups/hardening-signal" + self.path)
    (tmp_path / OLD).parent.mkdir(parents=True)
    (tmp_path / OLD).write_text(gnome_lock.keyfile(15))
    return tmp_path


def run(capsys, **args):
    with patch_module_args(args):
        with pytest.raises(SystemExit):
            desktop_gnome_lock.main()
    return json.loads(capsys.readouterr().out)


def test_check_mode_reports_and_writes_nothing(root, capsys):
    result = run(capsys, minutes=5, _ansible_check_mode=True, _ansible_diff=True)
    assert result["changed"] is True and not result.get("failed")
    assert [(f["path"], f["action"]) for f in result["files"]] == [
        (gnome_lock.KEYFILE_PATH, "created"), (gnome_lock.LOCKS_PATH, "created"), ("/" + OLD, "removed")]
    assert len(result["diff"]) == 3
    assert (root / OLD).exists() and not (root / gnome_lock.KEYFILE_PATH.lstrip("/")).exists()


def test_real_run_migrates_then_second_run_is_unchanged(root, capsys):
    first = run(capsys, minutes=5)
    assert first["changed"] is True and first["conflicts"] == []
    assert not (root / OLD).exists()
    assert (root / gnome_lock.KEYFILE_PATH.lstrip("/")).read_text() == gnome_lock.keyfile(5)
    second = run(capsys, minutes=5)
    assert second["changed"] is False


def test_conflicts_are_returned(root, capsys):
    (root / "etc/dconf/db/local.d/zzz-site").write_text("[org/gnome/desktop/notifications]\nshow-in-lock-screen=true\n")
    result = run(capsys, minutes=5, _ansible_check_mode=True)
    assert len(result["conflicts"]) == 1 and "zzz-site" in result["conflicts"][0]


def test_out_of_range_minutes_fail_clearly(root, capsys):
    result = run(capsys, minutes=0)
    assert result["failed"] is True and "1 to 60 minutes" in result["msg"]
