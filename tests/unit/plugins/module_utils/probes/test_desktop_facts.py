# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The assembled facts document, checked against schemas/desktop_facts.schema.json."""
from __future__ import annotations

import datetime
import json
import os
import plistlib
import time

import pytest

from ansible_collections.hardening.signal.plugins.module_utils.probes import desktop_facts, processes
from ansible_collections.hardening.signal.tests.unit.controls.host_tree import signal_asar
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
            elif schema.get("additionalProperties") is False:
                problems.append("%s: %s is not allowed" % (path, key))
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
    assert validate({"schema_version": 1}, SCHEMA)
    assert validate({"schema_version": 3, "platform": "linux", "signal": {"installed": None},
                     "unknown_reasons": {}, "errors": {}}, SCHEMA)
    assert validate({"schema_version": 2, "platform": "linux", "signal": {"installed": True},
                     "unknown_reasons": {}, "errors": {}}, SCHEMA)  # facts of an older release are refused
    assert validate({"schema_version": 3, "platform": "linux", "signal": {"installed": True},
                     "update": {"server_blocked": False}, "unknown_reasons": {}, "errors": {}}, SCHEMA)


# --- fake hosts ---

def base_linux(root):
    write(root, "etc/os-release", 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\n'
                                  'VERSION_ID="12"\nVERSION_CODENAME=bookworm\nID=debian\n')
    write(root, "etc/passwd", "root:x:0:0:root:/root:/bin/bash\n"
                              "alice:x:1000:1000:Alice:/home/alice:/bin/bash\n")
    (root / "root").mkdir()
    (root / "home/alice").mkdir(parents=True)
    write(root, "etc/hosts", "127.0.0.1 localhost\n")
    write(root, "proc/stat", "cpu 1\nbtime 1761955200\n")
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
    write(root, "opt/Signal/resources/app.asar", signal_asar("2027-02-01T00:00:00Z"))
    stamp = write(root, "opt/Signal/.signal-postinst", "")
    arrived = datetime.datetime(2026, 11, 20, 6, tzinfo=datetime.timezone.utc).timestamp()
    os.utime(str(stamp), (arrived, arrived))
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
    facts = desktop_facts.collect(str(tmp_path), platform="linux")
    check_document(facts)
    assert facts["errors"] == {}
    assert facts["os"] == {"family": "debian", "distribution": "debian", "version": "12", "desktop": "gnome"}
    sig = facts["signal"]
    assert sig["installed"] is True and sig["version"] == "7.40.0"
    assert sig["installs"] == [{
        "kind": "deb", "path": "/opt/Signal", "package": "signal-desktop", "version": "7.40.0",
        "apt_sources": [{"file": "/etc/apt/sources.list.d/signal-desktop.sources", "line": 1, "uri": URL,
                         "suite": "xenial", "components": ["main"], "trusted": False, "signed_by": [KEYRING],
                         "key_fingerprints": [TEST_FPR, "7442974810B77283D91F961D574791E35F87F920"], "offers": []}],
        "build_expires": "2027-02-01T00:00:00Z", "installed_at": "2026-11-20T06:00:00Z", "running": []}]
    assert sig["profiles"] == [{"user": "alice", "path": "/home/alice/.config/Signal", "linked": True, "mode": "0700"}]
    uu_file = "/etc/apt/apt.conf.d/50unattended-upgrades"
    assert facts["update"] == {"hosts_entries": [], "proxies": [], "unattended_upgrades": {
        "installed": True, "timer_masked": False,
        "periodic": [{"name": "APT::Periodic::Unattended-Upgrade", "value": "1",
                      "file": "/etc/apt/apt.conf.d/20auto-upgrades", "line": 2}],
        "origins": [{"setting": "Unattended-Upgrade::Origins-Pattern",
                     "entry": "origin=Debian,codename=${distro_codename},label=Debian", "file": uu_file, "line": 2,
                     "fields": [{"key": "origin", "pattern": "Debian"}, {"key": "codename", "pattern": "bookworm"},
                                {"key": "label", "pattern": "Debian"}]},
                    {"setting": "Unattended-Upgrade::Origins-Pattern", "entry": "origin=. xenial,codename=xenial",
                     "file": uu_file, "line": 3,
                     "fields": [{"key": "origin", "pattern": ". xenial"}, {"key": "codename", "pattern": "xenial"}]}],
        "package_lists": []}}
    assert facts["screen_lock"] == {"enabled": True, "idle_delay_seconds": 300, "lock_delay_seconds": 0,
                                    "locked_by_admin": True,
                                    "source": "dconf: /etc/dconf/db/local.d/00-hardening", "other_settings": []}
    assert facts["lockscreen_notifications"] == {"hides_content": True, "other_settings": [],
                                                 "source": "dconf: /etc/dconf/db/local.d/00-hardening"}
    assert facts["unknown_reasons"] == {}


