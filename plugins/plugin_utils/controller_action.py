# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The base of the actions that run entirely on the controller (fleet_summary, mdm_inventory, signal_releases)."""

from __future__ import annotations

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase
from ansible.release import __version__ as ansible_core_version

from ansible_collections.hardening.signal.plugins.plugin_utils.core_support import unsupported_core


class ControllerAction(ActionBase):
    """Nothing is sent to the host and no connection is opened; the action only reads or writes on the
    controller, so it runs the same in check mode (the module docs say what check mode changes, if anything)."""

    TRANSFERS_FILES = False
    _requires_connection = False
    _supports_check_mode = True

    def run(self, tmp=None, task_vars=None):
        # A playbook may call these actions without the role's first check: stop here with the same message.
        problem = unsupported_core(ansible_core_version)
        if problem:
            raise AnsibleActionFail(problem)
        return super(ControllerAction, self).run(tmp, task_vars)
