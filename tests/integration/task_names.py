# -*- coding: utf-8 -*-
"""Names of the role's tasks that the integration tests look for in ansible-playbook's output. Only names that are
printed belong here (an import_role's or import_tasks' own name never is); test_task_names.py proves each one is a
task of the role, so a renamed task cannot turn a "this never ran" assertion into one that always holds."""

PROBE_TASK = "SIGNAL | AUDIT | Collect Signal Desktop facts"
REMEDIATE_TASK = "SIGNAL | REMEDIATE | Tell the operating system family"
VALIDATE_TASK = "SIGNAL | CHECK | Organisation values are within their ranges"
JUDGE_TASK = "SIGNAL | AUDIT | Judge the fleet and write the compliance summary"
