# -*- coding: utf-8 -*-
"""What the tests of a whole judge run hand it: the role's control catalogue, the organisation's values, and a
Linux workstation's facts as its probe reports them (Signal installed from Signal's apt source, the screen
locked after 15 minutes, notifications hidden)."""

from __future__ import annotations

import copy
import os

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CONTROLS_DIR = os.path.join(ROOT, "roles", "signal_hardening", "controls")
ORG = {"screen_lock_timeout_minutes": 5, "disappearing_messages_timer_days": 7, "reboot_interval_hours": 24,
       "max_minor_versions_behind": 2, "require_signal_on_phones": False}
NO_UNATTENDED_UPGRADES = {"installed": False, "timer_masked": False, "periodic": [], "origins": [], "package_lists": []}


def linux_facts(unattended_upgrades=None):
    """The facts of one Linux workstation (desktop facts v3); unattended_upgrades: what the probe read of
    unattended-upgrades (by default: not installed)."""
    return {"schema_version": 3, "platform": "linux",
            "signal": {"installed": True, "version": "7.80.0",
                       "installs": [{"kind": "deb", "path": "/opt/Signal", "version": "7.80.0"}],
                       "profiles": [{"user": "dana", "path": "/home/dana/.config/Signal", "mode": "0700"}]},
            "update": {"hosts_entries": [], "proxies": [],
                       "unattended_upgrades": copy.deepcopy(unattended_upgrades or NO_UNATTENDED_UPGRADES)},
            "screen_lock": {"enabled": True, "idle_delay_seconds": 900, "lock_delay_seconds": 0},
            "lockscreen_notifications": {"hides_content": True}, "unknown_reasons": {}, "errors": {}}
