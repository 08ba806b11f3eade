# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Check, without a request, that every configured MDM source has what it needs to be pulled."""

from __future__ import annotations

from ansible_collections.hardening.signal.plugins.module_utils.mdm.sources import preflight
from ansible_collections.hardening.signal.plugins.plugin_utils.controller_action import ControllerAction

ARGUMENT_SPEC = {"sources": {"type": "list", "elements": "dict", "required": True}}


class ActionModule(ControllerAction):
    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)[1]
        problems = [problem for problem in (preflight(spec) for spec in args["sources"]) if problem]
        result.update(changed=False, problems=problems)
        if problems:
            result.update(failed=True, msg="MDM source(s) cannot be pulled, nothing was probed: %s" % "; ".join(problems))
        return result
