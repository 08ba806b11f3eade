# -*- coding: utf-8 -*-
"""A real PostgreSQL server for the tests and benches: initdb into a temporary folder as an unprivileged user,
listening on a free loopback port only, stopped and removed however the caller ends (stop() in a finally, and
atexit for the rest).

PostgreSQL refuses to run as root. Run as root (as the tests are here), the server runs as the system account
SERVICE_USER, created on first use; otherwise it runs as the calling user. The binaries are PostgreSQL's own
folder (/usr/lib/postgresql/<version>/bin, the newest installed) or the PATH; `make system-deps` installs Debian's
postgresql package when there is neither.

The server knows an administrator (trusted on its private Unix socket only) and one login role with a password
(scram-sha-256 over TCP), which owns the databases made with create_database(): what the collection connects as.
"""

from __future__ import annotations

import atexit
import glob
import os
import pwd
import re
import secrets
import shutil
import socket
import subprocess
import tempfile
import time

SERVICE_USER = "hardening-signal-pg"
ADMIN = "admin"
ROLE = "signal"
START_SECONDS = 60


class ServerUnavailable(RuntimeError):
    """PostgreSQL is not installed or would not start; the message says what to do."""


def binary(name):
    """The path of a PostgreSQL program: the newest /usr/lib/postgresql/*/bin, else the PATH."""
    def version(folder):
        match = re.search(r"/postgresql/(\d+)/bin$", folder)
        return int(match.group(1)) if match else 0
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=version, reverse=True):
        if os.access(os.path.join(folder, name), os.X_OK):
            return os.path.join(folder, name)
    found = shutil.which(name)
    if not found:
        raise ServerUnavailable("PostgreSQL's %s is not installed (as root: make system-deps, or apt-get install postgresql)" % name)
    return found


def _service_account():
    """(uid, gid) to run the server as: SERVICE_USER (created when missing) as root, else the calling user."""
    if os.geteuid() != 0:
        return os.getuid(), os.getgid()
    try:
        entry = pwd.getpwnam(SERVICE_USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--user-group", "--no-create-home", "--home-dir", "/nonexistent",
                        "--shell", "/usr/sbin/nologin", SERVICE_USER], check=True, capture_output=True)
        entry = pwd.getpwnam(SERVICE_USER)
    return entry.pw_uid, entry.pw_gid


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PostgreSQLServer(object):
    """start(), then url()/create_database()/admin(); stop() always (also registered with atexit).

    durable=False turns fsync off (the tests' data is thrown away); the benches keep the server's defaults.
    """

    def __init__(self, durable=True, shared_buffers="64MB"):
        self.durable = durable
        self.shared_buffers = shared_buffers
        self.root = self.port = None
        self.password = secrets.token_urlsafe(18)
        self._uid = self._gid = None
        self._running = False

    # ---- life cycle ----------------------------------------------------------------------------------------

    def _run(self, command, **kwargs):
        """A PostgreSQL program, as the service account, in the server's folder."""
        options = {"cwd": self.root, "capture_output": True, "text": True, "timeout": START_SECONDS}
        if os.geteuid() == 0:
            options.update(user=self._uid, group=self._gid, extra_groups=[])
        options.update(kwargs)
        return subprocess.run(command, check=False, **options)

    def start(self):
        initdb, pg_ctl = binary("initdb"), binary("pg_ctl")
        self._uid, self._gid = _service_account()
        self.root = tempfile.mkdtemp(prefix="hardening-signal-pg-")
        atexit.register(self.stop)
        os.chown(self.root, self._uid, self._gid)
        os.chmod(self.root, 0o700)
        secret_file = os.path.join(self.root, "admin-password")
        with open(secret_file, "w", encoding="ascii") as handle:
            handle.write(secrets.token_urlsafe(18) + "\n")
        os.chown(secret_file, self._uid, self._gid)
        done = self._run([initdb, "-D", self.data, "-U", ADMIN, "--pwfile", secret_file, "--auth-local", "trust",
                          "--auth-host", "scram-sha-256", "-E", "UTF8", "--locale", "C"])
        if done.returncode != 0:
            raise ServerUnavailable("initdb failed: %s" % (done.stderr or done.stdout))
        settings = ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=%s" % self.root,
                    "-c", "max_connections=40", "-c", "shared_buffers=%s" % self.shared_buffers]
        if not self.durable:
            settings += ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]
        for _attempt in range(5):
            self.port = _free_port()
            done = self._run([pg_ctl, "-D", self.data, "-l", os.path.join(self.root, "server.log"), "-w", "-t",
                              str(START_SECONDS), "-o", " ".join(settings + ["-p", str(self.port)]), "start"])
            if done.returncode == 0:
                break
            # Most likely another process took the port between _free_port and the server's bind: try another.
            time.sleep(0.2)
        else:
            raise ServerUnavailable("PostgreSQL did not start: %s\n%s" % (done.stderr or done.stdout, self.log()))
        self._running = True
        with self.admin() as db:
            db.execute("CREATE ROLE %s LOGIN PASSWORD '%s'" % (ROLE, self.password))
        return self

    def stop(self):
        """Stop the server (immediately: its data is thrown away) and remove its folder. Safe to call twice."""
        if self._running:
            self._running = False
            self._run([binary("pg_ctl"), "-D", self.data, "-m", "immediate", "-w", "stop"])
        if self.root and os.path.isdir(self.root):
            shutil.rmtree(self.root, ignore_errors=True)
        self.root = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    # ---- using it ------------------------------------------------------------------------------------------

    @property
    def data(self):
        return os.path.join(self.root, "data")

    def log(self):
        try:
            with open(os.path.join(self.root, "server.log"), encoding="utf-8", errors="replace") as handle:
                return handle.read()
        except OSError:
            return ""

    def admin(self, dbname="postgres"):
        """A psycopg connection as the administrator, over the private socket (autocommit)."""
        import psycopg
        return psycopg.connect(host=self.root, port=self.port, user=ADMIN, dbname=dbname, autocommit=True)

    def version(self):
        """The server's version, e.g. '15.18'."""
        with self.admin() as db:
            return db.execute("SHOW server_version").fetchone()[0].split()[0]

    def create_database(self, name, template=None):
        """A new database owned by ROLE (a copy of template when given); returns its name."""
        with self.admin() as db:
            db.execute("CREATE DATABASE %s OWNER %s%s" % (name, ROLE, " TEMPLATE %s" % template if template else ""))
        return name

    def drop_database(self, name):
        with self.admin() as db:
            db.execute("DROP DATABASE IF EXISTS %s WITH (FORCE)" % name)

    def url(self, dbname, password=False):
        """The database's URL as a user writes it: postgresql://signal@127.0.0.1:PORT/dbname (with the password
        in it when asked)."""
        return "postgresql://%s%s@127.0.0.1:%d/%s" % (ROLE, ":" + self.password if password else "", self.port, dbname)
