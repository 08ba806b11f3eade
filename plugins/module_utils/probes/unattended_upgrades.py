# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What unattended-upgrades is set to do (CERT-EU 3.2), as its configuration shows it.

The probe reports whether the package is installed, whether apt's
apt-daily-upgrade.timer is masked, the periodic settings that switch it on
or off (APT::Periodic::Enable, APT::Periodic::Unattended-Upgrade) with the
file and line that set them, each origin entry (Origins-Pattern and the
older Allowed-Origins) with its file, line and key=pattern fields as
unattended-upgrades reads them (variables such as ${distro_codename}
substituted), and each Package-Blacklist/Package-Whitelist entry. The
control sh-3.2-linux-auto-update judges them against Signal's repository,
which announces "Origin: . xenial" / "Codename: xenial".

The matching helpers (match_pattern, signal_origin) follow unattended-upgrades'
own rules (fnmatch per key=value); the remediation checks the pattern it
writes with them.
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


def parse_pattern(pattern, variables=None):
    """[(field, shell pattern)] of an Origins-Pattern entry as unattended-upgrades reads it: keys in their long
    form (o -> origin), variables substituted; [] for an empty entry (it matches nothing).

    Raises ValueError on an entry unattended-upgrades itself rejects."""
    variables = variables or {}
    pattern = pattern.strip()
    if not pattern:
        return []
    pattern = pattern.replace("\\,", "%2C")  # "\," is a literal comma
    fields = []
    for token in pattern.split(","):
        what, sep, value = token.partition("=")
        if not sep or "=" in value:
            raise ValueError("malformed entry %r" % token.strip())
        what = what.strip()
        if what not in _KEYS:
            raise ValueError("unknown key %r" % what)
        fields.append((_KEYS[what], substitute(value.strip().replace("%2C", ","), variables)))
    return fields


def match_pattern(pattern, origin, variables=None):
    """True when an Origins-Pattern entry matches ``origin``.

    Raises ValueError on an entry unattended-upgrades itself rejects."""
    fields = parse_pattern(pattern, variables)
    if not fields:
        return False  # u-u: an empty pattern matches nothing
    return all(fnmatch.fnmatchcase(origin.get(key, ""), value) for key, value in fields)


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


PERIODIC = ("APT::Periodic::Enable", "APT::Periodic::Unattended-Upgrade")
ORIGIN_LISTS = ("Unattended-Upgrade::Origins-Pattern", "Unattended-Upgrade::Allowed-Origins")
PACKAGE_LISTS = ("Unattended-Upgrade::Package-Blacklist", "Unattended-Upgrade::Package-Whitelist")


def _where(path, line):
    return path if line is None else "%s line %d" % (path, line)


def probe(root="/", os_release=None, dpkg_status=None, apt_config=None):
    """Return {"installed", "timer_masked", "periodic", "origins", "package_lists", "reasons", "errors"}:
    what unattended-upgrades' configuration says, without judging it.

    periodic: [{name, value, file, line}] of the settings in PERIODIC that are set (an unset one has apt's
    default: Enable 1, Unattended-Upgrade 0); origins: [{setting, entry, file, line, fields: [{key, pattern}]}]
    (fields None when unattended-upgrades would reject the entry, the error under errors["origins.N.fields"]);
    package_lists: [{setting, entry, file, line}]. reasons/errors: {field: message} relative to the section.
    dpkg_status, apt_config: what dpkg.read_status(root) and apt_conf.read_config(root) returned, when the
    caller has already read them."""
    result = {"installed": None, "timer_masked": None, "periodic": [], "origins": [], "package_lists": [],
              "reasons": {}, "errors": {}}
    pkg = dpkg.package_info(root, PACKAGE, dpkg_status)
    result["installed"] = pkg["installed"]
    if pkg["error"]:
        result["errors"]["installed"] = pkg["error"]
    elif pkg["installed"] is None:
        result["reasons"]["installed"] = pkg["reason"] or "the dpkg database could not be read"
    result["timer_masked"] = fs.readlink(root, TIMER) == "/dev/null"

    config, errors = apt_conf.read_config(root) if apt_config is None else apt_config
    if errors:
        # A file apt cannot read may hold any of these settings: the lists are incomplete.
        message = ("apt's configuration could not be fully read, so unattended-upgrades' settings may be missing: "
                   + "; ".join(errors))
        for field in ("periodic", "origins", "package_lists"):
            result["errors"][field] = message
    for name in PERIODIC:
        value = config.value(name)
        if value is not None:
            result["periodic"].append({"name": name, "value": value, "file": config.origin(name),
                                       "line": config.line(name)})
    variables = distro_variables(os_release or {})
    for setting in ORIGIN_LISTS:
        for entry, path, line in config.entries(setting):
            item = {"setting": setting, "entry": entry, "file": path, "line": line, "fields": None}
            try:
                pattern = entry if setting.endswith("Origins-Pattern") else allowed_origin_to_pattern(entry)
                item["fields"] = [{"key": key, "pattern": value} for key, value in parse_pattern(pattern, variables)]
            except ValueError as exc:
                result["errors"]["origins.%d.fields" % len(result["origins"])] = (
                    "%s: %s entry %r: %s" % (_where(path, line), setting, entry, exc))
            result["origins"].append(item)
    for setting in PACKAGE_LISTS:
        for entry, path, line in config.entries(setting):
            result["package_lists"].append({"setting": setting, "entry": entry, "file": path, "line": line})
    return result
