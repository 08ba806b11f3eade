# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A test connection: this machine (the local connection) until a module other than setup is sent, then unreachable
for good. It stands for a workstation lost part-way through remediation: the first step (setup) answers, every later
one cannot reach it. Nothing but setup ever runs. Its state is a file named by HARDENING_SIGNAL_FLAKY_STATE (each task
runs in a worker process of its own)."""

from __future__ import annotations

import os

from ansible.errors import AnsibleConnectionFailure
from ansible.plugins.connection.local import DOCUMENTATION as LOCAL_DOCUMENTATION
from ansible.plugins.connection.local import Connection as LocalConnection

DOCUMENTATION = LOCAL_DOCUMENTATION.replace("name: local", "name: flaky", 1).replace(
    "short_description: execute on controller", "short_description: the controller, until a module other than setup", 1)


def _state():
    return os.environ["HARDENING_SIGNAL_FLAKY_STATE"]


def _lost():
    return os.path.exists(_state())


def _lose(why):
    with open(_state(), "a", encoding="utf-8") as handle:
        handle.write(why + "\n")
    raise AnsibleConnectionFailure("flaky: the workstation stopped answering (%s)" % why)


class Connection(LocalConnection):
    transport = "flaky"

    def exec_command(self, cmd, in_data=None, sudoable=True):
        if _lost():
            _lose("exec")
        if "AnsiballZ_" in cmd and "AnsiballZ_setup.py" not in cmd:
            _lose("a module other than setup")
        return super(Connection, self).exec_command(cmd, in_data=in_data, sudoable=sudoable)

    def put_file(self, in_path, out_path):
        if _lost():
            _lose("put")
        if "AnsiballZ_" in out_path and not out_path.endswith("AnsiballZ_setup.py"):
            _lose("a module other than setup")
        return super(Connection, self).put_file(in_path, out_path)

    def fetch_file(self, in_path, out_path):
        if _lost():
            _lose("fetch")
        return super(Connection, self).fetch_file(in_path, out_path)
