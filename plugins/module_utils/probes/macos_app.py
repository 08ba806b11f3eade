# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Signal.app bundles on macOS: version, bundle id, the build's expiry date and (when the caller ran codesign) what
the code signature says: Team ID, signing authority, signature identifier and whether it verifies (CERT-EU 3.1
and 3.2). Whether that is Signal's signature is for the control to judge.

The Team ID lives in the code signature, which plain file reads cannot verify; so without codesign output the
signature is unknown, with a reason.
"""
from __future__ import annotations

import re

from ansible_collections.hardening.signal.plugins.module_utils.probes import asar, fs, property_list

APP_PATHS = ("/Applications/Signal.app",)
USER_APP = "Applications/Signal.app"  # relative to a home folder
ARCHIVE = "Contents/Resources/app.asar"  # relative to the app


def read_info_plist(root, app):
    """Return (info dict, error) for <app>/Contents/Info.plist."""
    return property_list.read_dict(root, fs.join(app, "Contents/Info.plist"))


def parse_codesign(output):
    """Return {"team_id", "identifier", "signed", "authority"} from
    `codesign -dv --verbose=2` output (it prints to stderr; pass both
    streams). ``authority`` is the signing certificate's name (the first
    Authority line; the others are its issuers). ``team_id`` is as codesign
    prints it: 'not set' for an ad hoc signature."""
    out = {"team_id": None, "identifier": None, "signed": None, "authority": None}
    if output is None:
        return out
    if "not signed at all" in output:
        out["signed"] = False
        return out
    m = re.search(r"^TeamIdentifier=(.+)$", output, re.M)
    if m:
        out["team_id"] = m.group(1).strip()
        out["signed"] = True
    m = re.search(r"^Identifier=(.+)$", output, re.M)
    if m:
        out["identifier"] = m.group(1).strip()
    m = re.search(r"^Authority=(.+)$", output, re.M)
    if m:
        out["authority"] = m.group(1).strip()
    return out


def signature(codesign_output, verified=None):
    """(signature dict or None, reasons {field: reason}) from `codesign -dv` output and whether
    `codesign --verify --strict` passed (None: not run). -dv only displays a signature; --verify checks it."""
    if codesign_output is None:
        return None, {"": "codesign was not run on it (the Team ID is only readable through codesign)"}
    sig = parse_codesign(codesign_output)
    out = {"signed": sig["signed"], "verified": verified, "team_id": sig["team_id"], "authority": sig["authority"],
           "identifier": sig["identifier"]}
    reasons = {}
    if sig["signed"] is False:
        out["verified"] = False if verified is None else verified
        for field in ("team_id", "authority", "identifier"):
            reasons[field] = "the app is not code-signed"
        return out, reasons
    if sig["signed"] is None:
        reasons["signed"] = "codesign printed no TeamIdentifier line"
    for field, words in (("team_id", "no TeamIdentifier line"), ("authority", "no Authority line (ad hoc signature)"),
                         ("identifier", "no Identifier line")):
        if out[field] is None:
            reasons[field] = "codesign printed %s" % words
    if verified is None:
        reasons["verified"] = "codesign --verify was not run on it"
    return out, reasons


def app_paths(root="/", users=()):
    """Host paths of the Signal.app bundles that exist."""
    candidates = list(APP_PATHS) + [fs.join(u["home"], USER_APP) for u in users]
    return [p for p in candidates if fs.is_dir(root, p)]


def probe(root="/", users=(), codesign_outputs=None, codesign_verified=None):
    """Return (installs, unknown {index: {field: reason}}, errors {index:
    {field: msg}}). ``codesign_outputs`` maps app path -> `codesign -dv`
    output, ``codesign_verified`` app path -> `codesign --verify` passed."""
    codesign_outputs = codesign_outputs or {}
    codesign_verified = codesign_verified or {}
    installs, unknown, errors = [], {}, {}
    for path in app_paths(root, users):
        idx = len(installs)
        info, err = read_info_plist(root, path)
        sig, sig_reasons = signature(codesign_outputs.get(path), codesign_verified.get(path))
        item = {"kind": "macos_app", "path": path, "version": None, "bundle_id": None, "signature": sig}
        installs.append(item)
        unknown[idx] = {("signature.%s" % field if field else "signature"): why for field, why in sig_reasons.items()}
        errors[idx] = {}
        expires, why, bad = asar.build_expiration(root, fs.join(path, ARCHIVE))
        item["build_expires"] = expires
        if bad:
            errors[idx]["build_expires"] = bad
        elif why:
            unknown[idx]["build_expires"] = why
        if info is None:
            errors[idx]["version"] = err
            errors[idx]["bundle_id"] = err
            continue
        version = info.get("CFBundleShortVersionString")
        if isinstance(version, str) and version.strip():
            item["version"] = version.strip()
        else:
            unknown[idx]["version"] = "Info.plist has no CFBundleShortVersionString"
        bundle_id = info.get("CFBundleIdentifier")
        if isinstance(bundle_id, str) and bundle_id.strip():
            item["bundle_id"] = bundle_id.strip()
        else:
            unknown[idx]["bundle_id"] = "Info.plist has no CFBundleIdentifier"
    return installs, unknown, errors
