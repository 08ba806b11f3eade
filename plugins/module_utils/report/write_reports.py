# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Validate the summary against its schema, then write every requested format atomically."""

from __future__ import annotations

import json
import os

from ansible_collections.hardening.signal.plugins.module_utils.report.atomic_write import write_text_atomic
from ansible_collections.hardening.signal.plugins.module_utils.report.render_html import render_html
from ansible_collections.hardening.signal.plugins.module_utils.report.render_markdown import render_markdown
from ansible_collections.hardening.signal.plugins.module_utils.schema_validation import problems

SUMMARY_SCHEMA = "fleet_summary.schema.json"
BASENAME = "fleet-summary"


def render_json(summary):
    # Compact: a 50,000-subject fleet stays small and fast to write; people read the .md/.html.
    return json.dumps(summary, separators=(",", ":"), ensure_ascii=False, sort_keys=False) + "\n"


RENDERERS = {
    "json": render_json,
    "md": render_markdown,
    "html": render_html,
}


class InvalidSummary(Exception):
    pass


def write_reports(summary, directory, formats=("json", "md", "html")):
    """{format: path}. Nothing is written unless the summary matches the schema."""
    found = problems(SUMMARY_SCHEMA, summary, limit=10)
    if found:
        raise InvalidSummary("the summary does not match %s (a bug in hardening.signal): %s" % (
            SUMMARY_SCHEMA, "; ".join("%s: %s" % (f or "(top)", m) for f, m in found)))
    written = {}
    for fmt in formats:
        path = os.path.join(directory, "%s.%s" % (BASENAME, fmt))
        write_text_atomic(path, RENDERERS[fmt](summary))
        written[fmt] = path
    return written
