#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# The work is done by the action plugin of the same name, on the controller.

from __future__ import annotations

DOCUMENTATION = r"""
---
module: fleet_summary
short_description: Judge workstations and phones against CERT-EU 22-002 and write the fleet compliance summary
version_added: 0.1.0
description:
  - Runs on the controller (action plugin). Reads the registered C(hardening.signal.desktop_info) results of the
    workstations from hostvars, pulls every configured MDM source once, evaluates every control of the catalogue
    in bulk and writes C(fleet-summary.json) (validated against C(schemas/fleet_summary.schema.json) first),
    C(fleet-summary.md) and a self-contained C(fleet-summary.html). Every file is written atomically.
  - Results are C(pass), C(fail), C(unknown), C(not_applicable), C(manual), C(waived) or C(error). Whatever cannot
    be observed is C(unknown) or C(manual) with its reason, never C(pass).
  - Reports are written in check mode too; nothing on any managed host changes.
  - Usually called through the C(hardening.signal.signal_hardening) role (C(tasks_from=judge)).
author:
  - hardening.signal contributors (@hardening-signal)
options:
  controls_dir:
    description: Folder of the control catalogue (one YAML file per control, checked against C(schemas/control.schema.json)).
    type: path
    required: true
  org:
    description:
      - Organisation-defined values the controls refer to.
      - Must hold C(screen_lock_timeout_minutes), C(disappearing_messages_timer_days), C(reboot_interval_hours),
        C(max_minor_versions_behind) and C(require_signal_on_phones).
    type: dict
    required: true
  newest_versions:
    description: Newest official Signal version per platform (keys C(desktop), C(linux), C(macos), C(windows), C(ios), C(android)).
    type: dict
    default: {}
  targeted_hosts:
    description:
      - Workstations this run targeted. Hosts of the group outside this list (for example excluded by C(--limit)) are left out;
        targeted hosts without a probe result are reported as failed.
      - When omitted, every host of C(workstation_group) is judged.
    type: list
    elements: str
  workstation_group:
    description: Inventory group of the workstations.
    type: str
    default: signal_workstations
  probe_var:
    description: Host variable holding the registered desktop_info result.
    type: str
    default: signal_hardening_probe
  owner_var:
    description: Host variable naming the owner of a workstation.
    type: str
    default: signal_hardening_owner
  mdm_sources:
    description: MDM sources, each a dict with C(name), C(type) (C(file)) and C(path).
    type: list
    elements: dict
    default: []
  waivers:
    description: Waivers (control, scope, owner, justification, ticket, expires). A waived result never counts as pass.
    type: list
    elements: raw
    default: []
  attestations:
    description: Attestations (owner, control, answer, date, by) for the controls no machine can verify.
    type: list
    elements: raw
    default: []
  report_dir:
    description: Folder the reports are written to; created when missing.
    type: path
    required: true
  formats:
    description: Report formats to write.
    type: list
    elements: str
    choices: [json, md, html]
    default: [json, md, html]
  threshold_pct:
    description: Minimum compliance percentage; the result says whether it is met (the role fails the run when not).
    type: float
    default: 0.0
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
    details: Judges and writes the reports in check mode too; it changes nothing on managed hosts.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: none
  platform:
    description: Target OS/families that can be operated against.
    support: full
    platforms: posix
    details: Runs on the controller only.
notes:
  - Needs the Python package C(jsonschema) on the controller (see C(requirements.txt)).
"""

EXAMPLES = r"""
- name: Judge the fleet and write the reports
  hardening.signal.fleet_summary:
    controls_dir: "{{ role_path }}/controls"
    org:
      screen_lock_timeout_minutes: 5
      disappearing_messages_timer_days: 7
      reboot_interval_hours: 24
      max_minor_versions_behind: 2
      require_signal_on_phones: false
    newest_versions: {desktop: "7.80.0", ios: "7.85", android: "7.80.2"}
    mdm_sources:
      - {name: corp-mdm, type: file, path: /srv/mdm/export.json}
    report_dir: /var/lib/signal-compliance
    threshold_pct: 90
  register: summary
"""

RETURN = r"""
compliance_pct:
  description: 100 * pass / (pass + fail + unknown + manual + error); null when nothing was counted.
  returned: always
  type: float
  sample: 62.5
threshold_pct:
  description: The threshold given.
  returned: always
  type: float
  sample: 90.0
threshold_met:
  description: Whether compliance is at or above the threshold (nothing counted meets only a threshold of 0).
  returned: always
  type: bool
totals:
  description: Number of results per status.
  returned: always
  type: dict
  sample: {pass: 10, fail: 3, unknown: 2, not_applicable: 4, manual: 7, waived: 1, error: 1}
subjects:
  description: Number of subjects judged.
  returned: always
  type: int
subjects_compliant:
  description: Subjects whose every counted result is pass.
  returned: always
  type: int
incomplete_sources:
  description: Names of MDM sources that failed or stopped part-way (unreachable workstations are counted in the summary, not here).
  returned: always
  type: list
  elements: str
input_errors:
  description: Number of malformed inputs (records, fields, waivers, attestations, host facts).
  returned: always
  type: int
reports:
  description: Path of each report written, by format.
  returned: always
  type: dict
  sample: {json: /srv/reports/fleet-summary.json, md: /srv/reports/fleet-summary.md, html: /srv/reports/fleet-summary.html}
table:
  description: A short text table per guidance section, for the terminal.
  returned: always
  type: list
  elements: str
seconds:
  description: Time the judgement and the writing took.
  returned: always
  type: float
timings:
  description: Seconds per phase (catalogue, collect, evaluate, summarize, validate, then write_<format> for each format).
  returned: always
  type: dict
  sample: {catalogue: 0.05, collect: 1.2, evaluate: 3.1, summarize: 0.3, validate: 1.4, write_json: 1.1, write_md: 0.2, write_html: 0.2}
"""
