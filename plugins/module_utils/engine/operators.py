# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Comparison operators of the control DSL.

Each operator takes (observed, expected, ctx) and returns (status, reason);
observed is never None here (missing facts are handled before).
"""

from __future__ import annotations

import fnmatch
import ipaddress
import re
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
        raise TypeMismatch("expected a number, got %s" % show(value))
    return value


def _boolean(value):
    if not isinstance(value, bool):
        raise TypeMismatch("expected true or false, got %s" % show(value))
    return value


def show(value):
    """A value inside an operator's words: text quoted, lists listed, booleans as yes/no (no Python syntax)."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None:
        return "nothing"
    if isinstance(value, str):
        return "'%s'" % value
    if isinstance(value, (list, tuple)):
        return "[%s]" % ", ".join(show(v) for v in value)
    return str(value)


def _verdict(ok, observed, words):
    return (S.PASS if ok else S.FAIL), "%s %s" % (show(observed), words)


def op_eq(observed, expected, ctx):
    ok = observed == expected
    return _verdict(ok, observed, "equals %s" % show(expected) if ok else "is not %s" % show(expected))


def op_ne(observed, expected, ctx):
    ok = observed != expected
    return _verdict(ok, observed, "is not %s" % show(expected) if ok else "must not be %s" % show(expected))


def op_in(observed, expected, ctx):
    ok = observed in expected
    return _verdict(ok, observed, "is one of %s" % show(list(expected)) if ok else "is not one of %s" % show(list(expected)))


def op_not_in(observed, expected, ctx):
    ok = observed not in expected
    return _verdict(ok, observed, "is none of %s" % show(list(expected)) if ok else "must not be one of %s"
                    % show(list(expected)))


def _ordering(symbol, compare):
    def op(observed, expected, ctx):
        ok = compare(_number(observed), _number(expected))
        return _verdict(ok, observed, "%s %s" % (symbol if ok else "is not " + symbol, show(expected)))
    return op


op_lt = _ordering("<", lambda a, b: a < b)
op_lte = _ordering("<=", lambda a, b: a <= b)
op_gt = _ordering(">", lambda a, b: a > b)
op_gte = _ordering(">=", lambda a, b: a >= b)


def op_is_true(observed, expected, ctx):
    ok = _boolean(observed)
    return (S.PASS, "yes") if ok else (S.FAIL, "no")


def op_is_false(observed, expected, ctx):
    ok = not _boolean(observed)
    return (S.PASS, "no") if ok else (S.FAIL, "yes")


def _list(value):
    if not isinstance(value, list):
        raise TypeMismatch("expected a list, got %s" % show(value))
    return value


def op_contains(observed, expected, ctx):
    """The observed list holds the expected value (e.g. a keyring holds Signal's key)."""
    ok = expected in _list(observed)
    return _verdict(ok, observed, "holds %s" % show(expected) if ok else "does not hold %s" % show(expected))


def op_any_in(observed, expected, ctx):
    """At least one value of the observed list is one of the expected values (e.g. a signing certificate)."""
    allowed = list(expected) if isinstance(expected, (list, tuple)) else [expected]
    ok = any(value in allowed for value in _list(observed))
    return _verdict(ok, observed, "has one of %s" % show(allowed) if ok else "has none of %s" % show(allowed))


def normalize_url(url):
    """A URL as apt compares it: scheme and host are case-insensitive, a trailing slash makes no difference."""
    if not isinstance(url, str):
        raise TypeMismatch("expected a URL, got %s" % show(url))
    url = url.strip()
    scheme, sep, rest = url.partition("://")
    if sep:
        host, slash, path = rest.partition("/")
        url = scheme.lower() + sep + host.lower() + slash + path
    return url.rstrip("/")


def op_same_url(observed, expected, ctx):
    """Equal URLs (or one of several), compared the way apt compares them."""
    wanted = expected if isinstance(expected, (list, tuple)) else [expected]
    ok = normalize_url(observed) in [normalize_url(u) for u in wanted]
    return _verdict(ok, observed, "is %s" % " or ".join(map(show, wanted)) if ok else "is not %s"
                    % " or ".join(map(show, wanted)))


def _text(value, what):
    if not isinstance(value, str):
        raise TypeMismatch("expected %s, got %s" % (what, show(value)))
    return value


_REGEX_CACHE = {}


def _regex(pattern, what):
    """A compiled regular expression; a pattern Python's re refuses is a malformed value."""
    compiled = _REGEX_CACHE.get(_text(pattern, what))  # a pattern that is not text is refused before the lookup
    if compiled is None:
        try:
            compiled = re.compile(pattern)
        except re.error as exc:
            raise TypeMismatch("%s is not a valid regular expression (%s)" % (show(pattern), exc))
        if len(_REGEX_CACHE) < 1024:
            _REGEX_CACHE[pattern] = compiled
    return compiled


def op_matches(observed, expected, ctx):
    """The observed text matches the regular expression as a whole (an interval such as '1' or 'always')."""
    ok = _regex(expected, "a regular expression").fullmatch(_text(observed, "text")) is not None
    return _verdict(ok, observed, "matches %s" % show(expected) if ok else "does not match %s" % show(expected))


