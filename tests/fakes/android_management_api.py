# -*- coding: utf-8 -*-
"""A fake Android Management API and Google OAuth token endpoint, answering like the documented ones.

* POST /token: the JWT bearer grant (grant_type urn:ietf:params:oauth:grant-type:jwt-bearer, assertion). The
  assertion's RS256 signature is checked with the service account's public key, and its claims: iss is the
  service account's client_email, scope the androidmanagement scope, aud this token URL, iat/exp current and at
  most an hour apart. Answers {"access_token", "expires_in", "token_type"} or 400 {"error": "invalid_grant", ...}.
* GET /v1/enterprises/{e}/devices?pageSize=&pageToken=&fields=: {"devices": [...], "nextPageToken": "..."}; page
  size defaults to 10 and is coerced to at most 100; an empty page omits "devices"; an unknown page token is 400;
  a fields mask is applied as Google applies partial responses (so a field the client reads but does not ask
  for is missing here too, as it would be from Google).
* GET /v1/enterprises/{e}/policies/{p}: the policy, or 404.
* Errors in Google's shape: {"error": {"code": 401, "message": "...", "status": "UNAUTHENTICATED"}}.

Tests add faults with inject(kind, response...) (kind: "token", "devices", "policy"), revoke tokens with
expire_tokens(), and read what was asked in token_requests and api.server.requests.
"""

from __future__ import annotations

import base64
import json
import os
import threading
import time

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from .http_base import ServedFake

SCOPE = "https://www.googleapis.com/auth/androidmanagement"
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
ENTERPRISE = "LC03w1x2y3"
EXAMPLES = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                        "examples", "mdm", "android_management")

_STATUS = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND",
           429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE"}


def google_error(code, message):
    return {"error": {"code": code, "message": message, "status": _STATUS.get(code, "UNKNOWN")}}


def with_fields(base, fields):
    """base with fields set, a field given as None removed (the API leaves out what it has no value for)."""
    for key, value in fields.items():
        if value is None:
            base.pop(key, None)
        else:
            base[key] = value
    return base


def work_profile(**fields):
    """The fields of a personally owned phone with a work profile, whose app reports do not list Signal."""
    return dict({"managementMode": "PROFILE_OWNER", "ownership": "PERSONALLY_OWNED",
                 "applicationReports": [{"packageName": "com.example.mail", "state": "INSTALLED"}]}, **fields)


def password_requirement(scope=None, quality="NUMERIC_COMPLEX"):
    """One entry of a policy's passwordPolicies; without a scope, the API's default (SCOPE_UNSPECIFIED)."""
    requirement = {"passwordQuality": quality}
    if scope:
        requirement["passwordScope"] = scope
    return requirement


def load_example():
    """(devices, {policy name: policy}) from the bundled sample export."""
    with open(os.path.join(EXAMPLES, "devices.json"), encoding="utf-8") as handle:
        devices = json.load(handle)["devices"]
    with open(os.path.join(EXAMPLES, "policies.json"), encoding="utf-8") as handle:
        policies = {p["name"]: p for p in json.load(handle)["policies"]}
    return devices, policies


class ServiceAccount(object):
    """A throwaway service-account key, made in the test (never a committed key)."""

    _key = None
    _lock = threading.Lock()

    def __init__(self, email="signal-audit@hardening-example.iam.gserviceaccount.com"):
        with ServiceAccount._lock:
            if ServiceAccount._key is None:  # 2048-bit generation takes a moment: once per test run
                ServiceAccount._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.key = ServiceAccount._key
        self.email = email
        self.pem = self.key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()).decode("ascii")
        self.private_key_id = "5f1c0e9a27d84b6e93a1c2f0d7e8b4a6c3d2e1f0"

    def info(self, token_uri):
        return {"type": "service_account", "project_id": "hardening-example", "private_key_id": self.private_key_id,
                "private_key": self.pem, "client_email": self.email, "client_id": "104857392016482537195",
                "auth_uri": "https://accounts.google.com/o/oauth2/auth", "token_uri": token_uri,
                "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
                "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/signal-audit",
                "universe_domain": "googleapis.com"}

    def write(self, directory, token_uri, changes=None):
        """The key file; changes replace fields (None removes one)."""
        info = self.info(token_uri)
        info.update(changes or {})
        for key in [k for k, v in info.items() if v is None]:
            del info[key]
        path = os.path.join(str(directory), "service-account.json")
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(info, handle)
        return path


def parse_fields(mask):
    """Google's partial-response mask ('a,b(c,d(e))') as a tree {name: subtree or None}; ValueError if malformed."""
    tree, stack, name = {}, [], ""
    node = tree
    for char in mask + ",":
        if char in ",()":
            if name:
                node[name.strip()] = None
            if char == "(":
                if not name:
                    raise ValueError("'(' without a field name")
                child = node[name.strip()] = {}
                stack.append(node)
                node = child
            elif char == ")":
                if not stack:
                    raise ValueError("unbalanced ')'")
                node = stack.pop()
            name = ""
        else:
            name += char
    if stack:
        raise ValueError("unbalanced '('")
    return tree


def apply_fields(value, tree):
    """What the API returns under a mask: only the named fields, recursively (lists element by element)."""
    if tree is None:
        return value
    if isinstance(value, list):
        return [apply_fields(item, tree) for item in value]
    if not isinstance(value, dict):
        return value
    return {key: apply_fields(value[key], sub) for key, sub in tree.items() if key in value}


def _b64decode(part):
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


