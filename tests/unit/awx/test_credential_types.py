# -*- coding: utf-8 -*-
"""The AWX credential types inject exactly the environment variables the collection reads, and mark secrets."""

from __future__ import annotations

import glob
import os

import yaml

from ansible_collections.hardening.signal.plugins.module_utils.mdm.sources import API_MODULES, CREDENTIALS, ENV_PREFIX, SECRET_OPTIONS

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
TYPES = sorted(glob.glob(os.path.join(ROOT, "awx", "credential_types", "*.yml")))


def test_one_credential_type_per_api_source():
    assert sorted(os.path.splitext(os.path.basename(p))[0] for p in TYPES) == sorted(API_MODULES)


def test_injected_variables_are_read_by_the_collection_and_secrets_are_secret():
    for path in TYPES:
        with open(path, encoding="utf-8") as handle:
            definition = yaml.safe_load(handle)
        fields = {f["id"]: f for f in definition["inputs"]["fields"]}
        for variable in definition["injectors"]["env"]:
            assert variable.startswith(ENV_PREFIX), (path, variable)
            assert variable[len(ENV_PREFIX):].lower() in CREDENTIALS, (path, variable)
        for field_id, field in fields.items():
            if field_id in SECRET_OPTIONS or field_id.endswith("_json"):
                assert field.get("secret") is True, (path, field_id)
