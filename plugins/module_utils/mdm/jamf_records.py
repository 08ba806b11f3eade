# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Jamf Pro: one mobile-devices/detail result -> one phone record (pure: no I/O).

What the inventory cannot show, and is left null with a reason:

* where Signal was installed from (the APPLICATIONS section has identifier,
  name, version, shortVersion, managementStatus: no App Store, TestFlight,
  ad hoc or marketplace flag);
* the passcode policy's maximum inactivity and the lock-screen notification
  setting (configuration profiles are listed by name, not by payload);
* the last boot (Apple's MDM protocol has no such value).

Apple TV, Apple Watch and Vision Pro records (deviceType tvOS, watchOS,
visionOS) are skipped. Jamf Pro no longer manages Android devices, so every
phone here is platform ios (iPhone and iPad alike).

On User Enrollment (BYOD) devices Apple lets the MDM see managed apps only,
so a Signal installed by the user is invisible there: signal.visible is
false unless Signal is listed.

Mapping: ownership from general.deviceOwnershipType (Institutional:
corporate; UserEnrollment, AccountDrivenUserEnrollment and the older
PersonalDeviceProfile: personal; AccountDrivenDeviceEnrollment: unknown, as
it serves both). The passcode values are Apple's, as reported:
screen_lock.passcode_present from security.passcodePresent,
passcode_compliant from passcodeCompliant (the passcode meets every
requirement on the device) and passcode_compliant_with_profiles from
passcodeCompliantWithProfile (it meets those of the configuration
profiles); control sh-3.7-mobile-passcode asks both to be true. Signal's
version is shortVersion (CFBundleShortVersionString), or version when that
is missing. owner.upn is userAndLocation.username only when it has the
user@domain form; a bare account name would not match the owner of other
sources.
"""

from __future__ import annotations

from ansible_collections.hardening.signal.plugins.module_utils.mdm.builder import RecordBuilder, describe
from ansible_collections.hardening.signal.plugins.module_utils.mdm.constants import (
    DATE_TIME_RE,
    SIGNAL_IOS_BUNDLE_ID,
)
from ansible_collections.hardening.signal.plugins.module_utils.mdm.contract import NotAPhone, Pulled
from ansible_collections.hardening.signal.plugins.module_utils.mdm.paging import is_int

SIGNAL_BUNDLE_ID = SIGNAL_IOS_BUNDLE_ID

# deviceType values of the v2 inventory: iOS covers iPhone, iPad and iPod touch; the others are not phones.
PHONE_TYPES = ("ios",)
NOT_PHONE_TYPES = ("tvos", "appletv", "watchos", "watch", "visionos")

# general.deviceOwnershipType (Jamf Pro 11): how the device was enrolled, which says who owns it.
OWNERSHIP = {
    "institutional": "corporate",
    "userenrollment": "personal",
    "accountdrivenuserenrollment": "personal",
    "personaldeviceprofile": "personal",  # removed in Jamf Pro 11.25, still seen on older servers
}
# Account-driven Device Enrollment gives the MDM the whole device but says nothing about who bought it.
UNCLEAR_OWNERSHIP = {
    "accountdrivendeviceenrollment": "Account-driven Device Enrollment is used for organisation-owned and personal "
                                     "devices alike; Jamf does not record which",
}
# Enrollment types under which Apple shows the MDM managed apps only.
MANAGED_APPS_ONLY = ("userenrollment", "accountdrivenuserenrollment", "personaldeviceprofile")

REASONS = {
    "signal.install_source": "Jamf Pro's inventory does not say where an app came from (App Store, TestFlight, ad hoc "
                             "or alternative marketplace)",
    "screen_lock.max_inactivity_minutes": "Jamf Pro's inventory lists the configuration profiles on the device, not "
                                          "the passcode payload's maxInactivity",
    "lockscreen_notifications.hides_content": "Jamf Pro's inventory does not expand the notification settings "
                                              "payload of the profiles on the device",
    "last_boot": "Apple's MDM protocol has no last-boot or uptime value, so no MDM can report an iPhone's last boot",
    "app_auto_update_policy": "App Store automatic updates are a setting on the iPhone that Apple's MDM protocol "
                              "does not report",
}

# Apple's two compliance flags as Jamf Pro reports them, each kept as it is.
_COMPLIANCE = (("screen_lock.passcode_compliant", "passcodeCompliant"),
               ("screen_lock.passcode_compliant_with_profiles", "passcodeCompliantWithProfile"))
_COMPLIANCE_PATHS = tuple(path for path, _field in _COMPLIANCE)


class _Record(RecordBuilder):
    """A normalized record under construction, with its evidence, unknowns and errors."""

    def __init__(self, device_id):
        super(_Record, self).__init__(device_id, "ios", "mobileDeviceId", "deviceType")
        self.bad_sections = set()  # sections of the wrong type: their fields are errors, not unknowns


def _section(device, key, record, paths):
    """device[key] when it is an object; None when absent; an error on each path when it has the wrong type."""
    value = device.get(key)
    if value is None or isinstance(value, dict):
        return value
    record.bad_sections.add(key)
    for path in paths:
        record.bad(path, key, "expected an object, got %s" % describe(value))
    return None


def _string(record, path, section, section_name, field):
    """A non-empty string from section[field] into path; absent or empty stays out, a wrong type is an error."""
    if section is None:
        return None
    return record.put_string(path, section.get(field), "%s.%s" % (section_name, field))


def _bool(record, path, section, section_name, field):
    if section is None:
        return None
    return record.put_bool(path, section.get(field), "%s.%s" % (section_name, field))


def normalize(device, where):
    """A Pulled for one result of mobile-devices/detail (where: its place in the walk), or NotAPhone."""
    if not isinstance(device, dict):
        return Pulled(where, None, [(None, "the device record is a JSON %s, not an object" % type(device).__name__)])
    device_id = device.get("mobileDeviceId")
    if is_int(device_id):
        device_id = str(device_id)
    if not isinstance(device_id, str) or not device_id:
        return Pulled(where, None, [("mobileDeviceId", "missing or not a string (%s)" % describe(device_id))])
    label = "mobile-devices mobileDeviceId %s" % device_id
    device_type = device.get("deviceType")
    if not isinstance(device_type, str) or not device_type:
        return Pulled(label, None, [("deviceType", "missing or not a string (%s): cannot tell whether this is an "
                                                   "iPhone or iPad" % describe(device_type))])
    kind = device_type.strip().lower()
    if kind in NOT_PHONE_TYPES:
        return NotAPhone(label, "not a phone (deviceType %s)" % device_type)
    if kind not in PHONE_TYPES:
        return Pulled(label, None, [("deviceType", "%r is not a device type this source knows (expected iOS; tvOS, "
                                                   "watchOS and visionOS are skipped)" % device_type)])

    record = _Record(device_id)
    general = _section(device, "general", record, ("name", "os_version", "supervised", "ownership", "last_checkin"))
    hardware = _section(device, "hardware", record, ("serial", "model"))
    user = _section(device, "userAndLocation", record, ("owner",))
    security = _section(device, "security", record, ("screen_lock.passcode_present",) + _COMPLIANCE_PATHS)

    _string(record, "name", general, "general", "displayName")
    _string(record, "os_version", general, "general", "osVersion")
    _string(record, "serial", hardware, "hardware", "serialNumber")
    _string(record, "model", hardware, "hardware", "model")
    _bool(record, "supervised", general, "general", "supervised")
    _last_checkin(record, general)
    enrollment = _ownership(record, general)
    _owner(record, user)
    _signal(record, device, enrollment)
    _screen_lock(record, security)
    for path in ("lockscreen_notifications.hides_content", "last_boot", "app_auto_update_policy"):
        record.unknown(path, REASONS[path])
    data, errors = record.done()
    return Pulled(label, data, errors)


def _last_checkin(record, general):
    if general is None:
        return
    value = general.get("lastInventoryUpdateDate")
    if value is None or value == "":
        return
    if not isinstance(value, str) or not DATE_TIME_RE.match(value):
        record.bad("last_checkin", "general.lastInventoryUpdateDate", "expected an ISO 8601 date-time with a zone, "
                                                                      "got %s" % describe(value))
        return
    record.put("last_checkin", value, "general.lastInventoryUpdateDate")


def _ownership(record, general):
    """Sets ownership; returns the enrollment type in lower case ('' when unknown)."""
    if "general" in record.bad_sections:
        return ""
    value = general.get("deviceOwnershipType") if general is not None else None
    vendor = "general.deviceOwnershipType"
    if value is None or value == "":
        record.put("ownership", "unknown", None)
        record.unknown_reasons["ownership"] = "Jamf Pro did not report deviceOwnershipType for this device"
        return ""
    if not isinstance(value, str):
        record.bad("ownership", vendor, "expected a string, got %s" % describe(value))
        return ""
    key = value.strip().lower()
    if key in OWNERSHIP:
        record.put("ownership", OWNERSHIP[key], vendor)
    elif key in UNCLEAR_OWNERSHIP:
        record.put("ownership", "unknown", vendor)
        record.unknown_reasons["ownership"] = UNCLEAR_OWNERSHIP[key]
    else:
        record.put("ownership", "unknown", vendor)
        record.unknown_reasons["ownership"] = "deviceOwnershipType %r is not one this source knows" % value
    return key


def _owner(record, user):
    if "userAndLocation" in record.bad_sections:
        return
    if user is None:
        record.unknown("owner", "Jamf Pro returned no userAndLocation section for this device")
        return
    owner = {}
    upn = record.put_upn(user.get("username"), "userAndLocation.username")
    if upn is not None:
        owner["upn"] = upn
    for path, field in (("owner.name", "realName"), ("owner.email", "emailAddress")):
        value = _string(record, path, user, "userAndLocation", field)
        if value is not None:
            owner[path.split(".")[1]] = value
    if not owner:
        record.data["owner"] = None
        record.unknown_reasons["owner"] = "no user is assigned to this device in Jamf Pro"


def _signal(record, device, enrollment):
    managed_only = enrollment in MANAGED_APPS_ONLY
    if "applications" not in device or device.get("applications") is None:
        record.put("signal", {"visible": None, "installed": None}, None)
        record.unknown_reasons["signal.installed"] = "Jamf Pro returned no APPLICATIONS section for this device"
        return
    apps = device["applications"]
    if not isinstance(apps, list):
        record.put("signal", {"visible": None}, None)
        record.bad("signal.installed", "applications", "expected a list, got %s" % describe(apps))
        return
    found, malformed = None, 0
    for app in apps:
        if not isinstance(app, dict) or not isinstance(app.get("identifier"), str):
            malformed += 1
            continue
        if app["identifier"] == SIGNAL_BUNDLE_ID:
            found = app
            break
    evidence = "applications[identifier=%s]" % SIGNAL_BUNDLE_ID
    if found is not None:
        record.put("signal.visible", True, "applications")
        status = found.get("managementStatus")
        if isinstance(status, str) and status.strip():
            # Managed: Jamf installed it (App Store / Volume Purchase assignment); Unmanaged: the user did.
            evidence += " (managementStatus %s)" % status.strip()
        record.put("signal.installed", True, evidence)
        _signal_version(record, found)
        record.put("signal.install_source", "unknown", None)
        record.unknown_reasons["signal.install_source"] = REASONS["signal.install_source"]
        return
    if managed_only:
        record.put("signal.visible", False, "general.deviceOwnershipType")
        record.put("signal.installed", None, None)
        record.unknown_reasons["signal.visible"] = ("a User Enrollment (BYOD) device: Apple shows the MDM managed apps "
                                                    "only, so a Signal the user installed would not be listed")
        return
    if malformed:
        record.put("signal.visible", True, "applications")
        record.put("signal.installed", None, None)
        record.bad("signal.installed", "applications", "%d entr%s without a string identifier, so Signal's absence "
                                                       "cannot be told" % (malformed, "y" if malformed == 1 else "ies"))
        return
    record.put("signal.visible", True, "applications")
    record.put("signal.installed", False, evidence)


def _signal_version(record, app):
    for field in ("shortVersion", "version"):
        value = app.get(field)
        if value is None or value == "":
            continue
        record.put_version("signal.version", value, "applications[identifier=%s].%s" % (SIGNAL_BUNDLE_ID, field))
        return
    record.put("signal.version", None, None)
    record.unknown_reasons["signal.version"] = "Jamf Pro listed Signal without a version"


def _screen_lock(record, security):
    if "security" in record.bad_sections:
        pass
    elif security is None:
        record.put("screen_lock", {"passcode_present": None}, None)
        record.unknown_reasons["screen_lock.passcode_present"] = "Jamf Pro returned no SECURITY section for this device"
        for path in _COMPLIANCE_PATHS:
            record.unknown(path, "Jamf Pro returned no SECURITY section for this device")
    else:
        _bool(record, "screen_lock.passcode_present", security, "security", "passcodePresent")
        for path, field in _COMPLIANCE:
            # Always placed (a value, or null with the reason): the control tells Jamf's two flags from an
            # export file's one compliance column by whether the second is reported.
            if _bool(record, path, security, "security", field) is None and path not in record.errors:
                record.unknown(path, "Jamf Pro did not report security.%s for this device" % field)
    record.unknown("screen_lock.max_inactivity_minutes", REASONS["screen_lock.max_inactivity_minutes"])