def op_glob_matches(observed, expected, ctx):
    """The observed shell-style pattern (*, ?, [...], case-sensitive, as unattended-upgrades' Origins-Pattern)
    matches the expected text (e.g. Signal's repository origin)."""
    ok = fnmatch.fnmatchcase(_text(expected, "text to match"), _text(observed, "a pattern"))
    return _verdict(ok, observed, "matches %s" % show(expected) if ok else "does not match %s" % show(expected))


def op_regex_matches(observed, expected, ctx):
    """The observed regular expression matches the start of the expected text (Python's re.match, as
    unattended-upgrades reads its package lists)."""
    ok = _regex(observed, "a regular expression").match(_text(expected, "text to match")) is not None
    return _verdict(ok, observed, "matches %s" % show(expected) if ok else "does not match %s" % show(expected))


def _address(value):
    """The IP address of a text, or None for a host name."""
    text = _text(value, "an IP address or host name").split("%", 1)[0]  # an IPv6 zone (fe80::1%eth0) is not part of it
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped if mapped is not None else address


def _networks(value):
    networks = value if isinstance(value, (list, tuple)) else [value]
    try:
        return [ipaddress.ip_network(n) for n in networks]
    except (TypeError, ValueError):
        raise TypeMismatch("expected networks such as 127.0.0.0/8, got %s" % show(value))


def op_in_network(observed, expected, ctx):
    """The observed IP address lies in one of the networks (an IPv4-mapped IPv6 address counts as its IPv4
    address); a host name (a proxy's) is in none."""
    address = _address(observed)
    networks = _networks(expected)
    if address is None:
        return S.FAIL, "%s is a host name, not an address in %s" % (show(observed), show([str(n) for n in networks]))
    inside = [str(n) for n in networks if address.version == n.version and address in n]
    if inside:
        return S.PASS, "%s is in %s" % (show(observed), inside[0])
    return S.FAIL, "%s is in none of %s" % (show(observed), show([str(n) for n in networks]))


def written_value_problem(op, value):
    """Why a value written in a control cannot serve op (a regular expression or networks that do not parse), or
    None: checked once, when the catalogue is loaded, rather than found on the first subject."""
    try:
        if op == "matches":
            _regex(value, "a regular expression")
        elif op == "in_network":
            _networks(value)
    except TypeMismatch as exc:
        return str(exc)
    return None


def _octal(value, what):
    if not isinstance(value, str) or not value or any(c not in "01234567" for c in value):
        raise TypeMismatch("expected an octal %s such as 0700, got %s" % (what, show(value)))
    return int(value, 8)


def op_no_bits(observed, expected, ctx):
    """A file mode (octal text, e.g. '0750') has none of the bits of the expected mask (e.g. '0077')."""
    mode, mask = _octal(observed, "mode"), _octal(expected, "mask")
    extra = mode & mask
    if not extra:
        return S.PASS, "%s sets none of the bits %s" % (observed, expected)
    return S.FAIL, "%s sets %04o of the bits %s" % (observed, extra, expected)


def op_days_left_at_least(observed, expected, ctx):
    """A moment (e.g. when a build expires) is at least ``expected`` days after now."""
    moment = parse_timestamp(observed)
    days = _number(expected)
    left = moment - ctx.now
    day = moment.strftime("%Y-%m-%d")
    if left < timedelta(0):
        return S.FAIL, "%s passed %d day(s) ago" % (day, (-left).days)
    if left < timedelta(days=days):
        return S.FAIL, "%s is %d day(s) away, fewer than %s" % (day, left.days, expected)
    return S.PASS, "%s is %d days away (at least %s required)" % (day, left.days, expected)


def op_version_current(observed, expected, ctx):
    """expected is the newest official version for the subject's platform."""
    version = parse_version(observed)
    if version is None:
        raise TypeMismatch("expected a version such as 7.80.1, got %s" % show(observed))
    if expected is None:
        why = (ctx.context.get("newest_unknown_reasons") or {}).get(ctx.platform)
        return S.UNKNOWN, "the newest official version for %s is not known (%s)" % (
            ctx.platform, why or "feed not read, no offline value set")
    newest = parse_version(expected)
    if newest is None:
        raise TypeMismatch("newest version %s is not a version" % show(expected))
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
        raise TypeMismatch("expected an ISO 8601 date-time, got %s" % show(text))
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise TypeMismatch("expected an ISO 8601 date-time, got %s" % show(text))
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


def op_not_before(observed, expected, ctx):
    """A moment is not earlier than another (a process started after the package it runs was installed)."""
    moment, other = parse_timestamp(observed), parse_timestamp(expected)
    if moment >= other:
        return S.PASS, "%s is not before %s" % (observed, expected)
    return S.FAIL, "%s is %s before %s" % (observed, _duration(other - moment), expected)


def _duration(delta):
    if delta >= timedelta(days=1):
        return "%d day(s)" % delta.days
    if delta >= timedelta(hours=1):
        return "%d hour(s)" % (delta.total_seconds() // 3600)
    return "%d minute(s)" % max(1, delta.total_seconds() // 60)


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
    "contains": op_contains,
    "any_in": op_any_in,
    "same_url": op_same_url,
    "no_bits": op_no_bits,
    "days_left_at_least": op_days_left_at_least,
    "not_before": op_not_before,
    "matches": op_matches,
    "glob_matches": op_glob_matches,
    "regex_matches": op_regex_matches,
    "in_network": op_in_network,
}

# Operators whose expected value comes from the run, not from the control.
IMPLICIT_EXPECTED = {
    "is_true": True,
    "is_false": False,
}