def test_the_running_signal_and_the_packages_arrival_are_seen_in_proc(tmp_path):
    compliant(tmp_path)
    btime = int(datetime.datetime(2026, 11, 1, tzinfo=datetime.timezone.utc).timestamp())
    write(tmp_path, "proc/stat", "cpu 1\nbtime %d\n" % btime)
    ticks = os.sysconf("SC_CLK_TCK")
    fields = " ".join(["S", "1"] + ["0"] * 17 + [str(86400 * ticks), "0"])
    write(tmp_path, "proc/4242/stat", "4242 (signal-desktop) %s\n" % fields)
    write(tmp_path, "proc/4242/status", "Name:\tsignal-desktop\nUid:\t1000\t1000\t1000\t1000\n")
    child = " ".join(["S", "4242"] + ["0"] * 17 + [str(86401 * ticks), "0"])
    write(tmp_path, "proc/4250/stat", "4250 (signal-desktop) %s\n" % child)  # a helper process, not listed
    write(tmp_path, "proc/4300/stat", "4300 (bash) %s\n" % fields)
    facts = desktop_facts.collect(str(tmp_path), platform="linux")
    assert facts["signal"]["installs"][0]["running"] == [{"pid": 4242, "user": "alice", "started": "2026-11-02T00:00:00Z"}]
    # An AppImage's Signal (its executable elsewhere) is not the package's.
    os.symlink("/tmp/.mount_SignalXYZ/signal-desktop", str(tmp_path / "proc/4242/exe"))
    assert desktop_facts.collect(str(tmp_path), platform="linux")["signal"]["installs"][0]["running"] == []


def test_hidden_processes_leave_the_running_signal_unknown(tmp_path):
    compliant(tmp_path)
    write(tmp_path, "proc/mounts", "proc /proc proc rw,nosuid,nodev,noexec,relatime,hidepid=invisible 0 0\n")
    assert processes.signal_processes(str(tmp_path), euid=0)[1] is None  # root sees every process
    running, why = processes.signal_processes(str(tmp_path), euid=1000)
    assert running is None and "hidepid=invisible" in why


def test_another_source_offering_signal_is_reported_with_its_line(tmp_path):
    compliant(tmp_path)
    (tmp_path / "etc/apt/sources.list.d/extra.list").write_text("deb [trusted=yes] http://example.org/apt xenial main\n")
    index = tmp_path / "var/lib/apt/lists/example.org_apt_dists_xenial_main_binary-amd64_Packages"
    index.parent.mkdir(parents=True, exist_ok=True)
    index.write_text("Package: signal-desktop\nVersion: 7.40.0\n")
    facts = desktop_facts.collect(str(tmp_path), platform="linux")
    check_document(facts)
    found = facts["signal"]["installs"][0]["apt_sources"]
    assert [s["file"] for s in found] == ["/etc/apt/sources.list.d/extra.list", "/etc/apt/sources.list.d/signal-desktop.sources"]
    extra = found[:1]
    assert extra == [{"file": "/etc/apt/sources.list.d/extra.list", "line": 1, "uri": "http://example.org/apt",
                      "suite": "xenial", "components": ["main"], "trusted": True, "signed_by": [],
                      "key_fingerprints": None, "offers": ["7.40.0"]}]
    assert "no Signed-By" in facts["unknown_reasons"]["signal.installs.0.apt_sources.0.key_fingerprints"]


