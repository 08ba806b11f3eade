# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fingerprints of the public keys in an OpenPGP keyring, in pure Python.

Used to tell whether an apt source's Signed-By keyring really holds Signal's
signing key. No gpg: the probe must run on hosts without it and without a
subprocess. Only what a fingerprint needs is parsed (RFC 4880 packet framing
and v4 public-key packets); signatures are not verified.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import re

from ansible_collections.hardening.signal.plugins.module_utils.probes import fs

TAG_PUBLIC_KEY = 6
TAG_PUBLIC_SUBKEY = 14
ARMOR_BEGIN = "-----BEGIN PGP PUBLIC KEY BLOCK-----"
ARMOR_END = "-----END PGP PUBLIC KEY BLOCK-----"
# Keyrings are small; this bounds the work on a file that is not a keyring.
MAX_KEYRING_BYTES = 16 * 1024 * 1024


class OpenPGPError(ValueError):
    """The data is not a well-formed OpenPGP keyring."""


def normalize_fingerprint(value):
    """Upper-case hex without spaces, as gpg prints it ('0x' and a trailing
    '!' as used in apt's Signed-By are dropped)."""
    value = value.strip().rstrip("!")
    if value.lower().startswith("0x"):
        value = value[2:]
    return re.sub(r"\s+", "", value).upper()


def _crc24(data):
    # RFC 4880 section 6.1.
    crc = 0xB704CE
    for byte in data:
        crc ^= byte << 16
        for _bit in range(8):
            crc <<= 1
            if crc & 0x1000000:
                crc ^= 0x1864CFB
    return crc & 0xFFFFFF


def dearmor(text):
    """Return the binary packets of every public-key armor block in ``text``."""
    blocks = []
    lines = text.replace("\r\n", "\n").split("\n")
    i = 0
    found = False
    while i < len(lines):
        if lines[i].strip() != ARMOR_BEGIN:
            i += 1
            continue
        found = True
        i += 1
        # Armor headers ("Comment: ...") run up to the first blank line.
        header_end = i
        while header_end < len(lines) and lines[header_end].strip() and ":" in lines[header_end]:
            header_end += 1
        if header_end < len(lines) and not lines[header_end].strip():
            i = header_end + 1
        body, checksum = [], None
        while i < len(lines) and lines[i].strip() != ARMOR_END:
            line = lines[i].strip()
            if line.startswith("=") and len(line) == 5:
                checksum = line[1:]
            elif line:
                body.append(line)
            i += 1
        if i >= len(lines):
            raise OpenPGPError("armor block has no END line")
        try:
            data = base64.b64decode("".join(body), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise OpenPGPError("armor body is not valid base64 (%s)" % exc)
        if checksum is not None:
            try:
                expected = int.from_bytes(base64.b64decode(checksum, validate=True), "big")
            except (binascii.Error, ValueError):
                raise OpenPGPError("armor checksum is not valid base64")
            if _crc24(data) != expected:
                raise OpenPGPError("armor checksum mismatch")
        blocks.append(data)
        i += 1
    if not found:
        raise OpenPGPError("no '%s' block" % ARMOR_BEGIN)
    return b"".join(blocks)


def iter_packets(data):
    """Yield (tag, body) for each packet; old and new length formats."""
    pos = 0
    size = len(data)
    while pos < size:
        ctb = data[pos]
        pos += 1
        if not ctb & 0x80:
            raise OpenPGPError("byte %d is not a packet header" % (pos - 1))
        if ctb & 0x40:
            # New format: tag in the low 6 bits, then one or more lengths
            # (partial body lengths chain until a definite one).
            tag = ctb & 0x3F
            body = bytearray()
            while True:
                if pos >= size:
                    raise OpenPGPError("truncated packet length")
                first = data[pos]
                pos += 1
                if first < 192:
                    length, partial = first, False
                elif first < 224:
                    if pos >= size:
                        raise OpenPGPError("truncated packet length")
                    length, partial = ((first - 192) << 8) + data[pos] + 192, False
                    pos += 1
                elif first == 255:
                    if pos + 4 > size:
                        raise OpenPGPError("truncated packet length")
                    length, partial = int.from_bytes(data[pos:pos + 4], "big"), False
                    pos += 4
                else:
                    length, partial = 1 << (first & 0x1F), True
                if pos + length > size:
                    raise OpenPGPError("truncated packet body")
                body += data[pos:pos + length]
                pos += length
                if not partial:
                    break
            yield tag, bytes(body)
        else:
            # Old format: tag in bits 5-2, length type in bits 1-0.
            tag = (ctb >> 2) & 0x0F
            length_type = ctb & 0x03
            if length_type == 3:
                length = size - pos  # indeterminate: to the end of the data
            else:
                octets = (1, 2, 4)[length_type]
                if pos + octets > size:
                    raise OpenPGPError("truncated packet length")
                length = int.from_bytes(data[pos:pos + octets], "big")
                pos += octets
            if pos + length > size:
                raise OpenPGPError("truncated packet body")
            yield tag, data[pos:pos + length]
            pos += length


def v4_fingerprint(body):
    """SHA-1 over 0x99, the two-octet body length and the key packet body."""
    if len(body) > 0xFFFF:
        raise OpenPGPError("key packet too long for a v4 fingerprint")
    return hashlib.sha1(b"\x99" + len(body).to_bytes(2, "big") + body).hexdigest().upper()


def fingerprints_from_bytes(data):
    """Return [{"fingerprint", "primary", "version"}] for the keys in ``data``
    (binary or ASCII-armored). Raises OpenPGPError on malformed input.

    Keys of versions other than 4 are listed with fingerprint None: their
    fingerprint uses another algorithm (RFC 9580) this probe does not need."""
    stripped = data.lstrip()
    if stripped.startswith(b"-----BEGIN PGP"):
        data = dearmor(data.decode("ascii", errors="replace"))
    elif len(data) >= 12 and data[8:12] == b"KBXf":
        raise OpenPGPError("GnuPG keybox (.kbx) format, not an OpenPGP keyring")
    if not data:
        raise OpenPGPError("empty keyring")
    keys = []
    for tag, body in iter_packets(data):
        if tag not in (TAG_PUBLIC_KEY, TAG_PUBLIC_SUBKEY):
            continue
        if not body:
            raise OpenPGPError("empty public-key packet")
        version = body[0]
        keys.append({
            "fingerprint": v4_fingerprint(body) if version == 4 else None,
            "primary": tag == TAG_PUBLIC_KEY,
            "version": version,
        })
    if not keys:
        raise OpenPGPError("no public key packets")
    return keys


def fingerprints_from_text(text):
    """Fingerprints of an armored key given inline (deb822 Signed-By)."""
    return fingerprints_from_bytes(text.encode("ascii", errors="replace"))


def keyring_fingerprints(root, path):
    """Return (list of upper-case v4 fingerprints or None, error or None)
    for the keyring file at host ``path``."""
    data, err = fs.read_bytes(root, path, max_bytes=MAX_KEYRING_BYTES)
    if data is None:
        return None, err
    try:
        keys = fingerprints_from_bytes(data)
    except OpenPGPError as exc:
        return None, "%s: not a readable OpenPGP keyring (%s)" % (path, exc)
    return [k["fingerprint"] for k in keys if k["fingerprint"]], None
