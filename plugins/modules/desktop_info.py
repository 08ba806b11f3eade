#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: desktop_info
short_description: Gather Signal Desktop hardening facts of a workstation
version_added: 0.1.0
description:
  - Reads, without changing anything, what a workstation shows about the CERT-EU
    "Hardening Signal" recommendations for Signal Desktop.
  - Reports what it sees, and judges nothing; the controls of the role judge it on the controller. Per Signal
    Desktop install its kind (the signal-desktop package, an AppImage, a Flatpak or Snap community build, a
    Signal.app), path, version and the date the build stops working (C(buildExpiration) in its
    C(resources/app.asar)); for the package also every enabled apt source that offers it or points at
    O(apt_repo_url) (file and line, URI, suite, C(trusted=yes), Signed-By and the fingerprints of the keys it
    names, the versions its downloaded lists offer), when it was last installed (C(/opt/Signal/.signal-postinst))
    and when the running Signal processes started; for a Signal.app its bundle id and code signature. Also the
    Signal profile folders of local users (path, mode, whether they look linked), whether unattended-upgrades
    covers Signal's repository, whether the update server is blocked in the hosts file or (Linux) by a proxy
    setting of apt or C(/etc/environment) that points at C(0.0.0.0), C(::) or port 0, and the GNOME screen lock
    and lock-screen notification settings enforced through dconf.
  - On Linux everything is read from files, with one exception - apt package
    indexes compressed as lz4 or zstd (as apt writes them on many Debian
    container images) are read through apt's own C(/usr/lib/apt/apt-helper cat-file),
    streamed and searched without being held in memory. Without apt-helper such
    an index is reported unreadable, with the reason. On macOS the
    module runs C(codesign -dv --verbose=2) and C(codesign --verify --strict)
    on each Signal.app to read its Team ID and signing authority and check the
    signature, and reads the screen lock and Signal's notification settings
    that configuration profiles set (C(/Library/Managed Preferences)).
  - Signal AppImages are looked for in C(/opt), C(/usr/local/bin) and the
    users' C(~/Applications), C(~/.local/bin) and C(~/bin); their version and
    expiry date sit in their compressed image and are reported unknown.
  - Never opens Signal's database or logs and never returns key material; only the
    presence of a key in C(config.json) is reported.
  - A value that cannot be observed is null and explained under
    C(unknown_reasons); a malformed input is explained under C(errors).
author:
  - hardening.signal contributors (@hardening-signal)
options:
  apt_repo_url:
    description:
      - URL of Signal's apt repository (or a mirror of it). Apt sources for it are reported even when their package
        lists were not downloaded; its host is the update server whose blocking is looked for.
    type: str
    default: https://updates.signal.org/desktop/apt
  apt_suite:
    description:
      - Suite of Signal's apt repository. Also used to build the origin that
        unattended-upgrades must match (C(origin=. xenial,codename=xenial)).
    type: str
    default: xenial
  key_fingerprint:
    description:
      - Not used any more, and ignored; it will be removed in 1.0.0. The probe reports the fingerprints of the keys
        that sign each apt source, and the controller compares them with the role variable
        C(signal_hardening_key_fingerprint).
    type: str
attributes:
  action:
    support: full
    details: The action runs M(hardening.signal.win_desktop_info) instead on hosts with a Windows shell.
  async:
    support: none
  bypass_host_loop:
    support: none
  check_mode:
    support: full
    details: The module only reads; it runs the same in check mode.
  diff_mode:
    support: none
    details: The module changes nothing, so it has no diff to show.
  platform:
    support: full
    platforms: posix
    details: POSIX hosts (Linux and macOS).
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
notes:
  - The facts document follows C(schemas/desktop_facts.schema.json) of this collection.
  - User-level GNOME settings live in binary per-user databases and are not read,
    so a screen lock value is known only when an administrator set and locked it.
    Likewise on macOS a value is known only when a configuration profile sets it.
  - This module has not been run on a real Mac; its macOS decisions are tested
    with fake app trees and hand-written codesign output.
