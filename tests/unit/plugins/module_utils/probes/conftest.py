# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared helpers of the probe tests."""
from __future__ import annotations

import os
import struct

import pytest
from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.testing import patch_module_args

from ansible_collections.hardening.signal.plugins.modules import desktop_info


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


def zstd_frame_bytes(data):
    """A real Zstandard frame holding ``data`` in raw (stored) blocks, as the zstd format (RFC 8878) allows:
    enough for apt's decompressor to read, without a compressor here."""
    out = bytearray(b"\x28\xb5\x2f\xfd")
    out += b"\x00\x38"  # frame header: no checksum, no content size; window descriptor: 128 KiB
    blocks = [data[start:start + (1 << 17)] for start in range(0, len(data), 1 << 17)] or [b""]
    for number, block in enumerate(blocks):
        last = 1 if number == len(blocks) - 1 else 0
        out += struct.pack("<I", last | (len(block) << 3))[:3] + block  # block type 0: raw
    return bytes(out)


@pytest.fixture
def zstd_frame():
    return zstd_frame_bytes


@pytest.fixture
def real_lz4_list():
    """The smallest .lz4 Packages index apt wrote on this machine (read only)."""
    lists = "/var/lib/apt/lists"
    found = sorted((os.path.getsize(os.path.join(lists, name)), name) for name in os.listdir(lists)
                   if name.endswith("_Packages.lz4")) if os.path.isdir(lists) else []
    if not found:
        pytest.fail("these tests need an lz4-compressed apt index in %s, as apt writes them on Debian container "
                    "images (Acquire::GzipIndexes with lz4); none was found: run `apt-get update` on such a host"
                    % lists)
    return os.path.join(lists, found[0][1])


@pytest.fixture
def apt_cat_file():
    """desktop_info's real reader of .lz4/.zst indexes (it runs apt's apt-helper)."""
    if not os.access(os.path.join(desktop_info.APT_HELPER_DIR, "apt-helper"), os.X_OK):
        pytest.fail("these tests need apt's %s/apt-helper, which every apt install has" % desktop_info.APT_HELPER_DIR)
    with patch_module_args({}):
        module = AnsibleModule(argument_spec={})
    return desktop_info._apt_cat_file(module)
