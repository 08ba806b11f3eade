# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Android Management API source: Google's EMM API for Android Enterprise, read with a service account.

Options: enterprise_id (``LC01abcd`` or ``enterprises/LC01abcd``) and
service_account_file (a Google service-account JSON key with
``client_email``, ``private_key`` and usually ``token_uri``; the key never
leaves this process except as a signed assertion, and it is redacted from
every message). page_size defaults to the API's maximum, 100; larger
values are lowered to 100 (the API would coerce them anyway).

Token: Google's JWT bearer grant (auth.GoogleServiceAccount), scope
``https://www.googleapis.com/auth/androidmanagement``. Token URL: an
explicit ``token_url`` option wins; when the option is left at
DEFAULT_TOKEN_URL, the key file's ``token_uri`` is used (Google's own
client libraries do the same, and it is the audience the key was issued
for); without either, DEFAULT_TOKEN_URL.

Requests: ``GET {api}/v1/enterprises/{e}/devices?pageSize=100&pageToken=...``
with a ``fields`` mask naming only what is read below (application
reports carry events, hashes and certificates that would multiply the
transfer), following ``nextPageToken`` to the end; and one
``GET {api}/v1/{appliedPolicyName}`` per distinct policy, cached for the
pull. No request per device. A policy answering 403 or 404 does not stop
the pull: the values that come from it are unknown on its devices, with
the reason; every other failure raises MdmHttpError.

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
* screen_lock.passcode_compliant: false when ``nonComplianceDetails`` has a
  passwordPolicies/passwordRequirements entry with reason USER_ACTION (the
  user has not set a passcode that meets them); unknown when such an entry
  has another reason (PENDING, API_LEVEL, MANAGEMENT_MODE...: the
  requirement is not in force, so nothing says the passcode meets it);
  unknown when no password requirement applies to the device (the
  device's ``appliedPasswordPolicies``, else the policy's
  ``passwordPolicies``/``passwordRequirements``); unknown on a
  work-profile device whose requirements are not ``passwordScope``
  SCOPE_DEVICE (they then guard the work profile only) unless Signal is
  in the work profile; otherwise true when ``policyCompliant`` is true
  or the non-compliance list names other settings only, and unknown when
  the device reports neither.
* last_boot: the newest ``powerManagementEvents[]`` BOOT_COMPLETED
  ``createTime``; unknown when power events are not reported (the policy
  must set ``statusReportingSettings.powerManagementEventsEnabled``, and the
  API reports them for company-owned devices only) or hold no boot.

