# -*- coding: utf-8 -*-
"""A fake Jamf Pro server: the token endpoints and the paged mobile device inventory, as Jamf Pro 11 answers them.

    fake = JamfFake(devices, client_id="id", client_secret="s")     # or username=..., password=...
    with fake.serve() as server:
        ... server.url is the Jamf Pro base URL (https://NAME.jamfcloud.com in real life)

What it does like Jamf Pro:
* POST /api/oauth/token (form grant_type=client_credentials, client_id, client_secret) ->
  {access_token, scope, token_type, expires_in}; POST /api/v1/auth/token with basic auth -> {token, expires}.
  Wrong credentials -> 401 (OAuth: {"error": "invalid_client"}; basic: the Jamf error body).
* GET /api/v2/mobile-devices/detail?section=...&page=N&page-size=S&sort=... -> {totalCount, results}: pages from
  0, page-size 100 by default, only the requested sections in each result (GENERAL when none), sorted by the
  sort parameter (displayName:asc by default). A bad page or page-size -> 400 with Jamf's error body.
* Any other request without a valid bearer token -> 401 with Jamf's INVALID_TOKEN error body.

For tests: inject() queues answers (status, body[, headers]), or callables taking the request and returning
one, served before the normal ones for a path; expire_tokens() revokes every token handed out; max_page_size
caps page-size like a server that does.
"""

from __future__ import annotations

import base64
import copy
import json
import os
from urllib.parse import parse_qs

from tests.fakes.http_base import VendorFake

EXAMPLE = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                       "examples", "mdm", "jamf", "mobile-devices-detail.json")
DETAIL = "/api/v2/mobile-devices/detail"
SECTIONS = {"GENERAL": "general", "HARDWARE": "hardware", "USER_AND_LOCATION": "userAndLocation",
            "SECURITY": "security", "APPLICATIONS": "applications", "PURCHASING": "purchasing", "NETWORK": "network",
            "PROFILES": "profiles", "CERTIFICATES": "certificates", "GROUPS": "groups"}
SORT_FIELDS = {"mobileDeviceId": ("mobileDeviceId",), "displayName": ("general", "displayName"),
               "serialNumber": ("hardware", "serialNumber")}


def header(request, name):
    """A request header, whatever its case (HTTP header names are case-insensitive)."""
    for key, value in request.headers.items():
        if key.lower() == name.lower():
            return value
    return None


def jamf_error(status, code, description, field=None):
    return {"httpStatus": status, "errors": [{"code": code, "description": description, "id": "0", "field": field}]}


def example_devices():
    with open(EXAMPLE, encoding="utf-8") as handle:
        return json.load(handle)["results"]


def make_device(number, **general):
    """A plausible supervised iPhone with Signal; general fields can be overridden."""
    device = {
        "mobileDeviceId": str(number),
        "deviceType": "iOS",
        "general": {"displayName": "iPhone %04d" % number, "osVersion": "18.6.2", "osBuild": "22G100",
                    "lastInventoryUpdateDate": "2026-11-24T08:00:00.000Z", "managed": True, "supervised": True,
                    "deviceOwnershipType": "Institutional"},
        "hardware": {"serialNumber": "SN%08d" % number, "model": "iPhone 15"},
        "userAndLocation": {"username": "user%04d@example.org" % number, "realName": "User %04d" % number,
                            "emailAddress": "user%04d@example.org" % number},
        "security": {"passcodePresent": True, "passcodeCompliant": True, "passcodeCompliantWithProfile": True},
        "applications": [{"identifier": "org.whispersystems.signal", "name": "Signal", "version": "7.85.0.11",
                          "shortVersion": "7.85", "managementStatus": "Unmanaged"}],
    }
    device["general"].update(general)
    return device


