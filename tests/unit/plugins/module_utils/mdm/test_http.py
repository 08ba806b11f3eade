# -*- coding: utf-8 -*-
"""The shared MDM HTTP layer (http.py) and token providers (auth.py) against real servers on 127.0.0.1.

Nothing here is mocked but time: sleeps go through HttpPolicy(sleep=...) so a
test records how long the client would have waited instead of waiting.
"""

from __future__ import annotations

import base64
import email.utils
import json
import random
import socket
import threading
import time
import urllib.request as urllib_request

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.exceptions import InvalidSignature

from ansible_collections.hardening.signal.plugins.module_utils.mdm import auth
from ansible_collections.hardening.signal.plugins.module_utils.mdm.http import (
    REDACTED,
    HttpClient,
    HttpPolicy,
    MdmHttpError,
    check_url,
    is_loopback,
    retry_after_seconds,
)
from tests.fakes.http_base import FakeServer
from tests.fakes.sleep import policy

# Secrets with characters that change under url-encoding and JSON escaping, so an echo of the
# form body or of a JSON string cannot slip past redaction in an encoded spelling.
CLIENT_SECRET = 'cs~Q8+pl/us=eq&amp"quo\\te'
PASSWORD = 'pw:Jamf+P@ss/w"rd=1'
USERNAME = "api-reader"


def sequence(*answers):
    """Routes answering each request with the next answer; the last one repeats."""
    answers = list(answers)

    def routes(request):
        answer = answers.pop(0) if len(answers) > 1 else answers[0]
        return answer(request) if callable(answer) else answer
    return routes


def closed_port():
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


def all_text(exc):
    """Everything an exception could show: message, repr, url."""
    return " ".join([str(exc), repr(exc), str(getattr(exc, "url", "")), repr(exc.args)])


def encodings(secret):
    """The spellings a secret may take in an echoed body: as is, url-encoded, JSON-escaped."""
    from urllib.parse import quote, quote_plus
    return {secret, quote_plus(secret), quote(secret, safe=""), json.dumps(secret)[1:-1]}


def assert_no_secret(text, *secrets):
    for secret in secrets:
        for spelling in encodings(secret):
            assert spelling not in text, "secret %r leaked in: %s" % (spelling, text)
            # nor a long piece of it (an excerpt cut in the middle of a secret)
            for start in range(0, max(1, len(spelling) - 8)):
                assert spelling[start:start + 8] not in text, "part of a secret leaked in: %s" % text


# ---------------------------------------------------------------- URLs

def test_plain_http_to_a_remote_host_is_refused_before_any_request():
    # 192.0.2.1 is TEST-NET-1: never routed. check_url refuses before a socket is opened.
    client = HttpClient("intune-test", policy())
    started = time.monotonic()
    with pytest.raises(MdmHttpError) as caught:
        client.request_json("GET", "http://192.0.2.1/v1.0/deviceManagement/managedDevices")
    assert time.monotonic() - started < 1.0
    assert "refusing http://192.0.2.1/v1.0/deviceManagement/managedDevices" in str(caught.value)
    assert "only https://" in str(caught.value)
    assert client.stats.requests == 0 and client.policy.sleep.waits == []
    with pytest.raises(MdmHttpError):
        check_url("http://192.0.2.1")


@pytest.mark.parametrize("url", [
    "https://graph.microsoft.com/v1.0/deviceManagement/managedDevices",
    "https://192.0.2.1/api",
    "http://127.0.0.1:8080/x", "http://127.9.9.9/x", "http://[::1]:8443/x", "http://localhost/x",
    "http://LOCALHOST:1/x",
])
def test_https_and_loopback_http_are_allowed(url):
    check_url(url)


@pytest.mark.parametrize("url", [
    "http://10.0.0.1/api", "http://graph.microsoft.com/v1.0", "http://localhost.example.org/x",
    "http://127.0.0.1.example.org/x", "ftp://127.0.0.1/x", "file:///etc/passwd", "127.0.0.1/x", "",
])
def test_everything_else_is_refused(url):
    with pytest.raises(MdmHttpError) as caught:
        check_url(url)
    assert "refusing" in str(caught.value)


