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
id so a walk over a changing inventory skips no device (one it meets twice is handed on twice).

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

The records are built by workspace_one_records (pure functions of the vendor's answers).
"""

from __future__ import annotations

import base64
import threading
from concurrent.futures import ThreadPoolExecutor

from ansible.module_utils.six.moves.urllib.parse import urlencode

from ansible_collections.hardening.signal.plugins.module_utils.mdm import auth
from ansible_collections.hardening.signal.plugins.module_utils.mdm.contract import NotAPhone, Pulled, Vendor
from ansible_collections.hardening.signal.plugins.module_utils.mdm.http import HttpClient, MdmHttpError
from ansible_collections.hardening.signal.plugins.module_utils.mdm.paging import MAX_PAGES, is_int, numbered_pages, page_size
from ansible_collections.hardening.signal.plugins.module_utils.mdm.workspace_one_records import add_apps, start

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
    """A Pulled for each phone, in the order of the device search."""
    api_url = str(options["api_url"]).rstrip("/")
    size = page_size(client, options, DEFAULT_PAGE_SIZE)
    session = _session(client)
    workers = _AppWorkers(client, session)
    pool = ThreadPoolExecutor(max_workers=APP_WORKERS)
    futures = []
    try:
        for page_devices in _pages(client, session, api_url, size):
            built = []
            for where, device in page_devices:
                # A device that moved across a page boundary comes twice: sources.py judges it once when both
                # records hold the same values, and names both either way (mdm/duplicate_ids.py).
                started = start(device, where)
                if isinstance(started, NotAPhone):
                    client.stats.skip(started.why)
                    continue
                if isinstance(started, Pulled):  # cannot be used: no app list to ask for
                    built.append((started, None))
                    continue
                built.append((started, "%s/api/mdm/devices/%d/apps" % (api_url, started.number)))
            futures = [pool.submit(workers.apps, url) if url else None for dummy, url in built]
            for (item, url), future in zip(built, futures):
                if future is None:
                    yield item
                    continue
                add_apps(item, future.result())  # a request that failed for good ends the pull
                yield item.finish()
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


VENDOR = Vendor(TYPE, REQUIRED, DEFAULT_API_URL, DEFAULT_TOKEN_URL, connect, iter_records)
