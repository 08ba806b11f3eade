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
  name:
    description: A name for the source, used in messages.
    type: str
  source:
    description: Which MDM to read.
    type: str
    required: true
    choices: [file, intune, jamf, android_management, workspace_one]
  api_url:
    description:
      - Base URL of the API. Defaults to the vendor's public endpoint (C(https://graph.microsoft.com) for Intune,
        C(https://androidmanagement.googleapis.com) for the Android Management API); required for Jamf Pro and
        Workspace ONE (your tenant's host). Override for national clouds, proxies and mirrors.
    type: str
  token_url:
    description:
      - OAuth token endpoint. Defaults to the vendor's (Intune C(https://login.microsoftonline.com/{tenant_id}/oauth2/v2.0/token),
        Android Management API C(https://oauth2.googleapis.com/token), Jamf Pro C({api_url}/api/oauth/token)); required for
        Workspace ONE OAuth (regional).
    type: str
  tenant_id:
    description: Intune (Entra ID) tenant. Falls back to the environment variable E(HARDENING_SIGNAL_MDM_TENANT_ID).
    type: str
  client_id:
    description: OAuth client id (Intune, Jamf Pro API client, Workspace ONE). Falls back to E(HARDENING_SIGNAL_MDM_CLIENT_ID).
    type: str
  client_secret:
    description: OAuth client secret. Falls back to E(HARDENING_SIGNAL_MDM_CLIENT_SECRET).
    type: str
  username:
    description: User for basic authentication (Jamf Pro, Workspace ONE). Falls back to E(HARDENING_SIGNAL_MDM_USERNAME).
    type: str
  password:
    description: Password for basic authentication. Falls back to E(HARDENING_SIGNAL_MDM_PASSWORD).
    type: str
  enterprise_id:
    description: Android Management API enterprise id. Falls back to E(HARDENING_SIGNAL_MDM_ENTERPRISE_ID).
    type: str
  service_account_file:
    description: Google service-account key file (JSON) for the Android Management API. Falls back to E(HARDENING_SIGNAL_MDM_SERVICE_ACCOUNT_FILE).
    type: path
  tenant_code:
    description: Workspace ONE API key (C(aw-tenant-code) header). Falls back to E(HARDENING_SIGNAL_MDM_TENANT_CODE).
    type: str
  path:
    description: Export file to read (O(source=file)).
    type: path
  format:
    description: Format of the export file; by default from its extension (C(.csv) or JSON).
    type: str
    choices: [json, csv]
  validate_certs:
    description: Verify TLS certificates.
    type: bool
    default: true
  ca_path:
    description: CA bundle to verify the API's certificate with (an internal CA or a TLS-inspecting proxy).
    type: path
  timeout:
    description: Seconds to wait for one response.
    type: float
    default: 30.0
  max_retries:
    description: Retries of one request after 429, 5xx, time-outs and connection errors.
    type: int
    default: 5
  deadline_seconds:
    description: Hard ceiling on the whole pull, waits included.
    type: float
    default: 1800.0
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