"""

EXAMPLES = r"""
- name: Gather Signal Desktop facts
  hardening.signal.desktop_info:
  register: signal_desktop

- name: Show the apt sources of the signal-desktop package and the keys that sign them
  ansible.builtin.debug:
    msg: "{{ signal_desktop.facts.signal.installs | selectattr('kind', 'equalto', 'deb') | map(attribute='apt_sources') }}"

- name: Look for the sources of a mirror of Signal's repository
  hardening.signal.desktop_info:
    apt_repo_url: https://mirror.example.org/signal/desktop/apt
    apt_suite: xenial
"""

RETURN = r"""
facts:
  description:
    - The facts document of this workstation (schema_version 3).
    - Values that could not be observed are null; their dotted paths are keys
      of C(unknown_reasons) or C(errors).
  returned: always
  type: dict
  contains:
    schema_version:
      description: Version of the facts document.
      returned: always
      type: int
      sample: 3
    platform:
      description: Platform of the host.
      returned: always
      type: str
      sample: linux
    os:
      description: Operating system family, distribution, version and the desktop whose settings were read.
      returned: always
      type: dict
      sample: {"family": "debian", "distribution": "debian", "version": "12", "desktop": "gnome"}
    signal:
      description:
        - Signal Desktop installs with what was seen of each, and the user profile folders (never key material).
      returned: always
      type: dict
      sample:
        installed: true
        version: 7.80.0
        installs:
          - {"kind": "deb", "path": "/opt/Signal", "package": "signal-desktop", "version": "7.80.0",
             "apt_sources": [{"file": "/etc/apt/sources.list.d/signal-desktop.sources", "line": 1,
                              "uri": "https://updates.signal.org/desktop/apt", "suite": "xenial", "components": ["main"],
                              "trusted": false, "signed_by": ["/usr/share/keyrings/signal-desktop-keyring.gpg"],
                              "key_fingerprints": ["DBA36B5181D0C816F630E889D980A17457F6FB06"], "offers": ["7.80.0"]}],
             "build_expires": "2027-02-20T10:11:12Z", "installed_at": "2026-11-22T06:25:01Z",
             "running": [{"pid": 2345, "user": "alice", "started": "2026-11-25T07:58:40Z"}]}
        profiles:
          - {"user": "alice", "path": "/home/alice/.config/Signal", "linked": true, "mode": "0700"}
    update:
      description:
        - What may keep updates from Signal's server, and what updates Signal on Linux, as seen (the controls judge it).
        - C(hosts_entries), each line of the hosts file naming the update server (file, line, address).
        - On Linux, C(proxies), each proxy setting that applies to the update server (file, line, setting, who uses it,
          scheme, host and port; credentials removed), and C(unattended_upgrades), whether the package is installed
          and its timer masked, the periodic settings with the file and line that set them, each origin entry with
          its fields as unattended-upgrades reads them, and each package black/white-list entry.
      returned: always
      type: dict
      sample:
        hosts_entries: []
        proxies:
          - {"file": "/etc/environment", "line": 2, "setting": "https_proxy", "used_by": "session",
             "url": "http://proxy.example:3128", "scheme": "http", "host": "proxy.example", "port": 3128}
        unattended_upgrades:
          installed: true
          timer_masked: false
          periodic:
            - {"name": "APT::Periodic::Unattended-Upgrade", "value": "1", "file": "/etc/apt/apt.conf.d/20auto-upgrades",
               "line": 2}
          origins:
            - {"setting": "Unattended-Upgrade::Origins-Pattern", "entry": "origin=. xenial,codename=xenial",
               "file": "/etc/apt/apt.conf.d/52signal-desktop-unattended-upgrades", "line": 4,
               "fields": [{"key": "origin", "pattern": ". xenial"}, {"key": "codename", "pattern": "xenial"}]}
          package_lists: []
    screen_lock:
      description: OS screen lock as enforced by the administrator.
      returned: always
      type: dict
      sample: {"enabled": true, "idle_delay_seconds": 300, "lock_delay_seconds": 0,
               "locked_by_admin": true, "source": "dconf: /etc/dconf/db/local.d/00-screensaver"}
    lockscreen_notifications:
      description: Whether notifications are kept off the lock screen.
      returned: always
      type: dict
      sample: {"hides_content": true, "source": "dconf: /etc/dconf/db/local.d/00-notifications"}
    unknown_reasons:
      description: Dotted path of each null value mapped to the reason it is unknown.
      returned: always
      type: dict
      sample: {"screen_lock.enabled": "GNOME Shell not found; other desktops' screen lock settings are not read"}
    errors:
      description: Dotted path mapped to a message naming the malformed or unreadable file.
      returned: always
      type: dict
      sample: {"signal.profiles.0.linked": "/home/bob/.config/Signal/config.json: not valid JSON (line 1 column 2)"}
