# -*- coding: utf-8 -*-
"""Make the collection importable as ansible_collections.hardening.signal without installing it; the PostgreSQL fixtures."""

from __future__ import annotations

import itertools
import os
import re
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COLLECTIONS = os.path.join(ROOT, ".build", "collections")
LINK = os.path.join(COLLECTIONS, "ansible_collections", "hardening", "signal")

if not os.path.islink(LINK) and not os.path.isdir(LINK):
    os.makedirs(os.path.dirname(LINK), exist_ok=True)
    os.symlink(ROOT, LINK)
if COLLECTIONS not in sys.path:
    sys.path.insert(0, COLLECTIONS)


@pytest.fixture(scope="session")
def postgresql_server():
    """A real PostgreSQL server for the whole test session (see tests/postgresql_server.py)."""
    from tests.postgresql_server import PostgreSQLServer
    server = PostgreSQLServer(durable=False)
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture
def postgresql_database(postgresql_server, request):
    """A new, empty database on that server for one test: (server, its name)."""
    name = "t_%d_%s" % (next(_DATABASE_NUMBERS), re.sub(r"[^a-z0-9]+", "_", request.node.name.lower())[:40])
    postgresql_server.create_database(name)
    return postgresql_server, name


_DATABASE_NUMBERS = itertools.count(1)
