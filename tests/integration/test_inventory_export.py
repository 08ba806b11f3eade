# -*- coding: utf-8 -*-
"""The hardening.signal.mdm inventory through the real ansible-inventory and ansible-playbook.

An AWX inventory sync stores what `ansible-inventory --list --export` prints, and a job later reads it back
through an inventory script. Two things must hold together: ordinary values are plain JSON in that export (no
{"__ansible_unsafe": ...} objects where a version or a name is expected), and MDM text that could be a template
is never rendered, neither read from the plugin directly nor after the round trip through the stored export.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)
EXAMPLE_JSON = os.path.join(ROOT, "examples", "mdm-export.json")

COMPOSE = """
compose:
  signal_version: signal_mdm.signal.version | default(none)
  label: signal_mdm.name ~ ' (' ~ signal_platform ~ ')'
keyed_groups:
  - key: signal_mdm.signal.install_source | default('not_reported', true)
    prefix: signal_from
"""


def _env(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANSIBLE_", "HARDENING_SIGNAL_MDM_"))}
    env.update(ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, ".build", "collections"), ANSIBLE_HOME=str(tmp_path / "home"),
               ANSIBLE_INVENTORY_ENABLED="hardening.signal.mdm,script,auto", ANSIBLE_NOCOLOR="1",
               ANSIBLE_INVENTORY_UNPARSED_FAILED="true")
    return env


def _config(tmp_path, export_file, extra=""):
    path = tmp_path / "phones.mdm.yml"
    path.write_text("plugin: hardening.signal.mdm\nsource: file\npath: %s\n%s" % (export_file, extra))
    return str(path)


def export(tmp_path, source):
    proc = subprocess.run([os.path.join(BIN, "ansible-inventory"), "-i", source, "--list", "--export"],
                          capture_output=True, text=True, env=_env(tmp_path), cwd=str(tmp_path), timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def markers(value, path=()):
    """Where the export holds an __ansible_unsafe object: (json path, the text inside)."""
    if isinstance(value, dict):
        if "__ansible_unsafe" in value:
            return [(path, value["__ansible_unsafe"])]
        return [found for key, item in value.items() for found in markers(item, path + (key,))]
    if isinstance(value, list):
        return [found for index, item in enumerate(value) for found in markers(item, path + (index,))]
    return []


def test_export_of_ordinary_phones_is_plain_json(tmp_path):
    data = json.loads(export(tmp_path, _config(tmp_path, EXAMPLE_JSON, COMPOSE)))
    assert markers(data) == []
    hostvars = data["_meta"]["hostvars"]
    assert len(hostvars) == 19
    assert hostvars["ios-0001"]["signal_mdm"]["signal"]["version"] == "7.85"
    assert hostvars["ios-0001"]["signal_version"] == "7.85"
    assert hostvars["android-0001"]["label"] == "Carla Pixel (android)"
    assert hostvars["android-0001"]["signal_mdm"]["owner"]["email"] == "carla.nunes@example.org"
    assert "signal_from_app_store" in data


def _evil_inventory(tmp_path):
    marker = tmp_path / "pwned"
    header = "#jinja2:variable_start_string:'[[', variable_end_string:']]'\n[[ lookup('pipe', 'touch %s') ]]" % marker
    devices = [
        {"id": "evil-1", "platform": "ios", "name": "{{ lookup('pipe','id') }}", "model": header,
         "owner": {"upn": "{%% if true %%}{{ lookup('pipe', 'touch %s') }}{%% endif %%}" % marker},
         "ownership": "corporate",
         "signal": {"visible": True, "installed": True, "version": "7.85", "install_source": "app_store"}},
        {"id": "plain-1", "platform": "android", "name": "Plain {braces} but no template",
         "signal": {"visible": True, "installed": True, "version": "7.80.2"}},
    ]
    export_file = tmp_path / "evil.json"
    export_file.write_text(json.dumps({"format": "hardening.signal/mdm-export", "format_version": 1, "devices": devices}))
    return _config(tmp_path, export_file, COMPOSE), marker, header


def test_export_marks_only_what_could_be_a_template(tmp_path):
    source, marker, header = _evil_inventory(tmp_path)
    found = dict(markers(json.loads(export(tmp_path, source))))
    base = ("_meta", "hostvars", "evil-1")
    assert found == {
        base + ("signal_mdm", "name"): "{{ lookup('pipe','id') }}",
        base + ("label",): "{{ lookup('pipe','id') }} (ios)",
        base + ("signal_mdm", "model"): header,
        base + ("signal_mdm", "owner", "upn"): "{%% if true %%}{{ lookup('pipe', 'touch %s') }}{%% endif %%}" % marker,
        base + ("signal_owner",): "{%% if true %%}{{ lookup('pipe', 'touch %s') }}{%% endif %%}" % marker,
    }
    assert not marker.exists()


PLAY = """
- hosts: evil-1
  gather_facts: false
  connection: local
  tasks:
    - name: Show what a job would see
      ansible.builtin.debug:
        msg: "name={{ signal_mdm.name }} model={{ signal_mdm.model }} owner={{ signal_owner }} label={{ label }}"
"""


def _shown(tmp_path, inventory):
    playbook = tmp_path / "show.yml"
    playbook.write_text(PLAY)
    env = _env(tmp_path)
    env.update(ANSIBLE_STDOUT_CALLBACK="ansible.builtin.json", ANSIBLE_PYTHON_INTERPRETER=sys.executable)
    proc = subprocess.run([os.path.join(BIN, "ansible-playbook"), "-i", inventory, str(playbook)], capture_output=True,
                          text=True, env=env, cwd=str(tmp_path), timeout=120, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    tasks = json.loads(proc.stdout)["plays"][0]["tasks"]
    return tasks[0]["hosts"]["evil-1"]["msg"]


def test_template_text_stays_literal_from_the_plugin_and_after_an_awx_style_round_trip(tmp_path):
    source, marker, header = _evil_inventory(tmp_path)
    owner = "{%% if true %%}{{ lookup('pipe', 'touch %s') }}{%% endif %%}" % marker
    expected = "name={{ lookup('pipe','id') }} model=%s owner=%s label={{ lookup('pipe','id') }} (ios)" % (header, owner)
    assert _shown(tmp_path, source) == expected
    # What AWX does with a synced inventory: store the export, hand it to the job through an inventory script.
    stored = export(tmp_path, source)
    script = tmp_path / "awx_inventory.py"
    script.write_text("#!%s\nimport sys\nsys.stdout.write(%r if '--list' in sys.argv else '{}')\n" % (sys.executable, stored))
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    assert _shown(tmp_path, str(script)) == expected
    assert not marker.exists()
