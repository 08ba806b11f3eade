# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A normalized phone record under construction: its values, the vendor field each came from, why a value is
unknown, and which vendor fields were malformed (Jamf Pro and Workspace ONE build theirs with it)."""

from __future__ import annotations


def describe(value):
    """A vendor value for an error message: its type and a short repr."""
    text = repr(value)
    return "%s %s" % (type(value).__name__, text if len(text) <= 60 else text[:57] + "...")


class RecordBuilder(object):
    def __init__(self, data, raw_fields):
        self.data = data
        self.raw_fields = raw_fields
        self.unknown_reasons = {}
        self.errors = {}

    def put(self, path, value, vendor_field):
        node = self.data
        keys = path.split(".")
        for key in keys[:-1]:
            node = node.setdefault(key, {})
        node[keys[-1]] = value
        if vendor_field:
            self.raw_fields[path] = vendor_field

    def unknown(self, path, reason):
        self.put(path, None, None)
        self.unknown_reasons[path] = reason

    def error(self, path, vendor_field, message):
        self.errors[path] = "vendor field %s: %s" % (vendor_field, message)

    def done(self):
        """(record, [(field, message)] of the malformed vendor fields)."""
        self.data["unknown_reasons"] = self.unknown_reasons
        self.data["raw_fields"] = self.raw_fields
        self.data["errors"] = self.errors
        return self.data, sorted(self.errors.items())
