# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Validate the summary against its schema, then write every requested format atomically.

The JSON report, and the JUnit and CSV reports (together more than half of the work at 50,000 subjects,
and independent of the others), are rendered in forked processes (the JSON in one, the tables in another:
formats.py) while this one validates the summary and writes the other formats. They become visible, each in
one os.replace, only once the summary has passed its schema and every forked process has reported success;
an error in a forked process is raised here, with its message, and every temporary file is removed.
"""

from __future__ import annotations

import json
import os
import signal
import time
import traceback

from ansible_collections.hardening.signal.plugins.module_utils.private_files import DEFAULT_MODE
from ansible_collections.hardening.signal.plugins.module_utils.report.atomic_write import (
    fill_temp_file,
    remove_temp_file,
    replace_with_temp_file,
    temp_file_for,
    write_chunks_atomic,
    write_text_atomic,
)
from ansible_collections.hardening.signal.plugins.module_utils.report.formats import FORMATS
from ansible_collections.hardening.signal.plugins.module_utils.schema_validation import problems

SUMMARY_SCHEMA = "fleet_summary.schema.json"
# Below this many subjects jsonschema alone checks the summary faster than compiling the schema first
# (50 workstations: 40 ms, against 0.1 s to compile; 50,000 subjects: minutes, against a second).
COMPILED_CHECK_FROM_SUBJECTS = 200

# Derived from the format table (formats.py); the writer reads these, so a test can replace one renderer.
RENDERERS = {fmt.name: fmt.render for fmt in FORMATS}
# Formats written piece by piece; each gives the same text as its RENDERERS entry.
STREAMERS = {fmt.name: fmt.stream for fmt in FORMATS if fmt.stream is not None}
# The file each format is written to, in the report folder (the format name is not always the extension).
FILENAMES = {fmt.name: fmt.filename for fmt in FORMATS}
# Formats the forked processes render (see _Forked): they read only what the summary held before it was validated.
FORKED = tuple(fmt.name for fmt in FORMATS if fmt.forked)
# Which forked process renders each of them (formats of the same group share one).
FORK_GROUPS = {fmt.name: fmt.forked for fmt in FORMATS if fmt.forked}
_MESSAGE_LIMIT = 16000  # bytes the forked process reports back (a pipe holds 64 KiB without a reader)


class InvalidSummary(Exception):
    pass


class ForkedWriterError(Exception):
    """The forked process failed with something other than an OSError (a bug): its traceback is the message."""


def write_reports(summary, directory, formats=("json", "md", "html"), timings=None, fork=None, mode=DEFAULT_MODE):
    """{format: path}. Nothing is written unless the summary matches the schema.

    timings, when given, receives the seconds spent validating and writing each format (write_json,
    write_junit, write_csv: in the forked processes; wait_forked: what this one waited for them). fork: None forks where
    os.fork exists and there is more than one CPU, True wherever os.fork exists, False never. mode: the files'
    mode, narrowed by the umask (private_files).
    """
    timings = {} if timings is None else timings
    unknown = [fmt for fmt in formats if fmt not in RENDERERS]
    if unknown:
        raise ValueError("unknown report format(s) %s; known: %s" % (", ".join(map(repr, unknown)), ", ".join(sorted(RENDERERS))))
    forked = []
    try:
        if may_fork(fork):
            groups = {}
            for fmt in formats:
                if fmt in FORKED:
                    groups.setdefault(FORK_GROUPS[fmt], []).append(fmt)
            for group in groups.values():
                child = _Forked.start(summary, directory, group, mode)
                if child is not None:  # None: no process to spare, this one writes them
                    forked.append(child)
        in_child = {fmt for child in forked for fmt in child.temps}
        started = time.monotonic()
        subjects = summary.get("subjects") if isinstance(summary, dict) else None
        found = problems(SUMMARY_SCHEMA, summary, limit=10,
                         compile_fast=not isinstance(subjects, list) or len(subjects) >= COMPILED_CHECK_FROM_SUBJECTS)
        timings["validate"] = round(time.monotonic() - started, 3)
        if found:
            raise InvalidSummary("the summary does not match %s (a bug in hardening.signal): %s" % (
                SUMMARY_SCHEMA, "; ".join("%s: %s" % (f or "(top)", m) for f, m in found)))
        written = {}
        for fmt in formats:
            if fmt in in_child:
                continue
            path = os.path.join(directory, FILENAMES[fmt])
            started = time.monotonic()
            if fmt in STREAMERS:
                write_chunks_atomic(path, STREAMERS[fmt](summary), mode)
            else:
                write_text_atomic(path, RENDERERS[fmt](summary), mode)
            timings["write_" + fmt] = round(time.monotonic() - started, 3)
            written[fmt] = path
        if forked:
            written.update(_finish_all(forked, timings))
    finally:
        for child in forked:
            child.abandon()
    return {fmt: written[fmt] for fmt in formats}


def may_fork(fork=None):
    """Whether to fork a writer: fork None forks where os.fork exists and there is more than one CPU, True wherever
    os.fork exists, False never."""
    return hasattr(os, "fork") and bool(fork or fork is None and (os.cpu_count() or 1) > 1)


def _finish_all(forked, timings):
    """{format: path} once every forked process has written its formats and they are in place.

    The first child's error is raised before any of their files is put in place (abandon removes them all)."""
    started = time.monotonic()
    reports = [child.wait() for child in forked]
    for child, report in zip(forked, reports):
        child.check(report)
    written = {}
    for child, report in zip(forked, reports):
        written.update(child.put_in_place(report, timings))
    timings["wait_forked"] = round(time.monotonic() - started, 3)
    return written


