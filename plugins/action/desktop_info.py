# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run the right probe for the host's shell: desktop_info (Python) or win_desktop_info (PowerShell).

One task per workstation, whatever its OS: the role's audit then costs one module round trip per host and no
skipped Windows-or-not tasks (each skipped task costs about as much per host as a tenth of a probe).
The Windows module takes no options: the Linux-only options given to the task are not passed on.
"""

from __future__ import annotations

from ansible.plugins.action import ActionBase

WINDOWS_MODULE = "hardening.signal.win_desktop_info"
POSIX_MODULE = "hardening.signal.desktop_info"


def probe_module(windows_shell):
    """The module that probes a host, by whether its remote shell is a Windows one (powershell, cmd)."""
    return WINDOWS_MODULE if windows_shell else POSIX_MODULE


class ActionModule(ActionBase):
    TRANSFERS_FILES = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp  # no longer has any effect
        # The same test ActionBase makes to choose between PowerShell and Python module wrappers.
        module = probe_module(bool(getattr(self._connection._shell, "_IS_WINDOWS", False)))
        args = {} if module == WINDOWS_MODULE else self._task.args
        result.update(self._execute_module(module_name=module, module_args=args, task_vars=task_vars))
        return result
