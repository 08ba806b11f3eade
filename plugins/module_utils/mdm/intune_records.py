# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Microsoft Intune: one managedDevices item, with the Signal inventory and the profiles, -> one phone record.

Pure: no I/O. Which profile applies to which device, kept simple and honest: Graph has
no bulk "profiles applied to each device" listing (only one request per
device), and group membership is not read. So a profile is known to apply
to a device only when it is assigned to All devices, or to All users and
the device has a primary user, with no exclusion group and no assignment
filter. A profile assigned any other way (groups, exclusions, filters)
might apply: when such a profile sets the value in question to something
else than the profiles known to apply, the value is null and the reason
names the profile. Profiles known to apply that disagree are a conflict
(Intune does not apply conflicting settings): null with the reason. A value
no applicable profile sets is null too (settings catalog and custom
profiles are not read, so "not set here" does not mean "not enforced").
A malformed profile value goes to record errors under the normalized path.

* screen_lock.max_inactivity_minutes. iOS: iosGeneralDeviceConfiguration
  with passcodeRequired true, passcodeMinutesOfInactivityBeforeScreenTimeout
  (the auto-lock, Apple's maxInactivity). passcodeMinutesOfInactivityBeforeLock
  is Apple's grace period ("minutes of inactivity before a passcode is
  required" after the lock): when it is above 0 it is added, because the
  phone can be reopened without the passcode until then. 0 minutes is
  ambiguous in Intune ("Immediately" or no limit) and gives null with a
  reason. Android: androidDeviceOwnerGeneralDeviceConfiguration
  passwordMinutesOfInactivityBeforeScreenTimeout, on corporate devices only.
* lockscreen_notifications. iOS: iosDeviceFeaturesConfiguration
  notificationSettings[] for bundleID org.whispersystems.signal, which iOS
  applies on supervised devices only: hides_content is true when Signal's
  notifications are off, not shown on the lock screen (showOnLockScreen
  false) or previews are hidden when locked (beta previewVisibility
  hideWhenLocked/neverShow); false when the entry lets them show.
  iosGeneralDeviceConfiguration.lockScreenBlockNotificationView is not used:
  it only hides the notification history on the lock screen, new
  notifications still appear with their content. Android: the device owner
  profile's passwordBlockKeyguardFeatures (notifications,
  unredactedNotifications or allFeatures hide content; a list without them
  lets content show).
* app_auto_update_policy: Android device owner appsAutoUpdatePolicy
  (userChoice, never, wiFiOnly, always -> user_choice, never, wifi_only,
  always) on corporate devices; iOS has no such policy (null with reason).

Android device owner profiles apply to corporate Android Enterprise
devices (fully managed, dedicated, corporate work profile), so they are
attributed to Android devices Intune marks as company-owned only; legacy
device administrator enrolments, also possible on company devices, are not
told apart by Graph v1.0. Personal Android devices (work profile) use
another profile type that is not read.

Never reported here: screen_lock.passcode_present and passcode_compliant
(Graph v1.0 managedDevices has no passcode field; complianceState covers a
whole compliance policy, isEncrypted is storage encryption, neither is a
passcode), last_boot (Apple's MDM protocol has no boot time; Intune has no
Android boot event in v1.0).