def test_loopback_names():
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("[::1]") and is_loopback("localhost")
    assert not is_loopback("192.0.2.1") and not is_loopback("") and not is_loopback(None)


def test_loopback_round_trip_by_name_and_address():
    with FakeServer(lambda request: (200, {"ok": True})) as server:
        port = server.url.rsplit(":", 1)[1]
        client = HttpClient("loop", policy())
        assert client.request_json("GET", "http://127.0.0.1:%s/a" % port) == {"ok": True}
        assert client.request_json("GET", "http://localhost:%s/b" % port) == {"ok": True}
    assert [r.path for r in server.requests] == ["/a", "/b"]
    assert all(r.headers.get("Accept") == "application/json" for r in server.requests)


# ---------------------------------------------------------------- Retry-After and backoff

def test_retry_after_as_seconds():
    assert retry_after_seconds("5") == 5.0
    assert retry_after_seconds(" 120 ") == 120.0
    assert retry_after_seconds("0") == 0.0
    assert retry_after_seconds(7) == 7.0


def test_retry_after_as_an_http_date():
    now = 1_800_000_000.0
    header = email.utils.formatdate(now + 42, usegmt=True)
    assert retry_after_seconds(header, now=now) == pytest.approx(42.0)
    # a date already past means: now
    assert retry_after_seconds(email.utils.formatdate(now - 300, usegmt=True), now=now) == 0.0


@pytest.mark.parametrize("value", [None, "", "soon", "-3", "1.5", "Someday, 99 Foo 20xx"])
def test_retry_after_unreadable_is_none(value):
    assert retry_after_seconds(value) is None


def test_429_with_retry_after_seconds_waits_that_long():
    with FakeServer(sequence((429, {"error": "throttled"}, {"Retry-After": "3"}), (200, {"value": [1]}))) as server:
        client = HttpClient("intune-test", policy())
        assert client.request_json("GET", server.url + "/devices") == {"value": [1]}
    assert client.policy.sleep.waits == [3.0]
    assert client.stats.retries == 1 and client.stats.requests == 2 and len(server.requests) == 2


def test_429_on_one_worker_holds_back_the_other_workers_of_the_source_until_its_wait_is_over():
    waiting, release = threading.Event(), threading.Event()

    def sleep(seconds):  # the throttled worker's wait: lasts until the test releases it
        waiting.set()
        release.wait(10)

    with FakeServer(sequence((429, {"error": "throttled"}, {"Retry-After": "7"}), (200, {"value": [1]}))) as server:
        client = HttpClient("ws1-test", policy(sleep=sleep))
        other = client.worker()
        answers = []
        first = threading.Thread(target=lambda: answers.append(client.request_json("GET", server.url + "/a")))
        second = threading.Thread(target=lambda: answers.append(other.request_json("GET", server.url + "/b")))
        first.start()
        assert waiting.wait(10)
        second.start()
        second.join(0.5)
        sent_while_held = [r.path for r in server.requests]
        release.set()
        first.join(10)
        second.join(10)
    assert sent_while_held == ["/a"]  # the other worker did not send while the first waited out the 429
    assert answers == [{"value": [1]}] * 2 and [r.path for r in server.requests][1:] in (["/a", "/b"], ["/b", "/a"])
    assert client.stats is other.stats and client.stats.requests == 3 and client.stats.retries == 1


def test_requests_leave_no_process_wide_opener_behind():
    # urllib's install_opener() is process-wide: a client that installed its opener there could have another
    # source's requests (another TLS context) sent through it when sources are pulled on threads.
    urllib_request.install_opener(None)
    with FakeServer(sequence((200, {"value": []}))) as server:
        HttpClient("jamf-test", policy()).request_json("GET", server.url + "/devices")
        HttpClient("intune-test", policy(validate_certs=False)).request_json("GET", server.url + "/devices")
    assert urllib_request._opener is None  # pylint: disable=protected-access


