# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
name: mdm
short_description: Phones from an MDM (Intune, Jamf Pro, Android Management API, Workspace ONE or an export file) as hosts
version_added: 0.1.0
description:
  - Reads every phone of one MDM source on the controller, with the same clients as the compliance run, and adds each one
    as a host named by its device id, so that AWX (or C(ansible-inventory)) shows the phones and groups them.
  - Phones are not managed hosts and no connection is configured for them (C(ansible_connection) is not set); do not
    target them in plays. The compliance run (role C(hardening.signal.signal_hardening)) still pulls the MDM itself
    and judges every phone in bulk; these hosts are for visibility and grouping.
  - Each host gets C(signal_mdm), the normalized phone record (see C(schemas/mobile_device.schema.json)), plus
    C(signal_mdm_id) (the device id at the source; the host name is that id with characters other than letters,
    digits, C(.), C(_) and C(-) replaced by C(_)), C(signal_platform),
    C(signal_owner), C(signal_ownership) and C(signal_mdm_source). A value from the MDM that could be read as a
    template (it holds C({{), C({%), C({#) or a C(#jinja2:) header) is left untrusted, so it is never templated; a
    device name that holds Jinja2 template code stays that text, also in C(ansible-inventory --list --export), where it
    is written as an C(__ansible_unsafe) object and stays untrusted when AWX reads the stored inventory back. Every
    other string is plain text in the export.
  - Default groups are C(signal_phones) (every phone), C(signal_ios) and C(signal_android) (by platform),
    C(signal_corporate), C(signal_personal) and C(signal_ownership_unknown) (by ownership), and C(signal_invalid)
    for records the source holds but that cannot be used (no usable id or platform); their C(signal_mdm_error)
    says why. O(compose), O(groups) and O(keyed_groups) add more.
  - The configuration file name must end in C(.mdm.yml) or C(.mdm.yaml) (or be C(mdm.yml) / C(mdm.yaml)).
  - Every option can come from the environment variable named below (C(HARDENING_SIGNAL_MDM_<OPTION>)). Credentials
    and URLs are read from the source's own variables first (C(HARDENING_SIGNAL_INTUNE_CLIENT_SECRET),
    C(HARDENING_SIGNAL_JAMF_API_URL)...), which is what the AWX credential types inject; the generic name is the
    fallback. A relative O(path), O(ca_path) or O(service_account_file) is relative to the directory of the
    inventory file.
  - A source that fails (or stops part-way, unless O(allow_incomplete)) fails the inventory with the reason;
    secrets never appear in the message.
author:
  - hardening.signal contributors (@hardening-signal)
extends_documentation_fragment:
  - constructed
  - inventory_cache
  - hardening.signal.mdm_source
options:
  plugin:
    description: The name of this plugin; it makes the file an inventory configuration for it.
    type: str
    required: true
    choices: [hardening.signal.mdm]
  source:
    description: Which MDM to read.
    type: str
    required: true
    choices: [intune, jamf, android_management, workspace_one, file]
    env:
      - name: HARDENING_SIGNAL_MDM_SOURCE
  name:
    description: A name for the source, used in messages and in C(signal_mdm_source). Defaults to the inventory file's name.
    type: str
    env:
      - name: HARDENING_SIGNAL_MDM_NAME
  # Description, type and default of the options below come from the doc fragment hardening.signal.mdm_source.
  api_url:
    env:
      - name: HARDENING_SIGNAL_MDM_API_URL
  token_url:
    env:
      - name: HARDENING_SIGNAL_MDM_TOKEN_URL
  tenant_id:
    env:
      - name: HARDENING_SIGNAL_MDM_TENANT_ID
  client_id:
    env:
      - name: HARDENING_SIGNAL_MDM_CLIENT_ID
  client_secret:
    secret: true
    env:
      - name: HARDENING_SIGNAL_MDM_CLIENT_SECRET
  username:
    env:
      - name: HARDENING_SIGNAL_MDM_USERNAME
  password:
    secret: true
    env:
      - name: HARDENING_SIGNAL_MDM_PASSWORD
  enterprise_id:
    env:
      - name: HARDENING_SIGNAL_MDM_ENTERPRISE_ID
  service_account_file:
    type: str  # resolved against the inventory file's folder here, not Ansible's working folder
    env:
      - name: HARDENING_SIGNAL_MDM_SERVICE_ACCOUNT_FILE
  owners:
    env:
      - name: HARDENING_SIGNAL_MDM_OWNERS
  owners_file:
    type: str  # resolved against the inventory file's folder here, not Ansible's working folder
    env:
      - name: HARDENING_SIGNAL_MDM_OWNERS_FILE
  tenant_code:
    secret: true
    env:
      - name: HARDENING_SIGNAL_MDM_TENANT_CODE
  path:
    type: str  # resolved against the inventory file's folder here, not Ansible's working folder
    env:
      - name: HARDENING_SIGNAL_MDM_PATH
  format:
    env:
      - name: HARDENING_SIGNAL_MDM_FORMAT
  validate_certs:
    env:
      - name: HARDENING_SIGNAL_MDM_VALIDATE_CERTS
  ca_path:
    type: str  # resolved against the inventory file's folder here, not Ansible's working folder
    env:
      - name: HARDENING_SIGNAL_MDM_CA_PATH
  timeout:
    env:
      - name: HARDENING_SIGNAL_MDM_TIMEOUT
  max_retries:
    env:
      - name: HARDENING_SIGNAL_MDM_MAX_RETRIES
  deadline_seconds:
    env:
      - name: HARDENING_SIGNAL_MDM_DEADLINE_SECONDS
  allow_incomplete:
    description: Add the phones read so far, with a warning, when the pull stopped part-way, instead of failing.
    type: bool
    default: false
    env:
      - name: HARDENING_SIGNAL_MDM_ALLOW_INCOMPLETE
notes:
  - With O(cache) enabled, the phone records (including their users' names and addresses) are written to the cache
    plugin's storage; choose it accordingly.
"""

EXAMPLES = r"""
# phones.mdm.yml: Intune; the secret comes from HARDENING_SIGNAL_MDM_CLIENT_SECRET (an AWX credential)
plugin: hardening.signal.mdm
source: intune
tenant_id: 00000000-0000-0000-0000-000000000000
client_id: 11111111-1111-1111-1111-111111111111
keyed_groups:
  - key: signal_mdm.signal.install_source | default('not_reported', true)
    prefix: signal_from
compose:
  signal_version: signal_mdm.signal.version | default(none)
groups:
  signal_missing: signal_mdm.signal.visible is true and signal_mdm.signal.installed is false

---
# export.mdm.yml: an export file next to this inventory file
plugin: hardening.signal.mdm
source: file
path: mdm-export.csv
"""

import os
import re

from ansible.errors import AnsibleParserError
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable
from ansible.template import trust_as_template

from ansible_collections.hardening.signal.plugins.module_utils.mdm.options import GENERIC_ENV_PREFIX, OPTIONS
from ansible_collections.hardening.signal.plugins.module_utils.mdm.sources import pull_source

# The source's options (plugins/module_utils/mdm/options.py), paths apart: they are relative to the inventory file.
PATH_OPTIONS = tuple(o.name for o in OPTIONS if o.type == "path")
SOURCE_OPTIONS = tuple(o.name for o in OPTIONS if o.type != "path" and o.name != "name")
# Options Ansible may fill from the generic HARDENING_SIGNAL_MDM_<OPTION>: the source's own variable
# (HARDENING_SIGNAL_<SOURCE>_<OPTION>) must win over that, so such a value is left to the source to resolve.
_RESOLVED_BY_SOURCE = tuple(o.name for o in OPTIONS if o.env)
CONFIG_SUFFIXES = (".mdm.yml", ".mdm.yaml")
CONFIG_NAMES = ("mdm.yml", "mdm.yaml")
OWNERSHIP_GROUPS = {"corporate": "signal_corporate", "personal": "signal_personal"}
_UNSAFE_HOST_CHARACTERS = re.compile(r"[^A-Za-z0-9._-]")
# What makes Ansible read a string as a template: Jinja2's three start markers anywhere, or an override header
# (which may redefine the markers). Looked for anywhere, which is stricter than Ansible's own test.
_TEMPLATE_MARKERS = ("{{", "{%", "{#", "#jinja2:")


def could_be_template(text):
    return any(marker in text for marker in _TEMPLATE_MARKERS)


def trusted_unless_template(value):
    """value with each string trusted for templating unless it could be a template, which stays untrusted.

    ansible-core 2.19 never renders an untrusted string, and writes each one as {"__ansible_unsafe": ...} in
    ansible-inventory --export (what an AWX inventory sync stores). Trusting text that holds no template marker
    changes nothing when it is rendered, and keeps the export plain; only the strings that need it stay marked.
    """
    if isinstance(value, str):
        return value if could_be_template(value) else trust_as_template(value)
    if isinstance(value, dict):
        return {key: trusted_unless_template(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [trusted_unless_template(item) for item in value]
    return value


def host_name(device_id):
    """A host name from a device id: letters, digits, '.', '_' and '-' kept, anything else '_'."""
    name = _UNSAFE_HOST_CHARACTERS.sub("_", str(device_id))
    return name or "_"


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):

    NAME = "hardening.signal.mdm"

    def verify_file(self, path):
        if not super(InventoryModule, self).verify_file(path):
            return False
        base = os.path.basename(path)
        return base.endswith(CONFIG_SUFFIXES) or base in CONFIG_NAMES

    def parse(self, inventory, loader, path, cache=True):
        super(InventoryModule, self).parse(inventory, loader, path, cache)
        self._read_config_data(path)
        cache_key = self.get_cache_key(path)
        use_cache = self.get_option("cache") and cache
        update_cache = self.get_option("cache") and not cache
        subjects = None
        if use_cache:
            try:
                subjects = self._cache[cache_key]
            except KeyError:
                update_cache = True
        if subjects is None:
            subjects = self._pull(path)
        if update_cache:
            self._cache[cache_key] = subjects
        self._populate(subjects)

    def _spec(self, path):
        base = os.path.dirname(os.path.abspath(path))
        spec = {"name": self.get_option("name") or os.path.basename(path), "type": self.get_option("source")}
        for key in SOURCE_OPTIONS:
            spec[key] = self._own_value(key)
        for key in PATH_OPTIONS:
            value = self._own_value(key)
            if value:
                value = os.path.expanduser(os.path.expandvars(str(value)))
                spec[key] = value if os.path.isabs(value) else os.path.normpath(os.path.join(base, value))
            else:
                spec[key] = None
        return spec

    def _own_value(self, key):
        """The option's value, unless Ansible took it from a generic HARDENING_SIGNAL_MDM_* variable for an option
        the source reads from its own variable first (then the source decides, with the generic one as fallback)."""
        value, origin = self.get_option_and_origin(key)
        if key in _RESOLVED_BY_SOURCE and str(origin or "").startswith("env: " + GENERIC_ENV_PREFIX):
            return None
        return value

    def _progress(self, name, pages, devices, seconds):
        if self.display.verbosity >= 1:  # on stderr: stdout may be ansible-inventory's JSON
            rate = devices / seconds if seconds > 0 else 0.0
            self.display.display("hardening.signal.mdm: %s: %d page(s), %d device(s) so far, %.0f devices/s"
                                 % (name, pages, devices, rate), stderr=True)

    def _pull(self, path):
        """The subjects of the source (JSON-safe, for the cache); raises AnsibleParserError when it failed."""
        subjects, errors, status = pull_source(self._spec(path), progress=self._progress)
        where = "MDM source %s (%s)" % (status["name"], status["type"])
        if status["status"] == "failed":
            raise AnsibleParserError("%s failed: %s" % (where, status["detail"]))
        if status["status"] != "complete":
            if not self.get_option("allow_incomplete"):
                raise AnsibleParserError("%s is %s: %s" % (where, status["status"], status["detail"]))
            self.display.warning("%s is %s; only the phones read so far are in the inventory: %s"
                                 % (where, status["status"], status["detail"]))
        if errors:
            shown = "; ".join("%s %s: %s" % (e.get("record") or "", e.get("field") or "", e.get("message"))
                              for e in errors[:3])
            self.display.warning("%s: %d problem(s) in the data (the compliance run reports them all), e.g. %s"
                                 % (where, len(errors), shown))
        return [{"id": s["id"], "platform": s["platform"], "owner": s["owner"], "state": s["state"], "error": s["error"],
                 "facts": s["facts"], "source": s["source"]} for s in subjects if s.get("kind", "mobile") == "mobile"]

    def _populate(self, subjects):
        strict = self.get_option("strict")
        taken = {}
        for subject in subjects:
            name = self._unique(host_name(subject["id"]), subject["id"], taken)
            self.inventory.add_host(name)
            facts = subject.get("facts") or {}
            ownership = facts.get("ownership")
            hostvars = {
                "signal_mdm": trusted_unless_template(subject["facts"]),
                "signal_mdm_id": trusted_unless_template(subject["id"]),
                "signal_platform": trusted_unless_template(subject["platform"]),
                "signal_owner": trusted_unless_template(subject["owner"]),
                "signal_ownership": trusted_unless_template(ownership),
                "signal_mdm_source": trusted_unless_template(subject["source"]),
            }
            if subject["state"] != "ok":
                hostvars["signal_mdm_error"] = trusted_unless_template(subject["error"])
            for key, value in hostvars.items():
                self.inventory.set_variable(name, key, value)
            if subject["state"] != "ok":
                self._add(name, "signal_invalid")
            else:
                self._add(name, "signal_phones")
                if subject["platform"] in ("ios", "android"):
                    self._add(name, "signal_" + subject["platform"])
                self._add(name, OWNERSHIP_GROUPS.get(ownership, "signal_ownership_unknown"))
            self._set_composite_vars(self.get_option("compose"), hostvars, name, strict=strict)
            self._trust_composed(name)
            self._add_host_to_composed_groups(self.get_option("groups"), hostvars, name, strict=strict)
            self._add_host_to_keyed_groups(self.get_option("keyed_groups"), hostvars, name, strict=strict)

    def _trust_composed(self, name):
        """O(compose) builds new strings from MDM text (a label from the device name): the same rule as for the
        MDM's own values, so that they too are plain in the export unless they could be templates."""
        composed = self.inventory.get_host(name).vars
        for key in self.get_option("compose") or {}:
            if key in composed:
                self.inventory.set_variable(name, key, trusted_unless_template(composed[key]))

    def _add(self, host, group):
        self.inventory.add_group(group)
        self.inventory.add_child(group, host)

    def _unique(self, name, device_id, taken):
        """name, or name_2, name_3... when another device already has it (ids that differ only in odd characters)."""
        candidate, number = name, 1
        while candidate in taken:
            number += 1
            candidate = "%s_%d" % (name, number)
        if candidate != name:
            why = "the source lists this id more than once" if taken[name] == device_id else "%s is device id %r" % (name, taken[name])
            self.display.warning("hardening.signal.mdm: device id %r is host %s in the inventory (%s)" % (device_id, candidate, why))
        taken[candidate] = device_id
        return candidate
