# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Make characters that hide or reorder text visible, for every report a person reads.

A device name, an owner or a reason comes from a host or an MDM, which anyone may have named. Bidirectional
controls (U+202E turns 'gpj.exe' into what reads as 'exe.jpg'), zero-width characters (two names that look
the same but are not) and control characters (NUL, escape sequences that recolour a terminal) would mislead
whoever reads the Markdown, HTML, CSV, JUnit or console output. visible() shows each as ⟨U+202E⟩ instead,
so the reader sees that it is there and which it is. The JSON summary keeps the exact string.

Tab, line feed and carriage return are left to each renderer (a table cell turns them into spaces). A lone
surrogate (text no UTF-8 file can hold) is shown the same way.
"""

from __future__ import annotations

import re

_HIDDEN = re.compile(
    '['
    '\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f'   # C0 controls but tab, LF, CR; DEL; C1 controls
    '\u061c\u200b-\u200f\u202a-\u202e'      # Arabic letter mark; zero-width space, joiners, LRM, RLM; embeddings, overrides
    '\u2028\u2029'                          # line and paragraph separators
    '\u2060-\u2064\u2066-\u206f'            # word joiner, invisible operators; isolates; deprecated format controls
    '\ufeff'                                # zero-width no-break space (byte-order mark)
    '\ud800-\udfff'                         # lone surrogates
    ']')


def _show(match):
    return '\u27e8U+%04X\u27e9' % ord(match.group(0))


def visible(text):
    """text with every hiding, reordering or control character written as ⟨U+XXXX⟩ (a str; None gives '')."""
    if text is None:
        return ''
    if not isinstance(text, str):
        text = str(text)
    if _HIDDEN.search(text) is None:
        return text
    return _HIDDEN.sub(_show, text)
