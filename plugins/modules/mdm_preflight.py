#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# The work is done by the action plugin of the same name, on the controller.

from __future__ import annotations

DOCUMENTATION = r"""
---
module: mdm_preflight
short_description: Check that every MDM source can be pulled, before anything else runs
version_added: 0.1.0
description:
  - Runs on the controller and makes no request. For each source in O(sources) it checks what can be known before a
    pull. The source type is supported; every required option and credential is set, in the source or in the
    environment (the source's own C(HARDENING_SIGNAL_<SOURCE>_<OPTION>), then C(HARDENING_SIGNAL_MDM_<OPTION>)); an
    export file or a service-account key file is a file on the controller.
  - It fails naming each source and what it lacks, with the environment variables it may come from, so that a run
    whose MDM credential is not attached stops before any workstation is probed.
  - Whether the credentials are accepted is only known when the source is pulled.
author:
  - hardening.signal contributors (@hardening-signal)
options:
  sources:
    description: The MDM sources, as in the role variable C(signal_hardening_mdm_sources).
    type: list
    elements: dict
    required: true
attributes:
  check_mode:
    support: full
    details: Only reads; runs the same in check mode.
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
  - hardening.signal.controller_action
seealso:
  - module: hardening.signal.mdm_inventory
"""

EXAMPLES = r"""
- name: Every MDM source has its credentials
  hardening.signal.mdm_preflight:
    sources: "{{ signal_hardening_mdm_sources }}"
"""

RETURN = r"""
problems:
  description: One line per source that cannot be pulled (empty when every source can).
  returned: always
  type: list
  elements: str
  sample: ["corp-jamf (jamf): missing option(s): client_id or username (or the environment variable
           HARDENING_SIGNAL_JAMF_CLIENT_ID or HARDENING_SIGNAL_MDM_CLIENT_ID or HARDENING_SIGNAL_JAMF_USERNAME or
           HARDENING_SIGNAL_MDM_USERNAME)"]
"""
