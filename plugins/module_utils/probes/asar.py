# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The date a Signal Desktop build stops working, read from its resources/app.asar (CERT-EU 3.2).

At build time Signal writes buildExpiration (epoch milliseconds) into config/local-production.json inside the
app's asar archive; after that moment the app refuses to run. An asar archive is a small header followed by the
files: a Chromium pickle holding the header's size (bytes 4-7), then a pickle holding the JSON index (its length
at bytes 12-15, the JSON from byte 16); a file's bytes start at 8 + header size + its "offset". Files marked
"unpacked" live next to the archive, in app.asar.unpacked.

Only the index and that one small file are read. The index of Signal's archive lists every bundled module (some
megabytes): its top-level entries are walked in order and decoded one by one until "config" is found, so the
modules that sort after it are never decoded.
"""
from __future__ import annotations

import datetime
import json
import os
import stat
import struct

from ansible_collections.hardening.signal.plugins.module_utils.probes import fs

CONFIG_DIR = "config"
CONFIG_FILE = "local-production.json"
MAX_INDEX_BYTES = 64 * 1024 * 1024
MAX_CONFIG_BYTES = 1024 * 1024
_DECODER = json.JSONDecoder()
_WHITESPACE = " \t\n\r"


class AsarError(ValueError):
    """The archive is not laid out as an asar archive is."""


def _skip(text, at):
    while at < len(text) and text[at] in _WHITESPACE:
        at += 1
    return at


def _expect(text, at, char):
    at = _skip(text, at)
    if text[at:at + 1] != char:
        raise AsarError("malformed index: expected %r at character %d" % (char, at))
    return at + 1


def _member(text, at, name):
    """Where the value of the member name of the JSON object at at starts, or None when it has no such member
    (the members before it are read past, not kept)."""
    at = _expect(text, at, "{")
    while True:
        at = _skip(text, at)
        if text[at:at + 1] == "}":
            return None
        key, at = json.decoder.scanstring(text, _expect(text, at, '"'))
        at = _skip(text, _expect(text, at, ":"))
        if key == name:
            return at
        _value, at = _DECODER.raw_decode(text, at)
        at = _skip(text, at)
        if text[at:at + 1] == ",":
            at += 1


def top_entry(index_text, name):
    """The entry of one top-level name of the index ({"files": {...}} for a folder), or None when absent."""
    files = _member(index_text, 0, "files")
    at = _member(index_text, files, name) if files is not None else None
    return _DECODER.raw_decode(index_text, at)[0] if at is not None else None


def _read_index(handle):
    head = handle.read(16)
    if len(head) < 16:
        raise AsarError("shorter than an asar header")
    _four, header_size, _payload, index_length = struct.unpack("<IIII", head)
    if index_length > MAX_INDEX_BYTES or index_length + 8 > header_size + 8:
        raise AsarError("index length %d does not fit its header (%d bytes)" % (index_length, header_size))
    data = handle.read(index_length)
    if len(data) < index_length:
        raise AsarError("the index is cut short")
    try:
        return header_size, data.decode("utf-8")
    except UnicodeDecodeError:
        raise AsarError("the index is not UTF-8 text")


def _open_regular(root, path):
    """The archive opened for reading; a FIFO or folder planted in its place is refused without blocking."""
    fd = os.open(fs.host_path(root, path), os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise AsarError("not a regular file")
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_config(root, path):
    """(config dict or None, reason or None, error or None) for config/local-production.json of the archive."""
    try:
        with _open_regular(root, path) as handle:
            header_size, index = _read_index(handle)
            try:
                folder = top_entry(index, CONFIG_DIR)
            except ValueError as exc:
                raise AsarError("malformed index (%s)" % exc)
            entry = ((folder or {}).get("files") or {}).get(CONFIG_FILE) if isinstance(folder, dict) else None
            if not isinstance(entry, dict):
                return None, "%s holds no %s/%s" % (path, CONFIG_DIR, CONFIG_FILE), None
            if entry.get("unpacked"):
                data, err = fs.read_bytes(root, fs.join(path + ".unpacked", CONFIG_DIR, CONFIG_FILE),
                                          max_bytes=MAX_CONFIG_BYTES)
                if data is None:
                    return None, err, None
            else:
                size, offset = entry.get("size"), entry.get("offset")
                if not isinstance(size, int) or not isinstance(offset, str) or not offset.isdigit():
                    raise AsarError("the index entry of %s/%s has no usable size and offset" % (CONFIG_DIR, CONFIG_FILE))
                if size > MAX_CONFIG_BYTES:
                    raise AsarError("%s/%s is %d bytes, more than a configuration file" % (CONFIG_DIR, CONFIG_FILE, size))
                handle.seek(8 + header_size + int(offset))
                data = handle.read(size)
                if len(data) < size:
                    raise AsarError("%s/%s is cut short" % (CONFIG_DIR, CONFIG_FILE))
    except FileNotFoundError:
        return None, "%s does not exist" % path, None
    except OSError as exc:
        return None, "%s: %s" % (path, fs.describe_oserror(exc)), None
    except AsarError as exc:
        return None, None, "%s: not a readable asar archive: %s" % (path, exc)
    try:
        config = json.loads(data.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return None, None, "%s: %s/%s is not valid JSON" % (path, CONFIG_DIR, CONFIG_FILE)
    if not isinstance(config, dict):
        return None, None, "%s: %s/%s is not a JSON object" % (path, CONFIG_DIR, CONFIG_FILE)
    return config, None, None


def moment_of(milliseconds):
    """An epoch-milliseconds number as an ISO 8601 UTC date-time, or None when it is not a plausible one."""
    if isinstance(milliseconds, bool) or not isinstance(milliseconds, (int, float)):
        return None
    try:
        moment = datetime.datetime.fromtimestamp(milliseconds / 1000.0, tz=datetime.timezone.utc)
    except (OverflowError, OSError, ValueError):
        return None
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def build_expiration(root, path):
    """(ISO 8601 date-time or None, reason or None, error or None): when the build in the archive at ``path``
    expires, from buildExpiration in config/local-production.json."""
    config, reason, error = read_config(root, path)
    if config is None:
        return None, reason, error
    value = config.get("buildExpiration")
    if value is None:
        return None, "%s: %s/%s sets no buildExpiration" % (path, CONFIG_DIR, CONFIG_FILE), None
    moment = moment_of(value)
    if moment is None:
        return None, None, "%s: buildExpiration %r is not a time in epoch milliseconds" % (path, value)
    return moment, None, None
