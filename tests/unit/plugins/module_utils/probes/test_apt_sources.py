# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""apt sources: one-line and deb822 files, Signed-By keyrings."""
from __future__ import annotations

import gzip
import os

from ansible_collections.hardening.signal.plugins.module_utils.probes import apt_sources
from ansible_collections.hardening.signal.tests.unit.plugins.module_utils.probes.fake_host import DATA, KEYRING, TEST_FPR, TEST_KEYRING, URL, write


def install_keyring(tmp_path, rel=KEYRING):
    write(tmp_path, rel, TEST_KEYRING)


def source(tmp_path, fingerprint=TEST_FPR):
    return apt_sources.signal_source(str(tmp_path), fingerprint=fingerprint)


def test_one_line_parsing_with_options_and_comments():
    text = ("# comment line\n"
            "deb [arch=amd64 signed-by=%s] %s xenial main  # trailing\n"
            "deb-src http://deb.debian.org/debian bookworm main\n"
            "deb\n" % (KEYRING, URL))
    entries, errors = apt_sources.parse_one_line(text, "/etc/apt/sources.list.d/x.list")
    assert len(entries) == 2
    assert entries[0]["options"] == {"arch": "amd64", "signed-by": KEYRING}
    assert entries[0]["uris"] == [URL] and entries[0]["suites"] == ["xenial"]
    assert entries[0]["components"] == ["main"] and entries[0]["line"] == 2
    assert errors == ["/etc/apt/sources.list.d/x.list:4: not a valid sources.list line"]


def test_deb822_parsing_with_several_stanzas():
    text = ("# Signal\n"
            "Types: deb\n"
            "URIs: %s\n"
            "Suites: xenial\n"
            "Components: main\n"
            "Signed-By: %s\n"
            "\n"
            "Types: deb deb-src\n"
            "URIs: http://deb.debian.org/debian\n"
            "Suites: bookworm bookworm-updates\n"
            "Enabled: no\n"
            "\n"
            "Types: deb\n"
            "Components: main\n" % (URL, KEYRING))
    entries, errors = apt_sources.parse_deb822(text, "/etc/apt/sources.list.d/s.sources")
    assert len(entries) == 2
    assert entries[0]["options"]["signed-by"] == KEYRING and entries[0]["line"] == 2
    assert entries[1]["suites"] == ["bookworm", "bookworm-updates"]
    assert entries[1]["options"]["enabled"] == "no"
    assert errors == ["/etc/apt/sources.list.d/s.sources:13: stanza lacks Types, URIs or Suites"]


def test_official_deb822_source_with_keyring(tmp_path):
    write(tmp_path, "etc/apt/sources.list.d/signal-desktop.sources",
          "Types: deb\nURIs: %s/\nSuites: xenial\nComponents: main\nSigned-By: %s\n" % (URL, KEYRING))
    install_keyring(tmp_path)
    result = source(tmp_path)
    assert result["official"] is True
    assert result["source"] == URL
    assert result["errors"] == []


def test_official_one_line_source(tmp_path):
    write(tmp_path, "etc/apt/sources.list.d/signal-xenial.list",
          "deb [arch=amd64 signed-by=%s] %s xenial main\n" % (KEYRING, URL))
    install_keyring(tmp_path)
    assert source(tmp_path)["official"] is True


def test_keyring_without_the_expected_key_is_not_official(tmp_path):
    write(tmp_path, "etc/apt/sources.list.d/signal-xenial.list",
          "deb [signed-by=%s] %s xenial main\n" % (KEYRING, URL))
    install_keyring(tmp_path)
    result = source(tmp_path, fingerprint=apt_sources.DEFAULT_FINGERPRINT)
    assert result["official"] is False
    assert "does not hold key DBA36B51" in result["reason"]


def test_inline_armored_signed_by(tmp_path):
    with open(os.path.join(DATA, "throwaway-pubkey.asc")) as f:
        armored = f.read().strip().splitlines()
    # deb822 multi-line field: continuation lines start with a space, empty lines are " ."
    field = "\n".join(" " + (line if line else ".") for line in armored)
    write(tmp_path, "etc/apt/sources.list.d/signal.sources",
          "Types: deb\nURIs: %s\nSuites: xenial\nComponents: main\nSigned-By:\n%s\n" % (URL, field))
    assert source(tmp_path)["official"] is True


def test_fingerprint_in_signed_by(tmp_path):
    write(tmp_path, "etc/apt/sources.list",
          "deb [signed-by=%s] %s xenial main\n" % (TEST_FPR.lower(), URL))
    assert source(tmp_path)["official"] is True


