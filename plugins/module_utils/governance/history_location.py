# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where the run history is kept, as signal_hardening_history_url says: empty for the SQLite file, or a PostgreSQL
connection URI in libpq's form, postgresql://user@host:port/database[?parameter=value&...].

problem() is the check made before any host is touched; redacted() is the form the summary, the reports and every
message show: the URL without its password. The password may be in the URL, in HARDENING_SIGNAL_HISTORY_PASSWORD
or in a .pgpass file (libpq's PGPASSFILE or ~/.pgpass); none of them is ever printed.
"""

from __future__ import annotations

import re

try:
    from psycopg import conninfo as _conninfo
    from psycopg import Error as _PsycopgError
except ImportError:  # only a PostgreSQL history needs psycopg; problem() says so
    _conninfo = None
    _PsycopgError = Exception

SCHEMES = ("postgresql", "postgres")
PASSWORD_ENV = "HARDENING_SIGNAL_HISTORY_PASSWORD"
FORM = "postgresql://user@host:port/database"
MASK = "***"
# libpq's sslmode values: checked here, since libpq would only refuse them when connecting.
SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")
_QUERY_PASSWORD = re.compile(r"(?i)((?:^|[?&])password=)([^&#]*)")


def is_url(location):
    """Whether location is written as a URL (scheme://...), as opposed to a file path."""
    return bool(location) and _SCHEME.match(str(location)) is not None


def _split(url):
    """(scheme, text before the query, query) of a URL; the query without its '?'."""
    head, _mark, query = url.partition("?")
    return _SCHEME.match(url).group(1), head, query


def _userinfo_password(head):
    """The password as written in the URL's user info (user:password@host), or None."""
    authority = head[head.index("://") + 3:]
    if "@" not in authority:
        return None
    userinfo = authority[:authority.rindex("@")]
    return userinfo.split(":", 1)[1] if ":" in userinfo else None


def redacted(url):
    """The URL with every password it holds replaced by ***; anything that is not a URL is returned as it is."""
    if not is_url(url):
        return url
    _scheme, head, query = _split(url)
    password = _userinfo_password(head)
    if password is not None:
        at = head.rindex("@")
        head = head[:at - len(password)] + MASK + head[at:]
    if query:
        query = _QUERY_PASSWORD.sub(lambda m: m.group(1) + MASK, query)
        return head + "?" + query
    return head


def secrets_of(url, environ=None):
    """Every form in which a password of this URL could appear in a message (as written, decoded, from the environment)."""
    found = set()
    if is_url(url):
        _scheme, head, query = _split(url)
        written = _userinfo_password(head)
        if written:
            found.add(written)
        found.update(m.group(2) for m in _QUERY_PASSWORD.finditer(query) if m.group(2))
        if _conninfo is not None:
            try:
                decoded = _conninfo.conninfo_to_dict(url).get("password")
            except _PsycopgError:
                decoded = None
            if decoded:
                found.add(str(decoded))
    if environ and environ.get(PASSWORD_ENV):
        found.add(environ[PASSWORD_ENV])
    return sorted(found, key=len, reverse=True)


def scrub(text, secrets):
    """text with each of the secrets replaced by ***."""
    text = str(text)
    for secret in secrets:
        text = text.replace(secret, MASK)
    return text


def parse(url):
    """libpq's keywords for the URL ({"host": ..., "dbname": ...}); ValueError (with no secret in it) when it
    cannot name a history."""
    url = str(url)
    if not is_url(url):
        # Not echoed: a mistyped URL may still hold a password.
        raise ValueError("the value is not a URL (it does not begin with postgresql://); write it as %s, or leave it "
                         "empty for the SQLite file" % FORM)
    scheme = _split(url)[0]
    if scheme.lower() not in SCHEMES:
        raise ValueError("the scheme %s:// is not supported: the history is kept in PostgreSQL (%s) or, when this is "
                         "empty, in the SQLite file" % (scheme, FORM))
    if _conninfo is None:
        raise ValueError("a PostgreSQL history needs psycopg 3 on the controller (pip install -r requirements.txt)")
    try:
        keywords = _conninfo.conninfo_to_dict(url)
    except _PsycopgError as exc:
        raise ValueError("%s is not a valid PostgreSQL URL (%s): %s"
                         % (redacted(url), FORM, scrub(str(exc).strip(), secrets_of(url))))
    if not keywords.get("dbname"):
        raise ValueError("%s names no database: write it as %s" % (redacted(url), FORM))
    for port in str(keywords.get("port") or "").split(","):
        if port and not (port.isdigit() and 1 <= int(port) <= 65535):
            raise ValueError("%s: the port %s is not a number from 1 to 65535" % (redacted(url), scrub(port, secrets_of(url))))
    sslmode = keywords.get("sslmode")
    if sslmode is not None and sslmode not in SSL_MODES:
        raise ValueError("%s: sslmode %s is not one of %s" % (redacted(url), scrub(sslmode, secrets_of(url)), ", ".join(SSL_MODES)))
    return keywords


def problem(url):
    """Why url cannot select the history's store: None when it can (empty: the SQLite file), else the reason."""
    if url is None or url == "":
        return None
    if not isinstance(url, str):
        return "the value must be a text, not %s" % type(url).__name__
    try:
        parse(url)
    except ValueError as exc:
        return str(exc)
    return None
