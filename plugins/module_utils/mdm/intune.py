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
  skipped, and when a pass returns devices of another system (the filter
  was ignored) the remaining passes are skipped because that one returned
  everything. Should Graph refuse a filter (HTTP 400), one unfiltered
  listing is read instead. A device id listed twice (within a pass, as a
  page boundary moves, or by two passes under two systems) is yielded each
  time, the repeat labelled with where it was listed, so sources.py judges
  it as for every source (mdm/duplicate_ids.py); only a device that an
  unfiltered pass lists again as an earlier pass gave it is left out, since
  that repeat is this client's own doing.
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

What each value means and where it comes from is in intune_records (pure functions of the answers).
"""

from __future__ import annotations

import re

from ansible.module_utils.six.moves.urllib.parse import quote, urlsplit

from ansible_collections.hardening.signal.plugins.module_utils.mdm.auth import ClientCredentials
from ansible_collections.hardening.signal.plugins.module_utils.mdm.contract import NotAPhone, Vendor
from ansible_collections.hardening.signal.plugins.module_utils.mdm.http import HttpClient, MdmHttpError, check_url
from ansible_collections.hardening.signal.plugins.module_utils.mdm.intune_records import (
    APP_PLATFORMS_OTHER,
    PROFILE_TYPES,
    SIGNAL_DISPLAY_NAMES,
    Profile,
    SignalInventory,
    is_signal_publisher,
    normalize,
)
from ansible_collections.hardening.signal.plugins.module_utils.mdm.paging import MAX_PAGES

TYPE = "intune"
REQUIRED = ("tenant_id", "client_id", "client_secret")
DEFAULT_API_URL = "https://graph.microsoft.com"
DEFAULT_TOKEN_URL = "https://login.microsoftonline.com/{tenant_id}/oauth2/v2.0/token"

DEVICE_OS_PASSES = ("iOS", "iPadOS", "Android")
DEVICE_FIELDS = ("id", "deviceName", "operatingSystem", "osVersion", "model", "serialNumber", "userPrincipalName",
                 "userDisplayName", "emailAddress", "managedDeviceOwnerType", "isSupervised", "lastSyncDateTime")
MAX_PAGE_SIZE = 1000

_TENANT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.-]{0,253}$")


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


def _filtered(client, url, api_url, field, values, extra, permission, repeats=False):
    """(item, repeat) from one $filter=field eq 'value' pass per value; repeat is None for an id's first listing.

    Intune ignores some filters silently. An item whose field holds another
    value means the filter was ignored: that pass returned everything, so
    the remaining passes are skipped. A filter Graph refuses (HTTP 400) is
    dropped: one unfiltered listing is read instead and filtered here.

    Without ``repeats``, an id already listed is left out. With it, a repeat comes again with where it was listed
    (the caller names it), except where a pass that returned everything lists an earlier pass's item again, with
    the same field value: the earlier listing stands for it.
    """
    earlier = {}  # id -> its field value, for the passes before this one
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
        listing = "the unfiltered listing" if value is None else "the pass %s eq '%s'" % (field, value)
        this_pass = {}
        for page_number, page in enumerate(_chain(first, pages), 1):
            for index, item in enumerate(page, 1):
                repeat = None
                if isinstance(item, dict):
                    got = item.get(field)
                    other = value is None or (isinstance(got, str) and got.lower() != value.lower())
                    if other:
                        everything = True
                    key = item.get("id")
                    if isinstance(key, str) and key:
                        if key in this_pass or key in earlier:
                            if not repeats:
                                continue
                            if key not in this_pass and other and earlier[key] == got:
                                this_pass[key] = got
                                continue
                            repeat = "listed again by %s, page %d item %d" % (listing, page_number, index)
                        this_pass.setdefault(key, got)
                yield item, repeat
        earlier.update(this_pass)
        if everything:
            return


def _chain(first, pages):
    if first is not None:
        yield first
    yield from pages


# --------------------------------------------------------------------------- Signal inventory

# --------------------------------------------------------------------------- Signal inventory

def _signal_inventory(client, api_url):
    signal = SignalInventory()
    names = set(n.lower() for n in SIGNAL_DISPLAY_NAMES)
    apps = []
    base = api_url + "/v1.0/deviceManagement/detectedApps"
    for app, _repeat in _filtered(client, base, api_url, "displayName", SIGNAL_DISPLAY_NAMES,
                                  [("$select", "id,displayName,version,platform,publisher")],
                                  "DeviceManagementManagedDevices.Read.All"):
        if not isinstance(app, dict):
            continue
        name = app.get("displayName")
        if not isinstance(name, str) or name.strip().lower() not in names:
            continue
        platform = app.get("platform")
        if isinstance(platform, str) and platform.lower() in APP_PLATFORMS_OTHER:
            continue  # Signal Desktop on Windows or macOS
        publisher = app.get("publisher")
        if isinstance(publisher, str) and publisher.strip() and not is_signal_publisher(publisher):
            continue  # another app that happens to be called Signal
        app_id = app.get("id")
        if not isinstance(app_id, str) or not app_id:
            signal.problem = "vendor field detectedApps.id: a Signal entry (%r) has no usable id" % name
            continue
        apps.append(app)
    for app in apps:
        platform = app.get("platform") or "not given"
        publisher = app.get("publisher") if isinstance(app.get("publisher"), str) and app.get("publisher") else None
        evidence = ("detectedApps '%s' (platform %s, version %s, %s) -> managedDevices; matched by display name%s: "
                    "Graph lists no bundle or package id" % (
                        app["displayName"], platform, app.get("version"),
                        "publisher %s" % publisher if publisher else "no publisher given",
                        " and publisher, still brittle" if publisher else ", which is brittle"))
        url = "%s/v1.0/deviceManagement/detectedApps/%s/managedDevices" % (api_url, quote(app["id"], safe=""))
        for page in _pages(client, url + _query([("$select", "id")]), api_url,
                           "DeviceManagementManagedDevices.Read.All"):
            for device in page:
                device_id = device.get("id") if isinstance(device, dict) else None
                if isinstance(device_id, str) and device_id:
                    signal.add(device_id, app.get("version"), evidence)
    return signal


# --------------------------------------------------------------------------- profiles

def _profiles(client, api_url):
    """The assigned profiles of the types read here, by type."""
    found = {kind: [] for kind in PROFILE_TYPES}
    base = api_url + "/beta/deviceManagement/deviceConfigurations"
    raws = []
    for page in _pages(client, base, api_url, "DeviceManagementConfiguration.Read.All"):
        for raw in page:
            if isinstance(raw, dict) and raw.get("@odata.type") in PROFILE_TYPES:
                if not isinstance(raw.get("id"), str) or not raw["id"]:
                    raise client.fail("GET %s answered a %s without an id; its assignments cannot be read"
                                      % (base, raw["@odata.type"]))
                raws.append(raw)
    for raw in raws:
        assignments = []
        url = "%s/%s/assignments" % (base, quote(raw["id"], safe=""))
        for page in _pages(client, url, api_url, "DeviceManagementConfiguration.Read.All"):
            assignments.extend(page)
        profile = Profile(raw, assignments)
        if profile.scope is not None:
            found[profile.type].append(profile)
    return found


def iter_records(client, options):
    """A Pulled for every iOS, iPadOS and Android device Intune manages."""
    api_url = _api_url(options)
    signal = _signal_inventory(client, api_url)
    profiles = _profiles(client, api_url)
    extra = [("$select", ",".join(DEVICE_FIELDS)), ("$top", options.get("page_size"))]
    base = api_url + "/v1.0/deviceManagement/managedDevices"
    for device, repeat in _filtered(client, base, api_url, "operatingSystem", DEVICE_OS_PASSES, extra,
                                    "DeviceManagementManagedDevices.Read.All", repeats=True):
        pulled = normalize(device, signal, profiles)
        if isinstance(pulled, NotAPhone):
            if repeat is None:  # a computer is counted once
                client.stats.skip(pulled.why)
        elif repeat is None:
            yield pulled
        else:
            # sources.py names every record of a repeated id and judges it once only where the values are the same.
            yield pulled._replace(label="%s (%s)" % (pulled.label, repeat))


VENDOR = Vendor(TYPE, REQUIRED, DEFAULT_API_URL, DEFAULT_TOKEN_URL, connect, iter_records)
