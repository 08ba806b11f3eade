# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""unattended-upgrades: enabled, and its origin patterns cover Signal's repo."""
from __future__ import annotations

import os

import pytest

from ansible_collections.hardening.signal.plugins.module_utils.probes import apt_conf, unattended_upgrades as uu
from ansible_collections.hardening.signal.tests.unit.plugins.module_utils.probes.fake_host import write

STATUS = "Package: unattended-upgrades\nStatus: install ok installed\nVersion: 2.9.1+nmu3\n"
AUTO = 'APT::Periodic::Update-Package-Lists "1";\nAPT::Periodic::Unattended-Upgrade "1";\n'
DEBIAN_UU = """\
// Debian's stock file, shortened
Unattended-Upgrade::Origins-Pattern {
        // Codename based matching:
        "origin=Debian,codename=${distro_codename},label=Debian";
        "origin=Debian,codename=${distro_codename},label=Debian-Security";
//      "o=Debian Backports,n=${distro_codename}-backports,l=Debian Backports";
};
/* Unattended-Upgrade::Mail "";
   spans lines */
Unattended-Upgrade::Package-Blacklist {
    // "libc6$";
};
"""
OS_RELEASE = {"ID": "debian", "NAME": "Debian GNU/Linux", "VERSION_CODENAME": "bookworm"}
ORIGIN = uu.signal_origin()


def tree(tmp_path, extra=None, auto=AUTO, status=STATUS):
    if status is not None:
        write(tmp_path, "var/lib/dpkg/status", status)
    if auto is not None:
        write(tmp_path, "etc/apt/apt.conf.d/20auto-upgrades", auto)
    write(tmp_path, "etc/apt/apt.conf.d/50unattended-upgrades", DEBIAN_UU)
    if extra is not None:
        write(tmp_path, "etc/apt/apt.conf.d/52signal", extra)
    return uu.probe(str(tmp_path), os_release=OS_RELEASE)


@pytest.mark.parametrize("pattern", [
    "origin=. xenial,codename=xenial",
    "o=. xenial,n=xenial",
    "origin=. xenial,label=. xenial,archive=xenial,component=main,site=updates.signal.org",
    "origin=*xenial",
    "site=updates.signal.org",
    " origin = . xenial , codename = xenial ",
])
def test_matching_patterns(pattern):
    assert uu.match_pattern(pattern, ORIGIN) is True


@pytest.mark.parametrize("pattern", [
    "origin=Debian,codename=${distro_codename},label=Debian",
    "origin=. xenial,codename=bionic",
    "origin=.xenial",
    "origin=. Xenial",
    "",
    "origin=${distro_id},codename=xenial",
])
def test_non_matching_patterns(pattern):
    variables = {"distro_id": "Debian", "distro_codename": "bookworm"}
    assert uu.match_pattern(pattern, ORIGIN, variables) is False


def test_unknown_key_is_an_error():
    with pytest.raises(ValueError):
        uu.match_pattern("flavour=xenial", ORIGIN)


def test_allowed_origins_form_is_converted_like_unattended_upgrades():
    assert uu.allowed_origin_to_pattern(". xenial:xenial") == "o=. xenial,a=xenial"
    assert uu.match_pattern(uu.allowed_origin_to_pattern(". xenial:xenial"), ORIGIN)
    assert not uu.match_pattern(uu.allowed_origin_to_pattern("${distro_id}:${distro_codename}-security"),
                                ORIGIN, {"distro_id": "Debian", "distro_codename": "bookworm"})


def test_covered_with_origins_pattern(tmp_path):
    result = tree(tmp_path, 'Unattended-Upgrade::Origins-Pattern:: "origin=. xenial,codename=xenial";\n')
    assert result["covers_signal"] is True, result
    assert result["matched_by"].endswith("origin=. xenial,codename=xenial")


def test_covered_with_allowed_origins_block(tmp_path):
    result = tree(tmp_path, 'Unattended-Upgrade {\n  Allowed-Origins {\n    ". xenial:xenial"; # note\n  };\n};\n')
    assert result["covers_signal"] is True


