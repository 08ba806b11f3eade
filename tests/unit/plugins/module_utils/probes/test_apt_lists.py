# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""apt package indexes: streamed search, every compression apt writes (lz4/zstd through the real apt-helper)."""
from __future__ import annotations

import bz2
import gzip
import io
import lzma
import re
import subprocess

from ansible_collections.hardening.signal.plugins.module_utils.probes import apt_lists

ENTRY = {"uris": ["http://deb.debian.org/debian"], "suites": ["bookworm"], "components": ["main"]}
INDEX = "var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages"
STANZA = "Package: %s\nArchitecture: amd64\nVersion: %s\nDescription: x\n\n"
TEXT = (STANZA % ("bash", "5.2.15-2") + STANZA % ("signal-desktop", "7.1.0") + STANZA % ("signal-desktopish", "9")
        + STANZA % ("signal-desktop", "7.2.0")).encode()


def put(tmp_path, rel, data):
    path = tmp_path / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_streamed_search_finds_stanzas_split_across_chunks(monkeypatch):
    whole = apt_lists._stanza_versions(TEXT * 3, "signal-desktop")
    assert whole == ["7.1.0", "7.2.0"] * 3
    for size in (1, 7, 23, 64, len(TEXT) - 1, 1 << 20):
        monkeypatch.setattr(apt_lists, "CHUNK", size)
        assert apt_lists.scan_stream(io.BytesIO(TEXT * 3), "signal-desktop") == whole, size


def test_python_readable_compressions_are_streamed(tmp_path):
    for ext, compress in ((".gz", gzip.compress), (".xz", lzma.compress), (".bz2", bz2.compress)):
        put(tmp_path, INDEX + ext, compress(TEXT))
        result = apt_lists.offers(str(tmp_path), ENTRY, "signal-desktop")
        assert result == {"indexes": ["/" + INDEX + ext], "versions": ["7.1.0", "7.2.0"], "errors": []}, ext
        (tmp_path / (INDEX + ext)).unlink()


def test_zstd_index_is_read_through_apt_helper(tmp_path, apt_cat_file, zstd_frame):
    put(tmp_path, INDEX + ".zst", zstd_frame(TEXT * 5000))  # several 128 KiB blocks
    result = apt_lists.offers(str(tmp_path), ENTRY, "signal-desktop", cat_file=apt_cat_file)
    assert result["versions"] == ["7.1.0", "7.2.0"] and result["errors"] == []


def test_a_real_lz4_index_of_this_machine_is_read(tmp_path, real_lz4_list, apt_cat_file):
    with open(real_lz4_list, "rb") as handle:
        put(tmp_path, INDEX + ".lz4", handle.read())
    # The oracle: apt-helper's whole output, searched for its first package without the probe's code.
    text = subprocess.run(["/usr/lib/apt/apt-helper", "cat-file", real_lz4_list], check=True,
                          stdout=subprocess.PIPE).stdout.decode("utf-8", "replace")
    package = re.search(r"(?m)^Package: (\S+)", text).group(1)
    expected = []
    for stanza in text.split("\n\n"):
        if re.search(r"(?m)^Package: %s$" % re.escape(package), stanza):
            version = re.search(r"(?m)^Version: (\S+)", stanza).group(1)
            if version not in expected:
                expected.append(version)
    result = apt_lists.offers(str(tmp_path), ENTRY, package, cat_file=apt_cat_file)
    assert result["errors"] == [] and result["versions"] == expected and expected


def test_lz4_without_apt_helper_is_an_error_that_says_why(tmp_path, real_lz4_list):
    with open(real_lz4_list, "rb") as handle:
        put(tmp_path, INDEX + ".lz4", handle.read())
    result = apt_lists.offers(str(tmp_path), ENTRY, "signal-desktop")
    assert result["versions"] == []
    assert result["errors"] == ["/%s.lz4: compressed as .lz4, which Python cannot read and apt's apt-helper "
                                "(/usr/lib/apt/apt-helper) is not available to read it" % INDEX]


def test_a_corrupt_zstd_index_is_an_error_naming_the_file(tmp_path, apt_cat_file, zstd_frame):
    put(tmp_path, INDEX + ".zst", zstd_frame(TEXT * 5000)[:-100])
    result = apt_lists.offers(str(tmp_path), ENTRY, "signal-desktop", cat_file=apt_cat_file)
    assert result["versions"] == []
    assert len(result["errors"]) == 1
    assert result["errors"][0].startswith("/%s.zst: apt-helper cat-file failed (exit 100): " % INDEX)
    assert "ZSTD" in result["errors"][0]


def test_a_corrupt_gzip_index_is_an_error_naming_the_file(tmp_path):
    data = gzip.compress(TEXT * 100)
    put(tmp_path, INDEX + ".gz", data[:20] + b"\xff" * 40 + data[60:])
    result = apt_lists.offers(str(tmp_path), ENTRY, "signal-desktop")
    assert result["versions"] == [] and len(result["errors"]) == 1
    assert result["errors"][0].startswith("/%s.gz: Error -3 while decompressing data" % INDEX)
