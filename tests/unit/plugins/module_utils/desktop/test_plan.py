# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""desktop_update's whole plan on a pretend host: what it writes, that a second run changes nothing, and that
desktop_info then reads the host as compliant for 3.1 and 3.2."""
from __future__ import annotations

import os
import stat

import pytest

from ansible_collections.hardening.signal.plugins.module_utils.desktop import plan as planner
from ansible_collections.hardening.signal.plugins.module_utils.probes import desktop_facts
from ansible_collections.hardening.signal.tests.unit.controls.host_tree import TEST_KEY, judge_facts

REPO = "https://updates.signal.org/desktop/apt"
SOURCES = "/etc/apt/sources.list.d/signal-desktop.sources"
KEYRING = "/usr/share/keyrings/signal-desktop-keyring.gpg"
AUTO = "/etc/apt/apt.conf.d/20auto-upgrades"
ORIGIN = "/etc/apt/apt.conf.d/52signal-desktop-unattended-upgrades"
TEST_FINGERPRINT = "76780304C83C329E03F5D9CD5BF51F91147E5AAF"


def build(tree, keys, **kwargs):
    return planner.build(tree.root, REPO, "xenial", keys.binary, **kwargs)


def apply(plan, module):
    for change in plan.changes:
        change.apply(module)


def debian_host(tree):
    tree.write("/etc/os-release", 'ID=debian\nVERSION_ID="12"\nNAME="Debian GNU/Linux"\nVERSION_CODENAME=bookworm\n')
    tree.write("/etc/passwd", "root:x:0:0:root:/root:/bin/bash\n")
    tree.installed(("unattended-upgrades", "2.9.1+nmu3"), ("signal-desktop", "7.80.0"))
    tree.write("/etc/apt/apt.conf.d/50unattended-upgrades",
               'Unattended-Upgrade::Origins-Pattern { "origin=Debian,codename=${distro_codename},label=Debian-Security"; };\n')


def judged(tree, control_id):
    """The control's result on what desktop_info reads on the host, the test key standing for Signal's."""
    return judge_facts(desktop_facts.collect(tree.root, platform="linux"), control_id, org={"key_fingerprint": TEST_KEY})


def test_fresh_host_gets_four_files_and_then_passes_the_probe(tree, keys, fake_module):
    debian_host(tree)
    assert judged(tree, "sh-3.1-linux-official-source")["status"] == "fail"
    assert judged(tree, "sh-3.2-linux-auto-update")["status"] == "fail"

    plan = build(tree, keys)
    assert [(c.path, c.action) for c in plan.changes] == [
        (SOURCES, "created"), (KEYRING, "created"), (AUTO, "created"), (ORIGIN, "created")]
    assert plan.warnings == []
    diffs = plan.diffs()
    assert diffs[0]["before_header"] == SOURCES + " (absent)" and "Signed-By: " + KEYRING in diffs[0]["after"]
    assert "pub " + TEST_FINGERPRINT in diffs[1]["after"]   # a keyring is shown by its fingerprints
    # Planning wrote nothing.
    assert not tree.exists(SOURCES) and not tree.exists(KEYRING)

    apply(plan, fake_module)
    assert tree.read(KEYRING) == keys.binary
    assert stat.S_IMODE(os.stat(tree.path(SOURCES)).st_mode) == 0o644
    assert tree.text("/etc/apt/apt.conf.d/50unattended-upgrades").count("Origins-Pattern") == 1  # untouched

    assert judged(tree, "sh-3.1-linux-official-source")["status"] == "pass"
    assert judged(tree, "sh-3.2-linux-auto-update")["status"] == "pass"

    again = build(tree, keys)
    assert not again.changed and again.diffs() == []
    assert tree.backups() == []


def test_changed_files_are_backed_up_and_only_they_are_rewritten(tree, keys, fake_module):
    debian_host(tree)
    tree.write(AUTO, 'APT::Periodic::Update-Package-Lists "1";\nAPT::Periodic::Unattended-Upgrade "0";\n')
    tree.write(SOURCES, "Types: deb\nURIs: https://updates.signal.org/desktop/apt\nSuites: xenial\nComponents: main\n"
                        "Signed-By: %s\n" % KEYRING, mode=0o600)
    plan = build(tree, keys)
    actions = {c.path: c.action for c in plan.changes}
    assert actions[AUTO] == "updated" and actions[SOURCES] == "updated"
    apply(plan, fake_module)
    backups = tree.backups()
    assert [b.rsplit(".", 1)[0] for b in backups] == [
        "/var/backups/hardening-signal/etc/apt/apt.conf.d/20auto-upgrades",
        "/var/backups/hardening-signal/etc/apt/sources.list.d/signal-desktop.sources"]
    assert all(b.endswith("~") for b in backups)
    assert b"Unattended-Upgrade \"0\"" in tree.read(backups[0])   # the old content
    assert tree.text(AUTO).count('"1"') == 2
    assert stat.S_IMODE(os.stat(tree.path(SOURCES)).st_mode) == 0o644


def test_mode_alone_is_a_change(tree, keys, fake_module):
    debian_host(tree)
    apply(build(tree, keys), fake_module)
    os.chmod(tree.path(KEYRING), 0o600)   # _apt could not read it
    plan = build(tree, keys)
    assert [c.action for c in plan.changes if c.changed] == ["mode"]
    assert "(mode 0600)" in plan.diffs()[0]["before"]
    apply(plan, fake_module)
    assert stat.S_IMODE(os.stat(tree.path(KEYRING)).st_mode) == 0o644


def test_conflicting_legacy_entry_refuses_everything_unless_opted_in(tree, keys, fake_module):
    debian_host(tree)
    legacy = "/etc/apt/sources.list.d/signal-xenial.list"
    tree.write(legacy, "deb [arch=amd64] https://updates.signal.org/desktop/apt xenial main\n")
    with pytest.raises(planner.Refused) as exc:
        build(tree, keys)
    assert "remove_legacy_sources" in str(exc.value) and legacy in str(exc.value)
    assert not tree.exists(SOURCES) and not tree.exists(KEYRING)

    plan = build(tree, keys, remove_legacy=True)
    assert plan.legacy[0]["action"] == "removed"
    assert {c.path: c.action for c in plan.changes}[legacy] == "removed"
    apply(plan, fake_module)
    assert not tree.exists(legacy)
    assert [b for b in tree.backups() if "signal-xenial.list" in b]
    assert not [n for n in os.listdir(tree.path("/etc/apt/sources.list.d")) if n.startswith("signal-xenial")]


def test_matching_legacy_entry_only_warns(tree, keys):
    debian_host(tree)
    tree.write("/etc/apt/sources.list.d/signal-xenial.list",
               "deb [arch=amd64 signed-by=%s] https://updates.signal.org/desktop/apt xenial main\n" % KEYRING)
    plan = build(tree, keys)
    assert plan.legacy[0]["action"] == "kept" and not plan.legacy[0]["conflicts"]
    assert any("configured twice" in w for w in plan.warnings)


def test_a_later_apt_file_switching_updates_off_is_reported(tree, keys):
    debian_host(tree)
    tree.write("/etc/apt/apt.conf.d/99local", 'APT::Periodic::Unattended-Upgrade "0";\n')
    plan = build(tree, keys)
    assert any("Unattended-Upgrade" in w and "overrides" in w for w in plan.warnings)


def test_a_mirror_origin_is_written_with_a_warning(tree, keys):
    debian_host(tree)
    plan = build(tree, keys, origin="origin=Example Mirror,codename=xenial")
    origin = next(c for c in plan.changes if c.path == ORIGIN)
    assert b'"origin=Example Mirror,codename=xenial";' in origin.content
    assert any("does not match Signal's repository" in w for w in plan.warnings)


def test_without_auto_upgrades_only_source_and_key(tree, keys):
    debian_host(tree)
    plan = build(tree, keys, manage_auto_upgrades=False)
    assert [c.path for c in plan.changes] == [SOURCES, KEYRING]


def test_a_directory_where_a_file_belongs_is_refused(tree, keys):
    debian_host(tree)
    os.makedirs(tree.path(SOURCES))
    with pytest.raises(planner.Refused):
        build(tree, keys)


OTHER = "http://mirror.example.org/apt"
OTHER_INDEX = "/var/lib/apt/lists/mirror.example.org_apt_dists_xenial_main_binary-amd64_Packages"


def other_sources_host(tree):
    """Two other sources that offer signal-desktop without Signal's signature, plus Debian's, which does not."""
    debian_host(tree)
    tree.write("/etc/apt/sources.list", "deb http://deb.debian.org/debian bookworm main\n"
                                        "deb [trusted=yes] %s xenial main\n" % OTHER)
    tree.write("/etc/apt/sources.list.d/other.sources", "Types: deb\nURIs: %s/two\nSuites: xenial\nComponents: main\n"
                                                        "Enabled: yes\n\nTypes: deb\nURIs: http://unrelated.example\n"
                                                        "Suites: x\nComponents: main\n" % OTHER)
    tree.write(OTHER_INDEX, "Package: signal-desktop\nVersion: 7.60.0\n")
    tree.write(OTHER_INDEX.replace("_apt_", "_apt_two_"), "Package: signal-desktop\nVersion: 7.99.0\n")


def test_other_sources_offering_signal_are_reported_and_kept_by_default(tree, keys, fake_module):
    other_sources_host(tree)
    plan = build(tree, keys, fingerprint=TEST_FINGERPRINT)
    assert [(o["file"], o["line"], o["format"], o["versions"], o["action"]) for o in plan.others] == [
        ("/etc/apt/sources.list", 2, "one-line", ["7.60.0"], "kept"),
        ("/etc/apt/sources.list.d/other.sources", 1, "deb822", ["7.99.0"], "kept")]
    assert sum("disable_other_sources" in w for w in plan.warnings) == 2
    assert [c.path for c in plan.changes if c.path.startswith("/etc/apt/sources.list")] == [SOURCES]
    apply(plan, fake_module)
    after = judged(tree, "sh-3.1-linux-official-source")
    assert after["status"] == "fail" and "(/etc/apt/sources.list line 2) has trusted=yes" in after["reason"]


def test_other_sources_are_switched_off_with_a_backup_when_asked(tree, keys, fake_module):
    other_sources_host(tree)
    plan = build(tree, keys, fingerprint=TEST_FINGERPRINT, disable_others=True)
    assert [o["action"] for o in plan.others] == ["disabled", "disabled"]
    apply(plan, fake_module)
    assert tree.text("/etc/apt/sources.list") == (
        "deb http://deb.debian.org/debian bookworm main\n"
        "# %s: deb [trusted=yes] %s xenial main\n" % (planner.OTHER_COMMENT, OTHER))
    assert tree.text("/etc/apt/sources.list.d/other.sources") == (
        "# %s\nTypes: deb\nURIs: %s/two\nSuites: xenial\nComponents: main\nEnabled: no\n\nTypes: deb\n"
        "URIs: http://unrelated.example\nSuites: x\nComponents: main\n" % (planner.OTHER_COMMENT, OTHER))
    assert sorted(b.rsplit(".", 1)[0] for b in tree.backups()) == [
        "/var/backups/hardening-signal/etc/apt/sources.list",
        "/var/backups/hardening-signal/etc/apt/sources.list.d/other.sources"]
    assert judged(tree, "sh-3.1-linux-official-source")["status"] == "pass"
    assert not build(tree, keys, fingerprint=TEST_FINGERPRINT, disable_others=True).changed
