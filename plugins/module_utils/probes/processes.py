# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Running Signal Desktop processes on Linux and when they started (CERT-EU 3.2).

The .deb has no updater of its own: apt replaces the files and the package's postinst touches
/opt/Signal/.signal-postinst, but a Signal that was already running keeps running the old build until it is
restarted. A main process that started before that file was touched runs an older build than dpkg shows.

Only /proc is read (each process's stat line, and for Signal's own processes their status and executable link):
nothing of Signal's data. logs/main.log in the user's Signal folder would name the version each start ran, but it
is part of the person's Signal data (it records when and how they used Signal), which this collection does not
read.
"""
from __future__ import annotations

import datetime
import os

from ansible_collections.hardening.signal.plugins.module_utils.probes import fs

PROC = "/proc"
COMMAND = "signal-desktop"  # the kernel keeps the first 15 bytes of the executable's name


def _boot_time(root):
    text, err = fs.read_text(root, fs.join(PROC, "stat"))
    if text is None:
        return None, err
    for line in text.splitlines():
        if line.startswith("btime "):
            try:
                return int(line.split()[1]), None
            except (IndexError, ValueError):
                break
    return None, "%s/stat has no usable btime line" % PROC


def _hidden_processes(root, euid):
    """Why other users' processes are out of sight (procfs mounted with hidepid and not running as root), or None."""
    text, _err = fs.read_text(root, fs.join(PROC, "mounts"))
    for line in (text or "").splitlines():
        fields = line.split()
        if len(fields) >= 4 and fields[1] == PROC and fields[2] == "proc":
            options = dict(opt.partition("=")[::2] for opt in fields[3].split(","))
            hidepid = options.get("hidepid", "0")
            if hidepid not in ("0", "off", "noaccess") and euid != 0:
                return ("%s is mounted with hidepid=%s and the probe does not run as root, so other users' Signal "
                        "processes are out of its sight" % (PROC, hidepid))
    return None


def _stat_fields(text):
    """(command, fields after it) of a /proc/<pid>/stat line; the command may hold spaces and parentheses."""
    start, end = text.find("("), text.rfind(")")
    if start < 0 or end < start:
        return None, []
    return text[start + 1:end], text[end + 2:].split()


def _uid(root, pid):
    text, _err = fs.read_text(root, fs.join(PROC, pid, "status"))
    for line in (text or "").splitlines():
        if line.startswith("Uid:"):
            parts = line.split()
            if len(parts) > 1 and parts[1].isdigit():
                return int(parts[1])
    return None


def signal_processes(root="/", users_by_uid=None, euid=None, exe_dir="/opt/Signal"):
    """([{pid, user, started}], reason or None): the main processes of the Signal Desktop in ``exe_dir`` that run.

    ``started`` is an ISO 8601 UTC date-time; ``user`` is the owner's name (or uid). A process whose executable
    link can be read (root reads every process's) and lies elsewhere is another Signal (an AppImage's) and is
    left out. reason says why the list cannot be trusted (None when it can)."""
    users_by_uid = users_by_uid or {}
    euid = os.geteuid() if euid is None and hasattr(os, "geteuid") else euid
    hidden = _hidden_processes(root, euid)
    if hidden:
        return None, hidden
    boot, err = _boot_time(root)
    if boot is None:
        return None, err
    ticks = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    names, err = fs.listdir(root, PROC)
    if err:
        return None, err
    found = {}
    for pid in names:
        if not pid.isdigit():
            continue
        text, _err = fs.read_text(root, fs.join(PROC, pid, "stat"))
        command, fields = _stat_fields(text or "")
        if command != COMMAND or len(fields) < 20:
            continue  # another program, or a process that ended while the list was read
        found[pid] = (fields[1], fields[19])  # parent pid, start time in clock ticks since boot
    running = []
    for pid, (parent, start) in sorted(found.items(), key=lambda item: int(item[0])):
        if parent in found or not start.isdigit():
            continue  # Electron's helper processes are children of the main one
        exe = fs.readlink(root, fs.join(PROC, pid, "exe"))
        if exe is not None and not exe.startswith(exe_dir + "/"):
            continue  # an AppImage's Signal (its executable sits in the image's mount) updates itself
        started = datetime.datetime.fromtimestamp(boot + int(start) // ticks, tz=datetime.timezone.utc)
        uid = _uid(root, pid)
        running.append({"pid": int(pid), "user": users_by_uid.get(uid, "uid %s" % uid if uid is not None else "unknown user"),
                        "started": started.isoformat().replace("+00:00", "Z")})
    return running, None
