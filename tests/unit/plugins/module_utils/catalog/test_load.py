# -*- coding: utf-8 -*-
"""The catalogue loader refuses malformed controls with the file and field named."""

from __future__ import annotations

import os
import shutil

import pytest
import yaml

from ansible_collections.hardening.signal.plugins.module_utils.catalog.load import CatalogError, load_catalog

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
