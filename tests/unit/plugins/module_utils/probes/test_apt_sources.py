# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""apt sources: one-line and deb822 files, what each source of signal-desktop shows (Signed-By keys, the versions
its lists offer). Whether that is Signal's is judged by the control: tests/unit/controls/fixtures."""
from __future__ import annotations

import gzip
import os

from ansible_collections.hardening.signal.plugins.module_utils.probes import apt_sources
from ansible_collections.hardening.signal.tests.unit.plugins.module_utils.probes.fake_host import DATA, KEYRING, TEST_FPR, TEST_KEYRING, URL, write


def install_keyring(tmp_path, rel=KEYRING):
    write(tmp_path, rel, TEST_KEYRING)


def sources(tmp_path, cat_file=None):
    return apt_sources.package_sources(str(tmp_path), URL, cat_file=cat_file)


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


def test_a_deb822_source_with_its_keyring(tmp_path):
    write(tmp_path, "etc/apt/sources.list.d/signal-desktop.sources",
          "Types: deb\nURIs: %s/\nSuites: xenial\nComponents: main\nSigned-By: %s\n" % (URL, KEYRING))
    install_keyring(tmp_path)
    found, reasons, errors, incomplete = sources(tmp_path)
    assert found == [{"file": "/etc/apt/sources.list.d/signal-desktop.sources", "line": 1, "uri": URL + "/",
                      "suite": "xenial", "components": ["main"], "trusted": False, "signed_by": [KEYRING],
                      "key_fingerprints": TEST_FINGERPRINTS, "offers": []}]
    assert reasons == {0: {}} and errors == {0: {}} and incomplete == []


def test_inline_armored_signed_by(tmp_path):
    with open(os.path.join(DATA, "throwaway-pubkey.asc")) as f:
        armored = f.read().strip().splitlines()
    # deb822 multi-line field: continuation lines start with a space, empty lines are " ."
    field = "\n".join(" " + (line if line else ".") for line in armored)
    write(tmp_path, "etc/apt/sources.list.d/signal.sources",
          "Types: deb\nURIs: %s\nSuites: xenial\nComponents: main\nSigned-By:\n%s\n" % (URL, field))
    found = sources(tmp_path)[0]
    assert found[0]["signed_by"] == ["an inline key"] and found[0]["key_fingerprints"] == TEST_FINGERPRINTS


def test_a_fingerprint_in_signed_by_is_the_key(tmp_path):
    write(tmp_path, "etc/apt/sources.list", "deb [signed-by=%s] %s xenial main\n" % (TEST_FPR.lower(), URL))
    assert sources(tmp_path)[0][0]["key_fingerprints"] == [TEST_FPR]


def test_without_signed_by_the_keys_are_unknown_and_say_why(tmp_path):
    write(tmp_path, "etc/apt/sources.list", "deb [trusted=yes] %s xenial main\n" % URL)
    found, reasons, _errors, _incomplete = sources(tmp_path)
    assert found[0]["signed_by"] == [] and found[0]["key_fingerprints"] is None and found[0]["trusted"] is True
    assert "no Signed-By, so apt accepts a signature by any key" in reasons[0]["key_fingerprints"]


def test_a_missing_keyring_is_unknown_and_a_malformed_one_an_error(tmp_path):
    write(tmp_path, "etc/apt/sources.list.d/signal.list", "deb [signed-by=%s] %s xenial main\n" % (KEYRING, URL))
    found, reasons, errors, _incomplete = sources(tmp_path)
    assert found[0]["key_fingerprints"] is None and errors == {0: {}}
    assert reasons[0]["key_fingerprints"] == "the keyring Signed-By names could not be read: %s: does not exist" % KEYRING
    write(tmp_path, KEYRING, b"\x99\x00 not a key")
    found, reasons, errors, _incomplete = sources(tmp_path)
    assert "not a readable OpenPGP keyring" in errors[0]["key_fingerprints"] and reasons == {0: {}}


def test_disabled_entries_source_packages_and_ignored_files_are_left_out(tmp_path):
    install_keyring(tmp_path)
    write(tmp_path, "etc/apt/sources.list.d/off.sources",
          "Types: deb\nURIs: %s\nSuites: xenial\nSigned-By: %s\nEnabled: no\n" % (URL, KEYRING))
    write(tmp_path, "etc/apt/sources.list.d/signal.list.save", "deb [signed-by=%s] %s xenial main\n" % (KEYRING, URL))
    write(tmp_path, "etc/apt/sources.list.d/src.list", "deb-src [signed-by=%s] %s xenial main\n" % (KEYRING, URL))
    write(tmp_path, "etc/apt/sources.list.d/other-suite.list", "deb [signed-by=%s] %s bionic main\n" % (KEYRING, URL))
    found = sources(tmp_path)[0]
    # Another suite of the same repository is still a source of it: the control compares the suite.
    assert [(s["file"], s["suite"]) for s in found] == [("/etc/apt/sources.list.d/other-suite.list", "bionic")]


