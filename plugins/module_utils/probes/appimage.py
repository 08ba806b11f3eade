# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Signal Desktop AppImages in the places people put them (CERT-EU 3.1, 3.2).

Signal publishes an official Linux AppImage (since 2026, see the reference
notes), but a copy's origin cannot be proven from the file: it carries no
signature this probe can check, and anyone can build an AppImage named
Signal. The probe reports the kind and path; the controls leave its origin
unknown, never official. Its version and expiry date sit in
resources/app.asar inside the compressed squashfs image appended to the ELF
runtime; the probe does not unpack it (no subprocess, no decompressor for
squashfs here), so both are unknown, with the image's compression named.

The search is bounded: a fixed list of folders, no recursion (one level
below /opt), a cap on entries per folder, symlinks not followed.
"""
from __future__ import annotations

import re
import stat
import struct

from ansible_collections.hardening.signal.plugins.module_utils.probes import fs

SYSTEM_DIRS = ("/opt", "/usr/local/bin")
USER_DIRS = ("Applications", ".local/bin", "bin")  # relative to a home folder
MAX_ENTRIES = 2000  # per folder; a folder with more is not searched completely (reported)
NAME = re.compile(r"signal.*\.appimage$", re.I)
SQUASHFS_COMPRESSION = {1: "gzip", 2: "lzma", 3: "lzo", 4: "xz", 5: "lz4", 6: "zstd"}


def read_header(root, path):
    """Return ({"type": 1|2|None, "compression": str|None}, error) from the
    ELF header, the AppImage magic ('AI' + type at offset 8) and the squashfs
    superblock after the ELF image. (None, None) when it is no AppImage."""
    head, err = _read_at(root, path, 0, 64)
    if head is None:
        return None, err
    if len(head) < 64 or head[:4] != b"\x7fELF" or head[8:10] != b"AI" or head[10] not in (1, 2):
        return None, None
    info = {"type": head[10], "compression": None}
    if info["type"] != 2:
        return info, None
    little = head[5] == 1
    order = "<" if little else ">"
    if head[4] == 2:  # ELF64
        shoff, = struct.unpack_from(order + "Q", head, 0x28)
        shentsize, shnum = struct.unpack_from(order + "HH", head, 0x3A)
    else:
        shoff, = struct.unpack_from(order + "I", head, 0x20)
        shentsize, shnum = struct.unpack_from(order + "HH", head, 0x2E)
    block, err = _read_at(root, path, shoff + shentsize * shnum, 24)
    if block is not None and len(block) == 24 and block[:4] == b"hsqs":
        comp, = struct.unpack_from("<H", block, 20)
        info["compression"] = SQUASHFS_COMPRESSION.get(comp, "unknown (%d)" % comp)
    return info, None


def _read_at(root, path, offset, size):
    try:
        with open(fs.host_path(root, path), "rb") as handle:
            handle.seek(offset)
            return handle.read(size), None
    except (OSError, ValueError, OverflowError) as exc:
        return None, "%s: %s" % (path, fs.describe_oserror(exc) if isinstance(exc, OSError) else exc)


def _candidates(root, folder, depth, errors):
    """Regular files named like a Signal AppImage in ``folder`` (and, with
    depth 1, its sub-folders), never through symlinks."""
    names, err = fs.listdir(root, folder)
    if err:
        errors.append(err)
        return []
    if len(names) > MAX_ENTRIES:
        errors.append("%s: more than %d entries, only the first %d were looked at" % (folder, MAX_ENTRIES, MAX_ENTRIES))
        names = names[:MAX_ENTRIES]
    found = []
    for name in names:
        path = fs.join(folder, name)
        st, _err = fs.lstat(root, path)
        if st is None:
            continue
        if stat.S_ISREG(st.st_mode) and NAME.search(name):
            found.append(path)
        elif depth and stat.S_ISDIR(st.st_mode):
            found += _candidates(root, path, depth - 1, errors)
    return found


def probe(root="/", users=()):
    """Return (installs, reasons {index: {field: reason}}, errors [..])."""
    errors = []
    paths = []
    for folder in SYSTEM_DIRS:
        paths += _candidates(root, folder, 1 if folder == "/opt" else 0, errors)
    for user in users:
        for rel in USER_DIRS:
            folder = fs.join(user["home"], rel)
            st, _err = fs.lstat(root, folder)
            if st is not None and stat.S_ISDIR(st.st_mode):  # a symlinked folder is not followed
                paths += _candidates(root, folder, 0, errors)
    installs, reasons = [], {}
    for path in paths:
        info, err = read_header(root, path)
        if info is None and err is None:
            continue  # named like one, but not an AppImage
        idx = len(installs)
        installs.append({"kind": "appimage", "path": path, "version": None, "build_expires": None})
        if info is None:
            reasons[idx] = {"version": err, "build_expires": err}
            errors.append(err)
            continue
        where = ("inside its squashfs image (%s-compressed)" % info["compression"] if info["compression"]
                 else "inside its file system image")
        unpacked = "is in resources/app.asar %s; this probe does not unpack AppImages" % where
        reasons[idx] = {"version": "the version " + unpacked, "build_expires": "the expiry date " + unpacked}
    return installs, reasons, errors