class JamfFake(VendorFake):
    TOKEN_FORMAT = "eyJhbGciOiJIUzI1NiJ9.jamf-%06d.c2lnbmF0dXJl"

    def __init__(self, devices, client_id=None, client_secret=None, username=None, password=None,
                 max_page_size=2000, expires_in=1199):
        super(JamfFake, self).__init__()
        self.devices = devices
        self.client_id, self.client_secret = client_id, client_secret
        self.username, self.password = username, password
        self.max_page_size = max_page_size
        self.expires_in = expires_in

    def routes(self, request):
        answer = self.injected_answer(request)
        if answer is not None:
            return answer
        if request.method == "POST" and request.path == "/api/oauth/token":
            return self._oauth(request)
        if request.method == "POST" and request.path == "/api/v1/auth/token":
            return self._basic(request)
        authorization = header(request, "Authorization") or ""
        if not self.valid(authorization):
            return 401, jamf_error(401, "INVALID_TOKEN", "Unauthorized")
        if request.method == "GET" and request.path == DETAIL:
            return self._detail(request)
        return 404, jamf_error(404, "NOT_FOUND", "Resource not found")

    def _oauth(self, request):
        if "application/x-www-form-urlencoded" not in (header(request, "Content-Type") or ""):
            return 415, jamf_error(415, "UNSUPPORTED_MEDIA_TYPE", "Content type not supported")
        form = request.form()
        if form.get("grant_type") != "client_credentials":
            return 400, {"error": "unsupported_grant_type"}
        if self.client_id is None or form.get("client_id") != self.client_id or form.get("client_secret") != self.client_secret:
            return 401, {"error": "invalid_client"}
        return 200, {"access_token": self.new_token(), "scope": "api-role:2", "token_type": "Bearer",
                     "expires_in": self.expires_in}

    def _basic(self, request):
        expected = "Basic " + base64.b64encode(("%s:%s" % (self.username, self.password)).encode()).decode()
        if self.username is None or header(request, "Authorization") != expected:
            return 401, {"httpStatus": 401, "errors": []}
        return 200, {"token": self.new_token(), "expires": "2026-11-26T12:30:00.000Z"}

    def _detail(self, request):
        query = parse_qs(request.raw_query, keep_blank_values=True)
        try:
            page = int(query.get("page", ["0"])[0])
            size = int(query.get("page-size", ["100"])[0])
        except ValueError:
            return 400, jamf_error(400, "INVALID_FIELD", "page and page-size must be integers", "page")
        if page < 0 or size < 1:
            return 400, jamf_error(400, "INVALID_FIELD", "page must be >= 0 and page-size >= 1", "page-size")
        size = min(size, self.max_page_size)
        sections = query.get("section") or ["GENERAL"]
        unknown = [s for s in sections if s not in SECTIONS]
        if unknown:
            return 400, jamf_error(400, "INVALID_FIELD", "unknown section %s" % unknown[0], "section")
        keys = {SECTIONS[s] for s in sections}
        ordered = self._sorted(query.get("sort", ["displayName:asc"])[0])
        if ordered is None:
            return 400, jamf_error(400, "INVALID_FIELD", "sort field not allowed", "sort")
        chosen = ordered[page * size:(page + 1) * size]
        results = []
        for device in chosen:
            if not isinstance(device, dict):
                results.append(device)
                continue
            results.append({k: copy.deepcopy(v) for k, v in device.items()
                            if k in ("mobileDeviceId", "deviceType") or k in keys})
        return 200, {"totalCount": len(self.devices), "results": results}

    def _sorted(self, sort):
        field, direction = (sort.split(":", 1) + ["asc"])[:2]
        if field not in SORT_FIELDS:
            return None
        path = SORT_FIELDS[field]

        def key(device):
            value = device
            for part in path:
                value = value.get(part) if isinstance(value, dict) else None
            if field == "mobileDeviceId" and isinstance(value, str) and value.isdigit():
                return (0, int(value), "")
            return (1, 0, str(value))
        return sorted(self.devices, key=key, reverse=direction.lower() == "desc")
