# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""GNOME screen lock / notification settings from dconf system databases."""
from __future__ import annotations

import os
import time

from ansible_collections.hardening.signal.plugins.module_utils.probes import gnome_dconf
from ansible_collections.hardening.signal.tests.unit.plugins.module_utils.probes.fake_host import write

SCREENSAVER = """\
# site policy
[org/gnome/desktop/screensaver]
lock-enabled=true
lock-delay=uint32 0

[org/gnome/desktop/session]
idle-delay=uint32 300

[org/gnome/desktop/notifications]
show-in-lock-screen=false
"""
LOCKS = """\
# locked keys
/org/gnome/desktop/screensaver/lock-enabled
/org/gnome/desktop/screensaver/lock-delay
/org/gnome/desktop/session/idle-delay
/org/gnome/desktop/notifications/show-in-lock-screen
"""


def compile_db(tmp_path, name="local"):
    """Stand-in for `dconf update`: a compiled file newer than the keyfiles."""
    path = write(tmp_path, "etc/dconf/db/%s" % name, "GVariant")
    future = time.time() + 10
    os.utime(str(path), (future, future))


def gnome(tmp_path, profile="user-db:user\nsystem-db:local\n"):
    write(tmp_path, "usr/bin/gnome-shell", "")
    if profile is not None:
        write(tmp_path, "etc/dconf/profile/user", profile)


def probe(tmp_path):
    return gnome_dconf.probe(str(tmp_path))


def test_set_and_locked_values_are_known(tmp_path):
    gnome(tmp_path)
    write(tmp_path, "etc/dconf/db/local.d/00-screensaver", SCREENSAVER)
    write(tmp_path, "etc/dconf/db/local.d/locks/screensaver", LOCKS)
    compile_db(tmp_path)
    keys = probe(tmp_path)["keys"]
    assert keys["lock_enabled"]["value"] is True
    assert keys["lock_delay"]["value"] == 0
    assert keys["idle_delay"]["value"] == 300
    assert keys["show_in_lock_screen"]["value"] is False
    assert keys["idle_delay"]["locked_in"] == "local"
    assert keys["idle_delay"]["set_in"] == "/etc/dconf/db/local.d/00-screensaver"


def test_set_but_not_locked_is_unknown(tmp_path):
    gnome(tmp_path)
    write(tmp_path, "etc/dconf/db/local.d/00-screensaver", SCREENSAVER)
    compile_db(tmp_path)
    key = probe(tmp_path)["keys"]["idle_delay"]
    assert key["value"] is None
    assert "may override" in key["reason"]


def test_not_set_is_unknown_gnome_default(tmp_path):
    gnome(tmp_path)
    key = probe(tmp_path)["keys"]["lock_enabled"]
    assert key["value"] is None
    assert "GNOME's default applies unless the user changed it" in key["reason"]


def test_locked_but_not_set_is_unknown(tmp_path):
    gnome(tmp_path)
    write(tmp_path, "etc/dconf/db/local.d/locks/screensaver", LOCKS)
    compile_db(tmp_path)
    key = probe(tmp_path)["keys"]["lock_enabled"]
    assert key["value"] is None and key["locked_in"] == "local"


def test_folder_lock_locks_nothing(tmp_path):
    """dconf looks locks up by the exact key (seen with dconf 0.40: a user value beats a folder lock)."""
    gnome(tmp_path)
    write(tmp_path, "etc/dconf/db/local.d/00-screensaver", SCREENSAVER)
    write(tmp_path, "etc/dconf/db/local.d/locks/all", "/org/gnome/desktop/screensaver/\n")
    compile_db(tmp_path)
    key = probe(tmp_path)["keys"]["lock_enabled"]
    assert key["value"] is None and key["locked_in"] is None
    assert "folder lock /org/gnome/desktop/screensaver/ (system-db local) does not lock it" in key["reason"]


def test_untyped_number_for_uint32_key_is_an_error(tmp_path):
    gnome(tmp_path)
    write(tmp_path, "etc/dconf/db/local.d/00-screensaver", SCREENSAVER.replace("uint32 300", "300"))
    write(tmp_path, "etc/dconf/db/local.d/locks/screensaver", LOCKS)
    compile_db(tmp_path)
    key = probe(tmp_path)["keys"]["idle_delay"]
    assert key["value"] is None
    assert key["error"].startswith("/etc/dconf/db/local.d/00-screensaver:")
    assert "uint32 300" in key["error"]


def test_later_keyfile_wins_within_a_database(tmp_path):
    gnome(tmp_path)
    write(tmp_path, "etc/dconf/db/local.d/00-screensaver", SCREENSAVER)
    write(tmp_path, "etc/dconf/db/local.d/50-override", "[org/gnome/desktop/session]\nidle-delay=uint32 900\n")
    write(tmp_path, "etc/dconf/db/local.d/.hidden", "[org/gnome/desktop/session]\nidle-delay=uint32 5\n")
    write(tmp_path, "etc/dconf/db/local.d/locks/screensaver", LOCKS)
    compile_db(tmp_path)
    assert probe(tmp_path)["keys"]["idle_delay"]["value"] == 900


