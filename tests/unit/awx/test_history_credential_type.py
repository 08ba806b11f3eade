# -*- coding: utf-8 -*-
"""The AWX credential type for the history database injects what the role and the PostgreSQL store read."""

from __future__ import annotations

import os

import jinja2
import yaml

from ansible_collections.hardening.signal.plugins.module_utils.governance.history_location import PASSWORD_ENV, problem

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
TYPE = os.path.join(ROOT, "awx", "credential_types", "history_postgresql.yml")
DEFAULTS = os.path.join(ROOT, "roles", "signal_hardening", "defaults", "main.yml")


def load(path):
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def test_it_injects_the_url_the_role_defaults_to_and_the_password_the_store_reads():
    definition = load(TYPE)
    fields = {f["id"]: f for f in definition["inputs"]["fields"]}
    assert fields["password"].get("secret") is True and not fields["url"].get("secret")
    assert definition["inputs"]["required"] == ["url"]
    env = definition["injectors"]["env"]
    assert sorted(env) == ["HARDENING_SIGNAL_HISTORY_PASSWORD", "HARDENING_SIGNAL_HISTORY_URL"]
    assert PASSWORD_ENV == "HARDENING_SIGNAL_HISTORY_PASSWORD"
    default = load(DEFAULTS)["signal_hardening_history_url"]
    assert default == "{{ lookup('ansible.builtin.env', 'HARDENING_SIGNAL_HISTORY_URL') }}"
    # AWX renders the injectors with Jinja: a credential without a password injects an empty one (libpq then
    # uses a .pgpass file), and the URL as entered.
    rendered = {name: jinja2.Environment().from_string(template).render(url="postgresql://signal@db:5432/history")
                for name, template in env.items()}
    assert rendered == {"HARDENING_SIGNAL_HISTORY_URL": "postgresql://signal@db:5432/history",
                        "HARDENING_SIGNAL_HISTORY_PASSWORD": ""}
    assert problem(rendered["HARDENING_SIGNAL_HISTORY_URL"]) is None
