# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What desktop_update decides on the host about other apt sources that offer signal-desktop (remediation)."""
from __future__ import annotations

from ansible_collections.hardening.signal.plugins.module_utils.desktop import other_sources
from ansible_collections.hardening.signal.plugins.module_utils.probes import apt_sources
from ansible_collections.hardening.signal.tests.unit.plugins.module_utils.probes.fake_host import KEYRING, TEST_FPR, TEST_KEYRING, URL, write

MIRROR = "http://mirror.example/signal"
MIRROR_INDEX = "var/lib/apt/lists/mirror.example_signal_dists_xenial_main_binary-amd64_Packages"


def entry(options):
    return {"file": "/etc/apt/sources.list.d/m.list", "line": 1, "types": ["deb"], "uris": [MIRROR],
            "suites": ["xenial"], "components": ["main"], "options": options}


def test_each_kind_of_signed_by_is_judged_against_the_key(tmp_path):
    root = str(tmp_path)
    write(tmp_path, KEYRING, TEST_KEYRING)
    assert other_sources.judge_entry(root, entry({"trusted": "yes"}), TEST_FPR)["official"] is False
    assert other_sources.judge_entry(root, entry({}), TEST_FPR)["official"] is None
    assert other_sources.judge_entry(root, entry({"signed-by": KEYRING}), TEST_FPR)["official"] is True
    assert other_sources.judge_entry(root, entry({"signed-by": TEST_FPR.lower()}), TEST_FPR)["official"] is True
    assert other_sources.judge_entry(root, entry({"signed-by": KEYRING}))["official"] is False  # Signal's real key
    missing = other_sources.judge_entry(root, entry({"signed-by": "/usr/share/keyrings/none.gpg"}), TEST_FPR)
    assert missing["official"] is None and missing["errors"]


def test_only_sources_offering_signal_without_its_signature_are_listed(tmp_path):
    write(tmp_path, KEYRING, TEST_KEYRING)
    write(tmp_path, "etc/apt/sources.list.d/signal.list", "deb [signed-by=%s] %s xenial main\n" % (KEYRING, URL))
    write(tmp_path, "etc/apt/sources.list.d/m.list", "deb [trusted=yes] %s xenial main\n" % MIRROR)
    write(tmp_path, MIRROR_INDEX, "Package: signal-desktop\nVersion: 7.80.0\n")
    entries, _errors = apt_sources.read_entries(str(tmp_path))
    mine = apt_sources.signal_entries(entries, URL, "xenial")
    found, unreadable = other_sources.other_sources(str(tmp_path), entries, mine, TEST_FPR)
    assert [(o["file"], o["versions"], o["official"]) for o in found] == [
        ("/etc/apt/sources.list.d/m.list", ["7.80.0"], False)] and unreadable == []
    assert "trusted=yes disables signature checks" in found[0]["reason"]
