# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A reader for apt's configuration syntax (apt.conf(5)).

Enough of it to know what unattended-upgrades will see: scoped blocks
(``A { B "v"; };``), ``A::B "v";``, list items (``"v";`` inside a block or
``A:: "v";``), ``//``, ``/* */`` and ``#`` comments, ``#clear`` and
unquoted values. Keys are case-insensitive, as in apt. Files are read in
apt's order (apt.conf.d parts first, then apt.conf); later values win.
Each value and list item keeps the file and line that set it (evidence the
controls name in their reasons).
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
    """Yield (kind, value, line) with kind in 'word', 'string', '{', '}', ';',
    'clear' (value = the scope to clear); line counts from 1."""
    i, n = 0, len(text)
    line = 1
    while i < n:
        ch = text[i]
        if ch == "\n":
            line += 1
            i += 1
        elif ch.isspace():
            i += 1
        elif text.startswith("//", i):
            end = text.find("\n", i)
            i = n if end < 0 else end  # the line break is counted above
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            if end < 0:
                raise AptConfError("unterminated /* comment (line %d)" % line)
            line += text.count("\n", i, end)
            i = end + 2
        elif ch == "#":
            end = text.find("\n", i)
            directive = text[i:n if end < 0 else end]
            m = re.match(r"#clear\s+([^;\s]+)\s*;?", directive)
            if m:
                yield "clear", m.group(1), line
            # '#include' is not followed: the files it names are outside the
            # directories we read; other '#' lines are comments.
            i = n if end < 0 else end
        elif ch == '"':
            end = text.find('"', i + 1)
            if end < 0:
                raise AptConfError("unterminated string (line %d)" % line)
            yield "string", text[i + 1:end], line
            line += text.count("\n", i, end)
            i = end + 1
        elif ch in "{};":
            yield ch, ch, line
            i += 1
        else:
            m = _WORD.match(text, i)
            yield "word", m.group(0), line
            i = m.end()


def _key(scope, tag):
    parts = [p for p in scope if p] + [tag]
    return "::".join(parts).lower()


class AptConfig:
    """Parsed settings: scalar values and lists (both by lower-case key), and
    where each was set: the file (``origin``) and line of a scalar value, the
    file and line of each list item."""

    def __init__(self):
        self.values = {}
        self.lists = {}
        self.origins = {}
        self.lines = {}
        self.list_places = {}

    def value(self, key, default=None):
        return self.values.get(key.lower(), default)

    def list(self, key):
        return list(self.lists.get(key.lower(), []))

    def origin(self, key):
        return self.origins.get(key.lower())

    def line(self, key):
        """The line of the file (origin) that set the value, or None."""
        return self.lines.get(key.lower())

    def entries(self, key):
        """[(item, file, line)] of a list, in apt's order."""
        key = key.lower()
        places = self.list_places.get(key, [])
        return [(item,) + place for item, place in zip(self.lists.get(key, []), places)]

    def clear(self, key):
        key = key.lower().rstrip(":")
        for table in (self.values, self.lists, self.origins, self.lines, self.list_places):
            for k in list(table):
                if k == key or k.startswith(key + "::"):
                    del table[k]

    def apply(self, ops, origin=None):
        for op in ops:
            if op[0] == "clear":
                self.clear(op[1])
            elif op[0] == "append":
                self.lists.setdefault(op[1], []).append(op[2])
                self.list_places.setdefault(op[1], []).append((origin, op[3]))
            else:
                self.values[op[1]] = op[2]
                self.origins[op[1]] = origin
                self.lines[op[1]] = op[3]

    def feed(self, text, origin=None):
        """Apply one file's text (``origin``: its path); raise AptConfError on
        broken syntax, in which case nothing of that file is applied."""
        self.apply(parse_ops(text), origin)


def _assign(key, value, line):
    if key.endswith("::"):
        # 'A:: "v";' appends to the list A.
        return ("append", key[:-2], value, line)
    return ("set", key, value, line)


def _statement(scope, words):
    """One statement: words are (kind, value, line); its line is where it starts."""
    if not words:
        return None  # "};" leaves an empty statement
    line = words[0][2]
    if len(words) == 1:
        kind, value, _line = words[0]
        if kind == "string":
            # A bare value inside a block is a list item of the block.
            if not scope:
                raise AptConfError("value without a name (line %d)" % line)
            return ("append", _key(scope[:-1], scope[-1]), value, line)
        return _assign(_key(scope, value), "", line)
    kind, tag, _line = words[0]
    if kind != "word":
        raise AptConfError("expected a name before %r (line %d)" % (tag, line))
    return _assign(_key(scope, tag), " ".join(w[1] for w in words[1:]), line)


def parse_ops(text):
    """Turn apt.conf text into a list of operations: ("set", key, value, line),
    ("append", key, value, line) or ("clear", key)."""
    ops = []
    scope = []
    words = []  # pending (kind, value, line) of the current statement
    for kind, value, line in _tokens(text):
        if kind == "clear":
            ops.append(("clear", value))
        elif kind in ("word", "string"):
            words.append((kind, value, line))
        elif kind == "{":
            if len(words) != 1 or words[0][0] != "word":
                raise AptConfError("a block must follow exactly one name (line %d)" % line)
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
                raise AptConfError("unbalanced '}' (line %d)" % line)
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
