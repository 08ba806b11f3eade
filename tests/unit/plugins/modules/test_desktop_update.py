# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""desktop_update's main(): check mode, diff, the key check before anything else, the community builds option.

The module works on '/'; here every file operation is pointed at a temporary tree instead.
"""
from __future__ import annotations

import json
import os

import pytest

from ansible.module_utils.testing import patch_module_args

from ansible_collections.hardening.signal.plugins.module_utils.desktop import community_removal
from ansible_collections.hardening.signal.plugins.module_utils.desktop import plan as planner
from ansible_collections.hardening.signal.plugins.modules import desktop_update

DATA = os.path.join(os.path.dirname(os.path.dirname(__file__)), "module_utils", "probes", "data")
KEY = os.path.join(DATA, "throwaway-pubkey.asc")
TEST_FINGERPRINT = "76780304C83C329E03F5D9CD5BF51F91147E5AAF"


class Host(object):
    def __init__(self, root, calls):
        self.root, self.calls = root, calls

    def __truediv__(self, rel):
        return self.root / rel


@pytest.fixture
def host(tmp_path, monkeypatch):
    """Run the module against tmp_path as its root."""
    real_build, real_plan = planner.build, community_removal.plan
    calls = []

    def build(root, *args, **kwargs):
        calls.append(root)
        return real_build(str(tmp_path), *args, **kwargs)
    monkeypatch.setattr(desktop_update.planner, "build", build)
    monkeypatch.setattr(desktop_update.community_removal, "plan", lambda root="/": real_plan(str(tmp_path)))
    monkeypatch.setattr(desktop_update, "_is_debian_family", lambda: True)
    monkeypatch.setattr(desktop_update._platform, "system", lambda: "Linux")
    monkeypatch.setattr(desktop_update._platform, "machine", lambda: "x86_64")
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc" / "passwd").write_text("root:x:0:0:root:/root:/bin/bash\n")
    return Host(tmp_path, calls)


def run(capsys, **args):
    with patch_module_args(args):
        with pytest.raises(SystemExit):
            desktop_update.main()
    return json.loads(capsys.readouterr().out)


def test_check_mode_reports_every_file_with_a_diff_and_writes_nothing(host, capsys):
    result = run(capsys, key_file=KEY, key_fingerprint=TEST_FINGERPRINT, _ansible_check_mode=True, _ansible_diff=True)
    assert result["changed"] is True and not result.get("failed")
    assert [f["action"] for f in result["files"]] == ["created"] * 4
    assert len(result["diff"]) == 4
    assert result["key"] == {"fingerprint": TEST_FINGERPRINT, "source": KEY}
    assert result["origin_pattern"] == "origin=. xenial,codename=xenial"
    assert not (host / "etc" / "apt").exists() and not (host / "usr").exists()


def test_wrong_fingerprint_fails_before_anything_is_planned(host, capsys):
    result = run(capsys, key_file=KEY)   # default fingerprint: Signal's, not the test key's
    assert result["failed"] is True
    assert "DBA36B5181D0C816F630E889D980A17457F6FB06" in result["msg"] and TEST_FINGERPRINT in result["msg"]
    assert host.calls == []
    assert not (host / "etc" / "apt").exists() and not (host / "usr").exists()


def test_unreachable_key_url_fails_clearly(host, capsys):
    # Port 9 on loopback: nothing listens, the connection is refused at once.
    result = run(capsys, key_url="http://127.0.0.1:9/keys.asc", timeout=5)
    assert result["failed"] is True and "cannot download key_url http://127.0.0.1:9/keys.asc" in result["msg"]
    assert host.calls == []


def test_real_run_then_second_run_unchanged(host, capsys, monkeypatch):
    monkeypatch.setattr("ansible.module_utils.basic.AnsibleModule.atomic_move",
                        lambda self, src, dest, unsafe_writes=False, keep_dest_attrs=True: os.rename(src, dest))
    first = run(capsys, key_file=KEY, key_fingerprint=TEST_FINGERPRINT)
    assert first["changed"] is True
    assert (host / "etc/apt/sources.list.d/signal-desktop.sources").exists()
    second = run(capsys, key_file=KEY, key_fingerprint=TEST_FINGERPRINT)
    assert second["changed"] is False
    assert [f["action"] for f in second["files"]] == ["unchanged"] * 4


def test_community_builds_are_listed_and_only_removed_when_asked(host, capsys):
    (host / "var/lib/flatpak/app/org.signal.Signal").mkdir(parents=True)
    kept = run(capsys, key_file=KEY, key_fingerprint=TEST_FINGERPRINT, _ansible_check_mode=True)
    assert kept["community_builds"][0]["action"] == "kept"
    asked = run(capsys, key_file=KEY, key_fingerprint=TEST_FINGERPRINT, remove_community_builds=True,
                _ansible_check_mode=True, _ansible_diff=True)
    build = asked["community_builds"][0]
    assert build["action"] == "would_remove" and "--delete-data" not in build["command"]
    assert asked["diff"][-1]["before_header"] == "community build"


def test_not_debian_fails_plainly(host, capsys, monkeypatch):
    monkeypatch.setattr(desktop_update, "_is_debian_family", lambda: False)
    result = run(capsys, key_file=KEY, key_fingerprint=TEST_FINGERPRINT)
    assert result["failed"] is True and "Debian and Ubuntu only" in result["msg"]
