# -*- coding: utf-8 -*-
"""Files served by a real HTTP server on 127.0.0.1 (Signal's update feeds in the releases tests).

    with serve_files({"/desktop/latest-linux.yml": b"version: 7.81.0\n"}) as server:
        server.url + "/desktop/"

Any other path answers 404, as a web server does for a missing file.
"""

from __future__ import annotations

from tests.fakes.http_base import FakeServer


def serve_files(files):
    """A FakeServer (not yet started: use it in a with block) that answers GET with ``files[path]``."""
    def routes(request):
        body = files.get(request.path)
        if body is None:
            return 404, b"not found", {"Content-Type": "text/plain"}
        return 200, body, {"Content-Type": "application/octet-stream"}
    return FakeServer(routes)
