# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Signal version strings: parsing and 'how far behind the newest release'."""

from __future__ import annotations

import functools
import re

_LEADING_NUMBERS = re.compile(r"^\s*v?(\d+(?:\.\d+){0,3})")


# A fleet has few distinct versions: parse each once.
@functools.lru_cache(maxsize=4096)
def _parse_text(text):
    match = _LEADING_NUMBERS.match(text)
    if not match:
        return None
    parts = [int(p) for p in match.group(1).split(".")]
    while len(parts) < 3:
        parts.append(0)
    return tuple(parts)


def parse_version(text):
    """'7.80.1-beta.2' -> (7, 80, 1); None when the text has no leading version number.

    Pre-release suffixes are ignored on purpose: a beta of 7.80 is as fresh
    as 7.80 for the question "does this client keep up with releases".
    """
    if not isinstance(text, str):
        return None
    return _parse_text(text)


def minor_releases_behind(observed, newest):
    """Minor releases between observed and newest; None when a major release separates them.

    Both are parsed tuples. A client newer than the feed (feed lagging, beta
    channel) is 0 behind.
    """
    if observed >= newest:
        return 0
    if observed[0] != newest[0]:
        return None
    return newest[1] - observed[1]
