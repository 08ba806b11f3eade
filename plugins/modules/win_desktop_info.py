#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# Documentation of the PowerShell module win_desktop_info.ps1.

from __future__ import annotations

DOCUMENTATION = r"""
---
module: win_desktop_info
short_description: Collect raw Signal Desktop values of a Windows workstation
version_added: 0.1.0
description:
  - Reads, without changing anything, the raw values a judgement of Signal Desktop on Windows needs, and returns
    them as they are. Every decision is made on the controller, in Python
    (C(plugins/module_utils/probes/windows_facts.py)), which turns the raw document into the desktop facts shape
    (C(schemas/desktop_facts.schema.json)); M(hardening.signal.fleet_summary) does that for every Windows host.
  - For each user profile (C(HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\ProfileList)) whose registry hive is
    loaded (the user is logged on), Signal's per-user uninstall entry (C(DisplayVersion), C(InstallLocation)), the
    screen saver values and policies, and the lock-screen notification settings and policies. Hives that are not
    loaded are not loaded by this module.
  - For each Signal.exe found (the uninstall entry's location and C(%LOCALAPPDATA%\\Programs\\signal-desktop)), its file
    version, its Authenticode signature (status and signer subject) from C(Get-AuthenticodeSignature), and the text
    of each file named C(config/local-production.json) in C(resources\\app.asar) (where Signal's build writes the date
    it stops working, C(buildExpiration)); only the archive's index and those small files are read.
  - The machine inactivity limit (C(InactivityTimeoutSecs)), the screen saver grace period, the policy that turns off
    app notifications on the lock screen, and the lines of the hosts file that name C(signal.org) with their line numbers.
  - Never opens Signal's database or logs and never reads C(config.json); only whether those files exist.
  - This module has never been run on a real Windows host by this project; its output shape is what the unit tests'
    recorded documents show.
author:
  - hardening.signal contributors (@hardening-signal)
options: {}
attributes:
  check_mode:
    support: full
    details: Only reads; runs the same in check mode.
  diff_mode:
    support: none
  platform:
    support: full
    platforms: windows
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
seealso:
  - module: hardening.signal.desktop_info
  - module: hardening.signal.fleet_summary
"""

EXAMPLES = r"""
- name: Collect raw Signal Desktop values (the role does this on Windows hosts)
  hardening.signal.win_desktop_info:
  register: signal_hardening_probe
"""

RETURN = r"""
windows_raw:
  description:
    - The raw document (format C(hardening.signal/windows-raw), version 1) with C(os), C(users), C(machine) and
      C(errors). Registry values are returned as stored (DWORDs as numbers, strings as strings, missing as null).
  returned: always
  type: dict
  sample:
    format: hardening.signal/windows-raw
    format_version: 1
    os: {"caption": "Microsoft Windows 11 Pro", "version": "10.0.22631", "build": "22631"}
    users:
      - sid: S-1-5-21-1004336348-1177238915-682003330-1001
        name: CONTOSO\\alice
        hive_loaded: true
        uninstall: [{"key": "7d96caee-06e6-597c-9f2f-c7bb2e0948b4", "DisplayVersion": "7.80.0"}]
        exes: [{"path": "C:\\Users\\alice\\AppData\\Local\\Programs\\signal-desktop\\Signal.exe", "exists": true,
                "signature": {"status": "Valid", "signer_subject": "CN=\"Signal Messenger, LLC\", O=\"Signal Messenger, LLC\""},
                "asar": {"path": "C:\\Users\\alice\\AppData\\Local\\Programs\\signal-desktop\\resources\\app.asar",
                         "exists": true, "configs": ["{\"buildExpiration\":1800000000000}"], "error": null}}]
    machine: {"system_policy": {"InactivityTimeoutSecs": 300}}
    errors: []
"""
