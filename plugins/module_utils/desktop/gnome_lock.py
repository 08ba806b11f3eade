# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""GNOME screen lock and lock-screen notifications set and locked through a
dconf system database (CERT-EU 3.7 and 3.8).

The role writes these files and runs 'dconf update'; desktop_info
(probes/gnome_dconf.py) reads the very same keys back, and only counts a
value that is set and locked.
"""
from __future__ import annotations

PROFILE_PATH = "/etc/dconf/profile/user"
PROFILE_LINES = ("user-db:user", "system-db:local")
DB_NAME = "local"
KEYFILE_PATH = "/etc/dconf/db/local.d/00-hardening-signal"
LOCKS_PATH = "/etc/dconf/db/local.d/locks/00-hardening-signal"
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
