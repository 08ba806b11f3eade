# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The dconf files the role writes are read back by desktop_info as set and locked."""
from __future__ import annotations

import os
import time

import pytest

from ansible_collections.hardening.signal.plugins.filter import signal_dconf
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


def test_filters_give_the_same_text():
    filters = signal_dconf.FilterModule().filters()
    assert filters["signal_dconf_keyfile"](5) == gnome_lock.keyfile(5)
    assert filters["signal_dconf_locks"](None) == gnome_lock.locks()
    with pytest.raises(Exception) as exc:
        filters["signal_dconf_keyfile"](0)
    assert "1 to 60" in str(exc.value)


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
                                    "locked_by_admin": True, "source": "dconf: " + gnome_lock.KEYFILE_PATH}
    assert facts["lockscreen_notifications"] == {"hides_content": True, "source": "dconf: " + gnome_lock.KEYFILE_PATH}


def test_without_dconf_update_the_probe_says_stale(tmp_path):
    facts = desktop_facts.collect(_host(tmp_path, compiled=False), platform="linux")
    assert facts["screen_lock"]["enabled"] is None
    assert "dconf update" in facts["unknown_reasons"]["screen_lock.enabled"]
