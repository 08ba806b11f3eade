# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The options of an MDM source, declared once.

Everything else is derived from this table or tested against it:
the action plugin's argument spec (action/mdm_inventory.py), the credentials
sources.py reads from the environment, the doc fragment
hardening.signal.mdm_source (module and inventory plugin documentation),
the role's meta/argument_specs.yml (signal_hardening_mdm_sources) and the
AWX credential types in awx/credential_types/ (tests/unit/plugins/
module_utils/mdm/test_options.py checks the last three).

Environment: an option left out of a source is read from
HARDENING_SIGNAL_<SOURCE>_<OPTION> (the source's own name, e.g.
HARDENING_SIGNAL_INTUNE_CLIENT_SECRET), then, for credentials only, from the
older generic HARDENING_SIGNAL_MDM_<OPTION>. Each AWX credential type injects
its own names, so two credentials of different vendors can be attached to one
job without one overwriting the other. URLs have no generic fallback: one
vendor's URL must never reach another vendor's source.
"""

from __future__ import annotations

from collections import namedtuple

SOURCE_TYPES = ("file", "intune", "jamf", "android_management", "workspace_one")
API_TYPES = SOURCE_TYPES[1:]
GENERIC_ENV_PREFIX = "HARDENING_SIGNAL_MDM_"
ENV_PREFIXES = {
    "intune": "HARDENING_SIGNAL_INTUNE_",
    "jamf": "HARDENING_SIGNAL_JAMF_",
    "android_management": "HARDENING_SIGNAL_ANDROID_MANAGEMENT_",
    "workspace_one": "HARDENING_SIGNAL_WORKSPACE_ONE_",
}

# env: None (never from the environment), "source" (the source's own name only) or "credential" (the source's own
# name, then the generic one).
Option = namedtuple("Option", "name type description sources secret env default choices")


def _option(name, type_, description, sources, secret=False, env=None, default=None, choices=None):
    return Option(name, type_, description, tuple(sources), secret, env, default, choices)


OPTIONS = (
    _option("name", "str", "A name for the source, used in messages and reports.", SOURCE_TYPES),
    _option("path", "path", "The export file to read (type C(file)), JSON (schemas/mdm_export.schema.json) or CSV.",
            ("file",)),
    _option("format", "str", "Format of the export file; by default from its extension (C(.csv), otherwise JSON).",
            ("file",), choices=("json", "csv")),
    _option("api_url", "str", "Base URL of the API. Defaults to the vendor's public endpoint (C(https://graph.microsoft.com) "
            "for Intune, C(https://androidmanagement.googleapis.com) for the Android Management API); required for "
            "Jamf Pro (your Jamf Pro URL) and Workspace ONE (your tenant's API host).", API_TYPES, env="source"),
    _option("token_url", "str", "OAuth token endpoint, when not the vendor's default (Intune "
            "C(https://login.microsoftonline.com/{tenant_id}/oauth2/v2.0/token), Android Management API "
            "C(https://oauth2.googleapis.com/token), Jamf Pro C({api_url}/api/oauth/token)); required for Workspace ONE "
            "OAuth (regional, e.g. C(https://na.uemauth.workspaceone.com/connect/token)).", API_TYPES, env="source"),
    _option("tenant_id", "str", "The Entra ID directory (tenant) id of Intune, or a verified domain of the tenant.", ("intune",),
            env="credential"),
    _option("client_id", "str", "OAuth client id (Intune app registration, Jamf Pro API client, Workspace ONE OAuth "
            "client).", ("intune", "jamf", "workspace_one"), env="credential"),
    _option("client_secret", "str", "OAuth client secret.", ("intune", "jamf", "workspace_one"), secret=True,
            env="credential"),
    _option("username", "str", "User for basic authentication (Jamf Pro, Workspace ONE), instead of an OAuth client.",
            ("jamf", "workspace_one"), env="credential"),
    _option("password", "str", "Password for basic authentication.", ("jamf", "workspace_one"), secret=True,
            env="credential"),
    _option("enterprise_id", "str", "Android Management API enterprise id (C(LC01abcd) or C(enterprises/LC01abcd)).",
            ("android_management",), env="credential"),
    _option("service_account_file", "path", "Google service-account key file (JSON) for the Android Management API. "
            "It holds a secret.", ("android_management",), env="credential"),
    _option("owners", "dict", "For the Android Management API, the person (UPN or e-mail address) each device user is, by "
            "C(user.accountIdentifier) (an id the EMM made, never a person's address). Without an entry the phone's "
            "owner is unknown, and its result says so.", ("android_management",)),
    _option("owners_file", "path", "For the Android Management API, a JSON or YAML file holding such a mapping (an object of "
            "account identifier to person), e.g. exported from the directory; O(owners) adds to it and wins.",
            ("android_management",)),
    _option("tenant_code", "str", "Workspace ONE REST API key (sent as the C(aw-tenant-code) header).",
            ("workspace_one",), secret=True, env="credential"),
    _option("validate_certs", "bool", "Verify TLS certificates.", API_TYPES, default=True),
    _option("ca_path", "path", "CA bundle to verify the API's certificate with (an internal CA or a TLS-inspecting "
            "proxy).", API_TYPES),
    _option("timeout", "float", "Seconds to wait for one response.", API_TYPES, default=30.0),
    _option("max_retries", "int", "Retries of one request after 429, 5xx, time-outs and connection errors.", API_TYPES,
            default=5),
    _option("deadline_seconds", "float", "Hard ceiling on the whole pull of one source, waits included.", API_TYPES,
            default=1800.0),
)
BY_NAME = dict((option.name, option) for option in OPTIONS)

# What sources.py reads from the environment when a source leaves it out, and what it redacts from messages.
FROM_ENVIRONMENT = tuple(o.name for o in OPTIONS if o.env)
CREDENTIALS = tuple(o.name for o in OPTIONS if o.env == "credential")
SECRET_OPTIONS = tuple(o.name for o in OPTIONS if o.secret)


def env_names(source_type, name):
    """The environment variables an option of a source of this type is read from, first found wins."""
    option = BY_NAME[name]
    if not option.env or source_type not in ENV_PREFIXES or source_type not in option.sources:
        return ()
    names = (ENV_PREFIXES[source_type] + name.upper(),)
    if option.env == "credential":
        names += (GENERIC_ENV_PREFIX + name.upper(),)
    return names


def from_environment(source_type, name, environ):
    """(value, variable name) of the first variable set for this option, or (None, None)."""
    for variable in env_names(source_type, name):
        value = environ.get(variable)
        if value:
            return value, variable
    return None, None


def argument_spec(source_key="type"):
    """An Ansible argument spec of the options (the type under source_key: 'type' in the role, 'source' in the
    module), as action/mdm_inventory.py and meta/argument_specs.yml have it."""
    spec = {source_key: {"type": "str", "required": True, "choices": list(SOURCE_TYPES)}}
    for option in OPTIONS:
        entry = {"type": option.type}
        if option.secret:
            entry["no_log"] = True
        if option.default is not None:
            entry["default"] = option.default
        if option.choices:
            entry["choices"] = list(option.choices)
        spec[option.name] = entry
    return spec
