# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pull one configured MDM source and turn its records into subjects: export files and vendor APIs alike.

A source that fails is reported (failed: nothing judged; incomplete: it
stopped part-way, saying after how many devices and why) and never
silently dropped; bad records are listed as input errors and still appear
as subjects in state invalid.
"""

from __future__ import annotations

import importlib
import os
import time
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.hardening.signal.plugins.module_utils.fleet.subjects import (
    invalid_mobile_subject,
    mobile_subject,
)
from ansible_collections.hardening.signal.plugins.module_utils import text_checks
from ansible_collections.hardening.signal.plugins.module_utils.mdm import export_file, forked_pull
from ansible_collections.hardening.signal.plugins.module_utils.mdm.duplicate_ids import mark_duplicate_ids
from ansible_collections.hardening.signal.plugins.module_utils.mdm.http import HttpPolicy, MdmHttpError, Stats
from ansible_collections.hardening.signal.plugins.module_utils.mdm.options import (
    FROM_ENVIRONMENT,
    SECRET_OPTIONS,
    env_names,
    from_environment,
)
from ansible_collections.hardening.signal.plugins.module_utils.mdm.records import check_record

# Source type -> module under plugins/module_utils/mdm/ whose VENDOR follows the contract of mdm/contract.py.
API_MODULES = {
    "intune": "intune",
    "jamf": "jamf",
    "android_management": "android_management",
    "workspace_one": "workspace_one",
}
SUPPORTED_TYPES = ("file",) + tuple(API_MODULES)

# Progress is reported at most this often (seconds).
PROGRESS_EVERY = 2.0
# Sources pulled at once: each waits mostly on its vendor, so a few threads overlap the waits.
SOURCE_WORKERS = 4


def vendor(source_type):
    """The Vendor (mdm/contract.py) of an API source type; its module is imported only when a source needs it."""
    return importlib.import_module("ansible_collections.hardening.signal.plugins.module_utils.mdm." +
                                   API_MODULES[source_type]).VENDOR


def _status(name, source_type, status, subjects, errors, detail, stats=None):
    result = {"name": name, "type": source_type, "status": status, "subjects": subjects, "errors": errors, "detail": detail}
    if stats is not None:
        result["stats"] = stats
    return result


def _failed(name, source_type, field, message):
    error = {"source": name, "record": None, "field": field, "message": message}
    return [], [error], _status(name, source_type, "failed", 0, 1, message)


def _failed_in_child(spec, message):
    name = source_name(spec)
    return _failed(name, str(spec.get("type") or "unknown") if isinstance(spec, dict) else "unknown", None, message)


def source_name(spec):
    return text_checks.escaped(str(spec.get("name") or "%s:%s" % (spec.get("type"), spec.get("path") or spec.get("api_url") or "")))


def _not_text(spec):
    """The first option of spec whose text is not valid Unicode, as (option, problem), or None."""
    for field, _keys, message in text_checks.surrogate_fields(spec):
        return field, message
    return None


def pull_source(spec, progress=None, environ=None):
    """(subjects, input_errors, source_status) for one source spec.

    progress: optional callable(name, pages, devices, seconds) called now and then during long API pulls.
    """
    source_type = spec.get("type")
    name = source_name(spec)
    not_text = _not_text(spec)
    if not_text is not None:
        # Never guessed: the option (a path, a URL, a credential) would be used other than it was written.
        return _failed(name, text_checks.escaped(str(source_type)), not_text[0], "%s: option %s %s" % ((name,) + not_text))
    if source_type not in SUPPORTED_TYPES:
        return _failed(name, str(source_type), "type", "source type %r is not supported (supported: %s)"
                       % (source_type, ", ".join(SUPPORTED_TYPES)))
    if source_type == "file":
        return _pull_file(spec, name)
    return _pull_api(spec, name, vendor(source_type), progress, os.environ if environ is None else environ)


def pulls_in_processes(specs, workers=SOURCE_WORKERS, processes=None):
    """Whether pull_sources pulls these specs in forked processes (else here: one after the other, or on threads)."""
    if len(specs) < 2 or workers < 2:
        return False
    return bool(processes or processes is None and forked_pull.can_fork())


def pull_sources(specs, progress=None, environ=None, workers=SOURCE_WORKERS, processes=None, meanwhile=None):
    """[(subjects, input_errors, source_status)] for each spec, in the order of specs: the same results as
    pulling them one after the other. Progress lines name their source.

    processes: None pulls in forked processes (one per source, up to ``workers`` at once: a source that mostly
    waits on its API leaves the CPU to the others) where the system can fork and has more than one CPU, else
    on up to ``workers`` threads; True/False forces the choice (pulls_in_processes).
    meanwhile: called once, with no arguments, while the sources are pulled elsewhere (once the processes or
    threads are started), or before pulling them here: other work of the run (the workstations' subjects).
    """
    specs = list(specs)
    meanwhile = meanwhile or (lambda: None)
    if len(specs) < 2 or workers < 2:
        meanwhile()
        return [pull_source(spec, progress, environ) for spec in specs]
    if pulls_in_processes(specs, workers, processes):
        return forked_pull.pull_in_processes(
            specs, lambda spec, relay: pull_source(spec, relay, environ), _failed_in_child, progress,
            workers=workers, meanwhile=meanwhile)
    with ThreadPoolExecutor(max_workers=min(workers, len(specs))) as pool:
        futures = [pool.submit(pull_source, spec, progress, environ) for spec in specs]
        meanwhile()
        return [future.result() for future in futures]


def _read_file(path, fmt):
    """(raw records, where each is in the file or None for devices[i])."""
    if fmt == "csv" or (fmt is None and path.lower().endswith(".csv")):
        from ansible_collections.hardening.signal.plugins.module_utils.mdm.export_csv import read_csv_rows
        rows = read_csv_rows(path)
        return [record for _line, record in rows], ["line %d" % line for line, _record in rows]
    return export_file.read_export(path), None


def _pull_file(spec, name):
    path = spec.get("path")
    if not path:
        return _failed(name, "file", "path", "a file source needs path")
    path = os.path.normpath(str(path))
    try:
        records, places = _read_file(path, spec.get("format"))
    except export_file.SourceFailed as exc:
        return _failed(name, "file", None, str(exc))
    label = "%s (%s)" % (name, path)
    usable, errors, invalid = export_file.check_records(records, label, places)
    entries = [(lab, mobile_subject(r, name, "file")) for lab, r in usable]
    entries.extend((lab, invalid_mobile_subject(lab, rec, name, "file", why)) for lab, rec, why in invalid)
    subjects, repeated = mark_duplicate_ids(entries, label)
    errors.extend(repeated)
    detail = "%d record(s) read from %s" % (len(records), path)
    return subjects, errors, _status(name, "file", "complete", len(subjects), len(errors), detail)


def resolve_options(spec, api, environ):
    """The options a vendor module gets: credentials and URLs from the spec or the environment, URLs defaulted.

    (options, problem): problem names every option that is missing, with the environment variables it may come from.
    """
    options = dict(spec)
    for key in FROM_ENVIRONMENT:
        if not options.get(key):
            options[key] = from_environment(api.type, key, environ)[0]
    missing = []
    for need in api.required:
        alternatives = need if isinstance(need, tuple) else (need,)
        if not any(options.get(k) for k in alternatives):
            missing.append(alternatives)
    if not options.get("api_url"):
        options["api_url"] = api.default_api_url
    if not options.get("api_url"):
        missing.append(("api_url",))
    if missing:
        return options, "missing option(s): %s" % "; ".join(
            "%s (or the environment variable %s)" % (" or ".join(alternatives), " or ".join(
                name for key in alternatives for name in env_names(api.type, key)))
            for alternatives in missing)
    options["api_url"] = str(options["api_url"]).rstrip("/")
    if not options.get("token_url") and api.default_token_url:
        options["token_url"] = api.default_token_url.format(**{k: v or "" for k, v in options.items() if isinstance(k, str)})
    return options, None


def preflight(spec, environ=None):
    """Why a configured source cannot be pulled, found without any request (None when nothing is missing): an
    unknown type, a missing option or credential, a service-account key file that is not there. The validate play
    runs it so that a source without its credentials stops the run before any workstation is probed. (An export file
    that cannot be read still only marks its source failed in the summary, as a vendor that cannot be reached does.)"""
    environ = os.environ if environ is None else environ
    source_type = spec.get("type")
    name = source_name(spec)
    if source_type not in SUPPORTED_TYPES:
        return "%s: source type %r is not supported (supported: %s)" % (name, source_type, ", ".join(SUPPORTED_TYPES))
    if source_type == "file":
        path = spec.get("path")
        return None if path else "%s: a file source needs path" % name
    options, problem = resolve_options(spec, vendor(source_type), environ)
    if problem:
        return "%s (%s): %s" % (name, source_type, problem)
    key_file = options.get("service_account_file")
    if key_file and not os.path.isfile(str(key_file)):
        return "%s (%s): service_account_file %s is not a file on the controller" % (name, source_type, key_file)
    return None


def _redact(text, options):
    for key in SECRET_OPTIONS:
        if options.get(key):
            text = text.replace(str(options[key]), "********")
    return text


def _policy(spec):
    def number(key, default):
        value = spec.get(key)
        return default if value in (None, "") else float(value)
    return HttpPolicy(timeout=number("timeout", 30.0), max_retries=int(number("max_retries", 5)),
                      deadline_seconds=number("deadline_seconds", 1800.0),
                      validate_certs=spec.get("validate_certs", True) not in (False, "false", "no", 0),
                      ca_path=spec.get("ca_path") or None)


def _pull_api(spec, name, api, progress, environ):
    source_type = api.type
    options, problem = resolve_options(spec, api, environ)
    if problem:
        return _failed(name, source_type, None, "%s: %s" % (name, problem))
    stats = Stats()
    subjects, errors, labels = [], [], []
    last_report = time.monotonic()
    label_prefix = "%s (%s)" % (name, source_type)
    status, detail = "complete", None
    try:
        client = api.connect(options, _policy(spec), stats)
        for label, record, vendor_errors in api.iter_records(client, options):
            # Labels and vendor messages may quote vendor text: shown escaped (the record itself is checked below).
            label = text_checks.escaped(label)
            for field, message in vendor_errors:
                errors.append({"source": label_prefix, "record": label, "field": text_checks.escaped(field),
                               "message": text_checks.escaped(message)})
            checked, found, why = check_record(record, label, label_prefix) if record is not None else (None, [], "unusable vendor record")
            errors.extend(found)
            if why is not None:
                subjects.append(invalid_mobile_subject(label, checked, name, source_type, why))
            else:
                subjects.append(mobile_subject(checked, name, source_type))
            labels.append(label)
            if progress is not None and time.monotonic() - last_report >= PROGRESS_EVERY:
                last_report = time.monotonic()
                progress(name, stats.pages, len(subjects), time.monotonic() - stats.started)
    except Exception as exc:  # pylint: disable=broad-except
        # A network failure (MdmHttpError, already redacted) or a client bug on an unexpected answer: either way
        # the source is reported as stopped, and the rest of the run goes on.
        message = text_checks.escaped(str(exc) if isinstance(exc, MdmHttpError) else "%s: unexpected %s in the %s client: %s" % (
            name, type(exc).__name__, source_type, _redact(str(exc), options)))
        status = "incomplete" if subjects else "failed"
        detail = "stopped after %d device(s) and %d page(s): %s" % (len(subjects), stats.pages, message)
        errors.append({"source": label_prefix, "record": None, "field": None, "message": message})
    # Also across pages: an id given twice (a vendor's paging that moved under the pull, or two enrolments) is named.
    subjects, repeated = mark_duplicate_ids(list(zip(labels, subjects)), label_prefix)
    errors.extend(repeated)
    if detail is None:
        detail = "%d device(s) in %d page(s), %d request(s), %d retr%s" % (
            len(subjects), stats.pages, stats.requests, stats.retries, "y" if stats.retries == 1 else "ies")
    if stats.skipped:
        detail += "; not judged: %s" % ", ".join("%d %s" % (count, why) for why, count in sorted(stats.skipped.items()))
    if progress is not None:
        progress(name, stats.pages, len(subjects), time.monotonic() - stats.started)
    return subjects, errors, _status(name, source_type, status, len(subjects), len(errors), detail, stats.as_dict())
