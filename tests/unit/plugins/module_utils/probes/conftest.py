# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared helpers of the probe tests."""
from __future__ import annotations

import struct

import pytest


def appimage_bytes(compression=6, elf64=True, kind=2):
    """The first bytes of a type-2 AppImage: ELF header with the 'AI' magic, section headers ending where the
    squashfs superblock ('hsqs', compression id at byte 20) starts."""
    head = bytearray(64)
    head[:4] = b"\x7fELF"
    head[4], head[5] = (2 if elf64 else 1), 1
    head[8:11] = b"AI" + bytes([kind])
    if elf64:
        struct.pack_into("<Q", head, 0x28, 64)
        struct.pack_into("<HH", head, 0x3A, 64, 2)
    else:
        struct.pack_into("<I", head, 0x20, 64)
        struct.pack_into("<HH", head, 0x2E, 40, 2)
    sections = bytearray(128 if elf64 else 80)
    block = bytearray(96)
    block[:4] = b"hsqs"
    struct.pack_into("<H", block, 20, compression)
    return bytes(head + sections + block)


@pytest.fixture
def appimage_header():
    return appimage_bytes
