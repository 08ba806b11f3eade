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
