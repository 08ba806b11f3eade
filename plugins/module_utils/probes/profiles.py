# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Signal userData folders of local users: who has one, its permissions,
does it look linked (CERT-EU 3.6)? Whether the mode is private enough is for
the control to judge.

Only metadata and the *presence* of keys in config.json are read. The key
value itself is dropped right after parsing and never returned or logged;
the encrypted database is never opened.
"""
from __future__ import annotations

import json
import posixpath
import stat

from ansible_collections.hardening.signal.plugins.module_utils.probes import fs

PASSWD = "/etc/passwd"
MACOS_USERS_DIR = "/Users"
# Relative to the home folder (signal-desktop.md, "Where state lives").
LINUX_USERDATA = (
    ".config/Signal",                              # .deb and AppImage
    ".var/app/org.signal.Signal/config/Signal",    # Flatpak (community)
    "snap/signal-desktop/current/.config/Signal",  # Snap (community)
)
MACOS_USERDATA = ("Library/Application Support/Signal",)
MAX_CONFIG_BYTES = 1024 * 1024


def _clean_home(home):
    """A usable absolute home path, or None for odd entries ('', relative,
    '/', '..' components, control characters)."""
    if not home or not home.startswith("/") or any(ord(c) < 32 for c in home):
        return None
    if ".." in home.split("/"):
        return None
    home = posixpath.normpath(home)
    if home == "/" or home.startswith("//"):
        return None
    return home


def parse_passwd(text):
    """Return [(user, uid, home)] for well-formed /etc/passwd lines."""
    users = []
    for line in text.splitlines():
        if not line or line.startswith("#") or line.startswith(("+", "-")):
            continue  # NIS compat entries name no local home
        fields = line.split(":")
        if len(fields) < 7:
            continue
        try:
            uid = int(fields[2])
        except ValueError:
            continue
        users.append((fields[0], uid, fields[5]))
    return users


def local_users(root="/", platform="linux"):
    """Return ([{"user", "home", "uid"}], errors), one entry per distinct home (uid None on macOS).

    Linux: every /etc/passwd account with a real home (a daemon that ran
    Signal would count too). macOS keeps accounts in Directory Services,
    not in a file, so its users are the folders under /Users."""
    users, errors, seen = [], [], set()
    if platform == "macos":
        names, err = fs.listdir(root, MACOS_USERS_DIR)
        if err:
            errors.append(err)
        entries = [(n, None, fs.join(MACOS_USERS_DIR, n)) for n in names
                   if not n.startswith(".") and n != "Shared"]
    else:
        text, err = fs.read_text(root, PASSWD)
        if text is None:
            return [], [err]
        entries = parse_passwd(text)
    for name, uid, home in entries:
        home = _clean_home(home)
        if home is None or home in seen or not fs.is_dir(root, home):
            continue
        seen.add(home)
        users.append({"user": name, "home": home, "uid": uid})
    return users, errors


def read_config_keys(root, path):
    """Return (has_key: bool|None, error|None, reason|None) for config.json.

    Only whether 'key' or 'encryptedKey' is present comes out of here."""
    st, err = fs.lstat(root, path)
    if st is None:
        if err.endswith("does not exist"):
            return False, None, None
        return None, None, err
    if stat.S_ISLNK(st.st_mode):
        return None, None, "%s is a symlink; not followed" % path
    data, err = fs.read_bytes(root, path, max_bytes=MAX_CONFIG_BYTES, follow_symlinks=False)
    if data is None:
        return None, None, err
    try:
        parsed = json.loads(data)
    except json.JSONDecodeError as exc:
        # Position only: the message must not quote the file's content.
        return None, "%s: not valid JSON (line %d column %d)" % (path, exc.lineno, exc.colno), None
    except (ValueError, UnicodeDecodeError):
        return None, "%s: not valid JSON (undecodable text)" % path, None
    finally:
        data = None  # drop the raw bytes, which may hold the key
    if not isinstance(parsed, dict):
        return None, "%s: not a JSON object" % path, None
    has_key = "key" in parsed or "encryptedKey" in parsed
    parsed = None  # drop the key material as soon as its presence is known
    return has_key, None, None


def inspect_profile(root, user, path):
    """Return (profile dict, unknown {field: reason}, errors {field: msg})."""
    profile = {"user": user, "path": path, "linked": None, "mode": None}
    unknown, errors = {}, {}
    st, err = fs.lstat(root, path)
    if st is None:
        unknown.update({"linked": err, "mode": err})
        return profile, unknown, errors
    if stat.S_ISLNK(st.st_mode):
        reason = "%s is a symlink; not followed (the folder it points to was not checked)" % path
        unknown.update({"linked": reason, "mode": reason})
        return profile, unknown, errors
    profile["mode"] = "%04o" % stat.S_IMODE(st.st_mode)

    db_st, db_err = fs.lstat(root, fs.join(path, "sql/db.sqlite"))
    has_key, key_error, key_reason = read_config_keys(root, fs.join(path, "config.json"))
    if key_error:
        errors["linked"] = key_error
    elif has_key is None:
        unknown["linked"] = key_reason
    elif db_st is None and db_err and not db_err.endswith("does not exist"):
        unknown["linked"] = db_err
    else:
        profile["linked"] = bool(db_st is not None and has_key)
    return profile, unknown, errors


def probe(root="/", users=None, platform="linux"):
    """Return (items, errors) where each item is (profile, unknown, errors)
    for every existing Signal userData folder of the given users."""
    errors = []
    if users is None:
        users, errors = local_users(root, platform)
    rels = MACOS_USERDATA if platform == "macos" else LINUX_USERDATA
    items = []
    for entry in users:
        for rel in rels:
            path = fs.join(entry["home"], rel)
            st, _err = fs.lstat(root, path)
            if st is None:
                continue
            if not (stat.S_ISDIR(st.st_mode) or stat.S_ISLNK(st.st_mode)):
                continue  # a stray file of that name is not a profile
            items.append(inspect_profile(root, entry["user"], path))
    return items, errors
