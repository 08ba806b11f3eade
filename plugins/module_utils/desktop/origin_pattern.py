# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Let unattended-upgrades take Signal's packages (CERT-EU 3.2).

A file of its own in /etc/apt/apt.conf.d adds Signal's origin to
Unattended-Upgrade::Origins-Pattern (apt appends list items from every
file), so the distribution's 50unattended-upgrades is never edited and
package updates of it stay conflict-free.
"""
from __future__ import annotations

from ansible_collections.hardening.signal.plugins.module_utils.probes import unattended_upgrades

PATH = "/etc/apt/apt.conf.d/52signal-desktop-unattended-upgrades"


class PatternError(ValueError):
    """An Origins-Pattern entry unattended-upgrades would reject."""


def default_pattern(suite):
    """Signal's repository says 'Origin: . xenial' and 'Codename: xenial'."""
    return "origin=. %s,codename=%s" % (suite, suite)


def check(pattern):
    """Raise PatternError for an entry that cannot be written or that
    unattended-upgrades refuses."""
    if not isinstance(pattern, str) or not pattern.strip():
        raise PatternError("origin_pattern is empty")
    if any(ch in pattern for ch in '"\n\r;{}'):
        raise PatternError("origin_pattern %r must not contain quotes, semicolons, braces or line breaks" % pattern)
    try:
        unattended_upgrades.match_pattern(pattern, {})
    except ValueError as exc:
        raise PatternError("origin_pattern %r: %s" % (pattern, exc))


def matches_signal(pattern, suite, site):
    """Whether the pattern matches Signal's repository as the probe knows it."""
    try:
        return unattended_upgrades.match_pattern(pattern, unattended_upgrades.signal_origin(suite, site))
    except ValueError:
        return False


def render(pattern):
    check(pattern)
    return ("// Managed by hardening.signal (desktop_update): unattended-upgrades also updates Signal Desktop\n"
            "// from Signal's repository. The distribution's 50unattended-upgrades is left untouched.\n"
            "Unattended-Upgrade::Origins-Pattern {\n"
            "        \"%s\";\n"
            "};\n" % pattern)
