# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""apt sources: which entries point at Signal's repository, and with which key.

Reads /etc/apt/sources.list, sources.list.d/*.list (one-line format) and
sources.list.d/*.sources (deb822), the way apt selects them, and decides for
Signal's entries whether they are pinned to Signal's signing key.
"""
from __future__ import annotations

import re

from ansible_collections.hardening.signal.plugins.module_utils.probes import apt_lists, dpkg, fs, openpgp

DEFAULT_REPO_URL = "https://updates.signal.org/desktop/apt"
DEFAULT_SUITE = "xenial"
DEFAULT_FINGERPRINT = "DBA36B5181D0C816F630E889D980A17457F6FB06"
PACKAGE = "signal-desktop"

SOURCES_LIST = "/etc/apt/sources.list"
SOURCES_DIR = "/etc/apt/sources.list.d"
# apt only reads files whose names use these characters (apt-pkg's
# GetListOfFilesInDir); anything else (.save, .distUpgrade, ~) is ignored.
_VALID_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")
_FINGERPRINT_RE = re.compile(r"^(0x)?[0-9A-Fa-f]{40}!?$")


def normalize_url(url):
    """Compare URLs apt-wise: scheme and host are case-insensitive, and a
    trailing slash makes no difference."""
    url = (url or "").strip()
    m = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*://)([^/]*)(.*)$", url)
    if m:
        url = m.group(1).lower() + m.group(2).lower() + m.group(3)
    return url.rstrip("/")


def _entry(path, line, types, uris, suites, components, options):
    return {
        "file": path,
        "line": line,
        "types": types,
        "uris": uris,
        "suites": suites,
        "components": components,
        "options": options,  # lower-case option name -> raw string value
    }


def parse_one_line(text, path):
    """Parse the one-line format; return (entries, errors)."""
    entries, errors = [], []
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        options = {}
        m = re.match(r"^(\S+)\s*\[([^\]]*)\]\s*(.*)$", line)
        if m:
            kind, opt_text, rest = m.group(1), m.group(2), m.group(3)
            for opt in opt_text.split():
                name, sep, value = opt.partition("=")
                if not sep:
                    errors.append("%s:%d: malformed option '%s'" % (path, lineno, opt))
                    continue
                # 'signed-by+=' / 'arch-=' modify a default; keep the name.
                options[name.rstrip("+-").lower()] = value
        else:
            parts = line.split(None, 1)
            kind, rest = parts[0], parts[1] if len(parts) > 1 else ""
        fields = rest.split()
        if kind not in ("deb", "deb-src") or len(fields) < 2:
            errors.append("%s:%d: not a valid sources.list line" % (path, lineno))
            continue
        entries.append(_entry(path, lineno, [kind], [fields[0]], [fields[1]], fields[2:], options))
    return entries, errors


def parse_deb822(text, path):
    """Parse the deb822 format (.sources); return (entries, errors)."""
    entries, errors = [], []
    for stanza, lineno in dpkg.parse_stanzas(text, with_lines=True):
        types = stanza.get("types", "").split()
        uris = stanza.get("uris", "").split()
        suites = stanza.get("suites", "").split()
        if not types or not uris or not suites:
            errors.append("%s:%d: stanza lacks Types, URIs or Suites" % (path, lineno))
            continue
        options = {}
        for name in ("signed-by", "trusted", "enabled", "architectures"):
            if name in stanza:
                options[name] = stanza[name]
        entries.append(_entry(path, lineno, types, uris, suites,
                              stanza.get("components", "").split(), options))
    return entries, errors


def read_entries(root="/"):
    """Return (entries, errors) for every source file apt would read."""
    entries, errors = [], []
    text, err = fs.read_text_optional(root, SOURCES_LIST)
    if err:
        errors.append(err)
    elif text is not None:
        found, errs = parse_one_line(text, SOURCES_LIST)
        entries += found
        errors += errs
    names, err = fs.listdir(root, SOURCES_DIR)
    if err:
        errors.append(err)
    paths = [fs.join(SOURCES_DIR, name) for name in names
             if _VALID_NAME.match(name) and (name.endswith(".list") or name.endswith(".sources"))]
    for path, text, err in fs.read_regular_files(root, paths):
        if text is None:
            errors.append(err)
            continue
        parser = parse_one_line if path.endswith(".list") else parse_deb822
        found, errs = parser(text, path)
        entries += found
        errors += errs
    return entries, errors


def _is_enabled(entry):
    return entry["options"].get("enabled", "yes").strip().lower() not in ("no", "false", "0")


def signal_entries(entries, repo_url=DEFAULT_REPO_URL, suite=DEFAULT_SUITE):
    """Enabled binary ('deb') entries for ``repo_url`` with ``suite``."""
    want = normalize_url(repo_url)
    out = []
    for entry in entries:
        if "deb" not in entry["types"] or not _is_enabled(entry):
            continue
        if suite not in entry["suites"]:
            continue
        if any(normalize_url(u) == want for u in entry["uris"]):
            out.append(entry)
    return out


def _split_signed_by(value):
    """Signed-By holds keyring paths and/or fingerprints, comma or space
    separated, or (deb822 only) an inline armored key."""
    if openpgp.ARMOR_BEGIN in value:
        # deb822 writes an empty line of a multi-line field as " .".
        lines = ["" if line.strip() == "." else line for line in value.split("\n")]
        return [("inline", "\n".join(lines))]
    items = []
    for item in re.split(r"[,\s]+", value.strip()):
        if not item:
            continue
        if _FINGERPRINT_RE.match(item):
            items.append(("fingerprint", openpgp.normalize_fingerprint(item)))
        else:
            items.append(("path", item))
    return items


def judge_entry(root, entry, fingerprint=DEFAULT_FINGERPRINT):
    """Decide whether one source entry is pinned to Signal's key.

    Returns {"official": bool|None, "reason": str|None, "errors": [..],
    "signed_by": str|None, "unchecked": bool}."""
    want = openpgp.normalize_fingerprint(fingerprint)
    where = "%s:%d" % (entry["file"], entry["line"])
    if entry["options"].get("trusted", "").strip().lower() == "yes":
        # trusted=yes switches signature checks off: anything can be served.
        return {"official": False, "reason": "%s: trusted=yes disables signature checks" % where,
                "errors": [], "signed_by": None, "unchecked": True}
    signed_by = entry["options"].get("signed-by")
    if not signed_by:
        return {"official": None,
                "reason": "%s: no Signed-By, so apt accepts any globally trusted key for it" % where,
                "errors": [], "signed_by": None}
    errors = []
    unreadable = False
    paths = []
    for kind, value in _split_signed_by(signed_by):
        if kind == "fingerprint":
            # apt then requires a signature by exactly this key.
            if value == want:
                return {"official": True, "reason": None, "errors": [], "signed_by": value}
            continue
        if kind == "inline":
            try:
                keys = openpgp.fingerprints_from_text(value)
            except openpgp.OpenPGPError as exc:
                errors.append("%s: inline Signed-By key is malformed (%s)" % (where, exc))
                unreadable = True
                continue
            if want in [k["fingerprint"] for k in keys]:
                return {"official": True, "reason": None, "errors": [], "signed_by": "inline key"}
            continue
        paths.append(value)
        found, err = openpgp.keyring_fingerprints(root, value)
        if found is None:
            errors.append(err)
            unreadable = True
            continue
        if want in found:
            return {"official": True, "reason": None, "errors": [], "signed_by": value}
    if unreadable:
        return {"official": None, "reason": "%s: Signed-By keyring could not be read" % where,
                "errors": errors, "signed_by": ", ".join(paths) or None}
    return {"official": False,
            "reason": "%s: Signed-By does not hold key %s" % (where, want),
            "errors": errors, "signed_by": ", ".join(paths) or None}


def other_sources(root, entries, signal, fingerprint=DEFAULT_FINGERPRINT, package=PACKAGE, cat_file=None):
    """Enabled entries other than Signal's whose downloaded indexes offer
    ``package``: apt installs the highest version from any of them, so each
    one not pinned to Signal's key is a way in for a build Signal did not sign.

    Returns (sources, unreadable): sources are {file, line, uri, suite,
    versions, official (False/None; True ones, mirrors signed by Signal's
    key, are left out), reason}; unreadable are messages for entries whose
    indexes could not be read. ``cat_file`` reads .lz4/.zst indexes
    (apt_lists.offers)."""
    own = {(e["file"], e["line"]) for e in signal}
    names, err = fs.listdir(root, apt_lists.LISTS_DIR)
    sources, unreadable = [], [err] if err else []
    for entry in entries:
        if "deb" not in entry["types"] or not _is_enabled(entry) or (entry["file"], entry["line"]) in own:
            continue
        offered = apt_lists.offers(root, entry, package, names, cat_file)
        where = "%s:%d" % (entry["file"], entry["line"])
        if not offered["versions"]:
            if offered["errors"]:
                unreadable.append("%s: whether it offers %s is unknown (%s)"
                                  % (where, package, "; ".join(offered["errors"])))
            continue
        verdict = judge_entry(root, entry, fingerprint)
        if verdict["official"] is True:
            continue  # e.g. an internal mirror whose Release file Signal's key signs
        sources.append({"file": entry["file"], "line": entry["line"], "uri": entry["uris"][0],
                        "suite": entry["suites"][0], "versions": offered["versions"],
                        "official": False if verdict["official"] is False else None,
                        "reason": "%s (%s %s) also offers %s %s: %s" % (
                            where, entry["uris"][0], entry["suites"][0], package,
                            ", ".join(offered["versions"]), verdict["reason"])})
    return sources, unreadable


def signal_source(root="/", repo_url=DEFAULT_REPO_URL, suite=DEFAULT_SUITE,
                  fingerprint=DEFAULT_FINGERPRINT, cat_file=None):
    """Summarise Signal's apt source for a deb install.

    official: True when some enabled entry for Signal's repository is pinned
    to Signal's key and no other source offers signal-desktop unpinned;
    False when there is no such entry, every entry is pinned to another key
    / unchecked, or another source offers signal-desktop with signature
    checks off or another key; None when it cannot be decided.
    ``cat_file`` reads .lz4/.zst package indexes (apt_lists.offers).
    """
    entries, errors = read_entries(root)
    matches = signal_entries(entries, repo_url, suite)
    result = {"entries": [{"file": e["file"], "line": e["line"]} for e in matches],
              "official": None, "source": None, "reason": None, "errors": list(errors), "others": []}
    others, unreadable = other_sources(root, entries, matches, fingerprint, cat_file=cat_file)
    result["others"] = others
    if not matches:
        if errors:
            # A file we could not read or parse may have held the entry.
            result["reason"] = "no readable apt source for %s %s" % (repo_url, suite)
        else:
            result["official"] = False
            result["reason"] = "no enabled apt source for %s %s" % (repo_url, suite)
        _add_others(result, others, unreadable)
        return result
    verdicts = [judge_entry(root, e, fingerprint) for e in matches]
    for v in verdicts:
        result["errors"] += v["errors"]
    result["source"] = normalize_url(repo_url)
    if any(v.get("unchecked") for v in verdicts):
        # One unchecked entry is enough for apt to take unsigned packages.
        result["official"] = False
        result["reason"] = "; ".join(v["reason"] for v in verdicts if v.get("unchecked"))
    elif any(v["official"] is True for v in verdicts):
        result["official"] = True
    elif any(v["official"] is None for v in verdicts):
        result["reason"] = "; ".join(v["reason"] for v in verdicts if v["official"] is None)
    else:
        result["official"] = False
        result["reason"] = "; ".join(v["reason"] for v in verdicts)
    _add_others(result, others, unreadable)
    return result


def _add_others(result, others, unreadable):
    """Other sources offering signal-desktop turn a pass into a fail (or unknown)."""
    failing = [o["reason"] for o in others if o["official"] is False]
    unsure = [o["reason"] for o in others if o["official"] is None] + unreadable
    if result["official"] is False:
        result["reason"] = "; ".join([result["reason"]] + failing)
    elif failing:
        result["official"] = False
        result["reason"] = "; ".join(([result["reason"]] if result["reason"] else []) + failing)
    elif unsure and result["official"] is True:
        result["official"] = None
        result["reason"] = "; ".join(unsure)
    elif unsure:
        result["reason"] = "; ".join(([result["reason"]] if result["reason"] else []) + unsure)
