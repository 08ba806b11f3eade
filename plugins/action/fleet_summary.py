# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Judge the whole fleet on the controller and write the compliance summary.

The adapter between Ansible and the run (module_utils/fleet/run.py): it checks the arguments, hands the run what
each workstation registered (from hostvars, or from the slices' artifacts, fleet/slices.py) and turns a RunError into
a failed task. Phones are pulled by the run itself, once, and judged in bulk: no Ansible host per phone.
"""

from __future__ import annotations

from ansible.errors import AnsibleActionFail

from ansible_collections.hardening.signal.plugins.module_utils.fleet.run import (
    ARGUMENT_SPEC,
    RunError,
    Workstation,
    cyclic_gc_paused,
    judge_fleet,
)
from ansible_collections.hardening.signal.plugins.module_utils.fleet.slices import merge_slices, workstations_from_slices
from ansible_collections.hardening.signal.plugins.plugin_utils.controller_action import ControllerAction
from ansible_collections.hardening.signal.plugins.plugin_utils.progress import show_progress


def workstations_from_hostvars(args, task_vars):
    """{host: Workstation} for the hosts of the workstation group this run targeted, read from their hostvars."""
    hostvars = task_vars.get("hostvars") or {}
    group = (task_vars.get("groups") or {}).get(args["workstation_group"]) or []
    targeted = args["targeted_hosts"]
    workstations = {}
    for host in group:
        if targeted is not None and host not in targeted:
            continue
        host_vars = hostvars.get(host) or {}
        workstations[host] = Workstation(probe=host_vars.get(args["probe_var"]), owner=host_vars.get(args["owner_var"]),
                                         remediation_error=host_vars.get(args["remediation_error_var"]))
    return workstations


class ActionModule(ControllerAction):
    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        with cyclic_gc_paused():
            _validation, args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)
            task_vars = task_vars or {}
            if args["collected"] is not None or args["collected_slices"] is not None:
                # The judge node of a sliced job: what the slices handed on, and the inventory's workstations none did.
                group = (task_vars.get("groups") or {}).get(args["workstation_group"]) or []
                workstations = workstations_from_slices(merge_slices(args["collected_slices"], args["collected"]), group,
                                                        args["workstation_group"])
            else:
                workstations = workstations_from_hostvars(args, task_vars)
            try:
                result.update(judge_fleet(args, workstations, check_mode=self._play_context.check_mode,
                                          progress=show_progress))
            except RunError as exc:
                raise AnsibleActionFail(str(exc))
        return result
