# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A document of observations being filled in: the one builder of phone records (mdm/builder.py) and of
workstation facts (probes/facts_document.py).

Both documents hold values at dotted paths, next to two maps keyed by the same paths: ``unknown_reasons`` (why
a value could not be observed) and ``errors`` (the input was malformed, in words that name the file, setting or
vendor field). A phone record also keeps ``raw_fields``: which vendor field each value came from. The engine
reads a null value's reason or error (docs/controls.md), so the rules are the same for every document:

* put(path, value, source): the value, and where it came from when given.
* unknown(path, reason, source) and observe(path, value, reason): the value is null and the reason says why; a
  later reason at the same path replaces the earlier one (the latest statement about a value stands).
* reason(path, text): why a value that is there is not more precise, or why a list that is there may be
  incomplete.
* error(path, message): the input was malformed. The message goes under errors (a second, different message at
  the same path is added after "; "; an empty message is nothing to report), and an error outranks a value:
  the scalar value at that path is null, whether it was put before or after the error (done() settles the
  latter), and the unknown reason given before the error is dropped (the engine reads the error first; a reason
  given after it is kept as a further explanation). An object or a list at that path stays, since what was read
  of it is real: the error marks it incomplete, and the engine lets it prove no pass. Unless shared=True, the
  path is also listed for the source's input errors (done()); a problem in data many devices share (an Intune
  profile) is kept on each affected record only, so it is not listed once per device.

Standard library only and no I/O: it is sent to workstations inside the probe module.
"""

from __future__ import annotations

_KEYS = {}  # dotted path -> its keys: a few dozen paths, split once per process rather than once per document


def _keys(path):
    keys = _KEYS.get(path)
    if keys is None:
        keys = _KEYS[path] = tuple(path.split("."))
    return keys


def _parent(node, keys):
    """The object or list holding the last key of a path (list items by their index), or None."""
    for key in keys:
        if isinstance(node, dict):
            node = node.get(key)
        elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
            node = node[int(key)]
        else:
            return None
    return node


def _clear(data, path):
    """Null the scalar value at path, if one is there (objects and lists stay: see the module's rules)."""
    keys = _keys(path)
    node = _parent(data, keys[:-1])
    last = keys[-1]
    if isinstance(node, dict):
        value = node.get(last)
        if value is not None and not isinstance(value, (dict, list)):
            node[last] = None
    elif isinstance(node, list) and last.isdigit() and int(last) < len(node):
        if not isinstance(node[int(last)], (dict, list)):
            node[int(last)] = None


class Observations(object):
    """A document being filled in; done() hands it over with the problems to list."""

    __slots__ = ("data", "problems")

    def __init__(self, data):
        """data: the document's empty shape, with its unknown_reasons and errors maps (and raw_fields when values
        are put with their source)."""
        self.data = data
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
        """The same value (null by default) at each of paths, without a source: a document's empty shape."""
        for path in paths:
            self._place(path, value)

    def unknown(self, path, reason, source=None):
        self._place(path, None)
        if reason:
            self.data["unknown_reasons"][path] = reason
        if source:
            self.data["raw_fields"][path] = source

    def observe(self, path, value, reason=None):
        """What was observed at path: the value, or (None) null with the reason why, when one is given."""
        if value is None:
            self.unknown(path, reason)
        else:
            self._place(path, value)

    def reason(self, path, reason):
        """Why a value that was put (e.g. ownership "unknown") is not more precise, or a list may be incomplete."""
        if reason:
            self.data["unknown_reasons"][path] = reason

    def error(self, path, message, shared=False):
        if not message:
            return
        _clear(self.data, path)
        self.data["unknown_reasons"].pop(path, None)
        errors = self.data["errors"]
        if path in errors and message not in errors[path].split("; "):
            errors[path] += "; " + message
        elif path not in errors:
            errors[path] = message
        if not shared:
            self.problems.append(path)

    def has(self, path):
        data = self.data
        return path in data["errors"] or path in data.get("raw_fields", ()) or path in data["unknown_reasons"]

    def done(self):
        """(document, [(path, message)] for the source's input errors, one per path, in the order they were found).

        An error outranks a value put at its path after it (the module's rules)."""
        data = self.data
        errors = data["errors"]
        for path in errors:  # rare: most documents have none
            _clear(data, path)
        listed, seen = [], set()
        for path in self.problems:
            if path not in seen:
                seen.add(path)
                listed.append((path, errors[path]))
        return data, listed
