# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Switch on apt's daily unattended upgrade (CERT-EU 3.2).

/etc/apt/apt.conf.d/20auto-upgrades is the file Debian's and Ubuntu's
unattended-upgrades package creates (and dpkg-reconfigure rewrites). Only
the two settings below are set in it; every other line is kept.
"""
from __future__ import annotations

import re

from ansible_collections.hardening.signal.plugins.module_utils.probes import apt_conf

PATH = "/etc/apt/apt.conf.d/20auto-upgrades"
SETTINGS = (
    ("APT::Periodic::Update-Package-Lists", "1"),
    ("APT::Periodic::Unattended-Upgrade", "1"),
)


def _line_re(key):
    # A whole 'Key "value";' statement on one line (the form the package writes).
    return re.compile(r'^(\s*)%s\s+"[^"\n]*"\s*;[ \t]*(//.*)?$' % re.escape(key), re.I | re.M)


def current_values(text):
    """{key: value} as apt would read this one file; raises apt_conf.AptConfError."""
    config = apt_conf.AptConfig()
    config.feed(text)
    return {key: config.value(key) for key, _value in SETTINGS}


def render(current):
    """Return the desired text of 20auto-upgrades given its current text (or None).

    A file apt cannot parse is replaced whole (apt itself refuses to run with
    it); otherwise a one-line statement of each key gets the new value, and a
    key set any other way (in a block) is overridden by a line appended at
    the end (in apt, the later value wins)."""
    if current is None:
        return "".join('%s "%s";\n' % (key, value) for key, value in SETTINGS)
    try:
        values = current_values(current)
    except apt_conf.AptConfError:
        return render(None)
    text = current
    for key, value in SETTINGS:
        if values.get(key) == value:
            continue
        pattern = _line_re(key)
        if pattern.search(text):
            text = pattern.sub(lambda m, k=key, v=value: '%s%s "%s";%s' % (
                m.group(1), k, v, " " + m.group(2) if m.group(2) else ""), text)
            try:
                if current_values(text).get(key) == value:
                    continue
            except apt_conf.AptConfError:
                pass
        if text and not text.endswith("\n"):
            text += "\n"
        text += '%s "%s";\n' % (key, value)
    return text
