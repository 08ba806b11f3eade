# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The assembled facts document, checked against schemas/desktop_facts.schema.json."""
from __future__ import annotations

import json
import os
import plistlib
import time

import pytest

from ansible_collections.hardening.signal.plugins.module_utils.probes import desktop_facts
from ansible_collections.hardening.signal.tests.unit.plugins.module_utils.probes.fake_host import DATA, KEYRING, TEST_FPR, TEST_KEYRING, URL, write

SCHEMA_PATH = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "..", "schemas", "desktop_facts.schema.json")


# --- a small validator for the JSON Schema subset the facts schema uses ---

def _type_ok(value, name):
    return {
        "object": isinstance(value, dict),
        "array": isinstance(value, list),
        "string": isinstance(value, str),
        "integer": isinstance(value, int) and not isinstance(value, bool),
        "boolean": isinstance(value, bool),
        "null": value is None,
    }[name]


def validate(value, schema, path="$"):
    problems = []
    if "const" in schema and value != schema["const"]:
        problems.append("%s: %r != const %r" % (path, value, schema["const"]))
    if "enum" in schema and value not in schema["enum"]:
        problems.append("%s: %r not in %r" % (path, value, schema["enum"]))
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(_type_ok(value, t) for t in types):
            problems.append("%s: %r is not %s" % (path, value, types))
            return problems
    if isinstance(value, dict):
        for key in schema.get("required", []):
            if key not in value:
                problems.append("%s: missing %s" % (path, key))
        props = schema.get("properties", {})
        for key, sub in value.items():
            if key in props:
                problems += validate(sub, props[key], "%s.%s" % (path, key))
            elif isinstance(schema.get("additionalProperties"), dict):
                problems += validate(sub, schema["additionalProperties"], "%s.%s" % (path, key))
    if isinstance(value, list) and "items" in schema:
        for idx, item in enumerate(value):
            problems += validate(item, schema["items"], "%s[%d]" % (path, idx))
    return problems


with open(SCHEMA_PATH) as _f:
    SCHEMA = json.load(_f)


def check_document(facts):
    """Schema-valid, and every null value explained."""
    assert validate(facts, SCHEMA) == []
    assert desktop_facts.missing_reasons(facts) == []
    json.dumps(facts)  # plain JSON types only


def test_validator_can_fail():
    assert validate({"schema_version": 2}, SCHEMA)
    assert validate({"schema_version": 1, "platform": "linux", "signal": {"installed": None},
                     "unknown_reasons": {}, "errors": {}}, SCHEMA)


# --- fake hosts ---

def base_linux(root):
    write(root, "etc/os-release", 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\n'
                                  'VERSION_ID="12"\nVERSION_CODENAME=bookworm\nID=debian\n')
    write(root, "etc/passwd", "root:x:0:0:root:/root:/bin/bash\n"
                              "alice:x:1000:1000:Alice:/home/alice:/bin/bash\n")
    (root / "root").mkdir()
    (root / "home/alice").mkdir(parents=True)
    write(root, "etc/hosts", "127.0.0.1 localhost\n")
    write(root, "usr/bin/gnome-shell", "")
    write(root, "etc/dconf/profile/user", "user-db:user\nsystem-db:local\n")


def dpkg_status(root, *packages):
    stanzas = ["Package: %s\nStatus: install ok installed\nVersion: %s\n" % p for p in packages]
    write(root, "var/lib/dpkg/status", "\n".join(stanzas))


def dconf(root, keyfile, locks):
    write(root, "etc/dconf/db/local.d/00-hardening", keyfile)
    write(root, "etc/dconf/db/local.d/locks/hardening", locks)
    compiled = write(root, "etc/dconf/db/local", "GVariant")
    future = time.time() + 10
    os.utime(str(compiled), (future, future))


def profile(root, home, mode, config):
    base = root / home.lstrip("/") / ".config/Signal"
    base.mkdir(parents=True)
    os.chmod(str(base), mode)
    write(root, "%s/.config/Signal/config.json" % home, config, 0o600)
    write(root, "%s/.config/Signal/sql/db.sqlite" % home, b"x", 0o600)


LOCKS = ("/org/gnome/desktop/screensaver/lock-enabled\n/org/gnome/desktop/screensaver/lock-delay\n"
         "/org/gnome/desktop/session/idle-delay\n/org/gnome/desktop/notifications/show-in-lock-screen\n")


