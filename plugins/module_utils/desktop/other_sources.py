# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which apt sources offer signal-desktop without Signal's signature: what desktop_update reports and, when
asked, switches off. This is remediation deciding on the host what to change; the probe only reports what the
sources show (probes/apt_sources.package_sources) and the controls judge on the controller.
"""
from __future__ import annotations

from ansible_collections.hardening.signal.plugins.module_utils.probes import apt_lists, fs, openpgp
from ansible_collections.hardening.signal.plugins.module_utils.probes.apt_sources import (
    DEFAULT_FINGERPRINT,
    PACKAGE,
    is_enabled,
    split_signed_by,
)


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
    for kind, value in split_signed_by(signed_by):
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
        if "deb" not in entry["types"] or not is_enabled(entry) or (entry["file"], entry["line"]) in own:
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
