# -*- coding: utf-8 -*-
"""The bench's floor: the same pages the MDM clients read, fetched with plain urllib and dropped after json.loads.

A second, minimal client per vendor (no retries, no normalizing, no checks), so bench/bench_mdm.py can tell what
the real clients cost above the HTTP and JSON work itself. The URLs come from the clients' own constants; the fake
servers' request logs confirm that both walked the same URLs.

    tokens = fetch_tokens(config)              # bearer tokens, fetched before the clock starts
    walk = Walk()
    for name, walker in WALKERS:               # one source after the other
        walker(walk, config[name], tokens[name])
"""

from __future__ import annotations

import base64
import collections
import json
import threading
import time

from ansible_collections.hardening.signal.plugins.module_utils.mdm import android_management, intune, jamf
from ansible_collections.hardening.signal.plugins.module_utils.mdm.intune_records import PROFILE_TYPES


def _http(url, headers=None, data=None):
    import urllib.request
    request = urllib.request.Request(url, data=data, headers=headers or {})
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 (127.0.0.1 only)
        raw = response.read()
    return raw


def _form(values):
    from urllib.parse import urlencode
    return urlencode(values).encode("ascii")


def _b64url(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def fetch_tokens(config):
    """Bearer tokens from each fake, as the clients get them (not timed)."""
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    tokens = {}
    c = config["intune"]
    tokens["intune"] = json.loads(_http(c["token_url"], form, _form({
        "grant_type": "client_credentials", "client_id": c["client_id"], "client_secret": c["client_secret"],
        "scope": "%s/.default" % c["api_url"]})))["access_token"]
    c = config["jamf"]
    tokens["jamf"] = json.loads(_http(c["api_url"] + "/api/oauth/token", form, _form({
        "grant_type": "client_credentials", "client_id": c["client_id"], "client_secret": c["client_secret"]})))["access_token"]
    c = config["workspace_one"]
    tokens["workspace_one"] = json.loads(_http(c["token_url"], form, _form({
        "grant_type": "client_credentials", "client_id": c["client_id"], "client_secret": c["client_secret"]})))["access_token"]
    with open(config["android_management"]["service_account_file"], encoding="utf-8") as handle:
        info = json.load(handle)
    now = int(time.time())
    claims = {"iss": info["client_email"], "scope": "https://www.googleapis.com/auth/androidmanagement",
              "aud": info["token_uri"], "iat": now, "exp": now + 3600}
    signing = "%s.%s" % (_b64url(json.dumps({"alg": "RS256", "typ": "JWT"}).encode()), _b64url(json.dumps(claims).encode()))
    key = serialization.load_pem_private_key(info["private_key"].encode(), password=None)
    assertion = "%s.%s" % (signing, _b64url(key.sign(signing.encode(), padding.PKCS1v15(), hashes.SHA256())))
    tokens["android_management"] = json.loads(_http(info["token_uri"], form, _form({
        "grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": assertion})))["access_token"]
    return tokens


# What the clients ask for, from the clients themselves.
INTUNE_DEVICE_FIELDS = ",".join(intune.DEVICE_FIELDS)
INTUNE_PROFILE_TYPES = PROFILE_TYPES
JAMF_SECTIONS = jamf.SECTIONS
AMAPI_FIELDS = android_management.DEVICE_FIELDS


class Walk(object):
    """Counts what the floor fetched."""

    def __init__(self):
        self.requests = 0
        self.bytes = 0
        self.phones = collections.Counter()
        self.lock = threading.Lock()

    def get(self, url, headers):
        raw = _http(url, headers)
        with self.lock:
            self.requests += 1
            self.bytes += len(raw)
        return json.loads(raw) if raw else {}


def walk_intune(walk, c, token):
    from urllib.parse import quote
    headers = {"Accept": "application/json", "Authorization": "Bearer %s" % token}
    api = c["api_url"]

    def query(params):
        return "?" + "&".join("%s=%s" % (k, quote(str(v), safe="',()")) for k, v in params)

    def pages(url):
        while url:
            body = walk.get(url, headers)
            yield body["value"]
            url = body.get("@odata.nextLink")

    signal_apps, seen = [], set()
    for name in ("Signal", "Signal - Private Messenger"):
        url = api + "/v1.0/deviceManagement/detectedApps" + query(
            [("$filter", "displayName eq '%s'" % name), ("$select", "id,displayName,version,platform,publisher")])
        for page in pages(url):
            for app in page:
                if app["id"] not in seen and app["platform"] not in ("windows", "macos"):
                    seen.add(app["id"])
                    signal_apps.append(app["id"])
    for app_id in signal_apps:
        url = "%s/v1.0/deviceManagement/detectedApps/%s/managedDevices%s" % (api, quote(app_id, safe=""), query([("$select", "id")]))
        for dummy in pages(url):
            pass
    base = api + "/beta/deviceManagement/deviceConfigurations"
    profiles = [raw["id"] for page in pages(base) for raw in page if raw.get("@odata.type") in INTUNE_PROFILE_TYPES]
    for profile in profiles:
        for dummy in pages("%s/%s/assignments" % (base, quote(profile, safe=""))):
            pass
    for system in ("iOS", "iPadOS", "Android"):
        url = api + "/v1.0/deviceManagement/managedDevices" + query(
            [("$filter", "operatingSystem eq '%s'" % system), ("$select", INTUNE_DEVICE_FIELDS)])
        for page in pages(url):
            walk.phones["intune"] += len(page)


def walk_jamf(walk, c, token):
    from urllib.parse import urlencode
    headers = {"Accept": "application/json", "Authorization": "Bearer %s" % token}
    page, size = 0, 500
    while True:
        query = [("section", s) for s in JAMF_SECTIONS] + [("page", page), ("page-size", size), ("sort", "mobileDeviceId:asc")]
        body = walk.get("%s/api/v2/mobile-devices/detail?%s" % (c["api_url"], urlencode(query)), headers)
        walk.phones["jamf"] += sum(1 for d in body["results"] if d.get("deviceType") != "tvOS")
        if page * size + len(body["results"]) >= body["totalCount"] or not body["results"]:
            return
        page += 1


def walk_android_management(walk, c, token):
    from urllib.parse import quote, urlencode
    headers = {"Accept": "application/json", "Authorization": "Bearer %s" % token}
    policies, page_token = set(), None
    while True:
        query = [("pageSize", "100"), ("fields", AMAPI_FIELDS)] + ([("pageToken", page_token)] if page_token else [])
        url = "%s/v1/enterprises/%s/devices?%s" % (c["api_url"], quote(c["enterprise_id"], safe=""), urlencode(query))
        body = walk.get(url, headers)
        for device in body.get("devices", []):
            walk.phones["android_management"] += 1
            name = device.get("appliedPolicyName")
            if "name" in device and name and name not in policies:  # read once, when the first device needs it
                policies.add(name)
                walk.get("%s/v1/%s" % (c["api_url"], name), headers)
        page_token = body.get("nextPageToken")
        if not page_token:
            return


def walk_workspace_one(walk, c, token):
    from concurrent.futures import ThreadPoolExecutor
    from urllib.parse import urlencode
    from ansible_collections.hardening.signal.plugins.module_utils.mdm.workspace_one import APP_WORKERS
    headers = {"Accept": "application/json;version=1", "aw-tenant-code": c["tenant_code"],
               "Authorization": "Bearer %s" % token}
    page, size = 0, 500
    with ThreadPoolExecutor(max_workers=APP_WORKERS) as pool:  # as many app lists in flight as the client
        while True:
            query = urlencode([("page", page), ("pagesize", size), ("orderby", "deviceid"), ("sortorder", "ASC")])
            body = walk.get("%s/api/mdm/devices/search?%s" % (c["api_url"], query), headers)
            devices = body.get("Devices") or []
            phones = [d for d in devices if isinstance(d.get("Platform"), str) and d["Platform"].lower() in ("apple", "android")]
            walk.phones["workspace_one"] += len(phones) + sum(1 for d in devices if not isinstance(d.get("Platform"), str))
            urls = ["%s/api/mdm/devices/%d/apps?%s" % (c["api_url"], d["Id"]["Value"], urlencode([("page", 0), ("pagesize", 500)]))
                    for d in phones]
            for dummy in pool.map(lambda u: walk.get(u, headers), urls):
                pass
            if not devices or page * size + len(devices) >= body["Total"]:
                return
            page += 1


WALKERS = (("intune", walk_intune), ("jamf", walk_jamf), ("android_management", walk_android_management),
           ("workspace_one", walk_workspace_one))