def test_429_with_retry_after_as_http_date_waits_until_then():
    def throttled(request):
        return 429, {"error": "throttled"}, {"Retry-After": email.utils.formatdate(time.time() + 30, usegmt=True)}
    with FakeServer(sequence(throttled, (200, {"value": []}))) as server:
        client = HttpClient("jamf-test", policy())
        client.request_json("GET", server.url + "/devices")
    [waited] = client.policy.sleep.waits
    # HTTP dates have one-second resolution; the round trip takes a few milliseconds.
    assert 28.0 <= waited <= 30.5


def test_429_without_retry_after_backs_off_with_growing_capped_jitter():
    with FakeServer(sequence((429, {}), (429, {}), (429, {}), (429, {}), (200, {"done": 1}))) as server:
        client = HttpClient("ws1-test", policy(max_retries=5, backoff_base=0.5, backoff_cap=2.0, rng=random.Random(7)))
        assert client.request_json("GET", server.url + "/devices") == {"done": 1}
    waits = client.policy.sleep.waits
    assert len(waits) == 4
    for attempt, waited in enumerate(waits):
        assert 0.0 <= waited <= min(2.0, 0.5 * 2 ** attempt)


def test_backoff_is_full_jitter_bounded_by_the_cap_and_growing():
    rng = random.Random(1234)
    pol = HttpPolicy(backoff_base=1.0, backoff_cap=30.0, rng=rng)
    samples = {attempt: [pol.backoff(attempt) for dummy in range(400)] for attempt in range(10)}
    for attempt, values in samples.items():
        ceiling = min(30.0, 2.0 ** attempt)
        assert all(0.0 <= v <= ceiling for v in values)
        # full jitter: spread over the whole range, not a fixed wait
        assert max(values) > 0.8 * ceiling and min(values) < 0.2 * ceiling
    means = [sum(samples[a]) / len(samples[a]) for a in range(10)]
    assert means[0] < means[1] < means[2] < means[3] < means[4]
    # once capped it stops growing
    assert max(samples[9]) <= 30.0 and abs(means[8] - means[9]) < 3.0


def test_5xx_is_retried_up_to_max_retries_then_a_clear_error():
    with FakeServer(lambda request: (503, {"error": "Service Unavailable"})) as server:
        client = HttpClient("intune-prod", policy(max_retries=3))
        url = server.url + "/v1.0/deviceManagement/managedDevices?$top=999"
        with pytest.raises(MdmHttpError) as caught:
            client.request_json("GET", url)
    message = str(caught.value)
    assert message.startswith("intune-prod: GET %s answered HTTP 503 after 3 retries" % url)
    assert "Service Unavailable" in message
    assert caught.value.status == 503 and caught.value.url == url
    assert len(server.requests) == 4 and len(client.policy.sleep.waits) == 3


def test_500_then_success():
    with FakeServer(sequence((500, "oops", {"Content-Type": "text/plain"}), (200, {"value": ["x"]}))) as server:
        client = HttpClient("s", policy())
        assert client.request_json("GET", server.url + "/d") == {"value": ["x"]}
    assert client.stats.retries == 1


def test_4xx_other_than_401_and_429_is_not_retried():
    with FakeServer(lambda request: (404, {"error": {"code": "ResourceNotFound"}})) as server:
        client = HttpClient("s", policy())
        with pytest.raises(MdmHttpError) as caught:
            client.request_json("GET", server.url + "/nope")
    assert "GET %s/nope answered HTTP 404" % server.url in str(caught.value)
    assert "ResourceNotFound" in str(caught.value)
    assert len(server.requests) == 1 and client.policy.sleep.waits == []


def test_connection_refused_is_retried_then_fails():
    url = "http://127.0.0.1:%d/devices" % closed_port()
    client = HttpClient("jamf-test", policy(max_retries=2))
    with pytest.raises(MdmHttpError) as caught:
        client.request_json("GET", url)
    message = str(caught.value)
    assert message.startswith("jamf-test: GET %s failed after 2 retries" % url)
    assert "refused" in message.lower()
    assert client.stats.requests == 3 and len(client.policy.sleep.waits) == 2


