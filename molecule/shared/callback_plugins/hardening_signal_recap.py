# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Molecule helper: write each playbook run's recap (per-host counts and changed tasks) to a JSON file, so a
later verify step can assert on what an earlier step (molecule's own check or converge) did."""

from __future__ import annotations

DOCUMENTATION = r"""
name: hardening_signal_recap
type: aggregate
short_description: Write the play recap of each playbook run to a JSON file (hardening.signal molecule tests)
description:
  - At the end of a playbook run, writes C(<MOLECULE_EPHEMERAL_DIRECTORY>/recap/<playbook>-<check|apply>.json)
    with the recap counts of every host and the names of the tasks that reported a change (or would, in check mode).
  - Does nothing when MOLECULE_EPHEMERAL_DIRECTORY is not set.
requirements:
  - enabled in configuration (ANSIBLE_CALLBACKS_ENABLED)
"""

import json
import os

from ansible import context
from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "hardening_signal_recap"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._playbook = None
        self._changed = {}

    def v2_playbook_on_start(self, playbook):
        self._playbook = os.path.splitext(os.path.basename(playbook._file_name))[0]  # pylint: disable=protected-access

    def v2_runner_on_ok(self, result):
        if result._result.get("changed"):  # pylint: disable=protected-access
            host = result._host.get_name()  # pylint: disable=protected-access
            self._changed.setdefault(host, []).append(result._task.get_name())  # pylint: disable=protected-access

    def v2_playbook_on_stats(self, stats):
        base = os.environ.get("MOLECULE_EPHEMERAL_DIRECTORY")
        if not base or not self._playbook:
            return
        mode = "check" if context.CLIARGS.get("check") else "apply"
        report = {
            "playbook": self._playbook,
            "check_mode": mode == "check",
            "hosts": {host: stats.summarize(host) for host in sorted(stats.processed)},
            "changed_tasks": self._changed,
        }
        folder = os.path.join(base, "recap")
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, "%s-%s.json" % (self._playbook, mode))
        with open(path + ".tmp", "w", encoding="utf-8") as handle:
            json.dump(report, handle, indent=2, sort_keys=True)
        os.replace(path + ".tmp", path)
