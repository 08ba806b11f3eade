#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# The work is done by the action plugin of the same name, on the controller.

from __future__ import annotations

DOCUMENTATION = r"""
---
module: mdm_inventory
short_description: Read phones from an MDM (Intune, Jamf Pro, Android Management API, Workspace ONE or an export file)
version_added: 0.1.0
description:
  - Runs on the controller. Pulls every device of one MDM source, following the vendor's paging, and returns each
    phone as a normalized record (C(schemas/mobile_device.schema.json)) that keeps, for each value, the vendor field
    it came from.
  - Read-only. Long pulls print progress (pages, devices, rate) on stderr at normal verbosity, never on stdout (where a
    stdout callback such as C(ansible.builtin.json) writes).
  - HTTP honours C(429) with C(Retry-After) (seconds or HTTP date), backs off with jitter, retries 5xx and time-outs up to
    O(max_retries), refreshes the token once on C(401), and stops at O(deadline_seconds). TLS is verified by default;
    plain C(http://) is refused unless the host is a loopback address.
  - Secrets never appear in results, errors or logs.
  - The compliance run (role C(hardening.signal.signal_hardening)) pulls the same sources itself; this module is for
    playbooks of your own.
author:
  - hardening.signal contributors (@hardening-signal)
options:
  source:
    description: Which MDM to read.
    type: str
    required: true
    choices: [file, intune, jamf, android_management, workspace_one]
  allow_incomplete:
    description: Return what was read instead of failing when the pull stopped part-way (the result says where).
    type: bool
    default: false
attributes:
  check_mode:
    support: full
    details: Read-only; it reads in check mode too.
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
  - hardening.signal.controller_action
  - hardening.signal.mdm_source
notes:
  - Credentials are read from the options first, then from the environment (the variables named above), which is how
    an AWX credential type injects them.
"""

EXAMPLES = r"""
- name: Read phones from Intune
  hardening.signal.mdm_inventory:
    source: intune
    tenant_id: "{{ intune_tenant_id }}"
    client_id: "{{ intune_client_id }}"
    client_secret: "{{ intune_client_secret }}"
  register: intune

- name: Read an export file
  hardening.signal.mdm_inventory:
    source: file
    path: /srv/mdm/export.csv
  register: exported

- name: Count phones with Signal
  ansible.builtin.debug:
    msg: "{{ intune.devices | selectattr('signal.installed', 'defined') | selectattr('signal.installed') | list | length }}"
"""

RETURN = r"""
devices:
  description: The normalized phone records (see C(schemas/mobile_device.schema.json)), each with C(raw_fields) naming the vendor fields used.
  returned: always
  type: list
  elements: dict
invalid:
  description: Records that could not be used at all, with the reason.
  returned: always
  type: list
  elements: dict
errors:
  description: Every problem found in the source's data, naming the source, record and field.
  returned: always
  type: list
  elements: dict
status:
  description: C(complete), C(incomplete) (stopped part-way) or C(failed) (nothing read).
  returned: always
  type: str
detail:
  description: What was read, or after how many devices and why the pull stopped.
  returned: always
  type: str
stats:
  description: Requests, pages, retries and seconds of an API pull.
  returned: always
  type: dict
  sample: {requests: 12, pages: 10, retries: 1, seconds: 4.2}
"""