def test_missing_signed_by_is_unknown(tmp_path):
    write(tmp_path, "etc/apt/sources.list", "deb %s xenial main\n" % URL)
    result = source(tmp_path)
    assert result["official"] is None
    assert "no Signed-By" in result["reason"]
    assert result["source"] == URL


def test_missing_keyring_file_is_unknown_with_error(tmp_path):
    write(tmp_path, "etc/apt/sources.list.d/signal.list",
          "deb [signed-by=%s] %s xenial main\n" % (KEYRING, URL))
    result = source(tmp_path)
    assert result["official"] is None
    assert result["errors"] == ["%s: does not exist" % KEYRING]


def test_trusted_yes_is_not_official_even_next_to_a_good_entry(tmp_path):
    install_keyring(tmp_path)
    write(tmp_path, "etc/apt/sources.list.d/a.list",
          "deb [signed-by=%s] %s xenial main\n" % (KEYRING, URL))
    write(tmp_path, "etc/apt/sources.list.d/b.list", "deb [trusted=yes] %s xenial main\n" % URL)
    result = source(tmp_path)
    assert result["official"] is False
    assert "trusted=yes" in result["reason"]


def test_disabled_wrong_suite_and_ignored_files_do_not_count(tmp_path):
    install_keyring(tmp_path)
    write(tmp_path, "etc/apt/sources.list.d/off.sources",
          "Types: deb\nURIs: %s\nSuites: xenial\nSigned-By: %s\nEnabled: no\n" % (URL, KEYRING))
    write(tmp_path, "etc/apt/sources.list.d/other.list",
          "deb [signed-by=%s] %s bionic main\n" % (KEYRING, URL))
    write(tmp_path, "etc/apt/sources.list.d/signal.list.save",
          "deb [signed-by=%s] %s xenial main\n" % (KEYRING, URL))
    write(tmp_path, "etc/apt/sources.list.d/src.list",
          "deb-src [signed-by=%s] %s xenial main\n" % (KEYRING, URL))
    result = source(tmp_path)
    assert result["official"] is False
    assert result["entries"] == []
    assert result["reason"].startswith("no enabled apt source")


def test_unreadable_sources_file_makes_absence_unknown(tmp_path):
    (tmp_path / "etc/apt/sources.list.d/broken.list").mkdir(parents=True)  # unreadable as a file
    write(tmp_path, "etc/apt/sources.list", "deb http://deb.debian.org/debian bookworm main\n")
    # a directory named *.list is skipped like apt does; a bad line is an error
    write(tmp_path, "etc/apt/sources.list.d/bad.list", "deb [signed-by=x\n")
    result = source(tmp_path)
    assert result["official"] is None
    assert any(e.startswith("/etc/apt/sources.list.d/bad.list:1") for e in result["errors"])


def test_url_comparison_ignores_case_of_host_and_trailing_slash():
    assert apt_sources.normalize_url("HTTPS://Updates.Signal.org/desktop/apt/") == URL
    assert apt_sources.normalize_url("https://updates.signal.org/Desktop/apt") != URL


# --- other sources that offer signal-desktop (read from apt's downloaded indexes) ---

MIRROR = "http://127.0.0.1:8080/un_official"
# apt's file name for that URI: scheme dropped, '_' quoted as %5f, '/' turned into '_'.
MIRROR_INDEX = "var/lib/apt/lists/127.0.0.1:8080_un%5fofficial_dists_xenial_main_binary-amd64_Packages"
DEBIAN_INDEX = "var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages"
STANZA = "Package: signal-desktop\nVersion: %s\nArchitecture: amd64\n\n"


def official_host(tmp_path):
    """Signal's source pinned to (here) the test key, plus Debian's own source, which does not offer Signal."""
    install_keyring(tmp_path)
    write(tmp_path, "etc/apt/sources.list.d/signal-desktop.list", "deb [signed-by=%s] %s xenial main\n" % (KEYRING, URL))
    write(tmp_path, "etc/apt/sources.list", "deb http://deb.debian.org/debian bookworm main\n")
    write(tmp_path, DEBIAN_INDEX, "Package: bash\nVersion: 5.2.15-2\n\nPackage: signal-desktopish\nVersion: 1\n")


def test_apt_file_names_of_uris():
    assert apt_sources.apt_lists.uri_to_filename("http://deb.debian.org/debian/dists/bookworm/main/") == \
        "deb.debian.org_debian_dists_bookworm_main_"
    assert apt_sources.apt_lists.uri_to_filename("https://user:pw@host/a_b~c/") == "host_a%5fb%7ec_"


def test_sources_that_do_not_offer_signal_leave_the_verdict_alone(tmp_path):
    official_host(tmp_path)
    result = source(tmp_path)
    assert result["official"] is True and result["others"] == []


