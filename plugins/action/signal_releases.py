# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Newest official Signal Desktop version per platform, on the controller, once per run.

Offline values win; otherwise Signal's update feeds are read with a timeout.
This action never fails the run because of a feed: a feed that cannot be
read leaves that platform's newest version unknown, with the reason.
"""

from __future__ import annotations

import datetime

from ansible.module_utils.urls import open_url

from ansible_collections.hardening.signal.plugins.plugin_utils.controller_action import ControllerAction
from ansible_collections.hardening.signal.plugins.plugin_utils.releases import feeds, newest

ARGUMENT_SPEC = {
    "feed_url": {"type": "str", "default": ""},
    "offline": {"type": "dict", "default": {}},
    "platforms": {"type": "list", "elements": "str", "default": list(newest.DESKTOP),
                  "choices": list(newest.DESKTOP)},
    "apt_index": {"type": "bool", "default": False},
    "apt_repo_url": {"type": "str", "default": "https://updates.signal.org/desktop/apt"},
    "apt_suite": {"type": "str", "default": "xenial"},
    "timeout": {"type": "float", "default": 10.0},
    "validate_certs": {"type": "bool", "default": True},
}


def fetch(url, timeout, validate_certs, max_bytes):
    """Return (bytes, None) or (None, reason). Never raises."""
    try:
        response = open_url(url, method="GET", timeout=timeout, validate_certs=validate_certs,
                            http_agent="hardening.signal", follow_redirects="safe")
        try:
            data = response.read(max_bytes + 1)
        finally:
            response.close()
    except Exception as exc:  # HTTPError, URLError, timeouts, TLS, ...: all mean "not read"
        return None, "%s: %s" % (url, _describe(exc))
    if len(data) > max_bytes:
        return None, "%s: larger than %d bytes" % (url, max_bytes)
    return data, None


def _describe(exc):
    code = getattr(exc, "code", None)
    if code is not None:
        return "HTTP %s" % code
    reason = getattr(exc, "reason", None)
    return str(reason if reason is not None else exc) or exc.__class__.__name__


def read_feed(base, platform, timeout, validate_certs):
    url = newest.feed_url(base, platform)
    data, reason = fetch(url, timeout, validate_certs, feeds.MAX_FEED_BYTES)
    if data is None:
        return None, reason, url
    entry, reason = feeds.parse_feed(data, url)
    return entry, reason, url


def read_index(repo_url, suite, timeout, validate_certs):
    reasons = []
    for url in newest.index_urls(repo_url, suite):
        data, reason = fetch(url, timeout, validate_certs, feeds.MAX_INDEX_BYTES)
        if data is not None and url.endswith(".gz"):
            data, reason = feeds.decompress(data, url)
        if data is None:
            reasons.append(reason)
            continue
        entry, reason = feeds.parse_packages(data, url)
        if entry is not None:
            return entry, None, url
        reasons.append(reason)
    return None, "; ".join(reasons), newest.index_urls(repo_url, suite)[-1]


class ActionModule(ControllerAction):
    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        _validation, args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)
        offline = args["offline"] or {}
        base = (args["feed_url"] or "").strip()
        read = {}
        for platform in newest.to_read(offline, base, args["platforms"]):
            entry, reason, url = read_feed(base, platform, args["timeout"], args["validate_certs"])
            if platform == "linux" and args["apt_index"]:
                index_entry, index_reason, index_url = read_index(
                    args["apt_repo_url"], args["apt_suite"], args["timeout"], args["validate_certs"])
                if index_entry is not None:
                    # The .deb hosts get what the apt index lists; the feed may add its release date.
                    if entry is not None and entry["version"] == index_entry["version"]:
                        index_entry["release_date"] = entry["release_date"]
                    entry, reason, url = index_entry, None, index_url
                elif entry is None:
                    reason = "%s; %s" % (reason, index_reason)
            read[platform] = (entry, reason, url)
        resolved = newest.resolve(offline, base, read, args["platforms"])
        now = datetime.datetime.now(datetime.timezone.utc)
        ages = {p: feeds.age_days(d, now) for p, d in resolved["release_dates"].items()}
        result.update(changed=False, read=sorted(read), release_ages_days=ages, **resolved)
        lines = []
        for platform in args["platforms"]:
            if platform in resolved["unknown_reasons"]:
                lines.append("%s: unknown (%s)" % (platform, resolved["unknown_reasons"][platform]))
            else:
                value = newest.offline_value(offline, platform) or resolved["newest_versions"].get(platform)
                when = resolved["release_dates"].get(platform)
                released = ", released %s" % when if when else ""
                lines.append("%s: %s from %s%s" % (platform, value, resolved["sources"][platform], released))
        result["msg"] = "; ".join(lines)
        return result
