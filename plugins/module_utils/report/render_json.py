# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Render a fleet summary as its JSON file: the exact data, every string as it was received."""

from __future__ import annotations

import json

JSON_FILE = 'fleet-summary.json'
SUBJECTS_PER_CHUNK = 500


def render_json(summary):
    # Compact: a 50,000-subject fleet stays small and fast to write; people read the .md/.html.
    return json.dumps(summary, separators=(",", ":"), ensure_ascii=False, sort_keys=False) + "\n"


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
