# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The desktop facts document (schemas/desktop_facts.schema.json) being filled in, with its bookkeeping rules.

Shared by the host probe (desktop_facts) and the controller's reading of Windows raw values (windows_facts),
which then need not import every probe."""
from __future__ import annotations

# 2: installs and profiles carry observations (apt sources and keys, signatures, modes, expiry dates); the
# verdicts official_source, community_build and profiles_private are gone (the controls judge).
SCHEMA_VERSION = 2


class FactsDocument:
    """The facts document plus helpers that keep values and reasons paired."""

    def __init__(self, platform):
        self.facts = {
            "schema_version": SCHEMA_VERSION,
            "platform": platform,
            "os": {},
            "signal": {},
            "update": {},
            "screen_lock": {},
            "lockscreen_notifications": {},
            "unknown_reasons": {},
            "errors": {},
        }

    def put(self, path, value, reason=None):
        """Set a value; a None value records ``reason`` (if any) for it."""
        node = self.facts
        parts = path.split(".")
        for part in parts[:-1]:
            node = node[int(part)] if isinstance(node, list) else node[part]
        node[parts[-1]] = value
        if value is None and reason:
            self.reason(path, reason)

    def unknown(self, path, reason):
        """The value at ``path`` could not be observed: null, with the reason."""
        self.put(path, None, reason)

    def reason(self, path, text):
        """Why the value at ``path`` is unknown, or (for a list that is there) why it may be incomplete."""
        if text and path not in self.facts["unknown_reasons"]:
            self.facts["unknown_reasons"][path] = text

    def error(self, path, message):
        if not message:
            return
        errors = self.facts["errors"]
        if path in errors:
            if message not in errors[path].split("; "):
                errors[path] += "; " + message
        else:
            errors[path] = message
