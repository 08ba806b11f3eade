# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""signal_releases reads feeds from a server on 127.0.0.1; nothing it meets makes it raise."""
from __future__ import annotations

import gzip

import pytest

from ansible_collections.hardening.signal.plugins.action import signal_releases
from tests.fakes.static_files import serve_files

FILES = {
    "/desktop/latest-linux.yml": b"version: 7.81.0\nreleaseDate: '2026-11-19T18:25:09.575Z'\n",
    "/desktop/latest-mac.yml": b"version: [broken\n",
    "/apt/dists/xenial/main/binary-amd64/Packages.gz": gzip.compress(b"Package: signal-desktop\nVersion: 7.81.0\n"),
}


@pytest.fixture(scope="module")
def server():
    with serve_files(FILES) as files_server:
        yield files_server.url


def test_a_good_feed(server):
    entry, reason, url = signal_releases.read_feed(server + "/desktop/", "linux", 5, True)
    assert reason is None and entry["version"] == "7.81.0" and url.endswith("/desktop/latest-linux.yml")


def test_malformed_yaml_is_a_reason(server):
    entry, reason, _url = signal_releases.read_feed(server + "/desktop/", "macos", 5, True)
    assert entry is None and "not valid YAML" in reason


def test_missing_feed_is_a_reason(server):
    entry, reason, _url = signal_releases.read_feed(server + "/desktop/", "windows", 5, True)
    assert entry is None and "HTTP 404" in reason


def test_unreachable_server_is_a_reason():
    # Nothing listens on loopback port 9: refused at once.
    entry, reason, _url = signal_releases.read_feed("http://127.0.0.1:9/desktop/", "linux", 5, True)
    assert entry is None and "127.0.0.1:9" in reason


def test_apt_index(server):
    entry, reason, url = signal_releases.read_index(server + "/apt", "xenial", 5, True)
    assert reason is None and entry["version"] == "7.81.0" and url.endswith("Packages.gz")
    entry, reason, _url = signal_releases.read_index(server + "/apt", "bionic", 5, True)
    assert entry is None and "HTTP 404" in reason
