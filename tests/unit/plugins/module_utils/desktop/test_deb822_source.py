# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Signal's apt source in deb822 form, read back by the probe's own parser."""
from __future__ import annotations

import pytest

from ansible_collections.hardening.signal.plugins.module_utils.desktop import deb822_source
from ansible_collections.hardening.signal.plugins.module_utils.probes import apt_sources


def test_renders_signals_stanza():
    text = deb822_source.render("https://updates.signal.org/desktop/apt", "xenial")
    assert text.splitlines()[1:] == [
        "Types: deb",
        "URIs: https://updates.signal.org/desktop/apt",
        "Suites: xenial",
        "Components: main",
        "Architectures: amd64",
        "Signed-By: /usr/share/keyrings/signal-desktop-keyring.gpg",
    ]
    assert text.startswith("# Managed by hardening.signal")
    assert text.endswith("\n")


def test_probe_parses_it_as_one_signal_entry_pinned_to_the_keyring():
    text = deb822_source.render("https://mirror.example.org/signal/apt/", "xenial", "/etc/apt/keyrings/signal.gpg")
    entries, errors = apt_sources.parse_deb822(text, "/etc/apt/sources.list.d/signal-desktop.sources")
    assert errors == []
    assert len(apt_sources.signal_entries(entries, "https://mirror.example.org/signal/apt", "xenial")) == 1
    assert entries[0]["options"]["signed-by"] == "/etc/apt/keyrings/signal.gpg"
    assert entries[0]["options"]["architectures"] == "amd64"


@pytest.mark.parametrize("repo_url, suite, keyring", [
    ("https://example.org/apt\nTrusted: yes", "xenial", deb822_source.KEYRING_PATH),   # a second field smuggled in
    ("https://example.org/apt", "xenial main", deb822_source.KEYRING_PATH),
    ("not a url", "xenial", deb822_source.KEYRING_PATH),
    ("https://example.org/apt", "", deb822_source.KEYRING_PATH),
    ("https://example.org/apt", "xenial", "relative/keyring.gpg"),
    ("https://example.org/apt", "#xenial", deb822_source.KEYRING_PATH),
])
def test_refuses_values_that_break_the_stanza(repo_url, suite, keyring):
    with pytest.raises(deb822_source.SourceError):
        deb822_source.render(repo_url, suite, keyring)