def test_deadline_stops_a_server_that_keeps_throttling():
    with FakeServer(lambda request: (429, {"error": "slow down"}, {"Retry-After": "5"})) as server:
        client = HttpClient("intune-test", policy(deadline_seconds=1, max_retries=50))
        started = time.monotonic()
        with pytest.raises(MdmHttpError) as caught:
            client.request_json("GET", server.url + "/devices")
        elapsed = time.monotonic() - started
    assert elapsed < 1.0
    assert "deadline" in str(caught.value) and "5.0 s" in str(caught.value)
    assert len(server.requests) == 1 and client.policy.sleep.waits == []


def test_deadline_already_passed_sends_nothing():
    with FakeServer(lambda request: (200, {})) as server:
        client = HttpClient("s", policy(deadline_seconds=0))
        time.sleep(0.01)
        with pytest.raises(MdmHttpError) as caught:
            client.request_json("GET", server.url + "/devices")
    assert "deadline has passed" in str(caught.value)
    assert server.requests == []


def test_timeout_is_retried_then_fails():
    def slow(request):
        time.sleep(0.6)
        return 200, {}
    with FakeServer(slow) as server:
        client = HttpClient("s", policy(timeout=0.2, max_retries=1))
        with pytest.raises(MdmHttpError) as caught:
            client.request_json("GET", server.url + "/slow")
    assert "failed after 1 retries" in str(caught.value) and "timed out" in str(caught.value)


# ---------------------------------------------------------------- bodies that are not JSON

def test_html_error_page_with_200_is_named():
    page = "<html><head><title>Proxy Authentication Required</title></head><body>Blocked by proxy</body></html>"
    with FakeServer(lambda request: (200, page, {"Content-Type": "text/html; charset=utf-8"})) as server:
        client = HttpClient("ws1", policy())
        with pytest.raises(MdmHttpError) as caught:
            client.request_json("GET", server.url + "/api/mdm/devices/search")
    message = str(caught.value)
    assert "answered an HTML page" in message and "instead of JSON" in message and "Blocked by proxy" in message
    assert server.url + "/api/mdm/devices/search" in message


def test_html_error_page_from_a_gateway_is_retried_then_named():
    page = "<html><body><h1>502 Bad Gateway</h1></body></html>"
    with FakeServer(lambda request: (502, page, {"Content-Type": "text/html"})) as server:
        client = HttpClient("ws1", policy(max_retries=1))
        with pytest.raises(MdmHttpError) as caught:
            client.request_json("GET", server.url + "/d")
    assert "answered HTTP 502 after 1 retries" in str(caught.value) and "Bad Gateway" in str(caught.value)


def test_malformed_json_is_named():
    with FakeServer(lambda request: (200, '{"value": [{"id": 1},')) as server:
        client = HttpClient("intune", policy())
        with pytest.raises(MdmHttpError) as caught:
            client.request_json("GET", server.url + "/d")
    assert "not valid JSON" in str(caught.value) and '{"value": [{"id": 1},' in str(caught.value)


def test_not_utf8_is_named():
    with FakeServer(lambda request: (200, b'{"name": "\xff\xfe"}')) as server:
        client = HttpClient("intune", policy())
        with pytest.raises(MdmHttpError) as caught:
            client.request_json("GET", server.url + "/d")
    assert "not valid JSON" in str(caught.value)


def test_truncated_body_is_retried_then_named():
    body = json.dumps({"value": [{"id": "1"}]})
    with FakeServer(lambda request: (200, body, {"X-Fake-Content-Length": str(len(body) + 50)})) as server:
        client = HttpClient("jamf", policy(max_retries=2))
        with pytest.raises(MdmHttpError) as caught:
            client.request_json("GET", server.url + "/d")
    assert "failed after 2 retries" in str(caught.value)
    assert "IncompleteRead" in str(caught.value) or "more expected" in str(caught.value)
    assert len(server.requests) == 3