def test_an_unsigned_source_offering_signal_fails_and_is_named(tmp_path):
    official_host(tmp_path)
    write(tmp_path, "etc/apt/sources.list.d/mirror.list", "# a mirror\ndeb [trusted=yes] %s xenial main\n" % MIRROR)
    write(tmp_path, MIRROR_INDEX, "Package: other\nVersion: 1\n\n" + STANZA % "7.60.0" + STANZA % "7.99.0")
    result = source(tmp_path)
    assert result["official"] is False
    assert result["reason"] == ("/etc/apt/sources.list.d/mirror.list:2 (%s xenial) also offers signal-desktop "
                                "7.60.0, 7.99.0: /etc/apt/sources.list.d/mirror.list:2: trusted=yes disables "
                                "signature checks" % MIRROR)
    assert [(o["file"], o["line"], o["official"]) for o in result["others"]] == [
        ("/etc/apt/sources.list.d/mirror.list", 2, False)]


def test_a_source_signed_by_another_key_offering_signal_fails(tmp_path):
    official_host(tmp_path)
    install_keyring(tmp_path, "/usr/share/keyrings/other.gpg")
    write(tmp_path, "etc/apt/sources.list.d/mirror.sources",
          "Types: deb\nURIs: %s\nSuites: xenial\nComponents: main\nSigned-By: /usr/share/keyrings/other.gpg\n" % MIRROR)
    write(tmp_path, MIRROR_INDEX, STANZA % "7.80.0")
    # The keyring holds the test key; judged against Signal's real fingerprint it is another key.
    result = apt_sources.signal_source(str(tmp_path), fingerprint=apt_sources.DEFAULT_FINGERPRINT)
    assert result["official"] is False
    assert "mirror.sources:1 (%s xenial) also offers signal-desktop 7.80.0" % MIRROR in result["reason"]


def test_a_mirror_signed_by_signals_key_is_fine(tmp_path):
    official_host(tmp_path)
    write(tmp_path, "etc/apt/sources.list.d/mirror.list", "deb [signed-by=%s] %s xenial main\n" % (KEYRING, MIRROR))
    write(tmp_path, MIRROR_INDEX, STANZA % "7.80.0")
    assert source(tmp_path)["official"] is True


def test_a_source_without_signed_by_offering_signal_is_unknown(tmp_path):
    official_host(tmp_path)
    write(tmp_path, "etc/apt/sources.list.d/mirror.list", "deb %s xenial main\n" % MIRROR)
    write(tmp_path, MIRROR_INDEX + ".gz", gzip.compress((STANZA % "7.80.0").encode()))
    result = source(tmp_path)
    assert result["official"] is None
    assert "mirror.list:1 (%s xenial) also offers signal-desktop 7.80.0: " % MIRROR in result["reason"]
    assert "no Signed-By" in result["reason"]


def test_an_lz4_index_without_apt_helper_makes_a_pass_unknown(tmp_path, real_lz4_list):
    official_host(tmp_path)
    os.remove(str(tmp_path / DEBIAN_INDEX))
    with open(real_lz4_list, "rb") as handle:
        write(tmp_path, DEBIAN_INDEX + ".lz4", handle.read())
    result = source(tmp_path)
    assert result["official"] is None
    assert "/etc/apt/sources.list:1: whether it offers signal-desktop is unknown" in result["reason"]
    assert "compressed as .lz4, which Python cannot read and apt's apt-helper" in result["reason"]


def test_a_real_lz4_index_read_by_apt_helper_keeps_the_pass(tmp_path, real_lz4_list, apt_cat_file):
    official_host(tmp_path)
    os.remove(str(tmp_path / DEBIAN_INDEX))
    with open(real_lz4_list, "rb") as handle:
        write(tmp_path, DEBIAN_INDEX + ".lz4", handle.read())
    result = apt_sources.signal_source(str(tmp_path), fingerprint=TEST_FPR, cat_file=apt_cat_file)
    assert result["official"] is True and result["reason"] is None and result["others"] == []


def test_an_unsigned_mirror_with_a_zstd_index_fails(tmp_path, apt_cat_file, zstd_frame):
    official_host(tmp_path)
    write(tmp_path, "etc/apt/sources.list.d/mirror.list", "deb [trusted=yes] %s xenial main\n" % MIRROR)
    write(tmp_path, MIRROR_INDEX + ".zst", zstd_frame((STANZA % "7.90.0").encode()))
    result = apt_sources.signal_source(str(tmp_path), fingerprint=TEST_FPR, cat_file=apt_cat_file)
    assert result["official"] is False
    assert "mirror.list:1 (%s xenial) also offers signal-desktop 7.90.0: " % MIRROR in result["reason"]
