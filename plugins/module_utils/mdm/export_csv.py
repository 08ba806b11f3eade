# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The CSV export-file MDM source: one row per phone, columns named by the dotted paths of the normalized record.

It yields the same raw records as a JSON export (schemas/mobile_device.schema.json),
so the records are then checked one by one exactly like JSON ones. What this
reader decides, and nothing more (see docs/mdm-export-csv.md):

* An empty cell is a value the source did not report: null.
* Boolean columns take true/false/yes/no/1/0 (any case); the integer column
  takes a whole number. Anything else is kept as the raw string, so the
  schema check names the field and the value: a value is never guessed.
* unknown_reasons holds ``path=reason; path=reason``; a part that is not
  ``path=reason`` for a known path keeps the whole cell as the raw string
  (the schema check then names it).
* raw_fields of each record names the line and column each value came from.

File-level problems fail the whole source (export_file.SourceFailed), naming
the file and, where it applies, the line: unreadable, not UTF-8, no header,
an unknown or repeated column (a typo must not silently drop data), no id or
platform column, a row with more or fewer cells than the header.
"""

from __future__ import annotations

import csv
import io
import os
import re

from ansible_collections.hardening.signal.plugins.module_utils.mdm.export_file import SourceFailed

STRING, BOOLEAN, INTEGER = "string", "boolean", "integer"

# Every column a CSV export may have: the dotted paths of the normalized phone record.
COLUMNS = {
    "id": STRING,
    "name": STRING,
    "platform": STRING,
    "os_version": STRING,
    "model": STRING,
    "serial": STRING,
    "owner.upn": STRING,
    "owner.name": STRING,
    "owner.email": STRING,
    "ownership": STRING,
    "supervised": BOOLEAN,
    "last_checkin": STRING,
    "signal.visible": BOOLEAN,
    "signal.installed": BOOLEAN,
    "signal.version": STRING,
    "signal.install_source": STRING,
    "app_auto_update_policy": STRING,
    "screen_lock.passcode_present": BOOLEAN,
    "screen_lock.passcode_compliant": BOOLEAN,
    "screen_lock.max_inactivity_minutes": INTEGER,
    "lockscreen_notifications.hides_content": BOOLEAN,
    "lockscreen_notifications.enforced_by": STRING,
    "last_boot": STRING,
}
REASONS_COLUMN = "unknown_reasons"
REQUIRED_COLUMNS = ("id", "platform")

# Paths an unknown_reasons entry may name: the columns and the objects that hold them.
REASON_PATHS = frozenset(COLUMNS) | frozenset(path.split(".", 1)[0] for path in COLUMNS if "." in path)

_TRUE = frozenset(("true", "yes", "1"))
_FALSE = frozenset(("false", "no", "0"))
_INTEGER = re.compile(r"^[+-]?[0-9]+$")


def convert(kind, text):
    """The value of one non-empty cell: typed when it reads cleanly, else the raw string (never guessed)."""
    if kind == BOOLEAN:
        lowered = text.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        return text
    if kind == INTEGER:
        return int(text) if _INTEGER.match(text) else text
    return text


def parse_reasons(text):
    """{path: reason} from 'path=reason; path=reason', or the raw text when any part does not read."""
    reasons = {}
    for part in text.split(";"):
        part = part.strip()
        if not part:
            continue
        path, sep, reason = part.partition("=")
        path, reason = path.strip(), reason.strip()
        if not sep or not reason or path not in REASON_PATHS:
            return text
        reasons[path] = reason
    return reasons


def _put(record, path, value):
    keys = path.split(".")
    node = record
    for key in keys[:-1]:
        node = node.setdefault(key, {})
    node[keys[-1]] = value


def _decode(path):
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except OSError as exc:
        raise SourceFailed("%s: cannot be read: %s" % (path, exc.strerror or exc))
    try:
        return raw.decode("utf-8-sig")  # a byte-order mark (spreadsheet exports) is allowed
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise SourceFailed("%s: line %d: is not UTF-8 text (byte 0x%02x at offset %d); export the CSV as UTF-8"
                           % (path, line, raw[exc.start], exc.start))


def _header(path, row, line):
    columns = [cell.strip() for cell in row]
    seen = set()
    for number, column in enumerate(columns, 1):
        if not column:
            raise SourceFailed("%s: line %d: header cell %d is empty: every column needs a name" % (path, line, number))
        if column not in COLUMNS and column != REASONS_COLUMN:
            raise SourceFailed("%s: line %d: unknown column %r (known columns: %s)"
                               % (path, line, column, ", ".join(list(COLUMNS) + [REASONS_COLUMN])))
        if column in seen:
            raise SourceFailed("%s: line %d: column %r appears twice" % (path, line, column))
        seen.add(column)
    for column in REQUIRED_COLUMNS:
        if column not in seen:
            raise SourceFailed("%s: line %d: the header has no %r column: every row needs one" % (path, line, column))
    return columns


def read_csv_export(path):
    """The raw records of a CSV export, one per row (JSON-export shape); raises SourceFailed for the file.

    The header is the first line that is not blank; blank lines are skipped.
    """
    return [record for _line, record in read_csv_rows(path)]


def read_csv_rows(path):
    """[(line the row starts on, raw record)] of a CSV export; raises SourceFailed for the file."""
    text = _decode(path)
    if "\x00" in text:
        line = text[:text.index("\x00")].count("\n") + 1
        raise SourceFailed("%s: line %d: contains a NUL byte: not a CSV text file" % (path, line))
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    name = os.path.basename(path)
    records = []
    columns = None
    ended = 0  # the line the previous row ended on: a row starts on the next (a quoted cell may span lines)
    try:
        for row in reader:
            start, ended = ended + 1, reader.line_num
            if not any(cell.strip() for cell in row):
                continue  # a blank line
            if columns is None:
                columns = _header(path, row, start)
                continue
            if len(row) != len(columns):
                raise SourceFailed("%s: line %d: %d cell(s) where the header has %d column(s) (an unquoted comma "
                                   "in a value?); quote values that contain commas" % (path, start, len(row), len(columns)))
            records.append((start, _record(columns, row, name, start)))
    except csv.Error as exc:
        raise SourceFailed("%s: line %d: is not readable CSV: %s" % (path, ended + 1, exc))
    if columns is None:
        raise SourceFailed("%s: has no header line: the first line must name the columns (id, platform, ...)" % path)
    return records


def _record(columns, row, name, line):
    record = {}
    raw_fields = {}
    for column, cell in zip(columns, row):
        cell = cell.strip()
        if column == REASONS_COLUMN:
            if cell:
                record[REASONS_COLUMN] = parse_reasons(cell)
            continue
        if cell:
            raw_fields[column] = "%s line %d column %s" % (name, line, column)
        _put(record, column, convert(COLUMNS[column], cell) if cell else None)
    if raw_fields:
        record["raw_fields"] = raw_fields
    return record
