#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: desktop_update
short_description: Pin Signal Desktop to Signal's apt repository and let unattended-upgrades update it
version_added: 0.1.0
description:
  - Sets, on a Debian or Ubuntu workstation, what CERT-EU "Hardening Signal" sections 3.1 and 3.2 ask of Signal
    Desktop and what an administrator can set there.
  - Writes Signal's apt source in deb822 form to C(/etc/apt/sources.list.d/signal-desktop.sources), with
    C(Signed-By) pointing at C(/usr/share/keyrings/signal-desktop-keyring.gpg).
  - Installs that keyring from O(key_file) or O(key_url) only after checking, in Python, that its primary key has
    the fingerprint O(key_fingerprint) and that it holds no other primary key. A mismatch fails the task and nothing
    at all is written. An ASCII-armored key is de-armored first.
  - Other apt entries for the same repository and suite (typically an old C(signal-xenial.list)) are found. With
    O(remove_legacy_sources=true) one-line entries are removed, after a backup (a file holding nothing else is
    deleted, otherwise the lines are commented out). An entry left in place whose C(Signed-By) differs from the
    keyring would make apt refuse every source, so the module then fails and writes nothing.
  - Switches on apt's daily unattended upgrade in C(/etc/apt/apt.conf.d/20auto-upgrades)
    (C(APT::Periodic::Update-Package-Lists) and C(APT::Periodic::Unattended-Upgrade) set to C("1"), other lines
    kept) and adds Signal's origin to C(Unattended-Upgrade::Origins-Pattern) in a file of its own,
    C(/etc/apt/apt.conf.d/52signal-desktop-unattended-upgrades). The distribution's C(50unattended-upgrades) is
    never edited.
  - With O(remove_community_builds=true), uninstalls Flatpak (C(org.signal.Signal)) and Snap (C(signal-desktop))
    builds, which are community builds, not Signal's. User data is never deleted (no C(--delete-data), no
    C(--purge)).
  - Does not install packages. Install C(unattended-upgrades) before calling it (its package scripts create
    C(20auto-upgrades)) and C(signal-desktop) after it, with M(ansible.builtin.apt); the role
    C(hardening.signal.signal_hardening) (C(tasks_from=remediate)) does exactly that.
  - Every file is written through a temporary file and an atomic rename; a file that is replaced or removed is
    backed up first when O(backup=true), under C(/var/backups/hardening-signal).
author:
  - hardening.signal contributors (@hardening-signal)
