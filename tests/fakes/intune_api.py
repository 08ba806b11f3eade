# -*- coding: utf-8 -*-
"""A fake Microsoft Graph (Intune) and Microsoft identity platform token endpoint on 127.0.0.1.

Answers the requests plugins/module_utils/mdm/intune.py makes, the way the
documented services do:

* POST /{tenant}/oauth2/v2.0/token (form grant_type=client_credentials,
  client_id, client_secret, scope) -> {token_type, expires_in, access_token};
  AADSTS errors as {error, error_description, error_codes, ...}.
* GET /v1.0/deviceManagement/managedDevices, /v1.0/deviceManagement/detectedApps,
  /v1.0/deviceManagement/detectedApps/{id}/managedDevices,
  /beta/deviceManagement/deviceConfigurations and .../{id}/assignments:
  {"@odata.context", "value": [...], "@odata.nextLink": absolute URL with
  $skiptoken}; $filter (field eq 'value' only; anything else is a 400 like
  Graph's), $select and $top honoured; Graph's error body
  {"error": {"code", "message", "innerError"}} on 400/401/404.

Data comes from a sample export (examples/mdm/intune/graph-responses.json,
keyed by request path) or from the constructor. Tests can queue canned
answers for a path (fail_next), expire every issued token, make the server
ignore $filter like Intune sometimes does or refuse it with a 400, and read
every request received.
"""

from __future__ import annotations

import base64
import json
import re

from tests.fakes.http_base import ServedFake

_FILTER = re.compile(r"^\s*(\w+)\s+eq\s+'((?:[^']|'')*)'\s*$")
_APP_DEVICES = re.compile(r"^/v1\.0/deviceManagement/detectedApps/([^/]+)/managedDevices$")
_ASSIGNMENTS = re.compile(r"^/beta/deviceManagement/deviceConfigurations/([^/]+)/assignments$")
MAX_TOP = 1000


def graph_error(code, message):
    return {"error": {"code": code, "message": message,
                      "innerError": {"date": "2026-11-25T10:00:00", "request-id": "00000000-0000-4000-8000-000000000001",
                                     "client-request-id": "00000000-0000-4000-8000-000000000002"}}}


def aad_error(error, code, description):
    return {"error": error, "error_description": "AADSTS%d: %s" % (code, description), "error_codes": [code],
            "timestamp": "2026-11-25 10:00:00Z", "trace_id": "00000000-0000-4000-8000-000000000003",
            "correlation_id": "00000000-0000-4000-8000-000000000004",
            "error_uri": "https://login.microsoftonline.com/error?code=%d" % code}


def load_export(path):
    """(devices, detected_apps, app_devices, configurations, assignments) from a sample export file."""
    with open(path, encoding="utf-8") as handle:
        responses = json.load(handle)["responses"]
    devices = responses["/v1.0/deviceManagement/managedDevices"]["value"]
    apps = responses["/v1.0/deviceManagement/detectedApps"]["value"]
    configurations = responses["/beta/deviceManagement/deviceConfigurations"]["value"]
    app_devices, assignments = {}, {}
    for path, body in responses.items():
        match = _APP_DEVICES.match(path)
        if match:
            app_devices[match.group(1)] = [d["id"] for d in body["value"]]
        match = _ASSIGNMENTS.match(path)
        if match:
            assignments[match.group(1)] = body["value"]
    return devices, apps, app_devices, configurations, assignments


