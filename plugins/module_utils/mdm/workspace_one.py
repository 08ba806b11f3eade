# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Workspace ONE UEM (formerly AirWatch): iPhones, iPads and Android phones from the MDM REST API.

Options: api_url (the tenant's REST API host, e.g. https://asNNNN.awmdm.com;
required, there is no public default) and tenant_code (the REST API key,
sent as the aw-tenant-code header on every request; required). Credentials,
one of:

* client_id + client_secret: an OAuth client, with token_url set to the
  tenant's regional token endpoint (e.g.
  https://na.uemauth.vmwservices.com/connect/token). The region cannot be
  derived from api_url, so there is no default.
* username + password: an administrator account, sent with basic auth on
  every request (no token exchange exists for it).

Devices come from GET {api_url}/api/mdm/devices/search, pages numbered from
0, 500 devices a page (the default, and the maximum reported), ordered by device
id so a walk over a changing inventory neither skips nor repeats a device.

Apps cost one request per phone: GET {api_url}/api/mdm/devices/{Id}/apps
(DeviceApps[] with ApplicationIdentifier, Version, Status, IsManaged). The
device search carries no app data, and the app-centric endpoints
(/api/mam/apps/{uuid}/devices and the public/internal variants) list only
devices where an app from the organisation's catalogue is assigned: a
Signal the user installed from the store would be missed and reported as
absent. Only phones are asked for their apps; desktops, Apple TVs and
other platforms are skipped before that request. The requests run on a few
worker threads (APP_WORKERS) so a large fleet does not wait on each round
trip in turn; records are still yielded in the order of the search, a 429
on one of them holds back the others while it waits, and a 404 marks that
device only.

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

import base64
import re
import threading
from concurrent.futures import ThreadPoolExecutor

from ansible.module_utils.six.moves.urllib.parse import urlencode

from ansible_collections.hardening.signal.plugins.module_utils.mdm import auth
from ansible_collections.hardening.signal.plugins.module_utils.mdm.builder import RecordBuilder, describe
from ansible_collections.hardening.signal.plugins.module_utils.mdm.http import HttpClient, MdmHttpError
from ansible_collections.hardening.signal.plugins.module_utils.mdm.paging import MAX_PAGES, is_int, numbered_pages, page_size

TYPE = "workspace_one"
# tenant_code, and client_id (with client_secret and token_url) or username (with password); api_url is required too.
REQUIRED = ("tenant_code", ("client_id", "username"))
DEFAULT_API_URL = None
DEFAULT_TOKEN_URL = None  # regional (na, eu, apac, ...): cannot be derived from api_url

DEFAULT_PAGE_SIZE = 500
APPS_PAGE_SIZE = 500
# App-list requests in flight at once: enough to hide the round trips, few enough to stay polite to the tenant.
APP_WORKERS = 8
SEARCH_PATH = "/api/mdm/devices/search"
ACCEPT = "application/json;version=1"

SIGNAL_IDS = {"ios": "org.whispersystems.signal", "android": "org.thoughtcrime.securesms"}
PHONE_PLATFORMS = {"apple": "ios", "android": "android"}
# Platform values of the search that are not phones (skipped without a request for their apps).
NOT_PHONE_PLATFORMS = ("appleosx", "appletv", "winrt", "windowspc", "windowsphone", "windowsmobile", "windowsphone8",
                       "chromeos", "linux", "qnx", "blackberry", "blackberry10", "symbian", "athena", "webos",
                       "watchos", "visionos")
OWNERSHIP = {"c": "corporate", "s": "corporate", "e": "personal",
             "corporatededicated": "corporate", "corporateowned": "corporate", "corporateshared": "corporate",
             "employeeowned": "personal"}

VERSION_RE = re.compile(r"^[0-9]+(\.[0-9]+){0,3}$")
DATE_TIME_RE = re.compile(r"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?)(Z|[+-]\d{2}:\d{2})?$")
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


class _Session(object):
    """How every request is made: the aw-tenant-code header, and a bearer token or basic auth."""

    def __init__(self, client, tenant_code, username=None, password=None):
        self.client = client
        self.headers = {"aw-tenant-code": tenant_code, "Accept": ACCEPT}
        self.username = username
        self.password = password

    def bind(self, client):
        """The same session on another client (one per worker thread, so no two threads share its counters)."""
        session = _Session(client, self.headers["aw-tenant-code"], self.username, self.password)
        return session

    def get(self, url):
        if self.username:
            return self.client.request_json("GET", url, headers=self.headers, auth=False,
                                            url_username=self.username, url_password=self.password)
        return self.client.request_json("GET", url, headers=self.headers)


