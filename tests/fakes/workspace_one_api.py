# -*- coding: utf-8 -*-
"""A fake Workspace ONE UEM tenant: the OAuth token endpoint, the device search and the per-device app list.

    fake = WorkspaceOneFake(devices, apps, tenant_code="K3y", client_id="id", client_secret="s")
    with fake.serve() as server:
        ... server.url is the REST API host; server.url + TOKEN_PATH is the token endpoint

What it does like Workspace ONE UEM:
* Every API request needs the aw-tenant-code header (wrong or missing -> 403) and either a bearer token from
  POST /connect/token (form grant_type=client_credentials, client_id, client_secret -> {access_token,
  expires_in, token_type}) or basic auth with an administrator account; otherwise 401. Error bodies are
  {"errorCode", "message", "activityId"}.
* GET /api/mdm/devices/search?page=N&pagesize=S&orderby=deviceid&sortorder=ASC -> {Devices, Page, PageSize,
  Total}; pages from 0, pagesize 500 by default and at most (larger values are capped); no devices -> 204.
* GET /api/mdm/devices/{Id}/apps?page=N&pagesize=S -> {DeviceApps, Page, PageSize, Total}; an unknown device ->
  404; a device without an app list -> 204.

For tests: inject() queues answers (status, body[, headers]), or callables taking the request and returning
one, served before the normal ones for a path; expire_tokens() revokes the tokens handed out.
"""

from __future__ import annotations

import base64
import copy
import json
import os
import re
from urllib.parse import parse_qs

from tests.fakes.http_base import VendorFake

EXAMPLE = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                       "examples", "mdm", "workspace_one", "api-responses.json")
TOKEN_PATH = "/connect/token"
SEARCH = "/api/mdm/devices/search"
APPS = re.compile(r"^/api/mdm/devices/(\d+)/apps$")
MAX_PAGE_SIZE = 500


def header(request, name):
    """A request header, whatever its case (HTTP header names are case-insensitive; urllib sends Aw-tenant-code)."""
    for key, value in request.headers.items():
        if key.lower() == name.lower():
            return value
    return None


def ws1_error(code, message):
    return {"errorCode": code, "message": message, "activityId": "8bcc0752-3390-44eb-b9f7-d9a25a88c320"}


def example_data():
    """(devices, apps by device id) from the sample export in examples/mdm/workspace_one/."""
    with open(EXAMPLE, encoding="utf-8") as handle:
        responses = json.load(handle)["responses"]
    devices, apps = [], {}
    for request, body in responses.items():
        path = request.split(" ", 1)[1].split("?", 1)[0]
        match = APPS.match(path)
        if path == SEARCH:
            devices.extend(body["Devices"])
        elif match:
            apps[int(match.group(1))] = body["DeviceApps"]
    return devices, apps


def make_device(number, platform="Apple", ownership="C", **fields):
    device = {"Id": {"Value": number}, "Uuid": "3c5e0000-0000-4000-8000-%012d" % number, "Platform": platform,
              "Model": "iPhone 15" if platform == "Apple" else "Pixel 8", "OperatingSystem": "18.6.2",
              "SerialNumber": "WS%08d" % number, "DeviceFriendlyName": "Phone %04d" % number,
              "UserName": "user%04d" % number, "UserEmailAddress": "user%04d@example.org" % number,
              "Ownership": ownership, "IsSupervised": platform == "Apple", "LastSeen": "2026-11-25T07:41:09.117",
              "ComplianceStatus": "Compliant", "CompromisedStatus": False, "EnrollmentStatus": "Enrolled"}
    device.update(fields)
    return device


def make_apps(platform="Apple", signal_version="7.85", personal=True):
    signal_id = "org.whispersystems.signal" if platform == "Apple" else "org.thoughtcrime.securesms"
    apps = [{"ApplicationName": "Intelligent Hub", "ApplicationIdentifier": "com.air-watch.agent", "Version": "24.10",
             "Status": "Installed", "IsManaged": True}]
    if signal_version is not None:
        apps.append({"ApplicationName": "Signal", "ApplicationIdentifier": signal_id, "Version": signal_version,
                     "Status": "Installed", "IsManaged": False})
    if personal:
        apps.append({"ApplicationName": "Duolingo", "ApplicationIdentifier": "com.duolingo.app", "Version": "7.61.0",
                     "Status": "Installed", "IsManaged": False})
    return apps