class IntuneFake(ServedFake):
    def __init__(self, tenant_id="11111111-2222-4333-8444-555555555555", client_id="app-client-id",
                 client_secret="s3cr3t-Value~from.portal", devices=(), detected_apps=(), app_devices=None,
                 configurations=(), assignments=None, page_size=100, ignore_filter=False, reject_filter=False):
        super(IntuneFake, self).__init__()
        self.tenant_id = tenant_id
        self.client_id = client_id
        self.client_secret = client_secret
        self.devices = list(devices)
        self.detected_apps = list(detected_apps)
        self.app_devices = dict(app_devices or {})
        self.configurations = list(configurations)
        self.assignments = dict(assignments or {})
        self.page_size = page_size
        self.ignore_filter = ignore_filter
        self.reject_filter = reject_filter
        self.faults = []

    @classmethod
    def from_export(cls, path, **kwargs):
        devices, apps, app_devices, configurations, assignments = load_export(path)
        return cls(devices=devices, detected_apps=apps, app_devices=app_devices, configurations=configurations,
                   assignments=assignments, **kwargs)

    @property
    def token_url(self):
        return "%s/%s/oauth2/v2.0/token" % (self.url, self.tenant_id)

    def options(self, **overrides):
        options = {"name": "intune-test", "type": "intune", "api_url": self.url, "token_url": self.token_url,
                   "tenant_id": self.tenant_id, "client_id": self.client_id, "client_secret": self.client_secret,
                   "username": None, "password": None, "enterprise_id": None, "service_account_file": None,
                   "tenant_code": None, "page_size": None}
        options.update(overrides)
        return options

    def fail_next(self, path, *answers):
        """The next requests to path get these answers before the real ones: (status, body[, headers]) or a
        function of the request that returns one."""
        for answer in answers:
            self.faults.append((path, answer))

    def graph_requests(self, path=None):
        return [r for r in self.requests if r.path != "/%s/oauth2/v2.0/token" % self.tenant_id
                and (path is None or r.path == path)]

    # ------------------------------------------------------------------ routing

    def route(self, request):
        for index, (path, answer) in enumerate(self.faults):
            if path == request.path:
                del self.faults[index]
                return answer(request) if callable(answer) else answer
        if request.path == "/%s/oauth2/v2.0/token" % self.tenant_id:
            return self._token(request)
        if request.path.endswith("/oauth2/v2.0/token"):
            return 400, aad_error("invalid_request", 90002, "Tenant '%s' not found." % request.path.split("/")[1])
        if request.method != "GET":
            return 405, graph_error("BadRequest", "The requested method is not supported.")
        if not self.valid(request.headers.get("Authorization", "")):
            return 401, graph_error("InvalidAuthenticationToken", "Access token has expired or is not yet valid.")
        if request.path == "/v1.0/deviceManagement/managedDevices":
            return self._collection(request, self.devices, "deviceManagement/managedDevices")
        if request.path == "/v1.0/deviceManagement/detectedApps":
            return self._collection(request, self.detected_apps, "deviceManagement/detectedApps")
        if request.path == "/beta/deviceManagement/deviceConfigurations":
            return self._collection(request, self.configurations, "deviceManagement/deviceConfigurations")
        for pattern, parents, children, context in (
                (_APP_DEVICES, self.detected_apps, self._app_devices, "deviceManagement/detectedApps('%s')/managedDevices"),
                (_ASSIGNMENTS, self.configurations, self._assignments,
                 "deviceManagement/deviceConfigurations('%s')/assignments")):
            match = pattern.match(request.path)
            if match:
                parent_id = match.group(1)
                if not any(p.get("id") == parent_id for p in parents):
                    return 404, graph_error("ResourceNotFound", "Resource not found")
                return self._collection(request, children(parent_id), context % parent_id)
        return 404, graph_error("ResourceNotFound", "Resource not found for the segment '%s'." % request.path)

    def _app_devices(self, app_id):
        """The managed devices a detected app is on (an id the app lists but no managed device has comes as {"id": ...})."""
        wanted = set(self.app_devices.get(app_id, ()))
        devices = [d for d in self.devices if isinstance(d, dict) and d.get("id") in wanted]
        return devices + [{"id": i} for i in sorted(wanted - set(d.get("id") for d in devices))]

    def _assignments(self, config_id):
        return self.assignments.get(config_id, [])

    def _token(self, request):
        if request.method != "POST":
            return 405, aad_error("invalid_request", 900561, "The endpoint only accepts POST requests.")
        form = request.form()
        if form.get("grant_type") != "client_credentials":
            return 400, aad_error("unsupported_grant_type", 70003, "The app requested an unsupported grant type.")
        if form.get("client_id") != self.client_id:
            return 400, aad_error("unauthorized_client", 700016, "Application with identifier '%s' was not found in "
                                  "the directory." % form.get("client_id"))
        if form.get("client_secret") != self.client_secret:
            return 401, aad_error("invalid_client", 7000215, "Invalid client secret provided. Ensure the secret being "
                                  "sent in the request is the client secret value, not the client secret ID.")
        if not (form.get("scope") or "").endswith("/.default"):
            return 400, aad_error("invalid_scope", 1002012, "The provided value for scope is not valid. Client "
                                  "credential flows must have a scope value with /.default suffixed.")
        token = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.fake-graph-token-%d" % (len(self.issued) + 1)
        self.keep(token)
        return 200, {"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599, "access_token": token}

    def _collection(self, request, items, context):
        query = request.query
        items = list(items)
        if "$filter" in query:
            match = _FILTER.match(query["$filter"])
            if not match or self.reject_filter:
                return 400, graph_error("BadRequest", "Invalid filter clause")
            field, value = match.group(1), match.group(2).replace("''", "'")
            # ignore_filter: True, or the values whose filter Intune ignores (the others it applies).
            ignored = self.ignore_filter is True or (self.ignore_filter and value in self.ignore_filter)
            if not ignored:
                items = [i for i in items if isinstance(i, dict) and isinstance(i.get(field), str)
                         and i[field].lower() == value.lower()]
        top = self.page_size
        if "$top" in query:
            try:
                top = int(query["$top"])
            except ValueError:
                return 400, graph_error("BadRequest", "Invalid $top value")
            if not 1 <= top <= MAX_TOP:
                return 400, graph_error("BadRequest", "The limit of '%d' for Top query has been exceeded." % MAX_TOP)
        start = 0
        if "$skiptoken" in query:
            start = int(base64.urlsafe_b64decode(query["$skiptoken"].encode()).decode().split(":")[1])
        page = items[start:start + top]
        if "$select" in query:
            fields = set(query["$select"].split(",")) | {"id"}
            page = [{k: v for k, v in item.items() if k in fields} if isinstance(item, dict) else item
                    for item in page]
        body = {"@odata.context": "%s/%s/$metadata#%s" % (self.url, request.path.split("/")[1], context), "value": page}
        if start + top < len(items):
            token = base64.urlsafe_b64encode(("skip:%d" % (start + top)).encode()).decode()
            kept = "&".join(p for p in request.raw_query.split("&") if p and not p.startswith("$skiptoken="))
            joiner = "&" if kept else ""
            body["@odata.nextLink"] = "%s%s?%s%s$skiptoken=%s" % (self.url, request.path, kept, joiner, token)
        return 200, body