Device fields: id, deviceName, operatingSystem, osVersion, model,
serialNumber, userPrincipalName, userDisplayName, emailAddress,
managedDeviceOwnerType (company|personal|unknown), isSupervised,
lastSyncDateTime. A field of the wrong type is left out and named in errors
(the record and the yielded list); a device without a usable id or
operating system is yielded as None with its errors. Problems in data
shared by many devices (a malformed detectedApps version, a malformed
profile value) go to each affected record's errors only, not to the
yielded list, so one bad profile is not repeated once per device there.
"""

from __future__ import annotations

from ansible_collections.hardening.signal.plugins.module_utils.mdm.builder import RecordBuilder
from ansible_collections.hardening.signal.plugins.module_utils.mdm.constants import (
    DATE_TIME_RE,
    SIGNAL_IOS_BUNDLE_ID,
    VERSION_RE,
)
from ansible_collections.hardening.signal.plugins.module_utils.mdm.contract import NotAPhone, Pulled

SIGNAL_DISPLAY_NAMES = ("Signal", "Signal - Private Messenger")
# detectedApp.publisher of Signal's apps ("Signal Messenger, LLC"): an app of another publisher called Signal is not it.
SIGNAL_PUBLISHER = "signal messenger"
SIGNAL_IOS_BUNDLE = SIGNAL_IOS_BUNDLE_ID
_VERSION = VERSION_RE
_DATE_TIME = DATE_TIME_RE
_NEVER = "0001-01-01T00:00:00Z"

# detectedApp.platform values of computers (Signal Desktop); ios, android* and unknown/absent are kept.
APP_PLATFORMS_OTHER = ("windows", "windowsmobile", "windowsholographic", "macos", "chromeos")
_OWNERSHIP = {"company": "corporate", "personal": "personal", "unknown": "unknown"}
_AUTO_UPDATE = {"userChoice": "user_choice", "never": "never", "wiFiOnly": "wifi_only", "always": "always"}
_KEYGUARD_HIDES = ("notifications", "unredactednotifications", "allfeatures")

_IOS_GENERAL = "#microsoft.graph.iosGeneralDeviceConfiguration"
_IOS_FEATURES = "#microsoft.graph.iosDeviceFeaturesConfiguration"
_ANDROID_OWNER = "#microsoft.graph.androidDeviceOwnerGeneralDeviceConfiguration"
PROFILE_TYPES = (_IOS_GENERAL, _IOS_FEATURES, _ANDROID_OWNER)

_NOT_READ = "settings catalog and custom profiles are not read"
_REASONS = {
    "install_source": "Intune does not report where an app was installed from",
    "passcode_present": ("Graph v1.0 managedDevices has no passcode field (complianceState covers a whole compliance "
                         "policy and isEncrypted is storage encryption; neither tells whether a passcode is set)"),
    "passcode_compliant": ("Graph v1.0 managedDevices has no passcode compliance field; complianceState covers every "
                           "rule of the compliance policy, not the passcode alone"),
    "last_boot": ("Intune reports no boot time: Apple's MDM protocol has none for iPhones and Graph v1.0 has no "
                  "Android boot event"),
    "ios_auto_update": ("automatic app updates on an iPhone are a setting of the App Store on the phone, which Intune "
                        "cannot read or enforce"),
    "personal_signal": ("Intune inventories only the apps it manages on personal devices; Signal installed by the user "
                        "would not be listed"),
    "unknown_owner_signal": ("Intune does not say whether this device is corporate or personal, so it cannot be told "
                             "whether its unmanaged apps are inventoried"),
    "android_personal": ("this Android device is personal: Intune manages it through a work profile (or the legacy "
                         "device administrator), whose restriction profiles are not read; device owner profiles do "
                         "not apply to it"),
    "android_unknown_owner": ("Intune does not say whether this Android device is company-owned, so it cannot be told "
                              "whether a device owner profile applies"),
    "ios_unsupervised": ("Intune's notification settings for Signal apply only to supervised iPhones and iPads; this "
                         "one is not supervised"),
    "ios_supervision_unknown": ("Intune's notification settings for Signal apply only to supervised iPhones and iPads; "
                                "whether this one is supervised is not known"),
}


# --------------------------------------------------------------------------- Signal inventory

def is_signal_publisher(publisher):
    return SIGNAL_PUBLISHER in " ".join(publisher.lower().replace(",", " ").split())


class SignalInventory(object):
    """Which devices Intune lists Signal on, with the versions listed."""

    def __init__(self):
        self.by_device = {}
        self.problem = None

    def add(self, device_id, version, evidence):
        self.by_device.setdefault(device_id, []).append((version, evidence))


_SIGNAL_PATHS = ("signal.visible", "signal.installed", "signal.version", "signal.install_source")
_POLICY_PATHS = ("screen_lock.passcode_present", "screen_lock.passcode_compliant", "screen_lock.max_inactivity_minutes",
                 "lockscreen_notifications.hides_content", "lockscreen_notifications.enforced_by",
                 "app_auto_update_policy")


def _signal_facts(record, device_id, ownership, signal):
    """Signal's facts from the detectedApps inventory; its problems are shared by many devices (shared=True)."""
    found = signal.by_device.get(device_id, [])
    record.put_all(_SIGNAL_PATHS)
    record.reason("signal.install_source", _REASONS["install_source"])
    if found:
        record.put("signal.visible", True)
        record.put("signal.installed", True, found[0][1])
        versions = []
        for version, dummy in found:
            if version is not None and version not in versions:
                versions.append(version)
        if len(versions) > 1:
            record.reason("signal.version", "Intune lists several Signal versions for this device (%s): its app "
                          "inventory is mixed or stale" % ", ".join(str(v) for v in versions))
        elif versions and isinstance(versions[0], str) and _VERSION.match(versions[0].strip()):
            record.put("signal.version", versions[0].strip(), "detectedApps.version")
        elif versions:
            record.error("signal.version", "vendor field detectedApps.version: %r is not a version number"
                         % (versions[0],), shared=True)
        else:
            record.reason("signal.version", "Intune lists Signal on this device without a version")
    elif ownership == "corporate":
        record.put("signal.visible", True)
        if signal.problem:
            record.error("signal.installed", signal.problem, shared=True)
        else:
            record.put("signal.installed", False, "detectedApps: no iOS/Android app named %s lists this device "
                       "(matched by display name, which is brittle)" % " or ".join(repr(n) for n in SIGNAL_DISPLAY_NAMES))
    elif ownership == "personal":
        record.put("signal.visible", False)
        record.reason("signal.installed", _REASONS["personal_signal"])
    else:
        record.reason("signal.installed", _REASONS["unknown_owner_signal"])


