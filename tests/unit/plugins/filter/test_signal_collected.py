# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collect phase's artifact keeps every targeted host, probed or not."""
from __future__ import annotations

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.hardening.signal.plugins.filter.signal_collected import signal_collected


def test_every_host_is_kept_with_its_probe_owner_and_remediation_error():
    hostvars = {"ws1": {"signal_hardening_probe": {"facts": {"platform": "linux"}}, "signal_hardening_owner": "alice"},
                "ws2": {"signal_hardening_owner": None, "signal_hardening_remediation_error": "ws2: Pin: bad key"},
                "ws3": {"unrelated": 1}}
    assert signal_collected(["ws1", "ws2", "ws3", "gone"], hostvars) == {
        "ws1": {"probe": {"facts": {"platform": "linux"}}, "owner": "alice", "remediation_error": None},
        "ws2": {"probe": None, "owner": "", "remediation_error": "ws2: Pin: bad key"},
        "ws3": {"probe": None, "owner": "", "remediation_error": None},
        "gone": {"probe": None, "owner": "", "remediation_error": None},
    }


def test_other_variable_names():
    hostvars = {"ws1": {"p": {"failed": True}, "o": "bob", "r": "ws1: failed"}}
    assert signal_collected(["ws1"], hostvars, probe_var="p", owner_var="o", remediation_error_var="r") == {
        "ws1": {"probe": {"failed": True}, "owner": "bob", "remediation_error": "ws1: failed"}}


def test_hostvars_must_be_a_mapping():
    with pytest.raises(AnsibleFilterError, match="hostvars must be the hostvars mapping"):
        signal_collected(["ws1"], ["ws1"])
