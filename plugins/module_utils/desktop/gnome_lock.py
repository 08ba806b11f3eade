# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""GNOME screen lock and lock-screen notifications set and locked through a
dconf system database (CERT-EU 3.7 and 3.8).

desktop_gnome_lock writes these files (the role then runs 'dconf update');
desktop_info (probes/gnome_dconf.py) reads the very same keys back, and
only counts a value that is set and locked.

dconf reads a keyfile folder in byte order of the file names and the last
file wins, so our keyfile is named to sort after the usual '00-site',
'50-...' names. A file sorting after it, or a system database listed after
'local' that locks the same key, still decides: that is reported as a
conflict, never hidden. Backups go to /var/backups/hardening-signal: dconf
would read a backup left in the keyfile folder (it skips dot files only).
"""
from __future__ import annotations

import re

from ansible_collections.hardening.signal.plugins.module_utils.desktop.file_change import FileChange
from ansible_collections.hardening.signal.plugins.module_utils.probes import fs, gnome_dconf

PROFILE_PATH = "/etc/dconf/profile/user"
PROFILE_LINES = ("user-db:user", "system-db:local")
DB_NAME = "local"
KEYFILE_NAME = "zz-hardening-signal"
KEYFILE_DIR = "/etc/dconf/db/local.d"
LOCKS_DIR = "/etc/dconf/db/local.d/locks"
KEYFILE_PATH = KEYFILE_DIR + "/" + KEYFILE_NAME
LOCKS_PATH = LOCKS_DIR + "/" + KEYFILE_NAME
# Written by releases before 0.2: '00-' sorted before a site's '00-site', which then won.
LEGACY_NAME = "00-hardening-signal"
# ansible.builtin.copy's backup=true left '<dest>.<pid>.<timestamp>~' next to the file, where dconf reads it.
_STRAY = re.compile(r"^(?:00|zz)-hardening-signal\..+~$")
HEADER = "# Managed by hardening.signal: screen lock (CERT-EU 3.7) and lock-screen notifications (3.8).\n"

# (group, key, GVariant text of the value); {idle} is the idle delay in seconds.
SETTINGS = (
    ("org/gnome/desktop/screensaver", "lock-enabled", "true"),
    ("org/gnome/desktop/screensaver", "lock-delay", "uint32 0"),
    ("org/gnome/desktop/session", "idle-delay", "uint32 {idle}"),
    ("org/gnome/desktop/notifications", "show-in-lock-screen", "false"),
)


def idle_seconds(minutes):
    """Minutes (1 to 60, as the role checks) to the uint32 seconds GNOME wants."""
    if isinstance(minutes, bool):
        raise ValueError("screen lock timeout must be a number of minutes, not %r" % minutes)
    minutes = int(minutes)
    if minutes < 1 or minutes > 60:
        raise ValueError("screen lock timeout must be 1 to 60 minutes, not %d" % minutes)
    return minutes * 60


def keyfile(minutes):
    """Text of the keyfile for an idle delay of ``minutes``."""
    idle = idle_seconds(minutes)
    lines, group = [HEADER.rstrip("\n")], None
    for grp, key, value in SETTINGS:
        if grp != group:
            lines += ["", "[%s]" % grp]
            group = grp
        lines.append("%s=%s" % (key, value.format(idle=idle)))
    return "\n".join(lines) + "\n"


def locks():
    """Text of the locks file: every key of the keyfile, so users cannot change them."""
    return HEADER + "".join("/%s/%s\n" % (grp, key) for grp, key, _value in SETTINGS)


def _keys():
    return ["/%s/%s" % (grp, key) for grp, key, _value in SETTINGS]


def _ours(name):
    return name == KEYFILE_NAME or name == LEGACY_NAME or bool(_STRAY.match(name))


def conflicts(root):
    """Settings of other files that decide our keys instead of our keyfile,
    as readable sentences (empty when ours hold)."""
    found = []
    keys = _keys()
    names, _err = fs.listdir(root, KEYFILE_DIR)
    paths = [fs.join(KEYFILE_DIR, name) for name in names
             if not (name.startswith(".") or _ours(name) or name.encode("utf-8", "surrogateescape") < KEYFILE_NAME.encode())]
    for path, text, err in fs.read_regular_files(root, paths):
        if text is None:
            found.append("%s cannot be read (%s): dconf reads it after %s" % (path, err, KEYFILE_NAME))
            continue
        try:
            values = gnome_dconf.parse_keyfile(text)
        except gnome_dconf.KeyfileError as exc:
            found.append("%s: %s (dconf update fails for the whole database)" % (path, exc))
            continue
        for key in keys:
            if key in values:
                found.append("%s sorts after %s and sets %s=%s: its value applies, not ours"
                             % (path, KEYFILE_NAME, key, values[key]))
    profile, _err = fs.read_text_optional(root, PROFILE_PATH)
    dbs = gnome_dconf.parse_profile(profile or "\n".join(PROFILE_LINES))
    after = dbs[dbs.index(DB_NAME) + 1:] if DB_NAME in dbs else []
    for name in after:
        db = gnome_dconf.read_db(root, name)
        for key in keys:
            if key in db["locks"]:
                found.append("system-db %s is listed after %s in %s and locks %s: its value applies, not ours"
                             % (name, DB_NAME, PROFILE_PATH, key))
    return found


def changes(root, minutes):
    """FileChanges that put our keyfile and locks in place and take away
    what older releases left in the keyfile folders (legacy name, backups)."""
    out = [
        FileChange(root, KEYFILE_PATH, keyfile(minutes).encode("utf-8"),
                   purpose="GNOME screen lock, idle delay and lock-screen notifications (3.7, 3.8)"),
        FileChange(root, LOCKS_PATH, locks().encode("utf-8"),
                   purpose="locks on those keys, so users cannot loosen them (3.7, 3.8)"),
    ]
    for folder in (KEYFILE_DIR, LOCKS_DIR):
        names, _err = fs.listdir(root, folder)
        for name in names:
            if name == LEGACY_NAME or _STRAY.match(name):
                path = fs.join(folder, name)
                if fs.is_file(root, path):
                    out.append(FileChange(root, path, None,
                                          purpose="left by an older release; dconf would read it (replaced by %s)"
                                          % KEYFILE_NAME))
    return out
