# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Assemble the facts document of one workstation
(schemas/desktop_facts.schema.json) from the individual probes.

Rules kept here, in one place:
- a value that could not be observed is None and its dotted path has a
  reason in ``unknown_reasons``; a malformed input is explained in
  ``errors`` under the dotted path of the value it concerns, naming the file;
- nothing raises to the caller: a probe that fails unexpectedly turns into
  an ``errors`` entry for its section;
- no key material ever enters the document (profiles.py only reports the
  presence of keys);
- the probes report what they saw (per install: its package, version, apt
  sources and their keys, code signature, expiry date; per profile: its
  path and mode); the controls judge it on the controller.
"""
from __future__ import annotations

import datetime
import re
import sys
from urllib.parse import urlparse

from ansible_collections.hardening.signal.plugins.module_utils.probes import (
    appimage,
    apt_conf,
    apt_sources,
    community_builds,
    dpkg,
    fs,
    gnome_dconf,
    hosts_file,
    os_release,
    profiles,
    proxy_settings,
    unattended_upgrades,
)
from ansible_collections.hardening.signal.plugins.module_utils.probes.facts_document import FactsDocument

SIGNAL_PACKAGE = "signal-desktop"
DEB_PATH = "/opt/Signal"
DEB_ARCHIVE = DEB_PATH + "/resources/app.asar"
# The package's postinst touches it on every install or upgrade: its time is when the installed build arrived.
DEB_POSTINST = DEB_PATH + "/.signal-postinst"
NOT_INSTALLED = "Signal Desktop is not installed"
# A sources-file problem that names its line is a malformed entry; other problems are files that could not be read.
_MALFORMED_SOURCE = re.compile(r"^\S+:\d+: ")


def detect_platform():
    if sys.platform.startswith("linux"):
        return "linux"
    if sys.platform == "darwin":
        return "macos"
    return "windows"


def _guard(doc, section, func, *args):
    """Run one section; an unexpected exception becomes an error entry."""
    try:
        func(doc, *args)
    except Exception as exc:  # never raise to the module
        doc.error(section, "internal error while probing %s: %s: %s"
                  % (section, exc.__class__.__name__, exc))


# --- os -----------------------------------------------------------------

def _os_section(doc, root, state):
    if doc.data["platform"] == "macos":
        ident, err = os_release.macos_identity(root)
        doc.error("os.version", err)
    else:
        fields, err = os_release.read_os_release(root)
        state["os_release"] = fields or {}
        if fields is None:
            ident = {"family": None, "distribution": None, "version": None}
            doc.error("os.family", err)
            unread = err or "no /etc/os-release or /usr/lib/os-release"
            for key in ("family", "distribution", "version"):
                doc.observe("os." + key, None, unread)
            return
        ident = os_release.linux_identity(fields)
    for key in ("family", "distribution", "version"):
        doc.observe("os." + key, ident[key], "not stated by the OS release file")


# --- signal -------------------------------------------------------------

def _read_once(state, key, read, *args):
    """read(*args), read once per collect: dpkg's status and apt's configuration serve several probes."""
    if key not in state:
        state[key] = read(*args)
    return state[key]


def _moment(seconds):
    return datetime.datetime.fromtimestamp(int(seconds), tz=datetime.timezone.utc).isoformat().replace("+00:00", "Z")


def _deb_install(doc, root, options, state):
    """Return (install or None, dpkg error or None). The install carries its reasons and errors, keyed by field
    path relative to it, under _reasons and _errors."""
    pkg = dpkg.package_info(root, SIGNAL_PACKAGE, _read_once(state, "dpkg_status", dpkg.read_status, root))
    if not pkg["installed"]:
        return None, pkg["error"]
    # Read only where the package is installed: a host without it does not compile them (the probe's cost is
    # mostly compiling its code, a module runs from a zip).
    from ansible_collections.hardening.signal.plugins.module_utils.probes import asar, processes

    reasons, errors = {}, {}
    install = {"kind": "deb", "path": DEB_PATH, "package": SIGNAL_PACKAGE, "version": pkg["version"]}
    if pkg["version"] is None:
        reasons["version"] = "dpkg status has no Version for %s" % SIGNAL_PACKAGE
    sources, source_reasons, source_errors, incomplete = apt_sources.package_sources(
        root, options["apt_repo_url"], SIGNAL_PACKAGE, options.get("apt_cat_file"))
    install["apt_sources"] = sources
    for index, fields in source_reasons.items():
        reasons.update(("apt_sources.%d.%s" % (index, field), why) for field, why in fields.items())
    for index, fields in source_errors.items():
        errors.update(("apt_sources.%d.%s" % (index, field), why) for field, why in fields.items())
    malformed = [p for p in incomplete if _MALFORMED_SOURCE.match(p)]
    unread = [p for p in incomplete if p not in malformed]
    if malformed:
        errors["apt_sources"] = "malformed apt source entries (apt refuses to update with them): " + "; ".join(malformed)
    if unread:
        reasons["apt_sources"] = "some apt source files could not be read: " + "; ".join(unread)
    install["build_expires"], why, bad = asar.build_expiration(root, DEB_ARCHIVE)
    if bad:
        errors["build_expires"] = bad
    elif why:
        reasons["build_expires"] = why
    st, err = fs.stat_path(root, DEB_POSTINST)
    install["installed_at"] = _moment(st.st_mtime) if st is not None else None
    if st is None:
        reasons["installed_at"] = ("%s does not exist: the package's postinst did not run" % DEB_POSTINST
                                   if err.endswith("does not exist") else err)
    by_uid = state.get("users_by_uid") or {}
    install["running"], why = processes.signal_processes(root, by_uid)
    if why:
        reasons["running"] = why
    install["_reasons"], install["_errors"] = reasons, errors
    return install, None


def _signal_section(doc, root, options, state):
    platform = doc.data["platform"]
    users, user_errors = profiles.local_users(root, platform)
    state["users"] = users
    state["users_by_uid"] = {u["uid"]: u["user"] for u in users if u.get("uid") is not None}
    installs = []
    install_unknown = None  # why "installed" cannot be decided, if so
    searched = []  # why the list of installs may be incomplete
    if platform == "macos":
        # macOS-only probes are imported here: every Linux probe would otherwise compile them (about 8 ms a host).
        from ansible_collections.hardening.signal.plugins.module_utils.probes import macos_app

        apps, unknown, errors = macos_app.probe(root, users, options.get("codesign_outputs"),
                                                options.get("codesign_verified"))
        for idx, app in enumerate(apps):
            app["_reasons"], app["_errors"] = unknown.get(idx, {}), errors.get(idx, {})
            installs.append(app)
    else:
        deb, dpkg_error = _deb_install(doc, root, options, state)
        if deb:
            installs.append(deb)
        elif dpkg_error:
            doc.error("signal.installed", dpkg_error)
            install_unknown = "the dpkg database could not be read"
        images, image_reasons, image_errors = appimage.probe(root, users)
        for idx, image in enumerate(images):
            image["_reasons"], image["_errors"] = image_reasons.get(idx, {}), {}
            installs.append(image)
        searched += image_errors
        builds, errors = community_builds.probe(root, users)
        for build in builds:
            build["_reasons"], build["_errors"] = {}, {}
            if build["version"] is None:
                build["_reasons"]["version"] = "no version found in the %s's metadata" % build["kind"]
            build["build_expires"] = None
            build["_reasons"]["build_expires"] = "the expiry date of %s builds is not read" % build["kind"]
            installs.append(build)
        searched += errors

    if not installs:
        reason = NOT_INSTALLED
        if install_unknown:
            # "installed" is a boolean in the schema: leave it out instead.
            reason = "unknown whether Signal Desktop is installed: " + install_unknown
            doc.reason("signal.installed", reason)
        else:
            doc.put("signal.installed", False)
        doc.put("signal.installs", [])
        doc.observe("signal.version", None, reason)
        doc.reason("signal.profiles", reason)
        if searched:
            doc.reason("signal.installs", "some places where Signal may be installed could not be read: "
                       + "; ".join(searched))
        return

    doc.put("signal.installed", True)
    doc.put("signal.installs", [])
    for idx, inst in enumerate(installs):
        reasons, errors = inst.pop("_reasons"), inst.pop("_errors")
        doc.data["signal"]["installs"].append(inst)
        for field, message in errors.items():
            doc.error("signal.installs.%d.%s" % (idx, field), message)
        for field, why in reasons.items():
            if field not in errors:
                doc.reason("signal.installs.%d.%s" % (idx, field), why)
    if searched:
        # An install may hide where the probe could not look: the list proves no pass (engine rule).
        doc.reason("signal.installs", "some places where Signal may be installed could not be read: %s"
                   % "; ".join(searched))

    _signal_version(doc, installs)
    _signal_profiles(doc, root, users, user_errors, platform)


def _signal_version(doc, installs):
    missing = [i for i in installs if not i.get("version")]
    if missing:
        doc.observe("signal.version", None, "version of the %s install at %s is unknown"
                    % (missing[0]["kind"], missing[0]["path"]))
        return
    best = installs[0]["version"]
    for inst in installs[1:]:
        if dpkg.compare_versions(inst["version"], best) > 0:
            best = inst["version"]
    doc.put("signal.version", best)


def _signal_profiles(doc, root, users, user_errors, platform):
    items, errors = profiles.probe(root, users, platform)
    doc.put("signal.profiles", [])
    for idx, (profile, unknown, perrors) in enumerate(items):
        doc.data["signal"]["profiles"].append(profile)
        for field in ("linked", "mode"):
            path = "signal.profiles.%d.%s" % (idx, field)
            if field in perrors:
                doc.error(path, perrors[field])
            if profile[field] is None and field not in perrors:
                doc.reason(path, unknown.get(field) or "not observed")
    if user_errors or errors:
        # Users the probe could not list may have Signal folders of their own.
        doc.reason("signal.profiles", "the local users could not all be listed: %s" % "; ".join(user_errors + errors))


# --- update -------------------------------------------------------------

def _update_section(doc, root, options, state):
    """What may keep updates from Signal's server, and what updates Signal on Linux: the hosts-file entries that
    name the server, the proxies that apply to it, unattended-upgrades' settings. Judged by the sh-3.2 controls."""
    url = urlparse(options["apt_repo_url"])
    host = url.hostname or hosts_file.UPDATE_HOST
    hosts = hosts_file.probe(root, host)
    if hosts["error"]:
        doc.error("update.hosts_entries", hosts["error"])
    else:
        doc.put("update.hosts_entries", hosts["entries"])
    if doc.data["platform"] != "linux":
        # Proxy settings are read on Linux only: update.proxies is left out (not looked at), and the control
        # judges the hosts file alone there, as its notes say.
        doc.observe("update.unattended_upgrades", None,
                    "applies to Linux only: Signal's own updater updates the app on this platform")
        return
    apt_config = _read_once(state, "apt_config", apt_conf.read_config, root)
    proxies = proxy_settings.probe(root, host, url.scheme or "https", apt_config)
    doc.put("update.proxies", proxies["proxies"])
    for err in proxies["errors"]:
        doc.error("update.proxies", err)
    uu = unattended_upgrades.probe(root, state.get("os_release"),
                                   _read_once(state, "dpkg_status", dpkg.read_status, root), apt_config)
    errors, reasons = uu.pop("errors"), uu.pop("reasons")
    doc.put("update.unattended_upgrades", uu)
    for field, why in reasons.items():
        doc.reason("update.unattended_upgrades." + field, why)
    for field, message in errors.items():
        doc.error("update.unattended_upgrades." + field, message)


