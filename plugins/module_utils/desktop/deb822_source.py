# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Signal's apt source in deb822 form (/etc/apt/sources.list.d/*.sources).

The same stanza Signal publishes for its repository, with Signed-By pinned
to the keyring this collection installs, so apt accepts Signal's packages
only when they are signed by Signal's key (CERT-EU 3.1).
"""
from __future__ import annotations

import re

SOURCES_PATH = "/etc/apt/sources.list.d/signal-desktop.sources"
KEYRING_PATH = "/usr/share/keyrings/signal-desktop-keyring.gpg"
HEADER = "# Managed by hardening.signal (desktop_update): Signal Desktop from Signal's own repository.\n"

# A value must stay on one line and must not start a new field or stanza.
_SAFE_VALUE = re.compile(r"^[^\s#][^\n\r]*$")


class SourceError(ValueError):
    """An option that would make an invalid or ambiguous stanza."""


def _check(name, value):
    if not isinstance(value, str) or not _SAFE_VALUE.match(value) or value != value.strip():
        raise SourceError("%s %r cannot be written into a deb822 stanza" % (name, value))
    return value


def render(repo_url, suite, keyring_path=KEYRING_PATH, components=("main",), architectures=("amd64",)):
    """Return the text of the .sources file for Signal's repository."""
    _check("repo_url", repo_url)
    if re.search(r"\s", repo_url) or "://" not in repo_url:
        raise SourceError("repo_url %r is not a URL" % repo_url)
    _check("suite", suite)
    if re.search(r"\s", suite):
        raise SourceError("suite %r must be one word" % suite)
    if not keyring_path.startswith("/"):
        raise SourceError("keyring path %r must be absolute" % keyring_path)
    _check("keyring path", keyring_path)
    fields = [
        ("Types", "deb"),
        ("URIs", repo_url),
        ("Suites", suite),
        ("Components", " ".join(components)),
        ("Architectures", " ".join(architectures)),
        ("Signed-By", keyring_path),
    ]
    return HEADER + "".join("%s: %s\n" % (name, value) for name, value in fields)
