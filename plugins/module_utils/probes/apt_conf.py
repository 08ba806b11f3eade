# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A reader for apt's configuration syntax (apt.conf(5)).

Enough of it to know what unattended-upgrades will see: scoped blocks
(``A { B "v"; };``), ``A::B "v";``, list items (``"v";`` inside a block or
``A:: "v";``), ``//``, ``/* */`` and ``#`` comments, ``#clear`` and
unquoted values. Keys are case-insensitive, as in apt. Files are read in
apt's order (apt.conf.d parts first, then apt.conf); later values win.
"""
from __future__ import annotations

import re

from ansible_collections.hardening.signal.plugins.module_utils.probes import fs

CONF_DIR = "/etc/apt/apt.conf.d"
CONF_MAIN = "/etc/apt/apt.conf"
_VALID_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")
_WORD = re.compile(r'[^\s{};"]+')


class AptConfError(ValueError):
    """Syntax the parser cannot make sense of."""


def _tokens(text):
    """Yield (kind, value) with kind in 'word', 'string', '{', '}', ';',
    'clear' (value = the scope to clear)."""
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif text.startswith("//", i):
            end = text.find("\n", i)
            i = n if end < 0 else end + 1
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            if end < 0:
                raise AptConfError("unterminated /* comment")
            i = end + 2
        elif ch == "#":
            end = text.find("\n", i)
            line = text[i:n if end < 0 else end]
            m = re.match(r"#clear\s+([^;\s]+)\s*;?", line)
            if m:
                yield "clear", m.group(1)
            # '#include' is not followed: the files it names are outside the
            # directories we read; other '#' lines are comments.
            i = n if end < 0 else end + 1
        elif ch == '"':
            end = text.find('"', i + 1)
            if end < 0:
                raise AptConfError("unterminated string")
            yield "string", text[i + 1:end]
            i = end + 1
        elif ch in "{};":
            yield ch, ch
            i += 1
        else:
            m = _WORD.match(text, i)
            yield "word", m.group(0)
            i = m.end()


def _key(scope, tag):
    parts = [p for p in scope if p] + [tag]
    return "::".join(parts).lower()


class AptConfig:
    """Parsed settings: scalar values and lists (both by lower-case key),
    and the file that set each scalar value (evidence for reports)."""

    def __init__(self):
        self.values = {}
        self.lists = {}
        self.origins = {}

    def value(self, key, default=None):
        return self.values.get(key.lower(), default)

    def list(self, key):
        return list(self.lists.get(key.lower(), []))

    def origin(self, key):
        return self.origins.get(key.lower())

    def clear(self, key):
        key = key.lower().rstrip(":")
        for table in (self.values, self.lists, self.origins):
            for k in list(table):
                if k == key or k.startswith(key + "::"):
                    del table[k]

    def apply(self, ops, origin=None):
        for op in ops:
            if op[0] == "clear":
                self.clear(op[1])
            elif op[0] == "append":
                self.lists.setdefault(op[1], []).append(op[2])
            else:
                self.values[op[1]] = op[2]
                self.origins[op[1]] = origin

    def feed(self, text, origin=None):
        """Apply one file's text (``origin``: its path); raise AptConfError on
        broken syntax, in which case nothing of that file is applied."""
        self.apply(parse_ops(text), origin)


def _assign(key, value):
    if key.endswith("::"):
        # 'A:: "v";' appends to the list A.
        return ("append", key[:-2], value)
    return ("set", key, value)


def _statement(scope, words):
    if not words:
        return None  # "};" leaves an empty statement
    if len(words) == 1:
        kind, value = words[0]
        if kind == "string":
            # A bare value inside a block is a list item of the block.
            if not scope:
                raise AptConfError("value without a name")
            return ("append", _key(scope[:-1], scope[-1]), value)
        return _assign(_key(scope, value), "")
    kind, tag = words[0]
    if kind != "word":
        raise AptConfError("expected a name before %r" % tag)
    return _assign(_key(scope, tag), " ".join(v for _k, v in words[1:]))


def parse_ops(text):
    """Turn apt.conf text into a list of operations: ("set", key, value),
    ("append", key, value) or ("clear", key)."""
    ops = []
    scope = []
    words = []  # pending (kind, value) of the current statement
    for kind, value in _tokens(text):
        if kind == "clear":
            ops.append(("clear", value))
        elif kind in ("word", "string"):
            words.append((kind, value))
        elif kind == "{":
            if len(words) != 1 or words[0][0] != "word":
                raise AptConfError("a block must follow exactly one name")
            scope.append(words[0][1].rstrip(":"))
            words = []
        elif kind == ";":
            ops.append(_statement(scope, words))
            words = []
        elif kind == "}":
            if words:  # apt tolerates a missing ';' before '}'
                ops.append(_statement(scope, words))
                words = []
            if not scope:
                raise AptConfError("unbalanced '}'")
            scope.pop()
    if words:
        raise AptConfError("statement without ';' at end of file")
    if scope:
        raise AptConfError("block '%s' is not closed" % "::".join(scope))
    return [op for op in ops if op is not None]


def _conf_part_ok(name):
    # apt reads parts with no extension or '.conf' and valid characters.
    if not _VALID_NAME.match(name):
        return False
    return "." not in name or name.endswith(".conf")


def read_config(root="/"):
    """Return (AptConfig, errors). Files that fail to parse are reported and
    skipped (apt itself would refuse to run with them)."""
    config = AptConfig()
    errors = []
    names, err = fs.listdir(root, CONF_DIR)
    if err:
        errors.append(err)
    paths = [fs.join(CONF_DIR, n) for n in names if _conf_part_ok(n)]
    paths.append(CONF_MAIN)
    for path, text, err in fs.read_regular_files(root, paths):
        if text is None:
            errors.append(err)
            continue
        try:
            config.feed(text, path)
        except AptConfError as exc:
            errors.append("%s: %s" % (path, exc))
    return config, errors