class FakeAndroidManagement(ServedFake):
    def __init__(self, account, devices=None, policies=None, enterprise=ENTERPRISE, default_page_size=10):
        super(FakeAndroidManagement, self).__init__()
        self.account = account
        if devices is None and policies is None:
            devices, policies = load_example()
        self.devices = devices or []
        self.policies = policies or {}
        self.enterprise = enterprise
        self.default_page_size = default_page_size
        self.honour_fields = True
        self.token_lifetime = 3599
        self.token_requests = []
        self.api_requests = []
        self.faults = {"token": [], "devices": [], "policy": []}

    # -- test controls -------------------------------------------------------------------------------------------
    @property
    def token_url(self):
        return self.server.url + "/token"

    def inject(self, kind, *responses):
        """Answer the next requests of kind ('token', 'devices', 'policy') with these (status, body[, headers]),
        or with what a callable given in their place returns for the request."""
        with self.lock:
            self.faults[kind].extend(responses)

    # -- routing -------------------------------------------------------------------------------------------------
    def route(self, request):
        if request.method == "POST" and request.path == "/token":
            self.token_requests.append(request)
            return self._fault("token", request) or self._token(request)
        self.api_requests.append(request)
        prefix = "/v1/enterprises/%s/" % self.enterprise
        if request.method != "GET":
            return 405, google_error(405, "Method not allowed")
        if not self.valid(request.headers.get("Authorization", "")):
            return 401, google_error(401, "Request had invalid authentication credentials. Expected OAuth 2 access "
                                          "token, login cookie or other valid authentication credential."), \
                {"WWW-Authenticate": 'Bearer realm="https://accounts.google.com/", error="invalid_token"'}
        if request.path == prefix + "devices":
            return self._fault("devices", request) or self._devices(request)
        if request.path.startswith(prefix + "policies/"):
            return self._fault("policy", request) or self._policy(request)
        if request.path.startswith("/v1/enterprises/"):
            return 403, google_error(403, "The caller does not have permission")
        return 404, google_error(404, "Requested entity was not found.")

    def _fault(self, kind, request):
        with self.lock:
            answer = self.faults[kind].pop(0) if self.faults[kind] else None
        return answer(request) if callable(answer) else answer

    def _token(self, request):
        form = request.form()
        if form.get("grant_type") != JWT_BEARER:
            return 400, {"error": "unsupported_grant_type", "error_description": "Invalid grant_type: %s" % form.get("grant_type")}
        problem = self._check_assertion(form.get("assertion") or "")
        if problem:
            return 400, {"error": "invalid_grant", "error_description": problem}
        token = "ya29.fake-%s" % base64.urlsafe_b64encode(os.urandom(24)).decode("ascii").rstrip("=")
        self.keep(token)
        return 200, {"access_token": token, "expires_in": self.token_lifetime, "token_type": "Bearer"}

    def _check_assertion(self, assertion):
        parts = assertion.split(".")
        if len(parts) != 3:
            return "Invalid JWT: not three segments."
        try:
            header = json.loads(_b64decode(parts[0]))
            claims = json.loads(_b64decode(parts[1]))
            signature = _b64decode(parts[2])
        except ValueError:
            return "Invalid JWT: segments are not base64url JSON."
        if header.get("alg") != "RS256":
            return "Invalid JWT: alg must be RS256."
        try:
            self.account.key.public_key().verify(signature, ("%s.%s" % (parts[0], parts[1])).encode("ascii"),
                                                 padding.PKCS1v15(), hashes.SHA256())
        except Exception:  # pylint: disable=broad-except  # cryptography's InvalidSignature
            return "Invalid JWT Signature."
        now = time.time()
        if claims.get("iss") != self.account.email:
            return "Invalid issuer: %s" % claims.get("iss")
        if claims.get("scope") != SCOPE:
            return "Invalid OAuth scope or ID token audience provided."
        if claims.get("aud") != self.token_url:
            return "Invalid JWT: Token must be a short-lived token and in a reasonable timeframe (aud %s)" % claims.get("aud")
        iat, exp = claims.get("iat"), claims.get("exp")
        if not isinstance(iat, int) or not isinstance(exp, int) or iat > now + 60 or exp < now or exp - iat > 3600:
            return "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe."
        return None

    def _devices(self, request):
        size = request.query.get("pageSize")
        try:
            size = int(size) if size is not None else self.default_page_size
        except ValueError:
            return 400, google_error(400, "Invalid value at 'page_size' (TYPE_INT32), \"%s\"" % size)
        if size < 0:
            return 400, google_error(400, "page_size must not be negative")
        size = min(size or self.default_page_size, 100)
        token = request.query.get("pageToken")
        offset = 0
        if token:
            try:
                offset = int(_b64decode(token).decode("ascii").split(":", 1)[1])
            except (ValueError, IndexError, UnicodeDecodeError):
                return 400, google_error(400, "Invalid page token.")
        page = self.devices[offset:offset + size]
        body = {}
        if page:
            body["devices"] = page
        if offset + size < len(self.devices):
            body["nextPageToken"] = base64.urlsafe_b64encode(("devices:%d" % (offset + size)).encode()).decode().rstrip("=")
        if "fields" in request.query and self.honour_fields:  # partial response, as Google applies it: unmasked fields are simply absent
            try:
                body = apply_fields(body, parse_fields(request.query["fields"]))
            except ValueError as exc:
                return 400, google_error(400, "Invalid field selection: %s" % exc)
        return 200, body

    def _policy(self, request):
        name = request.path[len("/v1/"):]
        policy = self.policies.get(name)
        if policy is None:
            return 404, google_error(404, "Resource not found: %s" % name)
        return 200, policy
