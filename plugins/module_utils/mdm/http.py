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

Each client (and each worker client of a source's thread pool) builds one
urllib opener from module_utils.urls' pieces (make_context,
HTTPRedirectHandler, basic_auth_header) and sends every request through it.
It does not call Request.open: that builds a new opener per request (about
0.5 ms of CPU, and reference cycles the paused cycle collector would keep)
and installs it process-wide with urllib's install_opener() before opening
through the global one, so with several sources pulled on threads a request
could leave through another source's opener, with that source's TLS
settings. urllib sends "Connection: close", so there is no keep-alive to
reuse; the opener is what can be reused.
"""

from __future__ import annotations

import contextlib
import email.utils
import ipaddress
import json
import random
import socket
import threading
import time

from ansible.module_utils.common.text.converters import to_bytes
from ansible.module_utils.six.moves import http_client
from ansible.module_utils.six.moves.urllib import request as urllib_request
from ansible.module_utils.six.moves.urllib.error import HTTPError, URLError
from ansible.module_utils.six.moves.urllib.parse import quote, quote_plus, urlsplit
from ansible.module_utils.urls import HTTPRedirectHandler, basic_auth_header, make_context

REDACTED = "********"


class MdmHttpError(Exception):
    """A request failed for good (after retries): says which source, which URL and why."""

    def __init__(self, message, status=None, url=None):
        super(MdmHttpError, self).__init__(message)
        self.status = status
        self.url = url


class Stats(object):
    """What one pull cost: shown to the operator and in the summary.

    Shared by a source's worker clients: they count through add(), under a lock.
    """

    def __init__(self):
        self.requests = 0
        self.pages = 0
        self.retries = 0
        self.skipped = {}  # why -> how many vendor records were not judged (not phones, not in use)
        self.started = time.monotonic()
        self._lock = threading.Lock()

    def add(self, requests=0, retries=0):
        with self._lock:
            self.requests += requests
            self.retries += retries

    def skip(self, why):
        """A vendor record that is not judged (an Apple TV, a lost phone): counted by why, for the source's detail."""
        with self._lock:
            self.skipped[why] = self.skipped.get(why, 0) + 1

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


class Throttle(object):
    """A 429 holds back every worker of the source, not only the one it answered: while the worker that was
    throttled waits out Retry-After (or its backoff), the others wait for it before they send."""

    def __init__(self):
        self._holders = 0
        self._lock = threading.Lock()
        self._clear = threading.Event()
        self._clear.set()

    @contextlib.contextmanager
    def held(self):
        with self._lock:
            self._holders += 1
            self._clear.clear()
        try:
            yield
        finally:
            with self._lock:
                self._holders -= 1
                if not self._holders:
                    self._clear.set()

    def wait(self, seconds):
        """False when still held after seconds."""
        return self._clear.wait(max(0.0, seconds))


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
        self.throttle = Throttle()
        # No auth handlers and no netrc: credentials go in headers only, never to a redirect target.
        self._opener = urllib_request.build_opener(urllib_request.HTTPSHandler(context=self.tls_context),
                                                   HTTPRedirectHandler("safe"))

    def worker(self):
        """A client for one worker thread: the same source, policy, token, secrets, stats, deadline and throttle,
        its own opener. The secrets list is shared, so a token one worker fetches is redacted by all."""
        worker = HttpClient(self.source_name, policy=self.policy, token_provider=self.token_provider, stats=self.stats,
                            tls_context=self.tls_context)
        worker.secrets = self.secrets
        worker.deadline = self.deadline
        worker.throttle = self.throttle
        return worker

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
        self.stats.add(retries=1)
        self.policy.sleep(seconds)

    def _open(self, method, url, headers, data, url_username, url_password):
        request = urllib_request.Request(url, data=to_bytes(data, nonstring="passthru"), method=method.upper())
        for name, value in headers.items():
            if name.lower() == "authorization":
                request.add_unredirected_header(name, value)  # never sent on to a redirect target
            else:
                request.add_header(name, value)
        if url_username:
            request.add_unredirected_header("Authorization", basic_auth_header(url_username, url_password))
        return self._opener.open(request, timeout=self.policy.timeout)

    def request_json(self, method, url, headers=None, data=None, auth=True, url_username=None, url_password=None):
        """The parsed JSON body of a successful response; raises MdmHttpError otherwise."""
        check_url(url)
        refreshed = False
        rejected = None  # the token a 401 refused: the next one must differ
        attempt = 0
        while True:
            if not self.throttle.wait(self.deadline - time.monotonic()) or time.monotonic() > self.deadline:
                raise self.fail("giving up on %s: the %.0f s deadline has passed" % (url, self.policy.deadline_seconds), url=url)
            send = {"Accept": "application/json"}
            send.update(headers or {})
            token = None
            if auth and self.token_provider is not None:
                token = self.token_provider.token(force=rejected is not None, rejected=rejected)
                rejected = None  # one new token after a 401, not one per later retry
                self.add_secret(token)
                send["Authorization"] = "Bearer %s" % token
            self.stats.add(requests=1)
            try:
                response = self._open(method, url, send, data, url_username, url_password)
                raw = response.read()
                status = response.getcode()
                content_type = response.headers.get("Content-Type", "")
            except HTTPError as exc:
                status = exc.code
                body = _body_excerpt(exc.read() if hasattr(exc, "read") else b"", self.redact)
                if status == 401 and auth and self.token_provider is not None and not refreshed:
                    refreshed = True  # the token expired or was revoked: one new token, one more try
                    rejected = token
                    continue
                if status == 429 or status >= 500:
                    if attempt >= self.policy.max_retries:
                        raise self.fail("%s %s answered HTTP %d after %d retries: %s" % (method, url, status, attempt, body),
                                        status=status, url=url)
                    delay = retry_after_seconds(exc.headers.get("Retry-After") if exc.headers else None)
                    if delay is None:
                        delay = self.policy.backoff(attempt)
                    attempt += 1
                    if status == 429:
                        with self.throttle.held():
                            self._wait(delay, url, "HTTP %d" % status)
                    else:
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
