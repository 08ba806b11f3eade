# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The key is installed only when its primary-key fingerprint is the expected one."""
from __future__ import annotations

import base64

import pytest

from ansible_collections.hardening.signal.plugins.module_utils.desktop import signing_key
from ansible_collections.hardening.signal.plugins.module_utils.probes import openpgp

TEST_FINGERPRINT = "76780304C83C329E03F5D9CD5BF51F91147E5AAF"   # data/throwaway-pubkey.*
SIGNAL_FINGERPRINT = "DBA36B5181D0C816F630E889D980A17457F6FB06"


def test_armored_key_is_dearmored_when_the_fingerprint_matches(keys):
    binary, fingerprint = signing_key.verified_keyring(keys.armored, TEST_FINGERPRINT)
    assert fingerprint == TEST_FINGERPRINT
    # The same bytes gpg --dearmor gives (the binary export of the same key).
    assert binary == keys.binary
    assert not binary.startswith(b"-----BEGIN")


def test_binary_key_and_spaced_lowercase_fingerprint_are_accepted(keys):
    spaced = " ".join(TEST_FINGERPRINT[i:i + 4] for i in range(0, 40, 4)).lower()
    binary, fingerprint = signing_key.verified_keyring(keys.binary, spaced)
    assert fingerprint == TEST_FINGERPRINT and binary == keys.binary


def test_wrong_key_is_refused_with_both_fingerprints_named(keys):
    with pytest.raises(signing_key.KeyRejected) as exc:
        signing_key.verified_keyring(keys.armored, SIGNAL_FINGERPRINT, "https://updates.signal.org/desktop/apt/keys.asc")
    message = str(exc.value)
    assert TEST_FINGERPRINT in message and SIGNAL_FINGERPRINT in message and "refusing" in message


def test_the_subkey_fingerprint_is_not_enough(keys):
    subkey = "7442974810B77283D91F961D574791E35F87F920"
    with pytest.raises(signing_key.KeyRejected):
        signing_key.verified_keyring(keys.armored, subkey)


def test_a_keyring_with_a_second_primary_key_is_refused(keys):
    binary = keys.binary
    # A second copy of the primary key packet with one byte changed: another primary key.
    tag, body = next(iter(openpgp.iter_packets(binary)))
    other = bytearray(body)
    other[-1] ^= 0x01
    extra = bytes([0x99]) + len(other).to_bytes(2, "big") + bytes(other)
    with pytest.raises(signing_key.KeyRejected) as exc:
        signing_key.verified_keyring(binary + extra, TEST_FINGERPRINT)
    assert "other primary keys" in str(exc.value)


@pytest.mark.parametrize("data, words", [
    (b"", "empty"),
    (b"<html>404 Not Found</html>", "not a readable OpenPGP public key"),
    (b"-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nnot base64!!\n-----END PGP PUBLIC KEY BLOCK-----\n", "not a readable"),
    (b"x" * (signing_key.MAX_KEY_BYTES + 1), "larger than"),
])
def test_garbage_is_refused(data, words):
    with pytest.raises(signing_key.KeyRejected) as exc:
        signing_key.verified_keyring(data, TEST_FINGERPRINT)
    assert words in str(exc.value)


def test_armor_with_a_bad_checksum_is_refused(keys):
    text = keys.armored.decode("ascii")
    lines = text.splitlines()
    idx = next(i for i, line in enumerate(lines) if line.startswith("=") and len(line) == 5)
    lines[idx] = "=" + base64.b64encode(b"\x00\x00\x00").decode()
    with pytest.raises(signing_key.KeyRejected):
        signing_key.verified_keyring("\n".join(lines).encode(), TEST_FINGERPRINT)


@pytest.mark.parametrize("value", ["", "DBA36B51", "ZZA36B5181D0C816F630E889D980A17457F6FB06", None])
def test_expected_fingerprint_must_be_40_hex_digits(value):
    with pytest.raises(signing_key.KeyRejected):
        signing_key.normalize_expected(value)


def test_describe_shows_fingerprints_not_bytes(keys):
    text = signing_key.describe(keys.binary)
    assert "pub %s" % TEST_FINGERPRINT in text and "sub " in text
    assert "not a readable" in signing_key.describe(b"junk")