def connect(options, policy, stats):
    """An HttpClient ready for Workspace ONE (OAuth token provider, or basic auth on each request)."""
    name = options.get("name") or TYPE
    client = HttpClient(name, policy=policy, stats=stats)
    for secret in (options.get("client_secret"), options.get("password"), options.get("tenant_code")):
        client.add_secret(secret)
    if not options.get("api_url"):
        raise client.fail("api_url is required for Workspace ONE: your tenant's REST API host, "
                          "e.g. https://asNNNN.awmdm.com (there is no public default)")
    if not options.get("tenant_code"):
        raise client.fail("tenant_code is required: the REST API key shown under Groups & Settings > System > "
                          "Advanced > API > REST API (sent as the aw-tenant-code header)")
    if auth.credential_kind(client, options, "OAuth", "client_id, client_secret and token_url") == "client":
        if not options.get("token_url"):
            raise client.fail("token_url is required with client_id: your region's token endpoint, "
                              "e.g. https://na.uemauth.vmwservices.com/connect/token")
        client.token_provider = auth.ClientCredentials(client, options["token_url"], options["client_id"],
                                                       options["client_secret"])
        client.workspace_one = _Session(client, options["tenant_code"])
    else:
        client.add_secret(base64.b64encode(("%s:%s" % (options["username"], options["password"])).encode()).decode())
        client.workspace_one = _Session(client, options["tenant_code"], options["username"], options["password"])
    page_size(client, options, DEFAULT_PAGE_SIZE)
    return client


def _session(client):
    session = getattr(client, "workspace_one", None)
    if session is None:
        raise client.fail("the client was not made by workspace_one.connect()")
    return session


def iter_records(client, options):
    """(label, record, errors) for each phone, in the order of the device search."""
    api_url = str(options["api_url"]).rstrip("/")
    size = page_size(client, options, DEFAULT_PAGE_SIZE)
    session = _session(client)
    seen = set()
    workers = _AppWorkers(client, session)
    pool = ThreadPoolExecutor(max_workers=APP_WORKERS)
    futures = []
    try:
        for page_devices in _pages(client, session, api_url, size):
            built = []
            for where, device in page_devices:
                label, record, errors, app_url = _device(device, where, api_url)
                if record is not None:
                    if record.data["id"] in seen:
                        continue  # moved across a page boundary while we walked: already yielded
                    seen.add(record.data["id"])
                elif errors is None:
                    continue  # not a phone
                built.append((label, record, errors, app_url))
            futures = [pool.submit(workers.apps, item[3]) if item[3] else None for item in built]
            for (label, record, errors, app_url), future in zip(built, futures):
                if future is not None:
                    _signal(record, future.result())  # a request that failed for good ends the pull
                if record is not None:
                    data, errors = record.done()
                    yield label, data, errors
                else:
                    yield label, None, errors
    finally:
        # The pull failed or the caller stopped reading: app lists not yet asked for are not asked for.
        for future in futures:
            if future is not None:
                future.cancel()
        pool.shutdown(wait=True)


class _AppWorkers(object):
    """App-list requests on the pool's threads, each thread with a worker client of its own (its own opener;
    the same source, token, secrets, stats, deadline and 429 throttle)."""

    def __init__(self, client, session):
        self.client = client
        self.session = session
        self.local = threading.local()

    def apps(self, url):
        session = getattr(self.local, "session", None)
        if session is None:
            session = self.local.session = self.session.bind(self.client.worker())
        return _apps(session, url)


def _pages(client, session, api_url, size):
    def page_url(page):
        query = urlencode([("page", page), ("pagesize", size), ("orderby", "deviceid"), ("sortorder", "ASC")])
        return "%s%s?%s" % (api_url, SEARCH_PATH, query)

    for page, devices in numbered_pages(client, session.get, page_url, size, "Devices", "Total", "pagesize", empty_ends=True):
        yield [("page %d item %d" % (page, i), d) for i, d in enumerate(devices)]


def _apps(session, url):
    """All DeviceApps of one device as ('ok', list) or ('none', reason) or ('bad', message)."""
    apps, page = [], 0
    while page < MAX_PAGES:
        page_url = "%s?%s" % (url, urlencode([("page", page), ("pagesize", APPS_PAGE_SIZE)]))
        try:
            body = session.get(page_url)
        except MdmHttpError as exc:
            if exc.status == 404:
                return "bad", "GET %s answered 404: the device was removed or unenrolled after the search" % url
            raise
        if body == {}:  # 204 No Content
            if page == 0:
                return "none", "Workspace ONE has no app list for this device (empty answer)"
            return "ok", apps
        if not isinstance(body, dict) or not isinstance(body.get("DeviceApps"), list):
            return "bad", "GET %s answered without a DeviceApps list" % page_url
        apps.extend(body["DeviceApps"])
        total = body.get("Total")
        if not is_int(total) or not body["DeviceApps"] or (page + 1) * APPS_PAGE_SIZE >= total:
            return "ok", apps
        page += 1
    return "bad", "GET %s did not end after %d pages" % (url, MAX_PAGES)


class _Record(RecordBuilder):
    """A normalized record under construction, with its evidence, unknowns and errors."""

    def __init__(self, device_id, platform):
        super(_Record, self).__init__({"id": device_id, "platform": platform},
                                      {"id": "Devices[].Id.Value", "platform": "Devices[].Platform"})

    def signal(self, visible, installed, vendor_field=None):
        self.put("signal.visible", visible, vendor_field)
        self.put("signal.installed", installed, None)


