# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Validate the summary against its schema, then write every requested format atomically."""

from __future__ import annotations

import json
import os
import time

from ansible_collections.hardening.signal.plugins.module_utils.report.atomic_write import write_chunks_atomic, write_text_atomic
from ansible_collections.hardening.signal.plugins.module_utils.report.render_csv import CSV_FILE, iter_csv, render_csv
from ansible_collections.hardening.signal.plugins.module_utils.report.render_html import render_html
from ansible_collections.hardening.signal.plugins.module_utils.report.render_junit import JUNIT_FILE, iter_junit, render_junit
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
    "junit": render_junit,
    "csv": render_csv,
}
# Formats written piece by piece; each gives the same text as its RENDERERS entry.
STREAMERS = {
    "json": iter_json,
    "junit": iter_junit,
    "csv": iter_csv,
}
# The file each format is written to, in the report folder (the format name is not always the extension).
FILENAMES = {
    "json": "%s.json" % BASENAME,
    "md": "%s.md" % BASENAME,
    "html": "%s.html" % BASENAME,
    "junit": JUNIT_FILE,
    "csv": CSV_FILE,
}


class InvalidSummary(Exception):
    pass


def write_reports(summary, directory, formats=("json", "md", "html"), timings=None):
    """{format: path}. Nothing is written unless the summary matches the schema.

    timings, when given, receives the seconds spent validating and writing each format.
    """
    timings = {} if timings is None else timings
    unknown = [fmt for fmt in formats if fmt not in RENDERERS]
    if unknown:
        raise ValueError("unknown report format(s) %s; known: %s" % (", ".join(map(repr, unknown)), ", ".join(sorted(RENDERERS))))
    started = time.monotonic()
    found = problems(SUMMARY_SCHEMA, summary, limit=10)
    timings["validate"] = round(time.monotonic() - started, 3)
    if found:
        raise InvalidSummary("the summary does not match %s (a bug in hardening.signal): %s" % (
            SUMMARY_SCHEMA, "; ".join("%s: %s" % (f or "(top)", m) for f, m in found)))
    written = {}
    for fmt in formats:
        path = os.path.join(directory, FILENAMES[fmt])
        started = time.monotonic()
        if fmt in STREAMERS:
            write_chunks_atomic(path, STREAMERS[fmt](summary))
        else:
            write_text_atomic(path, RENDERERS[fmt](summary))
        timings["write_" + fmt] = round(time.monotonic() - started, 3)
        written[fmt] = path
    return written