def compliant(root):
    base_linux(root)
    dpkg_status(root, ("signal-desktop", "7.40.0"), ("unattended-upgrades", "2.9.1+nmu3"))
    write(root, "etc/apt/sources.list.d/signal-desktop.sources",
          "Types: deb\nURIs: %s\nSuites: xenial\nComponents: main\nSigned-By: %s\n" % (URL, KEYRING))
    write(root, KEYRING, TEST_KEYRING)
    write(root, "etc/apt/apt.conf.d/20auto-upgrades",
          'APT::Periodic::Update-Package-Lists "1";\nAPT::Periodic::Unattended-Upgrade "1";\n')
    write(root, "etc/apt/apt.conf.d/50unattended-upgrades",
          'Unattended-Upgrade::Origins-Pattern {\n  "origin=Debian,codename=${distro_codename},label=Debian";\n'
          '  "origin=. xenial,codename=xenial";\n};\n')
    dconf(root, "[org/gnome/desktop/screensaver]\nlock-enabled=true\nlock-delay=uint32 0\n\n"
                "[org/gnome/desktop/session]\nidle-delay=uint32 300\n\n"
                "[org/gnome/desktop/notifications]\nshow-in-lock-screen=false\n", LOCKS)
    profile(root, "/home/alice", 0o700, '{"encryptedKey": "abcd", "safeStorageBackend": "gnome_libsecret"}')


def noncompliant(root):
    base_linux(root)
    dpkg_status(root, ("signal-desktop", "7.30.0"), ("unattended-upgrades", "2.9.1+nmu3"))
    write(root, "usr/share/keyrings/other.gpg", TEST_KEYRING)  # not Signal's key
    write(root, "etc/apt/sources.list.d/signal-xenial.list",
          "deb [arch=amd64 signed-by=/usr/share/keyrings/other.gpg] %s xenial main\n" % URL)
    write(root, "var/lib/flatpak/app/org.signal.Signal/current/active/files/share/metainfo/"
                "org.signal.Signal.metainfo.xml", '<component><releases><release version="7.41.0"/></releases></component>')
    write(root, "etc/apt/apt.conf.d/20auto-upgrades", 'APT::Periodic::Unattended-Upgrade "1";\n')
    write(root, "etc/apt/apt.conf.d/50unattended-upgrades",
          'Unattended-Upgrade::Origins-Pattern {\n  "origin=Debian,codename=${distro_codename},label=Debian";\n};\n')
    write(root, "etc/hosts", "127.0.0.1 localhost\n0.0.0.0 updates.signal.org\n")
    dconf(root, "[org/gnome/desktop/screensaver]\nlock-enabled=false\nlock-delay=uint32 3600\n\n"
                "[org/gnome/desktop/session]\nidle-delay=uint32 0\n\n"
                "[org/gnome/desktop/notifications]\nshow-in-lock-screen=true\n", LOCKS)
    profile(root, "/home/alice", 0o755, '{"key": "abcd"}')


def test_compliant_host(tmp_path):
    compliant(tmp_path)
    facts = desktop_facts.collect(str(tmp_path), platform="linux", key_fingerprint=TEST_FPR)
    check_document(facts)
    assert facts["errors"] == {}
    assert facts["os"] == {"family": "debian", "distribution": "debian", "version": "12", "desktop": "gnome"}
    sig = facts["signal"]
    assert sig["installed"] is True and sig["version"] == "7.40.0"
    assert sig["official_source"] is True and sig["community_build"] is False
    assert sig["installs"] == [{"kind": "deb", "path": "/opt/Signal", "version": "7.40.0",
                                "official": True, "source": URL}]
    assert sig["profiles"] == [{"user": "alice", "path": "/home/alice/.config/Signal",
                                "linked": True, "mode": "0700", "private": True}]
    assert sig["profiles_private"] is True
    assert facts["update"] == {"server_blocked": False, "server_block_reasons": [], "proxies": [],
                               "auto_update_covers_signal": True}
    assert facts["screen_lock"] == {"enabled": True, "idle_delay_seconds": 300, "lock_delay_seconds": 0,
                                    "locked_by_admin": True,
                                    "source": "dconf: /etc/dconf/db/local.d/00-hardening", "other_settings": []}
    assert facts["lockscreen_notifications"] == {"hides_content": True, "other_settings": [],
                                                 "source": "dconf: /etc/dconf/db/local.d/00-hardening"}
    assert facts["unknown_reasons"] == {}


