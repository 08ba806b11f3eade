# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Small host trees for the control fixtures (issue 12 §3), in the spirit of ComplianceAsCode's *.pass.sh and
*.fail.sh: a fixture case describes a host in a few lines of YAML, this module builds it under a temporary folder,
and the real probe reads it. The case then proves the whole check: what the probe reports and how the control
judges it.

A case's ``host`` (Linux and macOS are built as files; Windows is a recorded win_desktop_info document):

    platform: linux | macos | windows         (default: the control's first platform)
    packages: {name: version}                 installed packages in dpkg's status file
    signal_deb: {expires, installed_at, asar} /opt/Signal: app.asar with buildExpiration (ISO date-time), the
                                              postinst stamp; asar: "garbage" writes a broken archive
    sources: {file: text}                     apt source files (the text as written)
    keyrings: {path: test | garbage}          the throwaway test key (data/throwaway-pubkey.gpg) or junk
    lists: [{uri, suite, component, versions}] package lists apt downloaded (plain Packages files)
    profiles: {user: mode}                    ~/.config/Signal (or ~/Library/Application Support/Signal) with
                                              config.json and sql/db.sqlite; mode "symlink" makes it a symlink
    processes: [{pid, uid, started}]          running Signal Desktop main processes (/proc)
    appimages: [path]                         Signal AppImages
    flatpak: version                          a system-wide Flatpak build
    files: {path: text}                       anything else (hosts, apt.conf.d, dconf keyfiles...)
    plists: {path: dict}                      property lists (macOS configuration profiles)
    dirs: [path]                              folders (e.g. where a file is expected)
    fifos: [path]                             named pipes in place of files (never readable as files)
    links: {path: target}                     symbolic links (e.g. a systemd unit masked to /dev/null)
    modes: {path: mode}                       chmod after building
    dconf: {keyfile text}                     /etc/dconf/db/local.d/zz-test with every key locked, compiled
    apps: {path: {version, bundle_id, codesign, verified, expires}}  macOS Signal.app bundles; codesign names a
                                              recording in probes/data (signal, other-team, adhoc, unsigned) or
                                              "none" (not run)
    windows: recording name (compliant, noncompliant...) and ``patch``: {dotted.path: value}

The base of every Linux and macOS tree is a Debian 12 (or macOS 15) host with the users root and alice
(uid 1000), nothing of Signal, /proc with no Signal process, and an empty hosts file.
"""
from __future__ import annotations

import datetime
import json
import os
import plistlib
import time

from ansible_collections.hardening.signal.plugins.module_utils.probes import apt_lists, desktop_facts, windows_facts
from ansible_collections.hardening.signal.tests.molecule.apt_repo.build import build_asar
from ansible_collections.hardening.signal.tests.unit.plugins.module_utils.probes.conftest import appimage_bytes
from ansible_collections.hardening.signal.tests.unit.plugins.module_utils.probes.fake_host import DATA, TEST_FPR, TEST_KEYRING, write

BOOT = datetime.datetime(2026, 11, 1, tzinfo=datetime.timezone.utc)
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
USERS = {"root": (0, "/root"), "alice": (1000, "/home/alice")}
# Stands for the key that signs Signal's repository in cases that say so (org: {key_fingerprint: test-key}).
TEST_KEY = "test-key"


def _moment(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


def _epoch_ms(text):
    return int(_moment(text).timestamp() * 1000)


def signal_asar(expires=None, version="7.80.0"):
    """An app.asar as Signal's build writes it: package.json and config/local-production.json."""
    config = {"updatesEnabled": True}
    if expires is not None:
        config["buildExpiration"] = _epoch_ms(expires)
    return build_asar({
        "package.json": json.dumps({"name": "signal-desktop", "version": version}).encode(),
        "config/default.json": b'{"serverUrl": "https://chat.signal.org"}',
        "config/local-production.json": json.dumps(config).encode(),
        "node_modules/example/config/local-production.json": b'{"buildExpiration": 1}',
    })


def _linux_base(root):
    write(root, "etc/os-release", 'NAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\nID=debian\n')
    write(root, "etc/passwd", "".join("%s:x:%d:%d::%s:/bin/bash\n" % (name, uid, uid, home)
                                      for name, (uid, home) in USERS.items()))
    for _name, (_uid, home) in USERS.items():
        (root / home.lstrip("/")).mkdir(parents=True, exist_ok=True)
    write(root, "etc/hosts", "127.0.0.1 localhost\n")
    write(root, "proc/stat", "cpu  1 2 3 4\nbtime %d\n" % int(BOOT.timestamp()))
    write(root, "proc/mounts", "proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n")
    write(root, "var/lib/dpkg/status", "")


def _packages(root, packages):
    stanzas = ["Package: %s\nStatus: install ok installed\nVersion: %s\n" % item for item in packages.items()]
    write(root, "var/lib/dpkg/status", "\n".join(stanzas))


def _signal_deb(root, spec):
    spec = spec or {}
    if spec.get("asar") == "garbage":
        write(root, "opt/Signal/resources/app.asar", b"\x04\x00\x00\x00 this is not an archive")
    elif spec.get("asar") != "none":
        write(root, "opt/Signal/resources/app.asar", signal_asar(spec.get("expires")))
    if spec.get("installed_at"):
        stamp = write(root, "opt/Signal/.signal-postinst", "")
        moment = _moment(spec["installed_at"]).timestamp()
        os.utime(str(stamp), (moment, moment))


def _lists(root, lists):
    for item in lists:
        prefix = apt_lists.index_prefixes(item["uri"], item.get("suite", "xenial"), [item.get("component", "main")])[0]
        text = "".join("Package: signal-desktop\nVersion: %s\nArchitecture: amd64\n\n" % v for v in item["versions"])
        write(root, "var/lib/apt/lists/%sbinary-amd64_Packages" % prefix, text)


def _profiles(root, profiles, platform):
    rel = "Library/Application Support/Signal" if platform == "macos" else ".config/Signal"
    for user, mode in profiles.items():
        home = ("/Users/%s" % user) if platform == "macos" else USERS[user][1]
        folder = root / home.lstrip("/") / rel
        if mode == "symlink":
            target = root / "srv/shared-signal"
            target.mkdir(parents=True, exist_ok=True)
            folder.parent.mkdir(parents=True, exist_ok=True)
            os.symlink(str(target), str(folder))
            continue
        write(root, "%s/%s/config.json" % (home, rel), '{"encryptedKey": "00ff"}', 0o600)
        write(root, "%s/%s/sql/db.sqlite" % (home, rel), b"SQLite format 3\x00", 0o600)
        os.chmod(str(folder), int(mode, 8))


def _processes(root, processes):
    for proc in processes:
        ticks = int((_moment(proc["started"]) - BOOT).total_seconds()) * CLOCK_TICKS
        fields = ["S", "1"] + ["0"] * 17 + [str(ticks), "0"]
        write(root, "proc/%d/stat" % proc["pid"], "%d (signal-desktop) %s\n" % (proc["pid"], " ".join(fields)))
        write(root, "proc/%d/status" % proc["pid"], "Name:\tsignal-desktop\nUid:\t%d\t%d\t%d\t%d\n" % ((proc["uid"],) * 4))


def _dconf(root, keyfile):
    keys = []
    section = None
    for line in keyfile.splitlines():
        if line.startswith("["):
            section = line.strip("[]")
        elif "=" in line:
            keys.append("/%s/%s" % (section, line.split("=", 1)[0].strip()))
    write(root, "usr/bin/gnome-shell", "")
    write(root, "etc/dconf/profile/user", "user-db:user\nsystem-db:local\n")
    write(root, "etc/dconf/db/local.d/zz-test", keyfile)
    write(root, "etc/dconf/db/local.d/locks/zz-test", "".join(k + "\n" for k in keys))
    compiled = write(root, "etc/dconf/db/local", "GVariant")
    future = time.time() + 10
    os.utime(str(compiled), (future, future))


def _codesign(name):
    with open(os.path.join(DATA, "codesign-%s.txt" % name), encoding="utf-8") as handle:
        return handle.read()


def _apps(root, apps, users):
    outputs, verified = {}, {}
    for path, spec in apps.items():
        info = {"CFBundleShortVersionString": spec.get("version", "7.80.0"),
                "CFBundleIdentifier": spec.get("bundle_id", "org.whispersystems.signal-desktop")}
        write(root, path + "/Contents/Info.plist", plistlib.dumps(info))
        if spec.get("expires") != "none":
            write(root, path + "/Contents/Resources/app.asar", signal_asar(spec.get("expires")))
        if spec.get("codesign", "signal") != "none":
            outputs[path] = _codesign(spec.get("codesign", "signal"))
            verified[path] = spec.get("verified", True)
    for user in users:
        (root / "Users" / user).mkdir(parents=True, exist_ok=True)
    return outputs, verified


def _windows(spec):
    with open(os.path.join(DATA, "windows_%s.json" % spec.get("windows", "compliant")), encoding="utf-8") as handle:
        raw = json.load(handle)["windows_raw"]
    for path, value in (spec.get("patch") or {}).items():
        node = raw
        keys = path.split(".")
        for key in keys[:-1]:
            node = node[int(key)] if isinstance(node, list) else node[key]
        if isinstance(node, list):
            node[int(keys[-1])] = value
        else:
            node[keys[-1]] = value
    return windows_facts.facts_from_raw(raw)


def host_facts(spec, root, platform, org):
    """The facts document the real probe reports for the host ``spec`` describes (built under ``root``)."""
    platform = spec.get("platform", platform)
    if platform == "windows":
        return _windows(spec)
    codesign_outputs = codesign_verified = None
    if platform == "macos":
        write(root, "System/Library/CoreServices/SystemVersion.plist",
              plistlib.dumps({"ProductName": "macOS", "ProductVersion": "15.1"}))
        codesign_outputs, codesign_verified = _apps(root, spec.get("apps") or {}, list((spec.get("profiles") or {})))
        _profiles(root, spec.get("profiles") or {}, platform)
    else:
        _linux_base(root)
        if spec.get("packages"):
            _packages(root, spec["packages"])
        if "signal-desktop" in (spec.get("packages") or {}):
            _signal_deb(root, spec.get("signal_deb"))
        _lists(root, spec.get("lists") or ())
        _profiles(root, spec.get("profiles") or {}, platform)
        _processes(root, spec.get("processes") or ())
        for path in spec.get("appimages") or ():
            write(root, path, appimage_bytes())
        if spec.get("flatpak"):
            write(root, "var/lib/flatpak/app/org.signal.Signal/current/active/files/share/metainfo/"
                        "org.signal.Signal.metainfo.xml",
                  '<component><releases><release version="%s"/></releases></component>' % spec["flatpak"])
        if spec.get("dconf"):
            _dconf(root, spec["dconf"])
    for path in spec.get("dirs") or ():
        (root / path.lstrip("/")).mkdir(parents=True, exist_ok=True)
    for path, text in (spec.get("sources") or {}).items():
        write(root, path, text)
    for path, content in (spec.get("plists") or {}).items():
        write(root, path, plistlib.dumps(content))
    for path, kind in (spec.get("keyrings") or {}).items():
        write(root, path, TEST_KEYRING if kind == "test" else b"\x99\x00garbage")
    for path, text in (spec.get("files") or {}).items():
        write(root, path, text)
    for path in spec.get("fifos") or ():
        target = root / path.lstrip("/")
        if target.exists():
            target.unlink()
        target.parent.mkdir(parents=True, exist_ok=True)
        os.mkfifo(str(target))
    for path, target in (spec.get("links") or {}).items():
        link = root / path.lstrip("/")
        link.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target, str(link))
    for path, mode in (spec.get("modes") or {}).items():
        os.chmod(str(root / path.lstrip("/")), int(mode, 8))
    return desktop_facts.collect(str(root), platform=platform, apt_repo_url=org["apt_repo_url"],
                                 apt_suite=org["apt_suite"], codesign_outputs=codesign_outputs,
                                 codesign_verified=codesign_verified)


