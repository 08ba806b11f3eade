# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Mac's screen lock (CERT-EU 3.7) and Signal's lock-screen notifications
(3.8) as configuration profiles enforce them.

A profile's payloads land as property lists under /Library/Managed
Preferences (computer scope) and /Library/Managed Preferences/<user> (user
scope); they are plain files, read with plistlib, no command is run. A user
cannot change a managed value, so, as with GNOME's locked dconf keys, a
value is *known* only when a profile sets it: for every user at computer
scope, or for each local user at user scope (the weakest of them counts).
A user's own choice (~/Library/Preferences/ByHost/com.apple.screensaver.*)
is named in the reason but never counted: the user may change it at any
time, and newer macOS releases keep the password delay elsewhere.
"""
from __future__ import annotations

from ansible_collections.hardening.signal.plugins.module_utils.probes import fs, property_list

MANAGED_DIR = "/Library/Managed Preferences"
SCREENSAVER = "com.apple.screensaver.plist"
NOTIFICATIONS = "com.apple.notificationsettings.plist"
BYHOST = "Library/Preferences/ByHost"  # relative to a home folder
BUNDLE_ID = "org.whispersystems.signal-desktop"
# facts field -> (payload key, how the values of several users combine: the weakest counts)
SCREEN_KEYS = {
    "enabled": ("askForPassword", min),
    "idle_delay_seconds": ("idleTime", max),
    "lock_delay_seconds": ("askForPasswordDelay", max),
}
# PreviewType of the notifications payload: 0 always, 1 when unlocked, 2 never.
PREVIEW_HIDDEN = (1, 2)


def read_plist(root, path):
    """Return (dict or None, error); a missing file is (None, None)."""
    st, err = fs.stat_path(root, path)
    if st is None:
        return None, None if err and err.endswith("does not exist") else err
    return property_list.read_dict(root, path)


def _typed(field, raw):
    """Return (value, error) for a payload value: booleans may be written as 0/1."""
    if field == "enabled":
        if isinstance(raw, bool) or raw in (0, 1):
            return bool(raw), None
        return None, "askForPassword is %r, not a boolean" % (raw,)
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
        return None, "%r is not a number of seconds" % (raw,)
    return raw, None


def _scopes(root, users, name):
    """Return (computer (path, dict|None), [(user, path, dict|None)], errors)."""
    errors = []
    path = fs.join(MANAGED_DIR, name)
    computer, err = read_plist(root, path)
    if err:
        errors.append(err)
    per_user = []
    for user in users:
        upath = fs.join(MANAGED_DIR, user["user"], name)
        value, err = read_plist(root, upath)
        if err:
            errors.append(err)
        per_user.append((user["user"], upath, value))
    return (path, computer), per_user, errors


def _user_choice(root, user, key):
    """A user's own (unmanaged) value of ``key``, for the reason only."""
    folder = fs.join(user["home"], BYHOST)
    names, _err = fs.listdir(root, folder)
    for name in names:
        if name.startswith("com.apple.screensaver.") and name.endswith(".plist"):
            value, _err = read_plist(root, fs.join(folder, name))
            if value and key in value:
                return "%s set %s=%r in %s (a user setting, not enforced)" % (user["user"], key, value[key],
                                                                              fs.join(folder, name))
    return None


def screen_lock(root, users):
    """Return {field: {"value", "source", "reason", "error"}} for enabled,
    idle_delay_seconds and lock_delay_seconds, plus "errors": [..]."""
    (cpath, computer), per_user, errors = _scopes(root, users, SCREENSAVER)
    out = {"errors": errors}
    for field, (key, weakest) in SCREEN_KEYS.items():
        item = {"value": None, "source": None, "reason": None, "error": None}
        out[field] = item
        if computer is not None and key in computer:
            item["value"], err = _typed(field, computer[key])
            item["source"] = cpath
            if err:
                item["error"] = "%s: %s" % (cpath, err)
            continue
        managed = [(u, p, v) for u, p, v in per_user if v is not None and key in v]
        if users and len(managed) == len(per_user):
            values = []
            for _user, upath, value in managed:
                typed, err = _typed(field, value[key])
                if err:
                    item["error"] = "%s: %s" % (upath, err)
                    break
                values.append(typed)
            else:
                item["value"] = weakest(values)
                item["source"] = ", ".join(p for _u, p, _v in managed)
            continue
        missing = [u for u, _p, v in per_user if v is None or key not in v]
        choices = [c for c in (_user_choice(root, u, key) for u in users if u["user"] in missing) if c]
        if not users:
            item["reason"] = "no configuration profile sets %s and no local user was found" % key
        else:
            item["reason"] = ("no configuration profile sets %s for %s: a user may change it"
                              % (key, "every user" if len(missing) == len(per_user) else ", ".join(missing)))
        if choices:
            item["reason"] += "; " + "; ".join(choices)
    return out


def _signal_entry(settings):
    for entry in (settings or {}).get("NotificationSettings") or []:
        if isinstance(entry, dict) and entry.get("BundleIdentifier") == BUNDLE_ID:
            return entry
    return None


def hides_content(entry):
    """Whether Signal's notification settings keep content off the lock screen."""
    if entry.get("NotificationsEnabled") is False or entry.get("ShowInLockScreen") is False:
        return True
    return entry.get("PreviewType") in PREVIEW_HIDDEN


def lockscreen_notifications(root, users):
    """Return {"value", "source", "reason", "errors"} for Signal's
    notifications on the lock screen, as a notifications profile sets them."""
    (cpath, computer), per_user, errors = _scopes(root, users, NOTIFICATIONS)
    out = {"value": None, "source": None, "reason": None, "errors": errors}
    entry = _signal_entry(computer)
    if entry is not None:
        out["value"], out["source"] = hides_content(entry), cpath
        return out
    entries = [(p, _signal_entry(v)) for _u, p, v in per_user]
    if users and all(e is not None for _p, e in entries):
        out["value"] = all(hides_content(e) for _p, e in entries)
        out["source"] = ", ".join(p for p, _e in entries)
        return out
    out["reason"] = ("no configuration profile sets notifications for %s; per-user notification settings are "
                     "not read (their format changes between macOS releases)" % BUNDLE_ID)
    return out