def test_unreadable_and_malformed_files_say_the_list_may_be_incomplete(tmp_path):
    (tmp_path / "etc/apt/sources.list.d/broken.list").mkdir(parents=True)  # a folder named *.list
    write(tmp_path, "etc/apt/sources.list.d/bad.list", "deb [signed-by=x\n")
    incomplete = sources(tmp_path)[3]
    assert any(e.startswith("/etc/apt/sources.list.d/bad.list:1") for e in incomplete)


def test_every_uri_and_suite_of_an_entry_is_its_own_source(tmp_path):
    write(tmp_path, "etc/apt/sources.list.d/two.sources",
          "Types: deb\nURIs: %s http://mirror.example/signal\nSuites: xenial\nComponents: main\n" % URL)
    write(tmp_path, "var/lib/apt/lists/mirror.example_signal_dists_xenial_main_binary-amd64_Packages", STANZA % "7.80.0")
    found = sources(tmp_path)[0]
    assert [(s["uri"], s["offers"]) for s in found] == [(URL, []), ("http://mirror.example/signal", ["7.80.0"])]


def test_url_comparison_ignores_case_of_host_and_trailing_slash():
    assert apt_sources.normalize_url("HTTPS://Updates.Signal.org/desktop/apt/") == URL
    assert apt_sources.normalize_url("https://updates.signal.org/Desktop/apt") != URL


# --- other sources that offer signal-desktop (read from apt's downloaded indexes) ---

MIRROR = "http://127.0.0.1:8080/un_official"
# apt's file name for that URI: scheme dropped, '_' quoted as %5f, '/' turned into '_'.
MIRROR_INDEX = "var/lib/apt/lists/127.0.0.1:8080_un%5fofficial_dists_xenial_main_binary-amd64_Packages"
DEBIAN_INDEX = "var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages"
STANZA = "Package: signal-desktop\nVersion: %s\nArchitecture: amd64\n\n"
TEST_FINGERPRINTS = ["76780304C83C329E03F5D9CD5BF51F91147E5AAF", "7442974810B77283D91F961D574791E35F87F920"]


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


def test_sources_that_do_not_offer_signal_are_left_out(tmp_path):
    official_host(tmp_path)
    assert [s["uri"] for s in sources(tmp_path)[0]] == [URL]


def test_another_source_offering_signal_is_reported_with_its_versions(tmp_path):
    official_host(tmp_path)
    write(tmp_path, "etc/apt/sources.list.d/mirror.list", "# a mirror\ndeb [trusted=yes] %s xenial main\n" % MIRROR)
    write(tmp_path, MIRROR_INDEX, "Package: other\nVersion: 1\n\n" + STANZA % "7.60.0" + STANZA % "7.99.0")
    found = sources(tmp_path)[0]
    assert [(s["file"], s["line"], s["trusted"], s["offers"]) for s in found if s["uri"] == MIRROR] == [
        ("/etc/apt/sources.list.d/mirror.list", 2, True, ["7.60.0", "7.99.0"])]


def test_a_gzip_index_is_searched(tmp_path):
    official_host(tmp_path)
    write(tmp_path, "etc/apt/sources.list.d/mirror.list", "deb %s xenial main\n" % MIRROR)
    write(tmp_path, MIRROR_INDEX + ".gz", gzip.compress((STANZA % "7.80.0").encode()))
    assert [s["offers"] for s in sources(tmp_path)[0] if s["uri"] == MIRROR] == [["7.80.0"]]


def test_an_lz4_index_without_apt_helper_leaves_what_it_offers_unknown(tmp_path, real_lz4_list):
    official_host(tmp_path)
    os.remove(str(tmp_path / DEBIAN_INDEX))
    with open(real_lz4_list, "rb") as handle:
        write(tmp_path, DEBIAN_INDEX + ".lz4", handle.read())
    found, reasons, _errors, _incomplete = sources(tmp_path)
    debian = [i for i, s in enumerate(found) if "debian" in s["uri"]]
    assert len(debian) == 1 and found[debian[0]]["offers"] is None
    assert "compressed as .lz4, which Python cannot read and apt's apt-helper" in reasons[debian[0]]["offers"]


def test_a_real_lz4_index_read_by_apt_helper_offers_nothing_of_signal(tmp_path, real_lz4_list, apt_cat_file):
    official_host(tmp_path)
    os.remove(str(tmp_path / DEBIAN_INDEX))
    with open(real_lz4_list, "rb") as handle:
        write(tmp_path, DEBIAN_INDEX + ".lz4", handle.read())
    assert [s["uri"] for s in sources(tmp_path, apt_cat_file)[0]] == [URL]


def test_a_zstd_index_is_read_through_apt_helper(tmp_path, apt_cat_file, zstd_frame):
    official_host(tmp_path)
    write(tmp_path, "etc/apt/sources.list.d/mirror.list", "deb [trusted=yes] %s xenial main\n" % MIRROR)
    write(tmp_path, MIRROR_INDEX + ".zst", zstd_frame((STANZA % "7.90.0").encode()))
    assert [s["offers"] for s in sources(tmp_path, apt_cat_file)[0] if s["uri"] == MIRROR] == [["7.90.0"]]
