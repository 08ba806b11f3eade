# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Signal userData folders: privacy, linked state, and never the key."""
from __future__ import annotations

import json
import os

from ansible_collections.hardening.signal.plugins.module_utils.probes import desktop_facts, profiles
from ansible_collections.hardening.signal.tests.unit.plugins.module_utils.probes.fake_host import write

SECRET = "c0ffee5ecret0123456789abcdefdeadbeefcafef00d0123456789abcdef0123"
PASSWD = """\
root:x:0:0:root:/root:/bin/bash
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
alice:x:1000:1000:Alice:/home/alice:/bin/bash
bob:x:1001:1001:Bob:/home/bob/:/bin/bash
carol:x:1002:1002:Carol:/home/carol:/bin/bash
odd1:x:1003:1003::relative/home:/bin/sh
odd2:x:1004:1004::/:/bin/sh
odd3:x:1005:1005::/home/../etc:/bin/sh
alias:x:1006:1006::/home/alice:/bin/sh
broken line without fields
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
"""


def userdata(tmp_path, home, mode=0o700, config=None, db=True, rel=".config/Signal"):
    base = tmp_path / home.lstrip("/") / rel
    base.mkdir(parents=True, exist_ok=True)
    os.chmod(str(base), mode)
    if config is not None:
        write(tmp_path, "%s/%s/config.json" % (home, rel), config, 0o600)
    if db:
        write(tmp_path, "%s/%s/sql/db.sqlite" % (home, rel), b"SQLite format 3\x00" + b"\x00" * 64, 0o600)
    return base


def users_tree(tmp_path):
    write(tmp_path, "etc/passwd", PASSWD)
    for home in ("root", "home/alice", "home/bob", "home/carol", "usr/sbin"):
        (tmp_path / home).mkdir(parents=True, exist_ok=True)


def by_user(items):
    return {p["user"]: (p, u, e) for p, u, e in items}


def test_local_users_skip_odd_homes_and_duplicates(tmp_path):
    users_tree(tmp_path)
    users, errors = profiles.local_users(str(tmp_path))
    assert errors == []
    assert [(u["user"], u["home"]) for u in users] == [
        ("root", "/root"), ("daemon", "/usr/sbin"), ("alice", "/home/alice"),
        ("bob", "/home/bob"), ("carol", "/home/carol")]


def test_missing_passwd_is_an_error_not_an_exception(tmp_path):
    users, errors = profiles.local_users(str(tmp_path))
    assert users == [] and errors == ["/etc/passwd: does not exist"]


def test_closed_linked_profile(tmp_path):
    users_tree(tmp_path)
    userdata(tmp_path, "/home/alice", config=json.dumps({"encryptedKey": "00ff", "safeStorageBackend": "gnome_libsecret"}))
    profile, unknown, errors = by_user(profiles.probe(str(tmp_path))[0])["alice"]
    assert profile == {"user": "alice", "path": "/home/alice/.config/Signal", "linked": True, "mode": "0700"}
    assert unknown == {} and errors == {}


def test_too_open_profile_and_unlinked(tmp_path):
    users_tree(tmp_path)
    userdata(tmp_path, "/home/bob", mode=0o755, config="{}", db=True)
    profile, _u, _e = by_user(profiles.probe(str(tmp_path))[0])["bob"]
    assert profile["mode"] == "0755"
    assert profile["linked"] is False  # no key in config.json


def test_the_group_bit_is_in_the_mode(tmp_path):
    users_tree(tmp_path)
    userdata(tmp_path, "/home/bob", mode=0o710, config='{"key": "x"}', db=False)
    profile, _u, _e = by_user(profiles.probe(str(tmp_path))[0])["bob"]
    assert profile["mode"] == "0710" and profile["linked"] is False  # no database


def test_corrupted_config_json(tmp_path):
    users_tree(tmp_path)
    userdata(tmp_path, "/home/carol", config='{"key": "%s", ' % SECRET)
    profile, unknown, errors = by_user(profiles.probe(str(tmp_path))[0])["carol"]
    assert profile["linked"] is None
    assert errors["linked"].startswith("/home/carol/.config/Signal/config.json: not valid JSON")
    assert SECRET not in json.dumps([profile, unknown, errors])


def test_symlinked_userdata_is_not_followed(tmp_path):
    users_tree(tmp_path)
    target = userdata(tmp_path, "/srv/elsewhere", config='{"key": "x"}')
    (tmp_path / "home/alice/.config").mkdir(parents=True)
    os.symlink(str(target), str(tmp_path / "home/alice/.config/Signal"))
    profile, unknown, _e = by_user(profiles.probe(str(tmp_path))[0])["alice"]
    assert profile["mode"] is None and profile["linked"] is None
    assert "symlink" in unknown["mode"]


def test_symlinked_config_json_is_not_read(tmp_path):
    users_tree(tmp_path)
    base = userdata(tmp_path, "/home/alice")
    write(tmp_path, "etc/shadow", '{"key": "root-only"}', 0o600)
    os.symlink(str(tmp_path / "etc/shadow"), str(base / "config.json"))
    profile, unknown, _e = by_user(profiles.probe(str(tmp_path))[0])["alice"]
    assert profile["linked"] is None and "symlink" in unknown["linked"]
    assert profile["mode"] == "0700"


def test_flatpak_and_snap_userdata_locations(tmp_path):
    users_tree(tmp_path)
    userdata(tmp_path, "/home/alice", rel=".var/app/org.signal.Signal/config/Signal", config='{"key": "k"}')
    userdata(tmp_path, "/home/bob", rel="snap/signal-desktop/current/.config/Signal", mode=0o750)
    items = profiles.probe(str(tmp_path))[0]
    paths = sorted(p["path"] for p, _u, _e in items)
    assert paths == ["/home/alice/.var/app/org.signal.Signal/config/Signal",
                     "/home/bob/snap/signal-desktop/current/.config/Signal"]


def test_key_never_appears_in_the_facts_document(tmp_path):
    users_tree(tmp_path)
    write(tmp_path, "var/lib/dpkg/status",
          "Package: signal-desktop\nStatus: install ok installed\nVersion: 7.40.0\n")
    userdata(tmp_path, "/home/alice", config=json.dumps({"key": SECRET, "mediaPermissions": True}))
    userdata(tmp_path, "/home/bob", config=json.dumps({"encryptedKey": SECRET}), mode=0o755)
    userdata(tmp_path, "/home/carol", config='{"key": "%s"' % SECRET)  # corrupted
    facts = desktop_facts.collect(str(tmp_path), platform="linux")
    dumped = json.dumps(facts)
    assert SECRET not in dumped
    assert SECRET[:16] not in dumped
    linked = {p["user"]: p["linked"] for p in facts["signal"]["profiles"]}
    assert linked == {"alice": True, "bob": True, "carol": None}
    assert {p["user"]: p["mode"] for p in facts["signal"]["profiles"]}["bob"] == "0755"
    assert "signal.profiles.2.linked" in facts["errors"]
