# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The options of one MDM source, generated from plugins/module_utils/mdm/options.py by scripts/mdm_options.py
(tests/unit/plugins/module_utils/mdm/test_options.py checks it is current)."""

from __future__ import annotations


class ModuleDocFragment(object):
    DOCUMENTATION = r"""
options:
  name:
    description:
      - A name for the source, used in messages and reports.
    type: str
  path:
    description:
      - The export file to read (type C(file)), JSON (schemas/mdm_export.schema.json) or CSV.
    type: path
  format:
    description:
      - Format of the export file; by default from its extension (C(.csv), otherwise JSON).
    type: str
    choices: [json, csv]
  api_url:
    description:
      - Base URL of the API. Defaults to the vendor's public endpoint (C(https://graph.microsoft.com) for
        Intune, C(https://androidmanagement.googleapis.com) for the Android Management API); required for
        Jamf Pro (your Jamf Pro URL) and Workspace ONE (your tenant's API host).
      - When not set, read from the environment variable of the source's type
        (E(HARDENING_SIGNAL_INTUNE_API_URL), E(HARDENING_SIGNAL_JAMF_API_URL),
        E(HARDENING_SIGNAL_ANDROID_MANAGEMENT_API_URL), E(HARDENING_SIGNAL_WORKSPACE_ONE_API_URL)).
    type: str
  token_url:
    description:
      - OAuth token endpoint, when not the vendor's default (Intune
        C(https://login.microsoftonline.com/{tenant_id}/oauth2/v2.0/token), Android Management API
        C(https://oauth2.googleapis.com/token), Jamf Pro C({api_url}/api/oauth/token)); required for
        Workspace ONE OAuth (regional, e.g. C(https://na.uemauth.workspaceone.com/connect/token)).
      - When not set, read from the environment variable of the source's type
        (E(HARDENING_SIGNAL_INTUNE_TOKEN_URL), E(HARDENING_SIGNAL_JAMF_TOKEN_URL),
        E(HARDENING_SIGNAL_ANDROID_MANAGEMENT_TOKEN_URL), E(HARDENING_SIGNAL_WORKSPACE_ONE_TOKEN_URL)).
    type: str
  tenant_id:
    description:
      - The Entra ID directory (tenant) id of Intune, or a verified domain of the tenant.
      - When not set, read from the environment variable of the source's type
        (E(HARDENING_SIGNAL_INTUNE_TENANT_ID)), then from E(HARDENING_SIGNAL_MDM_TENANT_ID).
    type: str
  client_id:
    description:
      - OAuth client id (Intune app registration, Jamf Pro API client, Workspace ONE OAuth client).
      - When not set, read from the environment variable of the source's type
        (E(HARDENING_SIGNAL_INTUNE_CLIENT_ID), E(HARDENING_SIGNAL_JAMF_CLIENT_ID),
        E(HARDENING_SIGNAL_WORKSPACE_ONE_CLIENT_ID)), then from E(HARDENING_SIGNAL_MDM_CLIENT_ID).
    type: str
  client_secret:
    description:
      - OAuth client secret.
      - When not set, read from the environment variable of the source's type
        (E(HARDENING_SIGNAL_INTUNE_CLIENT_SECRET), E(HARDENING_SIGNAL_JAMF_CLIENT_SECRET),
        E(HARDENING_SIGNAL_WORKSPACE_ONE_CLIENT_SECRET)), then from E(HARDENING_SIGNAL_MDM_CLIENT_SECRET).
      - A secret; prefer the environment variable (an AWX credential) or a vault.
    type: str
  username:
    description:
      - User for basic authentication (Jamf Pro, Workspace ONE), instead of an OAuth client.
      - When not set, read from the environment variable of the source's type
        (E(HARDENING_SIGNAL_JAMF_USERNAME), E(HARDENING_SIGNAL_WORKSPACE_ONE_USERNAME)), then from
        E(HARDENING_SIGNAL_MDM_USERNAME).
    type: str
  password:
    description:
      - Password for basic authentication.
      - When not set, read from the environment variable of the source's type
        (E(HARDENING_SIGNAL_JAMF_PASSWORD), E(HARDENING_SIGNAL_WORKSPACE_ONE_PASSWORD)), then from
        E(HARDENING_SIGNAL_MDM_PASSWORD).
      - A secret; prefer the environment variable (an AWX credential) or a vault.
    type: str
  enterprise_id:
    description:
      - Android Management API enterprise id (C(LC01abcd) or C(enterprises/LC01abcd)).
      - When not set, read from the environment variable of the source's type
        (E(HARDENING_SIGNAL_ANDROID_MANAGEMENT_ENTERPRISE_ID)), then from
        E(HARDENING_SIGNAL_MDM_ENTERPRISE_ID).
    type: str
  service_account_file:
    description:
      - Google service-account key file (JSON) for the Android Management API. It holds a secret.
      - When not set, read from the environment variable of the source's type
        (E(HARDENING_SIGNAL_ANDROID_MANAGEMENT_SERVICE_ACCOUNT_FILE)), then from
        E(HARDENING_SIGNAL_MDM_SERVICE_ACCOUNT_FILE).
    type: path
  owners:
    description:
      - For the Android Management API, the person (UPN or e-mail address) each device user is, by
        C(user.accountIdentifier) (an id the EMM made, never a person's address). Without an entry the
        phone's owner is unknown, and its result says so.
    type: dict
  owners_file:
    description:
      - For the Android Management API, a JSON or YAML file holding such a mapping (an object of account
        identifier to person), e.g. exported from the directory; O(owners) adds to it and wins.
    type: path
  tenant_code:
    description:
      - Workspace ONE REST API key (sent as the C(aw-tenant-code) header).
      - When not set, read from the environment variable of the source's type
        (E(HARDENING_SIGNAL_WORKSPACE_ONE_TENANT_CODE)), then from E(HARDENING_SIGNAL_MDM_TENANT_CODE).
      - A secret; prefer the environment variable (an AWX credential) or a vault.
    type: str
  validate_certs:
    description:
      - Verify TLS certificates.
    type: bool
    default: true
  ca_path:
    description:
      - CA bundle to verify the API's certificate with (an internal CA or a TLS-inspecting proxy).
    type: path
  timeout:
    description:
      - Seconds to wait for one response.
    type: float
    default: 30.0
  max_retries:
    description:
      - Retries of one request after 429, 5xx, time-outs and connection errors.
    type: int
    default: 5
  deadline_seconds:
    description:
      - Hard ceiling on the whole pull of one source, waits included.
    type: float
    default: 1800.0
notes:
  - The environment variables are what the AWX credential types in C(awx/credential_types/) inject; each vendor has its
    own names, so credentials of two vendors can be attached to one job.
"""
