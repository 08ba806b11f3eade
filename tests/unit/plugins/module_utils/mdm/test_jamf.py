# -*- coding: utf-8 -*-
"""The Jamf Pro source against a fake Jamf Pro server on 127.0.0.1 (tests/fakes/jamf_api.py).

Nothing is mocked but time: sleeps go through HttpPolicy(sleep=...) so the tests record how long the client
would have waited instead of waiting.
"""

from __future__ import annotations

import base64
import json
from urllib.parse import parse_qs

import pytest

from ansible_collections.hardening.signal.plugins.module_utils.mdm import jamf
from ansible_collections.hardening.signal.plugins.module_utils.mdm.http import MdmHttpError, Stats
from ansible_collections.hardening.signal.plugins.module_utils.mdm.records import check_record
from ansible_collections.hardening.signal.plugins.module_utils.mdm.sources import pull_source
from tests.fakes.jamf_api import DETAIL, JamfFake, example_devices, header, make_device
from tests.fakes.pulled import by_id, credential_option_cases, encodings, failure, records_in
from tests.fakes import pulled
from tests.fakes.sleep import policy

# Secrets with characters that change under url-encoding, JSON escaping and base64, so no encoded spelling slips by.
CLIENT_ID = "3f1e5a2c-0b7d-4c1e-9a55-1b2c3d4e5f60"
CLIENT_SECRET = 'cs~Q8+pl/us=eq&amp"quo\\te'
USERNAME = "api-reader"
PASSWORD = 'pw:Jamf+P@ss/w"rd=1'


def oauth_fake(devices, **kwargs):
    return JamfFake(devices, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, **kwargs)


