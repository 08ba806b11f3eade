# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The judge node of a sliced AWX job: what the slices handed on, merged, checked against the inventory.

Each slice publishes its workstations' facts as the artifact signal_hardening_collected_<its job id>
({host: {probe, owner, remediation_error}}). AWX merges a workflow's artifacts with a shallow dict.update, so
those keys all reach the judge node side by side; this module merges them into one {host: Workstation}. A
workstation of the inventory's group that no slice collected is not left out: it is judged as a failed subject
saying so. Pure: no I/O.
"""

from __future__ import annotations

from ansible_collections.hardening.signal.plugins.module_utils.fleet.run import Workstation

# The artifact name of one slice is this prefix followed by the slice's job id (or a name unique to its run).
SLICE_PREFIX = "signal_hardening_collected_"

NOT_COLLECTED = ("not collected by any slice: the inventory's group %s has this workstation, but no slice's artifact "
                 "(%s<job id>) names it; the slice that had it failed, was cancelled or ran with another inventory")


def merge_slices(slices, collected=None):
    """One {host: entry} from every slice's artifact ({key: {host: entry}}, merged in key order) and from
    collected (a mapping handed in already merged, as earlier versions published it), which goes first."""
    merged = dict(collected or {})
    for key in sorted(slices or {}):
        merged.update(slices[key] or {})
    return merged


def workstations_from_slices(collected, group_hosts=(), group="signal_workstations"):
    """{host: Workstation} for every host a slice collected, and for every host of the inventory's group that none
    did (with the reason)."""
    workstations = {}
    for host, entry in collected.items():
        entry = entry or {}
        workstations[host] = Workstation(probe=entry.get("probe"), owner=entry.get("owner"),
                                         remediation_error=entry.get("remediation_error"))
    for host in group_hosts:
        if host not in workstations:
            workstations[host] = Workstation(missing=NOT_COLLECTED % (group, SLICE_PREFIX))
    return workstations
