# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Version freshness with what the update feed adds: why the newest version is unknown, and how old it is."""
from __future__ import annotations

import datetime

from ansible_collections.hardening.signal.plugins.module_utils.engine.evaluate import Evaluator

NOW = datetime.datetime(2026, 11, 26, 12, 0, tzinfo=datetime.timezone.utc)
ORG = {"screen_lock_timeout_minutes": 5, "disappearing_messages_timer_days": 7, "reboot_interval_hours": 24,
       "max_minor_versions_behind": 2, "require_signal_on_phones": False}
CONTROL = {"id": "sh-3.2-desktop-version-current", "section": "3.2", "title": "Current", "platforms": ["linux", "macos"],
           "check": {"method": "host", "observes": "x", "test": {"fact": "signal.version", "op": "version_current"}},
           "rationale": "r" * 20, "steps": ["do it"], "remediation": "manual", "severity": "high", "disruption": "low"}


def judge(version, context, platform="linux"):
    subject = {"id": "h", "kind": "workstation", "platform": platform, "owner": None,
               "source": {"type": "ansible", "name": "desktop_info"}, "state": "ok",
               "facts": {"signal": {"version": version}, "unknown_reasons": {}, "errors": {}}}
    return Evaluator([CONTROL], ORG, context=context, now=NOW).evaluate(subject)[0]


def test_unknown_newest_names_the_feed_problem():
    result = judge("7.80.0", {"newest_versions": {}, "newest_unknown_reasons": {
        "linux": "the update feed could not be read: https://updates.signal.org/desktop/latest-linux.yml: timed out"}})
    assert result["status"] == "unknown" and "timed out" in result["reason"]
    plain = judge("7.80.0", {"newest_versions": {}})
    assert plain["status"] == "unknown" and "no offline value" in plain["reason"]


def test_old_newest_release_is_mentioned_when_the_client_is_behind():
    context = {"newest_versions": {"linux": "7.81.0"}, "newest_release_dates": {"linux": "2026-10-01T09:00:00.000Z"},
               "release_age_days": 14}
    result = judge("7.80.0", context)
    assert result["status"] == "pass"                       # the verdict does not change
    assert "came out 56 days ago" in result["reason"] and "expiring" in result["reason"]
    failing = judge("7.70.0", context)
    assert failing["status"] == "fail" and "56 days ago" in failing["reason"]


def test_no_words_when_current_recent_unknown_date_or_switched_off():
    base = {"newest_versions": {"linux": "7.81.0"}, "newest_release_dates": {"linux": "2026-10-01T09:00:00Z"}}
    assert "days ago" not in judge("7.81.0", dict(base, release_age_days=14))["reason"]          # up to date
    assert "days ago" not in judge("7.80.0", dict(base, release_age_days=0))["reason"]           # off
    assert "days ago" not in judge("7.80.0", dict(base, release_age_days=90))["reason"]          # recent enough
    assert "days ago" not in judge("7.80.0", {"newest_versions": {"linux": "7.81.0"}, "release_age_days": 14})["reason"]
    assert "days ago" not in judge("7.80.0", dict(base, release_age_days=14), platform="macos")["reason"]
