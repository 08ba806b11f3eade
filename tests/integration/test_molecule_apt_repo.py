# -*- coding: utf-8 -*-
"""The local apt repositories the molecule scenarios use in place of Signal's (tests/molecule/apt_repo/build.py):
real gpg signatures, Signal's Release fields, a real asar archive in a real .deb, and desktop_info's probes
reading the version of that package from a dpkg database that real dpkg wrote."""

from __future__ import annotations

import datetime
import gzip
import importlib.util
import json
import os
import shutil
import subprocess

import pytest

from ansible_collections.hardening.signal.plugins.module_utils.probes import asar, desktop_facts, dpkg, openpgp
from ansible_collections.hardening.signal.tests.unit.controls.host_tree import judge_facts

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.join(ROOT, "tests", "molecule", "apt_repo", "build.py")
# The stand-in builds are dated by the day they are built (build.py): judge them as of now.
NOW = datetime.datetime.now(datetime.timezone.utc)


def test_the_tools_the_repository_needs_are_installed():
    """No skipping: without these the repository tests cannot mean anything, so say what is missing."""
    missing = [tool for tool in ("gpg", "gpgv", "dpkg", "dpkg-deb") if not shutil.which(tool)]
    assert not missing, "install Debian's gnupg, gpgv and dpkg packages: missing %s" % ", ".join(missing)


def _load_build():
    spec = importlib.util.spec_from_file_location("hs_apt_repo_build", BUILD)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    build = _load_build()
    base = tmp_path_factory.mktemp("apt_repo")
    info = build.build(out=str(base / "out"), gnupghome=str(base / "gnupg"))
    yield build, str(base / "out"), info
    build.stop_agent(str(base / "gnupg"))


def _fields(text):
    return dict(line.split(": ", 1) for line in text.splitlines() if ": " in line and not line.startswith(" "))


def test_release_fields_are_signals(repo):
    _build, out, _info = repo
    with open(os.path.join(out, "signal", "dists", "xenial", "Release"), encoding="utf-8") as handle:
        fields = _fields(handle.read())
    assert fields["Origin"] == ". xenial" and fields["Label"] == ". xenial"
    assert fields["Suite"] == "xenial" and fields["Codename"] == "xenial"
    assert fields["Components"] == "main" and fields["Architectures"] == "amd64"


def test_inrelease_and_release_gpg_verify_with_the_published_key(repo, tmp_path):
    _build, out, info = repo
    keyring = tmp_path / "keyring.gpg"
    subprocess.run(["gpg", "--batch", "--homedir", str(tmp_path), "--dearmor", "--output", str(keyring),
                    os.path.join(out, "signal", "keys.asc")], check=True, capture_output=True)
    dist = os.path.join(out, "signal", "dists", "xenial")
    for args in (["InRelease"], ["Release.gpg", "Release"]):
        proc = subprocess.run(["gpgv", "--status-fd", "1", "--keyring", str(keyring)] + [os.path.join(dist, a) for a in args],
                              capture_output=True, text=True, check=False)
        assert proc.returncode == 0, proc.stderr
        assert "VALIDSIG %s" % info["fingerprint"] in proc.stdout
    # The collection's own pure-Python fingerprint reader agrees with gpg.
    with open(os.path.join(out, "signal", "keys.asc"), encoding="utf-8") as handle:
        keys = openpgp.fingerprints_from_text(handle.read())
    assert [k["fingerprint"] for k in keys] == [info["fingerprint"]]
    # The unofficial repository is unsigned.
    assert not os.path.exists(os.path.join(out, "unofficial", "dists", "xenial", "InRelease"))
    assert not os.path.exists(os.path.join(out, "unofficial", "dists", "xenial", "Release.gpg"))


def test_packages_index_matches_the_debs(repo):
    _build, out, _info = repo
    for name, version in (("signal", "7.80.0"), ("unofficial", "7.60.0")):
        bindir = os.path.join(out, name, "dists", "xenial", "main", "binary-amd64")
        with open(os.path.join(bindir, "Packages"), encoding="utf-8") as handle:
            text = handle.read()
        with gzip.open(os.path.join(bindir, "Packages.gz"), "rt", encoding="utf-8") as handle:
            assert handle.read() == text
        stanza = _fields(text)
        assert stanza["Package"] == "signal-desktop" and stanza["Version"] == version
        deb = os.path.join(out, name, stanza["Filename"])
        assert os.path.getsize(deb) == int(stanza["Size"])
        control = subprocess.run(["dpkg-deb", "--field", deb, "Version"], capture_output=True, text=True, check=True)
        assert control.stdout.strip() == version


