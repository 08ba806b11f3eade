# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action sheets and the questionnaire, from a whole judge run (fleet/run.py, no Ansible): what each person owes,
what is wrong on each device, who gets which file, and that hostile owners stay text."""

from __future__ import annotations

import copy
import csv
import datetime
import json
import os
import re

import pytest

from ansible_collections.hardening.signal.plugins.module_utils.fleet.run import judge_fleet, with_defaults
from ansible_collections.hardening.signal.plugins.module_utils.report.action_sheets import sheet_stem
from ansible_collections.hardening.signal.plugins.module_utils.report.person_view import PersonView

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..', '..', '..'))
CONTROLS_DIR = os.path.join(ROOT, 'roles', 'signal_hardening', 'controls')
ORG = {'screen_lock_timeout_minutes': 5, 'disappearing_messages_timer_days': 7, 'reboot_interval_hours': 24,
       'max_minor_versions_behind': 2, 'require_signal_on_phones': False}
NOW = datetime.datetime(2026, 11, 26, 6, 0, 0, tzinfo=datetime.timezone.utc)
ALICE, BOB = 'alice.martin@example.org', 'bob@example.org'
HOSTILE = '../../Mallory\u202egpj.exe <script>alert(1)</script> =cmd|x@example.org'
ATTESTATIONS = [
    {'owner': ALICE, 'control': 'sh-3.5-registration-lock', 'answer': 'yes', 'date': '2026-10-02'},      # current
    {'owner': ALICE, 'control': 'sh-3.6-linked-devices-review', 'answer': 'yes', 'date': '2026-09-01'},  # expires 11-30
    {'owner': ALICE, 'control': 'sh-3.9-disappearing-messages', 'answer': 'yes', 'date': '2025-01-10'},  # expired
    {'owner': ALICE, 'control': 'sh-3.8-notification-content', 'answer': 'no', 'date': '2026-11-20'},    # said no
    {'owner': BOB, 'control': 'sh-3.5-registration-lock', 'answer': 'yes', 'date': '2026-11-20T10:00:00Z'},
    {'owner': BOB, 'control': 'sh-3.5-registration-lock', 'answer': 'no', 'date': '2026-11-20T10:00:00Z'},  # conflict
]


def _device(devices, device_id, **changes):
    device = copy.deepcopy(next(d for d in devices if d['id'] == device_id))
    device.update(changes)
    return device


@pytest.fixture(scope='module')
def run(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp('sheets')
    with open(os.path.join(ROOT, 'examples', 'mdm-export.json'), encoding='utf-8') as handle:
        document = json.load(handle)
    devices = document['devices']
    alice_phone = _device(devices, 'ios-0001')
    bob_phone = _device(devices, 'ios-0001', id='ios-bob', name='Bob iPhone', owner={'upn': BOB.upper()})
    bob_phone['signal']['install_source'] = 'testflight'
    hostile = _device(devices, 'ios-0001', id='ios-evil', name='Evil \u202ephone', owner={'upn': HOSTILE})
    nobody = _device(devices, 'ios-0001', id='ios-kiosk', name='Kiosk', owner=None)
    document['devices'] = [alice_phone, bob_phone, hostile, nobody]
    export = tmp_path / 'export.json'
    export.write_text(json.dumps(document), encoding='utf-8')
    args = with_defaults({'controls_dir': CONTROLS_DIR, 'org': ORG, 'newest_versions': {'ios': '7.85'},
                          'report_dir': str(tmp_path / 'reports'), 'formats': ['json', 'questionnaire'],
                          'mdm_sources': [{'name': 'export', 'type': 'file', 'path': str(export)}],
                          'attestations': ATTESTATIONS})
    result = judge_fleet(args, {}, check_mode=True, now=NOW)
    folder = tmp_path / 'reports' / 'action-sheets'
    with open(str(tmp_path / 'reports' / 'fleet-summary.json'), encoding='utf-8') as handle:
        summary = json.load(handle)
    return {'result': result, 'folder': folder, 'summary': summary, 'reports': tmp_path / 'reports'}


def _person(summary, owner):
    return next(p for p in PersonView(summary).people() if p.owner == owner)


def test_each_attestation_state_is_told_apart(run):
    alice = _person(run['summary'], ALICE)
    states = {a.control: a.state for a in alice.attestations}
    assert states['sh-3.5-registration-lock'] == 'current'
    assert states['sh-3.6-linked-devices-review'] == 'expiring'
    assert states['sh-3.9-disappearing-messages'] == 'expired'
    assert states['sh-3.8-notification-content'] == 'answered_no'
    assert states['sh-3.3-profile'] == 'missing'
    expiring = next(a for a in alice.attestations if a.state == 'expiring')
    assert (expiring.answered, expiring.valid_until) == ('2026-09-01', '2026-11-30')
    # Owners are joined case-insensitively, as the attestations are.
    bob = _person(run['summary'], BOB)
    assert {a.control: a.state for a in bob.attestations}['sh-3.5-registration-lock'] == 'conflict'
    assert [d.id for d in bob.devices] == ['ios-bob']
    # No iPhone reports its last boot: the reboot control is unknown on every one of them.
    assert [p.control for p in bob.devices[0].problems] == ['sh-3.1-ios-app-store', 'sh-3.10-ios-daily-reboot']


def test_a_person_s_sheet_lists_devices_problems_steps_and_questions(run):
    stem = sheet_stem(ALICE)
    text = (run['folder'] / (stem + '.txt')).read_text(encoding='utf-8')
    assert text.startswith('Signal: what to do, for %s\n' % ALICE)
    assert '* Alice\'s iPhone (ios phone, id ios-0001)' in text
    assert 'Question: Is a default timer for disappearing messages set in Signal' in text
    assert 'no longer than 7 days' in text  # the organisation's value, not the placeholder
    assert 'Why: your answer of 2025-01-10 expired on' in text
    assert 'Why: your answer of 2026-09-01 expires on 2026-11-30' in text
    assert 'Why: you answered no on 2026-11-20: follow the steps, then answer again' in text
    assert '* Registration Lock is on, with an alphanumeric PIN kept safely: yes, given 2026-10-02' in text
    bob = (run['folder'] / (sheet_stem(BOB) + '.txt')).read_text(encoding='utf-8')
    assert 'needs fixing' in bob and 'What to do:' in bob and 'say both yes and no: answer again' in bob
    page = (run['folder'] / (stem + '.html')).read_text(encoding='utf-8')
    assert '<h1>Signal: what to do, for alice.martin@example.org</h1>' in page
    assert '<script' not in page and 'script-src' not in page and "default-src 'none'" in page


def test_devices_without_an_owner_go_to_the_security_team_only(run):
    team = (run['folder'] / 'security-team.txt').read_text(encoding='utf-8')
    assert '* Kiosk (ios phone, id ios-kiosk)' in team and 'No owner is known for 1 device' in team
    assert 'no owner is known for this subject' in team  # its attestations cannot be asked of anyone
    others = [name for name in os.listdir(str(run['folder'])) if name.endswith('.txt') and name != 'security-team.txt']
    assert not any('ios-kiosk' in (run['folder'] / name).read_text(encoding='utf-8') for name in others)


def test_a_hostile_owner_is_text_in_a_safe_file_name(run):
    stem = sheet_stem(HOSTILE.lower())
    assert re.fullmatch(r'[a-z0-9@._+-]+-[0-9a-f]{12}', stem) and not stem.startswith('.')
    names = os.listdir(str(run['folder']))
    assert stem + '.txt' in names and stem + '.html' in names
    assert all('/' not in name and not name.startswith('.') for name in names)
    text = (run['folder'] / (stem + '.txt')).read_text(encoding='utf-8')
    assert '\u202e' not in text and 'mallory\u27e8U+202E\u27e9gpj.exe' in text and 'Evil \u27e8U+202E\u27e9phone' in text
    page = (run['folder'] / (stem + '.html')).read_text(encoding='utf-8')
    assert '<script>alert' not in page and '&lt;script&gt;alert(1)&lt;/script&gt;' in page
    with open(str(run['folder'] / 'index.csv'), encoding='utf-8', newline='') as handle:
        index = {row['person']: row for row in csv.DictReader(handle)}
    assert index[HOSTILE.lower().replace('\u202e', '\u27e8U+202E\u27e9')]['text'] == stem + '.txt'


def test_two_owners_never_share_a_sheet():
    taken = set()
    first, second = sheet_stem('a/b@example.org', taken), sheet_stem('a:b@example.org', taken)
    assert first != second and first.startswith('a_b@example.org-')
    assert sheet_stem('index', taken) != 'index' and sheet_stem('...', taken).startswith('person-')


def test_the_questionnaire_asks_what_each_person_owes(run):
    with open(str(run['reports'] / 'attestation-questionnaire.csv'), encoding='utf-8', newline='') as handle:
        rows = list(csv.DictReader(handle))
    asked = {(row['person'], row['control']): row for row in rows}
    assert (ALICE, 'sh-3.5-registration-lock') not in asked       # current
    assert (ALICE, 'sh-3.8-notification-content') not in asked    # answered no: the device is to be fixed first
    assert asked[(ALICE, 'sh-3.6-linked-devices-review')]['why'] == 'the answer expires soon'
    assert asked[(ALICE, 'sh-3.6-linked-devices-review')]['current_answer_expires'] == '2026-11-30'
    assert asked[(ALICE, 'sh-3.9-disappearing-messages')]['why'] == 'the answer expired'
    assert asked[(ALICE, 'sh-3.3-profile')]['why'] == 'no answer yet'
    assert asked[(BOB, 'sh-3.5-registration-lock')]['why'] == 'the answers contradict each other'
    assert all(row['answer'] == '' and row['date'] == '' and row['run'] == run['summary']['run']['id'] for row in rows)
    assert all(row['devices'] and row['question'] for row in rows)
    # A person's name a spreadsheet would run as a formula is neutralised (and so never matches: no false pass).
    hostile = [row['person'] for row in rows if 'mallory' in row['person']]
    assert hostile and all(not person.startswith(('=', '+', '-', '@')) for person in hostile)
    assert not any(row['person'] == '' for row in rows)  # the kiosk has no owner: nobody to ask


def _team_devices(count):
    from ansible_collections.hardening.signal.plugins.module_utils.report.person_view import Device, Problem
    devices = []
    for index in range(count):
        problems = [Problem(control='sh-3.%d' % n, title='Title <%d>\n' % n, status=('fail', 'unknown', 'error', 'manual')[n % 4],
                            reason='reason %d \u202e & "quoted"\n\n' % index, steps=['step one', 'step <two>'][:n % 3],
                            failing_since=None) for n in range(index % 4)]
        devices.append(Device(id='id-%d' % index, name='Phone %d\n' % index, kind=('mobile', 'workstation')[index % 2],
                              platform='ios', state=('ok', 'ok', 'unreachable')[index % 3], error='gone %d' % index,
                              problems=problems))
    return devices


@pytest.mark.parametrize('count', [0, 1, 2, 3, 7, 200, 201, 450])
@pytest.mark.parametrize('per_piece', [1, 2, 200])
def test_the_security_team_sheet_written_in_pieces_is_the_same_text(count, per_piece):
    from ansible_collections.hardening.signal.plugins.module_utils.report import render_action_sheet as sheet
    devices, run = _team_devices(count), {'id': '20261126T060000Z-abcdef', 'day': '2026-11-26'}
    assert ''.join(sheet.iter_team_text(iter(devices), count, run, per_piece)) == sheet.render_team_text(devices, run)
    assert ''.join(sheet.iter_team_html(iter(devices), count, run, per_piece)) == sheet.render_team_html(devices, run)


def test_the_security_team_sheet_is_made_one_device_at_a_time():
    from ansible_collections.hardening.signal.plugins.module_utils.report import render_action_sheet as sheet
    made = []

    def devices():
        for device in _team_devices(1000):
            made.append(device)
            yield device
    pieces = sheet.iter_team_text(devices(), 1000, {'id': 'r', 'day': 'd'}, per_piece=200)
    next(pieces)
    assert len(made) == 200   # the first piece needed only its own devices