# --------------------------------------------------------------------------- profiles

class Profile(object):
    def __init__(self, raw, assignments):
        self.raw = raw
        self.id = raw.get("id")
        self.name = raw.get("displayName") if isinstance(raw.get("displayName"), str) else self.id
        self.type = raw.get("@odata.type")
        self.scope = _scope(assignments)

    def label(self, field=None):
        text = "deviceConfigurations '%s' (%s, %s)" % (self.name, self.type.rsplit(".", 1)[-1], self.id)
        return "%s.%s" % (text, field) if field else text

    def applies(self, device):
        """True when known to apply, False when known not to, None when it might."""
        if self.scope == "all_devices":
            return True
        if self.scope == "all_users":
            return device["has_user"]
        return None


def _scope(assignments):
    """all_devices, all_users, or narrow (groups, exclusions, filters, anything else); None when unassigned."""
    if not assignments:
        return None
    whole = set()
    narrow = False
    for assignment in assignments:
        target = assignment.get("target") if isinstance(assignment, dict) else None
        if not isinstance(target, dict) or assignment.get("intent", "apply") not in ("apply", None):
            narrow = True
            continue
        kind = target.get("@odata.type")
        filtered = target.get("deviceAndAppManagementAssignmentFilterType") not in (None, "none") or \
            target.get("deviceAndAppManagementAssignmentFilterId") not in (None, "", "00000000-0000-0000-0000-000000000000")
        if kind == "#microsoft.graph.allDevicesAssignmentTarget" and not filtered:
            whole.add("all_devices")
        elif kind == "#microsoft.graph.allLicensedUsersAssignmentTarget" and not filtered:
            whole.add("all_users")
        else:
            narrow = True  # groups, exclusion groups, filters: membership is not read
    if narrow:
        return "narrow"
    return "all_devices" if "all_devices" in whole else "all_users"


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _minutes(profile, field):
    """A profile's number of minutes of inactivity: None when absent, ("bad", message) when not a number,
    ("unknown", reason) for 0 (which Intune uses both for 'Immediately' and for no limit), else ("ok", minutes,
    the profile field)."""
    value = profile.raw.get(field)
    label = profile.label(field)
    if value is None:
        return None
    if not _is_int(value) or value < 0:
        return ("bad", "vendor field %s: %r is not a number of minutes" % (label, value))
    if value == 0:
        return ("unknown", "%s is 0, which Intune uses both for 'Immediately' and for no limit" % label)
    return ("ok", value, label)


