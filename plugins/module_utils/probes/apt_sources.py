# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""apt sources: which entries offer Signal Desktop or point at Signal's repository, and which keys sign them.

Reads /etc/apt/sources.list, sources.list.d/*.list (one-line format) and
sources.list.d/*.sources (deb822), the way apt selects them, and reports for
each source that concerns signal-desktop what it shows: the file and line, URI,
suite, whether signature checks are off (trusted=yes), its Signed-By and the
fingerprints of the keys that holds, and the versions its downloaded package
lists offer. Whether that is Signal's is for the controls to judge.
"""
from __future__ import annotations

import re

from ansible_collections.hardening.signal.plugins.module_utils.probes import apt_lists, dpkg, fs, openpgp

DEFAULT_REPO_URL = "https://updates.signal.org/desktop/apt"
DEFAULT_SUITE = "xenial"
DEFAULT_FINGERPRINT = "DBA36B5181D0C816F630E889D980A17457F6FB06"
PACKAGE = "signal-desktop"
NO_SIGNED_BY = ("it has no Signed-By, so apt accepts a signature by any key in its trusted keyrings "
                "(/etc/apt/trusted.gpg, /etc/apt/trusted.gpg.d) for it")

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


def is_enabled(entry):
    return entry["options"].get("enabled", "yes").strip().lower() not in ("no", "false", "0")


def signal_entries(entries, repo_url=DEFAULT_REPO_URL, suite=DEFAULT_SUITE):
    """Enabled binary ('deb') entries for ``repo_url`` with ``suite``."""
    want = normalize_url(repo_url)
    out = []
    for entry in entries:
        if "deb" not in entry["types"] or not is_enabled(entry):
            continue
        if suite not in entry["suites"]:
            continue
        if any(normalize_url(u) == want for u in entry["uris"]):
            out.append(entry)
    return out


def split_signed_by(value):
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


def signed_by_keys(root, entry):
    """(signed_by [as written], fingerprints or None, reason or None, error or None) of one entry's Signed-By.

    fingerprints are those of every key apt accepts for the entry: fingerprints named in Signed-By, and the keys
    of the keyrings and inline keys it names. None when there is no Signed-By (apt's global keyrings decide) or a
    keyring could not be read (reason) or is malformed (error)."""
    value = entry["options"].get("signed-by")
    if not value:
        return [], None, NO_SIGNED_BY, None
    written, found, reasons, errors = [], [], [], []
    where = "%s line %d" % (entry["file"], entry["line"])
    for kind, item in split_signed_by(value):
        if kind == "fingerprint":
            written.append(item)
            found.append(item)
            continue
        if kind == "inline":
            written.append("an inline key")
            try:
                keys = openpgp.fingerprints_from_text(item)
            except openpgp.OpenPGPError as exc:
                errors.append("%s: the inline Signed-By key is malformed (%s)" % (where, exc))
                continue
            found += [k["fingerprint"] for k in keys if k["fingerprint"]]
            continue
        written.append(item)
        keys, err = openpgp.keyring_fingerprints(root, item)
        if keys is None:
            # A keyring that is not OpenPGP is malformed input; one that cannot be read is unobserved.
            (errors if "not a readable OpenPGP keyring" in err else reasons).append(err)
            continue
        found += keys
    if errors:
        return written, None, None, "; ".join(errors)
    if reasons:
        return written, None, "the keyring Signed-By names could not be read: %s" % "; ".join(reasons), None
    return written, list(dict.fromkeys(found)), None, None


def package_sources(root="/", repo_url=DEFAULT_REPO_URL, package=PACKAGE, cat_file=None):
    """What every enabled binary apt source that concerns ``package`` shows.

    A source concerns the package when its downloaded package lists offer it, when they could not be read (it may
    offer it), or when it points at ``repo_url`` (where the organisation says the package comes from; its lists
    may not be downloaded yet). One item per URI and suite of an entry:
    {file, line, uri, suite, components, trusted, signed_by, key_fingerprints, offers}.

    Returns (sources, reasons {index: {field: reason}}, errors {index: {field: message}}, incomplete): incomplete
    holds why the list may lack a source (a sources file or the lists folder that could not be read).
    ``cat_file`` reads .lz4/.zst package lists (apt_lists.offers)."""
    entries, incomplete = read_entries(root)
    names, err = fs.listdir(root, apt_lists.LISTS_DIR)
    if err:
        incomplete.append(err)
    want = normalize_url(repo_url)
    sources, reasons, errors = [], {}, {}
    for entry in entries:
        if "deb" not in entry["types"] or not is_enabled(entry):
            continue
        keys = None
        for uri in entry["uris"]:
            for suite in entry["suites"]:
                single = dict(entry, uris=[uri], suites=[suite])
                offered = apt_lists.offers(root, single, package, names, cat_file)
                ours = normalize_url(uri) == want
                if not offered["versions"] and not offered["errors"] and not ours:
                    continue
                if keys is None:
                    keys = signed_by_keys(root, entry)
                signed_by, fingerprints, key_reason, key_error = keys
                index = len(sources)
                sources.append({"file": entry["file"], "line": entry["line"], "uri": uri, "suite": suite,
                                "components": entry["components"],
                                "trusted": entry["options"].get("trusted", "").strip().lower() == "yes",
                                "signed_by": signed_by, "key_fingerprints": fingerprints,
                                "offers": None if offered["errors"] and not offered["versions"] else offered["versions"]})
                reasons[index], errors[index] = {}, {}
                if key_error:
                    errors[index]["key_fingerprints"] = key_error
                elif key_reason:
                    reasons[index]["key_fingerprints"] = key_reason
                if sources[-1]["offers"] is None:
                    reasons[index]["offers"] = "its package lists could not be read (%s)" % "; ".join(offered["errors"])
    return sources, reasons, errors, incomplete
