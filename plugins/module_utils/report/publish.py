# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Publish a judged run: append it to the history, write every report, then commit the history.

The order is what keeps the two consistent: the history's sections (failing_since, changes, trend) must be
in the summary before it is written, and the run becomes part of the history only once its reports are
written. A history that cannot be used does not stop the reports: the summary and a warning say why.
"""

from __future__ import annotations

import time

from ansible_collections.hardening.signal.plugins.module_utils.governance.history import (
    HistoryError,
    disabled_sections,
    open_history,
    shown_location,
)
from ansible_collections.hardening.signal.plugins.module_utils.report.write_reports import write_reports


def publish(summary, report_dir, formats, gate, history_path=None, keep_runs=0, timings=None):
    """({format: path}, [warning]). Writes the summary's history, changes, trend and gate sections first.

    history_path None: no history; else an SQLite file's path or a postgresql:// URL (shown without its password).
    keep_runs: how many runs' results the history keeps (0: all).
    Errors writing the reports (InvalidSummary, SchemaUnavailable, OSError) propagate, and the run is then
    not added to the history.
    """
    timings = {} if timings is None else timings
    started = time.monotonic()
    history, warnings = None, []
    sections = disabled_sections()
    if history_path is not None:
        try:
            history = open_history(history_path)
            sections = history.append(summary, keep_runs=keep_runs)
            timings["history_prune"] = history.timings["prune"]
        except HistoryError as exc:
            if history is not None:
                history.close()
                history = None
            sections["history"].update(enabled=True, path=shown_location(history_path), error=str(exc))
            warnings.append("%s; the reports are written without it" % exc)
    summary.update(sections)
    summary["gate"] = gate
    timings["history"] = round(time.monotonic() - started, 3)
    try:
        paths = write_reports(summary, report_dir, formats, timings=timings)
        started = time.monotonic()
        if history is not None:
            try:
                history.commit()
            except HistoryError as exc:
                summary["history"]["error"] = str(exc)
                warnings.append(str(exc))
    finally:
        if history is not None:
            history.close()
    timings["history_commit"] = round(time.monotonic() - started, 3)
    return paths, warnings