class _Forked(object):
    """A forked process that renders some formats into temporary files next to their targets.

    This process creates the temporary files (so it can always remove them) and, once the child has
    reported success, replaces the targets with them. The child shares the summary copy-on-write and
    leaves with os._exit: no cleanup of this process's state (open files, the history's SQLite
    connection) runs in it.
    """

    def __init__(self, pid, reader, temps, paths):
        self.pid, self.reader, self.temps, self.paths = pid, reader, temps, paths

    @classmethod
    def start(cls, summary, directory, formats, mode=DEFAULT_MODE):
        if not formats:
            return None
        formats = list(dict.fromkeys(formats))
        paths = {fmt: os.path.abspath(os.path.join(directory, FILENAMES[fmt])) for fmt in formats}
        files, temps, child = {}, {}, None
        try:
            for fmt in formats:
                files[fmt], temps[fmt] = temp_file_for(paths[fmt], mode)
            child = _fork(lambda writer: _child(summary, formats, files, writer, mode))
        finally:
            for fd in files.values():
                os.close(fd)
            if child is None:  # no process to spare (None), or an error raised here: no temporary file stays
                for tmp in temps.values():
                    remove_temp_file(tmp)
        if child is None:
            return None  # this process writes them all
        return cls(child[0], child[1], temps, paths)

    def failure(self):
        """What failed, for the error raised here when the child reports one."""
        return "the report writer process could not write %s" % " and ".join(
            os.path.basename(self.paths[fmt]) for fmt in self.temps)

    def check(self, report):
        """Raise the child's error (its report from wait()), if it had one."""
        if "error" in report:
            error = OSError if report.get("os_error") else ForkedWriterError
            raise error("%s: %s" % (self.failure(), report["error"]))

    def put_in_place(self, report, timings):
        """{format: path}: the files of a child that succeeded (check) replace their targets."""
        for fmt in list(self.temps):
            replace_with_temp_file(self.temps.pop(fmt), self.paths[fmt])
        timings.update(report["timings"])
        return self.paths

    def wait(self):
        """The child's report once it has ended: {timings} or {error}."""
        data = []
        while True:
            piece = os.read(self.reader, 65536)
            if not piece:
                break
            data.append(piece)
        os.close(self.reader)
        self.reader = None
        _pid, status = os.waitpid(self.pid, 0)
        self.pid = None
        try:
            return json.loads(b"".join(data).decode("utf-8"))
        except ValueError:
            return {"error": "it ended without a report (wait status %d)" % status}

    def abandon(self):
        """Stop the child if it still runs and remove the temporary files not yet in place."""
        if self.pid is not None:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.waitpid(self.pid, 0)
            self.pid = None
        if self.reader is not None:
            os.close(self.reader)
            self.reader = None
        for tmp in self.temps.values():
            remove_temp_file(tmp)
        self.temps = {}


class ForkedWork(_Forked):
    """work() run in a forked process while this one goes on (the action sheets, while the reports are written).

    start() gives None when no process can be forked (the caller then does the work itself); finish() waits for
    it and raises its error as _Forked does (OSError for an OSError there, else ForkedWriterError); abandon()
    stops it. ``what`` names the work in that error, ``timing`` is the key of its seconds in finish's timings.
    """

    def __init__(self, pid, reader, what, timing):
        super(ForkedWork, self).__init__(pid, reader, {}, {})
        self.what, self.timing = what, timing

    @classmethod
    def start(cls, work, what, timing):  # pylint: disable=arguments-differ
        try:
            child = _fork(lambda writer: _work_child(work, timing, writer))
        except OSError:
            child = None  # not even a pipe
        return None if child is None else cls(child[0], child[1], what, timing)

    def failure(self):
        return "the process writing %s failed" % self.what

    def finish(self, timings):
        """Wait for the work; raise its error, else put its seconds in timings."""
        report = self.wait()
        self.check(report)
        timings.update(report["timings"])


def _fork(in_child):
    """(pid, reader): a forked process that runs in_child(writer) and never returns, reporting on the pipe's writer;
    None when no process can be forked (EAGAIN, ENOMEM). The pipe's own OSError is raised."""
    reader, writer = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(reader)
        os.close(writer)
        return None
    if pid == 0:  # the child
        os.close(reader)
        in_child(writer)
    os.close(writer)
    return pid, reader


def _report_and_exit(run, writer):
    """In a forked process: run() returns its timings; send {timings} or {error} on writer, then exit (never return
    into the parent's code, whatever happened)."""
    status = 1
    try:
        try:
            report, status = {"timings": run()}, 0
        except OSError as exc:
            report = {"error": str(exc), "os_error": True}
        except BaseException:
            report = {"error": traceback.format_exc()[-_MESSAGE_LIMIT:]}
        message = json.dumps(report).encode("utf-8")
        while message:
            message = message[os.write(writer, message):]
    finally:
        os._exit(status)


def _work_child(work, timing, writer):
    """In a ForkedWork's process: do the work, report its seconds as timing."""
    def run():
        started = time.monotonic()
        work()
        return {timing: round(time.monotonic() - started, 3)}
    _report_and_exit(run, writer)


def _child(summary, formats, files, writer, mode):
    """In the forked process: fill each format's temporary file, report the seconds of each."""
    def run():
        timings = {}
        for fmt in formats:
            started = time.monotonic()
            fd = files.pop(fmt)
            fill_temp_file(fd, STREAMERS[fmt](summary), mode)
            timings["write_" + fmt] = round(time.monotonic() - started, 3)
        return timings
    _report_and_exit(run, writer)