Fields documented in the Android Management API reference (v1) and its
generated client libraries. Values of the wrong type are left out and
named in errors, never guessed; the device is still yielded.
"""

from __future__ import annotations

import json
import re
from datetime import datetime

from ansible.module_utils.six.moves.urllib.parse import quote, urlencode

from ansible_collections.hardening.signal.plugins.module_utils.mdm.auth import GoogleServiceAccount
from ansible_collections.hardening.signal.plugins.module_utils.mdm.http import HttpClient, MdmHttpError, check_url

TYPE = "android_management"
REQUIRED = ("enterprise_id", "service_account_file")
DEFAULT_API_URL = "https://androidmanagement.googleapis.com"
DEFAULT_TOKEN_URL = "https://oauth2.googleapis.com/token"

SCOPE = "https://www.googleapis.com/auth/androidmanagement"
SIGNAL_PACKAGE = "org.thoughtcrime.securesms"
PLAY_STORE_INSTALLER = "com.android.vending"
MAX_PAGE_SIZE = 100
MAX_PAGES = 100000  # a hard bound on the walk: 10 million devices at 100 a page

# Partial response: only what _normalize reads (Google APIs' standard `fields` parameter).
DEVICE_FIELDS = (
    "nextPageToken,devices(name,appliedPolicyName,appliedPolicyVersion,appliedPasswordPolicies,policyCompliant,"
    "nonComplianceDetails,ownership,managementMode,lastStatusReportTime,hardwareInfo(model,serialNumber),"
    "softwareInfo(androidVersion),deviceSettings(isDeviceSecure),user(accountIdentifier),"
    "powerManagementEvents(eventType,createTime),"
    "applicationReports(packageName,versionName,state,installerPackageName,applicationSource))"
)

_ENTERPRISE_ID = re.compile(r"^[A-Za-z0-9_-]{1,128}$")
_POLICY_NAME = re.compile(r"^enterprises/[A-Za-z0-9_-]{1,128}/policies/[A-Za-z0-9._~-]{1,256}$")
_VERSION = re.compile(r"^[0-9]+(\.[0-9]+){0,3}$")
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$")
_MILLISECONDS = re.compile(r"^[0-9]{1,18}$")

_OWNERSHIP = {"COMPANY_OWNED": "corporate", "PERSONALLY_OWNED": "personal"}
_APP_AUTO_UPDATE = {"CHOICE_TO_THE_USER": "user_choice", "APP_AUTO_UPDATE_POLICY_UNSPECIFIED": "user_choice",
                    "NEVER": "never", "WIFI_ONLY": "wifi_only", "ALWAYS": "always"}
_APP_UPDATE_MODE = {"AUTO_UPDATE_HIGH_PRIORITY": "always", "AUTO_UPDATE_POSTPONED": "never"}
_APP_UPDATE_MODE_DEFERRING = ("AUTO_UPDATE_DEFAULT", "AUTO_UPDATE_MODE_UNSPECIFIED")
_HIDING_KEYGUARD_FEATURES = ("NOTIFICATIONS", "UNREDACTED_NOTIFICATIONS", "ALL_FEATURES")
_PASSWORD_SETTINGS = ("passwordPolicies", "passwordRequirements")
_NO_PASSWORD_QUALITY = (None, "PASSWORD_QUALITY_UNSPECIFIED")

# Policy-derived values that, on a work-profile device, govern the work profile only.
_WORK_PROFILE_SCOPED = ("lockscreen_notifications.hides_content", "screen_lock.max_inactivity_minutes",
                        "app_auto_update_policy")


# ---------------------------------------------------------------------------------------------------------------------
# Options and connection


def enterprise_id(options):
    """The bare enterprise id from the option (``LC01abcd`` or ``enterprises/LC01abcd``); None when unusable."""
    value = options.get("enterprise_id")
    if not isinstance(value, str):
        return None
    value = value.strip()
    if value.startswith("enterprises/"):
        value = value[len("enterprises/"):]
    return value if _ENTERPRISE_ID.match(value) else None


def _pem_lines(private_key):
    """The base64 lines of a PEM key: redacted one by one too, should any message carry a fragment."""
    return [line.strip() for line in private_key.splitlines()
            if len(line.strip()) >= 16 and not line.startswith("-----")]


def read_service_account(client, path):
    """The parsed key file, checked; fails naming the option and the path, never the key's content."""
    if not isinstance(path, str) or not path.strip():
        raise client.fail("option service_account_file is required (the path of a Google service-account JSON key)")
    try:
        with open(path, "rb") as handle:
            raw = handle.read(1024 * 1024)
    except OSError as exc:
        raise client.fail("option service_account_file: %s cannot be read: %s" % (path, exc.strerror or type(exc).__name__))
    try:
        info = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        # The parser's message could quote the file: say only where it broke.
        raise client.fail("option service_account_file: %s is not a JSON service-account key" % path)
    if not isinstance(info, dict):
        raise client.fail("option service_account_file: %s is not a JSON service-account key (not an object)" % path)
    private_key = info.get("private_key")
    if isinstance(private_key, str) and private_key:
        client.add_secret(private_key)
        for line in _pem_lines(private_key):
            client.add_secret(line)
    for field in ("client_email", "private_key"):
        if not isinstance(info.get(field), str) or not info.get(field).strip():
            raise client.fail("option service_account_file: %s has no %s" % (path, field))
    if info.get("type") not in (None, "service_account"):
        raise client.fail("option service_account_file: %s is a %r key, not a service_account key"
                          % (path, str(info.get("type"))[:40]))
    token_uri = info.get("token_uri")
    if token_uri is not None and (not isinstance(token_uri, str) or not token_uri.strip()):
        raise client.fail("option service_account_file: %s has a token_uri that is not a URL" % path)
    try:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa
    except ImportError:
        raise client.fail("option service_account_file: signing with the key needs the Python package cryptography")
    try:
        key = serialization.load_pem_private_key(private_key.encode("utf-8"), password=None)
    except (ValueError, TypeError):
        raise client.fail("option service_account_file: the private_key in %s is not a readable PEM key" % path)
    except Exception:  # pylint: disable=broad-except  # some backends raise their own errors: never echo them
        raise client.fail("option service_account_file: the private_key in %s is not a readable PEM key" % path)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise client.fail("option service_account_file: the private_key in %s is not an RSA key" % path)
    return info


