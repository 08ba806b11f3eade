# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every MDM client needs to agree on: Signal's app ids and the shapes of the values it normalizes."""

from __future__ import annotations

import re

# Signal's bundle id on iOS and its package name on Android, as the app stores and MDMs list them.
SIGNAL_IOS_BUNDLE_ID = "org.whispersystems.signal"
SIGNAL_ANDROID_PACKAGE = "org.thoughtcrime.securesms"
SIGNAL_APP_IDS = {"ios": SIGNAL_IOS_BUNDLE_ID, "android": SIGNAL_ANDROID_PACKAGE}

# A dotted version number as schemas/mobile_device.schema.json accepts it (7.85, 7.80.2, 7.85.0.11).
VERSION_RE = re.compile(r"^[0-9]+(\.[0-9]+){0,3}$")
# An ISO 8601 / RFC 3339 date and time with a zone; Google sends up to nine fractional digits.
DATE_TIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$")
# The same, with the zone optional (Workspace ONE leaves it out): group 1 is the date and time, group 3 the zone.
LOCAL_DATE_TIME_RE = re.compile(r"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?)(Z|[+-]\d{2}:\d{2})?$")
