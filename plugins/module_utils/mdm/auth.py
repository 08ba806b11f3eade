# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bearer tokens for the MDM APIs: OAuth client credentials, Jamf Pro's basic-auth token, Google service accounts.

Each provider has token(force=False): the cached token while it is valid,
a new one when it is about to expire or when force is set (after a 401).
Every secret it handles is registered with the HTTP client for redaction.
"""

from __future__ import annotations

import base64
import json
import threading
import time

from ansible.module_utils.six.moves.urllib.parse import urlencode

# Ask for a new token this long before the old one expires.
_EARLY = 60.0


class _CachedToken(object):
    """Caches what fetch() returns: (token, lifetime in seconds or None).

    Worker threads of one source share the provider: one of them fetches, the
    others wait for that token instead of asking for one each.
    """

    def __init__(self, client, fetch):
        self.client = client
        self._fetch_token = fetch
        self._token = None
        self._expires = 0.0
        self._lock = threading.Lock()

    def token(self, force=False, rejected=None):
        """force: a new token (after a 401); rejected: the token that 401 refused, when another thread has
        already replaced it, that newer token is the answer."""
        with self._lock:
            if force and rejected is not None and rejected != self._token:
                force = False
            if force or self._token is None or time.monotonic() > self._expires - _EARLY:
                token, lifetime = self._fetch_token()
                if not isinstance(token, str) or not token:
                    raise self.client.fail("the token endpoint answered without a token")
                self.client.add_secret(token)
                self._token = token
                self._expires = time.monotonic() + (lifetime if lifetime else 300.0)
            return self._token


def _field(body, field):
    """body[field] when the token endpoint answered a JSON object, else None (then: 'answered without a token')."""
    return body.get(field) if isinstance(body, dict) else None


def _lifetime(body, field="expires_in"):
    try:
        return float(_field(body, field))
    except (TypeError, ValueError):
        return None


class ClientCredentials(_CachedToken):
    """OAuth 2.0 client credentials grant (Microsoft identity platform, Jamf Pro API clients, Workspace ONE)."""

    def __init__(self, client, token_url, client_id, client_secret, scope=None):
        super(ClientCredentials, self).__init__(client, self._fetch)
        self.token_url = token_url
        self.client_id = client_id
        self.client_secret = client_secret
        self.scope = scope
        client.add_secret(client_secret)

    def _fetch(self):
        form = {"grant_type": "client_credentials", "client_id": self.client_id, "client_secret": self.client_secret}
        if self.scope:
            form["scope"] = self.scope
        body = self.client.request_json("POST", self.token_url, data=urlencode(form), auth=False,
                                        headers={"Content-Type": "application/x-www-form-urlencoded"})
        return _field(body, "access_token"), _lifetime(body)


class JamfBasicToken(_CachedToken):
    """Jamf Pro: POST /api/v1/auth/token with basic auth returns {token, expires}."""

    def __init__(self, client, token_url, username, password):
        super(JamfBasicToken, self).__init__(client, self._fetch)
        self.token_url = token_url
        self.username = username
        self.password = password
        client.add_secret(password)
        client.add_secret(base64.b64encode(("%s:%s" % (username, password)).encode()).decode())

    def _fetch(self):
        body = self.client.request_json("POST", self.token_url, auth=False, url_username=self.username,
                                        url_password=self.password)
        # 'expires' is an ISO date; Jamf tokens live 20-30 minutes: refresh after 10 to stay clear of it.
        return _field(body, "token"), 600.0


def _b64url(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


class GoogleServiceAccount(_CachedToken):
    """Google's JWT bearer grant with a service-account key (Android Management API)."""

    def __init__(self, client, service_account, scope, token_url=None):
        super(GoogleServiceAccount, self).__init__(client, self._fetch)
        for field in ("client_email", "private_key"):
            if not service_account.get(field):
                raise client.fail("the service account file has no %s" % field)
        self.email = service_account["client_email"]
        self.private_key = service_account["private_key"]
        self.token_url = token_url or service_account.get("token_uri") or "https://oauth2.googleapis.com/token"
        self.scope = scope
        client.add_secret(self.private_key)

    def _assertion(self):
        try:
            from cryptography.hazmat.primitives import hashes, serialization
            from cryptography.hazmat.primitives.asymmetric import padding
        except ImportError:
            raise self.client.fail("signing the service-account assertion needs the Python package cryptography")
        now = int(time.time())
        header = {"alg": "RS256", "typ": "JWT"}
        claims = {"iss": self.email, "scope": self.scope, "aud": self.token_url, "iat": now, "exp": now + 3600}
        signing_input = "%s.%s" % (_b64url(json.dumps(header, separators=(",", ":")).encode()),
                                   _b64url(json.dumps(claims, separators=(",", ":")).encode()))
        try:
            key = serialization.load_pem_private_key(self.private_key.encode(), password=None)
        except (ValueError, TypeError):
            raise self.client.fail("the service account's private_key is not a readable PEM RSA key")
        signature = key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
        return "%s.%s" % (signing_input, _b64url(signature))

    def _fetch(self):
        assertion = self._assertion()
        self.client.add_secret(assertion)
        form = {"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": assertion}
        body = self.client.request_json("POST", self.token_url, data=urlencode(form), auth=False,
                                        headers={"Content-Type": "application/x-www-form-urlencoded"})
        return _field(body, "access_token"), _lifetime(body)


def credential_kind(client, options, client_kind, client_options):
    """'client' for client_id + client_secret, 'user' for username + password (Jamf Pro, Workspace ONE).

    Both kinds at once, half of a pair, or neither is refused rather than guessed between. client_kind and
    client_options name the client credentials in the messages (e.g. "OAuth"; "client_id and client_secret").
    """
    has_client = bool(options.get("client_id") or options.get("client_secret"))
    has_user = bool(options.get("username") or options.get("password"))
    if has_client and has_user:
        raise client.fail("give either client_id and client_secret (%s) or username and password, not both" % client_kind)
    if not has_client and not has_user:
        raise client.fail("credentials are missing: give %s (%s) or username and password" % (client_options, client_kind))
    kind, first, second = ("client", "client_id", "client_secret") if has_client else ("user", "username", "password")
    if not options.get(first):
        raise client.fail("%s is set but %s is missing" % (second, first))
    if not options.get(second):
        raise client.fail("%s is set but %s is missing" % (first, second))
    return kind
