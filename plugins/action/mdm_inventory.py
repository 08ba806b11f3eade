# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pull one MDM source on the controller and return its normalized phone records.

An action plugin rather than a module: it runs on the controller, so it
can print progress while a long pull runs, and the clients stay the same
ones the compliance run uses.
"""

from __future__ import annotations


from ansible_collections.hardening.signal.plugins.module_utils.mdm.options import argument_spec
from ansible_collections.hardening.signal.plugins.module_utils.mdm.sources import pull_source
from ansible_collections.hardening.signal.plugins.plugin_utils.controller_action import ControllerAction
from ansible_collections.hardening.signal.plugins.plugin_utils.progress import show_progress

# The source's options as declared once in mdm/options.py, plus what only this action has.
ARGUMENT_SPEC = dict(argument_spec(source_key="source"), allow_incomplete={"type": "bool", "default": False})


class ActionModule(ControllerAction):
    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)[1]
        spec = dict(args)
        spec["type"] = spec.pop("source")
        subjects, errors, status = pull_source(spec, progress=show_progress)
        devices = [s["facts"] for s in subjects if s["state"] == "ok"]
        invalid = [{"record": s["source"]["record"], "error": s["error"]} for s in subjects if s["state"] != "ok"]
        result.update(changed=False, devices=devices, invalid=invalid, errors=errors, status=status["status"],
                      detail=status["detail"], stats=status.get("stats", {}))
        if status["status"] == "failed" or (status["status"] == "incomplete" and not args["allow_incomplete"]):
            result.update(failed=True, msg="MDM source %s is %s: %s" % (status["name"], status["status"], status["detail"]))
        return result