# --- screen lock and lock-screen notifications ---------------------------

def _desktop_section(doc, root, state):
    if doc.data["platform"] == "macos":
        _macos_settings(doc, root, state.get("users") or [])
        return
    if doc.data["platform"] != "linux":
        reason = "screen lock settings are not read on %s" % doc.data["platform"]
        doc.observe("os.desktop", None, reason)
        _all_null(doc, reason)
        return
    g = gnome_dconf.probe(root)
    for err in g["errors"]:
        doc.error("screen_lock.source", err)
    if not g["gnome"]:
        doc.observe("os.desktop", None, g["reason"])
        _all_null(doc, g["reason"])
        return
    doc.put("os.desktop", "gnome")
    if g["reason"]:  # e.g. the dconf profile could not be read
        _all_null(doc, g["reason"])
        return
    keys = g["keys"]

    def value(path, name, convert=None):
        k = keys[name]
        if k["error"]:
            doc.error(path, k["error"])
        v = k["value"]
        if v is not None and convert:
            v = convert(v)
        # A malformed value is explained in errors only (schema rule).
        doc.observe(path, v, None if k["error"] else k["reason"])

    value("screen_lock.enabled", "lock_enabled")
    value("screen_lock.idle_delay_seconds", "idle_delay")
    value("screen_lock.lock_delay_seconds", "lock_delay")
    value("lockscreen_notifications.hides_content", "show_in_lock_screen", lambda v: not v)

    lock_keys = [keys[n] for n in ("lock_enabled", "idle_delay", "lock_delay")]
    if any(k["reason"] and k["reason"].startswith("dconf system database not usable") for k in lock_keys):
        doc.observe("screen_lock.locked_by_admin", None, lock_keys[0]["reason"])
    else:
        doc.put("screen_lock.locked_by_admin", all(k["locked_in"] for k in lock_keys))
    _source(doc, "screen_lock.source", lock_keys)
    _source(doc, "lockscreen_notifications.source", [keys["show_in_lock_screen"]])
    _other_settings(doc, "screen_lock.other_settings", lock_keys)
    _other_settings(doc, "lockscreen_notifications.other_settings", [keys["show_in_lock_screen"]])


