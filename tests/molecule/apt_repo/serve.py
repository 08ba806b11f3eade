# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Start or stop the HTTP server of the local apt repositories, on 127.0.0.1 only.

    python3 tests/molecule/apt_repo/serve.py start [--dir DIR] [--port N] [--state FILE]
    python3 tests/molecule/apt_repo/serve.py stop [--state FILE]

start runs ``python -m http.server --bind 127.0.0.1`` on DIR (default .build/molecule/apt_repo) in its own
process group, on port N or a free port the kernel picks, waits (at most 15 s) until it serves the signed
repository's InRelease, records {pid, port, url} in the state file and prints the base URL
(http://127.0.0.1:PORT). stop ends exactly that process (its pid, checked against its command line) and removes
the state file; stopping a server that is not running is not an error.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
DEFAULT_DIR = os.path.join(ROOT, ".build", "molecule", "apt_repo")
DEFAULT_STATE = os.path.join(ROOT, ".build", "molecule", "server.json")
PROBE_PATH = "/signal/dists/xenial/InRelease"
START_TIMEOUT = 15.0
ATTEMPTS = 3


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers(url):
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:  # nosec - loopback only
            return resp.status == 200
    except OSError:
        return False


def _cmdline(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as handle:
            return handle.read().split(b"\0")
    except OSError:
        return None


def _ours(pid, port):
    cmd = _cmdline(pid)
    return bool(cmd) and b"http.server" in cmd and str(port).encode() in cmd


def start(directory, port, state):
    if os.path.exists(state):
        stop(state)
    if not os.path.isfile(os.path.join(directory, PROBE_PATH.lstrip("/"))):
        sys.exit("serve.py: %s has no %s; run build.py first" % (directory, PROBE_PATH))
    os.makedirs(os.path.dirname(state), exist_ok=True)
    log_path = os.path.splitext(state)[0] + ".log"
    for _attempt in range(ATTEMPTS if port is None else 1):
        chosen = port or free_port()
        with open(log_path, "ab") as log:
            proc = subprocess.Popen(  # pylint: disable=consider-using-with
                [sys.executable, "-m", "http.server", "--bind", "127.0.0.1", "--directory", directory, str(chosen)],
                stdout=log, stderr=log, stdin=subprocess.DEVNULL, start_new_session=True)
        url = "http://127.0.0.1:%d" % chosen
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline and proc.poll() is None:
            if _answers(url + PROBE_PATH):
                with open(state, "w", encoding="utf-8") as handle:
                    json.dump({"pid": proc.pid, "port": chosen, "url": url, "dir": directory}, handle)
                print(url)
                return 0
            time.sleep(0.2)
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=5)
    sys.exit("serve.py: the repository server did not start (see %s)" % log_path)


def stop(state):
    try:
        with open(state, encoding="utf-8") as handle:
            info = json.load(handle)
    except (OSError, ValueError):
        return 0
    pid, port = info.get("pid"), info.get("port")
    if isinstance(pid, int) and _ours(pid, port):
        os.kill(pid, signal.SIGTERM)
        for _i in range(50):
            if not _ours(pid, port):
                break
            time.sleep(0.1)
        else:
            os.kill(pid, signal.SIGKILL)
    try:
        os.unlink(state)
    except OSError:
        pass
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("action", choices=("start", "stop"))
    parser.add_argument("--dir", default=DEFAULT_DIR)
    parser.add_argument("--port", type=int, default=None, help="fixed port (default: a free one)")
    parser.add_argument("--state", default=DEFAULT_STATE)
    args = parser.parse_args(argv)
    if args.action == "start":
        return start(os.path.abspath(args.dir), args.port, os.path.abspath(args.state))
    return stop(os.path.abspath(args.state))


if __name__ == "__main__":
    sys.exit(main())
