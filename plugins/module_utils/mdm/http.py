# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""HTTP for the MDM API clients: one request policy every vendor client shares.

Through Ansible's own module_utils.urls, so nothing beyond the controller
requirements is needed. What users can rely on:

* TLS is verified by default; plain http:// is refused unless the host is a
  loopback address (a local proxy or test server).
* 429 is honoured with Retry-After (seconds or an HTTP date); without it,
  exponential backoff with full jitter. 5xx, timeouts and connection errors
  are retried too, up to max_retries.
* 401 refreshes the token once (the caller's token provider), then fails.
* A hard ceiling on the total time of one pull (deadline).
* Secrets never appear in errors: every message passes through redact(),
  which also knows their url-encoded and JSON-escaped spellings (a server
  may echo a form body), and error bodies are redacted before they are cut
  to an excerpt (so no half of a secret survives the cut).
* The Authorization header is never sent on to a redirect target, and a
  ~/.netrc entry never replaces it.
"""

from __future__ import annotations

import email.utils
import ipaddress
import json
import random
import socket
import time

from ansible.module_utils.six.moves import http_client
from ansible.module_utils.six.moves.urllib.error import HTTPError, URLError
from ansible.module_utils.six.moves.urllib.parse import quote, quote_plus, urlsplit
from ansible.module_utils.urls import Request, make_context

REDACTED = "********"


class MdmHttpError(Exception):
    """A request failed for good (after retries): says which source, which URL and why."""

    def __init__(self, message, status=None, url=None):
        super(MdmHttpError, self).__init__(message)
        self.status = status
        self.url = url


class Stats(object):
    """What one pull cost: shown to the operator and in the summary."""

    def __init__(self):
        self.requests = 0
        self.pages = 0
        self.retries = 0
        self.started = time.monotonic()

    def as_dict(self):
        return {"requests": self.requests, "pages": self.pages, "retries": self.retries,
                "seconds": round(time.monotonic() - self.started, 3)}


def is_loopback(host):
    if not host:
        return False
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_url(url):
    """Refuse anything but https, or http to a loopback address."""
    parts = urlsplit(url)
    if parts.scheme == "https":
        return
    if parts.scheme == "http" and is_loopback(parts.hostname):
        return
    raise MdmHttpError("refusing %s: only https:// is allowed (plain http:// only to a loopback address)" % url, url=url)


def retry_after_seconds(value, now=None):
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date); None when absent or unreadable."""
    if value is None:
        return None
    value = str(value).strip()
    if value.isdigit():
        return float(value)
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment is None:
        return None
    now = time.time() if now is None else now
    return max(0.0, moment.timestamp() - now)


class HttpPolicy(object):
    """How hard to try. Defaults suit a nightly job against a vendor cloud."""

    def __init__(self, timeout=30.0, max_retries=5, deadline_seconds=1800.0, validate_certs=True, ca_path=None,
                 backoff_base=1.0, backoff_cap=60.0, rng=None, sleep=time.sleep):
        self.timeout = float(timeout)
        self.max_retries = int(max_retries)
        self.deadline_seconds = float(deadline_seconds)
        self.validate_certs = bool(validate_certs)
        self.ca_path = ca_path
        self.backoff_base = float(backoff_base)
        self.backoff_cap = float(backoff_cap)
        self.rng = rng or random.Random()
        self.sleep = sleep

    def backoff(self, attempt):
        """Full jitter: a random wait up to base * 2^attempt, capped."""
        return self.rng.uniform(0, min(self.backoff_cap, self.backoff_base * (2 ** attempt)))


def _body_excerpt(raw, redact=None):
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    if redact is not None:
        text = redact(text)  # before the cut: a secret cut in half would no longer match
    text = " ".join(text.split())
    return text[:200] + ("..." if len(text) > 200 else "")


class HttpClient(object):
    """One source's HTTP session: policy, secrets to redact, token and stats.

    token_provider: None, or an object with ``token(force=False) -> str``
    (the bearer token; force=True after a 401 asks for a new one).
    """

    def __init__(self, source_name, policy=None, token_provider=None, secrets=(), stats=None, tls_context=None):
        self.source_name = source_name
        self.policy = policy or HttpPolicy()
        self.token_provider = token_provider
        self.secrets = [str(s) for s in secrets if s]
        self.stats = stats or Stats()
        # One TLS context per source (worker clients share their parent's): building one costs ~40-80 ms,
        # which per request would dominate a big pull.
        self.tls_context = tls_context or make_context(cafile=self.policy.ca_path, validate_certs=self.policy.validate_certs)
        self.deadline = time.monotonic() + self.policy.deadline_seconds

    def redact(self, text):
        text = str(text)
        for secret in self._spellings:
            text = text.replace(secret, REDACTED)
        return text

    @property
    def _spellings(self):
        """Each secret as is, url-encoded (a form body) and JSON-escaped (a JSON string), longest first."""
        spellings = set()
        for secret in self.secrets:
            spellings.update((secret, quote_plus(secret), quote(secret, safe=""), json.dumps(secret)[1:-1],
                              json.dumps(secret, ensure_ascii=False)[1:-1]))
        return sorted((s for s in spellings if s), key=len, reverse=True)

    def add_secret(self, secret):
        if secret and str(secret) not in self.secrets:
            self.secrets.append(str(secret))

    def fail(self, message, status=None, url=None):
        return MdmHttpError(self.redact("%s: %s" % (self.source_name, message)), status=status,
                            url=self.redact(url) if url else None)

    def _wait(self, seconds, url, why):
        if time.monotonic() + seconds > self.deadline:
            raise self.fail("giving up on %s: waiting %.1f s more (%s) would pass the %.0f s deadline"
                            % (url, seconds, why, self.policy.deadline_seconds), url=url)
        self.stats.retries += 1
        self.policy.sleep(seconds)

    def request_json(self, method, url, headers=None, data=None, auth=True, url_username=None, url_password=None):
        """The parsed JSON body of a successful response; raises MdmHttpError otherwise."""
        check_url(url)
        refreshed = False
        force_token = False
        attempt = 0
        while True:
            if time.monotonic() > self.deadline:
                raise self.fail("giving up on %s: the %.0f s deadline has passed" % (url, self.policy.deadline_seconds), url=url)
            send = {"Accept": "application/json"}
            send.update(headers or {})
            if auth and self.token_provider is not None:
                token = self.token_provider.token(force=force_token)
                force_token = False  # one new token after a 401, not one per later retry
                self.add_secret(token)
                send["Authorization"] = "Bearer %s" % token
            self.stats.requests += 1
            try:
                response = Request().open(method, url, headers=send, data=data, timeout=self.policy.timeout,
                                          validate_certs=self.policy.validate_certs, ca_path=self.policy.ca_path,
                                          url_username=url_username, url_password=url_password,
                                          force_basic_auth=bool(url_username), follow_redirects="safe", use_netrc=False,
                                          unredirected_headers=["Authorization"], context=self.tls_context)
                raw = response.read()
                status = response.getcode()
                content_type = response.headers.get("Content-Type", "")
            except HTTPError as exc:
                status = exc.code
                body = _body_excerpt(exc.read() if hasattr(exc, "read") else b"", self.redact)
                if status == 401 and auth and self.token_provider is not None and not refreshed:
                    refreshed = force_token = True  # the token expired or was revoked: one new token, one more try
                    continue
                if status == 429 or status >= 500:
                    if attempt >= self.policy.max_retries:
                        raise self.fail("%s %s answered HTTP %d after %d retries: %s" % (method, url, status, attempt, body),
                                        status=status, url=url)
                    delay = retry_after_seconds(exc.headers.get("Retry-After") if exc.headers else None)
                    if delay is None:
                        delay = self.policy.backoff(attempt)
                    attempt += 1
                    self._wait(delay, url, "HTTP %d" % status)
                    continue
                raise self.fail("%s %s answered HTTP %d: %s" % (method, url, status, body), status=status, url=url)
            except (URLError, socket.timeout, ConnectionError, TimeoutError, http_client.HTTPException) as exc:
                # HTTPException covers a body cut short (IncompleteRead) and a garbled status line.
                reason = getattr(exc, "reason", exc)
                if attempt >= self.policy.max_retries:
                    raise self.fail("%s %s failed after %d retries: %s" % (method, url, attempt, reason), url=url)
                attempt += 1
                self._wait(self.policy.backoff(attempt - 1), url, "connection error")
                continue
            return self._parse(raw, content_type, method, url, status)

    def _parse(self, raw, content_type, method, url, status):
        if "html" in content_type.lower():
            raise self.fail("%s %s answered an HTML page (HTTP %s, perhaps a proxy's error page) instead of JSON: %s"
                            % (method, url, status, _body_excerpt(raw, self.redact)), status=status, url=url)
        if not raw:
            return {}
        try:
            return json.loads(raw.decode("utf-8") if isinstance(raw, bytes) else raw)
        except ValueError as exc:
            raise self.fail("%s %s answered a body that is not valid JSON (%s): %s"
                            % (method, url, exc, _body_excerpt(raw, self.redact)), status=status, url=url)
