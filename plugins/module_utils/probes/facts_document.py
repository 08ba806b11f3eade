# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The desktop facts document (schemas/desktop_facts.schema.json) being filled in.

An observations document (plugins/module_utils/observations.py, whose rules for values, unknown reasons and
errors every document follows). Shared by the host probe (desktop_facts) and the controller's reading of Windows
raw values (windows_facts), which then need not import every probe."""
from __future__ import annotations

from ansible_collections.hardening.signal.plugins.module_utils.observations import Observations

# 3: the update section reports hosts-file entries, proxies and unattended-upgrades settings (no server_blocked,
# auto_update_covers_signal verdicts).
# 2: installs and profiles carry observations (apt sources and keys, signatures, modes, expiry dates); the
# verdicts official_source, community_build and profiles_private are gone (the controls judge).
SCHEMA_VERSION = 3


class FactsDocument(Observations):
    """The facts document of one workstation; done() hands it over."""

    __slots__ = ()

    def __init__(self, platform):
        Observations.__init__(self, {
            "schema_version": SCHEMA_VERSION,
            "platform": platform,
            "os": {},
            "signal": {},
            "update": {},
            "screen_lock": {},
            "lockscreen_notifications": {},
            "unknown_reasons": {},
            "errors": {},
        })
