# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Builders of the fake host trees the probe tests read, and the test key they install."""
from __future__ import annotations

import os

DATA = os.path.join(os.path.dirname(__file__), "data")
with open(os.path.join(DATA, "throwaway-pubkey.fingerprints")) as fingerprints:
    TEST_FPR = fingerprints.read().split()[0]  # primary key fingerprint as gpg printed it
with open(os.path.join(DATA, "throwaway-pubkey.gpg"), "rb") as keyring:
    TEST_KEYRING = keyring.read()
URL = "https://updates.signal.org/desktop/apt"
KEYRING = "/usr/share/keyrings/signal-desktop-keyring.gpg"


def write(root, rel, content, mode=None):
    """Write ``content`` (str or bytes) to host path ``rel`` of the tree at ``root``; returns the file's path."""
    path = root / rel.lstrip("/")
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    if mode is not None:
        os.chmod(str(path), mode)
    return path
