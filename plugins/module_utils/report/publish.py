# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Publish a judged run: append it to the history, write every report as one set, then commit the history.

The order is what keeps the two consistent: the history's sections (failing_since, changes, trend) must be
in the summary before it is written, and the run becomes part of the history only once its reports are
published. A history that cannot be used does not stop the reports: the summary and a warning say why.

The reports of a run are written into a folder of their own and made current in one step (report_set.py):
readers see all of a run's reports or none of them, never a mix of two runs.
"""

from __future__ import annotations

import os
import time

from ansible_collections.hardening.signal.plugins.module_utils.governance.history import (
    HistoryError,
    disabled_sections,
    open_history,
    shown_location,
)
from ansible_collections.hardening.signal.plugins.module_utils.governance.history_location import is_url
from ansible_collections.hardening.signal.plugins.module_utils.private_files import DEFAULT_MODE
from ansible_collections.hardening.signal.plugins.module_utils.report import action_sheets as sheets
from ansible_collections.hardening.signal.plugins.module_utils.report.formats import FORMATS
from ansible_collections.hardening.signal.plugins.module_utils.report.report_set import ReportSet, new_run_id
from ansible_collections.hardening.signal.plugins.module_utils.report.write_reports import (
    FILENAMES,
    ForkedWork,
    may_fork,
    write_reports,
)

# Complete run folders kept in the report folder (the current one among them); older ones are removed.
KEEP_REPORT_RUNS = 3


def publish(summary, report_dir, formats, gate, history_path=None, keep_runs=0, timings=None, mode=DEFAULT_MODE,
            keep_report_runs=KEEP_REPORT_RUNS, action_sheets=False):
    """({format: stable path}, [warning]). Writes the summary's run id, history, changes, trend and gate sections first.

    history_path None: no history; else an SQLite file's path or a postgresql:// URL (shown without its password).
    keep_runs: how many runs' results the history keeps (0: all). mode: the reports' file mode (private_files).
    keep_report_runs: how many runs' report folders stay (0: all). action_sheets: also write the action sheets
    (action_sheets.py); their folder is then under "action_sheets".
    Errors writing the reports (InvalidSummary, SchemaUnavailable, OSError, ReportSetError) propagate; the run
    is then neither published nor added to the history.
    """
    timings = {} if timings is None else timings
    summary["run"]["id"] = new_run_id(summary["generated_at"])
    warnings = []
    with ReportSet(report_dir, summary["run"]["id"], mode) as report_set:
        history = _append_to_history(summary, history_path, keep_runs, timings, warnings, mode)
        summary["gate"] = gate
        started = time.monotonic()
        sheets_folder = os.path.join(report_set.folder, sheets.FOLDER)
        forked_sheets = None
        try:
            if action_sheets and may_fork():
                # Written by a process of its own while the reports are (they read nothing the reports add); the
                # set is published only once it has succeeded. Its files are in the run's folder, removed with it
                # when the run fails.
                forked_sheets = ForkedWork.start(
                    lambda: sheets.write_action_sheets(summary, sheets_folder, mode), "the action sheets",
                    "write_action_sheets")
            write_reports(summary, report_set.folder, formats, timings=timings, mode=mode)
            names = [FILENAMES[fmt] for fmt in dict.fromkeys(formats)]
            if action_sheets:
                sheets_started = time.monotonic()
                if forked_sheets is not None:
                    forked_sheets.finish(timings)
                    timings["wait_action_sheets"] = round(time.monotonic() - sheets_started, 3)
                else:
                    sheets.write_action_sheets(summary, sheets_folder, mode)
                    timings["write_action_sheets"] = round(time.monotonic() - sheets_started, 3)
                names.append(sheets.FOLDER)
            stable = report_set.publish(names, stale_names=[fmt.filename for fmt in FORMATS] + [sheets.FOLDER])
            started = time.monotonic()
            if history is not None:
                try:
                    history.commit()
                except HistoryError as exc:
                    summary["history"]["error"] = str(exc)
                    warnings.append(str(exc))
        finally:
            if forked_sheets is not None:
                forked_sheets.abandon()
            if history is not None:
                history.close()
        timings["history_commit"] = round(time.monotonic() - started, 3)
        report_set.prune(keep_report_runs)
    paths = {fmt: stable[FILENAMES[fmt]] for fmt in formats}
    if action_sheets:
        paths["action_sheets"] = stable[sheets.FOLDER]
    return paths, warnings


def _append_to_history(summary, history_path, keep_runs, timings, warnings, mode):
    """The open history with this run appended (None without one); its sections are put in the summary.

    An SQLite file gets the reports' mode (private_files), as they hold the same personal data.
    """
    started = time.monotonic()
    history = None
    sections = disabled_sections()
    if history_path is not None:
        try:
            history = open_history(history_path, **({} if is_url(history_path) else {"mode": mode}))
            sections = history.append(summary, keep_runs=keep_runs)
            timings["history_prune"] = history.timings["prune"]
        except HistoryError as exc:
            if history is not None:
                history.close()
                history = None
            sections["history"].update(enabled=True, path=shown_location(history_path), error=str(exc))
            warnings.append("%s; the reports are written without it" % exc)
    summary.update(sections)
    timings["history"] = round(time.monotonic() - started, 3)
    return history
