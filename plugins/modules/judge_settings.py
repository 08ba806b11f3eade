#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# The work is done by the action plugin of the same name, on the controller.

from __future__ import annotations

DOCUMENTATION = r"""
---
module: judge_settings
short_description: Check the settings of the fleet judge before any host is touched
version_added: 0.1.0
description:
  - Runs on the controller (action plugin). Loads the control catalogue and checks the settings that
    M(hardening.signal.fleet_summary) judges with, using the same checks it runs itself, so that a mistake stops
    the run before any workstation is probed or changed.
  - Fails naming the setting when the catalogue cannot be loaded or refers to an organisation value not given, when
    an attestation validity override names no attestation control or is out of range, when a failure limit is not
    null or a whole number from 0, when O(history_keep_runs), O(report_keep_runs) or O(attestation_renew_days) is
    negative, when O(report_mode) is not a private file mode, when O(history_url) is not empty nor a PostgreSQL URL
    (or names another scheme), when O(history_url) and O(history_path) are both set, when O(evaluation_time) is not
    an ISO 8601 date-time, or when O(report_dir) or the history file lies inside an installed copy of this collection.
  - The role runs it in its entry point C(validate), before any host is touched.
author:
  - hardening.signal contributors (@hardening-signal)
options:
  controls_dir:
    description: Folder of the control catalogue.
    type: path
    required: true
  org:
    description: Organisation values, as for M(hardening.signal.fleet_summary).
    type: dict
    required: true
  attestation_validity_days:
    description: Per attestation control id, how many days an answer stays valid (1 to 730).
    type: dict
    default: {}
  max_failures:
    description: Most failing results allowed per severity (C(high), C(medium), C(low)); null is no limit.
    type: dict
    default: {}
  history_keep_runs:
    description: How many runs' results the history keeps (0 keeps every run).
    type: int
    default: 90
  history_url:
    description: The history's PostgreSQL URL, as for M(hardening.signal.fleet_summary); empty means the SQLite file.
    type: str
    default: ""
  history_path:
    description:
      - The history file, as for M(hardening.signal.fleet_summary); empty means C(fleet-history.sqlite) in O(report_dir).
      - With O(history), checked like O(report_dir).
    type: str
    default: ""
  evaluation_time:
    description: The ISO 8601 moment to judge as of; empty or omitted means now.
    type: str
  report_mode:
    description: The reports' file mode, as for M(hardening.signal.fleet_summary).
    type: raw
    default: "0640"
  report_keep_runs:
    description: How many runs' report folders are kept (0 keeps all).
    type: int
    default: 3
  attestation_renew_days:
    description: An answer expiring within this many days is asked again.
    type: int
    default: 30
  report_dir:
    description:
      - The report folder. A relative path is taken from the folder ansible-playbook runs in; a folder inside an
        installed copy of this collection is refused.
    type: path
  history:
    description: Whether the run keeps a history (then O(history_path) is checked like O(report_dir)).
    type: bool
    default: false
  variable_prefix:
    description:
      - Put in front of each setting's name in an error, so the message names the variable the user set
        (the role passes C(signal_hardening_)).
    type: str
    default: ""
attributes:
  check_mode:
    support: full
    details: Only reads the catalogue; the same in check mode.
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
  - hardening.signal.controller_action
"""

EXAMPLES = r"""
- name: Check the judge's settings before any host is touched
  hardening.signal.judge_settings:
    controls_dir: "{{ role_path }}/controls"
    org: {screen_lock_timeout_minutes: 5, disappearing_messages_timer_days: 7, reboot_interval_hours: 24,
          max_minor_versions_behind: 2, require_signal_on_phones: false}
    attestation_validity_days: {sh-3.5-registration-lock: 180}
    max_failures: {high: 0, medium: null, low: null}
    report_dir: reports
    history: true
    variable_prefix: signal_hardening_
"""

RETURN = r"""
controls:
  description: How many controls the catalogue holds.
  returned: success
  type: int
  sample: 32
"""
