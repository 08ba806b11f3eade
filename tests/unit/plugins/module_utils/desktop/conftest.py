# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared helpers: a host tree under tmp_path, the throwaway test key, a stand-in for AnsibleModule's file methods."""
from __future__ import annotations

import os

import pytest

KEYS = os.path.join(os.path.dirname(os.path.dirname(__file__)), "probes", "data")
TEST_FINGERPRINT = "76780304C83C329E03F5D9CD5BF51F91147E5AAF"
SIGNAL_FINGERPRINT = "DBA36B5181D0C816F630E889D980A17457F6FB06"


def key_bytes(name="throwaway-pubkey.asc"):
    with open(os.path.join(KEYS, name), "rb") as handle:
        return handle.read()


class Tree(object):
    """Files of a pretend host below a temporary root."""

    def __init__(self, root):
        self.root = str(root)

    def path(self, host_path):
        return os.path.join(self.root, host_path.lstrip("/"))

    def write(self, host_path, text, mode=0o644):
        path = self.path(host_path)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as handle:
            handle.write(text.encode("utf-8") if isinstance(text, str) else text)
        os.chmod(path, mode)
        return path

    def read(self, host_path):
        with open(self.path(host_path), "rb") as handle:
            return handle.read()

    def text(self, host_path):
        return self.read(host_path).decode("utf-8")

    def exists(self, host_path):
        return os.path.lexists(self.path(host_path))

    def backups(self):
        """Host paths of every backup under /var/backups/hardening-signal."""
        base = self.path("/var/backups/hardening-signal")
        found = []
        for folder, _dirs, files in os.walk(base):
            found += ["/" + os.path.relpath(os.path.join(folder, f), self.root) for f in files]
        return sorted(found)

    def installed(self, *packages):
        """A dpkg status database listing these packages as installed."""
        stanzas = ["Package: %s\nStatus: install ok installed\nArchitecture: amd64\nVersion: %s\n" % (name, version)
                   for name, version in packages]
        self.write("/var/lib/dpkg/status", "\n".join(stanzas))


class FakeModule(object):
    """AnsibleModule's atomic_move, for writes below a temporary root."""

    def atomic_move(self, src, dest, unsafe_writes=False):
        os.rename(src, dest)


class Keys(object):
    armored = property(lambda self: key_bytes("throwaway-pubkey.asc"))
    binary = property(lambda self: key_bytes("throwaway-pubkey.gpg"))
    test_fingerprint = TEST_FINGERPRINT
    signal_fingerprint = SIGNAL_FINGERPRINT
    armored_path = os.path.join(KEYS, "throwaway-pubkey.asc")


@pytest.fixture
def keys():
    return Keys()


@pytest.fixture
def tree(tmp_path):
    return Tree(tmp_path)


@pytest.fixture
def fake_module():
    return FakeModule()
