# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Signal AppImages: found in the usual folders (bounded); version and expiry date honestly unknown."""
from __future__ import annotations

import os

from ansible_collections.hardening.signal.plugins.module_utils.probes import appimage


def put(root, rel, data):
    path = root / rel.lstrip("/")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def users(tmp_path, *names):
    out = []
    for name in names:
        (tmp_path / "home" / name).mkdir(parents=True, exist_ok=True)
        out.append({"user": name, "home": "/home/" + name})
    return out


def test_header_gives_type_and_squashfs_compression(tmp_path, appimage_header):
    put(tmp_path, "/a", appimage_header(6))
    put(tmp_path, "/b", appimage_header(4, elf64=False))
    put(tmp_path, "/c", b"#!/bin/sh\necho not an AppImage\n" + bytes(64))
    assert appimage.read_header(str(tmp_path), "/a") == ({"type": 2, "compression": "zstd"}, None)
    assert appimage.read_header(str(tmp_path), "/b") == ({"type": 2, "compression": "xz"}, None)
    assert appimage.read_header(str(tmp_path), "/c") == (None, None)


def test_appimages_in_the_usual_places_and_nowhere_deeper(tmp_path, appimage_header):
    alice, bob = users(tmp_path, "alice", "bob")
    put(tmp_path, "/home/alice/Applications/Signal-7.80.0.AppImage", appimage_header())
    put(tmp_path, "/home/alice/.local/bin/signal-desktop.appimage", appimage_header(1))
    put(tmp_path, "/opt/signal/Signal.AppImage", appimage_header())
    put(tmp_path, "/opt/deep/er/Signal.AppImage", appimage_header())          # two levels below /opt: not searched
    put(tmp_path, "/usr/local/bin/Signal.AppImage", b"just a text file\n")   # named like one, but is not one
    put(tmp_path, "/home/bob/Downloads/Signal.AppImage", appimage_header())   # not a place the probe looks
    os.makedirs(str(tmp_path / "srv/elsewhere"))
    put(tmp_path, "/srv/elsewhere/Signal.AppImage", appimage_header())
    os.symlink(str(tmp_path / "srv/elsewhere"), str(tmp_path / "home/bob/bin"))  # a symlinked folder is not followed
    installs, reasons, errors = appimage.probe(str(tmp_path), [alice, bob])
    assert [i["path"] for i in installs] == [
        "/opt/signal/Signal.AppImage",
        "/home/alice/Applications/Signal-7.80.0.AppImage",
        "/home/alice/.local/bin/signal-desktop.appimage"]
    assert errors == []
    assert all(i["version"] is None and i["build_expires"] is None and set(i) == {"kind", "path", "version", "build_expires"}
               for i in installs)
    assert "zstd-compressed" in reasons[0]["version"] and "gzip-compressed" in reasons[2]["version"]
    assert "this probe does not unpack AppImages" in reasons[0]["build_expires"]


def test_a_crowded_folder_is_searched_only_up_to_the_cap(tmp_path, monkeypatch):
    monkeypatch.setattr(appimage, "MAX_ENTRIES", 3)
    for idx in range(5):
        put(tmp_path, "/usr/local/bin/tool%d" % idx, b"x")
    installs, _reasons, errors = appimage.probe(str(tmp_path))
    assert installs == [] and errors == ["/usr/local/bin: more than 3 entries, only the first 3 were looked at"]
