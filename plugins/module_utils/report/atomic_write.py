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
    fd, tmp = temp_file_for(path)
    try:
        fill_temp_file(fd, chunks, mode)
    except BaseException:
        remove_temp_file(tmp)
        raise
    replace_with_temp_file(tmp, path)


def temp_file_for(path):
    """(fd, temporary path) next to path, creating its folder: os.replace is only atomic within one filesystem."""
    directory = os.path.dirname(os.path.abspath(os.fspath(path)))
    os.makedirs(directory, exist_ok=True)
    return tempfile.mkstemp(prefix='.%s.' % os.path.basename(path), suffix='.tmp', dir=directory)


def fill_temp_file(fd, chunks, mode=0o644):
    """Write the text pieces (UTF-8) to the temporary file fd, flushed to disk; fd is closed in any case."""
    try:
        handle = os.fdopen(fd, 'w', encoding='utf-8', newline='')
    except BaseException:
        os.close(fd)
        raise
    with handle:
        for text in chunks:
            handle.write(text)
        handle.flush()
        # mkstemp creates 0600; set the requested mode before the file becomes visible.
        os.fchmod(handle.fileno(), mode)
        os.fsync(handle.fileno())


def replace_with_temp_file(tmp, path):
    """Make the filled temporary file tmp the file at path, in one step (it is removed if that fails)."""
    try:
        os.replace(tmp, path)
    except BaseException:
        remove_temp_file(tmp)
        raise
    _fsync_directory(os.path.dirname(os.path.abspath(os.fspath(path))))


def remove_temp_file(tmp):
    try:
        os.unlink(tmp)
    except FileNotFoundError:
        pass


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