def test_empty_success_body_is_an_empty_object():
    with FakeServer(lambda request: (204, b"")) as server:
        assert HttpClient("s", policy()).request_json("GET", server.url + "/d") == {}


# ---------------------------------------------------------------- token providers

class TokenServer(object):
    """An OAuth token endpoint at /token and an API at /api that accepts the tokens in self.valid."""

    def __init__(self, expires_in=3600, api=None):
        self.issued = []
        self.valid = set()
        self.expires_in = expires_in
        self.api = api
        self.server = FakeServer(self.routes)

    def routes(self, request):
        if request.path == "/token":
            token = "tok-%d-%s" % (len(self.issued) + 1, "x" * 20)
            self.issued.append(request)
            self.valid.add(token)
            body = {"token_type": "Bearer", "access_token": token}
            if self.expires_in is not None:
                body["expires_in"] = self.expires_in
            return 200, body
        if self.api is not None:
            return self.api(request)
        header = request.headers.get("Authorization", "")
        if header.startswith("Bearer ") and header[7:] in self.valid:
            return 200, {"value": [], "token": header[7:]}
        return 401, {"error": {"code": "InvalidAuthenticationToken", "message": "Access token has expired"}}

    def token_requests(self):
        return len(self.issued)

    def __enter__(self):
        self.server.__enter__()
        self.url = self.server.url
        return self

    def __exit__(self, *exc):
        return self.server.__exit__(*exc)


def credentials_client(server, **policy_args):
    client = HttpClient("intune-test", policy(**policy_args))
    client.token_provider = auth.ClientCredentials(client, server.url + "/token", "my-client-id", CLIENT_SECRET,
                                                   scope="https://graph.microsoft.com/.default")
    return client


def test_client_credentials_posts_the_form_and_sends_bearer():
    with TokenServer() as server:
        client = credentials_client(server)
        first = client.request_json("GET", server.url + "/api/devices")
        second = client.request_json("GET", server.url + "/api/devices?page=2")
    assert server.token_requests() == 1  # cached
    [token_request] = server.issued
    assert token_request.method == "POST"
    assert token_request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert "Authorization" not in token_request.headers
    assert token_request.form() == {"grant_type": "client_credentials", "client_id": "my-client-id",
                                    "client_secret": CLIENT_SECRET, "scope": "https://graph.microsoft.com/.default"}
    api = [r for r in server.server.requests if r.path.startswith("/api")]
    assert api[0].headers["Authorization"] == "Bearer " + first["token"] == "Bearer " + second["token"]
    assert client.stats.requests == 3


class Clock(object):
    """A stand-in for the time module inside auth.py only, shifted by .offset seconds."""

    def __init__(self):
        self.offset = 0.0

    def monotonic(self):
        return time.monotonic() + self.offset

    def time(self):
        return time.time() + self.offset


