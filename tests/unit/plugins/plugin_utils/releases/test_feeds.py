# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Signal's update feeds: electron-builder YAML and the apt Packages index."""
from __future__ import annotations

import datetime
import gzip

import pytest

from ansible_collections.hardening.signal.plugins.plugin_utils.releases import feeds

# The shape electron-builder writes (and updates.signal.org serves).
MAC_FEED = b"""version: 7.81.0
files:
  - url: signal-desktop-mac-universal-7.81.0.zip
    sha512: 3eA9p1C0vJk2Kq7m1fY4s2m6w1b0J5s8g8R5l3s0lE1rVZz0nQ==
    size: 250123456
  - url: signal-desktop-mac-universal-7.81.0.dmg
    sha512: 9Yt1x0c3m7lG8V0h0s9o4q2u5i7w1e3r5t7y9u1i3o5p7a9s1d==
    size: 260987654
path: signal-desktop-mac-universal-7.81.0.zip
sha512: 3eA9p1C0vJk2Kq7m1fY4s2m6w1b0J5s8g8R5l3s0lE1rVZz0nQ==
releaseDate: '2026-11-19T18:25:09.575Z'
"""


def test_parses_version_and_release_date():
    entry, reason = feeds.parse_feed(MAC_FEED, "latest-mac.yml")
    assert reason is None
    assert entry == {"version": "7.81.0", "release_date": "2026-11-19T18:25:09.575Z"}


def test_every_value_is_a_string():
    # YAML would read 7.80 as the number 7.8; the feed means version 7.80.
    entry, reason = feeds.parse_feed(b"version: 7.80\n", "latest.yml")
    assert reason is None and entry["version"] == "7.80" and entry["release_date"] is None


@pytest.mark.parametrize("data, words", [
    (b"version: [7.80.0\n", "not valid YAML at line"),
    (b"- 7.80.0\n", "no mapping"),
    (b"path: x.exe\n", "no usable 'version'"),
    (b"version: latest\n", "no usable 'version'"),
    (b"version:\n  major: 7\n", "no usable 'version'"),
    (b"<html><body>Access denied</body></html>", "no mapping"),
    (b"\xff\xfe\x00v", "not UTF-8"),
    (b"version: 7.80.0\n" + b"#" * feeds.MAX_FEED_BYTES, "larger than"),
    (None, "empty response"),
])
def test_malformed_feeds_give_a_reason_never_a_version(data, words):
    entry, reason = feeds.parse_feed(data, "latest.yml")
    assert entry is None and words in reason and "latest.yml" in reason


def test_an_unreadable_release_date_is_dropped_not_fatal():
    entry, reason = feeds.parse_feed(b"version: 7.81.0\nreleaseDate: yesterday\n", "latest-linux.yml")
    assert reason is None and entry == {"version": "7.81.0", "release_date": None}


PACKAGES = b"""Package: signal-desktop
Version: 7.79.0
Architecture: amd64
Filename: pool/main/s/signal-desktop/signal-desktop_7.79.0_amd64.deb

Package: signal-desktop-beta
Version: 7.90.0-beta.1
Architecture: amd64

Package: signal-desktop
Version: 7.80.1
Architecture: amd64

Package: signal-desktop
Version: 7.80.0
Architecture: amd64
"""


def test_apt_index_gives_the_highest_signal_desktop_version():
    entry, reason = feeds.parse_packages(PACKAGES, "Packages")
    assert reason is None and entry == {"version": "7.80.1", "release_date": None}


def test_gzipped_index():
    data, reason = feeds.decompress(gzip.compress(PACKAGES), "Packages.gz")
    assert reason is None and feeds.parse_packages(data, "Packages.gz")[0]["version"] == "7.80.1"
    assert feeds.decompress(b"not gzip", "Packages.gz")[0] is None


def test_index_without_the_package():
    entry, reason = feeds.parse_packages(b"Package: other\nVersion: 1\n", "Packages")
    assert entry is None and "no signal-desktop" in reason


def test_age_in_days():
    now = datetime.datetime(2026, 11, 26, 12, tzinfo=datetime.timezone.utc)
    assert feeds.age_days("2026-11-19T18:25:09.575Z", now) == 6
    assert feeds.age_days(None, now) is None
    assert feeds.age_days("2030-01-01T00:00:00Z", now) == 0