def options(server, **extra):
    opts = {"name": "jamf-test", "type": "jamf", "api_url": server.url, "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET}
    opts.update(extra)
    return opts


def connect(server, pol=None, **extra):
    opts = options(server, **extra)
    return pulled.connect(jamf, opts, pol or policy()), opts


def pull(server, pol=None, **extra):
    return pulled.pull(jamf, options(server, **extra), pol or policy())


def detail_requests(server):
    return [r for r in server.requests if r.path == DETAIL]


# --- the sample export ------------------------------------------------------------------------------------------

def test_sample_export_normalizes_each_phone_and_skips_the_apple_tv():
    with oauth_fake(example_devices()).serve() as server:
        client, items = pull(server)
    records = by_id(items)
    assert sorted(records) == ["101", "102", "103", "104", "105"]  # 106 is an Apple TV: skipped, not yielded
    assert len(items) == 5
    alice = records["101"][1]
    assert alice["platform"] == "ios" and alice["ownership"] == "corporate" and alice["supervised"] is True
    assert alice["owner"] == {"upn": "alice.martin@example.org", "name": "Alice Martin",
                              "email": "alice.martin@example.org"}
    assert alice["signal"] == {"visible": True, "installed": True, "version": "7.85", "install_source": "unknown"}
    assert "signal.install_source" in alice["unknown_reasons"]
    assert alice["screen_lock"] == {"passcode_present": True, "passcode_compliant": True,
                                    "passcode_compliant_with_profiles": True, "max_inactivity_minutes": None}
    assert alice["last_checkin"] == "2026-11-24T08:12:31.204Z"
    assert alice["raw_fields"]["signal.version"].endswith(".shortVersion")
    # Apple's two flags as reported, each with its field: the control asks both to be true.
    assert alice["raw_fields"]["screen_lock.passcode_compliant"] == "security.passcodeCompliant"
    assert alice["raw_fields"]["screen_lock.passcode_compliant_with_profiles"] == "security.passcodeCompliantWithProfile"
    assert alice["last_boot"] is None and "last-boot" in alice["unknown_reasons"]["last_boot"]
    assert alice["lockscreen_notifications"] == {"hides_content": None}
    bruno = records["102"][1]
    assert bruno["screen_lock"]["passcode_present"] is False and bruno["screen_lock"]["passcode_compliant"] is False
    assert bruno["signal"]["version"] == "7.71"
    ipad = records["103"][1]
    assert ipad["signal"] == {"visible": True, "installed": False}
    assert ipad["owner"] is None and "owner" in ipad["unknown_reasons"]
    byod = records["104"][1]
    assert byod["ownership"] == "personal"
    assert byod["signal"] == {"visible": False, "installed": None}
    assert "User Enrollment" in byod["unknown_reasons"]["signal.visible"]
    dario = records["105"][1]
    assert dario["ownership"] == "unknown" and "Account-driven" in dario["unknown_reasons"]["ownership"]
    assert set(dict(records["105"][2])) == {"supervised", "screen_lock.passcode_present", "signal.version"}
    assert "supervised" not in dario and "version" not in dario["signal"]
    assert "passcode_present" not in dario["screen_lock"]
    assert dario["signal"]["installed"] is True  # the rest of the device is still judged
    for label, record, errors in items:
        checked, found, why = check_record(record, label, "jamf-test")
        assert found == [] and why is None, (label, found)
    assert client.stats.pages == 1 and client.stats.requests == 2  # one token, one page


def test_sample_export_through_pull_source_reports_every_phone():
    with oauth_fake(example_devices()).serve() as server:
        subjects, errors, status = pull_source(options(server))
    assert status["status"] == "complete" and status["subjects"] == 5
    assert {s["id"] for s in subjects} == {"101", "102", "103", "104", "105"}
    assert all(s["state"] == "ok" and s["kind"] == "mobile" for s in subjects)
    assert {(e["record"], e["field"]) for e in errors} == {
        ("mobile-devices mobileDeviceId 105", "supervised"),
        ("mobile-devices mobileDeviceId 105", "screen_lock.passcode_present"),
        ("mobile-devices mobileDeviceId 105", "signal.version")}
    assert next(s for s in subjects if s["id"] == "101")["owner"] == "alice.martin@example.org"


# --- paging --------------------------------------------------------------------------------------------------------

def test_follows_pages_from_zero_until_total_count_with_every_section_and_a_stable_sort():
    devices = [make_device(n) for n in (7, 3, 11, 1, 5, 9, 2)]
    with oauth_fake(devices).serve() as server:
        client, items = pull(server, page_size=3)
        requests = detail_requests(server)
    assert [r["id"] for r in records_in(items)] == ["1", "2", "3", "5", "7", "9", "11"]
    assert client.stats.pages == 3 and len(requests) == 3
    for number, request in enumerate(requests):
        query = parse_qs(request.raw_query)
        assert query["page"] == [str(number)] and query["page-size"] == ["3"]
        assert query["section"] == ["GENERAL", "HARDWARE", "USER_AND_LOCATION", "SECURITY", "APPLICATIONS"]
        assert query["sort"] == ["mobileDeviceId:asc"]


def test_a_last_full_page_ends_the_walk_without_asking_for_an_empty_one():
    with oauth_fake([make_device(n) for n in range(1, 7)]).serve() as server:
        client, items = pull(server, page_size=3)
        assert len(detail_requests(server)) == 2
    assert len(items) == 6 and client.stats.pages == 2


def test_default_page_size_is_500_and_an_empty_inventory_is_one_request():
    with oauth_fake([]).serve() as server:
        client, items = pull(server)
        request = detail_requests(server)[0]
    assert items == [] and client.stats.pages == 1
    assert parse_qs(request.raw_query)["page-size"] == ["500"]


def test_a_server_that_caps_page_size_fails_the_pull_instead_of_skipping_devices():
    with oauth_fake([make_device(n) for n in range(1, 6)], max_page_size=2).serve() as server:
        client, opts = connect(server, page_size=3)
        seen = []
        with pytest.raises(MdmHttpError) as info:
            for item in jamf.iter_records(client, opts):
                seen.append(item)
    assert len(seen) == 2
    assert "page_size to 2 or less" in str(info.value)


# --- authentication ------------------------------------------------------------------------------------------------

def test_oauth_client_credentials_form_then_bearer_on_every_page():
    fake = oauth_fake([make_device(n) for n in range(1, 5)])
    with fake.serve() as server:
        client, items = pull(server, page_size=2)
        token_requests = [r for r in server.requests if r.path == "/api/oauth/token"]
        pages = detail_requests(server)
    assert len(items) == 4
    assert len(token_requests) == 1
    assert token_requests[0].method == "POST"
    assert token_requests[0].form() == {"grant_type": "client_credentials", "client_id": CLIENT_ID,
                                        "client_secret": CLIENT_SECRET}
    assert "application/x-www-form-urlencoded" in header(token_requests[0], "Content-Type")
    assert [header(r, "Authorization") for r in pages] == ["Bearer " + fake.issued[0]] * 2
    assert all("json" in header(r, "Accept") for r in pages)


def test_username_and_password_are_exchanged_for_a_token_with_basic_auth():
    fake = JamfFake([make_device(1)], username=USERNAME, password=PASSWORD)
    with fake.serve() as server:
        client, items = pull(server, client_id=None, client_secret=None, username=USERNAME, password=PASSWORD)
        token_request = next(r for r in server.requests if r.path == "/api/v1/auth/token")
        page = detail_requests(server)[0]
    assert len(items) == 1
    assert token_request.method == "POST"
    assert header(token_request, "Authorization") == "Basic " + base64.b64encode(
        ("%s:%s" % (USERNAME, PASSWORD)).encode()).decode()
    assert header(page, "Authorization") == "Bearer " + fake.issued[0]


def test_token_url_option_overrides_the_default():
    fake = oauth_fake([make_device(1)])
    with fake.serve() as server:
        moved = server.url + "/elsewhere/token"
        fake.inject("/elsewhere/token", fake._oauth)
        client, items = pull(server, token_url=moved)
        assert [r.path for r in server.requests][0] == "/elsewhere/token"
    assert len(items) == 1


def test_a_token_refused_twice_fails_with_the_401():
    fake = oauth_fake([make_device(1)])
    error = {"code": "INVALID_TOKEN", "description": "Unauthorized", "id": "0", "field": None}
    refused = (401, {"httpStatus": 401, "errors": [error]})
    fake.inject(DETAIL, refused, refused)
    with fake.serve() as server:
        with pytest.raises(MdmHttpError) as info:
            pull(server)
    assert info.value.status == 401 and "INVALID_TOKEN" in str(info.value)
    assert len(fake.issued) == 2


def test_wrong_client_secret_fails_at_the_token_endpoint():
    fake = JamfFake([make_device(1)], client_id=CLIENT_ID, client_secret="the-right-one")
    with fake.serve() as server:
        with pytest.raises(MdmHttpError) as info:
            pull(server)
    assert info.value.status == 401 and "/api/oauth/token" in str(info.value)
    assert CLIENT_SECRET not in str(info.value)


# --- throttling, server errors and broken answers -----------------------------------------------------------------


# --- vendor records with missing fields or wrong types ------------------------------------------------------------

def test_missing_sections_and_wrong_types_are_named_and_the_device_is_kept():
    no_sections = {"mobileDeviceId": "20", "deviceType": "iOS"}
    wrong = make_device(21, displayName=42, osVersion=["18"], lastInventoryUpdateDate="yesterday",
                        deviceOwnershipType=7)
    wrong["hardware"] = "iPhone"
    wrong["userAndLocation"] = ["alice"]
    wrong["security"] = {"passcodePresent": 1, "passcodeCompliant": True, "passcodeCompliantWithProfile": "yes"}
    wrong["applications"] = {"identifier": "org.whispersystems.signal"}
    partial = make_device(22)
    partial["security"] = {"passcodePresent": True, "passcodeCompliant": True}
    partial["applications"] = [{"identifier": "org.whispersystems.signal", "version": "7.85.0"}]
    broken_apps = make_device(23)
    broken_apps["applications"] = [None, {"name": "no identifier"}, {"identifier": "com.example.other"}]
    unknown_kind = make_device(24, deviceOwnershipType="SomethingNew")
    unknown_kind["applications"] = [{"identifier": "org.whispersystems.signal", "shortVersion": 785}]
    bad_sections = make_device(25)
    bad_sections["security"] = "locked"
    bad_sections["general"] = 5
    with oauth_fake([no_sections, wrong, partial, broken_apps, unknown_kind, bad_sections]).serve() as server:
        client, items = pull(server)
    records = by_id(items)
    assert sorted(records) == ["20", "21", "22", "23", "24", "25"]

    bare = records["20"][1]
    assert bare["signal"] == {"visible": None, "installed": None}
    assert "APPLICATIONS" in bare["unknown_reasons"]["signal.installed"]
    assert "SECURITY" in bare["unknown_reasons"]["screen_lock.passcode_present"]
    assert bare["ownership"] == "unknown" and records["20"][2] == []

    errors = dict(records["21"][2])
    assert set(errors) == {"name", "os_version", "last_checkin", "ownership", "serial", "model", "owner",
                           "screen_lock.passcode_present", "screen_lock.passcode_compliant_with_profiles",
                           "signal.installed"}
    assert errors["name"] == "vendor field general.displayName: expected a string, got int 42"
    assert errors["serial"].startswith("vendor field hardware: expected an object")
    assert errors["signal.installed"].startswith("vendor field applications: expected a list")
    rec = records["21"][1]
    for field in ("name", "os_version", "last_checkin", "ownership", "serial", "model", "owner"):
        assert field not in rec and field not in rec["unknown_reasons"]
    assert rec["errors"] == errors

    half = records["22"][1]
    assert half["signal"]["version"] == "7.85.0"  # no shortVersion: version is used
    assert half["raw_fields"]["signal.version"].endswith("].version")
    assert half["screen_lock"]["passcode_compliant"] is True  # as reported; the second flag is missing
    assert half["screen_lock"]["passcode_compliant_with_profiles"] is None
    assert "passcodeCompliantWithProfile" in half["unknown_reasons"]["screen_lock.passcode_compliant_with_profiles"]

    unsure = records["23"][1]
    assert unsure["signal"]["installed"] is None
    assert "2 entries without a string identifier" in dict(records["23"][2])["signal.installed"]

    odd = records["24"][1]
    assert odd["ownership"] == "unknown" and "SomethingNew" in odd["unknown_reasons"]["ownership"]
    assert dict(records["24"][2])["signal.version"].endswith("expected a string, got int 785")

    sections = records["25"][1]
    assert set(dict(records["25"][2])) == {"name", "os_version", "supervised", "ownership", "last_checkin",
                                           "screen_lock.passcode_present", "screen_lock.passcode_compliant",
                                           "screen_lock.passcode_compliant_with_profiles"}
    assert "passcode_present" not in sections["screen_lock"] and "ownership" not in sections
    assert "screen_lock.passcode_present" not in sections["unknown_reasons"]
    assert sections["signal"]["installed"] is True
    for label, record, unused in items:
        assert check_record(record, label, "jamf-test")[2] is None


def test_records_that_cannot_be_used_are_named_and_non_phones_skipped():
    devices = [
        {"deviceType": "iOS", "general": {"displayName": "no id"}},
        make_device(31),
        dict(make_device(32), deviceType=None),
        dict(make_device(33), deviceType="Android"),
        dict(make_device(34), deviceType="watchOS"),
        dict(make_device(35), deviceType="visionOS"),
        dict(make_device(36), deviceType="tvOS"),
        dict(make_device(37), mobileDeviceId=["37"]),
    ]
    with oauth_fake(devices).serve() as server:
        client, items = pull(server, page_size=20)
    unusable = [(label, errors) for label, record, errors in items if record is None]
    assert [r["id"] for r in records_in(items) if r is not None] == ["31"]
    fields = sorted(errors[0][0] for label, errors in unusable)
    assert fields == ["deviceType", "deviceType", "mobileDeviceId", "mobileDeviceId"]
    assert any("'Android' is not a device type" in errors[0][1] for label, errors in unusable)
    assert all(label.startswith("mobile-devices") for label, errors in unusable)


def test_a_non_object_in_results_is_reported_not_dropped():
    fake = oauth_fake([make_device(1)])
    fake.inject(DETAIL, (200, {"totalCount": 2, "results": ["garbage", make_device(1)]}))
    with fake.serve() as server:
        client, items = pull(server, page_size=5)
    assert items[0][1] is None and items[0][0] == "mobile-devices/detail page 0 item 0"
    assert "not an object" in items[0][2][0][1]
    assert items[1][1]["id"] == "1"


# --- secrets --------------------------------------------------------------------------------------------------------

def test_secrets_and_tokens_never_appear_in_errors_or_records():
    texts = []

    def echo(request):
        # A hostile proxy page that echoes the request, token included.
        return 502, "<html>%s %s</html>" % (header(request, "Authorization"), request.raw_query), {"Content-Type": "text/html"}

    oauth = oauth_fake(example_devices())
    basic = JamfFake(example_devices(), username=USERNAME, password=PASSWORD)
    with oauth.serve() as server:
        texts.append(json.dumps(pull(server)[1]))
        oauth.inject(DETAIL, echo)
        texts.append(failure(pull, server, policy(max_retries=0)))
        oauth.inject("/api/oauth/token", lambda r: (400, {"error": "invalid_request", "echo": r.body.decode()}))
        texts.append(failure(pull, server))
    with basic.serve() as server:
        texts.append(json.dumps(pull(server, client_id=None, client_secret=None, username=USERNAME,
                                     password=PASSWORD)[1]))
        basic.inject("/api/v1/auth/token", lambda r: (401, {"echo": header(r, "Authorization")}))
        texts.append(failure(pull, server, client_id=None, client_secret=None, username=USERNAME, password=PASSWORD))
        basic.inject(DETAIL, echo)
        texts.append(failure(pull, server, policy(max_retries=0), client_id=None, client_secret=None,
                             username=USERNAME, password=PASSWORD))
    joined = "\n".join(texts)
    assert "********" in joined  # the echoes were there, and were redacted
    basic_b64 = base64.b64encode(("%s:%s" % (USERNAME, PASSWORD)).encode()).decode()
    for secret in [CLIENT_SECRET, PASSWORD, basic_b64] + oauth.issued + basic.issued:
        for spelling in encodings(secret):
            assert spelling not in joined, spelling


# --- options --------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("extra, needle", credential_option_cases(USERNAME, PASSWORD) + [
    ({"page_size": "many"}, "page_size"),
    ({"page_size": 0}, "page_size"),
    ({"page_size": True}, "page_size"),
])
def test_connect_names_the_option_that_is_wrong(extra, needle):
    opts = {"name": "jamf-test", "api_url": "https://example.jamfcloud.com", "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET}
    opts.update(extra)
    with pytest.raises(MdmHttpError) as info:
        jamf.connect(opts, policy(), Stats())
    assert needle in str(info.value) and str(info.value).startswith("jamf-test: ")
    assert CLIENT_SECRET not in str(info.value) and PASSWORD not in str(info.value)


def test_pull_source_names_a_missing_api_url():
    subjects, errors, status = pull_source({"name": "j", "type": "jamf", "client_id": "a", "client_secret": "b"},
                                           environ={})
    assert status["status"] == "failed" and "api_url" in errors[0]["message"]


def test_plain_http_is_refused_for_a_remote_server():
    opts = {"name": "j", "api_url": "http://jamf.example.org", "client_id": "a", "client_secret": "b"}
    client = jamf.connect(opts, policy(), Stats())
    with pytest.raises(MdmHttpError) as info:
        list(jamf.iter_records(client, opts))
    assert "only https://" in str(info.value)


def test_signals_management_status_is_named_in_the_evidence():
    managed = make_device(1)
    managed["applications"][0]["managementStatus"] = "Managed"
    with oauth_fake([managed, make_device(2)]).serve() as server:
        dummy, items = pull(server)
    records = by_id(items)
    assert records["1"][1]["raw_fields"]["signal.installed"].endswith("(managementStatus Managed)")
    assert records["2"][1]["raw_fields"]["signal.installed"].endswith("(managementStatus Unmanaged)")
