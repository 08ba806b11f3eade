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


SIGNAL = 'Unattended-Upgrade::Origins-Pattern:: "origin=. xenial,codename=xenial";\n'
UU = "/etc/apt/apt.conf.d/50unattended-upgrades"


def test_origins_pattern_entries_with_file_line_and_fields(tmp_path):
    result = tree(tmp_path, SIGNAL)
    assert result["installed"] is True and result["timer_masked"] is False
    assert result["errors"] == {} and result["reasons"] == {}
    assert result["origins"] == [
        {"setting": "Unattended-Upgrade::Origins-Pattern", "entry": "origin=Debian,codename=${distro_codename},label=Debian",
         "file": UU, "line": 4, "fields": [{"key": "origin", "pattern": "Debian"}, {"key": "codename", "pattern": "bookworm"},
                                           {"key": "label", "pattern": "Debian"}]},
        {"setting": "Unattended-Upgrade::Origins-Pattern",
         "entry": "origin=Debian,codename=${distro_codename},label=Debian-Security", "file": UU, "line": 5,
         "fields": [{"key": "origin", "pattern": "Debian"}, {"key": "codename", "pattern": "bookworm"},
                    {"key": "label", "pattern": "Debian-Security"}]},
        {"setting": "Unattended-Upgrade::Origins-Pattern", "entry": "origin=. xenial,codename=xenial",
         "file": "/etc/apt/apt.conf.d/52signal", "line": 1,
         "fields": [{"key": "origin", "pattern": ". xenial"}, {"key": "codename", "pattern": "xenial"}]},
    ]


def test_periodic_settings_with_the_file_and_line_that_win(tmp_path):
    write(tmp_path, "etc/apt/apt.conf.d/99off", '// later\nAPT::Periodic::Unattended-Upgrade "0";\n')
    result = tree(tmp_path, SIGNAL)
    assert result["periodic"] == [{"name": "APT::Periodic::Unattended-Upgrade", "value": "0",
                                   "file": "/etc/apt/apt.conf.d/99off", "line": 2}]
    assert tree(tmp_path, SIGNAL, auto=None)["periodic"] == [{"name": "APT::Periodic::Unattended-Upgrade", "value": "0",
                                                              "file": "/etc/apt/apt.conf.d/99off", "line": 2}]


def test_unset_periodic_settings_are_not_reported(tmp_path):
    assert tree(tmp_path, SIGNAL, auto=None)["periodic"] == []


def test_allowed_origins_block_as_origin_and_archive(tmp_path):
    result = tree(tmp_path, 'Unattended-Upgrade {\n  Allowed-Origins {\n    ". xenial:xenial"; # note\n'
                            '    "${distro_id}:${distro_codename}-security";\n  };\n};\n')
    allowed = [o for o in result["origins"] if o["setting"] == "Unattended-Upgrade::Allowed-Origins"]
    assert [(o["entry"], o["line"], o["fields"]) for o in allowed] == [
        (". xenial:xenial", 3, [{"key": "origin", "pattern": ". xenial"}, {"key": "archive", "pattern": "xenial"}]),
        ("${distro_id}:${distro_codename}-security", 4,
         [{"key": "origin", "pattern": "Debian"}, {"key": "archive", "pattern": "bookworm-security"}]),
    ]


def test_commented_out_entries_are_not_reported(tmp_path):
    result = tree(tmp_path, '// Unattended-Upgrade::Origins-Pattern:: "origin=. xenial,codename=xenial";\n'
                            '/* Unattended-Upgrade::Origins-Pattern:: "origin=. xenial,codename=xenial"; */\n')
    assert [o["file"] for o in result["origins"]] == [UU, UU]


def test_an_entry_unattended_upgrades_rejects_has_no_fields_and_an_error(tmp_path):
    result = tree(tmp_path, 'Unattended-Upgrade::Origins-Pattern:: "flavour=stable";\n'
                            'Unattended-Upgrade::Allowed-Origins:: "no-colon-here";\n')
    assert [o["fields"] for o in result["origins"][2:]] == [None, None]
    assert result["errors"] == {
        "origins.2.fields": "/etc/apt/apt.conf.d/52signal line 1: Unattended-Upgrade::Origins-Pattern entry "
                            "'flavour=stable': unknown key 'flavour'",
        "origins.3.fields": "/etc/apt/apt.conf.d/52signal line 2: Unattended-Upgrade::Allowed-Origins entry "
                            "'no-colon-here': malformed Allowed-Origins entry 'no-colon-here'",
    }