def token_url_for(options, info):
    """An explicit token_url wins; left at the default, the key's token_uri (its own audience); else the default."""
    configured = options.get("token_url")
    if configured and configured != DEFAULT_TOKEN_URL:
        return configured
    token_uri = info.get("token_uri")
    if isinstance(token_uri, str) and token_uri.strip():
        return token_uri.strip()
    return configured or DEFAULT_TOKEN_URL


def connect(options, policy, stats):
    """-> HttpClient with a Google service-account token provider (no request made yet)."""
    name = options.get("name") or TYPE
    client = HttpClient(name, policy=policy, stats=stats)
    if not options.get("enterprise_id"):
        raise client.fail("option enterprise_id is required (the enterprise, e.g. LC01abcd or enterprises/LC01abcd)")
    if enterprise_id(options) is None:
        raise client.fail("option enterprise_id: %r is not an enterprise id (letters, digits, '-' and '_')"
                          % str(options.get("enterprise_id"))[:80])
    info = read_service_account(client, options.get("service_account_file"))
    token_url = token_url_for(options, info)
    api_url = options.get("api_url") or DEFAULT_API_URL
    token_from = "option token_url" if token_url == options.get("token_url") else "the token_uri of service_account_file"
    for what, url in ((token_from, token_url), ("option api_url", api_url)):
        try:
            check_url(url)
        except MdmHttpError as exc:
            raise client.fail("%s: %s" % (what, exc))
    _page_size(client, options)
    client.token_provider = GoogleServiceAccount(client, info, SCOPE, token_url=token_url)
    return client


def _page_size(client, options):
    value = options.get("page_size")
    if value is None:
        return MAX_PAGE_SIZE
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise client.fail("option page_size: %r is not a positive whole number" % (value,))
    return min(value, MAX_PAGE_SIZE)


# ---------------------------------------------------------------------------------------------------------------------
# Pulling


def _devices_url(api_url, enterprise, page_size, page_token):
    query = [("pageSize", str(page_size)), ("fields", DEVICE_FIELDS)]
    if page_token:
        query.append(("pageToken", page_token))
    return "%s/v1/enterprises/%s/devices?%s" % (api_url.rstrip("/"), quote(enterprise, safe=""), urlencode(query))


