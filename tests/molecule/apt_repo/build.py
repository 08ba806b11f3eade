# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Build the local apt repositories the molecule scenarios use instead of Signal's.

    python tests/molecule/apt_repo/build.py [--out DIR] [--signal-versions 7.80.0[,7.80.1]] [--json]

Writes under DIR (default .build/molecule/apt_repo):

  signal/        stands in for https://updates.signal.org/desktop/apt: a repository signed with a throwaway
                 key (InRelease, Release.gpg), Release fields exactly as Signal's (Origin ". xenial", Label
                 ". xenial", Suite and Codename "xenial", component main, amd64), signal-desktop 7.80.0 in its
                 pool, and the key as keys.asc (armored, like Signal's).
  unofficial/    an UNSIGNED repository (Release only, no InRelease/Release.gpg) with the stale
                 signal-desktop 7.60.0: what the noncompliant scenario installs through a "trusted=yes" line.
  repo.json      fingerprint of the throwaway key, the suite, and the versions in each repository.

Each .deb is built with dpkg-deb and holds /opt/Signal/resources/app.asar, a real asar archive (the layout of
Electron's asar: an 8-byte pickle with the header size, a pickle with the JSON index, then the files) whose
package.json says {"name": "signal-desktop", "version": ...} and config/local-production.json the build's expiry
date (buildExpiration, 90 days after its build day), plus a tiny /opt/Signal/signal-desktop script and a postinst
that touches /opt/Signal/.signal-postinst as Signal's does.

The key is made once with gpg --batch in a private GNUPGHOME under .build/molecule/gnupg and reused (a cache);
delete that folder for a new key. Nothing here needs the network.
"""

from __future__ import annotations

import argparse
import email.utils
import gzip
import hashlib
import io
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
DEFAULT_OUT = os.path.join(ROOT, ".build", "molecule", "apt_repo")
DEFAULT_GNUPGHOME = os.path.join(ROOT, ".build", "molecule", "gnupg")
KEY_UID = "hardening.signal test repository (throwaway, tests only) <test-repo@example.invalid>"
SUITE = "xenial"
COMPONENT = "main"
ARCH = "amd64"
PACKAGE = "signal-desktop"
NEWEST = "7.80.0"
STALE = "7.60.0"
# Fixed file times, so the same input gives the same .deb.
EPOCH = 1767225600  # 2026-01-01T00:00:00Z


# --- asar ---------------------------------------------------------------------------------------------

def _pickle_string(data):
    """A Chromium Pickle holding one string: payload size, string length, bytes, padding to 4."""
    pad = (4 - len(data) % 4) % 4
    payload = struct.pack("<I", len(data)) + data + b"\0" * pad
    return struct.pack("<I", len(payload)) + payload


def build_asar(files):
    """Return the bytes of an asar archive holding ``files`` ({"dir/name": bytes}).

    Layout: uint32 4 | uint32 header_size | header pickle (uint32 payload size | uint32 json length | json |
    padding) | file bytes. A file's data starts at 8 + header_size + int(entry["offset"])."""
    index = {"files": {}}
    blobs, offset = [], 0
    for name in sorted(files):
        data = files[name]
        node = index
        parts = name.split("/")
        for part in parts[:-1]:
            node = node["files"].setdefault(part, {"files": {}})
        node["files"][parts[-1]] = {
            "size": len(data),
            "offset": str(offset),  # asar writes offsets as strings (they may exceed 2**53)
            "integrity": {
                "algorithm": "SHA256",
                "hash": hashlib.sha256(data).hexdigest(),
                "blockSize": 4 * 1024 * 1024,
                "blocks": [hashlib.sha256(data).hexdigest()],
            },
        }
        blobs.append(data)
        offset += len(data)
    header = _pickle_string(json.dumps(index, separators=(",", ":")).encode("utf-8"))
    size_pickle = struct.pack("<II", 4, len(header))
    return size_pickle + header + b"".join(blobs)


def read_asar_file(archive, name):
    """Read one file out of an asar archive (bytes), following the documented layout."""
    header_size = struct.unpack_from("<I", archive, 4)[0]
    json_len = struct.unpack_from("<I", archive, 12)[0]
    index = json.loads(archive[16:16 + json_len].decode("utf-8"))
    node = index
    for part in name.split("/"):
        node = node["files"][part]
    start = 8 + header_size + int(node["offset"])
    return archive[start:start + node["size"]]


# Signal's build writes buildExpiration (epoch ms) into config/local-production.json: 90 days after the build.
# The stand-in builds are dated as if built today (the newest) or 100 days ago (the stale one, long expired), so the
# expiry check sees what it would see on a host kept up to date and on one left behind.
EXPIRY_DAYS = 90
DAY = 86400


def build_day(version):
    today = int(time.time()) // DAY * DAY
    return today - (100 * DAY if version == STALE else 0)


def app_asar(version):
    built = build_day(version)
    config = {"updatesEnabled": True, "buildCreation": built * 1000, "buildExpiration": (built + EXPIRY_DAYS * DAY) * 1000}
    package_json = json.dumps({
        "name": PACKAGE,
        "productName": "Signal",
        "description": "Private messaging from your desktop (test stand-in built by hardening.signal)",
        "version": version,
        "main": "app/main.js",
    }, indent=2).encode("utf-8") + b"\n"
    return build_asar({
        "package.json": package_json,
        "app/main.js": b"// stand-in: this test package runs nothing\n",
        "config/production.json": b'{"updatesEnabled": true}\n',
        "config/local-production.json": json.dumps(config).encode("utf-8") + b"\n",
    })


# --- .deb ---------------------------------------------------------------------------------------------

def control_fields(version, installed_kib):
    return [
        ("Package", PACKAGE),
        ("Version", version),
        ("Architecture", ARCH),
        ("Maintainer", "hardening.signal tests <test-repo@example.invalid>"),
        ("Installed-Size", str(installed_kib)),
        ("Section", "net"),
        ("Priority", "optional"),
        ("Homepage", "https://signal.org/"),
        ("Description", "Private messaging from your desktop (test stand-in)\n"
                        " Built by the hardening.signal molecule tests; it only carries"
                        " /opt/Signal/resources/app.asar."),
    ]


def format_stanza(fields):
    return "".join("%s: %s\n" % (k, v) for k, v in fields)


def _write(path, data, mode=0o644):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(data)
    os.chmod(path, mode)
    os.utime(path, (EPOCH, EPOCH))


def build_deb(version, dest_dir):
    """Build signal-desktop_<version>_amd64.deb with dpkg-deb; return its path."""
    with tempfile.TemporaryDirectory() as tmp:
        pkg = os.path.join(tmp, "pkg")
        asar = app_asar(version)
        _write(os.path.join(pkg, "opt/Signal/resources/app.asar"), asar)
        _write(os.path.join(pkg, "opt/Signal/signal-desktop"),
               b"#!/bin/sh\necho 'signal-desktop test stand-in %s: not the real Signal Desktop' >&2\nexit 1\n"
               % version.encode(), 0o755)
        control = control_fields(version, (len(asar) + 1023) // 1024 + 1)
        _write(os.path.join(pkg, "DEBIAN/control"), format_stanza(control).encode())
        # As Signal's own package does: the running app sees the stamp and asks the user to restart.
        # DPKG_ROOT is set when dpkg installs into another root without chroot (the integration tests do).
        _write(os.path.join(pkg, "DEBIAN/postinst"),
               b'#!/bin/sh\nset -e\ntouch "${DPKG_ROOT:-}/opt/Signal/.signal-postinst"\n', 0o755)
        for dirpath, dirnames, _files in os.walk(pkg):
            for name in dirnames:
                os.chmod(os.path.join(dirpath, name), 0o755)
                os.utime(os.path.join(dirpath, name), (EPOCH, EPOCH))
        os.makedirs(dest_dir, exist_ok=True)
        out = os.path.join(dest_dir, "%s_%s_%s.deb" % (PACKAGE, version, ARCH))
        env = dict(os.environ, SOURCE_DATE_EPOCH=str(EPOCH))
        subprocess.run(["dpkg-deb", "--root-owner-group", "-Zxz", "--build", pkg, out], check=True, env=env,
                       stdout=subprocess.DEVNULL)
        return out, control


# --- repository ---------------------------------------------------------------------------------------

def _hashes(data):
    return {"MD5Sum": hashlib.md5(data).hexdigest(), "SHA1": hashlib.sha1(data).hexdigest(),
            "SHA256": hashlib.sha256(data).hexdigest()}


def packages_stanza(deb_path, control, repo_root):
    """The Packages entry of one .deb: its control fields plus where it is and its hashes."""
    with open(deb_path, "rb") as handle:
        data = handle.read()
    h = _hashes(data)
    fields = [(k, v) for k, v in control if k != "Description"]
    fields += [("Filename", os.path.relpath(deb_path, repo_root)), ("Size", str(len(data))),
               ("MD5sum", h["MD5Sum"]), ("SHA1", h["SHA1"]), ("SHA256", h["SHA256"])]
    fields += [(k, v) for k, v in control if k == "Description"]
    return format_stanza(fields)


def write_repo(repo_root, versions, origin_label, sign_with=None, gnupghome=None):
    """A dists/<suite>/<component>/binary-<arch> repository holding ``versions`` of the package."""
    if os.path.isdir(repo_root):
        shutil.rmtree(repo_root)
    pool = os.path.join(repo_root, "pool", COMPONENT, "s", PACKAGE)
    stanzas = []
    for version in versions:
        deb, control = build_deb(version, pool)
        stanzas.append(packages_stanza(deb, control, repo_root))
    packages = "\n".join(stanzas).encode("utf-8")
    dist = os.path.join(repo_root, "dists", SUITE)
    bindir = os.path.join(dist, COMPONENT, "binary-%s" % ARCH)
    os.makedirs(bindir)
    gz = io.BytesIO()
    with gzip.GzipFile(fileobj=gz, mode="wb", mtime=EPOCH) as handle:
        handle.write(packages)
    files = {"%s/binary-%s/Packages" % (COMPONENT, ARCH): packages,
             "%s/binary-%s/Packages.gz" % (COMPONENT, ARCH): gz.getvalue()}
    for rel, data in files.items():
        with open(os.path.join(dist, rel), "wb") as handle:
            handle.write(data)
    release = [
        "Origin: %s" % origin_label,
        "Label: %s" % origin_label,
        "Suite: %s" % SUITE,
        "Codename: %s" % SUITE,
        # Now, so apt never sees a Release "not valid yet"; rebuilt on every run.
        "Date: %s" % email.utils.formatdate(time.time() - 60, usegmt=True),
        "Architectures: %s" % ARCH,
        "Components: %s" % COMPONENT,
        "Description: hardening.signal test stand-in",
    ]
    for field in ("MD5Sum", "SHA1", "SHA256"):
        release.append("%s:" % field)
        for rel, data in sorted(files.items()):
            release.append(" %s %d %s" % (_hashes(data)[field], len(data), rel))
    release_path = os.path.join(dist, "Release")
    with open(release_path, "w", encoding="utf-8") as handle:
        handle.write("\n".join(release) + "\n")
    if sign_with:
        gpg = ["gpg", "--batch", "--yes", "--quiet", "--homedir", gnupghome, "--local-user", sign_with,
               "--digest-algo", "SHA256"]
        subprocess.run(gpg + ["--clearsign", "--output", os.path.join(dist, "InRelease"), release_path], check=True)
        subprocess.run(gpg + ["--armor", "--detach-sign", "--output", os.path.join(dist, "Release.gpg"),
                              release_path], check=True)


# --- key ----------------------------------------------------------------------------------------------

def _gpg(gnupghome, *args, capture=False):
    proc = subprocess.run(["gpg", "--batch", "--homedir", gnupghome] + list(args), check=True,
                          stdout=subprocess.PIPE if capture else subprocess.DEVNULL, stderr=subprocess.PIPE)
    return proc.stdout.decode("utf-8") if capture else None


def stop_agent(gnupghome):
    """gpg starts a gpg-agent per GNUPGHOME on first use of a secret key: end it, leaving no process behind."""
    subprocess.run(["gpgconf", "--homedir", gnupghome, "--kill", "all"], check=False,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def fingerprint(gnupghome):
    out = _gpg(gnupghome, "--with-colons", "--list-secret-keys", capture=True)
    for line in out.splitlines():
        if line.startswith("fpr:"):
            return line.split(":")[9]
    return None


def ensure_key(gnupghome):
    """Make the throwaway signing key once; return its fingerprint."""
    if os.path.isdir(gnupghome):
        try:
            fpr = fingerprint(gnupghome)
            if fpr:
                return fpr
        except subprocess.CalledProcessError:
            pass
        finally:
            stop_agent(gnupghome)
        shutil.rmtree(gnupghome)
    tmp = gnupghome + ".tmp%d" % os.getpid()
    os.makedirs(tmp, mode=0o700)
    # No passphrase, sign-only, like a repository key; RSA as Signal's own key.
    _gpg(tmp, "--passphrase", "", "--pinentry-mode", "loopback", "--quick-generate-key", KEY_UID,
         "rsa3072", "sign", "never")
    fpr = fingerprint(tmp)
    stop_agent(tmp)
    os.rename(tmp, gnupghome)
    return fpr


def build(out=DEFAULT_OUT, gnupghome=DEFAULT_GNUPGHOME, signal_versions=(NEWEST,)):
    """Build both repositories; return the contents of repo.json.

    ``signal_versions`` are the versions the signed repository holds (a test publishes an update by
    rebuilding with one more, then rebuilds with the default to take it back)."""
    os.makedirs(out, exist_ok=True)
    fpr = ensure_key(gnupghome)
    signal_root = os.path.join(out, "signal")
    write_repo(signal_root, list(signal_versions), ". %s" % SUITE, sign_with=fpr, gnupghome=gnupghome)
    with open(os.path.join(signal_root, "keys.asc"), "w", encoding="utf-8") as handle:
        handle.write(_gpg(gnupghome, "--armor", "--export", fpr, capture=True))
    write_repo(os.path.join(out, "unofficial"), [STALE], "unofficial-mirror")
    info = {"fingerprint": fpr, "suite": SUITE, "component": COMPONENT, "package": PACKAGE,
            "signal": {"path": "signal", "versions": list(signal_versions), "signed": True, "key": "signal/keys.asc"},
            "unofficial": {"path": "unofficial", "versions": [STALE], "signed": False}}
    with open(os.path.join(out, "repo.json"), "w", encoding="utf-8") as handle:
        json.dump(info, handle, indent=2)
        handle.write("\n")
    stop_agent(gnupghome)
    return info


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--out", default=DEFAULT_OUT, help="output folder (default %(default)s)")
    parser.add_argument("--gnupghome", default=DEFAULT_GNUPGHOME, help="where the throwaway key is kept")
    parser.add_argument("--signal-versions", default=NEWEST,
                        help="comma-separated versions the signed repository holds (default %(default)s)")
    parser.add_argument("--json", action="store_true", help="print repo.json")
    args = parser.parse_args(argv)
    for tool in ("gpg", "dpkg-deb"):
        if not shutil.which(tool):
            sys.exit("build.py needs %s (apt-get install %s)" % (tool, "gnupg" if tool == "gpg" else "dpkg"))
    versions = [v.strip() for v in args.signal_versions.split(",") if v.strip()]
    info = build(os.path.abspath(args.out), os.path.abspath(args.gnupghome), versions)
    if args.json:
        print(json.dumps(info, indent=2))
    else:
        print("apt repositories in %s (key %s)" % (args.out, info["fingerprint"]), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
