# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Workspace ONE UEM: one device of the search, and its app list, -> one phone record (pure: no I/O).

Which apps Workspace ONE lists depends on the tenant's privacy settings
(by default: all apps on corporate devices, managed apps only on
employee-owned ones). Signal's absence is therefore only taken as "not
installed" when the list demonstrably holds the device's own apps, i.e. at
least one entry with IsManaged false; otherwise signal.visible is false and
the reason says why.

What the search does not carry, and is left null with a reason: the
passcode state (ComplianceStatus and CompromisedStatus are verdicts of
compliance policies and jailbreak/root detection, not passcode facts; the
per-device /security endpoint is not queried), the passcode policy's
maximum inactivity, lock-screen notification settings, Android's app
auto-update policy, where Signal was installed from, and the last boot.

Ownership: C (corporate-dedicated) and S (corporate-shared) are devices
the organisation owns, so corporate; E (employee-owned) is personal;
Undefined or anything else is unknown. owner.upn is UserName only when it
has the user@domain form (a bare account name would not match the owner of
other sources); owner.email is UserEmailAddress. LastSeen comes without a
zone and is read as UTC (raw_fields says so). Requests are sent with
Accept: application/json;version=1, the version whose shapes are read here.
"""

from __future__ import annotations

from ansible_collections.hardening.signal.plugins.module_utils.mdm.builder import RecordBuilder, describe
from ansible_collections.hardening.signal.plugins.module_utils.mdm.constants import (
    LOCAL_DATE_TIME_RE,
    SIGNAL_APP_IDS,
)
from ansible_collections.hardening.signal.plugins.module_utils.mdm.contract import NotAPhone, Pulled
from ansible_collections.hardening.signal.plugins.module_utils.mdm.paging import is_int

SIGNAL_IDS = SIGNAL_APP_IDS
PHONE_PLATFORMS = {"apple": "ios", "android": "android"}
# Platform values of the search that are not phones (skipped without a request for their apps).
NOT_PHONE_PLATFORMS = ("appleosx", "appletv", "winrt", "windowspc", "windowsphone", "windowsmobile", "windowsphone8",
                       "chromeos", "linux", "qnx", "blackberry", "blackberry10", "symbian", "athena", "webos",
                       "watchos", "visionos")
# DeviceApps[].Status comes as a word ("Installed") or, from real tenants, as a number: Omnissa's own sample scripts
# take 2 for installed. Any other number is reported as it is, with installed unknown.
INSTALLED_STATUS_NUMBER = 2
OWNERSHIP = {"c": "corporate", "s": "corporate", "e": "personal",
             "corporatededicated": "corporate", "corporateowned": "corporate", "corporateshared": "corporate",
             "employeeowned": "personal"}

DATE_TIME_RE = LOCAL_DATE_TIME_RE
NEVER = "0001-01-01T00:00:00"

PASSCODE_REASON = ("Workspace ONE's device search carries no passcode state (ComplianceStatus and CompromisedStatus are "
                   "compliance and jailbreak/root verdicts, not passcode facts)")
REASONS = {
    "screen_lock.passcode_present": PASSCODE_REASON,
    "screen_lock.passcode_compliant": PASSCODE_REASON,
    "screen_lock.max_inactivity_minutes": "Workspace ONE's device search does not carry the passcode profile's "
                                          "maximum inactivity",
    "lockscreen_notifications.hides_content": "Workspace ONE's device search does not carry lock-screen notification "
                                              "settings",
    "signal.install_source": "Workspace ONE's app list does not say where an app came from",
    "ios.last_boot": "Apple's MDM protocol has no last-boot or uptime value, so no MDM can report an iPhone's last boot",
    "android.last_boot": "Workspace ONE's device search does not carry the phone's boot time",
    "ios.app_auto_update_policy": "App Store automatic updates are a setting on the iPhone that Apple's MDM protocol "
                                  "does not report",
    "android.app_auto_update_policy": "Workspace ONE's device search does not carry the Google Play auto-update policy",
}


class _Record(RecordBuilder):
    """A normalized record under construction, with its evidence, unknowns and errors."""

    def __init__(self, number, platform, label):
        super(_Record, self).__init__(str(number), platform, "Devices[].Id.Value", "Devices[].Platform")
        self.number = number
        self.label = label

    def finish(self):
        data, errors = self.done()
        return Pulled(self.label, data, errors)

    def signal(self, visible, installed, vendor_field=None):
        self.put("signal.visible", visible, vendor_field)
        self.put("signal.installed", installed, None)


def _string(record, path, device, field):
    return record.put_string(path, device.get(field), "Devices[].%s" % field)


def start(device, where):
    """The record of one device of the search, still without its apps (add_apps, then finish()); NotAPhone for a
    desktop or an Apple TV; a Pulled without a record for a device that cannot be used."""
    label = "devices/search %s" % where
    if not isinstance(device, dict):
        return Pulled(label, None, [(None, "the device record is a JSON %s, not an object" % type(device).__name__)])
    id_object = device.get("Id")
    device_id = id_object.get("Value") if isinstance(id_object, dict) else None
    if not is_int(device_id) or device_id < 0:
        return Pulled(label, None, [("Id.Value", "missing or not a whole number (%s)" % describe(device_id))])
    label = "devices Id %d" % device_id
    platform_value = device.get("Platform")
    if not isinstance(platform_value, str) or not platform_value:
        return Pulled(label, None, [("Platform", "missing or not a string (%s): cannot tell whether this is a phone"
                                                 % describe(platform_value))])
    key = platform_value.strip().lower()
    if key in NOT_PHONE_PLATFORMS:
        return NotAPhone(label, "not a phone (Platform %s)" % platform_value)
    if key not in PHONE_PLATFORMS:
        return Pulled(label, None, [("Platform", "%r is not a platform this source knows (expected Apple or Android)"
                                                 % platform_value)])
    platform = PHONE_PLATFORMS[key]
    record = _Record(device_id, platform, label)
    _string(record, "name", device, "DeviceFriendlyName")
    _string(record, "os_version", device, "OperatingSystem")
    _string(record, "serial", device, "SerialNumber")
    _string(record, "model", device, "Model")
    _owner(record, device)
    _ownership(record, device)
    if platform == "ios":  # supervision is an Apple notion
        record.put_bool("supervised", device.get("IsSupervised"), "Devices[].IsSupervised")
    _last_seen(record, device)
    record.put("screen_lock", {}, None)
    for path in ("screen_lock.passcode_present", "screen_lock.passcode_compliant", "screen_lock.max_inactivity_minutes",
                 "lockscreen_notifications.hides_content"):
        record.unknown(path, REASONS[path])
    record.unknown("last_boot", REASONS["%s.last_boot" % platform])
    record.unknown("app_auto_update_policy", REASONS["%s.app_auto_update_policy" % platform])
    return record


def normalize(device, where, apps):
    """A Pulled (or NotAPhone) for one device of the search and the outcome of reading its app list (see add_apps)."""
    started = start(device, where)
    if not isinstance(started, _Record):
        return started
    add_apps(started, apps)
    return started.finish()


def _owner(record, device):
    owner = {}
    upn = record.put_upn(device.get("UserName"), "Devices[].UserName")
    if upn is not None:
        owner["upn"] = upn
    email = _string(record, "owner.email", device, "UserEmailAddress")
    if email is not None:
        owner["email"] = email
    if not owner:
        record.data["owner"] = None
        record.unknown_reasons["owner"] = "no user is assigned to this device in Workspace ONE"


def _ownership(record, device):
    value = device.get("Ownership")
    vendor = "Devices[].Ownership"
    if value is None or value == "":
        record.put("ownership", "unknown", None)
        record.unknown_reasons["ownership"] = "Workspace ONE did not report Ownership for this device"
    elif not isinstance(value, str):
        record.bad("ownership", vendor, "expected a string, got %s" % describe(value))
    elif value.strip().lower().replace("-", "").replace(" ", "") in OWNERSHIP:
        record.put("ownership", OWNERSHIP[value.strip().lower().replace("-", "").replace(" ", "")], vendor)
    else:
        record.put("ownership", "unknown", vendor)
        record.unknown_reasons["ownership"] = "Workspace ONE reports Ownership %r (not corporate or employee-owned)" % value


def _last_seen(record, device):
    value = device.get("LastSeen")
    vendor = "Devices[].LastSeen"
    if value is None or value == "":
        return
    match = DATE_TIME_RE.match(value) if isinstance(value, str) else None
    if match is None:
        record.bad("last_checkin", vendor, "expected an ISO 8601 date-time, got %s" % describe(value))
        return
    if match.group(1).startswith(NEVER):
        return  # Workspace ONE's way of saying never
    if match.group(3):
        record.put("last_checkin", value, vendor)
    else:
        record.put("last_checkin", value + "Z", vendor + " (no zone in the answer; Workspace ONE reports UTC)")


def add_apps(record, outcome):
    """Signal's facts from the outcome of reading the device's app list: ('ok', DeviceApps), ('none', reason) or
    ('bad', message)."""
    kind, value = outcome
    if kind == "none":
        record.signal(False, None, "DeviceApps")
        record.unknown_reasons["signal.visible"] = value
        return
    if kind == "bad":
        record.signal(None, None)
        record.error("signal.installed", value)
        return
    signal_id = SIGNAL_IDS[record.data["platform"]]
    evidence = "DeviceApps[ApplicationIdentifier=%s]" % signal_id
    found, unmanaged, malformed = None, False, 0
    for app in value:
        if not isinstance(app, dict) or not isinstance(app.get("ApplicationIdentifier"), str):
            malformed += 1
            continue
        if app.get("IsManaged") is False:
            unmanaged = True
        if app["ApplicationIdentifier"] == signal_id and found is None:
            found = app
    if found is not None:
        status = found.get("Status")
        installed_word = isinstance(status, str) and status.strip().lower() == "installed"
        if status is None or status == INSTALLED_STATUS_NUMBER or installed_word:
            record.signal(True, True, "DeviceApps")
            record.raw_fields["signal.installed"] = evidence + (".Status" if status is not None else "")
            _signal_version(record, found, evidence)
            record.put("signal.install_source", "unknown", None)
            record.unknown_reasons["signal.install_source"] = REASONS["signal.install_source"]
        elif is_int(status):
            record.signal(True, None, "DeviceApps")
            record.reason("signal.installed", "Workspace ONE lists Signal with the status %d, not %d (Installed)"
                          % (status, INSTALLED_STATUS_NUMBER))
            record.raw_fields["signal.installed"] = evidence + ".Status"
        elif not isinstance(status, str):
            record.signal(True, None, "DeviceApps")
            record.bad("signal.installed", evidence + ".Status", "expected a string or a number, got %s"
                       % describe(status))
        else:
            record.signal(True, None, "DeviceApps")
            record.unknown_reasons["signal.installed"] = ("Workspace ONE lists Signal with the status %r, not Installed"
                                                          % status)
        return
    if malformed:
        record.signal(None, None)
        record.bad("signal.installed", "DeviceApps", "%d entr%s without a string ApplicationIdentifier, so Signal's "
                                                     "absence cannot be told"
                                                     % (malformed, "y" if malformed == 1 else "ies"))
        return
    if unmanaged:
        record.signal(True, False, "DeviceApps[].IsManaged (apps the user installed are listed)")
        record.raw_fields["signal.installed"] = evidence
        return
    record.signal(False, None, "DeviceApps[].IsManaged")
    record.unknown_reasons["signal.visible"] = (
        "Workspace ONE listed only apps it manages for this device (privacy settings; by default employee-owned "
        "devices report managed apps only), so a Signal the user installed would not be listed")


def _signal_version(record, app, evidence):
    value = app.get("Version")
    if value is None or value == "":
        record.put("signal.version", None, None)
        record.unknown_reasons["signal.version"] = "Workspace ONE listed Signal without a version"
    else:
        record.put_version("signal.version", value, evidence + ".Version")