def iter_records(client, options):
    """Yield (label, record, errors) for every device of the enterprise, page after page."""
    enterprise = enterprise_id(options)
    if enterprise is None:
        raise client.fail("option enterprise_id: not an enterprise id")
    api_url = (options.get("api_url") or DEFAULT_API_URL).rstrip("/")
    page_size = _page_size(client, options)
    policies = _PolicyCache(client, api_url)
    seen_tokens = set()
    page_token = None
    page = 0
    while True:
        if page >= MAX_PAGES:
            raise client.fail("stopped after %d pages of devices: the paging does not end" % MAX_PAGES)
        url = _devices_url(api_url, enterprise, page_size, page_token)
        body = client.request_json("GET", url)
        client.stats.pages += 1
        if not isinstance(body, dict):
            raise client.fail("GET %s answered a %s, not a list-devices object" % (url, _kind(body)), url=url)
        devices = body.get("devices")
        devices = [] if devices is None else devices  # an empty page omits the field
        if not isinstance(devices, list):
            raise client.fail("GET %s answered devices as a %s, not a list" % (url, _kind(devices)), url=url)
        for index, device in enumerate(devices):
            yield _device(device, page, index, policies)
        page_token = body.get("nextPageToken")
        if page_token in (None, ""):
            return
        if not isinstance(page_token, str):
            raise client.fail("GET %s answered a nextPageToken that is a %s, not a string" % (url, _kind(page_token)), url=url)
        if page_token in seen_tokens:
            raise client.fail("GET %s answered a nextPageToken it had given before: the paging loops" % url, url=url)
        seen_tokens.add(page_token)
        page += 1


def _device(device, page, index, policies):
    where = "devices page %d item %d" % (page + 1, index + 1)
    if not isinstance(device, dict):
        message = "a device must be a JSON object, got a %s" % _kind(device)
        return where, None, [(None, message)]
    name = device.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > 256:
        message = "vendor field name: %s" % ("missing" if name is None else "not a usable device name (%s)" % _kind(name))
        return where, None, [("id", message)]
    record = _Record(name)
    _normalize(device, record, policies)
    return "devices name %s" % name, record.data, record.problems


class _PolicyCache(object):
    """Each distinct applied policy, read once per pull."""

    def __init__(self, client, api_url):
        self.client = client
        self.api_url = api_url
        self.policies = {}

    def get(self, name):
        """(policy dict or None, why it is missing)."""
        if name not in self.policies:
            url = "%s/v1/%s" % (self.api_url, name)
            try:
                body = self.client.request_json("GET", url)
            except MdmHttpError as exc:
                if exc.status not in (403, 404):
                    raise
                self.policies[name] = (None, "the policy %s could not be read (HTTP %d)" % (name, exc.status))
            else:
                if isinstance(body, dict):
                    self.policies[name] = (body, None)
                else:
                    self.policies[name] = (None, "the policy %s answered a %s, not a policy" % (name, _kind(body)))
        return self.policies[name]


# ---------------------------------------------------------------------------------------------------------------------
# Normalizing one device


_KEYS = {}  # dotted path -> its keys (a few dozen paths, split once per pull rather than per device)


class _Record(object):
    def __init__(self, device_id):
        self.data = {"id": device_id, "platform": "android", "raw_fields": {"id": "devices.name"},
                     "unknown_reasons": {}, "errors": {}}
        self.problems = []

    def _place(self, path, value):
        keys = _KEYS.get(path)
        if keys is None:
            keys = _KEYS[path] = tuple(path.split("."))
        node = self.data
        for key in keys[:-1]:
            child = node.get(key)
            if child is None:
                child = node[key] = {}
            node = child
        node[keys[-1]] = value

    def put(self, path, value, source):
        self._place(path, value)
        self.data["raw_fields"][path] = source

    def unknown(self, path, reason, source=None):
        self._place(path, None)
        self.data["unknown_reasons"][path] = reason
        if source:
            self.data["raw_fields"][path] = source

    def error(self, path, message):
        """The vendor value was malformed: the normalized value is left out and the problem named."""
        keys = path.split(".")
        node = self.data
        for key in keys[:-1]:
            node = node.setdefault(key, {})
        node.pop(keys[-1], None)
        self.data["errors"][path] = message
        self.data["unknown_reasons"].pop(path, None)
        self.problems.append((path, message))

    def vendor_error(self, field, message):
        """A malformed vendor field that feeds no single normalized value (or feeds it only in part)."""
        self.data["errors"][field] = message
        self.problems.append((field, message))

    def has(self, path):
        return path in self.data["errors"] or path in self.data["raw_fields"] or path in self.data["unknown_reasons"]


_BAD = object()


def _kind(value):
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
        record.error(path, "vendor field %s: expected %s, got a %s" % (vendor, want, _kind(value)))
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


