# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A run's reports are published as one set: all of them or none, never a mix of two runs.

Layout of the report folder:

    runs/<run id>/            every report of one run (and its action sheets), written there first
    runs/.<run id>.partial/   a run still writing (renamed to runs/<run id> once every report is in it)
    current -> runs/<run id>  the one link switched, in one rename, when a run's set is complete
    fleet-summary.json ...    stable names for readers and CI: links to current/<the same name>
    .publish.lock             held while a run publishes: a second run at the same time waits

A run killed part-way leaves at most its partial folder (and, from versions before this layout, a
.fleet-summary.*.tmp file), which the next run removes; what current names stays as it was. Only one run
publishes at a time, so the clean-up never touches a run that is still writing. The newest keep_runs complete
folders are kept (the current one always), older ones are removed.

Controller-side only; POSIX (symbolic links, flock).
"""

from __future__ import annotations

import datetime
import errno
import fcntl
import os
import re
import secrets
import shutil
import time

from ansible_collections.hardening.signal.plugins.module_utils.private_files import (
    DEFAULT_MODE,
    file_mode,
    folder_mode,
    make_private_folder,
)
from ansible_collections.hardening.signal.plugins.module_utils.report.atomic_write import fsync_directory

RUNS = "runs"
CURRENT = "current"
LOCK_FILE = ".publish.lock"
PARTIAL_SUFFIX = ".partial"
LOCK_WAIT_SECONDS = 600
_RUN_ID = re.compile(r"^\d{8}T\d{6}Z-[0-9a-f]{6}$")


class ReportSetError(Exception):
    pass


def new_run_id(generated_at):
    """'20261126T060000Z-3fa9c1': the evaluation moment (UTC) and a random part (two runs may judge as of one moment)."""
    try:
        moment = datetime.datetime.fromisoformat(str(generated_at).replace("Z", "+00:00"))
    except ValueError:
        moment = datetime.datetime.now(datetime.timezone.utc)
    if moment.tzinfo is not None:
        moment = moment.astimezone(datetime.timezone.utc)
    return "%s-%s" % (moment.strftime("%Y%m%dT%H%M%SZ"), secrets.token_hex(3))


class ReportSet(object):
    """One run's report folder, from the lock to the switch of the current link.

    with ReportSet(report_dir, run_id, mode) as reports:
        ... write into reports.folder ...
        stable = reports.publish(names)    # {name: stable path}; the set is now the current one
    reports.prune(keep_runs)

    Leaving the block without publish() (an exception) removes the partial folder; the lock is released either way.
    """

    def __init__(self, report_dir, run_id, mode=DEFAULT_MODE, lock_wait=LOCK_WAIT_SECONDS):
        if not _RUN_ID.match(run_id):
            raise ValueError("%r is not a run id from new_run_id()" % (run_id,))
        self.report_dir = os.path.abspath(os.fspath(report_dir))
        self.run_id = run_id
        self.mode = mode
        self.lock_wait = lock_wait
        self.runs = os.path.join(self.report_dir, RUNS)
        self.final = os.path.join(self.runs, run_id)
        self.folder = os.path.join(self.runs, "." + run_id + PARTIAL_SUFFIX)
        self.published = False
        self.removed = []   # what clean_up() removed: partial folders and temporary files of killed runs
        self._lock = None

    def __enter__(self):
        make_private_folder(self.report_dir, self.mode, narrow_existing=False)
        self._lock = _acquire(os.path.join(self.report_dir, LOCK_FILE), file_mode(self.mode), self.lock_wait)
        try:
            make_private_folder(self.runs, self.mode)
            self.clean_up()
            os.mkdir(self.folder, 0o700)  # only the owner sees a set being written; opened up once it is complete
        except BaseException:
            self._release()
            raise
        return self

    def __exit__(self, exc_type, exc, traceback):
        try:
            if not self.published:
                shutil.rmtree(self.folder, ignore_errors=True)
        finally:
            self._release()
        return False

    def _release(self):
        if self._lock is not None:
            os.close(self._lock)  # closing the descriptor releases the flock
            self._lock = None

    def clean_up(self):
        """Remove what killed runs left: partial run folders, and temporary files of the older flat layout."""
        for name in sorted(os.listdir(self.runs)):
            path = os.path.join(self.runs, name)
            if name.startswith(".") and name.endswith(PARTIAL_SUFFIX) and os.path.isdir(path) and not os.path.islink(path):
                shutil.rmtree(path, ignore_errors=True)
                self.removed.append(path)
        for name in sorted(os.listdir(self.report_dir)):
            if _is_our_temp(name):
                path = os.path.join(self.report_dir, name)
                try:
                    os.unlink(path)
                except (FileNotFoundError, IsADirectoryError, PermissionError):
                    continue
                self.removed.append(path)

    def publish(self, names, stale_names=()):
        """Make this run's set the current one; {name: stable path in the report folder} for each name written.

        names: the files and folders written into self.folder that get a stable name (a link to current/<name>).
        stale_names: names a stable link may exist for from earlier runs; removed unless written now, so no
        link is left to a report this run did not write.
        """
        # Every file in the folder is on disk already (each report is synced as it is written, the action sheets
        # together): the rename and the link only need their folders synced.
        os.chmod(self.folder, folder_mode(self.mode))
        os.rename(self.folder, self.final)
        fsync_directory(self.runs)
        _replace_link(os.path.join(RUNS, self.run_id), os.path.join(self.report_dir, CURRENT))
        self.published = True
        stable = {}
        for name in names:
            stable[name] = os.path.join(self.report_dir, name)
            _replace_link(os.path.join(CURRENT, name), stable[name])
        for name in stale_names:
            if name not in stable:
                _remove_stale(os.path.join(self.report_dir, name))
        fsync_directory(self.report_dir)
        return stable

    def prune(self, keep_runs):
        """Remove complete run folders beyond the newest keep_runs (0: keep all); never the current one."""
        if keep_runs <= 0:
            return []
        current = os.path.realpath(os.path.join(self.report_dir, CURRENT))
        folders = []
        for name in os.listdir(self.runs):
            path = os.path.join(self.runs, name)
            if _RUN_ID.match(name) and os.path.isdir(path) and not os.path.islink(path):
                folders.append((os.stat(path).st_mtime, name, path))
        folders.sort(reverse=True)
        removed = []
        for _mtime, _name, path in folders[keep_runs:]:
            if os.path.realpath(path) != current:
                shutil.rmtree(path, ignore_errors=True)
                removed.append(path)
        return removed


def _acquire(path, mode, wait):
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, mode)
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return descriptor
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                os.close(descriptor)
                raise
        if time.monotonic() >= deadline:
            os.close(descriptor)
            raise ReportSetError("another run has been writing reports to %s for more than %d s (it holds %s); "
                                 "nothing of this run was published" % (os.path.dirname(path), wait, path))
        time.sleep(0.2)


def _is_our_temp(name):
    # write_text_atomic's temporary files (.<name>.<random>.tmp) and this module's own link being replaced.
    return name.startswith(".") and name.endswith(".tmp") and (
        name.startswith(".fleet-summary") or name.startswith(".attestation-questionnaire")
        or name.startswith("." + CURRENT + ".") or name.startswith(".action-sheets."))


def _replace_link(target, path):
    """Point the link at path to target (relative), in one rename; whatever was at path (a report of the older
    flat layout, or a link) is replaced."""
    temporary = os.path.join(os.path.dirname(path), ".%s.%s.tmp" % (os.path.basename(path), secrets.token_hex(4)))
    os.symlink(target, temporary)
    try:
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path)  # an action-sheets folder of an earlier layout: os.replace cannot replace a folder
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
        raise


def _remove_stale(path):
    try:
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path)
        else:
            os.unlink(path)
    except FileNotFoundError:
        pass