def test_masked_timer(tmp_path):
    (tmp_path / "etc/systemd/system").mkdir(parents=True)
    os.symlink("/dev/null", str(tmp_path / "etc/systemd/system/apt-daily-upgrade.timer"))
    assert tree(tmp_path, SIGNAL)["timer_masked"] is True


def test_package_lists(tmp_path):
    result = tree(tmp_path, SIGNAL + 'Unattended-Upgrade::Package-Blacklist:: "signal-.*";\n'
                                     'Unattended-Upgrade::Package-Whitelist { "libc6$"; };\n')
    assert result["package_lists"] == [
        {"setting": "Unattended-Upgrade::Package-Blacklist", "entry": "signal-.*", "file": "/etc/apt/apt.conf.d/52signal",
         "line": 2},
        {"setting": "Unattended-Upgrade::Package-Whitelist", "entry": "libc6$", "file": "/etc/apt/apt.conf.d/52signal",
         "line": 3},
    ]


def test_clear_directive_drops_earlier_entries(tmp_path):
    write(tmp_path, "etc/apt/apt.conf.d/51signal", SIGNAL)
    result = tree(tmp_path, '#clear Unattended-Upgrade::Origins-Pattern;\n')
    assert result["origins"] == []


def test_not_installed(tmp_path):
    result = tree(tmp_path, SIGNAL, status="Package: other\nStatus: install ok installed\nVersion: 1\n")
    assert result["installed"] is False and result["reasons"] == {}
    assert len(result["origins"]) == 3  # the configuration is reported all the same


def test_no_dpkg_is_unknown(tmp_path):
    result = tree(tmp_path, status=None)
    assert result["installed"] is None and "no dpkg database" in result["reasons"]["installed"]


def test_syntax_error_is_an_error_on_every_list_naming_the_file(tmp_path):
    result = tree(tmp_path, 'Unattended-Upgrade::Origins-Pattern { "origin=. xenial,codename=xenial";\n')
    message = ("apt's configuration could not be fully read, so unattended-upgrades' settings may be missing: "
               "/etc/apt/apt.conf.d/52signal: block 'Unattended-Upgrade::Origins-Pattern' is not closed")
    assert result["errors"] == {"periodic": message, "origins": message, "package_lists": message}
    assert len(result["origins"]) == 2  # what the other files say is still reported


def test_apt_conf_file_selection(tmp_path):
    write(tmp_path, "etc/apt/apt.conf.d/60x.bak", 'A::B "bak";\n')
    write(tmp_path, "etc/apt/apt.conf.d/61y.conf", 'A::C "conf";\n')
    write(tmp_path, "etc/apt/apt.conf", 'a::c "main";\n')
    config, errors = apt_conf.read_config(str(tmp_path))
    assert errors == []
    assert config.value("A::B") is None
    assert config.value("A::C") == "main"  # apt.conf is read after the parts, keys ignore case


def test_apt_conf_keeps_the_line_of_each_value_and_list_item(tmp_path):
    config = apt_conf.AptConfig()
    config.feed('/* two\n   lines */ A::B "1";\n# comment\nL {\n  "x";\n\n  "y"; };\nM:: "z";\nC "multi\nline";\nD "after";\n',
                "/f")
    assert (config.value("A::B"), config.origin("A::B"), config.line("A::B")) == ("1", "/f", 2)
    assert config.entries("L") == [("x", "/f", 5), ("y", "/f", 7)]
    assert config.entries("M") == [("z", "/f", 8)]
    assert config.line("D") == 11
    assert config.line("nothing") is None and config.entries("nothing") == []


def test_apt_conf_clear_drops_the_places_too():
    config = apt_conf.AptConfig()
    config.feed('L:: "x";\n#clear L;\nL:: "y";\n', "/f")
    assert config.entries("L") == [("y", "/f", 3)]


def test_parse_pattern_reads_fields_as_unattended_upgrades_does():
    assert uu.parse_pattern(" o = . xenial , n = ${distro_codename} ", {"distro_codename": "bookworm"}) == [
        ("origin", ". xenial"), ("codename", "bookworm")]
    assert uu.parse_pattern("origin=a\\,b,l=x") == [("origin", "a,b"), ("label", "x")]
    assert uu.parse_pattern("   ") == []
    with pytest.raises(ValueError):
        uu.parse_pattern("origin")
