# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""File and folder modes for what holds personal data: the reports, the action sheets and the history.

They name staff, e-mail addresses and devices, so they are written for their owner (and a group the
organisation chooses) only: files DEFAULT_MODE (0640), folders the same with search rights (0750). The
process umask can only narrow a mode, never widen it: under umask 077 the files are 0600 and the folders 0700.
signal_hardening_report_mode sets another mode; parse_mode() says what is allowed.

Controller-side only.
"""

from __future__ import annotations

import os
import stat

DEFAULT_MODE = 0o640
# Read and write bits only: a report is never executable, never setuid or sticky.
_ALLOWED_BITS = 0o666
_OWNER_READ_WRITE = 0o600


class ModeError(ValueError):
    pass


def parse_mode(value):
    """The file mode an octal text ('0640', '640', '0o640') or a number gives; ModeError says why not.

    The owner must be able to read and write (the next run replaces the files and the history is written to);
    execute, setuid, setgid and sticky bits are refused.
    """
    if isinstance(value, bool):
        raise ModeError("%r is not a file mode such as '0640'" % (value,))
    if isinstance(value, int):
        mode = value
    elif isinstance(value, str) and value.strip():
        text = value.strip().lower()
        text = text[2:] if text.startswith("0o") else text
        if not text.isdigit() or set(text) - set("01234567") or len(text) > 5:
            raise ModeError("%r is not an octal file mode such as '0640'" % (value,))
        mode = int(text, 8)
    else:
        raise ModeError("%r is not a file mode such as '0640'" % (value,))
    if mode & ~_ALLOWED_BITS or mode < 0:
        raise ModeError("%s allows more than reading and writing (execute, setuid, setgid or sticky bits): "
                        "use read and write bits only, such as 0640" % _octal(mode))
    if mode & _OWNER_READ_WRITE != _OWNER_READ_WRITE:
        raise ModeError("%s does not let the owner read and write the files (the next run replaces them): "
                        "use 0600, 0640 or wider" % _octal(mode))
    return mode


def current_umask():
    """The process umask, read without changing it where the system allows (/proc), else set back at once."""
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as handle:
            for line in handle:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o077)
    os.umask(mask)
    return mask


def file_mode(mode=DEFAULT_MODE, umask=None):
    """The mode a private file gets: mode, narrowed by the umask."""
    return mode & ~(current_umask() if umask is None else umask) & 0o777


def folder_mode(mode=DEFAULT_MODE, umask=None):
    """The mode a private folder gets: mode with search rights wherever it gives read rights, narrowed by the umask."""
    return (mode | (mode & 0o444) >> 2) & ~(current_umask() if umask is None else umask) & 0o777


def make_private_folder(path, mode=DEFAULT_MODE, narrow_existing=True):
    """Create path and its missing parents with folder_mode(mode); path itself, when it existed, is narrowed
    (never widened) unless narrow_existing is false. Parents that exist already are left as they are.
    """
    path = os.path.abspath(os.fspath(path))
    wanted = folder_mode(mode)
    missing = []
    probe = path
    while not os.path.isdir(probe):
        missing.append(probe)
        parent = os.path.dirname(probe)
        if parent == probe:
            break
        probe = parent
    for folder in reversed(missing):
        try:
            os.mkdir(folder, wanted)  # the umask applies: folder_mode has already taken it into account
        except FileExistsError:
            if not os.path.isdir(folder):
                raise
    if narrow_existing or missing:
        narrow(path, wanted)
    return path


def narrow(path, mode):
    """Take away every permission bit of path that mode does not give (a file or folder kept from earlier runs).

    Never adds a bit; a path that belongs to another user is left alone (only its owner or root may change it).
    """
    try:
        status = os.stat(path)
    except FileNotFoundError:
        return
    current = stat.S_IMODE(status.st_mode)
    if current & ~mode and status.st_uid == os.geteuid():
        os.chmod(path, current & mode)


def _octal(mode):
    return "0%o" % mode if mode < 0o1000 else "%o" % mode
