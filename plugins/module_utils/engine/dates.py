# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Calendar dates in waivers and attestations."""

from __future__ import annotations

import datetime


def parse_date(value):
    """A datetime.date from 'YYYY-MM-DD' (or a date YAML already parsed); ValueError otherwise."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if not isinstance(value, str):
        raise ValueError("expected a date YYYY-MM-DD, got %r" % (value,))
    try:
        return datetime.date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError("expected a date YYYY-MM-DD, got %r" % (value,))
