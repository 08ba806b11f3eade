# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Check the judge's settings before any host is touched, with the very checks the judge runs (fleet/run.py)."""

from __future__ import annotations

from ansible.errors import AnsibleActionFail

from ansible_collections.hardening.signal.plugins.module_utils.fleet.run import RunError, check_settings
from ansible_collections.hardening.signal.plugins.plugin_utils.controller_action import ControllerAction

ARGUMENT_SPEC = {
    "controls_dir": {"type": "path", "required": True},
    "org": {"type": "dict", "required": True},
    "attestation_validity_days": {"type": "dict", "default": {}},
    "max_failures": {"type": "dict", "default": {}},
    "history_keep_runs": {"type": "int", "default": 90},
    "history_url": {"type": "str", "default": ""},
    "history_path": {"type": "str", "default": ""},
    "evaluation_time": {"type": "str"},
    "report_mode": {"type": "raw", "default": "0640"},
    "report_keep_runs": {"type": "int", "default": 3},
    "attestation_renew_days": {"type": "int", "default": 30},
    "report_dir": {"type": "path"},
    "history": {"type": "bool", "default": False},
    "variable_prefix": {"type": "str", "default": ""},
}


class ActionModule(ControllerAction):
    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        _validation, args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)
        try:
            settings = check_settings(args, prefix=args["variable_prefix"])
        except RunError as exc:
            raise AnsibleActionFail(str(exc))
        result.update(changed=False, controls=len(settings.controls),
                      msg="%d controls loaded; the judge's settings hold together" % len(settings.controls))
        return result
