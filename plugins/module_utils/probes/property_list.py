# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""macOS property list files (XML or binary) that hold a dictionary, read with plistlib."""
from __future__ import annotations

import plistlib

from ansible_collections.hardening.signal.plugins.module_utils.probes import fs

# Info.plist and managed preferences are small; a larger file is not one of them.
MAX_BYTES = 4 * 1024 * 1024


def read_dict(root, path):
    """Return (dict or None, error); a missing file is an error here."""
    data, err = fs.read_bytes(root, path, max_bytes=MAX_BYTES)
    if data is None:
        return None, err
    try:
        value = plistlib.loads(data)
    except Exception as exc:  # plistlib raises several types on bad input
        return None, "%s: not a readable property list (%s)" % (path, exc.__class__.__name__)
    if not isinstance(value, dict):
        return None, "%s: not a dictionary property list" % path
    return value, None
