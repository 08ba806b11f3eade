# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The hosts-file entries that name updates.signal.org: reported with file, line and address, never judged here."""
from __future__ import annotations

import pytest

from ansible_collections.hardening.signal.plugins.module_utils.probes import hosts_file

BASE = "127.0.0.1 localhost\n::1 localhost ip6-localhost\n"


def probe(tmp_path, text):
    (tmp_path / "etc").mkdir(exist_ok=True)
    (tmp_path / "etc/hosts").write_text(text)
    return hosts_file.probe(str(tmp_path))


@pytest.mark.parametrize("line, address", [
    ("0.0.0.0 updates.signal.org", "0.0.0.0"),
    ("127.0.0.1\tfoo updates.signal.org bar", "127.0.0.1"),
    ("127.1.2.3 UPDATES.SIGNAL.ORG.", "127.1.2.3"),
    (":: updates.signal.org", "::"),
    ("::ffff:127.0.0.1 updates.signal.org", "::ffff:127.0.0.1"),
    ("fe80::1%eth0 updates.signal.org", "fe80::1%eth0"),
    ("192.0.2.10 updates.signal.org # a mirror", "192.0.2.10"),
])
def test_each_entry_naming_the_host_is_reported_with_its_line(tmp_path, line, address):
    result = probe(tmp_path, BASE + line + "\n")
    assert result == {"entries": [{"file": "/etc/hosts", "line": 3, "host": "updates.signal.org", "address": address}],
                      "error": None}


def test_no_mapping_and_other_signal_hosts_are_not_reported(tmp_path):
    assert probe(tmp_path, BASE + "0.0.0.0 signal.org chat.signal.org\n") == {"entries": [], "error": None}


def test_commented_mappings_and_lines_without_an_address_are_left_out(tmp_path):
    # The resolver skips a line whose first field is not an IP address, as it skips comments.
    assert probe(tmp_path, BASE + "# 0.0.0.0 updates.signal.org\n"
                                  "10.0.0.1 host # updates.signal.org\n"
                                  "blocked updates.signal.org\n")["entries"] == []


def test_every_entry_is_reported_in_file_order(tmp_path):
    result = probe(tmp_path, "192.0.2.10 updates.signal.org\n\n0.0.0.0 updates.signal.org\n")
    assert [(e["line"], e["address"]) for e in result["entries"]] == [(1, "192.0.2.10"), (3, "0.0.0.0")]


def test_missing_and_unreadable_hosts_file(tmp_path):
    assert hosts_file.probe(str(tmp_path)) == {"entries": [], "error": None}
    (tmp_path / "etc/hosts").mkdir(parents=True)
    assert hosts_file.probe(str(tmp_path)) == {"entries": None, "error": "/etc/hosts: not a regular file"}


def test_lines_of_a_partial_text_keep_the_numbers_given():
    """Windows: win_desktop_info returns the matching lines and their line numbers."""
    found = hosts_file.entries("# note signal.org\n0.0.0.0 updates.signal.org", path="C:/hosts", line_numbers=[7, 22])
    assert found == [{"file": "C:/hosts", "line": 22, "host": "updates.signal.org", "address": "0.0.0.0"}]
    assert hosts_file.entries("0.0.0.0 updates.signal.org", line_numbers=[])[0]["line"] is None