def org_values(org):
    """A case's organisation values, with test-key standing for the throwaway key's fingerprint."""
    return {key: TEST_FPR if value == TEST_KEY else value for key, value in org.items()}


CONTROLS_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))),
                            "roles", "signal_hardening", "controls")
ORG_DEFAULTS = {"screen_lock_timeout_minutes": 5, "disappearing_messages_timer_days": 7, "reboot_interval_hours": 24,
                "max_minor_versions_behind": 2, "require_signal_on_phones": False}
NOW = datetime.datetime(2026, 11, 26, 12, tzinfo=datetime.timezone.utc)


def judge_facts(facts, control_id, org=None, context=None, now=NOW):
    """The result of one control on a workstation's facts, judged as a run judges it: the catalogue's values with
    the organisation's own over them (org may say test-key for the throwaway key)."""
    from ansible_collections.hardening.signal.plugins.module_utils.catalog.load import load_catalog, load_values, values_with_org
    from ansible_collections.hardening.signal.plugins.module_utils.engine.evaluate import Evaluator

    control = [c for c in load_catalog(CONTROLS_DIR) if c["id"] == control_id]
    values = values_with_org(load_values(CONTROLS_DIR), dict(ORG_DEFAULTS, **org_values(org or {})))
    subject = {"id": "host", "kind": "workstation", "platform": facts["platform"], "owner": None,
               "source": {"type": "ansible", "name": "desktop_info"}, "state": "ok", "facts": facts}
    return Evaluator(control, values, context=context, now=now).evaluate(subject)[0]
