# -*- coding: utf-8 -*-
"""The AWX credential types inject exactly the environment variables the collection reads for their own source type,
mark secrets, explain their fields, and two of them attached to one job do not overwrite each other."""

from __future__ import annotations

import os

import jinja2
import pytest
import yaml

from ansible_collections.hardening.signal.plugins.module_utils.mdm.options import (
    API_TYPES,
    BY_NAME,
    ENV_PREFIXES,
    GENERIC_ENV_PREFIX,
    env_names,
)
from ansible_collections.hardening.signal.plugins.module_utils.mdm.sources import API_MODULES, pull_sources
from tests.fakes.intune_api import IntuneFake
from tests.fakes.jamf_api import JamfFake, make_device

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
FOLDER = os.path.join(ROOT, "awx", "credential_types")
# An input that is not an option of the same name: AWX writes the key to a file and injects its path.
FILE_INPUTS = {"service_account_json": "service_account_file"}


def load(source_type):
    with open(os.path.join(FOLDER, source_type + ".yml"), encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def inject(definition, inputs, files=None):
    """The environment AWX gives the job for one credential: each env injector rendered with the inputs (AWX
    renders them with Jinja2; unset optional inputs are left out, as AWX leaves them out)."""
    context = dict(inputs)
    context["tower"] = {"filename": files or {}}
    return {name: jinja2.Template(template).render(**context) for name, template in definition["injectors"]["env"].items()}


def test_one_credential_type_per_api_source():
    assert sorted(API_TYPES) == sorted(API_MODULES)
    for source_type in API_TYPES:
        assert os.path.isfile(os.path.join(FOLDER, source_type + ".yml")), source_type


@pytest.mark.parametrize("source_type", API_TYPES)
def test_injected_variables_are_the_sources_own_names_for_its_own_fields(source_type):
    definition = load(source_type)
    fields = {f["id"]: f for f in definition["inputs"]["fields"]}
    injected = definition["injectors"]["env"]
    assert injected, source_type
    for variable, template in injected.items():
        assert not variable.startswith(GENERIC_ENV_PREFIX), (source_type, variable)  # the name other vendors share
        assert variable.startswith(ENV_PREFIXES[source_type]), (source_type, variable)
        option = variable[len(ENV_PREFIXES[source_type]):].lower()
        assert env_names(source_type, option)[:1] == (variable,), (source_type, variable)
        field = next(f for f, o in FILE_INPUTS.items() if o == option) if option in FILE_INPUTS.values() else option
        assert field in fields, (source_type, variable)
        if field in FILE_INPUTS:
            assert "tower.filename" in template
        else:
            assert template.replace(" ", "").startswith("{{" + field), (source_type, variable, template)
    injected_options = {v[len(ENV_PREFIXES[source_type]):].lower() for v in injected}
    for field in fields:
        assert FILE_INPUTS.get(field, field) in injected_options, (source_type, field)  # every field reaches the job


@pytest.mark.parametrize("source_type", API_TYPES)
def test_fields_are_options_of_the_source_explained_and_secrets_are_secret(source_type):
    definition = load(source_type)
    for field in definition["inputs"]["fields"]:
        option = BY_NAME[FILE_INPUTS.get(field["id"], field["id"])]
        assert source_type in option.sources, (source_type, field["id"])
        assert field.get("label") and field.get("help_text"), (source_type, field["id"])
        secret = option.secret or field["id"] in FILE_INPUTS
        assert bool(field.get("secret")) is secret, (source_type, field["id"])
    for required in definition["inputs"].get("required", []):
        assert required in {f["id"] for f in definition["inputs"]["fields"]}


def test_the_url_fields_exist_where_each_customer_has_their_own():
    assert {"api_url"} <= {f["id"] for f in load("jamf")["inputs"]["fields"]}
    assert {"api_url", "token_url"} <= {f["id"] for f in load("workspace_one")["inputs"]["fields"]}
    assert "api_url" in load("jamf")["inputs"]["required"] and "api_url" in load("workspace_one")["inputs"]["required"]


def test_every_pair_of_credential_types_can_share_a_job():
    injected = {t: set(load(t)["injectors"]["env"]) for t in API_TYPES}
    for first in API_TYPES:
        for second in API_TYPES:
            if first < second:
                assert not injected[first] & injected[second], (first, second)


def test_two_credentials_in_one_job_pull_both_vendors():
    """An Intune and a Jamf Pro credential attached to one job template: AWX merges their injected variables into
    one environment (dict.update, in the order the credentials are attached); both sources then pull with nothing
    but their name and type in signal_hardening_mdm_sources."""
    intune = IntuneFake.from_export(os.path.join(ROOT, "examples", "mdm", "intune", "graph-responses.json"))
    jamf = JamfFake([make_device(n) for n in (1, 2, 3)], client_id="jamf-client", client_secret="jamf-Secret~1")
    with intune, jamf.serve() as jamf_server:
        environment = {"PATH": os.environ.get("PATH", "")}
        environment.update(inject(load("intune"), {"tenant_id": intune.tenant_id, "client_id": intune.client_id,
                                                   "client_secret": intune.client_secret, "api_url": intune.url,
                                                   "token_url": intune.token_url}))
        environment.update(inject(load("jamf"), {"api_url": jamf_server.url, "client_id": "jamf-client",
                                                 "client_secret": "jamf-Secret~1"}))
        results = pull_sources([{"name": "corp-intune", "type": "intune"}, {"name": "corp-jamf", "type": "jamf"}],
                               environ=environment, processes=False)
    statuses = [status for dummy, dummy, status in results]
    assert [(s["name"], s["status"]) for s in statuses] == [("corp-intune", "complete"), ("corp-jamf", "complete")]
    assert statuses[0]["subjects"] > 0 and statuses[1]["subjects"] == 3
    assert [r for r in jamf_server.requests if r.path == "/api/oauth/token"]
    assert [r for r in intune.requests if r.path.endswith("/oauth2/v2.0/token")]


def test_the_old_generic_names_still_work_when_a_source_has_no_own_variable():
    jamf = JamfFake([make_device(1)], client_id="old-client", client_secret="old-Secret")
    with jamf.serve() as server:
        environment = {GENERIC_ENV_PREFIX + "CLIENT_ID": "old-client", GENERIC_ENV_PREFIX + "CLIENT_SECRET": "old-Secret",
                       "HARDENING_SIGNAL_JAMF_API_URL": server.url}
        [(subjects, dummy, status)] = pull_sources([{"name": "j", "type": "jamf"}], environ=environment)
    assert status["status"] == "complete" and len(subjects) == 1


def test_the_sources_own_variable_wins_over_the_generic_one():
    jamf = JamfFake([make_device(1)], client_id="jamf-client", client_secret="jamf-Secret")
    with jamf.serve() as server:
        environment = {GENERIC_ENV_PREFIX + "CLIENT_ID": "someone-elses", GENERIC_ENV_PREFIX + "CLIENT_SECRET": "other",
                       "HARDENING_SIGNAL_JAMF_CLIENT_ID": "jamf-client", "HARDENING_SIGNAL_JAMF_CLIENT_SECRET": "jamf-Secret",
                       "HARDENING_SIGNAL_JAMF_API_URL": server.url}
        [(dummy, dummy, status)] = pull_sources([{"name": "j", "type": "jamf"}], environ=environment)
    assert status["status"] == "complete"


def test_a_url_never_comes_from_a_generic_variable():
    assert env_names("jamf", "api_url") == ("HARDENING_SIGNAL_JAMF_API_URL",)
    assert env_names("intune", "client_secret") == ("HARDENING_SIGNAL_INTUNE_CLIENT_SECRET",
                                                    "HARDENING_SIGNAL_MDM_CLIENT_SECRET")
