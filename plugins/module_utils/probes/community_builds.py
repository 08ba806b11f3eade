# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Flatpak and Snap builds of Signal Desktop.

Both are community builds, not Signal's (CERT-EU 3.1): the controls judge
them by their kind. Versions are read from the files the package managers
leave (AppStream metainfo, snap.yaml).
"""
from __future__ import annotations

import re

from ansible_collections.hardening.signal.plugins.module_utils.probes import fs

FLATPAK_ID = "org.signal.Signal"
FLATPAK_SYSTEM = "/var/lib/flatpak/app"
FLATPAK_USER = ".local/share/flatpak/app"  # relative to a home folder
SNAP_NAME = "signal-desktop"
SNAP_MOUNT = "/snap"
SNAP_BLOBS = "/var/lib/snapd/snaps"

_RELEASE_RE = re.compile(r"<release\b[^>]*\bversion\s*=\s*[\"']([^\"']+)[\"']")
_SNAP_VERSION_RE = re.compile(r"^version:\s*['\"]?([^'\"\s#]+)", re.M)


def flatpak_version(root, app_dir):
    """Newest <release version=...> of the active deployment's metainfo
    (AppStream lists releases newest first)."""
    for rel in ("current/active/files/share/metainfo/%s.metainfo.xml" % FLATPAK_ID,
                "current/active/files/share/metainfo/%s.appdata.xml" % FLATPAK_ID,
                "current/active/files/share/appdata/%s.appdata.xml" % FLATPAK_ID):
        text, _err = fs.read_text_optional(root, fs.join(app_dir, rel), max_bytes=4 * 1024 * 1024)
        if text:
            m = _RELEASE_RE.search(text)
            if m:
                return m.group(1)
    return None


def snap_version(root):
    text, _err = fs.read_text_optional(root, fs.join(SNAP_MOUNT, SNAP_NAME, "current/meta/snap.yaml"))
    if text:
        m = _SNAP_VERSION_RE.search(text)
        if m:
            return m.group(1)
    return None


def _install(kind, path, version):
    return {"kind": kind, "path": path, "version": version}


def probe(root="/", users=()):
    """Return (installs, errors). ``users`` are {"user", "home"} dicts whose
    per-user Flatpak installations are looked at too."""
    installs, errors = [], []
    flatpak_dirs = [FLATPAK_SYSTEM] + [fs.join(u["home"], FLATPAK_USER) for u in users]
    for base in flatpak_dirs:
        app_dir = fs.join(base, FLATPAK_ID)
        st, err = fs.stat_path(root, app_dir)
        if st is None:
            if err and not err.endswith("does not exist"):
                errors.append(err)
            continue
        if fs.is_dir(root, app_dir):
            installs.append(_install("flatpak", app_dir, flatpak_version(root, app_dir)))

    snap_dir = fs.join(SNAP_MOUNT, SNAP_NAME)
    names, err = fs.listdir(root, SNAP_BLOBS)
    if err:
        errors.append(err)
    blobs = [n for n in names if n.startswith(SNAP_NAME + "_") and n.endswith(".snap")]
    if fs.is_dir(root, snap_dir) or blobs:
        path = snap_dir if fs.is_dir(root, snap_dir) else fs.join(SNAP_BLOBS, blobs[-1])
        installs.append(_install("snap", path, snap_version(root)))
    return installs, errors
