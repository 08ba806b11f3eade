# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reason templates of the control DSL: sentences with placeholders, filled from what a check read.

A control says in its own words what a result means ("{install.path} is signed by Team ID {observed}, not
Signal's {expected}"); the engine fills the placeholders with the values it judged. Placeholders are
``{name}`` or ``{name.dotted.path}``:

- ``{observed}``, ``{expected}``, ``{says}``, ``{reasons}`` (the sentences of the parts, or what the probe said
  about a value it could not read) and ``{count}`` (items of a quantifier): the test being explained;
- ``{org.<name>}``: an organisation or catalogue value; ``{context.<path>}``: a run value (newest versions);
- ``{facts.<path>}``: a fact of the subject; ``{<as>.<path>}``: a field of the item a quantifier bound.

Values read for a sentence are recorded in the result's ``observed`` too, so what a reason says can be checked
by a machine. Pure: no I/O.
"""

from __future__ import annotations

import json
import re

PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*(?:\.[a-z0-9_]+)*)\}")
# Names a template may use without a dotted path: they describe the test itself.
LOCALS = frozenset(("observed", "expected", "says", "reasons", "count"))
# Names that need a dotted path after them.
NAMESPACES = frozenset(("org", "context", "facts"))
MISSING_TEXT = "unknown"


def text_of(value):
    """A value as words: lists joined, booleans as yes/no, nothing as 'unknown'."""
    if value is None:
        return MISSING_TEXT
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)):
        if not value:
            return "none"
        words = [text_of(v) for v in value]
        # Names that hold commas themselves ("Signal Messenger, LLC") are kept apart with semicolons.
        return ("; " if any("," in w for w in words) else ", ").join(words)
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return str(value)


def placeholders(text):
    """The (head, rest) pairs a template names, e.g. ('install', 'path') for {install.path}."""
    out = []
    for match in PLACEHOLDER.finditer(text):
        head, _dot, rest = match.group(1).partition(".")
        out.append((head, rest))
    return out


def problems(text, bound, org_names=None):
    """What is wrong with a template, given the quantifier names bound where it is used (static check)."""
    found = []
    if PLACEHOLDER.sub("", text).count("{") or PLACEHOLDER.sub("", text).count("}"):
        found.append("unbalanced or malformed placeholder in %r (placeholders look like {observed} or {install.path})"
                     % (text,))
    for head, rest in placeholders(text):
        if head in LOCALS:
            if rest:
                found.append("{%s.%s}: %s takes no path" % (head, rest, head))
        elif head in NAMESPACES or head in bound:
            if not rest:
                found.append("{%s} needs a path, e.g. {%s.name}" % (head, head))
            elif head == "org" and org_names is not None and rest not in org_names:
                found.append("{org.%s}: no organisation or catalogue value of that name" % rest)
        else:
            found.append("{%s%s}: %s is not a quantifier name bound here (%s) nor one of %s" % (
                head, "." + rest if rest else "", head, ", ".join(sorted(bound)) or "none",
                ", ".join(sorted(LOCALS | NAMESPACES))))
    return found


def _reader(keys):
    def read(node):
        for key in keys:
            if isinstance(node, dict):
                node = node.get(key)
            elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
                node = node[int(key)]
            else:
                return None
        return node
    return read


class Template(object):
    """One compiled sentence."""

    __slots__ = ("text", "parts")

    def __init__(self, text):
        self.text = text
        self.parts = []
        at = 0
        for match in PLACEHOLDER.finditer(text):
            if match.start() > at:
                self.parts.append(text[at:match.start()])
            head, _dot, rest = match.group(1).partition(".")
            self.parts.append((head, rest, _reader(rest.split(".")) if rest else None))
            at = match.end()
        if at < len(text):
            self.parts.append(text[at:])

    def render(self, local, names, run):
        """``local``: the test's own values; ``names``: bound items {name: (item, evidence)}; ``run``: the
        subject's RunContext (org, context, facts and the facts' evidence)."""
        out = []
        for part in self.parts:
            if isinstance(part, str):
                out.append(part)
                continue
            head, rest, read = part
            if read is None:
                out.append(text_of(local.get(head)))
            elif head == "org":
                out.append(text_of(read(run.org)))
            elif head == "context":
                out.append(text_of(read(run.context)))
            else:
                node, evidence = (run.facts, run.evidence) if head == "facts" else names.get(head, (None, None))[:2]
                value = read(node)
                if evidence is not None and value is not None:
                    # What a sentence says is also kept as a machine-readable value.
                    evidence.setdefault(rest, value)
                out.append(text_of(value))
        return "".join(out)


def compile_reasons(spec):
    """{status or 'empty': Template} from a test's ``reasons`` mapping (None when it has none)."""
    reasons = spec.get("reasons") if isinstance(spec, dict) else None
    if not reasons:
        return None
    return {key: Template(text) for key, text in reasons.items()}
