# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Accept Signal's repository signing key only when it is the expected one.

The key (ASCII-armored as Signal publishes it, or binary) is de-armored in
Python and its primary-key fingerprint compared with the expected one
before anything is written. apt trusts every key of a Signed-By keyring, so
a file that holds any other primary key is refused too.
"""
from __future__ import annotations

import re

from ansible_collections.hardening.signal.plugins.module_utils.probes import openpgp

_FINGERPRINT = re.compile(r"^[0-9A-F]{40}$")
# Signal's key is a few KiB; a key file larger than this is not a key.
MAX_KEY_BYTES = 1024 * 1024


class KeyRejected(ValueError):
    """The key material is malformed or is not the expected key."""


def normalize_expected(fingerprint):
    """The expected fingerprint as 40 upper-case hex digits, or KeyRejected."""
    value = openpgp.normalize_fingerprint(fingerprint or "")
    if not _FINGERPRINT.match(value):
        raise KeyRejected("key_fingerprint %r is not a v4 OpenPGP fingerprint (40 hex digits)" % fingerprint)
    return value


def verified_keyring(data, expected_fingerprint, origin="the key"):
    """Return (binary keyring bytes, primary fingerprint) for ``data`` when it
    holds exactly one primary key and that key's fingerprint is the expected
    one. Raises KeyRejected otherwise (nothing may be written then)."""
    want = normalize_expected(expected_fingerprint)
    if not data:
        raise KeyRejected("%s is empty" % origin)
    if len(data) > MAX_KEY_BYTES:
        raise KeyRejected("%s is larger than %d bytes: not a signing key" % (origin, MAX_KEY_BYTES))
    stripped = data.lstrip()
    try:
        if stripped.startswith(b"-----BEGIN PGP"):
            binary = openpgp.dearmor(stripped.decode("ascii", errors="replace"))
        else:
            binary = bytes(data)
        keys = openpgp.fingerprints_from_bytes(binary)
    except openpgp.OpenPGPError as exc:
        raise KeyRejected("%s is not a readable OpenPGP public key (%s)" % (origin, exc))
    primaries = [k for k in keys if k["primary"]]
    found = [k["fingerprint"] or "(a version %d key)" % k["version"] for k in primaries]
    if want not in found:
        raise KeyRejected(
            "%s has primary key fingerprint %s, not the expected %s: refusing to install it"
            % (origin, ", ".join(found) or "(none)", want))
    if len(primaries) > 1:
        others = [f for f in found if f != want]
        raise KeyRejected(
            "%s holds other primary keys besides %s (%s); apt would trust all of them for Signal's "
            "repository: refusing to install it" % (origin, want, ", ".join(others)))
    return binary, want


def describe(binary):
    """A short text for diffs of a binary keyring (its key fingerprints)."""
    if binary is None:
        return ""
    try:
        keys = openpgp.fingerprints_from_bytes(binary)
    except openpgp.OpenPGPError as exc:
        return "(not a readable OpenPGP keyring: %s, %d bytes)\n" % (exc, len(binary))
    lines = ["OpenPGP keyring, %d bytes\n" % len(binary)]
    for key in keys:
        lines.append("%s %s\n" % ("pub" if key["primary"] else "sub",
                                  key["fingerprint"] or "(version %d key)" % key["version"]))
    return "".join(lines)