def _other_settings(doc, path, keys):
    """Keyfiles whose setting of the same keys does not apply (overridden,
    or overriding ours): evidence for whoever has to clean up."""
    found = []
    for k in keys:
        found += [o for o in k["others"] if o not in found]
    doc.put(path, found)


def _macos_settings(doc, root, users):
    """Screen lock and Signal's lock-screen notifications from configuration profiles."""
    from ansible_collections.hardening.signal.plugins.module_utils.probes import macos_settings  # macOS only, as above

    doc.put("os.desktop", "macos")
    lock = macos_settings.screen_lock(root, users)
    for err in lock["errors"]:
        doc.error("screen_lock.source", err)
    sources = []
    for field in ("enabled", "idle_delay_seconds", "lock_delay_seconds"):
        item = lock[field]
        doc.error("screen_lock." + field, item["error"])
        doc.observe("screen_lock." + field, item["value"], None if item["error"] else item["reason"])
        if item["source"] and item["source"] not in sources:
            sources.append(item["source"])
    managed = [lock[f]["source"] is not None for f in ("enabled", "idle_delay_seconds", "lock_delay_seconds")]
    if all(managed):
        doc.put("screen_lock.locked_by_admin", True)
    elif not any(managed) and not lock["errors"]:
        doc.put("screen_lock.locked_by_admin", False)
    else:
        doc.observe("screen_lock.locked_by_admin", None, "only some screen lock settings come from a configuration "
                                                         "profile, or a profile could not be read")
    if sources:
        doc.put("screen_lock.source", "configuration profile: " + ", ".join(sources))
    else:
        doc.observe("screen_lock.source", None, "no configuration profile sets the screen lock")
    notes = macos_settings.lockscreen_notifications(root, users)
    for err in notes["errors"]:
        doc.error("lockscreen_notifications.source", err)
    doc.observe("lockscreen_notifications.hides_content", notes["value"], notes["reason"])
    if notes["source"]:
        doc.put("lockscreen_notifications.source", "configuration profile: " + notes["source"])
    else:
        doc.observe("lockscreen_notifications.source", None, notes["reason"])


