# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Turn win_desktop_info's raw document into the desktop facts document.

The PowerShell module only collects registry values, file versions and the
Authenticode signer; every decision is here, on the controller, where it is
tested with recorded outputs:

- installs (3.1, 3.2): per Signal.exe its version, the Authenticode status and
  the signer's subject and common name, and the date the build expires (from
  resources/app.asar); whether that signer is Signal's is for the control to
  judge (thumbprints rotate, so it matches the name).
- screen lock (3.7): the machine inactivity limit (InactivityTimeoutSecs,
  a policy) wins; otherwise the password-protected screen saver of each
  logged-on user (policy values over the user's own), with the
  ScreenSaverGracePeriod as the extra delay (Windows' default 5 s).
- lock-screen notifications (3.8): hidden by the machine policy
  DisableLockScreenAppNotifications, or, per user, by the policy
  NoToastApplicationNotificationOnLockScreen, toasts switched off, the
  'show notifications on the lock screen' setting off, or Signal's own
  per-app switches. Windows shows them by default.

Only hives of logged-on users are readable (the module loads none), so a
user who is not logged on is reported, not guessed.
"""
from __future__ import annotations

import json
import re

from ansible_collections.hardening.signal.plugins.module_utils.engine.versions import parse_version
from ansible_collections.hardening.signal.plugins.module_utils.probes import hosts_file
from ansible_collections.hardening.signal.plugins.module_utils.probes.asar import moment_of
from ansible_collections.hardening.signal.plugins.module_utils.probes.facts_document import FactsDocument

RAW_FORMAT = "hardening.signal/windows-raw"
DEFAULT_GRACE_SECONDS = 5
# Where the next attribute of an X.500 name starts (", O=", ", L=", ", OID.2.5.4.97=").
_NEXT_RDN = re.compile(r",\s*(?:OID\.)?[A-Za-z][A-Za-z0-9.]*=")
MACHINE_LIMIT = "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System\\InactivityTimeoutSecs"
LOCK_NOTIFICATION_POLICY = "HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\System\\DisableLockScreenAppNotifications"
NOT_LOGGED_ON = "profile(s) %s are not logged on: their registry settings were not read"
HOSTS_PATH = "%SystemRoot%\\System32\\drivers\\etc\\hosts"


class RawDocumentError(ValueError):
    """The raw document is not what win_desktop_info returns."""


def common_name(subject):
    """The CN of an X.500 subject as .NET prints it: values with commas are quoted; an unquoted value ends where
    the next attribute starts (so 'CN=Signal Messenger, LLC, O=...' keeps its comma)."""
    if not isinstance(subject, str):
        return None
    m = re.search(r'(?:^|,\s*)CN="((?:[^"]|"")*)"', subject)
    if m:
        return m.group(1).replace('""', '"')
    m = re.search(r"(?:^|,\s*)CN=", subject)
    if not m:
        return None
    rest = subject[m.end():]
    end = _NEXT_RDN.search(rest)
    return (rest[:end.start()] if end else rest).strip()


def signature_of(raw):
    """(signature dict or None, reasons {field: text}) from the Authenticode values Get-AuthenticodeSignature gave."""
    if not isinstance(raw, dict):
        return None, {"": "the Authenticode signature of Signal.exe could not be read"}
    status = raw.get("status") if isinstance(raw.get("status"), str) else None
    subject = raw.get("signer_subject") if isinstance(raw.get("signer_subject"), str) else None
    out = {"status": status, "signer_subject": subject, "signer_name": common_name(subject)}
    reasons = {}
    if status is None:
        reasons["status"] = "Get-AuthenticodeSignature gave no status"
    elif status != "Valid" and isinstance(raw.get("status_message"), str):
        out["status_message"] = raw["status_message"][:500]
    if subject is None:
        reasons["signer_subject"] = reasons["signer_name"] = "Signal.exe carries no signer certificate (%s)" % (
            status or "no status")
    elif out["signer_name"] is None:
        reasons["signer_name"] = "the signer's subject has no common name (CN)"
    return out, reasons


def build_expiry(raw):
    """(ISO date-time or None, reason, error) from the config/local-production.json texts win_desktop_info read."""
    if not isinstance(raw, dict):
        return None, "resources\\app.asar was not read", None
    path = raw.get("path") or "resources\\app.asar"
    if raw.get("error"):
        return None, "%s could not be read: %s" % (path, str(raw["error"])[:300]), None
    if not raw.get("exists"):
        return None, "%s does not exist" % path, None
    found = set()
    for text in raw.get("configs") or []:
        try:
            config = json.loads(text) if isinstance(text, str) else None
        except ValueError:
            continue
        if isinstance(config, dict) and "buildExpiration" in config:
            found.add(json.dumps(config["buildExpiration"]))
    if not found:
        return None, "%s holds no config/local-production.json with buildExpiration" % path, None
    if len(found) > 1:
        return None, None, "%s holds several config/local-production.json with different buildExpiration" % path
    value = json.loads(found.pop())
    moment = moment_of(value)
    if moment is None:
        return None, None, "%s: buildExpiration %r is not a time in epoch milliseconds" % (path, value)
    return moment, None, None


def _int(value):
    """Registry values arrive as numbers (DWORD) or strings (REG_SZ); None when neither."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.match(r"^\s*-?\d+\s*$", value):
        return int(value)
    return None


def _folder(path):
    return path.rsplit("\\", 1)[0] if isinstance(path, str) and "\\" in path else path


def _exe_version(exe):
    for field in ("product_version", "file_version"):
        value = exe.get(field)
        if isinstance(value, str) and parse_version(value) is not None:
            parts = value.strip().split(".")
            # Windows file versions have four parts; Signal's own version has three.
            if len(parts) == 4 and parts[3] == "0":
                value = ".".join(parts[:3])
            return value.strip()
    return None


def _user_label(user):
    return user.get("name") or user.get("sid") or "?"


def _installs(users):
    """[(install dict, reasons {field: text}, errors {field: text})]."""
    out = []
    for user in users:
        entries = [e for e in (user.get("uninstall") or []) if isinstance(e, dict)]
        by_folder = {}
        for entry in entries:
            if isinstance(entry.get("InstallLocation"), str):
                by_folder[entry["InstallLocation"].rstrip("\\").lower()] = entry
        matched = set()
        for exe in user.get("exes") or []:
            if not isinstance(exe, dict) or not exe.get("exists"):
                continue
            folder = _folder(exe.get("path"))
            entry = by_folder.get((folder or "").rstrip("\\").lower())
            if entry is not None:
                matched.add(id(entry))
            version = (entry or {}).get("DisplayVersion") or _exe_version(exe)
            signature, sig_reasons = signature_of(exe.get("signature"))
            reasons = {("signature.%s" % f if f else "signature"): why for f, why in sig_reasons.items()}
            errors = {}
            expires, why, bad = build_expiry(exe.get("asar"))
            if bad:
                errors["build_expires"] = bad
            elif why:
                reasons["build_expires"] = why
            if version is None:
                reasons["version"] = "neither the uninstall entry nor Signal.exe states a version"
            out.append(({"kind": "windows_user", "path": folder, "user": _user_label(user), "version": version,
                         "signature": signature, "build_expires": expires}, reasons, errors))
        for entry in entries:
            if id(entry) in matched:
                continue
            where = entry.get("InstallLocation") or "(no InstallLocation)"
            why = "the uninstall entry of %s names %s but Signal.exe was not found there" % (_user_label(user), where)
            out.append(({"kind": "windows_user", "path": where, "user": _user_label(user),
                         "version": entry.get("DisplayVersion"), "signature": None, "build_expires": None},
                        {"signature": why, "build_expires": why, "version": "no version in the uninstall entry"}, {}))
    return out


def _signal(doc, raw, users):
    installs = _installs(users)
    not_loaded = [_user_label(u) for u in users if not u.get("hive_loaded")]
    if not installs:
        doc.put("signal.installed", False)
        doc.put("signal.installs", [])
        reason = "Signal Desktop is not installed"
        doc.observe("signal.version", None, reason)
        doc.reason("signal.profiles", reason)
        if not_loaded:
            doc.reason("signal.installs", "installs in a custom folder of %s" % (NOT_LOGGED_ON % ", ".join(not_loaded)))
        return
    doc.put("signal.installed", True)
    doc.put("signal.installs", [])
    for idx, (inst, reasons, errors) in enumerate(installs):
        doc.data["signal"]["installs"].append(inst)
        for field, why in reasons.items():
            doc.reason("signal.installs.%d.%s" % (idx, field), why)
        for field, message in errors.items():
            doc.error("signal.installs.%d.%s" % (idx, field), message)
    versions = [i["version"] for i, _r, _e in installs]
    if any(v is None for v in versions):
        idx = versions.index(None)
        doc.observe("signal.version", None, "version of the install at %s is unknown" % installs[idx][0]["path"])
    else:
        doc.put("signal.version", max(versions, key=lambda v: parse_version(v) or (0, 0, 0)))
    doc.put("signal.profiles", [])
    for user in users:
        data = user.get("signal_userdata")
        if not isinstance(data, dict) or not data.get("exists"):
            continue
        idx = len(doc.data["signal"]["profiles"])
        linked = bool(data.get("config_json")) and bool(data.get("db_sqlite"))
        doc.data["signal"]["profiles"].append({"user": _user_label(user), "path": data.get("path") or "?",
                                               "linked": linked, "mode": None})
        doc.reason("signal.profiles.%d.mode" % idx, "Windows ACLs are not read")


def _update(doc, machine):
    """The hosts-file entries that name Signal's update server (win_desktop_info returns the lines that mention
    signal.org and, since it reports them, their line numbers). Proxy settings are not read on Windows."""
    doc.observe("update.unattended_upgrades", None,
                "applies to Linux only: Signal's own updater updates the app on this platform")
    if not machine.get("hosts_read"):
        doc.observe("update.hosts_entries", None, "the hosts file could not be read")
        return
    raw_lines = machine.get("hosts_lines") or []
    numbers = machine.get("hosts_line_numbers")
    if not isinstance(numbers, list) or len(numbers) != len(raw_lines):
        numbers = [None] * len(raw_lines)
    kept = [(re.sub(r"[\r\n]", " ", line), number if isinstance(number, int) and not isinstance(number, bool) else None)
            for line, number in zip(raw_lines, numbers) if isinstance(line, str)]
    entries = hosts_file.entries("\n".join(line for line, _n in kept), hosts_file.UPDATE_HOST, HOSTS_PATH,
                                 [number for _line, number in kept])
    doc.put("update.hosts_entries", entries)
    for idx, entry in enumerate(entries):
        if entry["line"] is None:
            doc.reason("update.hosts_entries.%d.line" % idx, "win_desktop_info did not report the line number")


def _relevant_users(users):
    """Users whose settings matter: those with Signal (if any), else everyone."""
    with_signal = [u for u in users if any(isinstance(e, dict) and e.get("exists") for e in u.get("exes") or [])
                   or u.get("uninstall")]
    return with_signal or users


def _read_users(doc, section, keys, users, unread_reason):
    """(users that matter whose registry hive was read, labels of the others).
    When none was read, each of ``keys`` of ``section`` is unknown for
    ``unread_reason``, which then names the users that are not logged on."""
    relevant = _relevant_users(users)
    loaded = [u for u in relevant if u.get("hive_loaded")]
    not_loaded = [_user_label(u) for u in relevant if not u.get("hive_loaded")]
    if not loaded:
        if not_loaded:
            unread_reason += "; " + NOT_LOGGED_ON % ", ".join(not_loaded)
        for key in keys:
            doc.observe("%s.%s" % (section, key), None, unread_reason)
    return loaded, not_loaded


def _screen_saver(user):
    """(enabled, idle seconds, from policy) for a logged-on user."""
    own, policy = user.get("desktop") or {}, user.get("desktop_policy") or {}

    def value(name):
        return policy.get(name) if policy.get(name) is not None else own.get(name)
    active = str(value("ScreenSaveActive") or "") == "1"
    secure = str(value("ScreenSaverIsSecure") or "") == "1"
    program = value("SCRNSAVE.EXE")
    timeout = _int(value("ScreenSaveTimeOut")) or 0
    enabled = active and secure and bool(program) and timeout > 0
    from_policy = all(policy.get(n) is not None for n in ("ScreenSaveActive", "ScreenSaverIsSecure", "ScreenSaveTimeOut"))
    return enabled, timeout if enabled else 0, from_policy


def _screen_lock(doc, machine, users):
    limit = _int((machine.get("system_policy") or {}).get("InactivityTimeoutSecs"))
    if limit is not None and limit > 0:
        doc.put("screen_lock.enabled", True)
        doc.put("screen_lock.idle_delay_seconds", limit)
        doc.put("screen_lock.lock_delay_seconds", 0)
        doc.put("screen_lock.locked_by_admin", True)
        doc.put("screen_lock.source", "policy: %s" % MACHINE_LIMIT)
        return
    loaded, not_loaded = _read_users(
        doc, "screen_lock", ("enabled", "idle_delay_seconds", "lock_delay_seconds", "locked_by_admin", "source"), users,
        "no machine inactivity limit (InactivityTimeoutSecs) and no logged-on user whose screen saver could be read")
    if not loaded:
        return
    states = [(u, _screen_saver(u)) for u in loaded]
    enabled = all(s[0] for _u, s in states)
    doc.put("screen_lock.enabled", enabled)
    doc.put("screen_lock.idle_delay_seconds", max(s[1] for _u, s in states) if enabled else 0)
    grace = _int((machine.get("winlogon") or {}).get("ScreenSaverGracePeriod"))
    doc.put("screen_lock.lock_delay_seconds", grace if grace is not None else DEFAULT_GRACE_SECONDS)
    doc.put("screen_lock.locked_by_admin", all(s[2] for _u, s in states))
    kind = "policy" if all(s[2] for _u, s in states) else "user setting"
    source = "%s: password-protected screen saver (Control Panel\\Desktop) of %s" % (
        kind, ", ".join(_user_label(u) for u, _s in states))
    if not_loaded:
        source += " (" + NOT_LOGGED_ON % ", ".join(not_loaded) + ")"
    doc.put("screen_lock.source", source)


def _hidden_for(user):
    """(hidden: bool, what decided it)."""
    policy = user.get("notifications_policy") or {}
    if _int(policy.get("NoToastApplicationNotificationOnLockScreen")) == 1:
        return True, "policy NoToastApplicationNotificationOnLockScreen"
    if _int(policy.get("NoToastApplicationNotification")) == 1:
        return True, "policy NoToastApplicationNotification (all toasts off)"
    push = user.get("push_notifications") or {}
    settings = user.get("notifications") or {}
    if _int(push.get("ToastEnabled")) == 0 or _int(settings.get("NOC_GLOBAL_SETTING_TOASTS_ENABLED")) == 0:
        return True, "notifications switched off"
    if _int(settings.get("NOC_GLOBAL_SETTING_ALLOW_TOASTS_ABOVE_LOCK")) == 0 or _int(push.get("LockScreenToastEnabled")) == 0:
        return True, "'show notifications on the lock screen' off"
    app = user.get("signal_toasts") or {}
    if _int(app.get("Enabled")) == 0:
        return True, "Signal's notifications switched off"
    if _int(app.get("AllowContentAboveLock")) == 0:
        return True, "Signal's notifications hidden on the lock screen"
    return False, "Windows shows notifications on the lock screen (default)"


def _lockscreen(doc, machine, users):
    if _int((machine.get("system_policy_windows") or {}).get("DisableLockScreenAppNotifications")) == 1:
        doc.put("lockscreen_notifications.hides_content", True)
        doc.put("lockscreen_notifications.source", "policy: %s" % LOCK_NOTIFICATION_POLICY)
        return
    loaded, _not_loaded = _read_users(doc, "lockscreen_notifications", ("hides_content", "source"), users,
                                      "no lock-screen notification policy and no logged-on user whose setting could be read")
    if not loaded:
        return
    verdicts = [(u, _hidden_for(u)) for u in loaded]
    shown = [(u, v) for u, v in verdicts if not v[0]]
    doc.put("lockscreen_notifications.hides_content", not shown)
    decisive = shown or verdicts
    doc.put("lockscreen_notifications.source", "; ".join("%s: %s" % (_user_label(u), v[1]) for u, v in decisive))


def facts_from_raw(raw):
    """The desktop facts document (schemas/desktop_facts.schema.json) of a Windows host."""
    if not isinstance(raw, dict) or raw.get("format") != RAW_FORMAT:
        raise RawDocumentError("not a %s document" % RAW_FORMAT)
    if raw.get("format_version") != 1:
        raise RawDocumentError("format_version %r is not supported (1 is)" % raw.get("format_version"))
    users = raw.get("users")
    machine = raw.get("machine")
    if not isinstance(users, list) or not all(isinstance(u, dict) for u in users) or not isinstance(machine, dict):
        raise RawDocumentError("users must be a list of objects and machine an object")
    doc = FactsDocument("windows")
    os_info = raw.get("os") if isinstance(raw.get("os"), dict) else {}
    doc.put("os.family", "windows")
    doc.observe("os.distribution", os_info.get("caption"), "the OS caption could not be read")
    doc.observe("os.version", os_info.get("version"), "the OS version could not be read")
    doc.observe("os.desktop", None, "Windows has no desktop environment to choose")
    _signal(doc, raw, users)
    _update(doc, machine)
    _screen_lock(doc, machine, users)
    _lockscreen(doc, machine, users)
    errors = [e for e in raw.get("errors") or [] if isinstance(e, str)]
    if errors:
        doc.error("windows_raw", "; ".join(errors)[:4000])
    return doc.done()[0]


def facts_from_probe(probe):
    """A registered win_desktop_info result -> the same result with ``facts`` (raises RawDocumentError)."""
    out = dict(probe)
    out["facts"] = facts_from_raw(probe.get("windows_raw"))
    return out