def _normalize(device, record, policies):
    hardware = _object(record, device, "hardwareInfo", ("model", "serial"))
    software = _object(record, device, "softwareInfo", ("os_version",))
    settings = _object(record, device, "deviceSettings", ("screen_lock.passcode_present",))
    user = _object(record, device, "user", ("owner.upn",))

    _string(record, software, "androidVersion", "os_version", "softwareInfo.androidVersion",
            "softwareInfo is not reported (statusReportingSettings.softwareInfoEnabled is off in the policy)", 64)
    _string(record, hardware, "model", "model", "hardwareInfo.model", "hardwareInfo.model is not reported", 256)
    _string(record, hardware, "serialNumber", "serial", "hardwareInfo.serialNumber",
            "hardwareInfo.serialNumber is not reported", 128)
    _owner(record, user)
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
    _passcode_compliant(record, device, policy, policy_missing, work_profile, in_work_profile)

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


def _owner(record, user):
    if user is _BAD:
        return
    account = _typed(record, user, "accountIdentifier", (str,), "user.accountIdentifier", ("owner.upn",))
    if account is _BAD:
        return
    if account and account.strip() and len(account) <= 320:
        record.put("owner.upn", account, "user.accountIdentifier")
    elif account and len(account) > 320:
        record.error("owner.upn", "vendor field user.accountIdentifier: longer than 320 characters")
    else:
        record.unknown("owner.upn", "the device reports no user.accountIdentifier")
    record.unknown("owner.name", "the Android Management API reports no user name")
    record.unknown("owner.email", "the Android Management API reports no e-mail address (user.accountIdentifier "
                   "is an id chosen by the EMM)")


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
    """(True for a work profile, False when fully managed, None when not known; a note when not known)."""
    mode = device.get("managementMode")
    if mode is not None and not isinstance(mode, str):
        record.vendor_error("managementMode", "vendor field managementMode: expected a string, got a %s" % _kind(mode))
        mode = None
    if mode == "DEVICE_OWNER":
        return False, None
    if mode == "PROFILE_OWNER":
        return True, None
    if device.get("ownership") == "PERSONALLY_OWNED":
        return True, None  # Android allows only a work profile on a personally-owned device
    return None, ("the device reports no management mode (%s), so it is not known to be fully managed; a work "
                  "profile would hide the personal side's apps and scope the policy to itself" % (mode or "none"))


def _policy(record, device, policies):
    """(policy or None, 'policies[...]' evidence prefix, reason when None)."""
    name = device.get("appliedPolicyName")
    if name is not None and (not isinstance(name, str) or not _POLICY_NAME.match(name)):
        shown = repr(name[:80]) if isinstance(name, str) else "a %s" % _kind(name)
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
                                "object, got a %s" % (position, _kind(report)))
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
        return True
    removed = [(p, r) for p, r in entries if r.get("state") == "REMOVED"]
    odd = [(p, r) for p, r in entries if r.get("state") not in ("INSTALLED", "REMOVED")]
    if odd and not removed:
        position, report = odd[0]
        state = report.get("state")
        if state is not None and not isinstance(state, str):
            record.error("signal.installed", "vendor field applicationReports[%d].state: expected a string, got a %s"
                         % (position, _kind(state)))
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
    installer = _typed(record, report, "installerPackageName", (str,), vendor + ".installerPackageName",
                       ("signal.install_source",))
    source = _typed(record, report, "applicationSource", (str,), vendor + ".applicationSource", ("signal.install_source",))
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
        record.data["unknown_reasons"]["signal.install_source"] = (
            "the device reports Signal's source as %s, not an install from Google Play or elsewhere" % source)
    else:
        record.put("signal.install_source", "unknown", vendor)
        record.data["unknown_reasons"]["signal.install_source"] = (
            "Signal's application report names neither installerPackageName nor applicationSource")


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