def test_an_appimage_next_to_the_package(tmp_path, appimage_header):
    compliant(tmp_path)
    write(tmp_path, "home/alice/Applications/Signal.AppImage", appimage_header())
    facts = desktop_facts.collect(str(tmp_path), platform="linux")
    check_document(facts)
    sig = facts["signal"]
    assert [i["kind"] for i in sig["installs"]] == ["deb", "appimage"]
    assert sig["version"] is None
    assert "zstd" in facts["unknown_reasons"]["signal.installs.1.version"]
    assert desktop_facts.missing_reasons(facts) == []


def test_noncompliant_host(tmp_path):
    noncompliant(tmp_path)
    facts = desktop_facts.collect(str(tmp_path), platform="linux")
    check_document(facts)
    sig = facts["signal"]
    assert sig["installed"] is True
    assert sig["version"] == "7.41.0"  # the highest of deb 7.30.0 and flatpak 7.41.0
    assert [(i["kind"], i["version"]) for i in sig["installs"]] == [("deb", "7.30.0"), ("flatpak", "7.41.0")]
    assert sig["installs"][0]["apt_sources"][0]["signed_by"] == ["/usr/share/keyrings/other.gpg"]
    assert sig["profiles"][0]["mode"] == "0755"
    assert facts["update"]["hosts_entries"] == [{"file": "/etc/hosts", "line": 2, "host": "updates.signal.org",
                                                 "address": "0.0.0.0"}]
    assert [o["entry"] for o in facts["update"]["unattended_upgrades"]["origins"]] == [
        "origin=Debian,codename=${distro_codename},label=Debian"]
    assert facts["screen_lock"]["enabled"] is False
    assert facts["screen_lock"]["idle_delay_seconds"] == 0
    assert facts["screen_lock"]["lock_delay_seconds"] == 3600
    assert facts["lockscreen_notifications"]["hides_content"] is False


def compliant_with(root, rel, content):
    """The compliant host plus one file; its checked facts document."""
    compliant(root)
    write(root, rel, content)
    facts = desktop_facts.collect(str(root), platform="linux")
    check_document(facts)
    return facts


def test_the_proxy_apt_uses_for_signals_host_is_reported_with_its_file_and_line(tmp_path):
    facts = compliant_with(tmp_path, "etc/apt/apt.conf.d/90proxy",
                           'Acquire::http::Proxy "http://proxy.example:3128";\n'
                           'Acquire::https::Proxy::updates.signal.org "http://0.0.0.0:3128";\n')
    assert facts["update"]["proxies"] == [{
        "file": "/etc/apt/apt.conf.d/90proxy", "line": 2, "setting": "Acquire::https::Proxy::updates.signal.org",
        "used_by": "apt", "url": "http://0.0.0.0:3128", "scheme": "http", "host": "0.0.0.0", "port": 3128}]
    assert facts["errors"] == {}


def test_the_sessions_proxy_is_reported_without_credentials(tmp_path):
    facts = compliant_with(tmp_path, "etc/environment",
                           'PATH="/usr/bin:/bin"\nhttps_proxy="http://alice:secret@proxy.example:3128/"\n')
    assert facts["update"]["proxies"] == [{
        "file": "/etc/environment", "line": 2, "setting": "https_proxy", "used_by": "session",
        "url": "http://proxy.example:3128", "scheme": "http", "host": "proxy.example", "port": 3128}]
    assert "secret" not in json.dumps(facts)


def test_a_malformed_proxy_is_an_error_naming_the_file_and_line(tmp_path):
    facts = compliant_with(tmp_path, "etc/apt/apt.conf.d/90proxy", 'Acquire::https::Proxy "http://proxy.example:31280000";\n')
    assert facts["update"]["proxies"] == []
    assert facts["errors"]["update.proxies"].startswith(
        "/etc/apt/apt.conf.d/90proxy line 1: Acquire::https::Proxy: malformed proxy: ")


