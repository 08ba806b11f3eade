# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The dconf files the role writes are read back by desktop_info as set and locked."""
from __future__ import annotations

import os
import time

import pytest

from ansible_collections.hardening.signal.plugins.module_utils.desktop import gnome_lock
from ansible_collections.hardening.signal.plugins.module_utils.probes import desktop_facts, gnome_dconf


def test_keyfile_text():
    assert gnome_lock.keyfile(5) == (
        gnome_lock.HEADER +
        "\n[org/gnome/desktop/screensaver]\nlock-enabled=true\nlock-delay=uint32 0\n"
        "\n[org/gnome/desktop/session]\nidle-delay=uint32 300\n"
        "\n[org/gnome/desktop/notifications]\nshow-in-lock-screen=false\n")


def test_locks_name_every_key_of_the_keyfile():
    keys = set(gnome_dconf.parse_keyfile(gnome_lock.keyfile(1)))
    locks = {line for line in gnome_lock.locks().splitlines() if line and not line.startswith("#")}
    assert locks == keys
    assert keys == {k for k, _t in gnome_dconf.KEYS.values()}


@pytest.mark.parametrize("minutes", [1, 5, 60, "15"])
def test_values_have_the_types_gnome_wants(minutes):
    values = gnome_dconf.parse_keyfile(gnome_lock.keyfile(minutes))
    for _name, (key, wanted) in gnome_dconf.KEYS.items():
        value, err = gnome_dconf.parse_value(values[key], wanted)
        assert err is None, err
    assert gnome_dconf.parse_value(values["/org/gnome/desktop/session/idle-delay"], "u")[0] == int(minutes) * 60


@pytest.mark.parametrize("minutes", [0, 61, -5, "five", True, None])
def test_out_of_range_minutes_are_refused(minutes):
    with pytest.raises((ValueError, TypeError)):
        gnome_lock.keyfile(minutes)