def _ios_max_inactivity(profile):
    raw = profile.raw
    if raw.get("passcodeRequired") is not True:
        return None  # Intune sends the passcode settings only with a required passcode
    timeout = _minutes(profile, "passcodeMinutesOfInactivityBeforeScreenTimeout")
    if timeout is None or timeout[0] != "ok":
        return timeout
    grace = raw.get("passcodeMinutesOfInactivityBeforeLock")
    if grace is None or grace == 0:
        return timeout
    if not _is_int(grace) or grace < 0:
        return ("bad", "vendor field %s: %r is not a number of minutes"
                % (profile.label("passcodeMinutesOfInactivityBeforeLock"), grace))
    return ("ok", timeout[1] + grace, "%s + passcodeMinutesOfInactivityBeforeLock (grace period before the passcode "
            "is required)" % timeout[2])


def _android_max_inactivity(profile):
    return _minutes(profile, "passwordMinutesOfInactivityBeforeScreenTimeout")


def _android_auto_update(profile):
    value = profile.raw.get("appsAutoUpdatePolicy")
    field = profile.label("appsAutoUpdatePolicy")
    if value is None or value == "notConfigured":
        return None
    if value not in _AUTO_UPDATE:
        return ("bad", "vendor field %s: %r is not one of notConfigured, userChoice, never, wiFiOnly, always"
                % (field, value))
    return ("ok", _AUTO_UPDATE[value], field)


def _android_keyguard(profile):
    value = profile.raw.get("passwordBlockKeyguardFeatures")
    field = profile.label("passwordBlockKeyguardFeatures")
    if value is None or value == []:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return ("bad", "vendor field %s: %r is not a list of keyguard features" % (field, value))
    features = set(v.lower() for v in value)
    if features == {"notconfigured"}:
        return None
    hides = bool(features.intersection(_KEYGUARD_HIDES))
    return ("ok", hides, "Intune profile '%s' (passwordBlockKeyguardFeatures: %s)" % (profile.name, ", ".join(value)))


def _ios_notifications(profile):
    settings = profile.raw.get("notificationSettings")
    field = profile.label("notificationSettings")
    if settings is None or settings == []:
        return None
    if not isinstance(settings, list):
        return ("bad", "vendor field %s: %r is not a list" % (field, settings))
    entry = None
    for item in settings:
        if isinstance(item, dict) and isinstance(item.get("bundleID"), str) and \
                item["bundleID"].strip().lower() == SIGNAL_IOS_BUNDLE:
            entry = item
            break
    if entry is None:
        return None
    enabled, on_lock, preview = entry.get("enabled"), entry.get("showOnLockScreen"), entry.get("previewVisibility")
    for key, value in (("enabled", enabled), ("showOnLockScreen", on_lock)):
        if value is not None and not isinstance(value, bool):
            return ("bad", "vendor field %s[%s].%s: %r is not true or false" % (field, SIGNAL_IOS_BUNDLE, key, value))
    if preview is not None and preview not in ("notConfigured", "alwaysShow", "hideWhenLocked", "neverShow"):
        return ("bad", "vendor field %s[%s].previewVisibility: %r is not one of notConfigured, alwaysShow, "
                "hideWhenLocked, neverShow" % (field, SIGNAL_IOS_BUNDLE, preview))
    where = "Intune profile '%s' (notificationSettings for %s: " % (profile.name, SIGNAL_IOS_BUNDLE)
    if enabled is False:
        return ("ok", True, where + "notifications off)")
    if on_lock is False:
        return ("ok", True, where + "not shown on the lock screen)")
    if preview in ("hideWhenLocked", "neverShow"):
        return ("ok", True, where + "previews %s)" % preview)
    if on_lock is True or preview == "alwaysShow":
        return ("ok", False, where + "shown on the lock screen, previews %s)"
                % ("always" if preview == "alwaysShow" else "left to the user"))
    return None


