# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which newest version counts for each desktop platform, and why.

Rule (kept in this one place):
- an offline value (``signal_hardening_newest_versions``: the platform's own
  key, or ``desktop`` for all three) always wins, and no feed is read for
  that platform;
- otherwise, when a feed base URL is set, that platform's feed is read;
- otherwise, or when the feed cannot be read, the newest version is
  unknown and the reason says why (version freshness is then unknown,
  never pass).
"""
from __future__ import annotations

from urllib.parse import urljoin

from ansible_collections.hardening.signal.plugins.plugin_utils.releases import feeds

DESKTOP = ("linux", "macos", "windows")


def offline_value(offline, platform):
    value = (offline or {}).get(platform) or (offline or {}).get("desktop")
    return str(value) if value else None


def feed_url(base, platform):
    """The feed file URL for a platform under the base URL (a trailing '/' is added)."""
    return urljoin(base.rstrip("/") + "/", feeds.FEED_FILES[platform])


def index_urls(repo_url, suite):
    """Packages.gz first (smaller), then the plain Packages file."""
    base = "%s/dists/%s/main/binary-amd64/" % (repo_url.rstrip("/"), suite)
    return [base + "Packages.gz", base + "Packages"]


def to_read(offline, base_url, platforms=DESKTOP):
    """Platforms whose feed must be read: no offline value and a base URL set."""
    if not base_url:
        return []
    return [p for p in platforms if offline_value(offline, p) is None]


def resolve(offline, base_url, read, platforms=DESKTOP):
    """Combine offline values and feed results.

    ``read`` maps a platform to (entry or None, reason or None, url) for the
    platforms that were read. Returns {"newest_versions", "release_dates",
    "unknown_reasons", "sources"}; newest_versions keeps every offline key
    (ios, android, desktop) and adds the platforms the feeds told."""
    out = {"newest_versions": dict(offline or {}), "release_dates": {}, "unknown_reasons": {}, "sources": {}}
    for platform in platforms:
        value = offline_value(offline, platform)
        if value is not None:
            out["sources"][platform] = "offline value (signal_hardening_newest_versions)"
            continue
        if platform not in read:
            out["unknown_reasons"][platform] = (
                "no offline value in signal_hardening_newest_versions and no feed URL "
                "(signal_hardening_release_feed_url) to read")
            continue
        entry, reason, url = read[platform]
        if entry is None:
            out["unknown_reasons"][platform] = "the update feed could not be read: %s" % reason
            continue
        out["newest_versions"][platform] = entry["version"]
        out["sources"][platform] = url
        if entry.get("release_date"):
            out["release_dates"][platform] = entry["release_date"]
    return out
