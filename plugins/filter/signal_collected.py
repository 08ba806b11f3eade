# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collect phase's artifact: each workstation's registered probe, owner and remediation error, keyed by host name."""

from __future__ import annotations

from collections.abc import Mapping

from ansible.errors import AnsibleFilterError


def signal_collected(hosts, hostvars, probe_var="signal_hardening_probe", owner_var="signal_hardening_owner",
                     remediation_error_var="signal_hardening_remediation_error"):
    """{host: {"probe": its registered probe or None, "owner": its owner or "",
    "remediation_error": why remediation failed on it, or None}} for every host named."""
    if not isinstance(hostvars, Mapping):
        raise AnsibleFilterError("signal_collected: hostvars must be the hostvars mapping, got %s" % type(hostvars).__name__)
    collected = {}
    for host in hosts:
        host_vars = hostvars.get(host) or {}
        collected[host] = {"probe": host_vars.get(probe_var), "owner": host_vars.get(owner_var) or "",
                           "remediation_error": host_vars.get(remediation_error_var) or None}
    return collected


class FilterModule(object):
    def filters(self):
        return {"signal_collected": signal_collected}