def test_token_is_cached_until_shortly_before_it_expires(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(auth, "time", clock)
    with TokenServer(expires_in=3600) as server:
        client = credentials_client(server)
        client.request_json("GET", server.url + "/api/a")
        clock.offset = 3400  # 200 s before expiry: still good
        client.request_json("GET", server.url + "/api/b")
        assert server.token_requests() == 1
        clock.offset = 3590  # 10 s before expiry: renewed before it runs out
        client.request_json("GET", server.url + "/api/c")
        assert server.token_requests() == 2
        clock.offset = 3600  # the new token is good for another hour
        client.request_json("GET", server.url + "/api/d")
        assert server.token_requests() == 2


def test_token_without_expires_in_is_kept_five_minutes(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(auth, "time", clock)
    with TokenServer(expires_in=None) as server:
        client = credentials_client(server)
        client.request_json("GET", server.url + "/api/a")
        clock.offset = 200
        client.request_json("GET", server.url + "/api/b")
        assert server.token_requests() == 1
        clock.offset = 250
        client.request_json("GET", server.url + "/api/c")
        assert server.token_requests() == 2


def test_401_refreshes_the_token_exactly_once_then_succeeds():
    with TokenServer() as server:
        client = credentials_client(server)
        client.request_json("GET", server.url + "/api/a")
        server.valid.clear()  # the token was revoked / expired at the server
        assert client.request_json("GET", server.url + "/api/b")["token"] == "tok-2-" + "x" * 20
    assert server.token_requests() == 2


def test_a_second_401_fails_without_more_tokens():
    with TokenServer(api=lambda request: (401, {"error": "invalid_token"})) as server:
        client = credentials_client(server)
        with pytest.raises(MdmHttpError) as caught:
            client.request_json("GET", server.url + "/api/a")
    assert server.token_requests() == 2
    assert caught.value.status == 401 and "answered HTTP 401" in str(caught.value)
    assert len([r for r in server.server.requests if r.path == "/api/a"]) == 2


def test_401_then_throttling_refreshes_only_once():
    answers = [(401, {"error": "expired"}), (429, {}, {"Retry-After": "0"}), (503, {}), (200, {"value": ["ok"]})]
    with TokenServer(api=lambda request: answers.pop(0)) as server:
        client = credentials_client(server)
        assert client.request_json("GET", server.url + "/api/a") == {"value": ["ok"]}
    # one token to start, one after the 401; the 429 and 503 retries reuse the new token
    assert server.token_requests() == 2
    api = [r.headers["Authorization"] for r in server.server.requests if r.path == "/api/a"]
    assert len(api) == 4 and len(set(api[1:])) == 1 and api[0] != api[1]


def test_token_endpoint_error_is_clear():
    def routes(request):
        return 400, {"error": "invalid_client", "error_description": "AADSTS7000215: Invalid client secret provided."}
    with FakeServer(routes) as server:
        client = HttpClient("intune-test", policy())
        client.token_provider = auth.ClientCredentials(client, server.url + "/token", "cid", CLIENT_SECRET)
        with pytest.raises(MdmHttpError) as caught:
            client.request_json("GET", server.url + "/api/a")
    assert "POST %s/token answered HTTP 400" % server.url in str(caught.value)
    assert "AADSTS7000215" in str(caught.value)


@pytest.mark.parametrize("body", [{"token_type": "Bearer"}, {"access_token": ""}, {"access_token": 12}, [], "tok", None])
def test_token_endpoint_without_a_usable_token_is_clear(body):
    with FakeServer(lambda request: (200, json.dumps(body))) as server:
        client = HttpClient("intune-test", policy())
        client.token_provider = auth.ClientCredentials(client, server.url + "/token", "cid", CLIENT_SECRET)
        with pytest.raises(MdmHttpError) as caught:
            client.request_json("GET", server.url + "/api/a")
    assert "intune-test: the token endpoint answered without a token" in str(caught.value)


def test_jamf_basic_token_uses_basic_auth_then_bearer():
    issued = []

    def routes(request):
        if request.path == "/api/v1/auth/token":
            issued.append(request)
            return 200, {"token": "jamf-token-%d-abcdefghij" % len(issued), "expires": "2026-11-25T10:30:00.000Z"}
        return 200, {"results": [], "auth": request.headers.get("Authorization")}
    with FakeServer(routes) as server:
        client = HttpClient("jamf-test", policy())
        client.token_provider = auth.JamfBasicToken(client, server.url + "/api/v1/auth/token", USERNAME, PASSWORD)
        body = client.request_json("GET", server.url + "/api/v2/mobile-devices/detail?page=0&page-size=100")
        client.request_json("GET", server.url + "/api/v2/mobile-devices/detail?page=1&page-size=100")
    assert len(issued) == 1
    expected = "Basic " + base64.b64encode(("%s:%s" % (USERNAME, PASSWORD)).encode()).decode()
    assert issued[0].method == "POST" and issued[0].headers["Authorization"] == expected and issued[0].body == b""
    assert body["auth"] == "Bearer jamf-token-1-abcdefghij"


def rsa_key():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    return key, pem


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def test_google_service_account_signs_an_rs256_jwt_verified_by_the_server():
    key, pem = rsa_key()
    public = key.public_key()
    seen = {}
    scope = "https://www.googleapis.com/auth/androidmanagement"

    def routes(request):
        if request.path == "/token":
            form = request.form()
            seen["form"] = form
            header_b64, claims_b64, signature_b64 = form["assertion"].split(".")
            try:
                public.verify(b64url_decode(signature_b64), ("%s.%s" % (header_b64, claims_b64)).encode(),
                              padding.PKCS1v15(), hashes.SHA256())
            except InvalidSignature:
                return 400, {"error": "invalid_grant", "error_description": "Invalid JWT Signature."}
            seen["header"] = json.loads(b64url_decode(header_b64))
            seen["claims"] = json.loads(b64url_decode(claims_b64))
            return 200, {"access_token": "ya29.fake-google-token", "expires_in": 3599, "token_type": "Bearer"}
        return 200, {"devices": [], "auth": request.headers.get("Authorization")}

    with FakeServer(routes) as server:
        client = HttpClient("amapi-test", policy())
        account = {"type": "service_account", "client_email": "signal-audit@example-project.iam.gserviceaccount.com",
                   "private_key": pem, "token_uri": server.url + "/token"}
        client.token_provider = auth.GoogleServiceAccount(client, account, scope)
        before = int(time.time())
        body = client.request_json("GET", server.url + "/v1/enterprises/LC00abc/devices?pageSize=100")
    assert body["auth"] == "Bearer ya29.fake-google-token"
    assert seen["form"]["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer"
    assert seen["header"] == {"alg": "RS256", "typ": "JWT"}
    claims = seen["claims"]
    assert claims["iss"] == "signal-audit@example-project.iam.gserviceaccount.com"
    assert claims["scope"] == scope and claims["aud"] == server.url + "/token"
    assert before - 1 <= claims["iat"] <= time.time() + 1 and claims["exp"] - claims["iat"] == 3600


def test_google_service_account_a_wrong_key_is_refused_by_the_server_and_nothing_leaks():
    key, pem = rsa_key()
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
    assertions = []

    def routes(request):
        assertion = request.form()["assertion"]
        assertions.append(assertion)
        header_b64, claims_b64, signature_b64 = assertion.split(".")
        try:
            other.verify(b64url_decode(signature_b64), ("%s.%s" % (header_b64, claims_b64)).encode(),
                         padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature:
            return 400, {"error": "invalid_grant", "error_description": "Invalid JWT Signature: %s" % assertion}
        return 200, {"access_token": "nope"}
    with FakeServer(routes) as server:
        client = HttpClient("amapi-test", policy())
        client.token_provider = auth.GoogleServiceAccount(
            client, {"client_email": "a@example.org", "private_key": pem, "token_uri": server.url + "/token"}, "scope")
        with pytest.raises(MdmHttpError) as caught:
            client.request_json("GET", server.url + "/v1/enterprises/x/devices")
    text = all_text(caught.value)
    assert "invalid_grant" in text and "Invalid JWT Signature" in text
    assert assertions[0] not in text
    assert_no_secret(text, assertions[0].split(".")[2])
    assert "PRIVATE KEY" not in text


def test_google_service_account_bad_files_are_named():
    client = HttpClient("amapi-test", policy())
    with pytest.raises(MdmHttpError) as caught:
        auth.GoogleServiceAccount(client, {"private_key": "x"}, "scope")
    assert "has no client_email" in str(caught.value)
    secret_ish = "-----BEGIN PRIVATE KEY-----\nnot really a key at all\n-----END PRIVATE KEY-----\n"
    provider = auth.GoogleServiceAccount(client, {"client_email": "a@example.org", "private_key": secret_ish}, "scope")
    with pytest.raises(MdmHttpError) as caught:
        provider.token()
    assert "not a readable PEM RSA key" in str(caught.value)
    assert "not really a key" not in all_text(caught.value)


# ---------------------------------------------------------------- redaction

def echo_400(request):
    """A careless server: its error body repeats the request's Authorization header and body."""
    return 400, {"error": "bad_request",
                 "error_description": "rejected Authorization=%s with body=%s"
                 % (request.headers.get("Authorization"), request.body.decode("utf-8", "replace"))}


def test_client_secret_never_appears_even_when_the_token_endpoint_echoes_it():
    with FakeServer(echo_400) as server:
        client = HttpClient("intune-test", policy())
        client.token_provider = auth.ClientCredentials(client, server.url + "/token", "cid", CLIENT_SECRET, scope="s")
        with pytest.raises(MdmHttpError) as caught:
            client.request_json("GET", server.url + "/api/a")
    text = all_text(caught.value)
    assert "rejected Authorization=None" in text and "client_id=cid" in text  # the echo did arrive
    assert REDACTED in text
    assert_no_secret(text, CLIENT_SECRET)


def test_jamf_password_and_basic_header_never_appear():
    with FakeServer(echo_400) as server:
        client = HttpClient("jamf-test", policy())
        client.token_provider = auth.JamfBasicToken(client, server.url + "/api/v1/auth/token", USERNAME, PASSWORD)
        with pytest.raises(MdmHttpError) as caught:
            client.request_json("GET", server.url + "/api/v2/mobile-devices/detail")
    text = all_text(caught.value)
    basic = base64.b64encode(("%s:%s" % (USERNAME, PASSWORD)).encode()).decode()
    assert "rejected Authorization=Basic %s" % REDACTED in text
    assert_no_secret(text, PASSWORD, basic)


def test_bearer_token_never_appears_when_the_api_echoes_it():
    with TokenServer(api=echo_400) as server:
        client = credentials_client(server)
        with pytest.raises(MdmHttpError) as caught:
            client.request_json("POST", server.url + "/api/search", data=json.dumps({"q": "x"}),
                                headers={"Content-Type": "application/json"})
    text = all_text(caught.value)
    assert "rejected Authorization=Bearer %s" % REDACTED in text
    assert_no_secret(text, "tok-1-" + "x" * 20, CLIENT_SECRET)


@pytest.mark.parametrize("padding_length", range(170, 215, 3))
def test_a_secret_cut_by_the_excerpt_limit_does_not_leak_in_part(padding_length):
    # The error excerpt keeps 200 characters: a secret straddling that limit must not show its first half.
    def routes(request):
        return 400, "E" * padding_length + " " + request.headers["Authorization"] + " tail", {"Content-Type": "text/plain"}
    with TokenServer(api=routes) as server:
        client = credentials_client(server)
        with pytest.raises(MdmHttpError) as caught:
            client.request_json("GET", server.url + "/api/a")
    assert_no_secret(all_text(caught.value), "tok-1-" + "x" * 20)


def test_connection_error_messages_are_redacted_too():
    client = HttpClient("s", policy(max_retries=0), secrets=["sekrit-value-123"])
    with pytest.raises(MdmHttpError) as caught:
        client.request_json("GET", "http://127.0.0.1:%d/sekrit-value-123" % closed_port())
    assert "sekrit-value-123" not in all_text(caught.value)


# ---------------------------------------------------------------- where the Authorization header goes

def test_bearer_token_is_not_sent_on_to_a_redirect_target():
    with FakeServer(lambda request: (200, {"landed": True})) as elsewhere:
        with TokenServer(api=lambda request: (302, b"", {"Location": elsewhere.url + "/landing"})) as server:
            client = credentials_client(server)
            assert client.request_json("GET", server.url + "/api/a") in ({"landed": True},)
    [landed] = elsewhere.requests
    assert "Authorization" not in landed.headers


def test_a_netrc_entry_does_not_replace_the_bearer_token(tmp_path, monkeypatch):
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login someone password other-password\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    with TokenServer() as server:
        client = credentials_client(server)
        body = client.request_json("GET", server.url + "/api/a")
    assert body["token"] == "tok-1-" + "x" * 20
    assert all("other-password" not in json.dumps(r.headers) and "Basic" not in r.headers.get("Authorization", "")
               for r in server.server.requests)
