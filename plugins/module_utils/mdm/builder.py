# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A normalized phone record under construction, the one way every vendor client builds its records.

A phone record (schemas/mobile_device.schema.json) is an observations document (plugins/module_utils/observations.py,
whose rules for values, unknown reasons and errors every document follows): each value is kept with the vendor
field it came from (raw_fields), a value the source cannot show with the reason (unknown_reasons), and a vendor
value that was malformed with the message (errors). A problem in data many devices share (an Intune profile, a
detectedApps entry) is an error with shared=True: kept on each affected record, not listed once per device.
"""

from __future__ import annotations

from ansible_collections.hardening.signal.plugins.module_utils.mdm.constants import VERSION_RE
from ansible_collections.hardening.signal.plugins.module_utils.observations import Observations


def describe(value):
    """A vendor value for an error message: its type and a short repr."""
    text = repr(value)
    return "%s %s" % (type(value).__name__, text if len(text) <= 60 else text[:57] + "...")


def vendor_message(field, message):
    """The wording every client uses for a malformed vendor field."""
    return "vendor field %s: %s" % (field, message)


class RecordBuilder(Observations):
    """One phone record being filled in; done() hands it over with the problems to list."""

    __slots__ = ()

    def __init__(self, device_id, platform, id_field, platform_field=None):
        raw = {"id": id_field}
        if platform_field:
            raw["platform"] = platform_field
        Observations.__init__(self, {"id": device_id, "platform": platform, "raw_fields": raw, "unknown_reasons": {},
                                     "errors": {}})

    def vendor_error(self, field, message):
        """A malformed vendor field that feeds no single normalized value (or only part of one)."""
        self.error(field, message)

    def bad(self, path, vendor_field, message):
        """The vendor field feeding path was malformed: the error, in the wording every client uses."""
        self.error(path, vendor_message(vendor_field, message))

    def put_string(self, path, value, vendor_field):
        """A non-empty string into path, returned; absent or empty stays out (None), another type is an error."""
        if value == "":
            return None
        return self._put_typed(path, value, vendor_field, str, "a string")

    def put_bool(self, path, value, vendor_field):
        """true or false into path, returned; absent stays out (None), another type is an error."""
        return self._put_typed(path, value, vendor_field, bool, "true or false")

    def put_upn(self, value, vendor_field):
        """owner.upn, returned, only when value has the user@domain form: a bare account name is no user principal
        name, and would not match the owner of other sources (it stays out, as an absent value does)."""
        if isinstance(value, str) and "@" not in value:
            return None
        return self.put_string("owner.upn", value, vendor_field)

    def _put_typed(self, path, value, vendor_field, kind, expected):
        if value is None:
            return None
        if not isinstance(value, kind):
            self.bad(path, vendor_field, "expected %s, got %s" % (expected, describe(value)))
            return None
        self.put(path, value, vendor_field)
        return value

    def put_version(self, path, value, vendor_field):
        """A dotted version number (a present value: the caller says what its absence means) into path, without
        the white space around it; a value of another type or shape is an error."""
        if not isinstance(value, str):
            self.bad(path, vendor_field, "expected a string, got %s" % describe(value))
        elif not VERSION_RE.match(value.strip()):
            self.bad(path, vendor_field, "%r is not a dotted version number" % value)
        else:
            self.put(path, value.strip(), vendor_field)
