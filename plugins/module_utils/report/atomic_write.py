# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Write a text file so readers see either the old or the new content, never half."""

from __future__ import annotations

import os
import tempfile


def write_text_atomic(path, text, mode=0o644):
    """Write ``text`` (UTF-8) to ``path`` atomically; create the folder if missing.

    The temp file lives in the target folder because os.replace is only
    atomic within one filesystem.
    """
    write_chunks_atomic(path, (text,), mode)


def write_chunks_atomic(path, chunks, mode=0o644):
    """Like write_text_atomic, for text given piece by piece (a report too big to hold twice in memory)."""
    path = os.path.abspath(os.fspath(path))
    directory = os.path.dirname(path)
    os.makedirs(directory, exist_ok=True)

    fd, tmp = tempfile.mkstemp(prefix='.%s.' % os.path.basename(path), suffix='.tmp', dir=directory)
    try:
        with os.fdopen(fd, 'w', encoding='utf-8', newline='') as handle:
            fd = None  # the file object owns it now
            for text in chunks:
                handle.write(text)
            handle.flush()
            # mkstemp creates 0600; set the requested mode before the file becomes visible.
            os.fchmod(handle.fileno(), mode)
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        if fd is not None:
            os.close(fd)
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    _fsync_directory(directory)


def _fsync_directory(directory):
    # Persist the rename itself; best effort, not every platform allows it.
    try:
        dir_fd = os.open(directory, os.O_RDONLY | getattr(os, 'O_DIRECTORY', 0))
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)
