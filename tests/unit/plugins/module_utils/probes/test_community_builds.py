# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Flatpak and Snap builds are found, with their versions (the controls judge them by their kind)."""
from __future__ import annotations

from ansible_collections.hardening.signal.plugins.module_utils.probes import community_builds
from ansible_collections.hardening.signal.tests.unit.plugins.module_utils.probes.fake_host import write

METAINFO = """<?xml version="1.0" encoding="UTF-8"?>
<component type="desktop-application">
  <id>org.signal.Signal</id>
  <releases>
    <release version="7.41.0" date="2025-01-10"/>
    <release version="7.40.0" date="2025-01-01"/>
  </releases>
</component>
"""


def test_nothing_installed(tmp_path):
    assert community_builds.probe(str(tmp_path)) == ([], [])


def test_system_and_user_flatpak(tmp_path):
    write(tmp_path, "var/lib/flatpak/app/org.signal.Signal/current/active/files/share/metainfo/"
                    "org.signal.Signal.metainfo.xml", METAINFO)
    (tmp_path / "home/alice/.local/share/flatpak/app/org.signal.Signal").mkdir(parents=True)
    installs, errors = community_builds.probe(str(tmp_path), [{"user": "alice", "home": "/home/alice"}])
    assert errors == []
    assert [(i["kind"], i["path"], i["version"]) for i in installs] == [
        ("flatpak", "/var/lib/flatpak/app/org.signal.Signal", "7.41.0"),
        ("flatpak", "/home/alice/.local/share/flatpak/app/org.signal.Signal", None)]


def test_snap_mount_and_blob(tmp_path):
    write(tmp_path, "snap/signal-desktop/current/meta/snap.yaml", "name: signal-desktop\nversion: '7.39.0'\n")
    installs, _errors = community_builds.probe(str(tmp_path))
    assert [(i["kind"], i["path"], i["version"]) for i in installs] == [
        ("snap", "/snap/signal-desktop", "7.39.0")]


def test_snap_blob_only(tmp_path):
    write(tmp_path, "var/lib/snapd/snaps/signal-desktop_712.snap", "")
    write(tmp_path, "var/lib/snapd/snaps/signal-desktop-beta_1.snap", "")
    installs, _errors = community_builds.probe(str(tmp_path))
    assert [i["path"] for i in installs] == ["/var/lib/snapd/snaps/signal-desktop_712.snap"]