"""

import platform as _platform

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.hardening.signal.plugins.module_utils.probes.desktop_facts import collect
from ansible_collections.hardening.signal.plugins.module_utils.probes import profiles

APT_HELPER_DIR = "/usr/lib/apt"


def _codesign(module):
    """macOS only: `codesign -dv` output and `codesign --verify` outcome per
    Signal.app (the Team ID is only readable through codesign)."""
    from ansible_collections.hardening.signal.plugins.module_utils.probes import macos_app  # macOS only, as in desktop_facts

    outputs, verified = {}, {}
    codesign = module.get_bin_path("codesign")
    if not codesign:
        return outputs, verified
    users, _errors = profiles.local_users("/", "macos")
    for app in macos_app.app_paths("/", users):
        _rc, out, err = module.run_command([codesign, "-dv", "--verbose=2", app])
        outputs[app] = (out or "") + (err or "")
        rc, _out, _err = module.run_command([codesign, "--verify", "--strict", app])
        verified[app] = rc == 0
    return outputs, verified


def _apt_cat_file(module):
    """A reader of .lz4/.zst apt indexes for the probes (apt_lists.offers),
    or None when apt-helper is missing. The decompressed index is streamed to
    ``consume`` as apt-helper writes it, never collected whole."""
    helper = module.get_bin_path("apt-helper", opt_dirs=[APT_HELPER_DIR])
    if not helper:
        return None

    def cat_file(path, consume):
        outcome = {}

        def read_stdout(process):
            # apt-helper writes its few error lines to stderr after failing,
            # so reading stdout to its end first cannot fill the stderr pipe.
            try:
                outcome["value"] = consume(process.stdout)
            except Exception as exc:  # a read error becomes the index's error, not a module failure
                outcome["error"] = "reading apt-helper's output failed: %s" % exc

        rc, _out, err = module.run_command([helper, "cat-file", path], before_communicate_callback=read_stdout)
        if rc != 0:
            return None, "apt-helper cat-file failed (exit %d): %s" % (rc, (err or "").strip() or "no message")
        if "error" in outcome:
            return None, outcome["error"]
        return outcome.get("value"), None
    return cat_file


def main():
    module = AnsibleModule(
        argument_spec=dict(
            apt_repo_url=dict(type="str", default="https://updates.signal.org/desktop/apt"),
            apt_suite=dict(type="str", default="xenial"),
            # A public key fingerprint, not a secret; the controller compares fingerprints now.
            key_fingerprint=dict(type="str", no_log=False, removed_in_version="1.0.0",
                                 removed_from_collection="hardening.signal"),
        ),
        supports_check_mode=True,
    )
    outputs = verified = cat_file = None
    if _platform.system() == "Darwin":
        outputs, verified = _codesign(module)
    else:
        cat_file = _apt_cat_file(module)
    facts = collect(
        root="/",
        apt_repo_url=module.params["apt_repo_url"],
        apt_suite=module.params["apt_suite"],
        codesign_outputs=outputs,
        codesign_verified=verified,
        apt_cat_file=cat_file,
    )
    module.exit_json(changed=False, facts=facts)


if __name__ == "__main__":
    main()
