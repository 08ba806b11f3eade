# -*- coding: utf-8 -*-
"""signal_hardening_history_url: what selects PostgreSQL, what is refused (naming why, never the password), and the
URL as the summary shows it."""

from __future__ import annotations

import pytest

from ansible_collections.hardening.signal.plugins.module_utils.governance import history_location as L


@pytest.mark.parametrize("url", [
    "postgresql://signal@db.example.org:5432/history",
    "postgres://signal@db.example.org/history",
    "postgresql://signal:s3cret@db.example.org:5432/history?sslmode=verify-full&connect_timeout=5",
    "postgresql://signal@[2001:db8::1]:5432/history",
    "postgresql://signal@db1:5432,db2:5433/history?target_session_attrs=read-write",
    "postgresql:///history?host=/var/run/postgresql",
])
def test_postgresql_urls_are_accepted(url):
    assert L.problem(url) is None and L.is_url(url)


@pytest.mark.parametrize("url, reason", [
    ("mysql://signal@db/history", "the scheme mysql:// is not supported"),
    ("sqlite:///srv/reports/fleet-history.sqlite", "the scheme sqlite:// is not supported"),
    ("https://db.example.org/history", "the scheme https:// is not supported"),
    ("db.example.org:5432/history", "the value is not a URL (it does not begin with postgresql://)"),
    ("postgresql://signal@db.example.org:5432", "names no database"),
    ("postgresql://", "names no database"),
    ("postgresql://signal@db.example.org:54x2/history", "the port 54x2 is not a number from 1 to 65535"),
    ("postgresql://signal@db.example.org:70000/history", "the port 70000 is not a number from 1 to 65535"),
    ("postgresql://signal@db/history?sslmode=always", "sslmode always is not one of disable, allow, prefer"),
    ("postgresql://signal@db/history?colour=blue", 'invalid URI query parameter: "colour"'),
    ("postgresql://signal@db host/history", "unexpected spaces"),
    ("postgresql://sig%zznal@db/history", "invalid percent-encoded token"),
])
def test_malformed_urls_and_other_schemes_are_refused_with_the_reason(url, reason):
    found = L.problem(url)
    assert found and reason in found, found


def test_the_password_is_in_no_refusal():
    for url in ("mysql://signal:Hunter2-x@db/history", "signal:Hunter2-x@db/history",
                "postgresql://signal:Hunter2-x@db:5x/history", "postgresql://signal:Hunter2-x@db/history?sslmode=always",
                "postgresql://signal:Hunter2-x%zz@db/history", "postgresql://signal@db/history?password=Hunter2-x&colour=1",
                "postgresql://signal:Hunter2-x@db"):
        found = L.problem(url)
        assert found and "Hunter2-x" not in found, (url, found)


def test_empty_is_the_sqlite_file_and_other_types_are_refused():
    assert L.problem("") is None and L.problem(None) is None
    assert L.problem(5432) == "the value must be a text, not int"


@pytest.mark.parametrize("url, shown", [
    ("postgresql://signal:s3cret@db:5432/history", "postgresql://signal:***@db:5432/history"),
    ("postgresql://signal:p@ss:w/rd@db/history", "postgresql://signal:***@db/history"),
    ("postgresql://signal@db/history?sslmode=require&password=s3cret", "postgresql://signal@db/history?sslmode=require&password=***"),
    ("postgresql://signal@db/history?PASSWORD=s3cret#x", "postgresql://signal@db/history?PASSWORD=***#x"),
    ("postgresql://signal@db/history", "postgresql://signal@db/history"),
    ("/srv/reports/fleet-history.sqlite", "/srv/reports/fleet-history.sqlite"),
])
def test_the_url_is_shown_without_its_password(url, shown):
    assert L.redacted(url) == shown


def test_every_form_of_the_password_is_scrubbed():
    url = "postgresql://signal:p%40ss@db/history"
    secrets = L.secrets_of(url, {L.PASSWORD_ENV: "from-the-env"})
    assert set(secrets) == {"p%40ss", "p@ss", "from-the-env"}
    assert L.scrub("auth failed for p@ss, p%40ss, from-the-env", secrets) == "auth failed for ***, ***, ***"