def _string(record, path, device, field):
    value = device.get(field)
    if value is None or value == "":
        return None
    vendor = "Devices[].%s" % field
    if not isinstance(value, str):
        record.error(path, vendor, "expected a string, got %s" % describe(value))
        return None
    record.put(path, value, vendor)
    return value


def _device(device, where, api_url):
    """(label, _Record, errors, apps url); (label, None, None, None) for a device that is not a phone."""
    label = "devices/search %s" % where
    if not isinstance(device, dict):
        return label, None, [(None, "the device record is a JSON %s, not an object" % type(device).__name__)], None
    id_object = device.get("Id")
    device_id = id_object.get("Value") if isinstance(id_object, dict) else None
    if not is_int(device_id) or device_id < 0:
        return label, None, [("Id.Value", "missing or not a whole number (%s)" % describe(device_id))], None
    label = "devices Id %d" % device_id
    platform_value = device.get("Platform")
    if not isinstance(platform_value, str) or not platform_value:
        return label, None, [("Platform", "missing or not a string (%s): cannot tell whether this is a phone"
                                          % describe(platform_value))], None
    key = platform_value.strip().lower()
    if key in NOT_PHONE_PLATFORMS:
        return label, None, None, None
    if key not in PHONE_PLATFORMS:
        return label, None, [("Platform", "%r is not a platform this source knows (expected Apple or Android)"
                                          % platform_value)], None
    platform = PHONE_PLATFORMS[key]
    record = _Record(str(device_id), platform)
    _string(record, "name", device, "DeviceFriendlyName")
    _string(record, "os_version", device, "OperatingSystem")
    _string(record, "serial", device, "SerialNumber")
    _string(record, "model", device, "Model")
    _owner(record, device)
    _ownership(record, device)
    supervised = device.get("IsSupervised") if platform == "ios" else None  # supervision is an Apple notion
    if isinstance(supervised, bool):
        record.put("supervised", supervised, "Devices[].IsSupervised")
    elif supervised is not None:
        record.error("supervised", "Devices[].IsSupervised", "expected true or false, got %s" % describe(supervised))
    _last_seen(record, device)
    record.put("screen_lock", {}, None)
    for path in ("screen_lock.passcode_present", "screen_lock.passcode_compliant", "screen_lock.max_inactivity_minutes",
                 "lockscreen_notifications.hides_content"):
        record.unknown(path, REASONS[path])
    record.unknown("last_boot", REASONS["%s.last_boot" % platform])
    record.unknown("app_auto_update_policy", REASONS["%s.app_auto_update_policy" % platform])
    return label, record, None, "%s/api/mdm/devices/%d/apps" % (api_url, device_id)


def _owner(record, device):
    owner = {}
    user = _string(record, "owner.upn", device, "UserName")
    if user is not None:
        if "@" in user:
            owner["upn"] = user
        else:  # a bare account name is no user principal name, and would not match the owner of other sources
            del record.data["owner"]["upn"]
            del record.raw_fields["owner.upn"]
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
        record.error("ownership", vendor, "expected a string, got %s" % describe(value))
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
        record.error("last_checkin", vendor, "expected an ISO 8601 date-time, got %s" % describe(value))
        return
    if match.group(1).startswith(NEVER):
        return  # Workspace ONE's way of saying never
    if match.group(3):
        record.put("last_checkin", value, vendor)
    else:
        record.put("last_checkin", value + "Z", vendor + " (no zone in the answer; Workspace ONE reports UTC)")


def _signal(record, outcome):
    kind, value = outcome
    if kind == "none":
        record.signal(False, None, "DeviceApps")
        record.unknown_reasons["signal.visible"] = value
        return
    if kind == "bad":
        record.signal(None, None)
        record.errors["signal.installed"] = value
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
        if status is None or (isinstance(status, str) and status.strip().lower() == "installed"):
            record.signal(True, True, "DeviceApps")
            record.raw_fields["signal.installed"] = evidence + (".Status" if status is not None else "")
            _signal_version(record, found, evidence)
            record.put("signal.install_source", "unknown", None)
            record.unknown_reasons["signal.install_source"] = REASONS["signal.install_source"]
        elif not isinstance(status, str):
            record.signal(True, None, "DeviceApps")
            record.error("signal.installed", evidence + ".Status", "expected a string, got %s" % describe(status))
        else:
            record.signal(True, None, "DeviceApps")
            record.unknown_reasons["signal.installed"] = ("Workspace ONE lists Signal with the status %r, not Installed"
                                                          % status)
        return
    if malformed:
        record.signal(None, None)
        record.error("signal.installed", "DeviceApps", "%d entr%s without a string ApplicationIdentifier, so Signal's "
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
    vendor = evidence + ".Version"
    if value is None or value == "":
        record.put("signal.version", None, None)
        record.unknown_reasons["signal.version"] = "Workspace ONE listed Signal without a version"
    elif not isinstance(value, str):
        record.error("signal.version", vendor, "expected a string, got %s" % describe(value))
    elif not VERSION_RE.match(value.strip()):
        record.error("signal.version", vendor, "%r is not a dotted version number" % value)
    else:
        record.put("signal.version", value.strip(), vendor)
