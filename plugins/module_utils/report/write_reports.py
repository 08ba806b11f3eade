# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Validate the summary against its schema, then write every requested format atomically."""

from __future__ import annotations

import json
import os
import time

from ansible_collections.hardening.signal.plugins.module_utils.report.atomic_write import write_chunks_atomic, write_text_atomic
from ansible_collections.hardening.signal.plugins.module_utils.report.render_html import render_html
from ansible_collections.hardening.signal.plugins.module_utils.report.render_markdown import render_markdown
from ansible_collections.hardening.signal.plugins.module_utils.schema_validation import problems

SUMMARY_SCHEMA = "fleet_summary.schema.json"
BASENAME = "fleet-summary"


def render_json(summary):
    # Compact: a 50,000-subject fleet stays small and fast to write; people read the .md/.html.
    return json.dumps(summary, separators=(",", ":"), ensure_ascii=False, sort_keys=False) + "\n"


SUBJECTS_PER_CHUNK = 500


def iter_json(summary):
    """render_json(summary), the same text, in pieces of at most SUBJECTS_PER_CHUNK subjects.

    A 50,000-subject summary is about 200 MB of JSON: made in one piece it
    would be held in memory, next to the summary, once as text and once
    more while it is encoded for writing.
    """
    if not isinstance(summary, dict) or not all(isinstance(key, str) for key in summary):
        yield render_json(summary)  # json.dumps' own rules for other keys
        return
    encode = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, sort_keys=False).encode
    yield "{"
    for index, (key, value) in enumerate(summary.items()):
        yield ("," if index else "") + encode(key) + ":"
        if key == "subjects" and isinstance(value, list) and value:
            for start in range(0, len(value), SUBJECTS_PER_CHUNK):
                part = encode(value[start:start + SUBJECTS_PER_CHUNK])
                yield ("[" if start == 0 else ",") + part[1:-1]
            yield "]"
        else:
            yield encode(value)
    yield "}\n"


RENDERERS = {
    "json": render_json,
    "md": render_markdown,
    "html": render_html,
}
# Formats written piece by piece; each gives the same text as its RENDERERS entry.
STREAMERS = {
    "json": iter_json,
}


class InvalidSummary(Exception):
    pass


def write_reports(summary, directory, formats=("json", "md", "html"), timings=None):
    """{format: path}. Nothing is written unless the summary matches the schema.

    timings, when given, receives the seconds spent validating and writing each format.
    """
    timings = {} if timings is None else timings
    started = time.monotonic()
    found = problems(SUMMARY_SCHEMA, summary, limit=10)
    timings["validate"] = round(time.monotonic() - started, 3)
    if found:
        raise InvalidSummary("the summary does not match %s (a bug in hardening.signal): %s" % (
            SUMMARY_SCHEMA, "; ".join("%s: %s" % (f or "(top)", m) for f, m in found)))
    written = {}
    for fmt in formats:
        path = os.path.join(directory, "%s.%s" % (BASENAME, fmt))
        started = time.monotonic()
        if fmt in STREAMERS:
            write_chunks_atomic(path, STREAMERS[fmt](summary))
        else:
            write_text_atomic(path, RENDERERS[fmt](summary))
        timings["write_" + fmt] = round(time.monotonic() - started, 3)
        written[fmt] = path
    return written
