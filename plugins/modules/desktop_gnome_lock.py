#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: desktop_gnome_lock
short_description: Set and lock GNOME's screen lock and lock-screen notifications in the dconf system database
version_added: 0.1.0
description:
  - Writes the keyfile C(/etc/dconf/db/local.d/zz-hardening-signal) (screen lock on, no extra lock delay, idle delay
    O(minutes), notifications hidden on the lock screen; CERT-EU "Hardening Signal" 3.7 and 3.8) and the locks file
    C(/etc/dconf/db/local.d/locks/zz-hardening-signal) that locks those four keys.
  - dconf reads a keyfile folder in byte order of the file names and the last file wins, so the keyfile is named to
    sort after the usual site files (C(00-site), C(50-...)). Files an older release of this collection wrote
    (C(00-hardening-signal)) and backups that were left inside the keyfile folders (dconf reads every file whose name
    does not start with a dot) are removed, after a backup under C(/var/backups/hardening-signal).
  - Settings that still decide the same keys instead of ours (a keyfile sorting after ours, or a system database
    listed after C(local) in C(/etc/dconf/profile/user) that locks a key) are returned in RV(conflicts) and warned
    about; they are not removed. M(hardening.signal.desktop_info) then reports the value that really applies.
  - Does not edit the dconf profile and does not run C(dconf update); the role C(hardening.signal.signal_hardening)
    does both.
author:
  - hardening.signal contributors (@hardening-signal)
options:
  minutes:
    description: Idle time in minutes (1 to 60) after which the screen blanks and locks.
    type: int
    required: true
  backup:
    description: Back up a file before it is replaced or removed, to C(/var/backups/hardening-signal/<its path>.<timestamp>~).
    type: bool
    default: true
attributes:
  check_mode:
    support: full
    details: Reports every file it would write or remove and changes nothing.
  diff_mode:
    support: full
    details: Shows the before and after of each file it would change.
  platform:
    support: full
    platforms: posix
    details: Linux hosts with GNOME (dconf).
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
seealso:
  - module: hardening.signal.desktop_info
"""

EXAMPLES = r"""
- name: Lock the screen after 5 idle minutes and hide lock-screen notifications
  become: true
  hardening.signal.desktop_gnome_lock:
    minutes: 5
  register: signal_gnome_lock

- name: Compile the dconf system database when something changed
  become: true
  ansible.builtin.command: dconf update
  when: signal_gnome_lock is changed
"""

RETURN = r"""
files:
  description: Every file the module manages, with what it did (or would do in check mode).
  returned: always
  type: list
  elements: dict
  sample:
    - {"path": "/etc/dconf/db/local.d/zz-hardening-signal", "action": "created",
       "purpose": "GNOME screen lock, idle delay and lock-screen notifications (3.7, 3.8)"}
    - {"path": "/etc/dconf/db/local.d/00-hardening-signal", "action": "removed",
       "purpose": "left by an older release; dconf would read it (replaced by zz-hardening-signal)",
       "backup_file": "/var/backups/hardening-signal/etc/dconf/db/local.d/00-hardening-signal.2026-11-26@12:00:00~"}
conflicts:
  description: Other settings that decide the same keys instead of ours; empty when ours hold.
  returned: always
  type: list
  elements: str
  sample:
    - "/etc/dconf/db/local.d/zzz-site sorts after zz-hardening-signal and sets /org/gnome/desktop/session/idle-delay=uint32 900: its value applies, not ours"
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.hardening.signal.plugins.module_utils.desktop import file_change, gnome_lock


def main():
    module = AnsibleModule(
        argument_spec=dict(
            minutes=dict(type="int", required=True),
            backup=dict(type="bool", default=True),
        ),
        supports_check_mode=True,
    )
    result = {"changed": False, "files": [], "conflicts": []}
    try:
        planned = gnome_lock.changes("/", module.params["minutes"])
    except ValueError as exc:
        module.fail_json(msg=str(exc), **result)
    refused = [c.error for c in planned if c.error]
    if refused:
        module.fail_json(msg="; ".join(refused), **result)
    result["changed"] = any(c.changed for c in planned)
    file_change.apply_all(module, planned, result)
    if module._diff:
        result["diff"] = [c.diff() for c in planned if c.changed]
    result["conflicts"] = gnome_lock.conflicts("/")
    for conflict in result["conflicts"]:
        module.warn(conflict)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