def _password_requirements(device, policy):
    """(requirements that ask for a password, evidence), or (None, None) when not known."""
    applied = device.get("appliedPasswordPolicies")
    if isinstance(applied, list) and applied:
        listed, evidence = applied, "appliedPasswordPolicies"
    elif policy is None:
        return None, None
    elif isinstance(policy.get("passwordPolicies"), list) and policy["passwordPolicies"]:
        listed, evidence = policy["passwordPolicies"], "policies.passwordPolicies"
    elif isinstance(policy.get("passwordRequirements"), dict):
        listed, evidence = [policy["passwordRequirements"]], "policies.passwordRequirements"
    else:
        return [], "policies.passwordPolicies"
    return [r for r in listed if isinstance(r, dict) and r.get("passwordQuality") not in _NO_PASSWORD_QUALITY], evidence


def _passcode_compliant(record, device, policy, policy_missing, work_profile, in_work_profile):
    path = "screen_lock.passcode_compliant"
    details = _typed(record, device, "nonComplianceDetails", (list,), "nonComplianceDetails", (path,))
    compliant = _typed(record, device, "policyCompliant", (bool,), "policyCompliant", (path,))
    if details is _BAD or compliant is _BAD:
        return
    details = details or []
    password = []
    for position, detail in enumerate(details):
        if not isinstance(detail, dict):
            continue
        setting = detail.get("settingName")
        field_path = detail.get("fieldPath") if isinstance(detail.get("fieldPath"), str) else ""
        if setting in _PASSWORD_SETTINGS or field_path.split("[")[0].split(".")[0] in _PASSWORD_SETTINGS:
            password.append((position, detail))
    user_action = [(p, d) for p, d in password if d.get("nonComplianceReason") == "USER_ACTION"]
    if user_action:
        position, detail = user_action[0]
        record.put(path, False, "nonComplianceDetails[%d] (settingName %s, nonComplianceReason USER_ACTION)"
                   % (position, detail.get("settingName") or detail.get("fieldPath")))
        return
    if password:
        position, detail = password[0]
        record.unknown(path, "the password requirement is not in force on the device (nonComplianceReason %s), so "
                       "nothing says the passcode meets it" % (detail.get("nonComplianceReason") or "unspecified"),
                       "nonComplianceDetails[%d]" % position)
        return
    required, evidence = _password_requirements(device, policy)
    if required is None:
        record.unknown(path, "the password requirements applied to the device are not known: %s" % policy_missing)
        return
    if not required:
        record.unknown(path, "no password requirement applies to the device (%s), so there is nothing for the "
                       "passcode to comply with" % evidence, evidence)
        return
    device_wide = [r for r in required if r.get("passwordScope") == "SCOPE_DEVICE"]
    if work_profile is not False and not in_work_profile and not device_wide:
        # On a work-profile device an unscoped requirement applies to the work profile's own challenge.
        record.unknown(path, "work profile: the password requirements (%s) apply to the work profile, not to the "
                       "device lock that guards the personal side, where Signal would be" % evidence, evidence)
        return
    if compliant is True:
        record.put(path, True, "policyCompliant (password requirements in %s)" % evidence)
    elif details:
        record.put(path, True, "nonComplianceDetails (no password entry; password requirements in %s)" % evidence)
    else:
        record.unknown(path, "the device reports neither policyCompliant true nor which settings it does not comply with")


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
        record.error(path, "vendor field %s: expected milliseconds as a string, got a %s" % (vendor, _kind(value)))
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
                         % (source, _kind(apps)))
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
            record.error(path, "vendor field %s: expected a string, got a %s" % (vendor, _kind(mode)))
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
        record.error(path, "vendor field %s: expected a string, got a %s" % (vendor, _kind(value)))
    elif value in _APP_AUTO_UPDATE:
        record.put(path, _APP_AUTO_UPDATE[value], "%s %s" % (vendor, value))
    else:
        record.put(path, "unknown", "%s %s" % (vendor, value))
        record.data["unknown_reasons"][path] = "appAutoUpdatePolicy %s is not one this collection knows" % value
