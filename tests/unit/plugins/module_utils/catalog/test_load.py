# -*- coding: utf-8 -*-
"""The catalogue loader refuses malformed controls with the file and field named."""

from __future__ import annotations

import os
import shutil

import pytest
import yaml

from ansible_collections.hardening.signal.plugins.module_utils.catalog.load import (
    CatalogError,
    load_catalog,
    load_values,
    values_with_org,
)

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", ".."))
CONTROLS = os.path.join(ROOT, "roles", "signal_hardening", "controls")
ORG = ("screen_lock_timeout_minutes", "disappearing_messages_timer_days", "reboot_interval_hours",
       "max_minor_versions_behind", "require_signal_on_phones")
SECTIONS = ("3.1", "3.2", "3.3", "3.4", "3.5", "3.6", "3.7", "3.8", "3.9", "3.10")


def test_the_catalogue_covers_every_section_and_platform():
    controls = load_catalog(CONTROLS, org_names=ORG)
    sections = {c["section"] for c in controls}
    assert sections == set(SECTIONS)
    for platform in ("linux", "macos", "windows", "ios", "android"):
        assert any(platform in c["platforms"] for c in controls), platform
    # Sorted numerically: 3.2 before 3.10.
    order = [tuple(int(p) for p in c["section"].split(".")) for c in controls]
    assert order == sorted(order)


def test_unverifiable_recommendations_are_attestations():
    controls = load_catalog(CONTROLS, org_names=ORG)
    for section in ("3.3", "3.4", "3.5", "3.9"):
        methods = {c["check"]["method"] for c in controls if c["section"] == section}
        assert methods == {"attestation"}, section


def _copy(tmp_path, mutate, name="sh-3.7-linux-screen-lock.yml"):
    target = tmp_path / "controls"
    shutil.copytree(CONTROLS, target)
    path = target / name
    data = yaml.safe_load(path.read_text())
    mutate(data)
    path.write_text(yaml.safe_dump(data))
    return str(target), str(path)


def test_missing_field_names_file_and_field(tmp_path):
    directory, path = _copy(tmp_path, lambda d: d.pop("rationale"))
    with pytest.raises(CatalogError) as err:
        load_catalog(directory, org_names=ORG)
    assert path in str(err.value) and "rationale" in str(err.value)


def test_bad_operator_is_refused(tmp_path):
    directory, path = _copy(tmp_path, lambda d: d["check"]["test"]["all"][0].update(op="looks_fine"))
    with pytest.raises(CatalogError) as err:
        load_catalog(directory, org_names=ORG)
    assert path in str(err.value) and "check" in str(err.value)


def test_unknown_organisation_value_is_refused(tmp_path):
    directory, path = _copy(tmp_path, lambda d: d["check"]["test"]["all"][2].update(value={"org": "lock_minutes"}))
    with pytest.raises(CatalogError) as err:
        load_catalog(directory, org_names=ORG)
    assert "lock_minutes" in str(err.value)


def test_id_must_match_file_name(tmp_path):
    directory, path = _copy(tmp_path, lambda d: d.update(id="sh-3.7-linux-other"))
    with pytest.raises(CatalogError) as err:
        load_catalog(directory, org_names=ORG)
    assert "must match the file name" in str(err.value)


def test_unparsable_yaml_is_named(tmp_path):
    target = tmp_path / "controls"
    shutil.copytree(CONTROLS, target)
    (target / "sh-3.9-broken.yml").write_text("id: [unclosed\n")
    with pytest.raises(CatalogError) as err:
        load_catalog(str(target), org_names=ORG)
    assert "sh-3.9-broken.yml" in str(err.value)


def test_a_reason_template_naming_what_is_not_there_is_refused(tmp_path):
    def mutate(data):
        data["check"]["test"]["all"][0]["reasons"] = {"fail": "the lock of {install.path} is off ({org.lock_minutes})"}
    directory, path = _copy(tmp_path, mutate)
    with pytest.raises(CatalogError) as err:
        load_catalog(directory, org_names=ORG)
    assert path in str(err.value) and "install" in str(err.value) and "lock_minutes" in str(err.value)


def test_the_catalogue_values_are_read_and_normalised():
    values = load_values(CONTROLS)
    assert values["key_fingerprint"]["value"] == "DBA36B5181D0C816F630E889D980A17457F6FB06"
    assert values["macos_team_id"]["value"] == "U68MSDN6DR"
    assert "Signal Messenger, LLC" in values["windows_signers"]["value"]
    # Every value a control names is known to a run that gives only the organisation's own values.
    load_catalog(CONTROLS, org_names=ORG)


def test_the_role_defaults_are_the_catalogue_values():
    """The role passes its variables as organisation values: their defaults are Signal's own."""
    with open(os.path.join(ROOT, "roles", "signal_hardening", "defaults", "main.yml"), encoding="utf-8") as handle:
        defaults = yaml.safe_load(handle)
    for name, entry in load_values(CONTROLS).items():
        if entry.get("variable"):
            assert defaults[entry["variable"]] == entry["value"], name


def test_the_organisation_sets_only_what_it_may_and_gets_it_normalised():
    values = load_values(CONTROLS)
    merged = values_with_org(values, {"screen_lock_timeout_minutes": 5,
                                      "key_fingerprint": "5bf5 1f91 147e 5aaf 7678 0304 c83c 329e 03f5 d9cd",
                                      "apt_repo_url": " http://mirror.example/signal "})
    assert merged["screen_lock_timeout_minutes"] == 5
    assert merged["key_fingerprint"] == "5BF51F91147E5AAF76780304C83C329E03F5D9CD"
    assert merged["apt_repo_url"] == "http://mirror.example/signal"
    assert merged["macos_team_id"] == "U68MSDN6DR"
    with pytest.raises(CatalogError) as err:
        values_with_org(values, {"key_fingerprint": "not a key"})
    assert "signal_hardening_key_fingerprint" in str(err.value)
    with pytest.raises(CatalogError) as err:
        values_with_org(values, {"macos_team_id": "X1"})
    assert "cannot set" in str(err.value)


def test_an_extendable_list_keeps_signals_own_values():
    values = {"certs": {"value": ["AAA"], "type": "strings", "says": "Signal's certificates", "variable": "signal_hardening_x",
                        "extend": True}}
    assert values_with_org(values, {"certs": ["BBB", "AAA"]})["certs"] == ["AAA", "BBB"]


def test_a_malformed_values_file_is_named(tmp_path):
    target = tmp_path / "controls"
    shutil.copytree(CONTROLS, target)
    path = target / "values" / "catalog_values.yml"
    data = yaml.safe_load(path.read_text())
    data["values"]["key_fingerprint"]["value"] = "DBA3"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(CatalogError) as err:
        load_values(str(target))
    assert "catalog_values.yml" in str(err.value) and "key_fingerprint" in str(err.value)
    data["values"]["key_fingerprint"].pop("says")
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(CatalogError) as err:
        load_values(str(target))
    assert "says" in str(err.value)