def test_stock_debian_config_does_not_cover_signal(tmp_path):
    result = tree(tmp_path)
    assert result["covers_signal"] is False
    assert result["origin_matched"] is False
    assert "origin=. xenial,codename=xenial" in result["reason"]


def test_commented_out_entry_does_not_count(tmp_path):
    result = tree(tmp_path, '// Unattended-Upgrade::Origins-Pattern:: "origin=. xenial,codename=xenial";\n'
                            '/* Unattended-Upgrade::Origins-Pattern:: "origin=. xenial,codename=xenial"; */\n')
    assert result["covers_signal"] is False


def test_disabled_periodic_run(tmp_path):
    result = tree(tmp_path, 'Unattended-Upgrade::Origins-Pattern:: "origin=. xenial,codename=xenial";\n',
                  auto='APT::Periodic::Unattended-Upgrade "0";\n')
    assert result["enabled"] is False and result["covers_signal"] is False


def test_later_file_overrides_enable(tmp_path):
    write(tmp_path, "etc/apt/apt.conf.d/99off", 'APT::Periodic::Unattended-Upgrade "0";\n')
    result = tree(tmp_path, 'Unattended-Upgrade::Origins-Pattern:: "origin=. xenial,codename=xenial";\n')
    assert result["enabled"] is False


def test_masked_timer(tmp_path):
    (tmp_path / "etc/systemd/system").mkdir(parents=True)
    os.symlink("/dev/null", str(tmp_path / "etc/systemd/system/apt-daily-upgrade.timer"))
    result = tree(tmp_path, 'Unattended-Upgrade::Origins-Pattern:: "origin=. xenial,codename=xenial";\n')
    assert result["covers_signal"] is False and "masked" in result["reason"]


def test_blacklisted_package(tmp_path):
    result = tree(tmp_path, 'Unattended-Upgrade::Origins-Pattern:: "origin=. xenial,codename=xenial";\n'
                            'Unattended-Upgrade::Package-Blacklist:: "signal-.*";\n')
    assert result["covers_signal"] is False and result["package_allowed"] is False


def test_clear_directive_drops_earlier_entries(tmp_path):
    write(tmp_path, "etc/apt/apt.conf.d/51signal",
          'Unattended-Upgrade::Origins-Pattern:: "origin=. xenial,codename=xenial";\n')
    result = tree(tmp_path, '#clear Unattended-Upgrade::Origins-Pattern;\n')
    assert result["covers_signal"] is False


def test_not_installed(tmp_path):
    result = tree(tmp_path, status="Package: other\nStatus: install ok installed\nVersion: 1\n")
    assert result["covers_signal"] is False and result["reason"] == "unattended-upgrades is not installed"


def test_no_dpkg_is_unknown(tmp_path):
    result = tree(tmp_path, status=None)
    assert result["covers_signal"] is None and "no dpkg database" in result["reason"]


def test_syntax_error_makes_it_unknown_and_names_the_file(tmp_path):
    result = tree(tmp_path, 'Unattended-Upgrade::Origins-Pattern { "origin=. xenial,codename=xenial";\n')
    assert result["covers_signal"] is None
    assert result["errors"] == ["/etc/apt/apt.conf.d/52signal: block 'Unattended-Upgrade::Origins-Pattern' is not closed"]


def test_apt_conf_file_selection(tmp_path):
    write(tmp_path, "etc/apt/apt.conf.d/60x.bak", 'A::B "bak";\n')
    write(tmp_path, "etc/apt/apt.conf.d/61y.conf", 'A::C "conf";\n')
    write(tmp_path, "etc/apt/apt.conf", 'a::c "main";\n')
    config, errors = apt_conf.read_config(str(tmp_path))
    assert errors == []
    assert config.value("A::B") is None
    assert config.value("A::C") == "main"  # apt.conf is read after the parts, keys ignore case
