# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pull MDM sources in forked processes, so normalizing and checking records uses every CPU.

Threads only overlap the waiting: turning 50,000 vendor records into checked phone records is Python work
that holds the GIL, and it took most of a 50,000-phone pull on a 2-core controller. Each source is pulled by
``pull_one(spec)`` in a child process forked for it (at most ``workers`` at a time); the child sends its progress
lines and then its result through a pipe, as pickled frames. The parent prints the progress as it arrives and
returns the results in the order of the specs, exactly as pulling them one after the other would.

A child that fails or dies is never a silent gap: its source gets a failed result that says why.
Nothing is written to disk; the pipe is private to the two processes.
"""

from __future__ import annotations

import os
import pickle
import select
import struct
import traceback

_HEADER = struct.Struct("!cQ")   # kind (b"p" progress, b"r" result, b"e" error), payload length
_MESSAGE_LIMIT = 4000            # characters of a child's traceback kept in the failed result


def can_fork():
    return hasattr(os, "fork") and (os.cpu_count() or 1) > 1


def pull_in_processes(specs, pull_one, failed, progress=None, workers=2, meanwhile=None):
    """[pull_one(spec) for spec in specs], each computed in a forked child, at most ``workers`` at once.

    pull_one(spec, progress): the pull itself; progress(*args) calls in the child reach ``progress`` here.
    failed(spec, message): the result for a source whose child failed or died, saying why.
    meanwhile: called once here after the first children are started (their progress is relayed after it).
    """
    specs = list(specs)
    results = [None] * len(specs)
    waiting = list(range(len(specs)))
    running = {}   # read fd -> _Child
    try:
        while waiting or running:
            while waiting and len(running) < max(1, workers):
                index = waiting.pop(0)
                child = _Child.start(index, specs[index], pull_one, progress is not None)
                running[child.reader] = child
            if meanwhile is not None:
                meanwhile, work = None, meanwhile
                work()
            ready, _unused_w, _unused_x = select.select(list(running), [], [])
            for fd in ready:
                child = running[fd]
                if child.read(progress):
                    continue
                del running[fd]
                results[child.index] = child.finish(specs[child.index], failed)
    finally:
        for child in running.values():
            child.abandon()
    return results


class _Child(object):
    def __init__(self, index, pid, reader):
        self.index, self.pid, self.reader = index, pid, reader
        self.buffer = bytearray()   # amortised appends: a result is tens of MiB
        self.outcome = None   # ("r", result) or ("e", message)

    @classmethod
    def start(cls, index, spec, pull_one, with_progress):
        reader, writer = os.pipe()
        try:
            pid = os.fork()
        except BaseException:
            os.close(reader)
            os.close(writer)
            raise
        if pid == 0:   # the child: never returns
            os.close(reader)
            _run_child(spec, pull_one, with_progress, writer)
        os.close(writer)
        return cls(index, pid, reader)

    def read(self, progress):
        """Handle what the child sent; False once it closed its end of the pipe."""
        data = os.read(self.reader, 1 << 20)
        if not data:
            return False
        self.buffer += data
        while len(self.buffer) >= _HEADER.size:
            kind, length = _HEADER.unpack_from(self.buffer)
            if len(self.buffer) < _HEADER.size + length:
                break
            value = pickle.loads(memoryview(self.buffer)[_HEADER.size:_HEADER.size + length])
            del self.buffer[:_HEADER.size + length]
            if kind == b"p":
                if progress is not None:
                    progress(*value)
            else:
                self.outcome = (kind, value)
        return True

    def finish(self, spec, failed):
        os.close(self.reader)
        self.reader = None
        _pid, status = os.waitpid(self.pid, 0)
        self.pid = None
        if self.outcome is None:
            return failed(spec, "the process pulling this source ended without a result (%s)" % _describe(status))
        kind, value = self.outcome
        if kind == b"e":
            return failed(spec, "the process pulling this source failed: %s" % value)
        return value

    def abandon(self):
        if self.pid is not None:
            try:
                os.kill(self.pid, 9)
            except ProcessLookupError:
                pass
            os.waitpid(self.pid, 0)
        if self.reader is not None:
            os.close(self.reader)


def _describe(status):
    if os.WIFSIGNALED(status):
        return "killed by signal %d" % os.WTERMSIG(status)
    return "exit status %d" % os.WEXITSTATUS(status)


def _send(writer, kind, value):
    payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    data = memoryview(_HEADER.pack(kind, len(payload)) + payload)
    while data:
        data = data[os.write(writer, data):]


def _run_child(spec, pull_one, with_progress, writer):
    """In the child: pull, send progress and the result (or the error), leave without running any cleanup."""
    status = 1
    try:
        try:
            def relay(*args):
                _send(writer, b"p", args)
            result = pull_one(spec, relay if with_progress else None)
            _send(writer, b"r", result)
            status = 0
        except BaseException:   # a bug or an unpicklable result: the parent reports it as this source's failure
            _send(writer, b"e", traceback.format_exc()[-_MESSAGE_LIMIT:])
    finally:
        os._exit(status)