def test_lock_in_lower_database_takes_value_from_there(tmp_path):
    gnome(tmp_path, "user-db:user\nsystem-db:local\nsystem-db:site\n")
    write(tmp_path, "etc/dconf/db/local.d/00", "[org/gnome/desktop/session]\nidle-delay=uint32 3600\n")
    write(tmp_path, "etc/dconf/db/site.d/00", "[org/gnome/desktop/session]\nidle-delay=uint32 120\n")
    write(tmp_path, "etc/dconf/db/site.d/locks/x", "/org/gnome/desktop/session/idle-delay\n")
    compile_db(tmp_path, "local")
    compile_db(tmp_path, "site")
    key = probe(tmp_path)["keys"]["idle_delay"]
    assert key["value"] == 120 and key["locked_in"] == "site"
    assert key["others"] == ["/etc/dconf/db/local.d/00: /org/gnome/desktop/session/idle-delay=uint32 3600"]


def test_the_last_database_that_locks_a_key_decides(tmp_path):
    """dconf checks locks from the last database backwards (seen with two locking databases: the later one's value)."""
    gnome(tmp_path, "user-db:user\nsystem-db:local\nsystem-db:site\n")
    write(tmp_path, "etc/dconf/db/local.d/00", "[org/gnome/desktop/session]\nidle-delay=uint32 100\n")
    write(tmp_path, "etc/dconf/db/local.d/locks/x", "/org/gnome/desktop/session/idle-delay\n")
    write(tmp_path, "etc/dconf/db/site.d/00", "[org/gnome/desktop/session]\nidle-delay=uint32 200\n")
    write(tmp_path, "etc/dconf/db/site.d/locks/x", "/org/gnome/desktop/session/idle-delay\n")
    compile_db(tmp_path, "local")
    compile_db(tmp_path, "site")
    key = probe(tmp_path)["keys"]["idle_delay"]
    assert key["value"] == 200 and key["locked_in"] == "site"


def test_a_backup_left_in_the_keyfile_folder_is_read_like_dconf_does(tmp_path):
    gnome(tmp_path)
    write(tmp_path, "etc/dconf/db/local.d/00-screensaver", SCREENSAVER)
    write(tmp_path, "etc/dconf/db/local.d/00-screensaver.1234.2026-11-01@10:00:00~",
          "[org/gnome/desktop/session]\nidle-delay=uint32 1800\n")
    write(tmp_path, "etc/dconf/db/local.d/locks/screensaver", LOCKS)
    compile_db(tmp_path)
    key = probe(tmp_path)["keys"]["idle_delay"]
    assert key["value"] == 1800
    assert key["others"] == ["/etc/dconf/db/local.d/00-screensaver: /org/gnome/desktop/session/idle-delay=uint32 300"]


def test_stale_or_uncompiled_database_is_unknown(tmp_path):
    gnome(tmp_path)
    write(tmp_path, "etc/dconf/db/local.d/00-screensaver", SCREENSAVER)
    write(tmp_path, "etc/dconf/db/local.d/locks/screensaver", LOCKS)
    key = probe(tmp_path)["keys"]["lock_enabled"]
    assert key["value"] is None and "dconf update" in key["reason"]
    compiled = write(tmp_path, "etc/dconf/db/local", "GVariant")
    past = time.time() - 3600
    os.utime(str(compiled), (past, past))
    key = probe(tmp_path)["keys"]["lock_enabled"]
    assert key["value"] is None and "older than its keyfiles" in key["reason"]


def test_malformed_keyfile_breaks_the_database(tmp_path):
    gnome(tmp_path)
    write(tmp_path, "etc/dconf/db/local.d/00-screensaver", SCREENSAVER)
    write(tmp_path, "etc/dconf/db/local.d/10-broken", "[org/gnome/desktop/session]\nthis is not a pair\n")
    write(tmp_path, "etc/dconf/db/local.d/locks/screensaver", LOCKS)
    compile_db(tmp_path)
    result = probe(tmp_path)
    assert result["keys"]["lock_enabled"]["value"] is None
    assert result["errors"][0].startswith("/etc/dconf/db/local.d/10-broken: line 2")


def test_no_profile_means_no_admin_settings(tmp_path):
    gnome(tmp_path, profile=None)
    key = probe(tmp_path)["keys"]["lock_enabled"]
    assert key["value"] is None and "no /etc/dconf/profile/user" in key["reason"]


def test_without_gnome_nothing_is_read(tmp_path):
    result = probe(tmp_path)
    assert result["gnome"] is False and result["keys"] == {}
    assert "GNOME Shell not found" in result["reason"]
    write(tmp_path, "usr/share/gnome-shell/extensions/.keep", "")
    assert probe(tmp_path)["gnome"] is True


def test_parse_value():
    assert gnome_dconf.parse_value("uint32 300", "u") == (300, None)
    assert gnome_dconf.parse_value("@u 60", "u") == (60, None)
    assert gnome_dconf.parse_value("true", "b") == (True, None)
    assert gnome_dconf.parse_value("'true'", "b")[0] is None
    assert gnome_dconf.parse_value("int32 300", "u")[0] is None
