# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which apt sources offer a package, from the package indexes apt keeps in
/var/lib/apt/lists (what `apt-get update` downloaded for each source).

apt names each index after its URI (apt-pkg's URItoFileName: scheme and
credentials dropped, some characters %-quoted, '/' turned into '_'), so the
files of one sources.list entry are found by name, without running apt.

Compressed indexes are searched as a stream, a chunk at a time: a full
distribution's index is tens of megabytes once decompressed. Python reads
.gz, .xz and .bz2 itself; .lz4 and .zst (what apt-pkg writes on many Debian
container images) are read through a ``cat_file`` callable that the module
provides (it runs apt's own `apt-helper cat-file`), so these probes run no
command themselves.
"""
from __future__ import annotations

import bz2
import gzip
import lzma
import mmap
import os
import re
import stat
import zlib

from ansible_collections.hardening.signal.plugins.module_utils.probes import fs

LISTS_DIR = "/var/lib/apt/lists"
# Characters QuoteString quotes in URItoFileName, besides controls, space and non-ASCII.
_QUOTED = set('\\|{}[]<>"^~_=!@#$%&*')
_OPENERS = {".gz": gzip.open, ".xz": lzma.open, ".bz2": bz2.open}
# Compressions apt-pkg reads but Python's standard library does not.
APT_ONLY = (".lz4", ".zst")
CHUNK = 1 << 20
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:(?://)?(?:[^@/]*@)?")


def uri_to_filename(uri):
    """The file-name form apt gives a URI."""
    rest = _SCHEME.sub("", uri.strip(), count=1)
    out = []
    for char in rest:
        if char in _QUOTED or ord(char) <= 0x20 or ord(char) >= 0x7F:
            out.append("".join("%%%02x" % b for b in char.encode("utf-8")))
        else:
            out.append(char)
    return "".join(out).replace("/", "_")


def index_prefixes(uri, suite, components):
    """Name prefixes of the Packages indexes of one entry (flat repositories:
    a suite ending in '/' and no components)."""
    base = uri.rstrip("/") + "/"
    if suite.endswith("/"):
        return [uri_to_filename(base + suite.lstrip("/"))]
    return [uri_to_filename("%sdists/%s/%s/" % (base, suite, comp)) for comp in components]


def _is_packages(name, prefix):
    if not name.startswith(prefix):
        return False
    tail = name[len(prefix):]
    return re.match(r"^Packages(\.(gz|xz|bz2|lz4|zst))?$", tail) or re.match(r"^binary-[^_]+_Packages(\.(gz|xz|bz2|lz4|zst))?$", tail)


def _stanza_versions(data, package):
    """Versions of ``package`` in a Packages index (bytes)."""
    versions = []
    marker = b"Package: " + package.encode() + b"\n"
    start = 0
    while True:
        at = data.find(marker, start)
        if at < 0:
            return versions
        if at == 0 or data[at - 1:at] == b"\n":
            end = data.find(b"\n\n", at)
            stanza = data[at:end if end >= 0 else len(data)]
            m = re.search(rb"(?m)^Version:\s*(\S+)", stanza)
            if m:
                versions.append(m.group(1).decode("utf-8", "replace"))
        start = at + len(marker)


def scan_stream(stream, package):
    """Versions of ``package`` in a Packages index read from a binary stream,
    a chunk at a time; only the unfinished stanza is carried between chunks."""
    versions = []
    carry = b""
    while True:
        chunk = stream.read(CHUNK)
        if not chunk:
            break
        data = carry + chunk
        end = data.rfind(b"\n\n")
        if end < 0:
            carry = data
            continue
        versions += _stanza_versions(data[:end + 1], package)
        carry = data[end + 2:]
    return versions + _stanza_versions(carry, package)


def _scan_index(root, path, package, cat_file):
    """Return (versions or None, error) for one index file."""
    host = fs.host_path(root, path)
    ext = path.rsplit("Packages", 1)[1]  # "" (plain), ".gz", ".xz", ".lz4", ...
    try:
        st = os.stat(host)
        if not stat.S_ISREG(st.st_mode):
            return None, "%s: not a regular file" % path
        if ext in _OPENERS:
            with _OPENERS[ext](host, "rb") as stream:
                return scan_stream(stream, package), None
        if ext in APT_ONLY:
            if cat_file is None:
                return None, ("%s: compressed as %s, which Python cannot read and apt's apt-helper "
                              "(/usr/lib/apt/apt-helper) is not available to read it" % (path, ext))
            versions, err = cat_file(host, lambda stream: scan_stream(stream, package))
            return (None, "%s: %s" % (path, err)) if err else (versions, None)
        if st.st_size == 0:
            return [], None
        # Indexes of a full distribution are tens of megabytes: map, do not copy.
        with open(host, "rb") as handle:
            with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
                return _stanza_versions(data, package), None
    except (OSError, ValueError, EOFError, lzma.LZMAError, zlib.error) as exc:
        return None, "%s: %s" % (path, getattr(exc, "strerror", None) or str(exc) or exc.__class__.__name__)


def offers(root, entry, package, names=None, cat_file=None):
    """Return {"indexes": [paths], "versions": [..], "errors": [..]} for one
    sources entry: the versions of ``package`` its downloaded indexes list.
    No index at all means apt has not downloaded this source's lists.

    ``cat_file(host_path, consume)`` reads an .lz4 or .zst index: it calls
    ``consume`` with a binary stream of the decompressed index and returns
    (consume's result, None), or (None, error message)."""
    result = {"indexes": [], "versions": [], "errors": []}
    if names is None:
        names, err = fs.listdir(root, LISTS_DIR)
        if err:
            result["errors"].append(err)
    for uri in entry["uris"]:
        for suite in entry["suites"]:
            for prefix in index_prefixes(uri, suite, entry["components"]):
                for name in names:
                    if not _is_packages(name, prefix):
                        continue
                    path = fs.join(LISTS_DIR, name)
                    result["indexes"].append(path)
                    versions, err = _scan_index(root, path, package, cat_file)
                    if versions is None:
                        result["errors"].append(err)
                        continue
                    for version in versions:
                        if version not in result["versions"]:
                            result["versions"].append(version)
    return result