def _resolve(profiles, kind, device, getter, what):
    """(value, evidence, reason, error) for one normalized value from the assigned profiles of one type."""
    sure, maybe = [], []
    for profile in profiles:
        applies = profile.applies(device)
        if applies is False:
            continue
        got = getter(profile)
        if got is not None:
            (sure if applies else maybe).append((profile, got))
    for profile, got in sure:
        if got[0] == "bad":
            return None, None, None, got[1]
    for profile, got in sure:
        if got[0] == "unknown":
            return None, None, got[1], None
    values = set(got[1] for profile, got in sure)
    if len(values) > 1:
        named = ", ".join("'%s' (%s)" % (profile.name, got[1]) for profile, got in sure)
        return None, None, ("profiles that apply to this device set %s differently: %s; Intune applies none of "
                            "conflicting settings" % (what, named)), None
    if maybe and (not values or any(got[0] != "ok" or got[1] not in values for profile, got in maybe)):
        named = ", ".join("'%s'" % profile.name for profile, got in maybe)
        return None, None, ("profile(s) %s set %s but are assigned to groups, with exclusions or with filters; group "
                            "membership is not read, so whether they apply to this device is not known"
                            % (named, what)), None
    if not values:
        if not profiles:
            return None, None, "no %s profile is assigned in Intune (%s)" % (kind, _NOT_READ), None
        return None, None, ("no assigned %s profile that applies to this device sets %s (%s)"
                            % (kind, what, _NOT_READ)), None
    # Every profile left in sure agrees and said ("ok", value, evidence): the first one's evidence is shown.
    _profile, (_ok, _value, evidence) = sure[0]
    return values.pop(), evidence, None, None


def _apply(record, path, result, raw_key=True):
    """Put one value from _resolve: its evidence, or the reason it is unknown, or the (shared) error."""
    value, evidence, reason, error = result
    record.put(path, value, evidence if raw_key and not error and not reason else None)
    if error:
        record.error(path, error, shared=True)
    elif reason:
        record.reason(path, reason)
    return value


def _notifications(record, result):
    value = _apply(record, "lockscreen_notifications.hides_content", result, raw_key=False)
    if value is not None:
        record.put("lockscreen_notifications.enforced_by", result[1])
        record.raw_fields["lockscreen_notifications.hides_content"] = result[1]


def _policy_facts(record, device, profiles):
    record.put_all(_POLICY_PATHS)
    record.reason("screen_lock.passcode_present", _REASONS["passcode_present"])
    record.reason("screen_lock.passcode_compliant", _REASONS["passcode_compliant"])
    if device["platform"] == "ios":
        _apply(record, "screen_lock.max_inactivity_minutes", _resolve(
            profiles[_IOS_GENERAL], "iOS device restrictions (iosGeneralDeviceConfiguration)", device,
            _ios_max_inactivity, "the auto-lock time (passcodeMinutesOfInactivityBeforeScreenTimeout with a required "
            "passcode)"))
        record.reason("app_auto_update_policy", _REASONS["ios_auto_update"])
        if device["supervised"] is True:
            _notifications(record, _resolve(
                profiles[_IOS_FEATURES], "iOS device features (iosDeviceFeaturesConfiguration)", device,
                _ios_notifications, "notification settings for %s" % SIGNAL_IOS_BUNDLE))
        else:
            key = "ios_unsupervised" if device["supervised"] is False else "ios_supervision_unknown"
            record.reason("lockscreen_notifications.hides_content", _REASONS[key])
    elif device["ownership"] != "corporate":
        why = _REASONS["android_personal" if device["ownership"] == "personal" else "android_unknown_owner"]
        for path in ("screen_lock.max_inactivity_minutes", "lockscreen_notifications.hides_content",
                     "app_auto_update_policy"):
            record.reason(path, why)
    else:
        kind = "Android device owner restrictions (androidDeviceOwnerGeneralDeviceConfiguration)"
        owner = profiles[_ANDROID_OWNER]
        _apply(record, "screen_lock.max_inactivity_minutes", _resolve(
            owner, kind, device, _android_max_inactivity, "the screen timeout "
            "(passwordMinutesOfInactivityBeforeScreenTimeout)"))
        _apply(record, "app_auto_update_policy", _resolve(
            owner, kind, device, _android_auto_update, "app auto-update (appsAutoUpdatePolicy)"))
        _notifications(record, _resolve(owner, kind, device, _android_keyguard, "lock-screen keyguard "
                                        "features (passwordBlockKeyguardFeatures)"))


# --------------------------------------------------------------------------- devices

def _platform(operating_system):
    text = operating_system.strip().lower()
    if text in ("ios", "ipados"):
        return "ios"
    if text.startswith("android"):
        return "android"
    return None


