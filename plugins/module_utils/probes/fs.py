# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read-only file access below a root prefix.

Every probe takes ``root`` ("/" in production, a temporary tree in tests) and
reads through these helpers, so that no probe can raise on an unreadable,
missing or odd file: each helper returns ``(value, error)`` where ``error`` is
``None`` or a short message that names the host path (the path as it is on
the host, without the root prefix), ready for a facts ``errors`` entry.
"""
from __future__ import annotations

import errno
import os
import stat

# Config files we parse are small; a cap keeps a hostile or broken file
# (e.g. /etc/hosts made huge) from exhausting memory.
DEFAULT_MAX_BYTES = 64 * 1024 * 1024


def host_path(root, path):
    """Map an absolute host path onto the tree under ``root``."""
    root = root or "/"
    rel = path.lstrip("/")
    return os.path.join(root, rel) if rel else root


def describe_oserror(exc):
    """A short reason for an OSError, without the (root-prefixed) filename."""
    if exc.errno == errno.ENOENT:
        return "does not exist"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if exc.errno == errno.ELOOP:
        return "symlink loop, or a symlink that is not followed"
    return exc.strerror or exc.__class__.__name__


def lstat(root, path):
    """lstat() that never raises: returns (stat_result or None, error)."""
    try:
        return os.lstat(host_path(root, path)), None
    except OSError as exc:
        return None, "%s: %s" % (path, describe_oserror(exc))
    except ValueError as exc:  # e.g. NUL byte in a path from /etc/passwd
        return None, "%s: invalid path (%s)" % (path, exc)


def stat_path(root, path):
    """stat() (follows symlinks) that never raises."""
    try:
        return os.stat(host_path(root, path)), None
    except OSError as exc:
        return None, "%s: %s" % (path, describe_oserror(exc))
    except ValueError as exc:
        return None, "%s: invalid path (%s)" % (path, exc)


def readlink(root, path):
    """Return the target of a symlink, or None (not a link, or unreadable)."""
    try:
        return os.readlink(host_path(root, path))
    except (OSError, ValueError):
        return None


def exists(root, path):
    st, _err = stat_path(root, path)
    return st is not None


def is_dir(root, path):
    st, _err = stat_path(root, path)
    return st is not None and stat.S_ISDIR(st.st_mode)


def is_file(root, path):
    st, _err = stat_path(root, path)
    return st is not None and stat.S_ISREG(st.st_mode)


def read_bytes(root, path, max_bytes=DEFAULT_MAX_BYTES, follow_symlinks=True):
    """Return (bytes or None, error); a missing file is an error here."""
    flags = os.O_RDONLY
    if hasattr(os, "O_NOFOLLOW") and not follow_symlinks:
        # Users own their home folders: never let a symlink planted there make
        # a root-run probe read some other file.
        flags |= os.O_NOFOLLOW
    if hasattr(os, "O_NONBLOCK"):
        # A FIFO planted in place of a config file must not hang the probe.
        flags |= os.O_NONBLOCK
    try:
        fd = os.open(host_path(root, path), flags)
    except OSError as exc:
        return None, "%s: %s" % (path, describe_oserror(exc))
    except ValueError as exc:
        return None, "%s: invalid path (%s)" % (path, exc)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return None, "%s: not a regular file" % path
        if st.st_size > max_bytes:
            return None, "%s: larger than %d bytes, not read" % (path, max_bytes)
        chunks = []
        total = 0
        while True:
            chunk = os.read(fd, 1024 * 1024)
            if not chunk:
                break
            total += len(chunk)
            if total > max_bytes:
                return None, "%s: larger than %d bytes, not read" % (path, max_bytes)
            chunks.append(chunk)
        return b"".join(chunks), None
    except OSError as exc:
        return None, "%s: %s" % (path, describe_oserror(exc))
    finally:
        os.close(fd)


def read_text(root, path, max_bytes=DEFAULT_MAX_BYTES, follow_symlinks=True):
    """Return (str or None, error). Undecodable bytes are replaced: the files
    we read are ASCII config files, and a stray byte must not hide the rest."""
    data, err = read_bytes(root, path, max_bytes, follow_symlinks)
    if data is None:
        return None, err
    return data.decode("utf-8", errors="replace"), None


def read_text_optional(root, path, max_bytes=DEFAULT_MAX_BYTES):
    """Like read_text, but a missing file is (None, None): absence is a fact,
    not an error, for most config files."""
    st, err = stat_path(root, path)
    if st is None:
        if err and err.endswith("does not exist"):
            return None, None
        return None, err
    return read_text(root, path, max_bytes)


def read_regular_files(root, paths):
    """Yield (path, text or None, error) for each of ``paths`` that is a
    regular file; the others (missing, folders, devices) are passed over, as
    apt and dconf pass them over. ``text`` is None when the file cannot be read."""
    for path in paths:
        if not is_file(root, path):
            continue
        text, err = read_text(root, path)
        yield path, text, err


def listdir(root, path):
    """Return (sorted names, error). A missing directory is ([], None)."""
    try:
        names = os.listdir(host_path(root, path))
    except OSError as exc:
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            return [], None
        return [], "%s: %s" % (path, describe_oserror(exc))
    except ValueError as exc:
        return [], "%s: invalid path (%s)" % (path, exc)
    # Byte-wise order, like strcmp()/apt/dconf sort file names.
    return sorted(names, key=lambda n: n.encode("utf-8", "surrogateescape")), None


def join(*parts):
    """Join host path parts with '/' (host paths are POSIX even in tests)."""
    out = parts[0]
    for part in parts[1:]:
        out = out.rstrip("/") + "/" + part.lstrip("/")
    return out
