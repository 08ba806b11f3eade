# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""OpenPGP fingerprints computed in Python must equal the ones gpg printed.

data/throwaway-pubkey.{gpg,asc} were exported once from a throwaway key made
with `gpg --batch --quick-gen-key` (rsa3072 primary, cv25519 subkey);
data/throwaway-pubkey.fingerprints holds the fingerprints gpg printed.
"""
from __future__ import annotations

import os

import pytest

from ansible_collections.hardening.signal.plugins.module_utils.probes import openpgp

DATA = os.path.join(os.path.dirname(__file__), "data")


def data(name, mode="rb"):
    with open(os.path.join(DATA, name), mode) as f:
        return f.read()


GPG_FINGERPRINTS = data("throwaway-pubkey.fingerprints", "r").split()


def test_binary_keyring_matches_gpg():
    keys = openpgp.fingerprints_from_bytes(data("throwaway-pubkey.gpg"))
    assert [k["fingerprint"] for k in keys] == GPG_FINGERPRINTS
    assert [k["primary"] for k in keys] == [True, False]


def test_armored_keyring_matches_gpg():
    keys = openpgp.fingerprints_from_bytes(data("throwaway-pubkey.asc"))
    assert [k["fingerprint"] for k in keys] == GPG_FINGERPRINTS


def test_gpg_export_uses_old_format_two_octet_lengths():
    # Guards the test data: the RSA key packet is long enough for 2 octets.
    raw = data("throwaway-pubkey.gpg")
    assert raw[0] & 0xC0 == 0x80 and raw[0] & 0x03 == 1


def _definite_length(n):
    if n < 192:
        return bytes([n])
    if n < 8384:
        n -= 192
        return bytes([(n >> 8) + 192, n & 0xFF])
    return bytes([255]) + n.to_bytes(4, "big")


def _new_format(tag, body, style):
    """Re-frame a packet body with a new-format header."""
    head = bytes([0xC0 | tag])
    if style == "five":
        return head + bytes([255]) + len(body).to_bytes(4, "big") + body
    if style == "partial":
        # 128-octet partial chunks (224 + 7), then a definite tail.
        out = head
        while len(body) > 128:
            out += bytes([224 + 7]) + body[:128]
            body = body[128:]
        return out + _definite_length(len(body)) + body
    return head + _definite_length(len(body)) + body


@pytest.mark.parametrize("style", ["two", "five", "partial"])
def test_new_format_lengths_give_the_same_fingerprints(style):
    packets = list(openpgp.iter_packets(data("throwaway-pubkey.gpg")))
    rewrapped = b""
    assert any(192 <= len(body) < 8384 for _tag, body in packets)  # two-octet case occurs
    assert any(len(body) > 128 for _tag, body in packets)  # partial case occurs
    for tag, body in packets:
        rewrapped += _new_format(tag, body, style)
    keys = openpgp.fingerprints_from_bytes(rewrapped)
    assert [k["fingerprint"] for k in keys] == GPG_FINGERPRINTS


def test_armor_checksum_mismatch_is_rejected():
    text = data("throwaway-pubkey.asc", "r")
    lines = text.splitlines()
    idx = next(i for i, line in enumerate(lines) if line.startswith("=") and len(line) == 5)
    lines[idx] = "=AAAA" if lines[idx] != "=AAAA" else "=BBBB"
    with pytest.raises(openpgp.OpenPGPError):
        openpgp.fingerprints_from_bytes("\n".join(lines).encode())


def test_garbage_and_truncated_input_are_errors():
    with pytest.raises(openpgp.OpenPGPError):
        openpgp.fingerprints_from_bytes(b"this is not a key")
    with pytest.raises(openpgp.OpenPGPError):
        openpgp.fingerprints_from_bytes(data("throwaway-pubkey.gpg")[:100])
    with pytest.raises(openpgp.OpenPGPError):
        openpgp.fingerprints_from_bytes(b"")


def test_keybox_is_reported_not_misread():
    blob = b"\x00\x00\x00\x20\x01\x02\x00\x00KBXf" + b"\x00" * 20
    with pytest.raises(openpgp.OpenPGPError, match="keybox"):
        openpgp.fingerprints_from_bytes(blob)


def test_keyring_file_helper_reports_errors_with_the_host_path(tmp_path):
    (tmp_path / "usr/share/keyrings").mkdir(parents=True)
    (tmp_path / "usr/share/keyrings/k.gpg").write_bytes(data("throwaway-pubkey.gpg"))
    (tmp_path / "usr/share/keyrings/bad.gpg").write_bytes(b"\x01\x02")
    assert openpgp.keyring_fingerprints(str(tmp_path), "/usr/share/keyrings/k.gpg") == (GPG_FINGERPRINTS, None)
    fps, err = openpgp.keyring_fingerprints(str(tmp_path), "/usr/share/keyrings/bad.gpg")
    assert fps is None and err.startswith("/usr/share/keyrings/bad.gpg: not a readable OpenPGP keyring")
    fps, err = openpgp.keyring_fingerprints(str(tmp_path), "/usr/share/keyrings/missing.gpg")
    assert fps is None and err == "/usr/share/keyrings/missing.gpg: does not exist"


def test_normalize_fingerprint():
    assert openpgp.normalize_fingerprint("0xdba3 6b51 81d0 c816 f630 e889 d980 a174 57f6 fb06!") == \
        "DBA36B5181D0C816F630E889D980A17457F6FB06"
