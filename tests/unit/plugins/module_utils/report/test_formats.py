# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The format table is the one list of report formats: every other list of them must say the same."""

from __future__ import annotations

import os

import yaml

from ansible_collections.hardening.signal.plugins.action import fleet_summary as action
from ansible_collections.hardening.signal.plugins.module_utils.report import write_reports as wr
from ansible_collections.hardening.signal.plugins.module_utils.report.formats import BY_NAME, FORMATS, NAMES
from ansible_collections.hardening.signal.plugins.modules import fleet_summary as module
from ansible_collections.hardening.signal.tests.unit.plugins.module_utils.report.sample_summary import sample_summary

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..', '..', '..'))
ROLE = os.path.join(ROOT, 'roles', 'signal_hardening')


def _yaml(*parts):
    with open(os.path.join(ROLE, *parts), encoding='utf-8') as handle:
        return yaml.safe_load(handle)


def test_the_table_is_well_formed():
    assert len(set(NAMES)) == len(NAMES) and set(BY_NAME) == set(NAMES)
    assert len({fmt.filename for fmt in FORMATS}) == len(FORMATS)
    for fmt in FORMATS:
        assert fmt.filename == os.path.basename(fmt.filename) and not fmt.filename.startswith('.'), fmt
        assert callable(fmt.render), fmt
        # A forked format is written piece by piece by the child: it must have a stream.
        assert not fmt.forked or fmt.stream is not None, fmt


def test_streams_give_the_rendered_text():
    summary = sample_summary()
    for fmt in FORMATS:
        if fmt.stream is not None:
            assert ''.join(fmt.stream(summary)) == fmt.render(summary), fmt.name


def test_the_writer_is_derived_from_the_table():
    assert list(wr.RENDERERS) == list(NAMES)
    assert wr.FILENAMES == {fmt.name: fmt.filename for fmt in FORMATS}
    assert set(wr.FORKED) == {fmt.name for fmt in FORMATS if fmt.forked}


def test_the_role_allows_exactly_the_table():
    spec = _yaml('meta', 'argument_specs.yml')['argument_specs']['main']['options']['signal_hardening_report_formats']
    assert spec['choices'] == list(NAMES)
    assert set(spec['default']) <= set(NAMES)
    assert _yaml('defaults', 'main.yml')['signal_hardening_report_formats'] == spec['default']


def test_the_judge_and_its_docs_allow_exactly_the_table():
    assert action.ARGUMENT_SPEC['formats']['choices'] == list(NAMES)
    documented = yaml.safe_load(module.DOCUMENTATION)['options']['formats']
    assert documented['choices'] == list(NAMES)
    assert set(documented['default']) <= set(NAMES)
