# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The report formats: one row each, the only list of them.

A new format is one row here (and its renderer module). Everything else is derived from FORMATS or checked
against it by tests/unit/plugins/module_utils/report/test_formats.py: the writer (write_reports.py), the
judge's argument spec (its choices), the role's meta/argument_specs.yml and defaults, and the module docs.

name      what signal_hardening_report_formats lists
filename  the file written in the run's report folder
render    summary -> the whole text
stream    summary -> the same text in pieces (None: rendered in one piece); a big fleet is never held twice
forked    the forked process that renders it (False: this one) while this one validates the summary and writes
          the rest: only for formats that read nothing the validation or the other writers add, and that have a
          stream. Formats with the same name share one process: the JSON (the largest, about 2 s at 50,000
          subjects) has one of its own, the tables for other tools another
"""

from __future__ import annotations

import collections

from ansible_collections.hardening.signal.plugins.module_utils.report.render_csv import CSV_FILE, iter_csv, render_csv
from ansible_collections.hardening.signal.plugins.module_utils.report.render_hdf import HDF_FILE, iter_hdf, render_hdf
from ansible_collections.hardening.signal.plugins.module_utils.report.render_html import render_html
from ansible_collections.hardening.signal.plugins.module_utils.report.render_json import JSON_FILE, iter_json, render_json
from ansible_collections.hardening.signal.plugins.module_utils.report.render_junit import JUNIT_FILE, iter_junit, render_junit
from ansible_collections.hardening.signal.plugins.module_utils.report.render_markdown import render_markdown
from ansible_collections.hardening.signal.plugins.module_utils.report.render_oscal import OSCAL_FILE, iter_oscal, render_oscal
from ansible_collections.hardening.signal.plugins.module_utils.report.render_questionnaire import (
    QUESTIONNAIRE_FILE,
    iter_questionnaire,
    render_questionnaire,
)

Format = collections.namedtuple('Format', ('name', 'filename', 'render', 'stream', 'forked'))

FORMATS = (
    Format('json', JSON_FILE, render_json, iter_json, 'json'),
    Format('md', 'fleet-summary.md', render_markdown, None, False),
    Format('html', 'fleet-summary.html', render_html, None, False),
    Format('junit', JUNIT_FILE, render_junit, iter_junit, 'tables'),
    Format('csv', CSV_FILE, render_csv, iter_csv, 'tables'),
    # For people: the attestations they owe, in the attestation import format (answer and date to fill in).
    Format('questionnaire', QUESTIONNAIRE_FILE, render_questionnaire, iter_questionnaire, 'tables'),
    # For other tools (opt-in): Heimdall / the SAF CLI, and OSCAL assessment results.
    Format('hdf', HDF_FILE, render_hdf, iter_hdf, 'tables'),
    Format('oscal', OSCAL_FILE, render_oscal, iter_oscal, 'tables'),
)
BY_NAME = {fmt.name: fmt for fmt in FORMATS}
NAMES = tuple(fmt.name for fmt in FORMATS)
