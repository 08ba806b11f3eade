# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One planned change of one file: compare, diff, then write atomically.

A change is computed first (nothing touched), so check mode and diff mode
show exactly what a real run would do. Writing goes through a temporary
file in the same folder and AnsibleModule.atomic_move; a file that is
replaced or deleted is first copied to BACKUP_DIR under its own path with
a timestamp. Backups are kept out of apt's folders, where apt would list
every one of them as a file it ignores.
"""
from __future__ import annotations

import os
import shutil
import stat
import tempfile
import time

from ansible_collections.hardening.signal.plugins.module_utils.probes import fs


BACKUP_DIR = "/var/backups/hardening-signal"


def backup_path(path, now=None):
    """Where the backup of host ``path`` goes, e.g.
    /var/backups/hardening-signal/etc/apt/sources.list.d/signal-xenial.list.2026-11-26@12:08:51~"""
    stamp = time.strftime("%Y-%m-%d@%H:%M:%S", time.localtime(now))
    return "%s/%s.%s~" % (BACKUP_DIR, path.lstrip("/"), stamp)


class FileChange(object):
    """Desired state of one host file: ``content`` bytes (None = absent)."""

    def __init__(self, root, path, content, mode=0o644, describe=None, purpose=""):
        self.root = root
        self.path = path
        self.content = content
        self.mode = mode
        self.purpose = purpose
        # For binary files: bytes -> text shown in the diff instead of the bytes.
        self.describe = describe
        self.current, self.current_mode, self.error = None, None, None
        st, err = fs.lstat(root, path)
        if st is not None:
            if not stat.S_ISREG(st.st_mode):
                self.error = "%s exists but is not a regular file" % path
            else:
                self.current_mode = stat.S_IMODE(st.st_mode)
                self.current, self.error = fs.read_bytes(root, path)
        elif err and not err.endswith("does not exist"):
            self.error = err
        self.backup_file = None

    @property
    def exists(self):
        return self.current_mode is not None

    @property
    def action(self):
        """created, updated, removed, mode or unchanged."""
        if self.content is None:
            return "removed" if self.exists else "unchanged"
        if not self.exists:
            return "created"
        if self.current != self.content:
            return "updated"
        if self.current_mode != self.mode:
            return "mode"
        return "unchanged"

    @property
    def changed(self):
        return self.action != "unchanged"

    def _text(self, data):
        if data is None:
            return ""
        if self.describe is not None:
            return self.describe(data)
        return data.decode("utf-8", errors="replace")

    def diff(self):
        before = self._text(self.current) if self.exists else ""
        after = self._text(self.content)
        if self.action == "mode":
            before += "(mode %04o)\n" % self.current_mode
            after += "(mode %04o)\n" % self.mode
        return {"before": before, "after": after,
                "before_header": self.path if self.exists else "%s (absent)" % self.path,
                "after_header": self.path if self.content is not None else "%s (absent)" % self.path}

    def report(self):
        out = {"path": self.path, "action": self.action, "purpose": self.purpose}
        if self.backup_file:
            out["backup_file"] = self.backup_file
        return out

    def _backup(self):
        target = backup_path(self.path)
        host_target = fs.host_path(self.root, target)
        os.makedirs(os.path.dirname(host_target), 0o700, exist_ok=True)
        shutil.copy2(fs.host_path(self.root, self.path), host_target)
        return target

    def apply(self, module, backup=True):
        """Make the change on the host (root '/' only). Returns the backup path or None."""
        if not self.changed:
            return None
        host_path = fs.host_path(self.root, self.path)
        if self.exists and backup and self.action != "mode":
            self.backup_file = self._backup()
        if self.content is None:
            os.unlink(host_path)
            return self.backup_file
        if self.action == "mode":
            os.chmod(host_path, self.mode)
            return self.backup_file
        folder = os.path.dirname(host_path)
        if not os.path.isdir(folder):
            os.makedirs(folder, 0o755)
        fd, tmp = tempfile.mkstemp(prefix=".hardening-signal.", dir=folder)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(self.content)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, self.mode)
            module.atomic_move(tmp, host_path, unsafe_writes=False)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        # atomic_move keeps the old file's mode when it replaces one.
        os.chmod(host_path, self.mode)
        return self.backup_file


def apply_all(module, changes, result):
    """Make ``changes`` (not in check mode, backups as the module's ``backup``
    option says) and report each in ``result["files"]``. A write that fails
    fails the module, with what every file came to so far."""
    if not module.check_mode:
        for change in changes:
            try:
                change.apply(module, backup=module.params["backup"])
            except OSError as exc:
                result["files"] = [c.report() for c in changes]
                module.fail_json(msg="cannot write %s: %s" % (change.path, exc), **result)
    result["files"] = [c.report() for c in changes]
