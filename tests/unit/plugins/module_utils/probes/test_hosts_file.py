# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Blocking of updates.signal.org in /etc/hosts."""
from __future__ import annotations

import pytest

from ansible_collections.hardening.signal.plugins.module_utils.probes import hosts_file

BASE = "127.0.0.1 localhost\n::1 localhost ip6-localhost\n"


def probe(tmp_path, text):
    (tmp_path / "etc").mkdir(exist_ok=True)
    (tmp_path / "etc/hosts").write_text(text)
    return hosts_file.probe(str(tmp_path))


@pytest.mark.parametrize("line", [
    "0.0.0.0 updates.signal.org",
    "127.0.0.1\tfoo updates.signal.org bar",
    "127.1.2.3 UPDATES.SIGNAL.ORG.",
    "::1 updates.signal.org",
    ":: updates.signal.org",
    "::ffff:127.0.0.1 updates.signal.org",
])
def test_sink_mappings_block(tmp_path, line):
    result = probe(tmp_path, BASE + line + "\n")
    assert result["blocked"] is True


def test_no_mapping_is_not_blocked(tmp_path):
    assert probe(tmp_path, BASE + "0.0.0.0 signal.org chat.signal.org\n")["blocked"] is False


def test_commented_mapping_is_ignored(tmp_path):
    assert probe(tmp_path, BASE + "# 0.0.0.0 updates.signal.org\n"
                                  "10.0.0.1 host # updates.signal.org\n")["blocked"] is False


def test_other_address_is_reported_not_judged(tmp_path):
    result = probe(tmp_path, BASE + "192.0.2.10 updates.signal.org\n")
    assert result["blocked"] is None
    assert result["address"] == "192.0.2.10" and "192.0.2.10" in result["reason"]


def test_first_mapping_wins(tmp_path):
    assert probe(tmp_path, "192.0.2.10 updates.signal.org\n0.0.0.0 updates.signal.org\n")["blocked"] is None
    assert probe(tmp_path, "0.0.0.0 updates.signal.org\n192.0.2.10 updates.signal.org\n")["blocked"] is True


def test_missing_and_unreadable_hosts_file(tmp_path):
    assert hosts_file.probe(str(tmp_path))["blocked"] is False
    (tmp_path / "etc/hosts").mkdir(parents=True)
    result = hosts_file.probe(str(tmp_path))
    assert result["blocked"] is None and result["error"] == "/etc/hosts: not a regular file"
