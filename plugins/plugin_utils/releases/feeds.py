# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Signal Desktop's update feeds: electron-builder YAML and the apt index.

Pure parsing (the controller's action plugin fetches). Every function
returns (result, reason): the result is None whenever the newest version
cannot be told, and the reason then says why. Nothing raises.
"""
from __future__ import annotations

import datetime
import gzip
import io
import re

import yaml

from ansible_collections.hardening.signal.plugins.module_utils.engine.versions import parse_version
from ansible_collections.hardening.signal.plugins.module_utils.probes import dpkg

# Feed file per desktop platform (electron-builder's names).
FEED_FILES = {"linux": "latest-linux.yml", "macos": "latest-mac.yml", "windows": "latest.yml"}
PACKAGE = "signal-desktop"
# The feeds are a few KiB; Signal's Packages index a few MiB. Anything bigger is not a feed.
MAX_FEED_BYTES = 1024 * 1024
MAX_INDEX_BYTES = 64 * 1024 * 1024
_VERSION_TEXT = re.compile(r"^\d+\.\d+(\.\d+)?([-+.][0-9A-Za-z.+~-]*)?$")


def parse_release_date(text):
    """ISO 8601 ('2025-11-19T18:25:09.575Z') -> aware datetime, or None."""
    if not isinstance(text, str) or not text.strip():
        return None
    value = text.strip().replace("Z", "+00:00")
    # Python 3.11 fromisoformat takes fractions of any length and 'Z' only via +00:00.
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return moment


def parse_feed(data, name):
    """Parse one electron-builder feed (bytes). Return ({"version", "release_date"}, None) or (None, reason).

    Every value is read as a string (YAML's BaseLoader), so '7.80' never turns into the number 7.8."""
    if data is None:
        return None, "%s: empty response" % name
    if len(data) > MAX_FEED_BYTES:
        return None, "%s: larger than %d bytes, not a feed" % (name, MAX_FEED_BYTES)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None, "%s: not UTF-8 text" % name
    try:
        doc = yaml.load(text, Loader=yaml.BaseLoader)  # nosec - BaseLoader builds only str, list and dict
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = " at line %d" % (mark.line + 1) if mark is not None else ""
        return None, "%s: not valid YAML%s" % (name, where)
    if not isinstance(doc, dict):
        return None, "%s: not an electron-builder feed (no mapping at the top)" % name
    version = doc.get("version")
    if not isinstance(version, str) or not _VERSION_TEXT.match(version.strip()) or parse_version(version) is None:
        return None, "%s: no usable 'version' (%r)" % (name, version if isinstance(version, str) else type(version).__name__)
    date_text = doc.get("releaseDate")
    moment = parse_release_date(date_text)
    return {"version": version.strip(), "release_date": date_text.strip() if moment else None}, None


def decompress(data, name):
    """Gunzip a Packages.gz body, bounded. Returns (bytes, None) or (None, reason)."""
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as handle:
            out = handle.read(MAX_INDEX_BYTES + 1)
    except (OSError, EOFError) as exc:
        return None, "%s: not a valid gzip file (%s)" % (name, exc)
    if len(out) > MAX_INDEX_BYTES:
        return None, "%s: larger than %d bytes once unpacked" % (name, MAX_INDEX_BYTES)
    return out, None


def parse_packages(data, name, package=PACKAGE):
    """Highest Version of ``package`` in an apt Packages index (bytes).

    Returns ({"version", "release_date": None}, None) or (None, reason)."""
    if data is None:
        return None, "%s: empty response" % name
    text = data.decode("utf-8", errors="replace")
    best = None
    for stanza in dpkg.parse_stanzas(text):
        if stanza.get("package") != package or not stanza.get("version"):
            continue
        version = stanza["version"]
        if best is None or dpkg.compare_versions(version, best) > 0:
            best = version
    if best is None:
        return None, "%s: no %s package listed" % (name, package)
    return {"version": best, "release_date": None}, None


def age_days(release_date, now):
    """Whole days between an ISO release date and ``now`` (None when unknown)."""
    moment = parse_release_date(release_date)
    if moment is None:
        return None
    return max(0, (now - moment).days)
