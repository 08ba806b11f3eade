# -*- coding: utf-8 -*-
"""The hardening.signal.mdm inventory plugin, loaded by ansible's own InventoryManager.

Each load runs in a fresh Python process (DRIVER below): ansible's collection
loader and plugin loader are process-wide, and the collection must be found
through them exactly as ansible-inventory and AWX find it. The driver prints
what the inventory holds as JSON; the tests read that.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from ansible_collections.hardening.signal.plugins.inventory.mdm import InventoryModule, host_name
from tests.fakes.http_base import FakeServer

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))
COLLECTIONS = os.path.join(ROOT, ".build", "collections")
EXAMPLE_JSON = os.path.join(ROOT, "examples", "mdm-export.json")
EXAMPLE_CSV = os.path.join(ROOT, "examples", "mdm-export.csv")

DRIVER = r"""
import json, sys
from ansible.plugins.loader import init_plugin_loader
init_plugin_loader()
from ansible._internal._datatag._tags import TrustedAsTemplate
from ansible.errors import AnsibleError
from ansible.inventory.data import InventoryData
from ansible.inventory.manager import InventoryManager
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import inventory_loader
from ansible.template import Templar
from ansible.vars.manager import VariableManager

request = json.loads(sys.argv[1])
loader = DataLoader()
out = {}
if request.get("direct"):
    # the plugin itself, to see the exception it raises
    plugin = inventory_loader.get("hardening.signal.mdm")
    try:
        plugin.parse(InventoryData(), loader, request["source"], cache=request.get("cache", True))
        out["error"] = None
    except AnsibleError as exc:
        out["error"] = str(exc)
        out["error_type"] = type(exc).__name__
    print(json.dumps(out))
    sys.exit(0)

inventory = InventoryManager(loader=loader, sources=[request["source"]], cache=request.get("cache", True))
variables = VariableManager(loader=loader, inventory=inventory)
out["hosts"] = {}
for host in inventory.get_hosts():
    hostvars = host.get_vars()
    out["hosts"][host.name] = {k: v for k, v in hostvars.items() if k.startswith(("signal_", "compose_", "label"))}
out["groups"] = {name: sorted(h.name for h in group.get_hosts()) for name, group in inventory.groups.items()}
out["templated"] = {}
out["trusted"] = {}
for host_name, expressions in request.get("template", {}).items():
    host = inventory.get_host(host_name)
    templar = Templar(loader=loader, variables=variables.get_vars(host=host))
    out["templated"][host_name] = {e: templar.template(TrustedAsTemplate().tag(e)) for e in expressions}
    name = host.get_vars()["signal_mdm"]["name"]
    out["trusted"][host_name] = TrustedAsTemplate.is_tagged_on(name)
