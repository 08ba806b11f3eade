# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""dpkg status parsing and Debian version ordering."""
from __future__ import annotations

from ansible_collections.hardening.signal.plugins.module_utils.probes import dpkg
from ansible_collections.hardening.signal.tests.unit.plugins.module_utils.probes.fake_host import write

STATUS = """\
Package: signal-desktop
Status: install ok installed
Priority: optional
Architecture: amd64
Version: 7.40.0
Description: Private messaging from your desktop
 Continuation line of the description.
 .
 Another paragraph.

Package: removed-thing
Status: deinstall ok config-files
Version: 1.0

Package: unattended-upgrades
Status: install ok installed
Version: 2.9.1+nmu3
Architecture: all

Package: half
Status: install reinstreq half-installed
Version: 0.1
"""


def test_parse_status_keeps_only_installed_packages():
    pkgs = dpkg.parse_status(STATUS)
    assert set(pkgs) == {"signal-desktop", "unattended-upgrades"}
    assert pkgs["signal-desktop"]["version"] == "7.40.0"
    assert pkgs["unattended-upgrades"]["version"] == "2.9.1+nmu3"


def test_parse_stanzas_joins_continuation_lines():
    stanza = dpkg.parse_stanzas(STATUS)[0]
    assert stanza["description"].split("\n")[1] == "Continuation line of the description."


def test_package_info_from_tree(tmp_path):
    write(tmp_path, "var/lib/dpkg/status", STATUS)
    info = dpkg.package_info(str(tmp_path), "signal-desktop")
    assert info == {"installed": True, "version": "7.40.0", "reason": None, "error": None}
    assert dpkg.package_info(str(tmp_path), "removed-thing")["installed"] is False


TRICKY = """\
Status: install ok installed
Package: signal-desktop
Version: 7.1.0
Architecture: amd64

Package: signal-desktop-beta
Status: install ok installed
Version: 9.9.9
Depends: signal-desktop (>= 7.1.0)
Description: mentions
 Package: signal-desktop
\t
Package: signal-desktop
Status: deinstall ok config-files
Version: 6.0.0
"""


def test_installed_entry_finds_the_stanza_wherever_package_stands():
    # Package after Status, a look-alike package, the name in another field, a continuation line that reads
    # like a field, a whitespace-only separator and a removed copy: only the installed signal-desktop counts.
    assert dpkg.installed_entry(TRICKY, "signal-desktop") == dpkg.parse_status(TRICKY)["signal-desktop"]
    assert dpkg.installed_entry(TRICKY, "signal-desktop")["version"] == "7.1.0"
    assert dpkg.installed_entry(TRICKY, "unattended-upgrades") is None


def test_installed_entry_agrees_with_the_full_parse_on_this_machine():
    # The real status file of the machine the tests run on (Debian: thousands of stanzas).
    with open(dpkg.STATUS_PATH, encoding="utf-8") as handle:
        text = handle.read()
    full = dpkg.parse_status(text)
    assert len(full) > 50
    for name in list(full)[::7] + ["signal-desktop", "no-such-package"]:
        assert dpkg.installed_entry(text, name) == full.get(name), name


def test_missing_dpkg_database_is_unknown_with_reason(tmp_path):
    info = dpkg.package_info(str(tmp_path), "signal-desktop")
    assert info["installed"] is None
    assert "no dpkg database" in info["reason"]
    assert info["error"] is None


def test_unreadable_status_is_an_error_naming_the_file(tmp_path):
    (tmp_path / "var/lib/dpkg/status").mkdir(parents=True)  # a directory, not a file
    info = dpkg.package_info(str(tmp_path), "signal-desktop")
    assert info["installed"] is None
    assert info["error"].startswith("/var/lib/dpkg/status:")


def test_compare_versions_follows_dpkg_rules():
    cmp = dpkg.compare_versions
    assert cmp("7.40.0", "7.100.0") < 0
    assert cmp("1.0~rc1", "1.0") < 0
    assert cmp("1:0.1", "2.0") > 0
    assert cmp("1.0-1", "1.0-2") < 0
    assert cmp("1.0a", "1.0+") < 0  # letters sort before non-letters
    assert cmp("7.40.0", "7.40.0") == 0
    assert cmp("007.40", "7.40") == 0
