# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Mac's screen lock and Signal's lock-screen notifications from configuration profiles (managed preferences)."""
from __future__ import annotations

import plistlib

import pytest

from ansible_collections.hardening.signal.plugins.module_utils.probes import macos_settings

USERS = [{"user": "alice", "home": "/Users/alice"}, {"user": "bob", "home": "/Users/bob"}]
MANAGED = "/Library/Managed Preferences/"


def plist(tmp_path, rel, value, binary=False):
    path = tmp_path / rel.lstrip("/")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(plistlib.dumps(value, fmt=plistlib.FMT_BINARY if binary else plistlib.FMT_XML))


@pytest.mark.parametrize("binary", [False, True])
def test_computer_profile_sets_every_value(tmp_path, binary):
    plist(tmp_path, MANAGED + "com.apple.screensaver.plist",
          {"idleTime": 300, "askForPassword": 1, "askForPasswordDelay": 0}, binary)
    lock = macos_settings.screen_lock(str(tmp_path), USERS)
    assert [lock[f]["value"] for f in ("enabled", "idle_delay_seconds", "lock_delay_seconds")] == [True, 300, 0]
    assert lock["idle_delay_seconds"]["source"] == MANAGED + "com.apple.screensaver.plist"
    assert lock["errors"] == []


def test_user_profiles_count_only_when_every_user_has_one_and_the_weakest_wins(tmp_path):
    plist(tmp_path, MANAGED + "alice/com.apple.screensaver.plist", {"idleTime": 300, "askForPassword": True})
    lock = macos_settings.screen_lock(str(tmp_path), USERS)
    assert lock["idle_delay_seconds"]["value"] is None
    assert lock["idle_delay_seconds"]["reason"] == "no configuration profile sets idleTime for bob: a user may change it"
    plist(tmp_path, MANAGED + "bob/com.apple.screensaver.plist", {"idleTime": 900, "askForPassword": False}, True)
    lock = macos_settings.screen_lock(str(tmp_path), USERS)
    assert lock["idle_delay_seconds"]["value"] == 900 and lock["enabled"]["value"] is False


def test_a_users_own_setting_is_named_but_not_counted(tmp_path):
    plist(tmp_path, "/Users/alice/Library/Preferences/ByHost/com.apple.screensaver.0A1B2C3D-1111.plist", {"idleTime": 60})
    lock = macos_settings.screen_lock(str(tmp_path), USERS[:1])
    assert lock["idle_delay_seconds"]["value"] is None
    assert "alice set idleTime=60 in /Users/alice/Library/Preferences/ByHost/" in lock["idle_delay_seconds"]["reason"]


def test_malformed_values_and_files_are_errors(tmp_path):
    plist(tmp_path, MANAGED + "com.apple.screensaver.plist", {"idleTime": "five minutes", "askForPassword": 7})
    (tmp_path / "Library/Managed Preferences/alice").mkdir(parents=True)
    (tmp_path / "Library/Managed Preferences/alice/com.apple.screensaver.plist").write_bytes(b"<plist><dict>")
    lock = macos_settings.screen_lock(str(tmp_path), USERS[:1])
    assert lock["idle_delay_seconds"]["value"] is None
    assert lock["idle_delay_seconds"]["error"] == MANAGED + "com.apple.screensaver.plist: 'five minutes' is not a number of seconds"
    assert lock["enabled"]["error"].endswith("askForPassword is 7, not a boolean")
    assert len(lock["errors"]) == 1
    assert lock["errors"][0].startswith(MANAGED + "alice/com.apple.screensaver.plist: not a readable property list (")


def signal_entry(**kwargs):
    return {"NotificationSettings": [{"BundleIdentifier": "com.example.other", "ShowInLockScreen": True},
                                     dict({"BundleIdentifier": macos_settings.BUNDLE_ID}, **kwargs)]}


@pytest.mark.parametrize("entry, hidden", [
    ({"ShowInLockScreen": False}, True),
    ({"ShowInLockScreen": True, "PreviewType": 1}, True),
    ({"ShowInLockScreen": True, "PreviewType": 0}, False),
    ({"NotificationsEnabled": False, "ShowInLockScreen": True}, True),
    ({"ShowInLockScreen": True}, False),
])
def test_notifications_profile_for_signal(tmp_path, entry, hidden):
    plist(tmp_path, MANAGED + "com.apple.notificationsettings.plist", signal_entry(**entry))
    notes = macos_settings.lockscreen_notifications(str(tmp_path), USERS)
    assert notes["value"] is hidden and notes["source"] == MANAGED + "com.apple.notificationsettings.plist"


def test_no_notifications_profile_is_unknown(tmp_path):
    plist(tmp_path, MANAGED + "alice/com.apple.notificationsettings.plist", signal_entry(ShowInLockScreen=False))
    notes = macos_settings.lockscreen_notifications(str(tmp_path), USERS)
    assert notes["value"] is None and "per-user notification settings are not read" in notes["reason"]