options:
  repo_url:
    description: Signal's apt repository, or an internal mirror of it.
    type: str
    default: https://updates.signal.org/desktop/apt
  suite:
    description: Suite of the repository.
    type: str
    default: xenial
  key_url:
    description:
      - URL of the repository signing key (ASCII-armored or binary). Ignored when O(key_file) is set.
      - Fetched with Ansible's own HTTP client (proxies from the environment, O(validate_certs)).
    type: str
    default: https://updates.signal.org/desktop/apt/keys.asc
  key_file:
    description:
      - Path, on the managed host, of the signing key to install instead of downloading O(key_url), for example a
        key shipped with an internal mirror.
    type: path
  key_fingerprint:
    description: Fingerprint the key's primary key must have (40 hex digits; spaces are allowed).
    type: str
    default: DBA36B5181D0C816F630E889D980A17457F6FB06
  origin_pattern:
    description:
      - The C(Unattended-Upgrade::Origins-Pattern) entry that matches the repository's Release file.
      - Default C(origin=. <suite>,codename=<suite>), which matches Signal's repository. Set it for a mirror whose
        Release file has another Origin.
    type: str
  remove_legacy_sources:
    description: Remove other one-line apt entries for the same repository and suite (backed up first).
    type: bool
    default: false
  disable_other_sources:
    description:
      - Switch off other apt entries whose downloaded package indexes offer C(signal-desktop) without Signal's
        signature (C(trusted=yes), another C(Signed-By) key, or no C(Signed-By)); apt installs the highest version
        from any source, so each of them can replace Signal's build. One-line entries are commented out, deb822
        stanzas get the field C(Enabled) set to C(no); the file is kept and backed up first. Without this option they are only
        reported (RV(other_sources)) and warned about.
      - Entries for Signal's own repository URL are not concerned (see O(remove_legacy_sources)).
    type: bool
    default: false
  remove_community_builds:
    description:
      - Uninstall Flatpak and Snap builds of Signal Desktop. System and per-user Flatpak installs are removed
        (per-user ones as their user, through C(runuser)); user data is kept.
    type: bool
    default: false
  manage_auto_upgrades:
    description: Write the two apt configuration files of unattended-upgrades. With V(false) only the source and key are set.
    type: bool
    default: true
  backup:
    description:
      - Back up a file before it is replaced or removed, to C(/var/backups/hardening-signal/<its path>.<timestamp>~)
        (outside apt's folders, where apt would report every backup as an ignored file).
    type: bool
    default: true
  validate_certs:
    description: Verify the TLS certificate of O(key_url).
    type: bool
    default: true
  timeout:
    description: Seconds to wait for O(key_url).
    type: int
    default: 30
attributes:
  check_mode:
    support: full
    details: Reports every file it would write and every build it would remove, and changes nothing. The key is still read and verified.
  diff_mode:
    support: full
    details: Shows the before and after of each file it would change (a keyring as its fingerprints).
  platform:
    support: full
    platforms: debian
    details: Debian and Ubuntu (apt). Signal Desktop on macOS and Windows reads no policy an administrator could set.
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
notes:
  - Signal publishes amd64 packages only; on other architectures the source is written but apt finds no package.
  - C(hardening.signal.desktop_info) reads back what this module sets.
  - A Flatpak's data folder (C(~/.var/app/org.signal.Signal)) is not where the .deb looks (C(~/.config/Signal)), so
    a user moving from the Flatpak to the .deb links the desktop again or moves the folder.
seealso:
  - module: hardening.signal.desktop_info
  - module: ansible.builtin.apt
"""

EXAMPLES = r"""
- name: Pin Signal Desktop to Signal's repository and let unattended-upgrades update it
  become: true
  hardening.signal.desktop_update:
  register: signal_source

- name: Install Signal Desktop from it
  become: true
  ansible.builtin.apt:
    name: signal-desktop
    state: latest
    update_cache: true

- name: Use an internal mirror with the key it ships, and clean up an old signal-xenial.list
  become: true
  hardening.signal.desktop_update:
    repo_url: https://mirror.example.org/signal/desktop/apt
    key_file: /usr/local/share/mirror/signal-keys.asc
    origin_pattern: "origin=Example Mirror,codename=xenial"
    remove_legacy_sources: true

- name: Also remove Flatpak and Snap builds (user data is kept)
  become: true
  hardening.signal.desktop_update:
    remove_community_builds: true
"""

RETURN = r"""
files:
  description: Every file the module manages, with what it did (or would do in check mode).
  returned: always
  type: list
  elements: dict
  sample:
    - {"path": "/etc/apt/sources.list.d/signal-desktop.sources", "action": "created",
       "purpose": "Signal's apt repository, pinned to Signal's signing key (3.1)"}
    - {"path": "/etc/apt/apt.conf.d/20auto-upgrades", "action": "updated",
       "purpose": "apt's daily unattended upgrade switched on (3.2)",
       "backup_file": "/var/backups/hardening-signal/etc/apt/apt.conf.d/20auto-upgrades.2026-01-05@10:00:00~"}
key:
  description: The signing key that was verified, and where it came from.
  returned: success
  type: dict
  sample: {"fingerprint": "DBA36B5181D0C816F630E889D980A17457F6FB06", "source": "https://updates.signal.org/desktop/apt/keys.asc"}
legacy_sources:
  description: Other apt entries for the same repository and suite, and what happened to them (removed or kept).
  returned: always
  type: list
  elements: dict
  sample:
    - {"file": "/etc/apt/sources.list.d/signal-xenial.list", "line": 1, "format": "one-line",
       "signed_by": null, "conflicts": true, "action": "removed"}
other_sources:
  description: Other apt entries that offer signal-desktop without Signal's signature, and what happened to them (disabled or kept).
  returned: always
  type: list
  elements: dict
  sample:
    - {"file": "/etc/apt/sources.list.d/mirror.list", "line": 1, "format": "one-line", "uri": "http://mirror.example/apt",
       "suite": "xenial", "versions": ["7.60.0"], "action": "kept",
       "reason": "/etc/apt/sources.list.d/mirror.list:1 (http://mirror.example/apt xenial) also offers signal-desktop 7.60.0:
                  /etc/apt/sources.list.d/mirror.list:1: trusted=yes disables signature checks"}
community_builds:
  description: Flatpak and Snap builds found; action is removed, would_remove or kept (option off).
  returned: always
  type: list
  elements: dict
  sample:
    - {"kind": "flatpak", "path": "/var/lib/flatpak/app/org.signal.Signal", "scope": "system",
       "command": "flatpak uninstall --system --noninteractive -y org.signal.Signal", "action": "kept"}
origin_pattern:
  description: The Origins-Pattern entry written for unattended-upgrades.
  returned: success
  type: str
  sample: origin=. xenial,codename=xenial
"""

import os
import platform as _platform
import shlex

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.hardening.signal.plugins.module_utils.desktop import (
    community_removal,
    deb822_source,
    file_change,
    key_fetch,
    origin_pattern,
    plan as planner,
    signing_key,
)
from ansible_collections.hardening.signal.plugins.module_utils.probes import os_release

AMD64 = ("x86_64", "amd64")


def _is_debian_family():
    if os.path.exists("/etc/debian_version"):
        return True
    fields, _err = os_release.read_os_release("/")
    fields = fields or {}
    ids = [fields.get("ID", "")] + fields.get("ID_LIKE", "").split()
    return "debian" in ids or "ubuntu" in ids


def _read_key(module):
    params = module.params
    if params["key_file"]:
        return key_fetch.from_file(params["key_file"]), params["key_file"]
    return key_fetch.from_url(module, params["key_url"], timeout=params["timeout"]), params["key_url"]


def _community(module, result, diffs):
    removals, errors = community_removal.plan("/")
    for err in errors:
        module.warn("community builds: %s" % err)
    for removal in removals:
        entry = {"kind": removal["kind"], "path": removal["path"], "scope": removal["scope"],
                 "command": " ".join(shlex.quote(a) for a in removal["argv"])}
        result["community_builds"].append(entry)
        if not module.params["remove_community_builds"]:
            entry["action"] = "kept"
            continue
        if not community_removal.is_safe(removal["argv"]):  # pragma: no cover - guard
            module.fail_json(msg="refusing a command that would delete user data: %s" % entry["command"], **result)
        diffs.append({"before": "%s build at %s (%s)\n" % (removal["kind"], removal["path"], removal["scope"]),
                      "after": "", "before_header": "community build", "after_header": "community build (removed)"})
        result["changed"] = True
        if module.check_mode:
            entry["action"] = "would_remove"
            continue
        binary = module.get_bin_path(removal["argv"][0])
        if not binary:
            module.fail_json(msg="cannot remove the %s build at %s: %s is not installed"
                             % (removal["kind"], removal["path"], removal["argv"][0]), **result)
        rc, out, err = module.run_command([binary] + removal["argv"][1:])
        if rc != 0:
            module.fail_json(msg="removing the %s build at %s failed (rc %d): %s"
                             % (removal["kind"], removal["path"], rc, (err or out).strip()), **result)
        entry["action"] = "removed"


def main():
    module = AnsibleModule(
        argument_spec=dict(
            repo_url=dict(type="str", default="https://updates.signal.org/desktop/apt"),
            suite=dict(type="str", default="xenial"),
            # Where a public key is downloaded from, not a secret.
            key_url=dict(type="str", default="https://updates.signal.org/desktop/apt/keys.asc", no_log=False),
            key_file=dict(type="path"),
            # A public key fingerprint, not a secret.
            key_fingerprint=dict(type="str", default="DBA36B5181D0C816F630E889D980A17457F6FB06", no_log=False),
            origin_pattern=dict(type="str"),
            remove_legacy_sources=dict(type="bool", default=False),
            disable_other_sources=dict(type="bool", default=False),
            remove_community_builds=dict(type="bool", default=False),
            manage_auto_upgrades=dict(type="bool", default=True),
            backup=dict(type="bool", default=True),
            validate_certs=dict(type="bool", default=True),
            timeout=dict(type="int", default=30),
        ),
        supports_check_mode=True,
    )
    params = module.params
    result = {"changed": False, "files": [], "legacy_sources": [], "other_sources": [], "community_builds": []}
    if _platform.system() != "Linux" or not _is_debian_family():
        module.fail_json(msg="desktop_update sets Signal's apt repository and supports Debian and Ubuntu only; "
                             "on macOS and Windows Signal Desktop reads no setting an administrator could set",
                         **result)
    if _platform.machine().lower() not in AMD64:
        module.warn("Signal publishes signal-desktop for amd64 only; this host is %s" % _platform.machine())

    try:
        expected = signing_key.normalize_expected(params["key_fingerprint"])
        data, origin = _read_key(module)
        keyring, fingerprint = signing_key.verified_keyring(data, expected, origin)
    except (key_fetch.KeyUnavailable, signing_key.KeyRejected) as exc:
        module.fail_json(msg=str(exc), **result)
    result["key"] = {"fingerprint": fingerprint, "source": origin}
    pattern = params["origin_pattern"] or origin_pattern.default_pattern(params["suite"])
    try:
        plan = planner.build("/", params["repo_url"], params["suite"], keyring, origin=pattern,
                             remove_legacy=params["remove_legacy_sources"],
                             manage_auto_upgrades=params["manage_auto_upgrades"], fingerprint=expected,
                             disable_others=params["disable_other_sources"])
    except (planner.Refused, deb822_source.SourceError, origin_pattern.PatternError) as exc:
        module.fail_json(msg=str(exc), **result)
    if params["manage_auto_upgrades"]:
        result["origin_pattern"] = pattern
    result["legacy_sources"] = plan.legacy
    result["other_sources"] = plan.others
    for warning in plan.warnings:
        module.warn(warning)
    diffs = plan.diffs()
    result["changed"] = plan.changed
    file_change.apply_all(module, plan.changes, result)
    _community(module, result, diffs)
    if module._diff:
        result["diff"] = diffs
    module.exit_json(**result)


if __name__ == "__main__":
    main()
