# -*- coding: utf-8 -*-
"""The judge node of a sliced job: every slice's artifact merged, and the inventory's workstations none collected."""

from __future__ import annotations

from ansible_collections.hardening.signal.plugins.module_utils.fleet.run import Workstation
from ansible_collections.hardening.signal.plugins.module_utils.fleet.slices import merge_slices, workstations_from_slices

PROBE = {"facts": {"platform": "linux"}}


def test_every_slice_key_is_merged_whatever_order_they_arrived_in():
    slices = {"signal_hardening_collected_102": {"ws-b": {"probe": PROBE, "owner": "b@example.org"}},
              "signal_hardening_collected_101": {"ws-a": {"probe": PROBE}, "ws-c": {"probe": None}}}
    merged = merge_slices(slices)
    assert sorted(merged) == ["ws-a", "ws-b", "ws-c"]
    # The artifact of earlier versions (one mapping) is merged first; a slice's own key wins over it.
    merged = merge_slices(slices, {"ws-a": {"probe": None}, "ws-z": {"probe": PROBE}})
    assert merged["ws-a"] == {"probe": PROBE} and "ws-z" in merged


def test_a_workstation_no_slice_collected_is_judged_as_not_collected():
    workstations = workstations_from_slices({"ws-a": {"probe": PROBE, "owner": "a@example.org", "remediation_error": None}},
                                            ["ws-a", "ws-d"])
    assert workstations["ws-a"] == Workstation(probe=PROBE, owner="a@example.org")
    assert workstations["ws-d"].probe is None
    assert workstations["ws-d"].missing.startswith("not collected by any slice: the inventory's group signal_workstations")
