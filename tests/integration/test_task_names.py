# -*- coding: utf-8 -*-
"""The task names the tests search the output for are names ansible-playbook prints."""

from __future__ import annotations

import glob
import os

import yaml

from tests.integration import task_names
from tests.integration.conftest import ROOT


# Tasks whose own name ansible-playbook never prints.
NOT_PRINTED = ("block", "import_role", "ansible.builtin.import_role", "import_tasks", "ansible.builtin.import_tasks")


def _printed_task_names():
    names = set()
    for path in glob.glob(os.path.join(ROOT, "roles", "signal_hardening", "tasks", "*.yml")):
        with open(path, encoding="utf-8") as handle:
            stack = list(yaml.safe_load(handle) or [])
        while stack:
            task = stack.pop()
            for key in ("block", "rescue", "always"):
                stack.extend(task.get(key) or [])
            if not any(key in task for key in NOT_PRINTED):
                names.add(task.get("name"))
    return names


def test_every_task_name_the_tests_look_for_is_printed_by_a_run():
    wanted = {value for key, value in vars(task_names).items() if key.endswith("_TASK")}
    assert wanted and wanted <= _printed_task_names()
