# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Calendar dates in waivers and attestations, and the moment of an attestation answer."""

from __future__ import annotations

import datetime
from typing import NamedTuple


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


class Moment(NamedTuple):
    """When an answer was given. A date without a time is the start of that UTC day with timed False: it may
    have been given at any moment of that day (engine/attestations.py orders answers with that in mind)."""

    at: datetime.datetime  # UTC
    timed: bool

    @property
    def day(self):
        return self.at.date()

    def text(self):
        """2026-12-01 for a date, 2026-12-01T17:00:00Z for a date and time (in UTC)."""
        if not self.timed:
            return self.day.isoformat()
        return self.at.isoformat().replace("+00:00", "Z")


def _utc(moment):
    if moment.tzinfo is None:
        return moment.replace(tzinfo=datetime.timezone.utc)
    return moment.astimezone(datetime.timezone.utc)


def parse_moment(value):
    """A Moment from YYYY-MM-DD, an ISO 8601 date and time (UTC when it names no zone), or a date/datetime object.

    ValueError otherwise."""
    if isinstance(value, datetime.datetime):
        return Moment(_utc(value), True)
    if isinstance(value, datetime.date):
        return Moment(datetime.datetime(value.year, value.month, value.day, tzinfo=datetime.timezone.utc), False)
    if not isinstance(value, str):
        raise ValueError("%r is not a date YYYY-MM-DD or an ISO 8601 date and time" % (value,))
    text = value.strip()
    if len(text) == 10:
        try:
            day = datetime.date.fromisoformat(text)
        except ValueError:
            raise ValueError("%r is not a date YYYY-MM-DD" % (value,))
        return parse_moment(day)
    if len(text) < 16 or text[10] not in "Tt ":
        raise ValueError("%r is not a date YYYY-MM-DD or an ISO 8601 date and time" % (value,))
    try:
        moment = datetime.datetime.fromisoformat(text[:10] + "T" + text[11:].replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise ValueError("%r is not a date YYYY-MM-DD or an ISO 8601 date and time" % (value,))
    return Moment(_utc(moment), True)
