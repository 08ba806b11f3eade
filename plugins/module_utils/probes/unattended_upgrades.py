# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Does unattended-upgrades keep signal-desktop updated (CERT-EU 3.2)?

Yes when the package is installed, apt's periodic run enables it, and its
origin list (Origins-Pattern or the older Allowed-Origins) matches Signal's
repository, which announces "Origin: . xenial" / "Codename: xenial", and
signal-desktop is not excluded by the package black/white lists.
Matching follows unattended-upgrades' own rules (fnmatch per key=value).
"""
from __future__ import annotations

import fnmatch
import re

from ansible_collections.hardening.signal.plugins.module_utils.probes import apt_conf, dpkg, fs

PACKAGE = "unattended-upgrades"
SIGNAL_PACKAGE = "signal-desktop"
TIMER = "/etc/systemd/system/apt-daily-upgrade.timer"


def signal_origin(suite="xenial", site="updates.signal.org"):
    """The Release fields of Signal's repository, as u-u compares them."""
    return {
        "origin": ". %s" % suite,
        "label": ". %s" % suite,
        "archive": suite,
        "codename": suite,
        "component": "main",
        "site": site,
    }


_KEYS = {
    "origin": "origin", "o": "origin",
    "label": "label", "l": "label",
    "archive": "archive", "suite": "archive", "a": "archive",
    "codename": "codename", "n": "codename",
    "component": "component", "c": "component",
    "site": "site",
}


def substitute(value, variables):
    """Replace ${distro_id}-style variables; unknown ones stay as they are."""
    return re.sub(r"\$\{(\w+)\}", lambda m: variables.get(m.group(1), m.group(0)), value)


def match_pattern(pattern, origin, variables=None):
    """True when an Origins-Pattern entry matches ``origin``.

    Raises ValueError on an entry unattended-upgrades itself rejects."""
    variables = variables or {}
    pattern = pattern.strip()
    if not pattern:
        return False  # u-u: an empty pattern matches nothing
    pattern = pattern.replace("\\,", "%2C")  # "\," is a literal comma
    for token in pattern.split(","):
        what, sep, value = token.partition("=")
        if not sep or "=" in value:
            raise ValueError("malformed entry %r" % token.strip())
        what = what.strip()
        value = substitute(value.strip().replace("%2C", ","), variables)
        if what not in _KEYS:
            raise ValueError("unknown key %r" % what)
        if not fnmatch.fnmatchcase(origin.get(_KEYS[what], ""), value):
            return False
    return True


def allowed_origin_to_pattern(entry):
    """Convert an Allowed-Origins "origin:archive" entry as u-u does."""
    parts = re.split(r"(?<!\\):", entry)
    if len(parts) == 1:
        parts = entry.split()
    if len(parts) != 2:
        raise ValueError("malformed Allowed-Origins entry %r" % entry)
    origin = parts[0].replace("\\:", ":").replace(",", "\\,")
    archive = parts[1].replace(",", "\\,")
    return "o=%s,a=%s" % (origin, archive)


def _interval_enabled(value):
    """APT::Periodic::* values are intervals: 0 (or unset) is off."""
    if value is None or value.strip() == "":
        return False
    value = value.strip().lower()
    if value == "always":
        return True
    m = re.match(r"^(\d+)\s*[smhd]?$", value)
    if not m:
        return None
    return int(m.group(1)) > 0


def distro_variables(os_release):
    """${distro_id} / ${distro_codename} as lsb_release would give them."""
    out = {}
    # lsb_release -i prints "Debian", "Ubuntu": the first word of NAME.
    name = (os_release.get("NAME") or "").split()
    if name:
        out["distro_id"] = name[0]
    elif os_release.get("ID"):
        out["distro_id"] = os_release["ID"].capitalize()
    if os_release.get("VERSION_CODENAME"):
        out["distro_codename"] = os_release["VERSION_CODENAME"]
    return out


