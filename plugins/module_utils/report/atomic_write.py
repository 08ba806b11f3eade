# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Write a text file so readers see either the old or the new content, never half.

Files are private by default (private_files.DEFAULT_MODE, 0640), and a mode is always narrowed by the umask.
"""

from __future__ import annotations

import os
import tempfile

from ansible_collections.hardening.signal.plugins.module_utils.private_files import DEFAULT_MODE, file_mode, make_private_folder


def write_text_atomic(path, text, mode=DEFAULT_MODE):
    """Write ``text`` (UTF-8) to ``path`` atomically; create the folder if missing.

    The temp file lives in the target folder because os.replace is only
    atomic within one filesystem.
    """
    write_chunks_atomic(path, (text,), mode)


def write_chunks_atomic(path, chunks, mode=DEFAULT_MODE):
    """Like write_text_atomic, for text given piece by piece (a report too big to hold twice in memory)."""
    path = os.path.abspath(os.fspath(path))
    fd, tmp = temp_file_for(path, mode)
    try:
        fill_temp_file(fd, chunks, mode)
    except BaseException:
        remove_temp_file(tmp)
        raise
    replace_with_temp_file(tmp, path)


def temp_file_for(path, mode=DEFAULT_MODE):
    """(fd, temporary path) next to path: os.replace is only atomic within one filesystem.

    A missing folder is created private for mode (see private_files.folder_mode); an existing one is kept as it is.
    """
    directory = os.path.dirname(os.path.abspath(os.fspath(path)))
    make_private_folder(directory, mode, narrow_existing=False)
    return tempfile.mkstemp(prefix='.%s.' % os.path.basename(path), suffix='.tmp', dir=directory)


def fill_temp_file(fd, chunks, mode=DEFAULT_MODE):
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
        # mkstemp creates 0600; set the requested mode, narrowed by the umask, before the file becomes visible.
        os.fchmod(handle.fileno(), file_mode(mode))
        os.fsync(handle.fileno())


def replace_with_temp_file(tmp, path):
    """Make the filled temporary file tmp the file at path, in one step (it is removed if that fails)."""
    try:
        os.replace(tmp, path)
    except BaseException:
        remove_temp_file(tmp)
        raise
    fsync_directory(os.path.dirname(os.path.abspath(os.fspath(path))))


def remove_temp_file(tmp):
    try:
        os.unlink(tmp)
    except FileNotFoundError:
        pass


def fsync_directory(directory):
    """Persist a rename in directory; best effort, not every platform allows it."""
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