print(json.dumps(out, default=str))
"""


def run_driver(request, env=None, home=None):
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("HARDENING_SIGNAL_MDM_", "ANSIBLE_"))}
    environment.update(ANSIBLE_COLLECTIONS_PATH=COLLECTIONS, ANSIBLE_HOME=str(home or os.path.join(ROOT, ".build", "ansible-home")),
                       ANSIBLE_INVENTORY_ENABLED="auto", ANSIBLE_NOCOLOR="1", ANSIBLE_DEPRECATION_WARNINGS="false")
    environment.update(env or {})
    done = subprocess.run([sys.executable, "-c", DRIVER, json.dumps(request)], capture_output=True, text=True,
                          env=environment, cwd=ROOT, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    assert lines, done.stdout + done.stderr
    result = json.loads(lines[-1])
    result["stderr"] = done.stderr
    return result


def config(tmp_path, text, name="phones.mdm.yml"):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


BASE = """plugin: hardening.signal.mdm
source: file
path: %s
"""


def test_verify_file_accepts_only_mdm_configs(tmp_path):
    plugin = InventoryModule()
    for name in ("phones.mdm.yml", "phones.mdm.yaml", "mdm.yml", "mdm.yaml"):
        assert plugin.verify_file(config(tmp_path, BASE % EXAMPLE_JSON, name)), name
    for name in ("phones.yml", "mdm.json", "phones.mdm.yml.bak", "notmdm.yml", "inventory.ini"):
        assert not plugin.verify_file(config(tmp_path, BASE % EXAMPLE_JSON, name)), name
    assert not plugin.verify_file(str(tmp_path / "missing.mdm.yml"))


def test_host_names_are_sanitized():
    assert host_name("ios-0001") == "ios-0001"
    assert host_name("a1b2c3d4-e5f6.7890_x") == "a1b2c3d4-e5f6.7890_x"
    assert host_name("enterprises/LC01/devices/3a7f") == "enterprises_LC01_devices_3a7f"
    assert host_name('{{ lookup("pipe","id") }}') == "___lookup__pipe___id_____"
    assert host_name("iPhone de Zoë:1 [x]") == "iPhone_de_Zo__1__x_"
    assert host_name("") == "_"


def test_json_export_hosts_default_groups_and_vars(tmp_path):
    result = run_driver({"source": config(tmp_path, BASE % EXAMPLE_JSON)})
    hosts, groups = result["hosts"], result["groups"]
    assert len(hosts) == 19
    assert "signal_ios" in groups and "ios-0001" in groups["signal_ios"] and "ios-0001" not in groups["signal_android"]
    assert len(groups["signal_ios"]) == 9 and len(groups["signal_android"]) == 9
    assert len(groups["signal_phones"]) == 18
    assert groups["signal_personal"] == ["android-0005"]
    assert "ios-0001" in groups["signal_corporate"]
    # the record without a platform is there, as invalid, saying why
    assert groups["signal_invalid"] == ["unknown-0001"]
    assert "platform" in hosts["unknown-0001"]["signal_mdm_error"]
    alice = hosts["ios-0001"]
    assert alice["signal_platform"] == "ios" and alice["signal_owner"] == "alice.martin@example.org"
    assert alice["signal_ownership"] == "corporate"
    assert alice["signal_mdm"]["signal"] == {"visible": True, "installed": True, "version": "7.85", "install_source": "app_store"}
    assert alice["signal_mdm_source"]["type"] == "file" and alice["signal_mdm_source"]["name"] == "phones.mdm.yml"
    # phones are not managed hosts: no connection is configured for them
    assert all("ansible_connection" not in h for h in hosts.values())
    # the malformed value is dropped and explained, like in the compliance run
    assert "signal.version" in hosts["ios-0009"]["signal_mdm"]["errors"]
    assert "4 problem(s) in the data" in result["stderr"]


def test_csv_export(tmp_path):
    result = run_driver({"source": config(tmp_path, BASE % EXAMPLE_CSV + "format: csv\n")})
    hosts, groups = result["hosts"], result["groups"]
    assert len(hosts) == 8
    assert sorted(groups["signal_ios"]) == ["csv-ios-0001", "csv-ios-0002", "csv-ios-0003", "csv-ios-0004"]
    assert groups["signal_personal"] == ["csv-android-0002"]
    assert hosts["csv-android-0002"]["signal_mdm"]["signal"]["visible"] is False
    assert hosts["csv-ios-0001"]["signal_mdm"]["raw_fields"]["signal.version"] == "mdm-export.csv line 2 column signal.version"
    assert len(groups["signal_invalid"]) == 1
    # 'company' is not a known ownership: reported, and the phone is in the unknown-ownership group
    assert "csv-android-0003" in groups["signal_ownership_unknown"]


def test_keyed_groups_compose_and_groups(tmp_path):
    text = BASE % EXAMPLE_JSON + """
keyed_groups:
  - key: signal_mdm.signal.install_source | default('not_reported', true)
    prefix: from
  - key: signal_ownership
    prefix: owned
    default_value: unknown
compose:
  compose_signal_version: signal_mdm.signal.version | default(none)
  compose_upper_name: signal_mdm.name | upper
groups:
  signal_missing: signal_mdm.signal.visible is true and signal_mdm.signal.installed is false
  old_ios: signal_platform == 'ios' and (signal_mdm.os_version | default('0')) is version('18', '<')
"""
    result = run_driver({"source": config(tmp_path, text)})
    hosts, groups = result["hosts"], result["groups"]
    assert groups["from_app_store"] == sorted(["ios-0001", "ios-0002", "ios-0004", "ios-0007", "ios-0009"])
    assert groups["from_testflight"] == ["ios-0003"] and groups["from_sideload"] == ["android-0003"]
    assert "ios-0006" in groups["from_not_reported"] and "android-0005" in groups["from_not_reported"]
    assert "android-0005" in groups["owned_personal"] and "unknown-0001" in groups["owned_unknown"]
    assert groups["signal_missing"] == ["android-0007", "ios-0008"]
    assert groups["old_ios"] == ["ios-0003"]
    assert hosts["android-0001"]["compose_signal_version"] == "7.80.2"
    assert hosts["ios-0001"]["compose_upper_name"] == "ALICE'S IPHONE"


def test_template_code_in_mdm_data_is_never_run(tmp_path):
    marker = tmp_path / "pwned"
    devices = [
        {"id": "evil-1", "platform": "ios", "name": '{{ lookup("pipe","id") }}',
         "owner": {"upn": "{{ lookup('pipe', 'touch %s') }}" % marker}, "ownership": "corporate",
         "signal": {"visible": True, "installed": True, "version": "7.85", "install_source": "app_store"}},
        {"id": '{{ lookup("pipe","id") }}', "platform": "android", "name": "{% raw %}x{% endraw %}{{ 7 * 7 }}"},
    ]
    export = tmp_path / "evil.json"
    export.write_text(json.dumps({"format": "hardening.signal/mdm-export", "format_version": 1, "devices": devices}))
    text = BASE % export + """
