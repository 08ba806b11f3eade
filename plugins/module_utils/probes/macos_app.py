# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Signal.app bundles on macOS: version, bundle id and (when the caller ran
codesign) the signing Team ID (CERT-EU 3.1 and 3.2).

The Team ID lives in the code signature, which plain file reads cannot
verify; so without codesign output the source stays unknown, with a reason.
"""
from __future__ import annotations

import re

from ansible_collections.hardening.signal.plugins.module_utils.probes import fs, property_list

APP_PATHS = ("/Applications/Signal.app",)
USER_APP = "Applications/Signal.app"  # relative to a home folder
BUNDLE_ID = "org.whispersystems.signal-desktop"
TEAM_ID = "U68MSDN6DR"


def read_info_plist(root, app):
    """Return (info dict, error) for <app>/Contents/Info.plist."""
    return property_list.read_dict(root, fs.join(app, "Contents/Info.plist"))


def parse_codesign(output):
    """Return {"team_id", "identifier", "signed", "authority"} from
    `codesign -dv --verbose=2` output (it prints to stderr; pass both
    streams). ``authority`` is the signing certificate's name (the first
    Authority line; the others are its issuers)."""
    out = {"team_id": None, "identifier": None, "signed": None, "authority": None}
    if output is None:
        return out
    if "not signed at all" in output:
        out["signed"] = False
        return out
    m = re.search(r"^TeamIdentifier=(.+)$", output, re.M)
    if m:
        team = m.group(1).strip()
        out["team_id"] = None if team == "not set" else team
        out["signed"] = True
    m = re.search(r"^Identifier=(.+)$", output, re.M)
    if m:
        out["identifier"] = m.group(1).strip()
    m = re.search(r"^Authority=(.+)$", output, re.M)
    if m:
        out["authority"] = m.group(1).strip()
    return out


def judge(bundle_id, codesign_output, verified=None):
    """Return (official bool|None, source str|None, reason str|None).

    ``verified`` is the outcome of `codesign --verify` when it was run:
    `codesign -dv` only displays a signature, it does not check it."""
    if verified is False:
        return False, None, "codesign --verify failed: the signature is broken or missing"
    if codesign_output is None:
        return None, None, ("code signature not checked: the Team ID is only readable "
                            "through codesign")
    sig = parse_codesign(codesign_output)
    if sig["signed"] is False:
        return False, "unsigned", "the app is not code-signed"
    if sig["signed"] is None:
        return None, None, "codesign output had no TeamIdentifier line"
    source = "Team ID %s" % (sig["team_id"] or "not set")
    if sig["authority"]:
        source += " (%s)" % sig["authority"]
    # The signature's own identifier is what the seal covers; Info.plist must agree with it.
    sealed_id = sig["identifier"] or bundle_id
    if sig["team_id"] == TEAM_ID and bundle_id == BUNDLE_ID and sealed_id == BUNDLE_ID:
        return True, source, None
    return False, source, "signed by %s, bundle id %s (signature identifier %s); Signal's is %s / %s" % (
        sig["team_id"] or "no team (ad hoc)", bundle_id, sealed_id, TEAM_ID, BUNDLE_ID)


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
        item = {"kind": "macos_app", "path": path, "version": None, "official": None, "source": None}
        installs.append(item)
        unknown[idx], errors[idx] = {}, {}
        if info is None:
            errors[idx]["version"] = err
            unknown[idx]["official"] = "Info.plist could not be read"
            continue
        version = info.get("CFBundleShortVersionString")
        if isinstance(version, str) and version.strip():
            item["version"] = version.strip()
        else:
            unknown[idx]["version"] = "Info.plist has no CFBundleShortVersionString"
        bundle_id = info.get("CFBundleIdentifier")
        official, source, reason = judge(bundle_id, codesign_outputs.get(path),
                                         codesign_verified.get(path))
        item["official"], item["source"] = official, source
        if official is None:
            unknown[idx]["official"] = reason
    return installs, unknown, errors
