# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Microsoft Intune through Microsoft Graph: managed iPhones, iPads and Android phones as phone records.

Options: tenant_id, client_id, client_secret (an app registration with the
application permissions DeviceManagementManagedDevices.Read.All and
DeviceManagementConfiguration.Read.All); api_url (default
https://graph.microsoft.com; national clouds use their own host) and
token_url (default https://login.microsoftonline.com/{tenant_id}/oauth2/v2.0/token).
The token comes from the OAuth 2.0 client credentials grant with the scope
"<api_url>/.default". page_size sets $top on the device listing (None:
Intune's own page size).

What is read, in a fixed number of requests (none per device):

* Devices: GET /v1.0/deviceManagement/managedDevices with $select (only
  the fields below) and one $filter=operatingSystem eq '...' pass each for
  iOS, iPadOS and Android, following @odata.nextLink to the end. Intune is
  known to ignore some filters silently, so every device is checked again
  here: anything that is not iOS/iPadOS/Android (Windows, macOS...) is
  skipped, a device seen twice is yielded once, and when a pass returns
  devices of another system (the filter was ignored) the remaining passes
  are skipped because the first one returned everything. Should Graph
  refuse a filter (HTTP 400), one unfiltered listing is read instead.
* Signal: Graph's app inventory (detectedApps) has no bundle or package id
  and no install source. Signal is found by display name ("Signal" or
  "Signal - Private Messenger", compared without case) on an iOS or Android
  platform (GET /v1.0/deviceManagement/detectedApps, one pass per name), then
  GET /detectedApps/{id}/managedDevices (paged) tells which devices have that
  version. Matching by display name is brittle: an app renamed by Signal,
  or another app called "Signal", would be missed or counted, and the
  record's evidence says so. Intune inventories unmanaged apps only on
  corporate devices: on a personal device where Signal is not listed,
  signal.visible is false and installed is unknown (listed, e.g. deployed
  by Intune, it is installed); on a corporate device Signal not listed
  means not installed (the inventory is as fresh as the device's last
  sync). Several versions listed for one device give a null version with
  the reason. On a corporate Android device with a work profile,
  Intune sees the work profile's apps only; Graph v1.0 does not say which
  Android devices are fully managed and which have a work profile, so this
  cannot be flagged per device. install_source is always null: Intune does
  not report where an app was installed from.
* Policies: GET /beta/deviceManagement/deviceConfigurations (paged) and,
  for the profile types below only, GET .../deviceConfigurations/{id}/assignments.
  Beta because the Android Enterprise device owner profile type
  (androidDeviceOwnerGeneralDeviceConfiguration) exists only in Graph beta;
  the iOS types read the same there. Unassigned profiles are ignored.

Which profile applies to which device, kept simple and honest: Graph has
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

import re

from ansible.module_utils.six.moves.urllib.parse import quote, urlsplit

from ansible_collections.hardening.signal.plugins.module_utils.mdm.auth import ClientCredentials
from ansible_collections.hardening.signal.plugins.module_utils.mdm.http import HttpClient, MdmHttpError, check_url

TYPE = "intune"
REQUIRED = ("tenant_id", "client_id", "client_secret")
DEFAULT_API_URL = "https://graph.microsoft.com"
DEFAULT_TOKEN_URL = "https://login.microsoftonline.com/{tenant_id}/oauth2/v2.0/token"

DEVICE_OS_PASSES = ("iOS", "iPadOS", "Android")
DEVICE_FIELDS = ("id", "deviceName", "operatingSystem", "osVersion", "model", "serialNumber", "userPrincipalName",
                 "userDisplayName", "emailAddress", "managedDeviceOwnerType", "isSupervised", "lastSyncDateTime")
SIGNAL_DISPLAY_NAMES = ("Signal", "Signal - Private Messenger")
SIGNAL_IOS_BUNDLE = "org.whispersystems.signal"
MAX_PAGE_SIZE = 1000
# Every paging loop stops here at the latest (10^8 items at Intune's page size).
MAX_PAGES = 100000

_TENANT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.-]{0,253}$")
_VERSION = re.compile(r"^[0-9]+(\.[0-9]+){0,3}$")
_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
_NEVER = "0001-01-01T00:00:00Z"

# detectedApp.platform values of computers (Signal Desktop); ios, android* and unknown/absent are kept.
_APP_PLATFORMS_OTHER = ("windows", "windowsmobile", "windowsholographic", "macos", "chromeos")
_OWNERSHIP = {"company": "corporate", "personal": "personal", "unknown": "unknown"}
_AUTO_UPDATE = {"userChoice": "user_choice", "never": "never", "wiFiOnly": "wifi_only", "always": "always"}
_KEYGUARD_HIDES = ("notifications", "unredactednotifications", "allfeatures")

_IOS_GENERAL = "#microsoft.graph.iosGeneralDeviceConfiguration"
_IOS_FEATURES = "#microsoft.graph.iosDeviceFeaturesConfiguration"
_ANDROID_OWNER = "#microsoft.graph.androidDeviceOwnerGeneralDeviceConfiguration"
_PROFILE_TYPES = (_IOS_GENERAL, _IOS_FEATURES, _ANDROID_OWNER)

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


# --------------------------------------------------------------------------- connection

def connect(options, policy, stats):
    """An HttpClient with the Microsoft identity platform token provider; no request is made yet."""
    name = options.get("name") or TYPE
    client = HttpClient(name, policy=policy, secrets=[options.get("client_secret")], stats=stats)
    for key in REQUIRED:
        value = options.get(key)
        if not isinstance(value, str) or not value.strip():
            raise client.fail("option %s is required for an Intune source" % key)
    if not _TENANT.match(options["tenant_id"]):
        raise client.fail("option tenant_id must be the directory (tenant) id or a verified domain name, "
                          "letters, digits, dots and dashes only")
    page_size = options.get("page_size")
    if page_size is not None and (isinstance(page_size, bool) or not isinstance(page_size, int)
                                  or not 1 <= page_size <= MAX_PAGE_SIZE):
        raise client.fail("option page_size must be a whole number from 1 to %d" % MAX_PAGE_SIZE)
    api_url = _api_url(options)
    token_url = options.get("token_url") or DEFAULT_TOKEN_URL.format(**options)
    for option, url in (("api_url", api_url), ("token_url", token_url)):
        try:
            check_url(url)
        except MdmHttpError as exc:
            raise client.fail("option %s: %s" % (option, exc))
    client.token_provider = ClientCredentials(client, token_url, options["client_id"], options["client_secret"],
                                              scope="%s/.default" % api_url)
    return client


def _api_url(options):
    return (options.get("api_url") or DEFAULT_API_URL).rstrip("/")


# --------------------------------------------------------------------------- paging

def _query(params):
    """A query string that keeps Graph's $ names and quotes readable."""
    parts = []
    for key, value in params:
        if value is None:
            continue
        parts.append("%s=%s" % (key, quote(str(value), safe="',()")))
    return "?" + "&".join(parts) if parts else ""


def _get(client, url, permission):
    try:
        return client.request_json("GET", url)
    except MdmHttpError as exc:
        if exc.status != 403:
            raise
        text, prefix = str(exc), "%s: " % client.source_name
        text = text[len(prefix):] if text.startswith(prefix) else text
        raise client.fail("%s (the app registration needs the application permission %s, with admin consent)"
                          % (text, permission), status=403, url=exc.url)


def _pages(client, url, api_url, permission):
    """Each page's 'value' list, following @odata.nextLink (absolute, same host only) to the end."""
    origin = urlsplit(api_url)[:2]
    followed = set()
    for dummy in range(MAX_PAGES):
        body = _get(client, url, permission)
        client.stats.pages += 1
        if not isinstance(body, dict) or not isinstance(body.get("value"), list):
            raise client.fail("GET %s answered JSON without a 'value' list, not a Graph collection" % url, url=url)
        yield body["value"]
        link = body.get("@odata.nextLink")
        if link is None:
            return
        if not isinstance(link, str) or not link:
            raise client.fail("GET %s answered an @odata.nextLink that is not a URL: %r" % (url, link), url=url)
        if urlsplit(link)[:2] != origin:
            raise client.fail("GET %s answered an @odata.nextLink to another host (%s); not following it with the "
                              "token" % (url, link), url=url)
        if link in followed:
            raise client.fail("GET %s answered an @odata.nextLink already followed (%s); stopping a paging loop"
                              % (url, link), url=url)
        followed.add(link)
        url = link
    raise client.fail("stopped after %d pages from %s" % (MAX_PAGES, url), url=url)


def _filtered(client, url, api_url, field, values, extra, permission):
    """Items from one $filter=field eq 'value' pass per value, each id once.

    Intune ignores some filters silently. An item whose field holds another
    value means the filter was ignored: that pass returned everything, so
    the remaining passes are skipped. A filter Graph refuses (HTTP 400) is
    dropped: one unfiltered listing is read instead and filtered here.
    """
    seen = set()
    for value in values:
        params = [("$filter", "%s eq '%s'" % (field, value.replace("'", "''")))] + list(extra)
        pages = _pages(client, url + _query(params), api_url, permission)
        try:
            first = next(pages, None)
        except MdmHttpError as exc:
            if exc.status != 400:
                raise
            pages, first, value = _pages(client, url + _query(extra), api_url, permission), None, None
        everything = value is None
        for page in _chain(first, pages):
            for item in page:
                if isinstance(item, dict):
                    got = item.get(field)
                    if value is not None and isinstance(got, str) and got.lower() != value.lower():
                        everything = True
                    key = item.get("id")
                    if isinstance(key, str) and key:
                        if key in seen:
                            continue
                        seen.add(key)
                yield item
        if everything:
            return


def _chain(first, pages):
    if first is not None:
        yield first
    yield from pages


# --------------------------------------------------------------------------- Signal inventory

class _Signal(object):
    """Which devices Intune lists Signal on, with the versions listed."""

    def __init__(self):
        self.by_device = {}
        self.problem = None

    def add(self, device_id, version, evidence):
        self.by_device.setdefault(device_id, []).append((version, evidence))


def _signal_inventory(client, api_url):
    signal = _Signal()
    names = set(n.lower() for n in SIGNAL_DISPLAY_NAMES)
    apps = []
    base = api_url + "/v1.0/deviceManagement/detectedApps"
    for app in _filtered(client, base, api_url, "displayName", SIGNAL_DISPLAY_NAMES,
                         [("$select", "id,displayName,version,platform")], "DeviceManagementManagedDevices.Read.All"):
        if not isinstance(app, dict):
            continue
        name = app.get("displayName")
        if not isinstance(name, str) or name.strip().lower() not in names:
            continue
        platform = app.get("platform")
        if isinstance(platform, str) and platform.lower() in _APP_PLATFORMS_OTHER:
            continue  # Signal Desktop on Windows or macOS
        app_id = app.get("id")
        if not isinstance(app_id, str) or not app_id:
            signal.problem = "vendor field detectedApps.id: a Signal entry (%r) has no usable id" % name
            continue
        apps.append(app)
    for app in apps:
        platform = app.get("platform") or "not given"
        evidence = ("detectedApps '%s' (platform %s, version %s) -> managedDevices; matched by display name, which "
                    "is brittle: Graph lists no bundle or package id" % (app["displayName"], platform, app.get("version")))
        url = "%s/v1.0/deviceManagement/detectedApps/%s/managedDevices" % (api_url, quote(app["id"], safe=""))
        for page in _pages(client, url + _query([("$select", "id")]), api_url,
                           "DeviceManagementManagedDevices.Read.All"):
            for device in page:
                device_id = device.get("id") if isinstance(device, dict) else None
                if isinstance(device_id, str) and device_id:
                    signal.add(device_id, app.get("version"), evidence)
    return signal


def _signal_facts(record, device_id, ownership, signal, errors):
    found = signal.by_device.get(device_id, [])
    reasons, raw = record["unknown_reasons"], record["raw_fields"]
    facts = {"visible": None, "installed": None, "version": None, "install_source": None}
    reasons["signal.install_source"] = _REASONS["install_source"]
    if found:
        facts.update(visible=True, installed=True)
        raw["signal.installed"] = found[0][1]
        versions = []
        for version, dummy in found:
            if version is not None and version not in versions:
                versions.append(version)
        if len(versions) > 1:
            reasons["signal.version"] = ("Intune lists several Signal versions for this device (%s): its app "
                                         "inventory is mixed or stale" % ", ".join(str(v) for v in versions))
        elif versions and isinstance(versions[0], str) and _VERSION.match(versions[0].strip()):
            facts["version"] = versions[0].strip()
            raw["signal.version"] = "detectedApps.version"
        elif versions:
            errors["signal.version"] = "vendor field detectedApps.version: %r is not a version number" % (versions[0],)
        else:
            reasons["signal.version"] = "Intune lists Signal on this device without a version"
    elif ownership == "corporate":
        facts["visible"] = True
        if signal.problem:
            errors["signal.installed"] = signal.problem
        else:
            facts["installed"] = False
            raw["signal.installed"] = ("detectedApps: no iOS/Android app named %s lists this device (matched by "
                                       "display name, which is brittle)" % " or ".join(repr(n) for n in SIGNAL_DISPLAY_NAMES))
    elif ownership == "personal":
        facts["visible"] = False
        reasons["signal.installed"] = _REASONS["personal_signal"]
    else:
        reasons["signal.installed"] = _REASONS["unknown_owner_signal"]
    record["signal"] = facts


# --------------------------------------------------------------------------- profiles

class _Profile(object):
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


def _profiles(client, api_url):
    """The assigned profiles of the types read here, by type."""
    found = {kind: [] for kind in _PROFILE_TYPES}
    base = api_url + "/beta/deviceManagement/deviceConfigurations"
    raws = []
    for page in _pages(client, base, api_url, "DeviceManagementConfiguration.Read.All"):
        for raw in page:
            if isinstance(raw, dict) and raw.get("@odata.type") in _PROFILE_TYPES:
                if not isinstance(raw.get("id"), str) or not raw["id"]:
                    raise client.fail("GET %s answered a %s without an id; its assignments cannot be read"
                                      % (base, raw["@odata.type"]))
                raws.append(raw)
    for raw in raws:
        assignments = []
        url = "%s/%s/assignments" % (base, quote(raw["id"], safe=""))
        for page in _pages(client, url, api_url, "DeviceManagementConfiguration.Read.All"):
            assignments.extend(page)
        profile = _Profile(raw, assignments)
        if profile.scope is not None:
            found[profile.type].append(profile)
    return found


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _ios_max_inactivity(profile):
    raw = profile.raw
    if raw.get("passcodeRequired") is not True:
        return None  # Intune sends the passcode settings only with a required passcode
    timeout, grace = raw.get("passcodeMinutesOfInactivityBeforeScreenTimeout"), raw.get("passcodeMinutesOfInactivityBeforeLock")
    timeout_field = profile.label("passcodeMinutesOfInactivityBeforeScreenTimeout")
    if timeout is None:
        return None
    if not _is_int(timeout) or timeout < 0:
        return ("bad", "vendor field %s: %r is not a number of minutes" % (timeout_field, timeout))
    if timeout == 0:
        return ("unknown", "%s is 0, which Intune uses both for 'Immediately' and for no limit" % timeout_field)
    if grace is None or grace == 0:
        return ("ok", timeout, timeout_field)
    if not _is_int(grace) or grace < 0:
        return ("bad", "vendor field %s: %r is not a number of minutes"
                % (profile.label("passcodeMinutesOfInactivityBeforeLock"), grace))
    return ("ok", timeout + grace, "%s + passcodeMinutesOfInactivityBeforeLock (grace period before the passcode "
            "is required)" % timeout_field)


def _android_max_inactivity(profile):
    value = profile.raw.get("passwordMinutesOfInactivityBeforeScreenTimeout")
    field = profile.label("passwordMinutesOfInactivityBeforeScreenTimeout")
    if value is None:
        return None
    if not _is_int(value) or value < 0:
        return ("bad", "vendor field %s: %r is not a number of minutes" % (field, value))
    if value == 0:
        return ("unknown", "%s is 0, which Intune uses both for 'Immediately' and for no limit" % field)
    return ("ok", value, field)


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
    return values.pop(), sure[0][1][2], None, None


def _apply(record, path, result, errors, raw_key=True):
    value, evidence, reason, error = result
    if error:
        errors[path] = error
    elif reason:
        record["unknown_reasons"][path] = reason
    elif raw_key:
        record["raw_fields"][path] = evidence
    return value


def _notifications(record, notes, result, errors):
    notes["hides_content"] = _apply(record, "lockscreen_notifications.hides_content", result, errors, raw_key=False)
    if notes["hides_content"] is not None:
        notes["enforced_by"] = result[1]
        record["raw_fields"]["lockscreen_notifications.hides_content"] = result[1]


def _policy_facts(record, device, profiles, errors):
    reasons = record["unknown_reasons"]
    screen = {"passcode_present": None, "passcode_compliant": None, "max_inactivity_minutes": None}
    notes = {"hides_content": None, "enforced_by": None}
    reasons["screen_lock.passcode_present"] = _REASONS["passcode_present"]
    reasons["screen_lock.passcode_compliant"] = _REASONS["passcode_compliant"]
    record["app_auto_update_policy"] = None
    if device["platform"] == "ios":
        screen["max_inactivity_minutes"] = _apply(record, "screen_lock.max_inactivity_minutes", _resolve(
            profiles[_IOS_GENERAL], "iOS device restrictions (iosGeneralDeviceConfiguration)", device,
            _ios_max_inactivity, "the auto-lock time (passcodeMinutesOfInactivityBeforeScreenTimeout with a required "
            "passcode)"), errors)
        reasons["app_auto_update_policy"] = _REASONS["ios_auto_update"]
        if device["supervised"] is True:
            _notifications(record, notes, _resolve(
                profiles[_IOS_FEATURES], "iOS device features (iosDeviceFeaturesConfiguration)", device,
                _ios_notifications, "notification settings for %s" % SIGNAL_IOS_BUNDLE), errors)
        else:
            key = "ios_unsupervised" if device["supervised"] is False else "ios_supervision_unknown"
            reasons["lockscreen_notifications.hides_content"] = _REASONS[key]
    elif device["ownership"] != "corporate":
        why = _REASONS["android_personal" if device["ownership"] == "personal" else "android_unknown_owner"]
        for path in ("screen_lock.max_inactivity_minutes", "lockscreen_notifications.hides_content",
                     "app_auto_update_policy"):
            reasons[path] = why
    else:
        kind = "Android device owner restrictions (androidDeviceOwnerGeneralDeviceConfiguration)"
        owner = profiles[_ANDROID_OWNER]
        screen["max_inactivity_minutes"] = _apply(record, "screen_lock.max_inactivity_minutes", _resolve(
            owner, kind, device, _android_max_inactivity, "the screen timeout "
            "(passwordMinutesOfInactivityBeforeScreenTimeout)"), errors)
        record["app_auto_update_policy"] = _apply(record, "app_auto_update_policy", _resolve(
            owner, kind, device, _android_auto_update, "app auto-update (appsAutoUpdatePolicy)"), errors)
        _notifications(record, notes, _resolve(owner, kind, device, _android_keyguard, "lock-screen keyguard "
                                               "features (passwordBlockKeyguardFeatures)"), errors)
    record["screen_lock"] = screen
    record["lockscreen_notifications"] = notes


# --------------------------------------------------------------------------- devices

def _platform(operating_system):
    text = operating_system.strip().lower()
    if text in ("ios", "ipados"):
        return "ios"
    if text.startswith("android"):
        return "android"
    return None


def _string(device, field, path, record, errors, maxlen):
    """The vendor string (None when absent or empty); a wrong type or an overlong value goes to errors."""
    value = device.get(field)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        errors[path] = "vendor field managedDevices.%s: %r is not a string" % (field, value)
        return None
    if len(value) > maxlen:
        errors[path] = "vendor field managedDevices.%s: longer than %d characters" % (field, maxlen)
        return None
    record["raw_fields"][path] = "managedDevices.%s" % field
    return value


def _normalize(device, signal, profiles):
    """(label, record or None, [(field, message)])."""
    errors = {}
    device_id = device.get("id") if isinstance(device, dict) else None
    if not isinstance(device, dict):
        return "managedDevices item", None, [(None, "a managedDevices item is not a JSON object: %r" % (device,))]
    if not isinstance(device_id, str) or not device_id.strip() or len(device_id) > 256:
        name = device.get("deviceName")
        label = "managedDevices item (deviceName %s)" % (name if isinstance(name, str) else "not given")
        return label, None, [("id", "vendor field managedDevices.id: %r is not a usable device id" % (device_id,))]
    label = "managedDevices id %s" % device_id
    operating_system = device.get("operatingSystem")
    if not isinstance(operating_system, str):
        return label, None, [("platform", "vendor field managedDevices.operatingSystem: %r is not a string"
                              % (operating_system,))]
    platform = _platform(operating_system)
    if platform is None:
        return label, "skip", []
    record = {"id": device_id, "platform": platform, "unknown_reasons": {}, "raw_fields": {}, "errors": errors}
    record["raw_fields"].update({"id": "managedDevices.id", "platform": "managedDevices.operatingSystem"})
    record["name"] = _string(device, "deviceName", "name", record, errors, 256)
    record["os_version"] = _string(device, "osVersion", "os_version", record, errors, 64)
    record["model"] = _string(device, "model", "model", record, errors, 256)
    record["serial"] = _string(device, "serialNumber", "serial", record, errors, 128)
    record["owner"] = {"upn": _string(device, "userPrincipalName", "owner.upn", record, errors, 320),
                       "name": _string(device, "userDisplayName", "owner.name", record, errors, 256),
                       "email": _string(device, "emailAddress", "owner.email", record, errors, 320)}
    owner_type = device.get("managedDeviceOwnerType")
    record["ownership"] = None
    if owner_type in _OWNERSHIP:
        record["ownership"] = _OWNERSHIP[owner_type]
        record["raw_fields"]["ownership"] = "managedDevices.managedDeviceOwnerType"
    elif owner_type is None:
        record["unknown_reasons"]["ownership"] = "Intune did not report managedDeviceOwnerType"
    else:
        errors["ownership"] = ("vendor field managedDevices.managedDeviceOwnerType: %r is not one of company, "
                               "personal, unknown" % (owner_type,))
    supervised = device.get("isSupervised")
    record["supervised"] = None
    if platform == "ios":
        if isinstance(supervised, bool):
            record["supervised"] = supervised
            record["raw_fields"]["supervised"] = "managedDevices.isSupervised"
        elif supervised is not None:
            errors["supervised"] = "vendor field managedDevices.isSupervised: %r is not true or false" % (supervised,)
    synced = device.get("lastSyncDateTime")
    record["last_checkin"] = None
    if synced == _NEVER or synced is None:
        record["unknown_reasons"]["last_checkin"] = "Intune reports no completed sync for this device"
    elif isinstance(synced, str) and _DATE_TIME.match(synced):
        record["last_checkin"] = synced
        record["raw_fields"]["last_checkin"] = "managedDevices.lastSyncDateTime"
    else:
        errors["last_checkin"] = "vendor field managedDevices.lastSyncDateTime: %r is not a date and time" % (synced,)
    record_errors = list(errors.items())  # the device record's own problems, before shared data is added
    _signal_facts(record, device_id, record["ownership"], signal, errors)
    upn = device.get("userPrincipalName")
    context = {"platform": platform, "ownership": record["ownership"], "supervised": record["supervised"],
               "has_user": (True if isinstance(upn, str) and upn else False if upn in (None, "") else None)}
    _policy_facts(record, context, profiles, errors)
    record["last_boot"] = None
    record["unknown_reasons"]["last_boot"] = _REASONS["last_boot"]
    return label, record, record_errors


def iter_records(client, options):
    """Yield (label, record, errors) for every iOS, iPadOS and Android device Intune manages."""
    api_url = _api_url(options)
    signal = _signal_inventory(client, api_url)
    profiles = _profiles(client, api_url)
    extra = [("$select", ",".join(DEVICE_FIELDS)), ("$top", options.get("page_size"))]
    base = api_url + "/v1.0/deviceManagement/managedDevices"
    for device in _filtered(client, base, api_url, "operatingSystem", DEVICE_OS_PASSES, extra,
                            "DeviceManagementManagedDevices.Read.All"):
        label, record, errors = _normalize(device, signal, profiles)
        if record == "skip":
            continue
        yield label, record, errors
