# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Comparison operators of the control DSL.

Each operator takes (observed, expected, ctx) and returns (status, reason);
observed is never None here (missing facts are handled before).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from ansible_collections.hardening.signal.plugins.module_utils.engine import statuses as S
from ansible_collections.hardening.signal.plugins.module_utils.engine.versions import (
    minor_releases_behind,
    parse_version,
)


class TypeMismatch(Exception):
    """The observed value has a type the operator cannot judge (a malformed input)."""


def _number(value):
    # bool is an int in Python; a boolean where a number is expected is malformed input.
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeMismatch("expected a number, got %r" % (value,))
    return value


def _boolean(value):
    if not isinstance(value, bool):
        raise TypeMismatch("expected true or false, got %r" % (value,))
    return value


def _verdict(ok, observed, words):
    return (S.PASS if ok else S.FAIL), "%r %s" % (observed, words)


def op_eq(observed, expected, ctx):
    return _verdict(observed == expected, observed, "equals %r" % (expected,) if observed == expected else "is not %r" % (expected,))


def op_ne(observed, expected, ctx):
    ok = observed != expected
    return _verdict(ok, observed, "is not %r" % (expected,) if ok else "must not be %r" % (expected,))


def op_in(observed, expected, ctx):
    ok = observed in expected
    return _verdict(ok, observed, "is one of %s" % (list(expected),) if ok else "is not one of %s" % (list(expected),))


def op_not_in(observed, expected, ctx):
    ok = observed not in expected
    return _verdict(ok, observed, "is none of %s" % (list(expected),) if ok else "must not be one of %s" % (list(expected),))


def _ordering(symbol, compare):
    def op(observed, expected, ctx):
        ok = compare(_number(observed), _number(expected))
        return _verdict(ok, observed, "%s %r" % (symbol if ok else "is not " + symbol, expected))
    return op


op_lt = _ordering("<", lambda a, b: a < b)
op_lte = _ordering("<=", lambda a, b: a <= b)
op_gt = _ordering(">", lambda a, b: a > b)
op_gte = _ordering(">=", lambda a, b: a >= b)


def op_is_true(observed, expected, ctx):
    ok = _boolean(observed)
    return (S.PASS, "is true") if ok else (S.FAIL, "is false")


def op_is_false(observed, expected, ctx):
    ok = not _boolean(observed)
    return (S.PASS, "is false") if ok else (S.FAIL, "is true")


def op_version_current(observed, expected, ctx):
    """expected is the newest official version for the subject's platform."""
    version = parse_version(observed)
    if version is None:
        raise TypeMismatch("expected a version such as 7.80.1, got %r" % (observed,))
    if expected is None:
        why = (ctx.context.get("newest_unknown_reasons") or {}).get(ctx.platform)
        return S.UNKNOWN, "the newest official version for %s is not known (%s)" % (
            ctx.platform, why or "feed not read, no offline value set")
    newest = parse_version(expected)
    if newest is None:
        raise TypeMismatch("newest version %r is not a version" % (expected,))
    allowed = ctx.org["max_minor_versions_behind"]
    behind = minor_releases_behind(version, newest)
    if behind is None:
        return S.FAIL, "%s is a major release behind the newest %s%s" % (observed, expected, _release_age(ctx, version, newest))
    if behind <= allowed:
        return S.PASS, "%s is %d minor release(s) behind the newest %s (at most %d allowed)%s" % (
            observed, behind, expected, allowed, _release_age(ctx, version, newest))
    return S.FAIL, "%s is %d minor releases behind the newest %s (at most %d allowed)%s" % (
        observed, behind, expected, allowed, _release_age(ctx, version, newest))


def _release_age(ctx, version, newest):
    """Signal builds expire some weeks after release: when the client is older than the newest release and that
    release came out more than release_age_days ago (date from the update feed), say so. Words only, no verdict."""
    limit = ctx.context.get("release_age_days") or 0
    released = (ctx.context.get("newest_release_dates") or {}).get(ctx.platform)
    if not limit or not released or version >= newest:
        return ""
    try:
        age = (ctx.now - parse_timestamp(released)).days
    except TypeMismatch:
        return ""
    if age <= limit:
        return ""
    return ("; the newest release came out %d days ago (%s), more than %d: this build is at risk of expiring "
            "(Signal builds stop working some weeks after release)" % (age, released, limit))


def parse_timestamp(text):
    if not isinstance(text, str):
        raise TypeMismatch("expected an ISO 8601 date-time, got %r" % (text,))
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise TypeMismatch("expected an ISO 8601 date-time, got %r" % (text,))
    if moment.tzinfo is None:
        # A date-time without a zone is ambiguous; MDMs report UTC.
        moment = moment.replace(tzinfo=timezone.utc)
    return moment


# A clock on a phone or MDM a little ahead of ours is normal; far ahead is bad data.
_CLOCK_SKEW = timedelta(hours=1)


def op_within_hours(observed, expected, ctx):
    moment = parse_timestamp(observed)
    hours = _number(expected)
    if moment > ctx.now + _CLOCK_SKEW:
        raise TypeMismatch("%s lies in the future" % (observed,))
    age = ctx.now - moment
    age_hours = age.total_seconds() / 3600.0
    if age <= timedelta(hours=hours):
        return S.PASS, "%s is %.1f h ago (at most %s h allowed)" % (observed, age_hours, hours)
    return S.FAIL, "%s is %.1f h ago (at most %s h allowed)" % (observed, age_hours, hours)


OPERATORS = {
    "eq": op_eq,
    "ne": op_ne,
    "in": op_in,
    "not_in": op_not_in,
    "lt": op_lt,
    "lte": op_lte,
    "gt": op_gt,
    "gte": op_gte,
    "is_true": op_is_true,
    "is_false": op_is_false,
    "version_current": op_version_current,
    "within_hours": op_within_hours,
}

# Operators whose expected value comes from the run, not from the control.
IMPLICIT_EXPECTED = {
    "is_true": True,
    "is_false": False,
}