def _source(doc, path, keys):
    files = []
    for k in keys:
        if k["set_in"] and k["locked_in"] and k["set_in"] not in files:
            files.append(k["set_in"])
    if files:
        doc.put(path, "dconf: " + ", ".join(files))
    else:
        doc.observe(path, None, "no administrator-locked dconf setting")


def _all_null(doc, reason):
    for path in ("screen_lock.enabled", "screen_lock.idle_delay_seconds",
                 "screen_lock.lock_delay_seconds", "screen_lock.locked_by_admin",
                 "screen_lock.source", "lockscreen_notifications.hides_content",
                 "lockscreen_notifications.source"):
        doc.observe(path, None, reason)


# --- entry point --------------------------------------------------------

def collect(root="/", platform=None, apt_repo_url=apt_sources.DEFAULT_REPO_URL,
            apt_suite=apt_sources.DEFAULT_SUITE, codesign_outputs=None, codesign_verified=None, apt_cat_file=None):
    """Return the facts document for the host whose files are under ``root``.

    ``codesign_outputs`` / ``codesign_verified`` (macOS only) map a
    Signal.app path to the output of `codesign -dv` and to whether
    `codesign --verify` passed; the module runs those commands.
    ``apt_cat_file`` (Linux, optional) reads .lz4/.zst apt package indexes
    as apt_lists.offers describes; the module runs `apt-helper cat-file`."""
    platform = platform or detect_platform()
    doc = FactsDocument(platform)
    options = {"apt_repo_url": apt_repo_url, "apt_suite": apt_suite, "codesign_outputs": codesign_outputs,
               "codesign_verified": codesign_verified, "apt_cat_file": apt_cat_file}
    if platform == "windows":
        reason = "Windows hosts are not probed by this module"
        for path in ("signal.version", "update.hosts_entries", "update.unattended_upgrades",
                     "os.family", "os.distribution", "os.version", "os.desktop"):
            doc.observe(path, None, reason)
        doc.reason("signal.installed", reason)
        _all_null(doc, reason)
        return doc.done()[0]
    state = {}
    _guard(doc, "os", _os_section, root, state)
    _guard(doc, "signal", _signal_section, root, options, state)
    _guard(doc, "update", _update_section, root, options, state)
    _guard(doc, "screen_lock", _desktop_section, root, state)
    _order_signal(doc.data)
    return doc.done()[0]


def _order_signal(facts):
    """Stable, readable key order for the signal section."""
    order = ("installed", "version", "installs", "profiles")
    sig = facts["signal"]
    facts["signal"] = dict([(k, sig[k]) for k in order if k in sig]
                           + [(k, v) for k, v in sig.items() if k not in order])


def missing_reasons(facts):
    """Dotted paths of None values that have neither a reason nor an error
    (the document promises one or the other for each)."""
    out = []

    def walk(node, path):
        if isinstance(node, dict):
            for key, val in node.items():
                walk(val, "%s.%s" % (path, key) if path else key)
        elif isinstance(node, list):
            for idx, val in enumerate(node):
                walk(val, "%s.%d" % (path, idx))
        elif node is None and path not in facts["unknown_reasons"] and path not in facts["errors"]:
            out.append(path)

    for section in ("os", "signal", "update", "screen_lock", "lockscreen_notifications"):
        walk(facts.get(section), section)
    return out
