# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Text from outside that is not valid Unicode: lone surrogates.

JSON may spell a lone surrogate ("\\udc80"), and Python keeps undecodable bytes of file names and of Ansible's
file lookups as lone surrogates too. Such a string cannot be written as UTF-8, so every report, the history and
the console would fail on it. Each reader calls surrogate_fields() on what it read, names every such value as a
malformed field of its record, and shows it only through escaped() (U+DC80 becomes the six characters \\udc80).

Used by the MDM records, the workstation subjects, the waiver and attestation files and the judge run's settings.
"""

from __future__ import annotations

_FIRST, _LAST = 0xD800, 0xDFFF


def surrogate_at(text):
    """The index of the first lone surrogate in text, or None (also None for anything that is not a str)."""
    if not isinstance(text, str) or text.isascii():
        return None
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return exc.start
    return None


def escaped(text):
    """text with each lone surrogate written as \\uXXXX: safe to print and to encode as UTF-8."""
    if surrogate_at(text) is None:
        return text
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def problem(text):
    """Why a string with a lone surrogate cannot be used, without repeating the value itself (it may be a secret)."""
    index = surrogate_at(text)
    return "is not valid Unicode text: a lone surrogate (U+%04X) at character %d, so it is not used" % (
        ord(text[index]), index + 1)


def _join(path, key):
    return "%s.%s" % (path, key) if path else key


def surrogate_fields(value, path=""):
    """[(path, keys, message)] for every string (or mapping key) in value that holds a lone surrogate.

    path is dotted (lists as [i]) with offending keys shown escaped; keys is the tuple of real keys and indexes
    that leads to the value, so a caller can drop exactly that entry. Empty when everything is valid text.
    """
    found = []
    if not _all_ascii(value):
        _walk(value, path, (), found)
    return found


def _ascii_text(value):
    """True when value is not a str, or is an ASCII one (which cannot hold a surrogate)."""
    return not isinstance(value, str) or value.isascii()


def _all_ascii(value):
    """True when no string or key in value has a non-ASCII character: the quick answer for most records."""
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            pairs = node.items()
        elif isinstance(node, (list, tuple)):
            pairs = ((None, item) for item in node)
        else:
            if not _ascii_text(node):
                return False
            continue
        for key, item in pairs:
            if not (key.isascii() if key.__class__ is str else _ascii_text(key)):
                return False
            kind = item.__class__
            if kind is str:
                if not item.isascii():
                    return False
            elif kind is dict or kind is list:
                stack.append(item)
            elif item is None or kind is bool or kind is int or kind is float:
                continue
            else:
                stack.append(item)
    return True


def _walk(value, path, keys, found):
    if isinstance(value, str):
        if surrogate_at(value) is not None:
            found.append((path or None, keys, "the value " + problem(value)))
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and surrogate_at(key) is not None:
                found.append((_join(path, escaped(key)), keys + (key,), "the field name " + problem(key)))
                continue
            _walk(item, _join(path, str(key)), keys + (key,), found)
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            _walk(item, "%s[%d]" % (path, index), keys + (index,), found)


def escaped_all(value):
    """A copy of value (mappings and lists rebuilt) with every string and key escaped."""
    if isinstance(value, str):
        return escaped(value)
    if isinstance(value, dict):
        return {escaped(key) if isinstance(key, str) else key: escaped_all(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [escaped_all(item) for item in value]
    return value