def _host(tmp_path, compiled=True):
    def write(rel, text):
        path = tmp_path / rel.lstrip("/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        return path
    write("/usr/bin/gnome-shell", "")
    write("/etc/os-release", "ID=debian\nVERSION_ID=12\n")
    write("/etc/passwd", "root:x:0:0:root:/root:/bin/bash\n")
    write("/var/lib/dpkg/status", "Package: signal-desktop\nStatus: install ok installed\nVersion: 7.80.0\n")
    write(gnome_lock.PROFILE_PATH, "\n".join(gnome_lock.PROFILE_LINES) + "\n")
    write(gnome_lock.KEYFILE_PATH, gnome_lock.keyfile(5))
    write(gnome_lock.LOCKS_PATH, gnome_lock.locks())
    if compiled:   # what `dconf update` leaves: a database newer than its keyfiles
        db = write("/etc/dconf/db/" + gnome_lock.DB_NAME, "GVariant")
        future = time.time() + 5
        os.utime(str(db), (future, future))
    return str(tmp_path)


def test_desktop_info_reads_the_written_settings_as_locked(tmp_path):
    facts = desktop_facts.collect(_host(tmp_path), platform="linux")
    assert facts["os"]["desktop"] == "gnome"
    assert facts["screen_lock"] == {"enabled": True, "idle_delay_seconds": 300, "lock_delay_seconds": 0,
                                    "locked_by_admin": True, "source": "dconf: " + gnome_lock.KEYFILE_PATH,
                                    "other_settings": []}
    assert facts["lockscreen_notifications"] == {"hides_content": True, "source": "dconf: " + gnome_lock.KEYFILE_PATH,
                                                 "other_settings": []}


def test_without_dconf_update_the_probe_says_stale(tmp_path):
    facts = desktop_facts.collect(_host(tmp_path, compiled=False), platform="linux")
    assert facts["screen_lock"]["enabled"] is None
    assert "dconf update" in facts["unknown_reasons"]["screen_lock.enabled"]


SITE = "[org/gnome/desktop/session]\nidle-delay=uint32 900\n"


def test_our_keyfile_wins_over_a_site_keyfile_in_the_same_folder(tmp_path):
    """The 00-site file that beat 00-hardening-signal sorts before our keyfile now."""
    root = _host(tmp_path)
    for name in ("00-site", "50-local", "site-defaults"):
        (tmp_path / ("etc/dconf/db/local.d/" + name)).write_text(SITE)
    db = tmp_path / "etc/dconf/db/local"
    future = time.time() + 10
    os.utime(str(db), (future, future))
    facts = desktop_facts.collect(root, platform="linux")
    assert facts["screen_lock"]["idle_delay_seconds"] == 300
    assert facts["screen_lock"]["source"] == "dconf: " + gnome_lock.KEYFILE_PATH
    # The overridden site settings are reported as evidence.
    assert "/etc/dconf/db/local.d/00-site: /org/gnome/desktop/session/idle-delay=uint32 900" \
        in facts["screen_lock"]["other_settings"]
    assert gnome_lock.conflicts(root) == []


def test_a_file_sorting_after_ours_is_a_conflict_and_the_probe_names_it(tmp_path):
    root = _host(tmp_path)
    (tmp_path / "etc/dconf/db/local.d/zzz-site").write_text(SITE)
    db = tmp_path / "etc/dconf/db/local"
    future = time.time() + 10
    os.utime(str(db), (future, future))
    found = gnome_lock.conflicts(root)
    assert len(found) == 1 and found[0].startswith("/etc/dconf/db/local.d/zzz-site sorts after zz-hardening-signal")
    facts = desktop_facts.collect(root, platform="linux")
    assert facts["screen_lock"]["idle_delay_seconds"] == 900
    assert facts["screen_lock"]["source"] == "dconf: %s, /etc/dconf/db/local.d/zzz-site" % gnome_lock.KEYFILE_PATH
    assert facts["screen_lock"]["other_settings"] == [
        gnome_lock.KEYFILE_PATH + ": /org/gnome/desktop/session/idle-delay=uint32 300"]


def test_a_lock_in_a_database_listed_after_ours_is_a_conflict(tmp_path):
    root = _host(tmp_path)
    (tmp_path / "etc/dconf/profile/user").write_text("user-db:user\nsystem-db:local\nsystem-db:site\n")
    (tmp_path / "etc/dconf/db/site.d/locks").mkdir(parents=True)
    (tmp_path / "etc/dconf/db/site.d/locks/x").write_text("/org/gnome/desktop/session/idle-delay\n")
    found = gnome_lock.conflicts(root)
    assert found == ["system-db site is listed after local in /etc/dconf/profile/user and locks "
                     "/org/gnome/desktop/session/idle-delay: its value applies, not ours"]


def test_changes_create_our_files_and_remove_legacy_ones_with_backup(tree, fake_module):
    tree.write("/etc/dconf/db/local.d/00-hardening-signal", gnome_lock.keyfile(15))
    tree.write("/etc/dconf/db/local.d/locks/00-hardening-signal", gnome_lock.locks())
    # What ansible.builtin.copy backup=true left next to the old file (dconf reads it: its name has no leading dot).
    tree.write("/etc/dconf/db/local.d/00-hardening-signal.1234.2026-11-01@10:00:00~", gnome_lock.keyfile(30))
    tree.write("/etc/dconf/db/local.d/00-site", SITE)
    planned = gnome_lock.changes(tree.root, 5)
    assert [(c.path, c.action) for c in planned] == [
        (gnome_lock.KEYFILE_PATH, "created"),
        (gnome_lock.LOCKS_PATH, "created"),
        ("/etc/dconf/db/local.d/00-hardening-signal", "removed"),
        ("/etc/dconf/db/local.d/00-hardening-signal.1234.2026-11-01@10:00:00~", "removed"),
        ("/etc/dconf/db/local.d/locks/00-hardening-signal", "removed"),
    ]
    for change in planned:
        change.apply(fake_module, backup=True)
    assert tree.text(gnome_lock.KEYFILE_PATH) == gnome_lock.keyfile(5)
    assert not tree.exists("/etc/dconf/db/local.d/00-hardening-signal")
    assert not tree.exists("/etc/dconf/db/local.d/locks/00-hardening-signal")
    assert tree.exists("/etc/dconf/db/local.d/00-site")       # the site's own file is never touched
    backups = tree.backups()
    assert len(backups) == 3 and all(b.startswith("/var/backups/hardening-signal/etc/dconf/db/local.d/") for b in backups)
    assert sorted(os.listdir(tree.path("/etc/dconf/db/local.d"))) == ["00-site", "locks", "zz-hardening-signal"]
    again = gnome_lock.changes(tree.root, 5)
    assert [c.action for c in again] == ["unchanged", "unchanged"]


def test_a_new_timeout_leaves_no_backup_in_the_keyfile_folder(tree, fake_module):
    for change in gnome_lock.changes(tree.root, 15):
        change.apply(fake_module, backup=True)
    for change in gnome_lock.changes(tree.root, 5):
        change.apply(fake_module, backup=True)
    assert sorted(os.listdir(tree.path("/etc/dconf/db/local.d"))) == ["locks", "zz-hardening-signal"]
    assert len(tree.backups()) == 1 and "uint32 900" in tree.text(tree.backups()[0])