def probe(root="/", suite="xenial", site="updates.signal.org", os_release=None, dpkg_status=None, apt_config=None):
    """Return {"installed", "enabled", "origin_matched", "matched_by",
    "package_allowed", "covers_signal", "reason", "errors"}.

    dpkg_status, apt_config: what dpkg.read_status(root) and apt_conf.read_config(root) returned, when the
    caller has already read them."""
    result = {"installed": None, "enabled": None, "origin_matched": None, "matched_by": None,
              "package_allowed": None, "covers_signal": None, "reason": None, "errors": []}
    pkg = dpkg.package_info(root, PACKAGE, dpkg_status)
    result["installed"] = pkg["installed"]
    if pkg["error"]:
        result["errors"].append(pkg["error"])
    if pkg["installed"] is None:
        result["reason"] = pkg["reason"] or "the dpkg database could not be read"
        return result
    if not pkg["installed"]:
        result["covers_signal"] = False
        result["reason"] = "unattended-upgrades is not installed"
        return result

    config, errors = apt_conf.read_config(root) if apt_config is None else apt_config
    result["errors"] += errors

    periodic = _interval_enabled(config.value("APT::Periodic::Enable", "1"))
    interval = _interval_enabled(config.value("APT::Periodic::Unattended-Upgrade"))
    masked = fs.readlink(root, TIMER) == "/dev/null"
    if masked or periodic is False or interval is False:
        result["enabled"] = False
    elif periodic is None or interval is None:
        result["enabled"] = None
    else:
        result["enabled"] = True

    variables = distro_variables(os_release or {})
    origin = signal_origin(suite, site)
    patterns = [("Unattended-Upgrade::Origins-Pattern", p)
                for p in config.list("Unattended-Upgrade::Origins-Pattern")]
    for entry in config.list("Unattended-Upgrade::Allowed-Origins"):
        try:
            patterns.append(("Unattended-Upgrade::Allowed-Origins", allowed_origin_to_pattern(entry)))
        except ValueError as exc:
            result["errors"].append("apt configuration: %s" % exc)
    result["origin_matched"] = False
    for name, pattern in patterns:
        try:
            if match_pattern(pattern, origin, variables):
                result["origin_matched"] = True
                result["matched_by"] = "%s %s" % (name, pattern)
                break
        except ValueError as exc:
            result["errors"].append("apt configuration: %s %s" % (name, exc))

    result["package_allowed"] = _package_allowed(config, result["errors"])

    if result["errors"]:
        result["reason"] = "apt configuration could not be fully read"
    elif result["enabled"] is False:
        result["covers_signal"] = False
        result["reason"] = ("apt-daily-upgrade.timer is masked" if masked
                            else "APT::Periodic::Unattended-Upgrade is not enabled")
    elif result["enabled"] is None:
        result["reason"] = "APT::Periodic interval value not understood"
    elif not result["origin_matched"]:
        result["covers_signal"] = False
        result["reason"] = "no Origins-Pattern/Allowed-Origins entry matches Signal's repository (%s)" % (
            "origin=%s,codename=%s" % (origin["origin"], origin["codename"]))
    elif not result["package_allowed"]:
        result["covers_signal"] = False
        result["reason"] = "signal-desktop is excluded by the unattended-upgrades package lists"
    else:
        result["covers_signal"] = True
    return result


def _package_allowed(config, errors):
    """signal-desktop is not blacklisted and, if a whitelist exists, is on it."""
    def matches(key):
        for regexp in config.list(key):
            try:
                if re.match(regexp, SIGNAL_PACKAGE):
                    return True
            except re.error as exc:
                errors.append("apt configuration: %s %r is not a valid regexp (%s)" % (key, regexp, exc))
        return False
    if matches("Unattended-Upgrade::Package-Blacklist"):
        return False
    whitelist = config.list("Unattended-Upgrade::Package-Whitelist")
    if whitelist and not matches("Unattended-Upgrade::Package-Whitelist"):
        return False
    return True
