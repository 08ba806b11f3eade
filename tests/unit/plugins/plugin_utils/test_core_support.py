# -*- coding: utf-8 -*-
"""Which ansible-core versions pass the role's first check, and what the others are told."""

from __future__ import annotations

import os

import pytest
import yaml

from ansible_collections.hardening.signal.plugins.filter.core_support import core_support
from ansible_collections.hardening.signal.plugins.plugin_utils.core_support import REQUIRES_ANSIBLE, TESTED, unsupported_core

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))


@pytest.mark.parametrize("version", ["2.19.0", "2.19", "2.19.14", "2.19.1rc1", "2.19.0+local", "2.20.1", "2.21.0.dev0", "3.0"])
def test_supported_versions_pass(version):
    assert unsupported_core(version) is None
    assert core_support(version) == ""


@pytest.mark.parametrize("version", ["2.18.19", "2.17.14", "2.16.0", "2.19.0rc1", "2.19.0.dev0", "2.9.27", "1.99.99"])
def test_older_versions_are_told_what_is_supported(version):
    message = unsupported_core(version)
    assert message == core_support(version)
    assert "ansible-core >=2.19.0" in message and "tested with 2.19" in message
    assert "runs ansible-core %s." % version in message


def test_a_version_that_cannot_be_read_is_not_taken_as_supported():
    assert "runs ansible-core devel-build." in unsupported_core("devel-build")


def test_the_check_follows_the_collection_metadata():
    with open(os.path.join(ROOT, "meta", "runtime.yml"), encoding="utf-8") as handle:
        assert yaml.safe_load(handle)["requires_ansible"] == REQUIRES_ANSIBLE
    assert REQUIRES_ANSIBLE.startswith(">=") and "," not in REQUIRES_ANSIBLE  # the one form unsupported_core reads
    with open(os.path.join(ROOT, "requirements.txt"), encoding="utf-8") as handle:
        pin = next(line.strip() for line in handle if line.startswith("ansible-core=="))
    assert pin.split("==")[1].startswith(TESTED + ".")