def test_deb_holds_a_real_asar_with_the_version(repo, tmp_path):
    build, out, _info = repo
    deb = os.path.join(out, "signal", "pool", "main", "s", "signal-desktop", "signal-desktop_7.80.0_amd64.deb")
    subprocess.run(["dpkg-deb", "--extract", deb, str(tmp_path)], check=True)
    with open(tmp_path / "opt" / "Signal" / "resources" / "app.asar", "rb") as handle:
        archive = handle.read()
    # The documented layout, read independently of build.py's own reader.
    size_pickle = int.from_bytes(archive[0:4], "little")
    header_size = int.from_bytes(archive[4:8], "little")
    json_len = int.from_bytes(archive[12:16], "little")
    assert size_pickle == 4
    index = json.loads(archive[16:16 + json_len])
    entry = index["files"]["package.json"]
    start = 8 + header_size + int(entry["offset"])
    package = json.loads(archive[start:start + entry["size"]])
    assert package["name"] == "signal-desktop" and package["version"] == "7.80.0"
    assert json.loads(build.read_asar_file(archive, "config/production.json")) == {"updatesEnabled": True}
    # The build's expiry date, as Signal's build writes it, and what desktop_info reads of it.
    config = json.loads(build.read_asar_file(archive, "config/local-production.json"))
    assert config["buildExpiration"] - config["buildCreation"] == 90 * 86400 * 1000
    expires, reason, error = asar.build_expiration(str(tmp_path), "/opt/Signal/resources/app.asar")
    assert reason is None and error is None
    assert expires == asar.moment_of(config["buildExpiration"])


def _dpkg_install(root, deb):
    subprocess.run(["dpkg", "--root=%s" % root, "--force-not-root", "--force-bad-path", "--force-script-chrootless",
                    "--log=/dev/null", "--install", deb], check=True, capture_output=True)


def test_desktop_info_reads_the_version_dpkg_recorded(repo, tmp_path):
    _build, out, _info = repo
    root = tmp_path / "root"
    for sub in ("var/lib/dpkg/info", "var/lib/dpkg/updates", "var/lib/dpkg/triggers", "etc"):
        (root / sub).mkdir(parents=True)
    (root / "var/lib/dpkg/status").write_text("")
    (root / "var/lib/dpkg/available").write_text("")
    (root / "etc/passwd").write_text("root:x:0:0:root:/root:/bin/bash\n")
    pool = "pool/main/s/signal-desktop"
    _dpkg_install(root, os.path.join(out, "unofficial", pool, "signal-desktop_7.60.0_amd64.deb"))
    assert dpkg.package_info(str(root), "signal-desktop")["version"] == "7.60.0"
    facts = desktop_facts.collect(root=str(root), platform="linux")
    assert facts["signal"]["installed"] is True and facts["signal"]["version"] == "7.60.0"
    # The stale build expired long ago.
    assert judge_facts(facts, "sh-3.2-desktop-build-expiry", now=NOW)["status"] == "fail"
    assert facts["signal"]["installs"][0]["path"] == "/opt/Signal"
    assert (root / "opt/Signal/resources/app.asar").is_file()
    # An upgrade through dpkg: the probe follows what dpkg recorded.
    _dpkg_install(root, os.path.join(out, "signal", pool, "signal-desktop_7.80.0_amd64.deb"))
    facts = desktop_facts.collect(root=str(root), platform="linux")
    assert facts["signal"]["version"] == "7.80.0"
    # The package's postinst stamped its arrival; the build it installed is not about to expire.
    assert facts["signal"]["installs"][0]["installed_at"] is not None
    assert judge_facts(facts, "sh-3.2-desktop-build-expiry", now=NOW)["status"] == "pass"
    # No apt source for Signal's repository in this root: not official.
    result = judge_facts(facts, "sh-3.1-linux-official-source")
    assert result["status"] == "fail" and "no enabled apt source points at" in result["reason"]


def test_the_key_is_made_once_and_reused(repo):
    build, out, info = repo
    gnupghome = os.path.join(os.path.dirname(out), "gnupg")
    assert build.ensure_key(gnupghome) == info["fingerprint"]
