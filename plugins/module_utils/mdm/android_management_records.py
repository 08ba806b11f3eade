# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Android Management API: one device, with its applied policy, -> one phone record (pure: no I/O).

What comes from where (raw_fields keeps it per device):

* id: ``devices.name`` (``enterprises/{e}/devices/{d}``); platform android.
* os_version ``softwareInfo.androidVersion``; model, serial
  ``hardwareInfo.{model,serialNumber}``; last_checkin
  ``lastStatusReportTime``; owner.upn ``user.accountIdentifier`` (an id the
  EMM chose, often but not always an address: name and email stay
  unknown); ownership ``ownership`` COMPANY_OWNED -> corporate,
  PERSONALLY_OWNED -> personal, else unknown. supervised has no Android
  meaning and stays absent.
* signal: the ``applicationReports[]`` entry for org.thoughtcrime.securesms.
  Application reports exist only when the policy sets
  ``statusReportingSettings.applicationReportsEnabled``: a device without
  any is ``visible: false``. A work-profile device (``managementMode``
  PROFILE_OWNER; a personally-owned device without a reported mode is
  taken as one, the only mode Android allows there) reports only the work
  profile's apps: Signal found there is reported as installed; not found
  means it may still be on the personal side, so ``visible: false``. A
  company-owned device without a reported management mode is treated the
  same way (not known to be fully managed). ``state`` INSTALLED ->
  installed, REMOVED -> not installed. install_source: play_store when
  ``installerPackageName`` is com.android.vending or ``applicationSource``
  is INSTALLED_FROM_PLAY_STORE; sideload when another installer is named
  or ``applicationSource`` is APPLICATION_SOURCE_UNSPECIFIED (the API's
  word: sideloaded from an unspecified source); unknown for system-image
  copies or when neither field is reported. raw_fields names the field
  that decided.
