# -*- coding: utf-8 -*-
"""The MDM source options are declared once (plugins/module_utils/mdm/options.py); every other place that lists them
agrees with it: the doc fragment, the module, the action, the inventory plugin and the role's argument spec.
(The AWX credential types are checked in tests/unit/awx/test_credential_types.py.)"""

from __future__ import annotations

import os

import yaml

from ansible_collections.hardening.signal.plugins.action.mdm_inventory import ARGUMENT_SPEC
from ansible_collections.hardening.signal.plugins.doc_fragments.mdm_source import ModuleDocFragment
from ansible_collections.hardening.signal.plugins.inventory import mdm as inventory_plugin
from ansible_collections.hardening.signal.plugins.module_utils.mdm import options as spec
from ansible_collections.hardening.signal.plugins.module_utils.mdm.sources import SUPPORTED_TYPES
from ansible_collections.hardening.signal.plugins.modules import mdm_inventory

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", ".."))


def fragment_options():
    return yaml.safe_load(ModuleDocFragment.DOCUMENTATION)["options"]


def test_the_doc_fragment_documents_every_option_as_declared():
    documented = fragment_options()
    assert list(documented) == [o.name for o in spec.OPTIONS]
    for option in spec.OPTIONS:
        entry = documented[option.name]
        assert entry["type"] == option.type, option.name
        assert entry.get("default") == option.default, option.name
        assert tuple(entry.get("choices") or ()) == tuple(option.choices or ()), option.name
        assert " ".join(entry["description"][0].split()) == option.description, option.name
        text = " ".join(" ".join(entry["description"]).split())
        for source_type in option.sources:
            for variable in spec.env_names(source_type, option.name):
                assert "E(%s)" % variable in text, (option.name, variable)


def test_the_module_and_its_action_take_the_same_options():
    own = yaml.safe_load(mdm_inventory.DOCUMENTATION)
    assert "hardening.signal.mdm_source" in own["extends_documentation_fragment"]
    documented = dict(fragment_options())
    documented.update(own["options"])
    assert set(ARGUMENT_SPEC) == set(documented)
    for name, argument in ARGUMENT_SPEC.items():
        assert argument["type"] == documented[name]["type"], name
        assert argument.get("default") == documented[name].get("default"), name
        assert bool(argument.get("no_log")) == (name in spec.SECRET_OPTIONS), name
    assert ARGUMENT_SPEC["source"]["choices"] == list(SUPPORTED_TYPES) == documented["source"]["choices"]


def test_the_inventory_plugin_has_every_option_and_marks_the_secrets():
    own = yaml.safe_load(inventory_plugin.DOCUMENTATION)
    assert "hardening.signal.mdm_source" in own["extends_documentation_fragment"]
    assert set(own["options"]) == {o.name for o in spec.OPTIONS} | {"plugin", "source", "allow_incomplete"}
    for option in spec.OPTIONS:
        assert bool(own["options"][option.name].get("secret")) is option.secret, option.name
    assert set(inventory_plugin.SOURCE_OPTIONS + inventory_plugin.PATH_OPTIONS + ("name",)) == {o.name for o in spec.OPTIONS}


def test_the_roles_argument_spec_declares_the_same_source_options():
    with open(os.path.join(ROOT, "roles", "signal_hardening", "meta", "argument_specs.yml"), encoding="utf-8") as handle:
        role = yaml.safe_load(handle)["argument_specs"]["main"]["options"]
    declared = role["signal_hardening_mdm_sources"]["options"]
    assert set(declared) == {o.name for o in spec.OPTIONS} | {"type"}
    assert declared["type"]["choices"] == list(spec.SOURCE_TYPES)
    for option in spec.OPTIONS:
        entry = declared[option.name]
        assert entry["type"] == option.type, option.name
        assert entry.get("default") == option.default, option.name
        assert tuple(entry.get("choices") or ()) == tuple(option.choices or ()), option.name
        assert bool(entry.get("no_log")) is option.secret, option.name


def test_environment_names_follow_the_source_type():
    assert spec.env_names("workspace_one", "tenant_code") == ("HARDENING_SIGNAL_WORKSPACE_ONE_TENANT_CODE",
                                                              "HARDENING_SIGNAL_MDM_TENANT_CODE")
    assert spec.env_names("intune", "tenant_code") == ()  # not an option of Intune
    assert spec.env_names("file", "path") == ()
    assert spec.from_environment("jamf", "client_id", {"HARDENING_SIGNAL_MDM_CLIENT_ID": "old",
                                                       "HARDENING_SIGNAL_JAMF_CLIENT_ID": "new"}) == (
        "new", "HARDENING_SIGNAL_JAMF_CLIENT_ID")
    assert spec.from_environment("jamf", "client_id", {"HARDENING_SIGNAL_JAMF_CLIENT_ID": ""}) == (None, None)


def test_the_doc_fragment_is_what_the_generator_writes():
    import subprocess
    import sys
    written = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "mdm_options.py")], capture_output=True,
                             text=True, check=True).stdout
    with open(os.path.join(ROOT, "plugins", "doc_fragments", "mdm_source.py"), encoding="utf-8") as handle:
        assert handle.read() == written, "run: python scripts/mdm_options.py --write"