def test_compliant_tree_fails_with_signals_real_fingerprint(tmp_path):
    # The test key is not Signal's: with the default fingerprint the source is not official.
    compliant(tmp_path)
    facts = desktop_facts.collect(str(tmp_path), platform="linux")
    assert facts["signal"]["official_source"] is False


def test_another_source_offering_signal_fails_with_the_file_named(tmp_path):
    compliant(tmp_path)
    (tmp_path / "etc/apt/sources.list.d/extra.list").write_text("deb [trusted=yes] http://example.org/apt xenial main\n")
    index = tmp_path / "var/lib/apt/lists/example.org_apt_dists_xenial_main_binary-amd64_Packages"
    index.parent.mkdir(parents=True, exist_ok=True)
    index.write_text("Package: signal-desktop\nVersion: 7.40.0\n")
    facts = desktop_facts.collect(str(tmp_path), platform="linux", key_fingerprint=TEST_FPR)
    check_document(facts)
    sig = facts["signal"]
    assert sig["official_source"] is False and sig["installs"][0]["official"] is False
    assert sig["official_source_problems"] == [
        "/etc/apt/sources.list.d/extra.list:1 (http://example.org/apt xenial) also offers signal-desktop 7.40.0: "
        "/etc/apt/sources.list.d/extra.list:1: trusted=yes disables signature checks"]


def test_an_appimage_next_to_an_official_deb_makes_the_source_unknown(tmp_path, appimage_header):
    compliant(tmp_path)
    write(tmp_path, "home/alice/Applications/Signal.AppImage", appimage_header())
    facts = desktop_facts.collect(str(tmp_path), platform="linux", key_fingerprint=TEST_FPR)
    check_document(facts)
    sig = facts["signal"]
    assert [(i["kind"], i["official"]) for i in sig["installs"]] == [("deb", True), ("appimage", None)]
    assert sig["official_source"] is None and sig["version"] is None
    assert facts["unknown_reasons"]["signal.official_source"].startswith(
        "appimage install at /home/alice/Applications/Signal.AppImage: an AppImage carries no signature")
    assert "zstd" in facts["unknown_reasons"]["signal.installs.1.version"]
    assert desktop_facts.missing_reasons(facts) == []


def test_noncompliant_host(tmp_path):
    noncompliant(tmp_path)
    facts = desktop_facts.collect(str(tmp_path), platform="linux")
    check_document(facts)
    sig = facts["signal"]
    assert sig["installed"] is True
    assert sig["version"] == "7.41.0"  # the highest of deb 7.30.0 and flatpak 7.41.0
    assert sig["official_source"] is False and sig["community_build"] is True
    assert [(i["kind"], i["official"]) for i in sig["installs"]] == [("deb", False), ("flatpak", False)]
    assert sig["profiles"][0]["private"] is False and sig["profiles_private"] is False
    assert facts["update"] == {"server_blocked": True, "auto_update_covers_signal": False, "proxies": [],
                               "server_block_reasons": ["/etc/hosts maps updates.signal.org to 0.0.0.0"]}
    assert facts["screen_lock"]["enabled"] is False
    assert facts["screen_lock"]["idle_delay_seconds"] == 0
    assert facts["screen_lock"]["lock_delay_seconds"] == 3600
    assert facts["lockscreen_notifications"]["hides_content"] is False


def compliant_with(root, rel, content):
    """The compliant host plus one file; its checked facts document."""
    compliant(root)
    write(root, rel, content)
    facts = desktop_facts.collect(str(root), platform="linux", key_fingerprint=TEST_FPR)
    check_document(facts)
    return facts


def test_a_dead_end_proxy_for_signals_host_blocks_with_the_setting_named(tmp_path):
    facts = compliant_with(tmp_path, "etc/apt/apt.conf.d/90proxy",
                           'Acquire::http::Proxy "http://proxy.example:3128";\n'
                           'Acquire::https::Proxy::updates.signal.org "http://0.0.0.0:3128";\n')
    assert facts["update"]["server_blocked"] is True
    assert facts["update"]["server_block_reasons"] == [
        "/etc/apt/apt.conf.d/90proxy: Acquire::https::Proxy::updates.signal.org sends apt's requests for "
        "updates.signal.org to http://0.0.0.0:3128, where nothing can answer"]
    assert facts["update"]["proxies"] == [{"url": "http://0.0.0.0:3128", "blocks": True,
                                           "source": "/etc/apt/apt.conf.d/90proxy: Acquire::https::Proxy::updates.signal.org"}]