* Policy values (``GET v1/{appliedPolicyName}``; the policy's current
  version, which may be newer than the one the device applied: raw_fields
  says so when ``appliedPolicyVersion`` differs):
  lockscreen_notifications.hides_content is true when
  ``keyguardDisabledFeatures`` holds NOTIFICATIONS, UNREDACTED_NOTIFICATIONS
  or ALL_FEATURES, false otherwise; screen_lock.max_inactivity_minutes from
  ``maximumTimeToLock`` (milliseconds, rounded up to whole minutes; absent or
  "0" is the API's "no restriction" -> 0); app_auto_update_policy from
  Signal's own ``applications[].autoUpdateMode`` when it overrides the
  policy (AUTO_UPDATE_HIGH_PRIORITY -> always; AUTO_UPDATE_POSTPONED ->
  never, because Play then holds Signal's updates back for up to 90 days,
  which is not the automatic updating section 3.2 asks for), otherwise
  from ``appAutoUpdatePolicy`` (CHOICE_TO_THE_USER or unset -> user_choice,
  the API's documented default; NEVER, WIFI_ONLY, ALWAYS).
  On a work-profile device these settings govern the work profile: they
  are used when Signal is in the work profile, and unknown otherwise
  (whether a work-profile lock timeout also locks the personal side
  depends on a unified challenge the API does not report, and keyguard
  notification restrictions there cover work notifications only).
* screen_lock.passcode_present: ``deviceSettings.isDeviceSecure`` (reported
  only with ``statusReportingSettings.deviceSettingsEnabled``).
* work_profile: true for ``managementMode`` PROFILE_OWNER (or a
  personally-owned device, where Android allows nothing else), false for
  DEVICE_OWNER, unknown otherwise.
* screen_lock.password_requirements: the password requirements that apply
  to the device (its ``appliedPasswordPolicies``, else the policy's
  ``passwordPolicies``, else its deprecated ``passwordRequirements``), each
  as {quality, scope, min_length} from ``passwordQuality``,
  ``passwordScope`` and ``passwordMinimumLength`` (a quality or scope left
  out is the API's default, PASSWORD_QUALITY_UNSPECIFIED or
  SCOPE_UNSPECIFIED); [] when none is set, unknown when the policy could not
  be read.
* policy_compliance: ``policyCompliant`` as compliant; the
  ``nonComplianceDetails`` entries about passwords (settingName
  passwordPolicies/passwordRequirements, or a fieldPath under them) as
  password_noncompliance, each with its setting, ``nonComplianceReason``
  (NON_COMPLIANCE_REASON_UNSPECIFIED when left out) and
  ``specificNonComplianceReason``; noncompliance_count, how many entries
  the device reports in all.
  No passcode verdict is made here: control sh-3.7-mobile-passcode judges
  these observations (a USER_ACTION entry fails; another reason means the
  requirement is not in force; a work profile's requirements guard the
  device lock only with SCOPE_DEVICE unless Signal is in the work profile).
* last_boot: the newest ``powerManagementEvents[]`` BOOT_COMPLETED
  ``createTime``; unknown when power events are not reported (the policy
  must set ``statusReportingSettings.powerManagementEventsEnabled``, and the
  API reports them for company-owned devices only) or hold no boot.

Fields documented in the Android Management API reference (v1) and its
generated client libraries. Values of the wrong type are left out and
named in errors, never guessed; the device is still yielded.
"""

from __future__ import annotations

import re
from datetime import datetime

from ansible_collections.hardening.signal.plugins.module_utils.mdm.builder import RecordBuilder
from ansible_collections.hardening.signal.plugins.module_utils.mdm.constants import (
    DATE_TIME_RE,
    SIGNAL_ANDROID_PACKAGE,
    VERSION_RE,
)
from ansible_collections.hardening.signal.plugins.module_utils.mdm.contract import NotAPhone, Pulled

SIGNAL_PACKAGE = SIGNAL_ANDROID_PACKAGE
PLAY_STORE_INSTALLER = "com.android.vending"

_POLICY_NAME = re.compile(r"^enterprises/[A-Za-z0-9_-]{1,128}/policies/[A-Za-z0-9._~-]{1,256}$")
_VERSION = VERSION_RE
_RFC3339 = DATE_TIME_RE
# base64 (standard or URL-safe alphabet) of 32 bytes: 43 characters and one '=' of padding, or 43 without.
_BASE64_SHA256 = re.compile(r"^[A-Za-z0-9+/_-]{43}=?$")
_MILLISECONDS = re.compile(r"^[0-9]{1,18}$")

_OWNERSHIP = {"COMPANY_OWNED": "corporate", "PERSONALLY_OWNED": "personal"}
# Device.state: only a device in use is judged. The others are skipped and counted in the source's detail, with why.
# A device without a state (the API leaves out a default) is judged.
IN_USE_STATES = ("ACTIVE",)
NOT_IN_USE = {
    "DISABLED": "disabled by the organisation; it cannot be used until it is enabled again",
    "DELETED": "deleted from the enterprise",
    "PROVISIONING": "still being provisioned, not yet in use",
    "LOST": "marked lost; it is locked and its location reported",
    "PREPARING_FOR_MIGRATION": "being migrated to another management system",
    "DEACTIVATED_BY_DEVICE_FINANCE": "locked by a device financing app",
}
_APP_AUTO_UPDATE = {"CHOICE_TO_THE_USER": "user_choice", "APP_AUTO_UPDATE_POLICY_UNSPECIFIED": "user_choice",
                    "NEVER": "never", "WIFI_ONLY": "wifi_only", "ALWAYS": "always"}
_APP_UPDATE_MODE = {"AUTO_UPDATE_HIGH_PRIORITY": "always", "AUTO_UPDATE_POSTPONED": "never"}
_APP_UPDATE_MODE_DEFERRING = ("AUTO_UPDATE_DEFAULT", "AUTO_UPDATE_MODE_UNSPECIFIED")
_HIDING_KEYGUARD_FEATURES = ("NOTIFICATIONS", "UNREDACTED_NOTIFICATIONS", "ALL_FEATURES")
_PASSWORD_SETTINGS = ("passwordPolicies", "passwordRequirements")
# The values the API leaves out of its JSON because they are the default: put back, so a record says what was meant.
DEFAULT_PASSWORD_QUALITY = "PASSWORD_QUALITY_UNSPECIFIED"
DEFAULT_PASSWORD_SCOPE = "SCOPE_UNSPECIFIED"
DEFAULT_NONCOMPLIANCE_REASON = "NON_COMPLIANCE_REASON_UNSPECIFIED"
_ENUM_NAME = re.compile(r"^[A-Z][A-Z0-9_]{0,63}$")
_MAX_LISTED = 16  # password requirements of one device: the policy's device and work-profile entries, a few at most
_MAX_NONCOMPLIANCE = 1000

# Policy-derived values that, on a work-profile device, govern the work profile only.
_WORK_PROFILE_SCOPED = ("lockscreen_notifications.hides_content", "screen_lock.max_inactivity_minutes",
                        "app_auto_update_policy")


_BAD = object()


def kind_of(value):
    """A JSON value's type, in the words of an error message."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def _typed(record, container, key, kinds, vendor, paths):
    """container[key] when of one of kinds; None when absent or null; _BAD (named in errors at paths) otherwise."""
    if not isinstance(container, dict):
        return None
    value = container.get(key)
    if value is None:
        return None
    if isinstance(value, bool) and bool not in kinds:
        ok = False
    else:
        ok = isinstance(value, kinds)
    if ok:
        return value
    want = {str: "a string", bool: "a boolean", list: "a list", dict: "an object", int: "a number"}.get(kinds[0], "another type")
    for path in paths:
        record.error(path, "vendor field %s: expected %s, got a %s" % (vendor, want, kind_of(value)))
    return _BAD


def _object(record, device, key, paths):
    """device[key] as an object ({} when absent); wrong type -> _BAD, with errors at every path it feeds."""
    value = _typed(record, device, key, (dict,), key, paths)
    return {} if value is None else value


def _timestamp(text):
    """A parsed RFC 3339 time, or None."""
    if not isinstance(text, str) or not _RFC3339.match(text):
        return None
    head, _dot, rest = text.partition(".")
    if rest:  # Python takes at most 6 fractional digits in every version; Google sends up to 9
        digits = re.match(r"\d+", rest).group(0)
        text = "%s.%s%s" % (head, digits[:6], rest[len(digits):])
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def normalize(device, where, policies, owners=None):
    """A Pulled for one device of the list (where: its place in the walk), or NotAPhone for a device that is not in
    use (state LOST, DISABLED, PROVISIONING...). policies.get(appliedPolicyName) gives (policy or None, why it is
    missing): the client's cache of the policies it read, or a PolicyTable. owners: the organisation's mapping of
    user.accountIdentifier to a person (UPN or e-mail address), or None."""
    if not isinstance(device, dict):
        message = "a device must be a JSON object, got a %s" % kind_of(device)
        return Pulled(where, None, [(None, message)])
    name = device.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > 256:
        message = "vendor field name: %s" % ("missing" if name is None else "not a usable device name (%s)" % kind_of(name))
        return Pulled(where, None, [("id", message)])
    label = "devices name %s" % name
    state = device.get("state")
    if isinstance(state, str) and state not in IN_USE_STATES:
        return NotAPhone(label, "not in use (state %s: %s)" % (state, NOT_IN_USE.get(state, "not a device in use")))
    record = RecordBuilder(name, "android", "devices.name")
    _normalize(device, record, policies, owners)
    data, errors = record.done()
    return Pulled(label, data, errors)


class PolicyTable(object):
    """Policies by name, for normalize() outside a pull (a policy not in the table: missing, with the reason)."""

    def __init__(self, policies):
        self.policies = dict(policies)

    def get(self, name):
        policy = self.policies.get(name)
        return (policy, None) if isinstance(policy, dict) else (None, "the policy %s is not known" % name)


def _normalize(device, record, policies, owners):
    hardware = _object(record, device, "hardwareInfo", ("model", "serial"))
    software = _object(record, device, "softwareInfo", ("os_version",))
    settings = _object(record, device, "deviceSettings", ("screen_lock.passcode_present",))
    user = _object(record, device, "user", ("owner.account_id",))

    _string(record, software, "androidVersion", "os_version", "softwareInfo.androidVersion",
            "softwareInfo is not reported (statusReportingSettings.softwareInfoEnabled is off in the policy)", 64)
    _string(record, hardware, "model", "model", "hardwareInfo.model", "hardwareInfo.model is not reported", 256)
    _string(record, hardware, "serialNumber", "serial", "hardwareInfo.serialNumber",
            "hardwareInfo.serialNumber is not reported", 128)
    _owner(record, user, owners)
    _ownership(record, device)
    _checkin(record, device)

    secure = _BAD if settings is _BAD else _typed(record, settings, "isDeviceSecure", (bool,),
                                                  "deviceSettings.isDeviceSecure", ("screen_lock.passcode_present",))
    if isinstance(secure, bool):
        record.put("screen_lock.passcode_present", secure, "deviceSettings.isDeviceSecure")
    elif secure is None:
        record.unknown("screen_lock.passcode_present", "deviceSettings.isDeviceSecure is not reported "
                       "(statusReportingSettings.deviceSettingsEnabled is off in the policy)")

    work_profile, mode_note = _work_profile(record, device)
    policy, policy_source, policy_missing = _policy(record, device, policies)
    in_work_profile = _signal(record, device, work_profile, mode_note)

    _last_boot(record, device, policy)
    _password_requirements(record, device, policy, policy_source, policy_missing)
    _policy_compliance(record, device)

    if policy is not None:
        _keyguard(record, policy, policy_source)
        _max_inactivity(record, policy, policy_source)
        _auto_update(record, policy, policy_source)
    else:
        for path in _WORK_PROFILE_SCOPED:
            if not record.has(path):
                record.unknown(path, policy_missing)
    if work_profile is not False and not in_work_profile:
        why = (mode_note or "work profile: the policy's setting governs the work profile, and Signal was not found "
               "in it; whether the setting reaches the personal side is not reported")
        for path in _WORK_PROFILE_SCOPED:
            if path in record.data["errors"]:
                continue
            source = record.data["raw_fields"].pop(path, None)
            record.unknown(path, why, source)
        if isinstance(record.data.get("lockscreen_notifications"), dict):
            record.data["lockscreen_notifications"]["enforced_by"] = None
            record.data["raw_fields"].pop("lockscreen_notifications.enforced_by", None)


def _string(record, container, key, path, vendor, missing_reason, limit):
    if container is _BAD:
        return
    value = _typed(record, container, key, (str,), vendor, (path,))
    if value is _BAD:
        return
    if value is None or not value.strip():
        record.unknown(path, missing_reason)
    elif len(value) > limit:
        record.error(path, "vendor field %s: longer than %d characters" % (vendor, limit))
    else:
        record.put(path, value, vendor)


def _owner(record, user, owners):
    """user.accountIdentifier is an id the EMM made ("must not contain personally identifiable information"): it
    is kept as owner.account_id, and the person comes only from the organisation's mapping (owners)."""
    if user is _BAD:
        return
    account = _typed(record, user, "accountIdentifier", (str,), "user.accountIdentifier", ("owner.account_id",))
    if account is _BAD:
        return
    record.unknown("owner.name", "the Android Management API reports no user name")
    record.unknown("owner.email", "the Android Management API reports no e-mail address (user.accountIdentifier "
                   "is an id chosen by the EMM)")
    if not account or not account.strip():
        record.unknown("owner.account_id", "the device reports no user.accountIdentifier")
        record.unknown("owner.upn", "the device reports no user.accountIdentifier, so no owner mapping can name "
                       "its user")
        return
    if len(account) > 320:
        record.error("owner.account_id", "vendor field user.accountIdentifier: longer than 320 characters")
        record.unknown("owner.upn", "user.accountIdentifier is malformed, so no owner mapping can name its user")
        return
    record.put("owner.account_id", account, "user.accountIdentifier")
    person = owners.get(account) if owners else None
    if person:
        record.put("owner.upn", person, "user.accountIdentifier %s -> the source's owner mapping" % account)
    elif owners:
        record.unknown("owner.upn", "user.accountIdentifier %s is not in the source's owner mapping" % account)
    else:
        record.unknown("owner.upn", "user.accountIdentifier %s is an id the EMM made, not a person's address, and "
                       "the source has no owner mapping (owners or owners_file)" % account)


def _ownership(record, device):
    value = _typed(record, device, "ownership", (str,), "ownership", ("ownership",))
    if value is _BAD:
        return
    record.put("ownership", _OWNERSHIP.get(value, "unknown"), "ownership" if value else "ownership (not reported)")


def _checkin(record, device):
    value = _typed(record, device, "lastStatusReportTime", (str,), "lastStatusReportTime", ("last_checkin",))
    if value is _BAD:
        return
    if value is None:
        record.unknown("last_checkin", "the device has not sent a status report (no lastStatusReportTime)")
    elif _timestamp(value) is None:
        record.error("last_checkin", "vendor field lastStatusReportTime: %r is not an RFC 3339 time" % value[:64])
    else:
        record.put("last_checkin", value, "lastStatusReportTime")


def _work_profile(record, device):
    """work_profile as reported; returns (True for a work profile, False when fully managed, None when not known; a
    note when not known)."""
    mode = device.get("managementMode")
    if mode is not None and not isinstance(mode, str):
        record.error("work_profile", "vendor field managementMode: expected a string, got a %s" % kind_of(mode))
        mode = None
    elif mode == "DEVICE_OWNER":
        record.put("work_profile", False, "managementMode DEVICE_OWNER")
        return False, None
    elif mode == "PROFILE_OWNER":
        record.put("work_profile", True, "managementMode PROFILE_OWNER")
        return True, None
    if device.get("ownership") == "PERSONALLY_OWNED":
        # Android allows only a work profile on a personally-owned device
        if not record.has("work_profile"):
            record.put("work_profile", True, "ownership PERSONALLY_OWNED (only a work profile is possible there)")
        return True, None
    note = ("the device reports no management mode (%s), so it is not known to be fully managed; a work profile "
            "would hide the personal side's apps and scope the policy to itself" % (mode or "none"))
    if not record.has("work_profile"):
        record.unknown("work_profile", note)
    return None, note


def _policy(record, device, policies):
    """(policy or None, 'policies[...]' evidence prefix, reason when None)."""
    name = device.get("appliedPolicyName")
    if name is not None and (not isinstance(name, str) or not _POLICY_NAME.match(name)):
        shown = repr(name[:80]) if isinstance(name, str) else "a %s" % kind_of(name)
        message = "vendor field appliedPolicyName: %s is not a policy name (enterprises/{e}/policies/{p})" % shown
        for path in _WORK_PROFILE_SCOPED:
            record.error(path, message)
        return None, None, "the device's appliedPolicyName is malformed, so its policy could not be read"
    if name is None:
        return None, None, "the device reports no applied policy (appliedPolicyName)"
    policy, missing = policies.get(name)
    if policy is None:
        return None, None, missing
    source = "policies[%s]" % name
    applied = device.get("appliedPolicyVersion")
    current = policy.get("version")
    if applied is not None and current is not None and str(applied) != str(current):
        source = "policies[%s] (version %s; the device last applied version %s)" % (name, current, applied)
    return policy, source, None


def _signal(record, device, work_profile, mode_note):
    """Fill signal.*; True when Signal was found installed (so a work profile's policy covers it)."""
    reports = _typed(record, device, "applicationReports", (list,), "applicationReports",
                     ("signal.visible", "signal.installed"))
    if reports is _BAD:
        return False
    if not reports:
        record.put("signal.visible", False, "applicationReports (none reported)")
        record.unknown("signal.installed", "the device reports no applications: application reports are off in its "
                       "policy (statusReportingSettings.applicationReportsEnabled)")
        return False
    entries = []
    for position, report in enumerate(reports):
        if not isinstance(report, dict):
            record.vendor_error("applicationReports[%d]" % position, "vendor field applicationReports[%d]: expected an "
                                "object, got a %s" % (position, kind_of(report)))
            continue
        if report.get("packageName") == SIGNAL_PACKAGE:
            entries.append((position, report))
    installed = [(p, r) for p, r in entries if r.get("state") == "INSTALLED"]
    if installed:
        position, report = installed[0]
        vendor = "applicationReports[%d]" % position
        record.put("signal.visible", True, "applicationReports")
        record.put("signal.installed", True, "%s.state INSTALLED (packageName %s)" % (vendor, SIGNAL_PACKAGE))
        _signal_version(record, report, vendor)
        _install_source(record, report, vendor)
        _signing_certs(record, report, vendor)
        return True
    removed = [(p, r) for p, r in entries if r.get("state") == "REMOVED"]
    odd = [(p, r) for p, r in entries if r.get("state") not in ("INSTALLED", "REMOVED")]
    if odd and not removed:
        position, report = odd[0]
        state = report.get("state")
        if state is not None and not isinstance(state, str):
            record.error("signal.installed", "vendor field applicationReports[%d].state: expected a string, got a %s"
                         % (position, kind_of(state)))
        else:
            record.put("signal.visible", True, "applicationReports")
            record.unknown("signal.installed", "Signal's application report has state %s, neither INSTALLED nor REMOVED"
                           % (state or "unspecified"), "applicationReports[%d].state" % position)
        return False
    if work_profile is not False:
        record.put("signal.visible", False, "managementMode" if work_profile else "managementMode (not reported)")
        record.unknown("signal.installed", mode_note or "work profile: only the work profile's apps are reported and "
                       "Signal is not among them; it may be installed on the personal side")
        return False
    record.put("signal.visible", True, "applicationReports")
    if removed:
        record.put("signal.installed", False, "applicationReports[%d].state REMOVED" % removed[0][0])
    else:
        record.put("signal.installed", False, "applicationReports (no %s among %d apps)" % (SIGNAL_PACKAGE, len(reports)))
    return False


def _signal_version(record, report, vendor):
    version = _typed(record, report, "versionName", (str,), vendor + ".versionName", ("signal.version",))
    if version is _BAD:
        return
    if version is None:
        record.unknown("signal.version", "Signal's application report has no versionName")
    elif not _VERSION.match(version):
        record.error("signal.version", "vendor field %s.versionName: %r is not a version like 7.80.1" % (vendor, version[:40]))
    else:
        record.put("signal.version", version, vendor + ".versionName")


def _install_source(record, report, vendor):
    """What the report says about where Signal came from: the installer package and the application source as they
    are, and install_source in the record's words. Only supporting evidence: the signing certificate (signal.
    signing_certs) is what tells Signal's own build, whether from Google Play or signal.org."""
    installer = _typed(record, report, "installerPackageName", (str,), vendor + ".installerPackageName",
                       ("signal.install_source", "signal.installer"))
    source = _typed(record, report, "applicationSource", (str,), vendor + ".applicationSource",
                    ("signal.install_source", "signal.application_source"))
    if installer is not _BAD:
        if installer:
            record.put("signal.installer", installer, vendor + ".installerPackageName")
        else:
            record.unknown("signal.installer", "Signal's application report names no installerPackageName")
    if source is not _BAD:
        if source:
            record.put("signal.application_source", source, vendor + ".applicationSource")
        else:
            record.unknown("signal.application_source", "Signal's application report has no applicationSource: the "
                           "API leaves out a field that holds its default (APPLICATION_SOURCE_UNSPECIFIED), so this "
                           "does not tell a sideload from a store install")
    if installer is _BAD or source is _BAD:
        return
    if installer == PLAY_STORE_INSTALLER:
        record.put("signal.install_source", "play_store", "%s.installerPackageName %s" % (vendor, installer))
    elif source == "INSTALLED_FROM_PLAY_STORE":
        record.put("signal.install_source", "play_store", "%s.applicationSource %s" % (vendor, source))
    elif installer:
        record.put("signal.install_source", "sideload", "%s.installerPackageName %s (not Google Play)" % (vendor, installer))
    elif source == "APPLICATION_SOURCE_UNSPECIFIED":
        record.put("signal.install_source", "sideload", "%s.applicationSource %s (sideloaded)" % (vendor, source))
    elif source:
        record.put("signal.install_source", "unknown", "%s.applicationSource %s" % (vendor, source))
        record.reason("signal.install_source",
                      "the device reports Signal's source as %s, not an install from Google Play or elsewhere" % source)
    else:
        record.put("signal.install_source", "unknown", vendor)
        record.reason("signal.install_source", "Signal's application report names neither installerPackageName nor "
                      "applicationSource (the API leaves out applicationSource when it holds its default value)")


def _standard_base64(text):
    """The same bytes in the standard alphabet with padding (Google may send the URL-safe one, or leave out '=')."""
    text = text.replace("-", "+").replace("_", "/")
    return text + "=" * (-len(text) % 4)


def _signing_certs(record, report, vendor):
    """Signal's signing certificates as the device reports them: base64 of each certificate's SHA-256."""
    path = "signal.signing_certs"
    certs = _typed(record, report, "signingKeyCerts", (list,), vendor + ".signingKeyCerts", (path,))
    if certs is _BAD:
        return
    if not certs:
        record.unknown(path, "the device reports no signing certificate for Signal (applicationReports[]."
                       "signingKeyCerts; older Android Device Policy versions send only the deprecated SHA-1 list)")
        return
    found = []
    for position, cert in enumerate(certs):
        digest = cert.get("signingKeyCertFingerprintSha256") if isinstance(cert, dict) else None
        if not isinstance(digest, str) or not _BASE64_SHA256.match(digest):
            record.error(path, "vendor field %s.signingKeyCerts[%d].signingKeyCertFingerprintSha256: not the base64 "
                         "of a SHA-256 (%s)" % (vendor, position, kind_of(digest)))
            return
        found.append(_standard_base64(digest))
    record.put(path, found, vendor + ".signingKeyCerts[].signingKeyCertFingerprintSha256")


def _last_boot(record, device, policy):
    events = _typed(record, device, "powerManagementEvents", (list,), "powerManagementEvents", ("last_boot",))
    if events is _BAD:
        return
    if not events:
        why = "the device reports no power management events"
        reporting = policy.get("statusReportingSettings") if isinstance(policy, dict) else None
        if isinstance(reporting, dict) and reporting.get("powerManagementEventsEnabled") is not True:
            why += " (statusReportingSettings.powerManagementEventsEnabled is off in its policy)"
        else:
            why += " (they need statusReportingSettings.powerManagementEventsEnabled and a company-owned device)"
        record.unknown("last_boot", why)
        return
    newest = None
    for position, event in enumerate(events):
        if not isinstance(event, dict) or event.get("eventType") != "BOOT_COMPLETED":
            continue
        moment = _timestamp(event.get("createTime"))
        if moment is None:
            record.vendor_error("powerManagementEvents[%d].createTime" % position,
                                "vendor field powerManagementEvents[%d].createTime: not an RFC 3339 time" % position)
            continue
        if newest is None or moment > newest[0]:
            newest = (moment, event["createTime"], position)
    if newest is None:
        record.unknown("last_boot", "none of the %d power management events reported is a boot (BOOT_COMPLETED)" % len(events))
    else:
        record.put("last_boot", newest[1], "powerManagementEvents[%d].createTime (BOOT_COMPLETED)" % newest[2])


def _enum(record, container, key, vendor, path, default):
    """An enum string of container (default when absent: the API leaves out a field that holds its default);
    _BAD, with an error at path, when it is not a short upper-case name."""
    value = container.get(key)
    if value is None:
        return default
    if not isinstance(value, str) or not _ENUM_NAME.match(value):
        shown = repr(value[:40]) if isinstance(value, str) else "a %s" % kind_of(value)
        record.error(path, "vendor field %s: %s is not an enum name" % (vendor, shown))
        return _BAD
    return value


def _password_requirements(record, device, policy, policy_source, policy_missing):
    """screen_lock.password_requirements: what the password requirements that apply to the device ask for, each
    with its scope, as reported: the device's appliedPasswordPolicies, else the policy's passwordPolicies, else its
    deprecated passwordRequirements. Which of them ask for a password, and whether their scope guards the lock
    Signal is behind, is the control's to judge."""
    path = "screen_lock.password_requirements"
    applied = _typed(record, device, "appliedPasswordPolicies", (list,), "appliedPasswordPolicies", (path,))
    if applied is _BAD:
        return
    if applied:
        listed, vendor = applied, "appliedPasswordPolicies"
    elif policy is None:
        record.unknown(path, policy_missing)
        return
    else:
        listed = _typed(record, policy, "passwordPolicies", (list,), policy_source + ".passwordPolicies", (path,))
        if listed is _BAD:
            return
        vendor = policy_source + ".passwordPolicies"
        if not listed:
            legacy = _typed(record, policy, "passwordRequirements", (dict,), policy_source + ".passwordRequirements",
                            (path,))
            if legacy is _BAD:
                return
            if legacy is None:
                record.put(path, [], "%s (none set)" % vendor)
                return
            listed, vendor = [legacy], policy_source + ".passwordRequirements"
    if len(listed) > _MAX_LISTED:
        record.error(path, "vendor field %s: more than %d password requirements" % (vendor, _MAX_LISTED))
        return
    requirements = []
    for position, entry in enumerate(listed):
        requirement = _requirement(entry)
        if requirement is not None:
            requirements.append(requirement)
            continue
        where = "%s[%d]" % (vendor, position) if vendor != policy_source + ".passwordRequirements" else vendor
        record.error(path, "vendor field %s" % _requirement_problem(entry, where))
        return
    record.put(path, requirements, vendor)


def _requirement(entry):
    """{quality, scope, min_length} of one well-formed password requirement (a quality or scope left out is the
    API's default); None when anything in it is malformed (_requirement_problem says what)."""
    if not isinstance(entry, dict):
        return None
    quality, scope = entry.get("passwordQuality"), entry.get("passwordScope")
    if quality is None:
        quality = DEFAULT_PASSWORD_QUALITY
    if scope is None:
        scope = DEFAULT_PASSWORD_SCOPE
    if not (isinstance(quality, str) and isinstance(scope, str) and _ENUM_NAME.match(quality) and _ENUM_NAME.match(scope)):
        return None
    length = entry.get("passwordMinimumLength")
    if length is None:
        return {"quality": quality, "scope": scope}
    if isinstance(length, bool) or not isinstance(length, int) or length < 0:
        return None
    return {"quality": quality, "scope": scope, "min_length": length}


def _requirement_problem(entry, where):
    """What is malformed in a password requirement _requirement refused: '<field>: <problem>'."""
    if not isinstance(entry, dict):
        return "%s: expected an object, got a %s" % (where, kind_of(entry))
    for key in ("passwordQuality", "passwordScope"):
        value = entry.get(key)
        if value is not None and not (isinstance(value, str) and _ENUM_NAME.match(value)):
            shown = repr(value[:40]) if isinstance(value, str) else "a %s" % kind_of(value)
            return "%s.%s: %s is not an enum name" % (where, key, shown)
    length = entry.get("passwordMinimumLength")
    shown = str(length) if isinstance(length, int) and not isinstance(length, bool) else "a %s" % kind_of(length)
    return "%s.passwordMinimumLength: expected a whole number of 0 or more, got %s" % (where, shown)


def _is_password_setting(detail):
    """Whether a nonComplianceDetails entry is about the password requirements (its settingName, or the first
    field of its fieldPath: passwordPolicies[0].passwordMinimumLength)."""
    setting, field_path = detail.get("settingName"), detail.get("fieldPath")
    if setting in _PASSWORD_SETTINGS:
        return True
    return isinstance(field_path, str) and field_path.split("[")[0].split(".")[0] in _PASSWORD_SETTINGS


def _policy_compliance(record, device):
    """policy_compliance: policyCompliant as reported, the nonComplianceDetails entries about passwords with their
    reasons, and how many entries the device reports in all. What they mean for the passcode is the control's to judge."""
    base = "policy_compliance"
    paths = (base + ".password_noncompliance", base + ".noncompliance_count")
    compliant, details = device.get("policyCompliant"), device.get("nonComplianceDetails")
    if isinstance(compliant, bool) and not details and (details is None or isinstance(details, list)):
        # Most devices: the flag and an empty report, placed at once.
        record.put(base, {"compliant": compliant, "password_noncompliance": [], "noncompliance_count": 0})
        raw = record.raw_fields
        raw[base + ".compliant"] = "policyCompliant"
        raw[paths[0]] = raw[paths[1]] = "nonComplianceDetails (none reported)"
        return
    compliant = _typed(record, device, "policyCompliant", (bool,), "policyCompliant", (base + ".compliant",))
    if compliant is None:
        record.unknown(base + ".compliant", "the device does not report policyCompliant")
    elif compliant is not _BAD:
        record.put(base + ".compliant", compliant, "policyCompliant")
    details = _typed(record, device, "nonComplianceDetails", (list,), "nonComplianceDetails", paths)
    if details is _BAD:
        return
    if not details:
        record.put(paths[0], [], "nonComplianceDetails (none reported)")
        record.put(paths[1], 0, "nonComplianceDetails (none reported)")
        return
    if len(details) > _MAX_NONCOMPLIANCE:
        for path in paths:
            record.error(path, "vendor field nonComplianceDetails: more than %d entries" % _MAX_NONCOMPLIANCE)
        return
    password, positions, malformed = [], [], False
    for position, detail in enumerate(details):
        vendor = "nonComplianceDetails[%d]" % position
        if not isinstance(detail, dict):
            # Whether it is about passwords cannot be told, so neither the list nor the count is complete.
            for path in paths:
                record.error(path, "vendor field %s: expected an object, got a %s" % (vendor, kind_of(detail)))
            return
        for key in ("settingName", "fieldPath"):
            if detail.get(key) is not None and not isinstance(detail[key], str):
                for path in paths:
                    record.error(path, "vendor field %s.%s: expected a string, got a %s"
                                 % (vendor, key, kind_of(detail[key])))
                return
        if not _is_password_setting(detail):
            continue
        reason = _enum(record, detail, "nonComplianceReason", vendor + ".nonComplianceReason", paths[0],
                       DEFAULT_NONCOMPLIANCE_REASON)
        specific = _enum(record, detail, "specificNonComplianceReason", vendor + ".specificNonComplianceReason",
                         paths[0], None)
        if reason is _BAD or specific is _BAD:
            malformed = True
            continue
        setting = detail.get("fieldPath") or detail.get("settingName")
        password.append({"setting": setting[:256], "reason": reason, "specific_reason": specific})
        positions.append(vendor)
    if not malformed:
        record.put(paths[0], password, ", ".join(positions) or "nonComplianceDetails (no entry about passwords)")
    record.put(paths[1], len(details), "nonComplianceDetails")


def _keyguard(record, policy, source):
    path = "lockscreen_notifications.hides_content"
    vendor = "%s.keyguardDisabledFeatures" % source
    features = _typed(record, policy, "keyguardDisabledFeatures", (list,), vendor, (path,))
    if features is _BAD:
        return
    hiding = [f for f in (features or []) if f in _HIDING_KEYGUARD_FEATURES]
    if hiding:
        record.put(path, True, vendor)
        record.put("lockscreen_notifications.enforced_by", "keyguardDisabledFeatures %s" % hiding[0], vendor)
    else:
        record.put(path, False, vendor + (" (none disables lock-screen notifications)" if features else " (not set)"))
        record.put("lockscreen_notifications.enforced_by", None, vendor)


def _max_inactivity(record, policy, source):
    path = "screen_lock.max_inactivity_minutes"
    vendor = "%s.maximumTimeToLock" % source
    value = policy.get("maximumTimeToLock")
    if value is None:
        record.put(path, 0, vendor + " (not set: no restriction)")
        return
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        record.error(path, "vendor field %s: expected milliseconds as a string, got a %s" % (vendor, kind_of(value)))
        return
    text = str(value).strip()
    if not _MILLISECONDS.match(text):
        record.error(path, "vendor field %s: %r is not a whole number of milliseconds" % (vendor, text[:40]))
        return
    milliseconds = int(text)
    record.put(path, -(-milliseconds // 60000), vendor + (" (0: no restriction)" if milliseconds == 0 else ""))


def _signal_app_policy(record, policy, source):
    """Signal's entry in the policy's applications[] (None when absent or malformed)."""
    apps = policy.get("applications")
    if not isinstance(apps, list):
        if apps is not None:
            record.error("app_auto_update_policy", "vendor field %s.applications: expected a list, got a %s"
                         % (source, kind_of(apps)))
            return _BAD
        return None
    for position, app in enumerate(apps):
        if isinstance(app, dict) and app.get("packageName") == SIGNAL_PACKAGE:
            return position, app
    return None


def _auto_update(record, policy, source):
    path = "app_auto_update_policy"
    signal_app = _signal_app_policy(record, policy, source)
    if signal_app is _BAD:
        return
    if signal_app is not None:
        position, app = signal_app
        mode = app.get("autoUpdateMode")
        vendor = "%s.applications[%d].autoUpdateMode" % (source, position)
        if mode is not None and not isinstance(mode, str):
            record.error(path, "vendor field %s: expected a string, got a %s" % (vendor, kind_of(mode)))
            return
        if mode in _APP_UPDATE_MODE:
            record.put(path, _APP_UPDATE_MODE[mode], "%s %s" % (vendor, mode))
            return
        if mode is not None and mode not in _APP_UPDATE_MODE_DEFERRING:
            record.put(path, "unknown", "%s %s" % (vendor, mode))
            record.data["unknown_reasons"][path] = "Signal's autoUpdateMode %s is not one this collection knows" % mode
            return
    vendor = "%s.appAutoUpdatePolicy" % source
    value = policy.get("appAutoUpdatePolicy")
    if value is None:
        record.put(path, "user_choice", vendor + " (not set: the user chooses)")
    elif not isinstance(value, str):
        record.error(path, "vendor field %s: expected a string, got a %s" % (vendor, kind_of(value)))
    elif value in _APP_AUTO_UPDATE:
        record.put(path, _APP_AUTO_UPDATE[value], "%s %s" % (vendor, value))
    else:
        record.put(path, "unknown", "%s %s" % (vendor, value))
        record.data["unknown_reasons"][path] = "appAutoUpdatePolicy %s is not one this collection knows" % value
