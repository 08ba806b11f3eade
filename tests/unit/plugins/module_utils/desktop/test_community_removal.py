# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Flatpak and Snap builds: the commands that remove them never delete user data."""
from __future__ import annotations

import os

from ansible_collections.hardening.signal.plugins.module_utils.desktop import community_removal


def test_commands_for_system_and_user_flatpaks_and_the_snap(tree):
    tree.write("/etc/passwd", "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/bash\n")
    os.makedirs(tree.path("/home/alice/.local/share/flatpak/app/org.signal.Signal"))
    os.makedirs(tree.path("/var/lib/flatpak/app/org.signal.Signal"))
    os.makedirs(tree.path("/snap/signal-desktop/current/meta"))
    removals, errors = community_removal.plan(tree.root)
    assert errors == []
    by_scope = {(r["kind"], r["scope"]): r["argv"] for r in removals}
    assert by_scope[("flatpak", "system")] == ["flatpak", "uninstall", "--system", "--noninteractive", "-y",
                                               "org.signal.Signal"]
    assert by_scope[("flatpak", "alice")][:4] == ["runuser", "-u", "alice", "--"]
    assert "HOME=/home/alice" in by_scope[("flatpak", "alice")]
    assert by_scope[("snap", "system")] == ["snap", "remove", "signal-desktop"]
    for argv in by_scope.values():
        assert community_removal.is_safe(argv)
        assert "--delete-data" not in argv and "--purge" not in argv


def test_nothing_found_nothing_planned(tree):
    tree.write("/etc/passwd", "root:x:0:0:root:/root:/bin/bash\n")
    assert community_removal.plan(tree.root) == ([], [])


def test_guard_refuses_data_deleting_flags():
    assert not community_removal.is_safe(["flatpak", "uninstall", "--delete-data", "org.signal.Signal"])
    assert not community_removal.is_safe(["snap", "remove", "--purge", "signal-desktop"])
