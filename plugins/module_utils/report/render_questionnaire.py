# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The attestation questionnaire: a CSV in the attestation import format, one row per person and question owed.

Columns person, control, answer and date are the import format (governance/attestation_file.py); answer and
date are left empty for the person (or a survey tool, or a spreadsheet) to fill in: yes or no, and the day or
moment of the answer. The other columns are there for whoever fills it in and are ignored on import: the
question, the devices it covers, why it is asked (no answer yet, expired, expiring soon, answers that
contradict each other), when the current answer expires, the title of the control and the run. Given back as
signal_hardening_attestation_files, the filled file turns those results into pass or fail with no editing; a
row left empty counts as not answered yet, not as a mistake.

Rows: for each person (person_view.PersonView, in owner order), each attestation control they owe, in control
order. Cells are written as in fleet-summary.csv (render_csv.cell: formula characters neutralised, hiding
characters shown as ⟨U+XXXX⟩): a person's name that needed either no longer matches them on import, so such an
answer stays manual, never a false pass.
"""

from __future__ import annotations

from ansible_collections.hardening.signal.plugins.module_utils.report.person_view import OWED, PersonView
from ansible_collections.hardening.signal.plugins.module_utils.report.render_csv import cell, field

QUESTIONNAIRE_FILE = 'attestation-questionnaire.csv'
COLUMNS = ('person', 'control', 'answer', 'date', 'question', 'devices', 'why', 'current_answer_expires', 'title', 'run')
_WHY = {'missing': 'no answer yet', 'expired': 'the answer expired', 'expiring': 'the answer expires soon',
        'conflict': 'the answers contradict each other'}
PEOPLE_PER_CHUNK = 500


def iter_questionnaire(summary):
    """The questionnaire's text, in pieces of PEOPLE_PER_CHUNK people."""
    view = PersonView(summary)
    run = field(cell((summary.get('run') or {}).get('id')))
    yield ','.join(COLUMNS) + '\r\n'
    lines = []
    for number, person in enumerate(view.people(), 1):
        for attestation in person.attestations:
            if attestation.state not in OWED:
                continue
            lines.append('%s,%s,,,%s,%s,%s,%s,%s,%s\r\n' % (
                field(cell(person.owner)), field(cell(attestation.control)), field(cell(attestation.question)),
                field(cell('; '.join(str(d) for d in attestation.devices))), field(cell(_WHY[attestation.state])),
                field(cell(attestation.valid_until if attestation.state != 'missing' else None)),
                field(cell(attestation.title)), run))
        if number % PEOPLE_PER_CHUNK == 0:
            yield ''.join(lines)
            lines = []
    yield ''.join(lines)


def render_questionnaire(summary):
    return ''.join(iter_questionnaire(summary))
