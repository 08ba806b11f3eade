# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Other apt entries for Signal's repository: found, judged for conflicts, removed only on request."""
from __future__ import annotations

from ansible_collections.hardening.signal.plugins.module_utils.desktop import legacy_sources

OWN = "/etc/apt/sources.list.d/signal-desktop.sources"
KEYRING = "/usr/share/keyrings/signal-desktop-keyring.gpg"
REPO = "https://updates.signal.org/desktop/apt"


def find(tree):
    return legacy_sources.find(tree.root, REPO, "xenial", OWN, KEYRING)


def test_finds_legacy_list_entries_and_judges_conflicts(tree):
    tree.write("/etc/apt/sources.list.d/signal-xenial.list",
               "deb [arch=amd64] https://updates.signal.org/desktop/apt xenial main\n")
    tree.write("/etc/apt/sources.list.d/signal-same.list",
               "deb [arch=amd64 signed-by=%s] https://updates.signal.org/desktop/apt/ xenial main\n" % KEYRING)
    tree.write("/etc/apt/sources.list", "deb http://deb.debian.org/debian bookworm main\n")
    tree.write("/etc/apt/sources.list.d/other.list", "deb https://updates.signal.org/desktop/apt bionic main\n")
    tree.write("/etc/apt/sources.list.d/off.list", "# deb https://updates.signal.org/desktop/apt xenial main\n")
    tree.write("/etc/apt/sources.list.d/signal.sources",
               "Types: deb\nURIs: https://updates.signal.org/desktop/apt\nSuites: xenial\nComponents: main\n")
    tree.write(OWN, "Types: deb\nURIs: https://updates.signal.org/desktop/apt\nSuites: xenial\nComponents: main\n"
                    "Signed-By: %s\n" % KEYRING)
    found, errors = find(tree)
    assert errors == []
    summary = sorted((e["file"].rsplit("/", 1)[-1], e["format"], e["conflicts"]) for e in found)
    assert summary == [("signal-same.list", "one-line", False), ("signal-xenial.list", "one-line", True),
                       ("signal.sources", "deb822", True)]


def test_a_file_with_nothing_else_is_deleted():
    text = "# Signal\ndeb [arch=amd64] https://updates.signal.org/desktop/apt xenial main\n"
    assert legacy_sources.without_entries(text, {2}, OWN) is None


def test_other_entries_are_kept_and_signals_commented_out():
    text = "deb http://deb.debian.org/debian bookworm main\ndeb https://updates.signal.org/desktop/apt xenial main"
    new = legacy_sources.without_entries(text, {2}, OWN)
    assert new == ("deb http://deb.debian.org/debian bookworm main\n"
                   "# disabled by hardening.signal (duplicate of %s): deb https://updates.signal.org/desktop/apt xenial main\n"
                   % OWN)


def test_sources_list_itself_is_never_deleted():
    text = "deb https://updates.signal.org/desktop/apt xenial main\n"
    new = legacy_sources.without_entries(text, {1}, OWN, may_delete=False)
    assert new.startswith("# disabled by hardening.signal")