_SOURCES = {}  # vendor field -> its raw_fields text, made once


def _string(record, device, field, path, maxlen):
    """The vendor string into path (null when absent or empty); a wrong type or an overlong value is an error."""
    value = device.get(field)
    if value is None or value == "":
        record.put(path, None)
        return None
    if isinstance(value, str) and len(value) <= maxlen:
        record.put(path, value, _SOURCES.get(field) or _SOURCES.setdefault(field, "managedDevices." + field))
        return value
    record.put(path, None)
    if not isinstance(value, str):
        record.error(path, "vendor field managedDevices.%s: %r is not a string" % (field, value))
    else:
        record.error(path, "vendor field managedDevices.%s: longer than %d characters" % (field, maxlen))
    return None


def normalize(device, signal, profiles):
    """A Pulled for one managedDevices item (NotAPhone for a computer), with Signal's facts from the detectedApps
    inventory (a _Signal) and the policy values from the assigned profiles (by type, as _Profile)."""
    if not isinstance(device, dict):
        return Pulled("managedDevices item", None, [(None, "a managedDevices item is not a JSON object: %r" % (device,))])
    device_id = device.get("id")
    if not isinstance(device_id, str) or not device_id.strip() or len(device_id) > 256:
        name = device.get("deviceName")
        label = "managedDevices item (deviceName %s)" % (name if isinstance(name, str) else "not given")
        return Pulled(label, None, [("id", "vendor field managedDevices.id: %r is not a usable device id" % (device_id,))])
    label = "managedDevices id %s" % device_id
    operating_system = device.get("operatingSystem")
    if not isinstance(operating_system, str):
        return Pulled(label, None, [("platform", "vendor field managedDevices.operatingSystem: %r is not a string"
                                     % (operating_system,))])
    platform = _platform(operating_system)
    if platform is None:
        return NotAPhone(label, "not a phone (operatingSystem %s)" % operating_system)
    record = RecordBuilder(device_id, platform, "managedDevices.id", "managedDevices.operatingSystem")
    _string(record, device, "deviceName", "name", 256)
    _string(record, device, "osVersion", "os_version", 64)
    _string(record, device, "model", "model", 256)
    _string(record, device, "serialNumber", "serial", 128)
    _string(record, device, "userPrincipalName", "owner.upn", 320)
    _string(record, device, "userDisplayName", "owner.name", 256)
    _string(record, device, "emailAddress", "owner.email", 320)
    owner_type = device.get("managedDeviceOwnerType")
    record.put("ownership", None)
    if owner_type in _OWNERSHIP:
        record.put("ownership", _OWNERSHIP[owner_type], "managedDevices.managedDeviceOwnerType")
    elif owner_type is None:
        record.reason("ownership", "Intune did not report managedDeviceOwnerType")
    else:
        record.error("ownership", "vendor field managedDevices.managedDeviceOwnerType: %r is not one of company, "
                     "personal, unknown" % (owner_type,))
    supervised = device.get("isSupervised")
    record.put("supervised", None)
    if platform == "ios":
        if isinstance(supervised, bool):
            record.put("supervised", supervised, "managedDevices.isSupervised")
        elif supervised is not None:
            record.error("supervised", "vendor field managedDevices.isSupervised: %r is not true or false" % (supervised,))
    synced = device.get("lastSyncDateTime")
    record.put("last_checkin", None)
    if synced == _NEVER or synced is None:
        record.reason("last_checkin", "Intune reports no completed sync for this device")
    elif isinstance(synced, str) and _DATE_TIME.match(synced):
        record.put("last_checkin", synced, "managedDevices.lastSyncDateTime")
    else:
        record.error("last_checkin", "vendor field managedDevices.lastSyncDateTime: %r is not a date and time" % (synced,))
    ownership = record.get("ownership")
    _signal_facts(record, device_id, ownership, signal)
    upn = device.get("userPrincipalName")
    context = {"platform": platform, "ownership": ownership, "supervised": record.get("supervised"),
               "has_user": (True if isinstance(upn, str) and upn else False if upn in (None, "") else None)}
    _policy_facts(record, context, profiles)
    record.unknown("last_boot", _REASONS["last_boot"])
    data, errors = record.done()
    return Pulled(label, data, errors)
