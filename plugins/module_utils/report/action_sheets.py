# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Write the action sheets of a run into its report folder: action-sheets/ with, for each person, <person>.html
and <person>.txt (plain text for an e-mail), security-team.html and .txt for the devices without an owner, and
index.html and index.csv (who gets which file, for a mail merge).

The folder is inside the run's own folder (report_set.py), so the sheets become visible with the run's other
reports, in the same step, and are synced to disk with them: each file is written once, with the reports'
private mode, and not synced on its own (a run writes one pair per person, tens of thousands of files).

Controller-side only.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import re

from ansible_collections.hardening.signal.plugins.module_utils.private_files import DEFAULT_MODE, file_mode, folder_mode
from ansible_collections.hardening.signal.plugins.module_utils.report.person_view import CURRENT, PersonView
from ansible_collections.hardening.signal.plugins.module_utils.report.render_action_sheet import (
    render_index_html,
    render_sheet_html,
    render_sheet_text,
    iter_team_html,
    iter_team_text,
)
from ansible_collections.hardening.signal.plugins.module_utils.report.render_csv import cell, field
from ansible_collections.hardening.signal.plugins.module_utils.report.view import short_date

FOLDER = 'action-sheets'
TEAM = 'security-team'
INDEX = 'index'
_UNSAFE = re.compile(r'[^a-z0-9@._+-]+')
_RESERVED = frozenset((TEAM, INDEX))


def sheet_stem(owner, taken=None):
    """A file name (without extension) for owner's sheet: its safe characters, and a hash so that two owners
    who differ only in what was replaced never share one; unique within taken (updated)."""
    safe = _UNSAFE.sub('_', owner)[:60].strip('._') or 'person'
    stem = '%s-%s' % (safe, hashlib.sha256(owner.encode('utf-8', 'surrogatepass')).hexdigest()[:12])
    if taken is not None:
        base, number = stem, 1
        while stem in taken or stem in _RESERVED:
            number += 1
            stem = '%s-%d' % (base, number)
        taken.add(stem)
    return stem


def write_action_sheets(summary, folder, mode=DEFAULT_MODE):
    """Write every sheet into folder (created; it must not exist); {people, unowned, files}."""
    view = PersonView(summary)
    run = {'id': (summary.get('run') or {}).get('id') or '', 'day': short_date(summary.get('generated_at'))}
    os.mkdir(folder, folder_mode(mode))
    writer = _Writer(folder, file_mode(mode))
    entries, taken = [], set()
    for person in view.people():
        stem = sheet_stem(person.owner, taken)
        writer.write(stem + '.txt', render_sheet_text(person, run))
        writer.write(stem + '.html', render_sheet_html(person, run))
        to_fix = sum(len(d.problems) + (d.state != 'ok') for d in person.devices)
        entries.append((person.owner, stem, len(person.devices), to_fix,
                        sum(1 for a in person.attestations if a.state != CURRENT)))
    # Written piece by piece, each device made as it is written: the phones nobody owns may be tens of thousands.
    unowned = view.unowned_count()
    writer.write(TEAM + '.txt', iter_team_text(view.security_team_devices(), unowned, run))
    writer.write(TEAM + '.html', iter_team_html(view.security_team_devices(), unowned, run))
    writer.write(INDEX + '.html', render_index_html(entries, unowned, run))
    writer.write(INDEX + '.csv', _index_csv(entries, run))
    _sync_filesystem(folder)
    return {'people': len(entries), 'unowned': unowned, 'files': writer.files}


def _index_csv(entries, run):
    lines = ['person,text,html,devices,to_fix,questions,run\r\n']
    end = ',%s\r\n' % field(cell(run['id']))
    lines.extend('%s,%s,%s,%d,%d,%d%s' % (field(cell(owner)), field(stem + '.txt'), field(stem + '.html'), devices, fix,
                                          questions, end)
                 for owner, stem, devices, fix, questions in entries)
    return ''.join(lines)


class _Writer(object):
    def __init__(self, folder, mode):
        self.folder, self.mode, self.files = folder, mode, 0

    def write(self, name, text):
        """Write text (a str, or its pieces) to a new file name in the folder."""
        # O_EXCL: a new folder holds nothing yet, and nothing may be written through a link planted in it.
        descriptor = os.open(os.path.join(self.folder, name), os.O_WRONLY | os.O_CREAT | os.O_EXCL, self.mode)
        with os.fdopen(descriptor, 'w', encoding='utf-8', newline='') as handle:
            if isinstance(text, str):
                handle.write(text)
            else:
                for piece in text:
                    handle.write(piece)
        self.files += 1


def _sync_filesystem(folder):
    """Persist the sheets before the run's set is published: a power cut must not leave empty sheets current.

    One syncfs() of the folder's filesystem rather than an fsync per file (tens of thousands of small files, each
    fsync a journal commit). Where syncfs is not available, sync() does the same for every filesystem.
    """
    syncfs = getattr(_libc(), "syncfs", None)
    if syncfs is not None:
        descriptor = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            if syncfs(descriptor) == 0:
                return
        finally:
            os.close(descriptor)
    os.sync()


def _libc():
    try:
        return ctypes.CDLL(None, use_errno=True)  # this process's own symbols: the C library's among them
    except OSError:
        return None
