# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Remove Flatpak and Snap builds of Signal Desktop (opt-in, CERT-EU 3.1).

They are community builds, not Signal's. Removing one never deletes the
user's Signal data: Flatpak is uninstalled without --delete-data (the data
folder under ~/.var/app/org.signal.Signal stays) and the Snap without
--purge (snapd keeps a snapshot of its data, see 'snap saved'). The found
installs come from the read-only probe; this file only builds the commands.
"""
from __future__ import annotations

from ansible_collections.hardening.signal.plugins.module_utils.probes import community_builds, profiles


def _owner(path, users):
    for user in users:
        if path.startswith(user["home"].rstrip("/") + "/"):
            return user
    return None


def plan(root="/"):
    """Return (removals, errors). Each removal: {kind, path, scope
    ('system' or a user name), argv (list; the binary is resolved by the
    caller: argv[0] is 'flatpak', 'snap' or 'runuser')}."""
    users, errors = profiles.local_users(root, "linux")
    installs, errs = community_builds.probe(root, users)
    errors += errs
    removals = []
    for inst in installs:
        if inst["kind"] == "snap":
            removals.append({"kind": "snap", "path": inst["path"], "scope": "system",
                             "argv": ["snap", "remove", community_builds.SNAP_NAME]})
        elif inst["kind"] == "flatpak":
            if inst["path"].startswith(community_builds.FLATPAK_SYSTEM + "/"):
                removals.append({"kind": "flatpak", "path": inst["path"], "scope": "system",
                                 "argv": ["flatpak", "uninstall", "--system", "--noninteractive", "-y",
                                          community_builds.FLATPAK_ID]})
                continue
            user = _owner(inst["path"], users)
            if user is None:
                errors.append("%s: cannot tell which user owns this Flatpak install" % inst["path"])
                continue
            # Run as the user, so that their Flatpak repository keeps its owner.
            removals.append({"kind": "flatpak", "path": inst["path"], "scope": user["user"],
                             "argv": ["runuser", "-u", user["user"], "--", "env", "-u", "XDG_DATA_HOME",
                                      "HOME=%s" % user["home"], "flatpak", "uninstall", "--user",
                                      "--noninteractive", "-y", community_builds.FLATPAK_ID]})
    return removals, errors


def is_safe(argv):
    """Guard: never a flag that deletes user data."""
    return not any(a in ("--delete-data", "--purge") for a in argv)
