# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Other apt entries for Signal's repository (typically signal-xenial.list).

apt refuses to read *any* source when two entries for the same repository
and suite name different Signed-By values ("Conflicting values set for
option Signed-By"), so an old one-line entry without Signed-By, or with
another keyring, must go before the deb822 source is written. Only
one-line entries are removed, and only when the user opted in: a file that
holds nothing else is deleted, otherwise the lines are commented out.
"""
from __future__ import annotations

from ansible_collections.hardening.signal.plugins.module_utils.probes import apt_sources, fs

DISABLED_PREFIX = "# disabled by hardening.signal (duplicate of %s): "


def _one_line_files(root):
    paths = [apt_sources.SOURCES_LIST]
    names, err = fs.listdir(root, apt_sources.SOURCES_DIR)
    errors = [err] if err else []
    for name in names:
        if apt_sources._VALID_NAME.match(name) and name.endswith(".list"):
            paths.append(fs.join(apt_sources.SOURCES_DIR, name))
    return paths, errors


def _deb822_files(root, own_path):
    names, _err = fs.listdir(root, apt_sources.SOURCES_DIR)
    out = []
    for name in names:
        path = fs.join(apt_sources.SOURCES_DIR, name)
        if path != own_path and apt_sources._VALID_NAME.match(name) and name.endswith(".sources"):
            out.append(path)
    return out


def _same_repo(entry, repo_url, suite):
    want = apt_sources.normalize_url(repo_url)
    return (suite in entry["suites"] and apt_sources.is_enabled(entry)
            and any(apt_sources.normalize_url(u) == want for u in entry["uris"]))


def find(root, repo_url, suite, own_path, keyring_path):
    """Return (entries, errors). Each entry: {file, line, format ('one-line'
    or 'deb822'), signed_by (str or None), conflicts (bool: apt would refuse
    both together)}."""
    found, errors = [], []
    one_line_paths, errs = _one_line_files(root)
    errors += errs
    for paths, parse, fmt in ((one_line_paths, apt_sources.parse_one_line, "one-line"),
                              (_deb822_files(root, own_path), apt_sources.parse_deb822, "deb822")):
        for path, text, err in fs.read_regular_files(root, paths):
            if text is None:
                errors.append(err)
                continue
            entries, _errs = parse(text, path)
            found += [_describe(entry, fmt, keyring_path) for entry in entries if _same_repo(entry, repo_url, suite)]
    return found, errors


def _describe(entry, fmt, keyring_path):
    signed_by = entry["options"].get("signed-by")
    signed_by = signed_by.strip() if signed_by else None
    return {"file": entry["file"], "line": entry["line"], "format": fmt, "signed_by": signed_by,
            "conflicts": signed_by != keyring_path}


def without_entries(text, lines, own_path, may_delete=True, prefixes=None):
    """Return the new text of a one-line file with ``lines`` (1-based)
    commented out, or None when nothing active would be left and
    ``may_delete`` (the file is then deleted; /etc/apt/sources.list never is).
    ``prefixes`` maps a line number to the comment that replaces the default."""
    prefixes = prefixes or {}
    out = []
    active_left = False
    for lineno, raw in enumerate(text.splitlines(True), 1):
        if lineno in lines:
            out.append(prefixes.get(lineno, DISABLED_PREFIX % own_path) + raw.lstrip())
            continue
        if raw.split("#", 1)[0].strip():
            active_left = True
        out.append(raw)
    if not active_left and may_delete:
        return None
    result = "".join(out)
    return result if result.endswith("\n") else result + "\n"


def stanza_disabled(text, line, comment):
    """Return the text of a deb822 file with the stanza whose first field is
    on ``line`` (1-based) switched off by 'Enabled: no' (apt keeps reading
    the rest of the file); ``comment`` says why, on a '#' line above it."""
    lines = text.splitlines(True)
    end = line - 1
    while end < len(lines) and lines[end].strip():
        end += 1
    stanza = lines[line - 1:end]
    for idx, raw in enumerate(stanza):
        if raw.split(":", 1)[0].strip().lower() == "enabled" and not raw.startswith((" ", "\t", "#")):
            stanza[idx] = "Enabled: no\n"
            break
    else:
        stanza.insert(0, "Enabled: no\n")
    if not stanza[-1].endswith("\n"):
        stanza[-1] += "\n"
    return "".join(lines[:line - 1] + ["# %s\n" % comment] + stanza + lines[end:])
