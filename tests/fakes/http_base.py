# -*- coding: utf-8 -*-
"""A real HTTP server on 127.0.0.1 for the MDM tests: each vendor fake answers like the vendor's documented API.

Usage:
    def routes(request):              # request: FakeRequest
        return 200, {"value": []}     # status, JSON body (dict/list), or (status, body, headers)
    with FakeServer(routes) as server:
        server.url                    # http://127.0.0.1:PORT
        server.requests               # every FakeRequest received, in order

A route may return raw bytes or str as the body (sent as is, e.g. HTML or a
truncated JSON), and headers such as Retry-After or Content-Type.
Only ever binds 127.0.0.1; every server stops when the block ends.
"""

from __future__ import annotations

import abc
import itertools
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class FakeRequest(object):
    def __init__(self, method, path, headers, body):
        parts = urlsplit(path)
        self.method = method
        self.path = parts.path
        self.query = {k: v if len(v) > 1 else v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        self.raw_query = parts.query
        self.headers = headers
        self.body = body

    def form(self):
        return {k: v[0] for k, v in parse_qs(self.body.decode("utf-8")).items()}

    def json(self):
        return json.loads(self.body.decode("utf-8"))


class _Server(ThreadingHTTPServer):
    # socketserver's listen backlog is 5: a client with more requests in flight than that (Workspace ONE's app-list
    # workers, several sources at once) would see connections dropped and retried a second later, which a vendor's
    # API does not do.
    request_queue_size = 128


class FakeServer(object):
    def __init__(self, routes):
        self.routes = routes
        self.requests = []
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet: tests read server.requests instead
                pass

            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                request = FakeRequest(self.command, self.path, dict(self.headers), body)
                with server.lock:
                    server.requests.append(request)
                answer = server.routes(request)
                status, payload = answer[0], answer[1]
                headers = answer[2] if len(answer) > 2 else {}
                if isinstance(payload, (dict, list)):
                    data = json.dumps(payload).encode("utf-8")
                    headers.setdefault("Content-Type", "application/json")
                else:
                    data = payload.encode("utf-8") if isinstance(payload, str) else payload
                    headers.setdefault("Content-Type", "application/json")
                declared = headers.pop("X-Fake-Content-Length", None)  # lets a test cut a body short
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(declared if declared is not None else len(data)))
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(data)
                self.close_connection = True

            do_GET = do_POST = do_PUT = do_DELETE = _handle

        self.httpd = _Server(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = "http://127.0.0.1:%d" % self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)
        return False


class TokenKeeper(object):
    """The bearer tokens a fake handed out: issued (every one, in order) and tokens (those still valid);
    expire_tokens() revokes them all, as after their expiry."""

    def __init__(self):
        self.tokens = set()
        self.issued = []
        self.lock = threading.Lock()

    def keep(self, token):
        """token, now handed out and valid."""
        with self.lock:
            self.tokens.add(token)
            self.issued.append(token)
        return token

    def expire_tokens(self):
        with self.lock:
            self.tokens.clear()

    def valid(self, authorization):
        """Whether an Authorization header carries a bearer token still valid."""
        if not authorization.startswith("Bearer "):
            return False
        with self.lock:
            return authorization[len("Bearer "):] in self.tokens


class ServedFake(TokenKeeper, abc.ABC):
    """What the Intune and Android Management fakes share: a server of their own, started by ``with fake:`` and
    stopped when the block ends, its url, the requests it received, and the tokens it handed out."""

    def __init__(self):
        TokenKeeper.__init__(self)
        self.server = FakeServer(self.route)

    @abc.abstractmethod
    def route(self, request):
        """(status, body[, headers]) for one request, as the vendor's API answers it."""

    def __enter__(self):
        self.server.__enter__()
        return self

    def __exit__(self, *exc):
        return self.server.__exit__(*exc)

    @property
    def url(self):
        return self.server.url

    @property
    def requests(self):
        return self.server.requests


class VendorFake(TokenKeeper, abc.ABC):
    """What the Jamf Pro and Workspace ONE fakes share: issued bearer tokens, answers a test queues per path,
    and revoking every token (as after their expiry). Each vendor's fake answers its own API in routes()."""

    TOKEN_FORMAT = "token-%06d"

    def __init__(self):
        TokenKeeper.__init__(self)
        self.injected = {}
        self._counter = itertools.count(1)

    def serve(self):
        return FakeServer(self.routes)

    @abc.abstractmethod
    def routes(self, request):
        """(status, body[, headers]) for one request, as the vendor's API answers it."""

    def inject(self, path, *answers):
        """Answer the next requests to path with these answers (status, body[, headers]) or callables of the
        request returning one, in order, before answering normally."""
        with self.lock:
            self.injected.setdefault(path, []).extend(answers)

    def injected_answer(self, request):
        """The next queued answer for the request's path, or None."""
        with self.lock:
            queue = self.injected.get(request.path)
            answer = queue.pop(0) if queue else None
        if answer is None:
            return None
        return answer(request) if callable(answer) else answer

    def new_token(self):
        return self.keep(self.TOKEN_FORMAT % next(self._counter))