compose:
  compose_name: signal_mdm.name
  compose_owner: signal_owner
keyed_groups:
  - key: signal_mdm.name
    prefix: named
"""
    expressions = ["{{ signal_mdm.name }}", "{{ signal_owner }}", "{{ compose_name }}", "{{ compose_owner }}",
                   "{{ signal_mdm }}"]
    result = run_driver({"source": config(tmp_path, text),
                         "template": {"evil-1": expressions, "___lookup__pipe___id_____": ["{{ signal_mdm.name }}"]}})
    evil = result["templated"]["evil-1"]
    assert evil["{{ signal_mdm.name }}"] == '{{ lookup("pipe","id") }}'
    assert evil["{{ compose_name }}"] == '{{ lookup("pipe","id") }}'
    assert evil["{{ signal_owner }}"] == evil["{{ compose_owner }}"] == "{{ lookup('pipe', 'touch %s') }}" % marker
    assert "uid=" not in json.dumps(result)
    assert not marker.exists()
    assert result["trusted"]["evil-1"] is False
    assert result["hosts"]["evil-1"]["signal_mdm"]["name"] == '{{ lookup("pipe","id") }}'
    # the id that looks like a template is a plain host name, and its data stays text too
    assert result["templated"]["___lookup__pipe___id_____"]["{{ signal_mdm.name }}"] == "{% raw %}x{% endraw %}{{ 7 * 7 }}"
    assert result["hosts"]["___lookup__pipe___id_____"]["signal_mdm_id"] == '{{ lookup("pipe","id") }}'
    # keyed groups are named from the text, not from what it would render to
    assert result["groups"]["named____lookup__pipe___id_____"] == ["evil-1"]
    assert "named____raw___x___endraw______7___7___" in result["groups"]
    assert not any("49" in group or "uid" in group for group in result["groups"])


def test_options_from_the_environment_and_relative_paths(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "phones.csv").write_text("id,platform,ownership\np1,ios,corporate\np2,android,personal\n")
    # the path is relative to the inventory file, wherever ansible runs from
    result = run_driver({"source": config(tmp_path, "plugin: hardening.signal.mdm\nsource: file\npath: data/phones.csv\n")})
    assert sorted(result["hosts"]) == ["p1", "p2"]
    # every option can come from HARDENING_SIGNAL_MDM_<OPTION>
    result = run_driver({"source": config(tmp_path, "plugin: hardening.signal.mdm\n", "env.mdm.yml")},
                        env={"HARDENING_SIGNAL_MDM_SOURCE": "file", "HARDENING_SIGNAL_MDM_PATH": EXAMPLE_CSV,
                             "HARDENING_SIGNAL_MDM_FORMAT": "csv", "HARDENING_SIGNAL_MDM_NAME": "from-env"})
    assert len(result["hosts"]) == 8
    assert result["hosts"]["csv-ios-0001"]["signal_mdm_source"]["name"] == "from-env"


def test_duplicate_and_colliding_ids_keep_every_device(tmp_path):
    # Two records of id "a b" with other values: both are kept (as invalid, the source's duplicate-id rule).
    devices = [{"id": "a b", "platform": "ios"}, {"id": "a_b", "platform": "android"},
               {"id": "a b", "platform": "ios", "name": "other"}]
    export = tmp_path / "dup.json"
    export.write_text(json.dumps({"format": "hardening.signal/mdm-export", "format_version": 1, "devices": devices}))
    result = run_driver({"source": config(tmp_path, BASE % export)})
    assert {name: h["signal_mdm_id"] for name, h in result["hosts"].items()} == {"a_b": "a b", "a_b_2": "a_b", "a_b_3": "a b"}
    assert "the source lists this id more than once" in result["stderr"]
    assert result["hosts"]["a_b"]["signal_mdm_error"].startswith("device id a b is also given by devices[2]")


def test_a_failed_source_fails_the_inventory_with_the_reason(tmp_path):
    missing = str(tmp_path / "nope.json")
    result = run_driver({"source": config(tmp_path, BASE % missing), "direct": True})
    assert result["error_type"] == "AnsibleParserError"
    assert "MDM source phones.mdm.yml (file) failed" in result["error"] and missing in result["error"]
    result = run_driver({"source": config(tmp_path, BASE % EXAMPLE_CSV.replace(".csv", ".json") + "format: csv\n", "b.mdm.yml"),
                         "direct": True})
    assert "no header" in result["error"] or "unknown column" in result["error"]


def test_bad_options_are_named(tmp_path):
    result = run_driver({"source": config(tmp_path, "plugin: hardening.signal.mdm\nsource: blackberry\n"), "direct": True})
    assert "blackberry" in result["error"]
    result = run_driver({"source": config(tmp_path, "plugin: hardening.signal.mdm\npath: x\n", "c.mdm.yml"), "direct": True})
    assert "source" in result["error"]


def test_cache(tmp_path):
    export = tmp_path / "phones.csv"
    export.write_text("id,platform\np1,ios\n")
    text = BASE % export + "cache: true\ncache_plugin: jsonfile\ncache_connection: %s\n" % (tmp_path / "cache")
    source = config(tmp_path, text)
    assert sorted(run_driver({"source": source})["hosts"]) == ["p1"]
    assert os.listdir(str(tmp_path / "cache"))
    export.write_text("id,platform\np1,ios\np2,android\n")
    # from the cache: the file is not read again
    assert sorted(run_driver({"source": source})["hosts"]) == ["p1"]
    # a refresh (ansible-inventory --flush-cache, AWX 'overwrite') reads it again and updates the cache
    assert sorted(run_driver({"source": source, "cache": False})["hosts"]) == ["p1", "p2"]
    assert sorted(run_driver({"source": source})["hosts"]) == ["p1", "p2"]


def echo_400(request):
    return 400, {"error": "invalid_client",
                 "error_description": "bad credentials in %s" % request.body.decode("utf-8", "replace")}


def test_api_source_failure_is_clear_and_never_shows_the_secret(tmp_path):
    secret = "Int~une+Secr/et=42&x"
    with FakeServer(echo_400) as server:
        text = """plugin: hardening.signal.mdm
