# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""GNOME screen lock and lock-screen notifications as the administrator set
them through dconf system databases (CERT-EU 3.7 and 3.8).

Only the admin side is readable: /etc/dconf/profile/user names the system
databases, their keyfiles live in /etc/dconf/db/<db>.d/ and their locks in
/etc/dconf/db/<db>.d/locks/. A user's own choices sit in a binary database
in their home, which is not read. Hence a value is *known* only when the
administrator set it AND locked it; otherwise the user may have changed it.

Semantics follow dconf (engine/dconf-engine.c, dconf_engine_read_impl):
the user database comes first, then the system databases in profile order.
Locks are looked up from the LAST database backwards, so the lowest
listed database that locks a key decides: the value then comes from that
database or one listed after it. A lock names one key exactly: a folder
line such as '/org/gnome/' locks nothing (gvdb_table_has_value on the key).
Within one keyfile directory, files are read in byte order of their names
and the last one wins; only names starting with '.' are skipped, so a
backup such as 'x.1234.2026-01-01@10:00:00~' is read too.
"""
from __future__ import annotations

import re

from ansible_collections.hardening.signal.plugins.module_utils.probes import fs

PROFILE = "/etc/dconf/profile/user"
DB_DIR = "/etc/dconf/db"
GNOME_MARKERS = ("/usr/bin/gnome-shell", "/usr/share/gnome-shell")

# name -> (dconf path, GVariant type the GSettings schema declares)
KEYS = {
    "lock_enabled": ("/org/gnome/desktop/screensaver/lock-enabled", "b"),
    "lock_delay": ("/org/gnome/desktop/screensaver/lock-delay", "u"),
    "idle_delay": ("/org/gnome/desktop/session/idle-delay", "u"),
    "show_in_lock_screen": ("/org/gnome/desktop/notifications/show-in-lock-screen", "b"),
}

_TYPED_INT = re.compile(r"^(?:(byte|int16|uint16|int32|uint32|int64|uint64|handle)|@([ynqiuxth]))\s+"
                        r"(-?(?:0x[0-9a-fA-F]+|\d+))$")
_TYPE_NAMES = {"byte": "y", "int16": "n", "uint16": "q", "int32": "i", "uint32": "u",
               "int64": "x", "uint64": "t", "handle": "h"}


class KeyfileError(ValueError):
    """A keyfile dconf update would refuse (the whole database is then not
    rebuilt)."""


def gnome_present(root="/"):
    return any(fs.exists(root, p) for p in GNOME_MARKERS)


def parse_profile(text):
    """Return the system-db names of a dconf profile, in order."""
    dbs = []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if line.startswith("system-db:"):
            name = line[len("system-db:"):].strip()
            if name:
                dbs.append(name)
    return dbs


def parse_keyfile(text):
    """Parse a GKeyFile; return {dconf key path: raw value}. Raises
    KeyfileError for what GKeyFile or dconf update reject."""
    values = {}
    group = None
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.lstrip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            if not line.rstrip().endswith("]"):
                raise KeyfileError("line %d: malformed group header" % lineno)
            group = line.rstrip()[1:-1]
            if group.startswith("/") or group.endswith("/") or "//" in group or not group:
                raise KeyfileError("line %d: invalid group name %r" % (lineno, group))
            continue
        key, sep, value = line.partition("=")
        if not sep:
            raise KeyfileError("line %d: not a key=value pair, group or comment" % lineno)
        if group is None:
            raise KeyfileError("line %d: key before the first group" % lineno)
        key = key.rstrip()
        if "[" in key:
            continue  # localised variant: GSettings reads the plain key
        if "/" in key or not key:
            raise KeyfileError("line %d: invalid key name %r" % (lineno, key))
        values["/%s/%s" % (group, key)] = value.strip()
    return values


def parse_value(raw, wanted):
    """Return (value, error) for a GVariant text value of type ``wanted``
    ('b' or 'u'). A value of another type is ignored by GSettings (the
    schema default is used instead), so it is an error here."""
    raw = raw.strip()
    if wanted == "b":
        if raw in ("true", "false"):
            return raw == "true", None
        return None, "value %r is not a boolean" % raw
    m = _TYPED_INT.match(raw)
    if m:
        vtype = _TYPE_NAMES.get(m.group(1)) if m.group(1) else m.group(2)
        number = int(m.group(3), 0)
    elif re.match(r"^-?\d+$", raw):
        vtype, number = "i", int(raw)  # an untyped number is an int32
    else:
        return None, "value %r is not a number" % raw
    if vtype != wanted:
        return None, ("value %r has GVariant type '%s' but the key needs '%s' "
                      "(write 'uint32 %d'); GNOME ignores it" % (raw, vtype, wanted, number))
    if number < 0 or number > 0xFFFFFFFF:
        return None, "value %r is out of range for uint32" % raw
    return number, None


def _mtime(root, path):
    st, _err = fs.stat_path(root, path)
    return st.st_mtime if st is not None else None


def _read_dconf_files(root, folder, names, db):
    """Yield (path, text) of each file of ``folder`` that dconf update reads:
    it skips dot files and non-regular files, and one it cannot read breaks the database."""
    paths = [fs.join(folder, name) for name in names if not name.startswith(".")]
    for path, text, err in fs.read_regular_files(root, paths):
        if text is None:
            db["errors"].append(err)
            db.update(state="broken", reason=err)
            continue
        yield path, text


def read_db(root, name):
    """Read one system database's keyfiles and locks.

    Returns {"name", "values": {key: (raw, file)} (the file that wins),
    "settings": {key: [(raw, file), ...]} (every file, in read order), "locks": set(),
    "state": "ok"|"empty"|"stale"|"broken", "reason", "errors"}."""
    db = {"name": name, "values": {}, "settings": {}, "locks": set(), "state": "ok", "reason": None, "errors": []}
    if "/" in name or name in (".", ".."):
        db.update(state="broken", reason="invalid system-db name %r" % name)
        return db
    kdir = fs.join(DB_DIR, name + ".d")
    compiled = fs.join(DB_DIR, name)
    names, err = fs.listdir(root, kdir)
    if err:
        db.update(state="broken", reason=err)
        db["errors"].append(err)
        return db
    newest = _mtime(root, kdir)
    for path, text in _read_dconf_files(root, kdir, names, db):
        newest = max(newest or 0, _mtime(root, path) or 0)
        try:
            for key, raw in parse_keyfile(text).items():
                db["values"][key] = (raw, path)  # later files win
                db["settings"].setdefault(key, []).append((raw, path))
        except KeyfileError as exc:
            msg = "%s: %s (dconf update fails for the whole database)" % (path, exc)
            db["errors"].append(msg)
            db.update(state="broken", reason=msg)
    ldir = fs.join(kdir, "locks")
    lnames, err = fs.listdir(root, ldir)
    if err:
        db["errors"].append(err)
        db.update(state="broken", reason=err)
    if lnames:
        newest = max(newest or 0, _mtime(root, ldir) or 0)
    for path, text in _read_dconf_files(root, ldir, lnames, db):
        newest = max(newest or 0, _mtime(root, path) or 0)
        # dconf takes every line starting with '/' verbatim as a lock.
        db["locks"].update(line for line in text.split("\n") if line.startswith("/"))
    if not names and not lnames:
        db["state"] = "empty" if db["state"] == "ok" else db["state"]
        return db
    if db["state"] == "ok":
        built = _mtime(root, compiled)
        if built is None:
            db.update(state="stale", reason="%s has keyfiles but no compiled database %s "
                                            "(run 'dconf update')" % (kdir, compiled))
        elif newest is not None and built < newest:
            db.update(state="stale", reason="%s is older than its keyfiles in %s "
                                            "(run 'dconf update')" % (compiled, kdir))
    return db


def _locked(db, key):
    """dconf looks a key up in the locks table by its exact name."""
    return key in db["locks"]


def _folder_locks(dbs, key):
    return ["%s (system-db %s)" % (lock, db["name"]) for db in dbs for lock in sorted(db["locks"])
            if lock.endswith("/") and key.startswith(lock)]


def _other_settings(dbs, key, winner):
    """Every keyfile that sets ``key`` except the one whose value applies:
    evidence of a conflicting setting somebody else made."""
    out = []
    for db in dbs:
        for raw, path in db["settings"].get(key, []):
            if path != winner:
                out.append("%s: %s=%s" % (path, key, raw))
    return out


def effective(dbs, key, wanted):
    """Return {"value", "set_in", "locked_in", "reason", "error", "others"} for a key."""
    out = {"value": None, "set_in": None, "locked_in": None, "reason": None, "error": None, "others": []}
    unusable = [db for db in dbs if db["state"] in ("stale", "broken")]
    if unusable:
        out["reason"] = "dconf system database not usable: %s" % unusable[0]["reason"]
        return out
    locking = [i for i, db in enumerate(dbs) if _locked(db, key)]
    lock_at = locking[-1] if locking else None
    setters = [(i, db) for i, db in enumerate(dbs) if key in db["values"]]
    if lock_at is None:
        if setters:
            raw, path = setters[0][1]["values"][key]
            out["set_in"] = path
            out["reason"] = ("%s is set to %s in %s but not locked: a user may override it"
                             % (key, raw, path))
        else:
            out["reason"] = ("%s is not set by the administrator: GNOME's default applies "
                             "unless the user changed it" % key)
        folders = _folder_locks(dbs, key)
        if folders:
            out["reason"] += ("; the folder lock %s does not lock it (dconf locks exact keys only)"
                              % ", ".join(folders))
        out["others"] = _other_settings(dbs, key, out["set_in"])
        return out
    out["locked_in"] = dbs[lock_at]["name"]
    below = [(i, db) for i, db in setters if i >= lock_at]
    if not below:
        out["reason"] = ("%s is locked in system-db %s but not set there or below: "
                         "GNOME's schema default applies" % (key, dbs[lock_at]["name"]))
        out["others"] = _other_settings(dbs, key, None)
        return out
    raw, path = below[0][1]["values"][key]
    out["set_in"] = path
    out["others"] = _other_settings(dbs, key, path)
    value, err = parse_value(raw, wanted)
    if err:
        out["error"] = "%s: %s %s" % (path, key, err)
        return out
    out["value"] = value
    return out


def probe(root="/"):
    """Return {"gnome": bool, "system_dbs": [...], "keys": {name: effective},
    "reason": str|None (why nothing can be known), "errors": [...]}."""
    result = {"gnome": gnome_present(root), "system_dbs": [], "keys": {}, "reason": None, "errors": []}
    if not result["gnome"]:
        result["reason"] = "GNOME Shell not found; other desktops' screen lock settings are not read"
        return result
    text, err = fs.read_text_optional(root, PROFILE)
    if err:
        result["errors"].append(err)
        result["reason"] = err
        return result
    names = parse_profile(text) if text is not None else []
    result["system_dbs"] = names
    dbs = [read_db(root, n) for n in names]
    for db in dbs:
        result["errors"] += db["errors"]
    for name, (key, wanted) in KEYS.items():
        result["keys"][name] = effective(dbs, key, wanted)
        if text is None and result["keys"][name]["reason"]:
            result["keys"][name]["reason"] += " (no %s, so no system database applies)" % PROFILE
    return result
