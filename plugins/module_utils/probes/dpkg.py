# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Installed Debian packages, read from dpkg's status database.

The file is parsed directly (no dpkg-query): the Linux probes run no
subprocess, and the file format is stable and simple (deb822 stanzas).
"""
from __future__ import annotations

import re

from ansible_collections.hardening.signal.plugins.module_utils.probes import fs

STATUS_PATH = "/var/lib/dpkg/status"


def parse_stanzas(text, with_lines=False):
    """Split deb822 text into a list of {lower-case field: value} dicts.

    Continuation lines (leading space or tab) are joined with newlines, so
    multi-line fields keep their lines; '#' comment lines are dropped. With
    ``with_lines`` each item is (stanza, line number of its first field).
    """
    stanzas = []
    current, first, last = {}, 0, None
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            if current:
                stanzas.append((current, first))
            current, last = {}, None
            continue
        if line.startswith("#"):
            continue
        if line[0] in " \t":
            if last is not None:
                current[last] += "\n" + line[1:]
            continue
        name, sep, value = line.partition(":")
        if not sep:
            # Not a field: skip the line rather than lose the whole stanza.
            continue
        if not current:
            first = lineno
        last = name.strip().lower()
        current[last] = value.strip()
    if current:
        stanzas.append((current, first))
    return stanzas if with_lines else [s for s, _line in stanzas]


def parse_status(text):
    """Return {package: {"version", "status", "architecture"}} for the
    packages whose status is "installed" (config-files, half-installed etc.
    do not count: the program is not there to run)."""
    installed = {}
    for stanza in parse_stanzas(text):
        name = stanza.get("package")
        status = stanza.get("status", "").split()
        if not name or len(status) < 3 or status[2] != "installed":
            continue
        installed[name] = {
            "version": stanza.get("version"),
            "status": " ".join(status),
            "architecture": stanza.get("architecture"),
        }
    return installed


_STANZA_END = re.compile(r"\n[ \t]*\n")


def installed_entry(text, name):
    """parse_status(text).get(name), without parsing every stanza.

    The status file of a desktop holds thousands of packages and the probe wants two of them: only the stanzas
    whose Package field names ``name`` are parsed (there can be several, e.g. one per architecture, or a removed
    one next to an installed one). The last installed one wins, as in parse_status.

    The name is found by plain substring search, and only the lines holding it are matched against the Package
    field (a case-insensitive scan of every line costs ten times more). dpkg package names are lower case."""
    field = re.compile(r"(?i)package:[ \t]*%s[ \t]*$" % re.escape(name), re.MULTILINE)
    found = None
    pos = text.find(name)
    while pos != -1:
        line = text.rfind("\n", 0, pos) + 1
        match = field.match(text, line)
        if match:
            end = _STANZA_END.search(text, match.end())
            stanzas = parse_status(text[_stanza_start(text, line):end.start() if end else len(text)])
            found = stanzas.get(name, found)
            pos = match.end()
        pos = text.find(name, pos + 1)
    return found


def _stanza_start(text, pos):
    """Start of the stanza holding the line at ``pos``: Package need not be its first field."""
    while pos > 0:
        previous = text.rfind("\n", 0, pos - 1) + 1
        if not text[previous:pos - 1].strip():
            return pos
        pos = previous
    return 0


def read_status(root="/"):
    """(text or None, error or None) of dpkg's status file: read once, it answers several package_info calls."""
    return fs.read_text_optional(root, STATUS_PATH)


def package_info(root, name, status=None):
    """Return {"installed": bool|None, "version": str|None, "reason", "error"}.

    status: what read_status(root) returned, when the caller has already read it."""
    text, err = read_status(root) if status is None else status
    if text is None:
        if err:
            return {"installed": None, "version": None, "reason": None, "error": err}
        return {"installed": None, "version": None,
                "reason": "no dpkg database at %s (not a Debian-family system)" % STATUS_PATH,
                "error": None}
    pkg = installed_entry(text, name)
    return {"installed": pkg is not None, "version": pkg["version"] if pkg else None,
            "reason": None, "error": None}


# --- Debian version comparison (deb-version(7)), to pick the highest install ---

_DIGITS = "0123456789"


def _isdigit(ch):
    # ASCII only: str.isdigit() would also accept other scripts' digits.
    return ch in _DIGITS


def _order(ch):
    # '~' sorts before everything, even the end of the string; letters sort
    # before non-letters.
    if ch == "~":
        return -1
    if _isdigit(ch):
        return 0
    if ("a" <= ch <= "z") or ("A" <= ch <= "Z"):
        return ord(ch)
    return ord(ch) + 256


def _compare_part(a, b):
    i = j = 0
    while i < len(a) or j < len(b):
        first_diff = 0
        while (i < len(a) and not _isdigit(a[i])) or (j < len(b) and not _isdigit(b[j])):
            ac = _order(a[i]) if i < len(a) else 0
            bc = _order(b[j]) if j < len(b) else 0
            if ac != bc:
                return ac - bc
            i += 1
            j += 1
        while i < len(a) and a[i] == "0":
            i += 1
        while j < len(b) and b[j] == "0":
            j += 1
        while i < len(a) and _isdigit(a[i]) and j < len(b) and _isdigit(b[j]):
            if not first_diff:
                first_diff = ord(a[i]) - ord(b[j])
            i += 1
            j += 1
        if i < len(a) and _isdigit(a[i]):
            return 1
        if j < len(b) and _isdigit(b[j]):
            return -1
        if first_diff:
            return first_diff
    return 0


_VERSION_RE = re.compile(r"^(?:(\d+):)?(.+?)(?:-([^-]+))?$")


def _split(version):
    m = _VERSION_RE.match(version.strip())
    if not m:
        return 0, version, ""
    return int(m.group(1) or 0), m.group(2), m.group(3) or ""


def compare_versions(a, b):
    """Negative, zero or positive like cmp(), with dpkg's ordering rules.

    Works for plain upstream versions too (Info.plist "7.40.0")."""
    ea, ua, ra = _split(a)
    eb, ub, rb = _split(b)
    if ea != eb:
        return ea - eb
    return _compare_part(ua, ub) or _compare_part(ra, rb)
