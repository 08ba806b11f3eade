# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A normalized phone record under construction, the one way every vendor client builds its records.

Each value is kept with the vendor field it came from (raw_fields), a value
the source cannot show with the reason (unknown_reasons), and a vendor value
that was malformed with the message (errors). The rules, the same for every
vendor:

* put(path, value, source): the value, and where it came from when given.
* unknown(path, reason, source): the value is null and the reason says why;
  a later unknown() at the same path replaces the reason.
* error(path, message): the vendor value was malformed. The record holds no
  value there (a value already placed becomes null; nothing is created), no
  unknown reason (an error outranks it), and the message under errors; a
  second, different message at the same path is added after "; ". The
  problem is also listed for the source's input errors, unless shared=True:
  a problem in data many devices share (an Intune profile, a detectedApps
  entry) is kept on each affected record only, so it is not listed once per
  device.
"""

from __future__ import annotations

_KEYS = {}  # dotted path -> its keys: a few dozen paths, split once per process rather than once per device


def _keys(path):
    keys = _KEYS.get(path)
    if keys is None:
        keys = _KEYS[path] = tuple(path.split("."))
    return keys


def describe(value):
    """A vendor value for an error message: its type and a short repr."""
    text = repr(value)
    return "%s %s" % (type(value).__name__, text if len(text) <= 60 else text[:57] + "...")


def vendor_message(field, message):
    """The wording every client uses for a malformed vendor field."""
    return "vendor field %s: %s" % (field, message)


class RecordBuilder(object):
    """One phone record being filled in; done() hands it over with the problems to list."""

    __slots__ = ("data", "problems")

    def __init__(self, device_id, platform, id_field, platform_field=None):
        raw = {"id": id_field}
        if platform_field:
            raw["platform"] = platform_field
        self.data = {"id": device_id, "platform": platform, "raw_fields": raw, "unknown_reasons": {}, "errors": {}}
        self.problems = []

    @property
    def raw_fields(self):
        return self.data["raw_fields"]

    @property
    def unknown_reasons(self):
        return self.data["unknown_reasons"]

    @property
    def errors(self):
        return self.data["errors"]

    def _place(self, path, value):
        keys = _KEYS.get(path) or _keys(path)
        node = self.data
        if len(keys) == 1:  # most paths have one or two parts: no loop for them
            node[path] = value
            return
        for key in keys[:-1]:
            child = node.get(key)
            if child is None:
                child = node[key] = {}
            node = child
        node[keys[-1]] = value

    def get(self, path, default=None):
        node = self.data
        for key in _keys(path):
            if not isinstance(node, dict) or key not in node:
                return default
            node = node[key]
        return node

    def put(self, path, value, source=None):
        self._place(path, value)
        if source:
            self.data["raw_fields"][path] = source

    def put_all(self, paths, value=None):
        """The same value (null by default) at each of paths, without a source: a record's empty shape."""
        for path in paths:
            self._place(path, value)

    def unknown(self, path, reason, source=None):
        self._place(path, None)
        self.data["unknown_reasons"][path] = reason
        if source:
            self.data["raw_fields"][path] = source

    def reason(self, path, reason):
        """Why a value that was put (e.g. ownership "unknown") is not more precise."""
        self.data["unknown_reasons"][path] = reason

    def error(self, path, message, shared=False):
        keys = _keys(path)
        node = self.data
        for key in keys[:-1]:
            node = node.get(key) if isinstance(node, dict) else None
        if isinstance(node, dict) and node.get(keys[-1]) is not None:
            node[keys[-1]] = None
        self.data["unknown_reasons"].pop(path, None)
        errors = self.data["errors"]
        if path in errors and message not in errors[path].split("; "):
            errors[path] += "; " + message
        else:
            errors[path] = message
        if not shared:
            self.problems.append(path)

    def vendor_error(self, field, message):
        """A malformed vendor field that feeds no single normalized value (or only part of one)."""
        self.error(field, message)

    def has(self, path):
        data = self.data
        return path in data["errors"] or path in data["raw_fields"] or path in data["unknown_reasons"]

    def done(self):
        """(record, [(path, message)] for the source's input errors, one per path, in the order they were found)."""
        errors = self.data["errors"]
        listed, seen = [], set()
        for path in self.problems:
            if path not in seen:
                seen.add(path)
                listed.append((path, errors[path]))
        return self.data, listed
