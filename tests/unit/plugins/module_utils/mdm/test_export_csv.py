# -*- coding: utf-8 -*-
"""CSV export files: the same normalized records as JSON exports; values never guessed; file problems named."""

from __future__ import annotations

import json
import os

import pytest

from ansible_collections.hardening.signal.plugins.module_utils.mdm.export_csv import (
    COLUMNS,
    convert,
    parse_reasons,
    read_csv_export,
)
from ansible_collections.hardening.signal.plugins.module_utils.mdm.export_file import SourceFailed, read_export
from ansible_collections.hardening.signal.plugins.module_utils.mdm.sources import pull_source

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", ".."))
EXAMPLE = os.path.join(ROOT, "examples", "mdm-export.csv")
DOC = os.path.join(ROOT, "docs", "mdm-export-csv.md")


def write(tmp_path, text, name="export.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return str(path)


def without_evidence(record):
    return {k: v for k, v in record.items() if k != "raw_fields"}


def test_a_row_becomes_the_same_record_as_in_a_json_export(tmp_path):
    # ios-0001 of the bundled JSON example, written as a CSV row.
    [expected] = [r for r in read_export(os.path.join(ROOT, "examples", "mdm-export.json")) if r["id"] == "ios-0001"]
    del expected["model"]
    header = ("id,name,platform,owner.upn,owner.name,owner.email,os_version,ownership,supervised,last_checkin,"
              "signal.visible,signal.installed,signal.version,signal.install_source,screen_lock.passcode_present,"
              "screen_lock.passcode_compliant,screen_lock.max_inactivity_minutes,lockscreen_notifications.hides_content,"
              "lockscreen_notifications.enforced_by,unknown_reasons")
    row = ("ios-0001,Alice's iPhone,ios,alice.martin@example.org,Alice Martin,alice.martin@example.org,18.6.2,corporate,"
           "true,2026-11-25T08:12:00Z,true,true,7.85,app_store,true,true,5,true,notification settings profile,"
           "last_boot=no MDM can report an iPhone's last boot")
    [record] = read_csv_export(write(tmp_path, header + "\n" + row + "\n"))
    assert without_evidence(record) == expected
    assert record["raw_fields"]["signal.version"] == "export.csv line 2 column signal.version"


def test_empty_cells_are_not_reported_and_have_no_evidence(tmp_path):
    [record] = read_csv_export(write(tmp_path, "id,platform,signal.installed,signal.version,last_boot\nd1,android,,,\n"))
    assert record == {"id": "d1", "platform": "android", "signal": {"installed": None, "version": None}, "last_boot": None,
                      "raw_fields": {"id": "export.csv line 2 column id", "platform": "export.csv line 2 column platform"}}


@pytest.mark.parametrize("text,value", [
    ("true", True), ("TRUE", True), ("Yes", True), ("1", True),
    ("false", False), ("False", False), ("no", False), ("NO", False), ("0", False),
    ("Y", "Y"), ("maybe", "maybe"), ("on", "on"), ("2", "2"), ("1.0", "1.0"),
])
def test_booleans_read_cleanly_or_stay_raw(text, value):
    assert convert("boolean", text) is value if isinstance(value, bool) else convert("boolean", text) == value


@pytest.mark.parametrize("text,value", [
    ("5", 5), ("0", 0), ("+7", 7), ("-5", -5), ("0015", 15),
    ("five", "five"), ("5.0", "5.0"), ("5 min", "5 min"), ("1_000", "1_000"), ("1e3", "1e3"),
])
def test_integers_read_cleanly_or_stay_raw(text, value):
    assert convert("integer", text) == value and type(convert("integer", text)) is type(value)


def test_strings_stay_strings_even_when_they_look_like_numbers(tmp_path):
    [record] = read_csv_export(write(tmp_path, "id,platform,os_version,signal.version\n1234,ios,16,7.80\n"))
    assert record["id"] == "1234" and record["os_version"] == "16" and record["signal"]["version"] == "7.80"


def test_surrounding_spaces_are_trimmed_quoted_commas_and_newlines_kept(tmp_path):
    text = 'id , platform,name\n d1 , ios ,"Chloe\'s iPad, meeting room\nsecond line"\nd2,android,plain\n'
    records = read_csv_export(write(tmp_path, text))
    assert records[0]["id"] == "d1" and records[0]["platform"] == "ios"
    assert records[0]["name"] == "Chloe's iPad, meeting room\nsecond line"
    # a row spanning two lines is named by the line it starts on; the next row by its own line
    assert records[0]["raw_fields"]["name"] == "export.csv line 2 column name"
    assert records[1]["raw_fields"]["id"] == "export.csv line 4 column id"


def test_unknown_reasons_column():
    assert parse_reasons("last_boot=no MDM can report it; signal = personal side, invisible") == {
        "last_boot": "no MDM can report it", "signal": "personal side, invisible"}
    assert parse_reasons("screen_lock.passcode_present=a=b;") == {"screen_lock.passcode_present": "a=b"}
    # anything that does not read is left as the raw text: the schema check then names the field and the value
    for bad in ("signl=typo", "last_boot", "=no path", "last_boot=", "last_boot=x; owner.phone=y"):
        assert parse_reasons(bad) == bad


def test_bad_values_are_named_by_the_schema_check_and_the_record_is_still_judged(tmp_path):
    text = ("id,platform,signal.installed,screen_lock.max_inactivity_minutes,ownership,unknown_reasons\n"
            "d1,ios,maybe,five,company,signl=typo\n")
    subjects, errors, status = pull_source({"name": "c", "type": "file", "path": write(tmp_path, text)})
    assert status["status"] == "complete"
    named = {(e["field"], e["message"]) for e in errors}
    assert ("signal.installed", "'maybe' is not of type 'boolean', 'null'") in named
    assert ("screen_lock.max_inactivity_minutes", "'five' is not of type 'integer', 'null'") in named
    assert any(f == "ownership" and "'company'" in m for f, m in named)
    assert any(f == "unknown_reasons" and "'signl=typo'" in m for f, m in named)
    [subject] = subjects
    assert subject["state"] == "ok"
    facts = subject["facts"]
    assert "installed" not in facts["signal"] and "signal.installed" in facts["errors"]


def test_bundled_example(tmp_path):
    records = read_csv_export(EXAMPLE)
    assert len(records) == 8
    by_id = {r["id"]: r for r in records}
    assert by_id["csv-ios-0002"]["name"] == "Chloe's iPad, meeting room"
    assert by_id["csv-android-0002"]["signal"] == {"visible": False, "installed": None, "version": None, "install_source": None}
    assert "signal" in by_id["csv-android-0002"]["unknown_reasons"]
    assert by_id["csv-ios-0003"]["signal"]["installed"] is False and by_id["csv-ios-0003"]["supervised"] is True
    subjects, errors, status = pull_source({"name": "example-csv", "type": "file", "path": EXAMPLE})
    assert status["status"] == "complete" and status["subjects"] == 8
    fields = {(e["record"].split(" ")[-1].rstrip(")"), e["field"]) for e in errors}
    assert {("csv-ios-0004", "signal.installed"), ("csv-ios-0004", "signal.version"),
            ("csv-ios-0004", "screen_lock.max_inactivity_minutes"), ("csv-android-0003", "ownership"),
            ("csv-android-0003", "screen_lock.passcode_present"), ("csv-android-0003", "screen_lock.max_inactivity_minutes"),
            ("csv-android-0003", "unknown_reasons")} <= fields
    states = sorted(s["state"] for s in subjects)
    assert states == ["invalid"] + ["ok"] * 7


def test_every_column_is_documented():
    doc = open(DOC, encoding="utf-8").read()
    for column in list(COLUMNS) + ["unknown_reasons"]:
        assert "`%s`" % column in doc, column
    header = open(EXAMPLE, encoding="utf-8").readline().strip().split(",")
    assert set(header) <= set(COLUMNS) | {"unknown_reasons"}


# ---------------------------------------------------------------- file-level problems

def failure(path):
    with pytest.raises(SourceFailed) as caught:
        read_csv_export(path)
    return str(caught.value)


def test_unknown_column_names_the_column_the_file_and_the_line(tmp_path):
    path = write(tmp_path, "id,platform,signal.instaled\nd1,ios,true\n")
    message = failure(path)
    assert message.startswith(path + ": line 1: unknown column 'signal.instaled'")
    assert "signal.installed" in message  # the list of known columns helps spot the typo


def test_blank_lines_before_the_header_are_skipped_and_counted(tmp_path):
    assert read_csv_export(write(tmp_path, "\n\nid,platform\nd1,ios\n\n"))[0]["raw_fields"]["id"] == "export.csv line 4 column id"
    assert ": line 3: unknown column 'colour'" in failure(write(tmp_path, "\n\nid,platform,colour\n", "b.csv"))


@pytest.mark.parametrize("text,expected", [
    ("", "has no header line"),
    ("\n  \n", "has no header line"),
    ("id,platform,id\n", "line 1: column 'id' appears twice"),
    ("id,,platform\n", "line 1: header cell 2 is empty"),
    ("name,platform\nx,ios\n", "line 1: the header has no 'id' column"),
    ("id,name\nx,y\n", "line 1: the header has no 'platform' column"),
    ("id,platform\nd1,ios\nd2,ios,extra\n", "line 3: 3 cell(s) where the header has 2 column(s)"),
    ("id,platform,name\nd1,ios\n", "line 2: 2 cell(s) where the header has 3 column(s)"),
    ('id,platform\nd1,ios\n"d2,ios\n', "line 3: is not readable CSV"),
    ("id,platform\nd1,i\x00os\n", "line 2: contains a NUL byte"),
])
def test_file_level_problems(tmp_path, text, expected):
    path = write(tmp_path, text)
    message = failure(path)
    assert message.startswith(path + ": ") and expected in message


def test_not_utf8_names_the_line(tmp_path):
    path = write(tmp_path, "id,platform,name\nd1,ios,Zo\xeb\n", encoding="latin-1")
    message = failure(path)
    assert message.startswith(path + ": line 2: is not UTF-8 text") and "0xeb" in message


def test_utf8_with_a_byte_order_mark_is_fine(tmp_path):
    [record] = read_csv_export(write(tmp_path, "\ufeffid,platform,name\nd1,ios,Zoë\n"))
    assert record["id"] == "d1" and record["name"] == "Zoë"


def test_unreadable_file(tmp_path):
    path = str(tmp_path / "missing.csv")
    assert failure(path).startswith(path + ": cannot be read")
    assert failure(str(tmp_path)).startswith(str(tmp_path) + ": cannot be read")


def test_the_driver_fails_the_source_on_a_file_problem(tmp_path):
    path = write(tmp_path, "id,platform,colour\n")
    subjects, errors, status = pull_source({"name": "c", "type": "file", "path": path, "format": "csv"})
    assert subjects == [] and status["status"] == "failed" and "unknown column 'colour'" in errors[0]["message"]


def test_format_csv_reads_a_file_whatever_its_name(tmp_path):
    path = write(tmp_path, "id,platform\nd1,ios\n", name="phones.txt")
    subjects = pull_source({"name": "c", "type": "file", "path": path, "format": "csv"})[0]
    assert [s["id"] for s in subjects] == ["d1"]


def test_large_export_reads_quickly(tmp_path):
    header = ",".join(COLUMNS) + ",unknown_reasons"
    row = ("d{n},Phone {n},android,15,Pixel 8,,u{n}@example.org,U {n},u{n}@example.org,corporate,,2026-11-25T08:00:00Z,"
           "true,true,7.80.2,play_store,always,true,true,5,true,keyguard,2026-11-25T06:00:00Z,")
    assert row.count(",") == header.count(",")
    path = write(tmp_path, header + "\n" + "\n".join(row.format(n=n) for n in range(20000)) + "\n")
    import time
    started = time.monotonic()
    records = read_csv_export(path)
    assert len(records) == 20000 and time.monotonic() - started < 5
    assert json.dumps(records[-1]["signal"]) == '{"visible": true, "installed": true, "version": "7.80.2", "install_source": "play_store"}'


def test_duplicate_ids_in_a_csv_name_the_lines(tmp_path):
    path = write(tmp_path, "id,platform,signal.installed,signal.install_source\n"
                           "a,android,true,play_store\nb,ios,,\na,android,true,sideload\n")
    subjects, errors, status = pull_source({"name": "m", "type": "file", "path": path})
    duplicates = [e for e in errors if e["field"] == "id"]
    assert [e["record"] for e in duplicates] == ["line 2 (id a)", "line 4 (id a)"]
    assert "line 4 (id a)" in duplicates[0]["message"] and "line 2 (id a)" in duplicates[1]["message"]
    assert [s["state"] for s in subjects] == ["invalid", "ok", "invalid"]


def test_a_csv_cannot_carry_a_surrogate_it_is_not_utf8(tmp_path):
    # The UTF-8-like bytes of U+DC80 (CESU-8): Python's strict decoder refuses them, so the file fails, named.
    path = write(tmp_path, b"id,platform,name\nd1,ios,\xed\xb2\x80\n")
    assert "line 2: is not UTF-8 text" in failure(path)
