# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Offline values win; feeds fill the rest; a feed that cannot be read leaves the platform unknown."""
from __future__ import annotations

from ansible_collections.hardening.signal.plugins.plugin_utils.releases import newest

BASE = "https://updates.signal.org/desktop/"


def test_feed_urls():
    assert newest.feed_url(BASE, "linux") == "https://updates.signal.org/desktop/latest-linux.yml"
    assert newest.feed_url("https://mirror.example.org/signal", "macos") == "https://mirror.example.org/signal/latest-mac.yml"
    assert newest.feed_url(BASE, "windows").endswith("/desktop/latest.yml")
    assert newest.index_urls("https://updates.signal.org/desktop/apt/", "xenial") == [
        "https://updates.signal.org/desktop/apt/dists/xenial/main/binary-amd64/Packages.gz",
        "https://updates.signal.org/desktop/apt/dists/xenial/main/binary-amd64/Packages"]


def test_offline_desktop_value_means_no_feed_is_read():
    assert newest.to_read({"desktop": "7.80.0"}, BASE) == []
    assert newest.to_read({"macos": "7.80.0", "ios": "7.85"}, BASE) == ["linux", "windows"]
    assert newest.to_read({}, "") == []


def test_offline_wins_and_feeds_fill_the_rest():
    read = {"linux": ({"version": "7.81.0", "release_date": "2026-11-19T18:25:09Z"}, None, BASE + "latest-linux.yml"),
            "windows": (None, BASE + "latest.yml: HTTP 503", BASE + "latest.yml")}
    out = newest.resolve({"macos": "7.80.0", "ios": "7.85"}, BASE, read)
    assert out["newest_versions"] == {"macos": "7.80.0", "ios": "7.85", "linux": "7.81.0"}
    assert out["release_dates"] == {"linux": "2026-11-19T18:25:09Z"}
    assert out["sources"]["macos"].startswith("offline value")
    assert out["sources"]["linux"] == BASE + "latest-linux.yml"
    assert out["unknown_reasons"] == {"windows": "the update feed could not be read: %slatest.yml: HTTP 503" % BASE}


def test_no_offline_value_and_no_url_is_unknown_with_the_reason():
    out = newest.resolve({}, "", {})
    assert out["newest_versions"] == {}
    assert set(out["unknown_reasons"]) == {"linux", "macos", "windows"}
    assert "signal_hardening_release_feed_url" in out["unknown_reasons"]["linux"]