def test_an_ordinary_proxy_keeps_the_hosts_verdict_and_says_it_is_unseen(tmp_path):
    facts = compliant_with(tmp_path, "etc/environment",
                           'PATH="/usr/bin:/bin"\nhttps_proxy="http://alice:secret@proxy.example:3128/"\n')
    assert facts["update"]["server_blocked"] is False and facts["update"]["server_block_reasons"] == []
    assert facts["update"]["proxies"] == [{"url": "http://proxy.example:3128", "blocks": None,
                                           "source": "/etc/environment: https_proxy"}]
    assert "cannot read" in facts["unknown_reasons"]["update.proxies.0.blocks"]
    assert "secret" not in json.dumps(facts)


def test_a_malformed_proxy_makes_the_verdict_an_error_naming_the_file(tmp_path):
    facts = compliant_with(tmp_path, "etc/apt/apt.conf.d/90proxy", 'Acquire::https::Proxy "http://proxy.example:31280000";\n')
    assert facts["update"]["server_blocked"] is None and facts["update"]["proxies"] == []
    assert facts["errors"]["update.server_blocked"].startswith(
        "/etc/apt/apt.conf.d/90proxy: Acquire::https::Proxy: malformed proxy: ")


def test_a_hosts_file_block_wins_over_a_malformed_proxy(tmp_path):
    noncompliant(tmp_path)
    write(tmp_path, "etc/environment", "https_proxy=ftp://proxy.example\n")
    facts = desktop_facts.collect(str(tmp_path), platform="linux")
    check_document(facts)
    assert facts["update"]["server_blocked"] is True
    assert "/etc/environment: https_proxy: malformed proxy" in facts["errors"]["update.proxies"]


def test_unlocked_settings_are_unknown_with_reasons(tmp_path):
    compliant(tmp_path)
    os.remove(str(tmp_path / "etc/dconf/db/local.d/locks/hardening"))
    os.utime(str(tmp_path / "etc/dconf/db/local"), (time.time() + 20, time.time() + 20))
    facts = desktop_facts.collect(str(tmp_path), platform="linux", key_fingerprint=TEST_FPR)
    check_document(facts)
    assert facts["screen_lock"]["enabled"] is None
    assert facts["screen_lock"]["locked_by_admin"] is False
    assert "may override" in facts["unknown_reasons"]["screen_lock.enabled"]
    assert "may override" in facts["unknown_reasons"]["lockscreen_notifications.hides_content"]


def test_signal_not_installed(tmp_path):
    base_linux(tmp_path)
    dpkg_status(tmp_path, ("bash", "5.2"))
    facts = desktop_facts.collect(str(tmp_path), platform="linux")
    check_document(facts)
    sig = facts["signal"]
    assert sig["installed"] is False and sig["installs"] == []
    for key in ("version", "official_source", "community_build", "profiles_private"):
        assert sig[key] is None
        assert facts["unknown_reasons"]["signal." + key] == "Signal Desktop is not installed"
    assert "profiles" not in sig


def test_hostile_tree_does_not_raise(tmp_path):
    # Directories where files belong, a FIFO, a symlink loop, garbage everywhere.
    for rel in ("etc/passwd", "etc/hosts", "etc/os-release", "var/lib/dpkg/status",
                "etc/dconf/profile/user"):
        (tmp_path / rel).mkdir(parents=True)
    write(tmp_path, "usr/bin/gnome-shell", "")
    (tmp_path / "usr/lib").mkdir(parents=True)
    os.mkfifo(str(tmp_path / "usr/lib/os-release"))  # must not block the probe
    (tmp_path / "etc/apt").mkdir(parents=True)
    os.symlink("loop", str(tmp_path / "etc/apt/sources.list.d"))
    os.symlink("sources.list.d", str(tmp_path / "etc/apt/loop"))
    facts = desktop_facts.collect(str(tmp_path), platform="linux")
    check_document(facts)
    assert "signal.installed" not in facts["signal"]
    assert facts["errors"]["signal.installed"] == "/var/lib/dpkg/status: not a regular file"
    assert facts["errors"]["update.server_blocked"] == "/etc/hosts: not a regular file"
    assert "signal.installed" in facts["unknown_reasons"]
    assert facts["errors"]["os.family"].startswith("/etc/os-release: not a regular file")
    assert facts["update"]["auto_update_covers_signal"] is None