def test_a_hosts_file_entry_and_a_malformed_proxy_are_both_reported(tmp_path):
    noncompliant(tmp_path)
    write(tmp_path, "etc/environment", "https_proxy=ftp://proxy.example\n")
    facts = desktop_facts.collect(str(tmp_path), platform="linux")
    check_document(facts)
    assert facts["update"]["hosts_entries"][0]["address"] == "0.0.0.0"
    assert "/etc/environment line 1: https_proxy: malformed proxy" in facts["errors"]["update.proxies"]


def test_unlocked_settings_are_unknown_with_reasons(tmp_path):
    compliant(tmp_path)
    os.remove(str(tmp_path / "etc/dconf/db/local.d/locks/hardening"))
    os.utime(str(tmp_path / "etc/dconf/db/local"), (time.time() + 20, time.time() + 20))
    facts = desktop_facts.collect(str(tmp_path), platform="linux")
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
    assert sig["installed"] is False and sig["installs"] == [] and sig["version"] is None
    assert facts["unknown_reasons"]["signal.version"] == "Signal Desktop is not installed"
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
    assert facts["errors"]["update.hosts_entries"] == "/etc/hosts: not a regular file"
    assert "signal.installed" in facts["unknown_reasons"]
    assert facts["errors"]["os.family"].startswith("/etc/os-release: not a regular file")
    assert facts["update"]["unattended_upgrades"]["installed"] is None
    assert facts["errors"]["update.unattended_upgrades.installed"] == "/var/lib/dpkg/status: not a regular file"


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
    assert facts["signal"]["installs"][0]["signature"] is None
    assert facts["signal"]["profiles"][0]["user"] == "alice"
    assert facts["signal"]["profiles"][0]["linked"] is False
    assert facts["screen_lock"]["enabled"] is None and facts["screen_lock"]["locked_by_admin"] is False
    assert "no configuration profile sets askForPassword for every user" in facts["unknown_reasons"]["screen_lock.enabled"]
    facts = desktop_facts.collect(str(tmp_path), platform="macos", codesign_outputs={
        "/Applications/Signal.app": "Identifier=org.whispersystems.signal-desktop\nTeamIdentifier=U68MSDN6DR\n"})
    assert facts["signal"]["installs"][0]["signature"]["team_id"] == "U68MSDN6DR"


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
    assert facts["signal"]["installs"] == [{
        "kind": "macos_app", "path": app, "version": "7.80.0", "bundle_id": "org.whispersystems.signal-desktop",
        "build_expires": None,
        "signature": {"signed": True, "verified": True, "team_id": "U68MSDN6DR", "identifier": "org.whispersystems.signal-desktop",
                      "authority": "Developer ID Application: Signal Messenger, LLC (U68MSDN6DR)"}}]
    source = "configuration profile: /Library/Managed Preferences/com.apple.screensaver.plist"
    assert facts["screen_lock"] == {"enabled": True, "idle_delay_seconds": 600, "lock_delay_seconds": 5,
                                    "locked_by_admin": True, "source": source}
    assert facts["lockscreen_notifications"] == {
        "hides_content": True, "source": "configuration profile: /Library/Managed Preferences/"
                                         "com.apple.notificationsettings.plist"}
    # A broken signature (codesign --verify failed) is reported as such, whatever -dv printed.
    facts = desktop_facts.collect(str(tmp_path), platform="macos", codesign_outputs={app: recorded},
                                  codesign_verified={app: False})
    assert facts["signal"]["installs"][0]["signature"]["verified"] is False


@pytest.mark.parametrize("platform", ["windows"])
def test_unsupported_platform_is_all_unknown(tmp_path, platform):
    facts = desktop_facts.collect(str(tmp_path), platform=platform)
    check_document(facts)
    assert facts["platform"] == "windows"
