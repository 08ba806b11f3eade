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
  newest_release_dates:
    description:
      - Release date (ISO 8601) of the newest version per desktop platform, as the update feed gives it
        (C(release_dates) of M(hardening.signal.signal_releases)). Used only for the wording of O(release_age_days).
    type: dict
    default: {}
  newest_unknown_reasons:
    description:
      - Why the newest version of a platform is not known (C(unknown_reasons) of M(hardening.signal.signal_releases)),
        shown in the reason of the C(unknown) version results.
    type: dict
    default: {}
  release_age_days:
    description:
      - When a desktop client is older than the newest release and that release came out more than this many days ago,
        the result's reason says the build is at risk of expiring. The verdict itself does not change. V(0) switches it off.
    type: int
    default: 0
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
  remediation_error_var:
    description:
      - Host variable holding why remediation failed on a workstation (the playbook's rescue sets it). Each one set is
        returned in RV(remediation_failures).
    type: str
    default: signal_hardening_remediation_error
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
  waiver_files:
    description:
      - Waiver files (YAML or JSON, C(schemas/waivers.schema.json)), read in addition to O(waivers).
      - Each mistake is listed in the summary's C(input_errors) with the file, the waiver and the field, and the waiver is
        listed as C(invalid) in the summary's C(waivers) section; it is never applied. A file that cannot be read is reported the same way.
    type: list
    elements: path
    default: []
  attestations:
    description: Attestations (owner, control, answer, date, by) for the controls no machine can verify.
    type: list
    elements: raw
    default: []
  attestation_files:
    description:
      - Attestation files as a survey exports them, read in addition to O(attestations) - CSV with the columns C(person),
        C(control), C(answer), C(date) and optionally C(attested_by), or YAML/JSON (C(schemas/attestations.schema.json)).
      - A row with a mistake (unknown control, a control that is not an attestation control, unknown answer, bad or future date,
        the same person, control and date twice) is left out and listed in C(input_errors) with the file, line or record and field.
    type: list
    elements: path
    default: []
  attestation_validity_days:
    description:
      - Per attestation control id, how many days an answer stays valid (1 to 730), instead of the control's own C(validity_days).
      - An unknown control, a control that is not an attestation control, or a value out of range fails the task.
    type: dict
    default: {}
  collected:
    description:
      - "For sliced runs (AWX job slicing): the facts each slice collected, a mapping of host name to C(probe) (the
        desktop_info result), C(owner) and C(remediation_error), merged from the slices' C(signal_hardening_collected) artifacts. When given,
        workstations are judged from it instead of hostvars, and O(targeted_hosts) is not used."
    type: dict
  collected_slices:
    description:
      - "For sliced runs: each slice's own artifact, a mapping of artifact name (C(signal_hardening_collected_<job id>))
        to what O(collected) holds. They are merged (in name order, after O(collected)) and judged as one fleet."
      - With O(collected) or O(collected_slices), every host of O(workstation_group) that no slice collected is judged
        too, as a failed workstation whose error says it was not collected by any slice (never silently left out).
    type: dict
  evaluation_time:
    description:
      - Judge as of this moment (ISO 8601, for example C(2026-11-26T06:00:00Z)) instead of now. Makes reports reproducible
        and lets slices collected at different moments be judged as one run.
    type: str
  report_dir:
    description:
      - Folder the reports are written to; created when missing. A relative path is taken from the folder
        ansible-playbook runs in.
      - A folder inside an installed copy of this collection is refused (it would change the installed content).
    type: path
    required: true
  formats:
    description: Report formats to write.
    type: list
    elements: str
    choices: [json, md, html, junit, csv, questionnaire, hdf, oscal]
    default: [json, md, html]
  threshold_pct:
    description: Minimum compliance percentage; the result says whether it is met (the role fails the run when not).
    type: float
    default: 0.0
  max_failures:
    description:
      - Most results in state C(fail) allowed per severity of their control; keys C(high), C(medium), C(low); a value is a
        whole number from 0, or null for no limit. The RV(gate) says which limits are crossed (the role fails the run then).
    type: dict
    default: {}
  history:
    description:
      - Append the run's results to the history (an SQLite file, or PostgreSQL with O(history_url)), in one transaction
        committed only once the reports are written.
      - The summary then gives each failing result's C(failing_since), the C(changes) since the previous run and the C(trend).
      - A history that cannot be read or written does not stop the run; the summary and a warning say why.
    type: bool
    default: false
  history_path:
    description: The history file; empty means C(fleet-history.sqlite) in O(report_dir).
    type: str
    default: ""
  history_url:
    description:
      - Keep the history in PostgreSQL instead, with the same semantics, e.g. C(postgresql://signal@db.example.org:5432/compliance)
        (a libpq URI). Its tables are in the schema C(hardening_signal) of that database, created on first use.
      - The password comes from the URL, else the environment variable C(HARDENING_SIGNAL_HISTORY_PASSWORD), else a
        C(.pgpass) file; it is never shown (the summary and messages name the URL with C(***) in its place).
      - A malformed URL, another scheme, or a URL together with O(history_path) fails the task; a server that cannot
        be reached does not (the summary's C(history.error) says why).
    type: str
    default: ""
  history_keep_runs:
    description:
      - How many runs' results the history keeps. As each run is appended, in the same transaction, the results of
        older runs are pruned, with the subjects none of the kept runs judged.
      - Every run's date and compliance stay for the trend, and C(failing_since) still names the run a streak began in.
      - V(0) keeps every run.
    type: int
    default: 90
  fail_on_incomplete_sources:
    description:
      - Whether an MDM source that failed or stopped part-way fails the RV(gate). With V(false) the gate names the
        source as accepted and still passes if nothing else fails.
    type: bool
    default: true
  report_mode:
    description:
      - File mode of every report and action sheet (octal text such as V("0640"), read and write bits only, the owner
        reading and writing); the folders this writes get the same with search rights. Never wider than the umask.
    type: raw
    default: "0640"
  report_keep_runs:
    description:
      - Each run's reports go to C(runs/<run id>/) in O(report_dir) and become current as one set (C(current) and the
        stable names such as C(fleet-summary.json) are links to them). This many runs' folders are kept; V(0) keeps all.
    type: int
    default: 3
  action_sheets:
    description:
      - Write an action sheet per person and one for the security team into C(action-sheets/) of the run's folder
        (HTML, and plain text for an e-mail, with an index); the devices without an owner go to C(security-team.html).
    type: bool
    default: true
  attestation_renew_days:
    description: An attestation answer that expires within this many days is asked again (action sheets, questionnaire).
    type: int
    default: 30
attributes:
  check_mode:
    support: full
    details: Judges and writes the reports in check mode too; it changes nothing on managed hosts.
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
  - hardening.signal.controller_action
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
gate:
  description:
    - Every reason the run fails, checked on this run (the same section every report shows). MDM sources that failed or
      stopped part-way (C(sources), unless O(fail_on_incomplete_sources) is false), remediation that failed
      (C(remediation)), the compliance threshold and the failure limits per severity. The role fails the run exactly
      when C(passed) is false.
    - "C(lines) names every line crossed, e.g. C(high: 3 failing results (limit 0): sh-3.1-ios-app-store x2, ...); C(message) joins them."
  returned: always
  type: dict
  sample:
    passed: false
    sources: {incomplete: [], accepted: false, crossed: false}
    remediation: {failures: [], crossed: false}
    compliance: {pct: 62.5, threshold_pct: 50.0, met: true}
    severities: {high: {failures: 3, limit: 0, crossed: true, controls: [{id: sh-3.1-ios-app-store, failures: 2}]}}
    lines: ["high: 3 failing results (limit 0): sh-3.1-ios-app-store x2, sh-3.2-mobile-version-current x1"]
    message: "high: 3 failing results (limit 0): sh-3.1-ios-app-store x2, sh-3.2-mobile-version-current x1"
waivers:
  description: How many waivers are active, unmatched (in force, covering nothing), expired and invalid, and how many results were waived.
  returned: always
  type: dict
  sample: {active: 2, unmatched: 1, expired: 1, invalid: 0, results_waived: 40}
history:
  description: Whether the run was added to the history, where, its run id, the number of runs, and the error if it could not be.
  returned: always
  type: dict
  sample: {enabled: true, path: /srv/reports/fleet-history.sqlite, run_id: 31, runs: 31, error: null}
changes:
  description: How many results are newly failing and fixed since the previous run; null without a history.
  returned: always
  type: dict
  sample: {newly_failing: 4, fixed: 12}
incomplete_sources:
  description: Names of MDM sources that failed or stopped part-way (unreachable workstations are counted in the summary, not here).
  returned: always
  type: list
  elements: str
remediation_failures:
  description:
    - Why remediation failed, one line per workstation where it did (from O(remediation_error_var), or from O(collected)),
      in host name order. The role's gate fails the run when there is any.
  returned: always
  type: list
  elements: str
  sample: ["ws-017: SIGNAL | 3.1 | PATCH | Pin Signal's apt repository: the key's fingerprint is not the one expected"]
input_errors:
  description: Number of malformed inputs (records, fields, waivers, attestations, host facts).
  returned: always
  type: int
report_dir:
  description: The report folder, as an absolute path (a relative O(report_dir) is taken from the current folder).
  returned: always
  type: str
  sample: /home/ops/signal-audit/reports
reports:
  description:
    - Stable path of each report written, by format (a link to the same file in the current run's folder); with
      action sheets, C(action_sheets) is their folder.
  returned: always
  type: dict
  sample: {json: /srv/reports/fleet-summary.json, md: /srv/reports/fleet-summary.md, html: /srv/reports/fleet-summary.html}
run_id:
  description: This run's id, named by every report it wrote.
  returned: always
  type: str
  sample: 20261126T060000Z-3fa9c1
report_folder:
  description: The folder holding every report of this run.
  returned: always
  type: str
  sample: /srv/reports/runs/20261126T060000Z-3fa9c1
gate_text:
  description: The gate's message for the console, every crossed line or what was met (hiding characters shown as code points).
  returned: always
  type: str
table:
  description: A short text table per guidance section, for the terminal.
  returned: always
  type: list
  elements: str
artifact:
  description: Fleet totals, per-control counts and the first 100 failing subjects, small enough for C(ansible.builtin.set_stats) (AWX job artifacts).
  returned: always
  type: dict
seconds:
  description: Time the judgement and the writing took.
  returned: always
  type: float
timings:
  description:
    - Seconds per phase (catalogue, collect, governance, evaluate, summarize, history with history_prune in it, validate,
      then write_<format> for each format, history_commit).
    - write_junit and write_csv are timed in the process forked to write them while the others are written; wait_forked is
      what the action then waited for it.
  returned: always
  type: dict
  sample: {catalogue: 0.05, collect: 1.2, evaluate: 3.1, summarize: 0.3, validate: 1.4, write_json: 1.1, write_md: 0.2, write_html: 0.2}
"""