class WorkspaceOneFake(VendorFake):
    TOKEN_FORMAT = "eyJhbGciOiJSUzI1NiJ9.ws1-%06d.c2ln"

    def __init__(self, devices, apps, tenant_code, client_id=None, client_secret=None, username=None, password=None,
                 expires_in=3600):
        super(WorkspaceOneFake, self).__init__()
        self.devices = devices
        self.apps = apps
        self.tenant_code = tenant_code
        self.client_id, self.client_secret = client_id, client_secret
        self.username, self.password = username, password
        self.expires_in = expires_in

    def routes(self, request):
        answer = self.injected_answer(request)
        if answer is not None:
            return answer
        if request.method == "POST" and request.path == TOKEN_PATH:
            return self._token(request)
        if header(request, "aw-tenant-code") != self.tenant_code:
            return 403, ws1_error(1001, "Invalid or missing aw-tenant-code header")
        if not self._authorized(header(request, "Authorization") or ""):
            return 401, ws1_error(1005, "An error occurred while validating remote service client credentials "
                                        "or user not found")
        if request.method != "GET":
            return 405, ws1_error(405, "The requested resource does not support http method '%s'." % request.method)
        query = parse_qs(request.raw_query, keep_blank_values=True)
        try:
            page = int(query.get("page", ["0"])[0])
            size = min(int(query.get("pagesize", [str(MAX_PAGE_SIZE)])[0]), MAX_PAGE_SIZE)
        except ValueError:
            return 400, ws1_error(400, "The request is invalid.")
        if page < 0 or size < 1:
            return 400, ws1_error(400, "The request is invalid.")
        if request.path == SEARCH:
            return self._search(query, page, size)
        match = APPS.match(request.path)
        if match:
            return self._apps(int(match.group(1)), page, size)
        return 404, ws1_error(404, "Not Found")

    def _token(self, request):
        form = request.form()
        if form.get("grant_type") != "client_credentials":
            return 400, {"error": "unsupported_grant_type"}
        if self.client_id is None or form.get("client_id") != self.client_id or form.get("client_secret") != self.client_secret:
            return 400, {"error": "invalid_client"}
        return 200, {"access_token": self.new_token(), "expires_in": self.expires_in, "token_type": "Bearer",
                     "scope": "api"}

    def _authorized(self, authorization):
        if authorization.startswith("Bearer "):
            return self.valid(authorization)
        if authorization.startswith("Basic ") and self.username is not None:
            expected = base64.b64encode(("%s:%s" % (self.username, self.password)).encode()).decode()
            return authorization[6:] == expected
        return False

    def _search(self, query, page, size):
        ordered = list(self.devices)
        if query.get("orderby", [""])[0].lower() == "deviceid":
            def key(device):
                value = device.get("Id", {}).get("Value") if isinstance(device, dict) and isinstance(device.get("Id"), dict) else None
                return (0, value) if isinstance(value, int) else (1, 0)
            ordered.sort(key=key, reverse=query.get("sortorder", ["ASC"])[0].upper() == "DESC")
        chosen = ordered[page * size:(page + 1) * size]
        if not chosen:
            return 204, b""
        return 200, {"Devices": copy.deepcopy(chosen), "Page": page, "PageSize": size, "Total": len(self.devices)}

    def _apps(self, device_id, page, size):
        known = {d["Id"]["Value"] for d in self.devices
                 if isinstance(d, dict) and isinstance(d.get("Id"), dict) and "Value" in d["Id"]}
        if device_id not in known:
            return 404, ws1_error(404, "Device not found")
        apps = self.apps.get(device_id)
        if apps is None:
            return 204, b""
        chosen = apps[page * size:(page + 1) * size]
        return 200, {"DeviceApps": copy.deepcopy(chosen), "Page": page, "PageSize": size, "Total": len(apps)}
