# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Operating system identity: /etc/os-release on Linux, SystemVersion.plist
on macOS. Read from files so the probe needs no lsb_release or sw_vers."""
from __future__ import annotations

import shlex

from ansible_collections.hardening.signal.plugins.module_utils.probes import fs

OS_RELEASE = ("/etc/os-release", "/usr/lib/os-release")
MACOS_VERSION = "/System/Library/CoreServices/SystemVersion.plist"


def parse_os_release(text):
    """KEY=value lines with shell quoting (os-release(5))."""
    out = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _sep, value = line.partition("=")
        try:
            parts = shlex.split(value)
        except ValueError:
            parts = [value.strip("\"'")]
        out[key.strip()] = parts[0] if parts else ""
    return out


def read_os_release(root="/"):
    """Return (fields dict or None, error or None)."""
    errors = []
    for path in OS_RELEASE:
        text, err = fs.read_text_optional(root, path)
        if text is not None:
            return parse_os_release(text), None
        if err:
            errors.append(err)
    return None, "; ".join(errors) or None


def linux_identity(fields):
    """family / distribution / version from os-release fields."""
    ids = [fields.get("ID", "")] + fields.get("ID_LIKE", "").split()
    ids = [i.lower() for i in ids if i]
    family = None
    for known in ("debian", "rhel", "fedora", "suse", "arch"):
        if known in ids:
            family = known
            break
    if family is None and ids:
        family = ids[-1]  # ID_LIKE lists the closest relative last
    return {"family": family, "distribution": fields.get("ID") or None,
            "version": fields.get("VERSION_ID") or None}


def macos_identity(root="/"):
    """Return (identity dict, error)."""
    import plistlib  # macOS only: Linux probes need not load it and its XML parser

    data, err = fs.read_bytes(root, MACOS_VERSION, max_bytes=1024 * 1024)
    if data is None:
        return {"family": "darwin", "distribution": "macos", "version": None}, err
    try:
        info = plistlib.loads(data)
        version = info.get("ProductVersion") if isinstance(info, dict) else None
    except Exception as exc:  # plistlib raises several types on bad input
        return ({"family": "darwin", "distribution": "macos", "version": None},
                "%s: not a readable property list (%s)" % (MACOS_VERSION, exc.__class__.__name__))
    return {"family": "darwin", "distribution": "macos",
            "version": version if isinstance(version, str) else None}, None