def test_macos_host(tmp_path):
    write(tmp_path, "System/Library/CoreServices/SystemVersion.plist",
          plistlib.dumps({"ProductName": "macOS", "ProductVersion": "14.5"}))
    write(tmp_path, "Applications/Signal.app/Contents/Info.plist",
          plistlib.dumps({"CFBundleShortVersionString": "7.40.0",
                          "CFBundleIdentifier": "org.whispersystems.signal-desktop"}))
    base = tmp_path / "Users/alice/Library/Application Support/Signal"
    base.mkdir(parents=True)
    os.chmod(str(base), 0o700)
    (tmp_path / "Users/Shared").mkdir()
    facts = desktop_facts.collect(str(tmp_path), platform="macos")
    check_document(facts)
    assert facts["os"]["version"] == "14.5"
    assert facts["signal"]["installs"][0]["version"] == "7.40.0"
    assert facts["signal"]["official_source"] is None
    assert facts["signal"]["profiles"][0]["user"] == "alice"
    assert facts["signal"]["profiles"][0]["linked"] is False
    assert facts["screen_lock"]["enabled"] is None and facts["screen_lock"]["locked_by_admin"] is False
    assert "no configuration profile sets askForPassword for every user" in facts["unknown_reasons"]["screen_lock.enabled"]
    facts = desktop_facts.collect(str(tmp_path), platform="macos", codesign_outputs={
        "/Applications/Signal.app": "Identifier=org.whispersystems.signal-desktop\nTeamIdentifier=U68MSDN6DR\n"})
    assert facts["signal"]["official_source"] is True


def test_macos_host_with_configuration_profiles(tmp_path):
    write(tmp_path, "System/Library/CoreServices/SystemVersion.plist",
          plistlib.dumps({"ProductName": "macOS", "ProductVersion": "15.1"}, fmt=plistlib.FMT_BINARY))
    write(tmp_path, "Users/alice/Applications/Signal.app/Contents/Info.plist",
          plistlib.dumps({"CFBundleShortVersionString": "7.80.0", "CFBundleVersion": "7.80.0.99",
                          "CFBundleIdentifier": "org.whispersystems.signal-desktop"}, fmt=plistlib.FMT_BINARY))
    write(tmp_path, "Library/Managed Preferences/com.apple.screensaver.plist",
          plistlib.dumps({"idleTime": 600, "askForPassword": True, "askForPasswordDelay": 5}))
    write(tmp_path, "Library/Managed Preferences/com.apple.notificationsettings.plist",
          plistlib.dumps({"NotificationSettings": [{"BundleIdentifier": "org.whispersystems.signal-desktop",
                                                    "ShowInLockScreen": False}]}))
    with open(os.path.join(DATA, "codesign-signal.txt")) as handle:
        recorded = handle.read()
    app = "/Users/alice/Applications/Signal.app"
    facts = desktop_facts.collect(str(tmp_path), platform="macos", codesign_outputs={app: recorded},
                                  codesign_verified={app: True})
    check_document(facts)
    assert desktop_facts.missing_reasons(facts) == []
    assert facts["os"] == {"family": "darwin", "distribution": "macos", "version": "15.1", "desktop": "macos"}
    assert facts["signal"]["installs"] == [{"kind": "macos_app", "path": app, "version": "7.80.0", "official": True,
                                            "source": "Team ID U68MSDN6DR (Developer ID Application: Signal "
                                                      "Messenger, LLC (U68MSDN6DR))"}]
    source = "configuration profile: /Library/Managed Preferences/com.apple.screensaver.plist"
    assert facts["screen_lock"] == {"enabled": True, "idle_delay_seconds": 600, "lock_delay_seconds": 5,
                                    "locked_by_admin": True, "source": source}
    assert facts["lockscreen_notifications"] == {
        "hides_content": True, "source": "configuration profile: /Library/Managed Preferences/"
                                         "com.apple.notificationsettings.plist"}
    # A broken signature (codesign --verify failed) is never official, whatever -dv printed.
    facts = desktop_facts.collect(str(tmp_path), platform="macos", codesign_outputs={app: recorded},
                                  codesign_verified={app: False})
    assert facts["signal"]["official_source"] is False


@pytest.mark.parametrize("platform", ["windows"])
def test_unsupported_platform_is_all_unknown(tmp_path, platform):
    facts = desktop_facts.collect(str(tmp_path), platform=platform)
    check_document(facts)
    assert facts["platform"] == "windows"