source: intune
tenant_id: contoso-tenant
client_id: app-id-1
api_url: %s
token_url: %s/token
max_retries: 0
""" % (server.url, server.url)
        result = run_driver({"source": config(tmp_path, text), "direct": True},
                            env={"HARDENING_SIGNAL_MDM_CLIENT_SECRET": secret})
    assert server.requests and server.requests[0].form()["client_secret"] == secret  # it was used...
    assert "MDM source phones.mdm.yml (intune) failed" in result["error"]
    assert "HTTP 400" in result["error"] and "invalid_client" in result["error"]
    from urllib.parse import quote_plus
    for shown in (result["error"], result["stderr"]):
        assert secret not in shown and quote_plus(secret) not in shown  # ...and never shown


@pytest.mark.parametrize("option", ["client_secret", "password", "tenant_code"])
def test_secrets_are_marked_secret_in_the_documentation(option):
    import yaml
    from ansible_collections.hardening.signal.plugins.inventory import mdm
    options = yaml.safe_load(mdm.DOCUMENTATION)["options"]
    assert options[option]["secret"] is True
    assert options[option]["env"] == [{"name": "HARDENING_SIGNAL_MDM_" + option.upper()}]


def test_every_option_has_its_environment_variable():
    import yaml
    from ansible_collections.hardening.signal.plugins.inventory import mdm
    options = yaml.safe_load(mdm.DOCUMENTATION)["options"]
    for name, option in options.items():
        if name != "plugin":
            assert {"name": "HARDENING_SIGNAL_MDM_" + name.upper()} in option["env"], name


def test_a_sources_own_variable_wins_over_the_generic_one_ansible_reads(tmp_path):
    """AWX can attach a Jamf Pro and a Workspace ONE credential to one inventory sync: the old generic variables
    (which Ansible reads for the options) must not override the source's own HARDENING_SIGNAL_JAMF_*."""
    from tests.fakes.jamf_api import JamfFake, make_device
    fake = JamfFake([make_device(1), make_device(2)], client_id="jamf-client", client_secret="jamf-Secret~1")
    with fake.serve() as server:
        text = "plugin: hardening.signal.mdm\nsource: jamf\nmax_retries: 0\n"
        result = run_driver({"source": config(tmp_path, text)},
                            env={"HARDENING_SIGNAL_MDM_CLIENT_ID": "ws1-client", "HARDENING_SIGNAL_MDM_CLIENT_SECRET": "ws1",
                                 "HARDENING_SIGNAL_JAMF_CLIENT_ID": "jamf-client",
                                 "HARDENING_SIGNAL_JAMF_CLIENT_SECRET": "jamf-Secret~1",
                                 "HARDENING_SIGNAL_JAMF_API_URL": server.url})
    assert sorted(result["groups"]["signal_phones"]) == ["1", "2"]
