# -*- coding: utf-8 -*-
"""The Workspace ONE UEM source against a fake tenant on 127.0.0.1 (tests/fakes/workspace_one_api.py).

Nothing is mocked but time: sleeps go through HttpPolicy(sleep=...) so the tests record how long the client
would have waited instead of waiting.
"""

from __future__ import annotations

import base64
import json
import time
from urllib.parse import parse_qs

import pytest

from ansible_collections.hardening.signal.plugins.module_utils.mdm import workspace_one
from ansible_collections.hardening.signal.plugins.module_utils.mdm.http import MdmHttpError, Stats
from ansible_collections.hardening.signal.plugins.module_utils.mdm.records import check_record
from ansible_collections.hardening.signal.plugins.module_utils.mdm.sources import pull_source
from tests.fakes.workspace_one_api import (
    SEARCH,
    TOKEN_PATH,
    WorkspaceOneFake,
    example_data,
    header,
    make_apps,
    make_device,
)
from tests.fakes import pulled
from tests.fakes.pulled import by_id, credential_option_cases, encodings, failure, records_in
from tests.fakes.sleep import policy

TENANT_CODE = "K9x+Tn/7Qa=zR2wLp0Vb8cYe"
CLIENT_ID = "a1b2c3d4e5f6"
CLIENT_SECRET = 'cs~Q8+pl/us=eq&amp"quo\\te'
USERNAME = "ws1-reader"
PASSWORD = 'pw:WS1+P@ss/w"rd=1'


def oauth_fake(devices, apps):
    return WorkspaceOneFake(devices, apps, TENANT_CODE, client_id=CLIENT_ID, client_secret=CLIENT_SECRET)


def basic_fake(devices, apps):
    return WorkspaceOneFake(devices, apps, TENANT_CODE, username=USERNAME, password=PASSWORD)


def options(server, basic=False, **extra):
    opts = {"name": "ws1-test", "type": "workspace_one", "api_url": server.url, "tenant_code": TENANT_CODE}
    if basic:
        opts.update(username=USERNAME, password=PASSWORD)
    else:
        opts.update(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, token_url=server.url + TOKEN_PATH)
    opts.update(extra)
    return opts


def connect(server, pol=None, basic=False, **extra):
    opts = options(server, basic, **extra)
    return pulled.connect(workspace_one, opts, pol or policy()), opts


def pull(server, pol=None, basic=False, **extra):
    return pulled.pull(workspace_one, options(server, basic, **extra), pol or policy())


def fleet(count, platform="Apple", **device_fields):
    devices = [make_device(n, platform=platform, **device_fields) for n in range(1, count + 1)]
    return devices, {n: make_apps(platform) for n in range(1, count + 1)}


def paths(server, prefix):
    return [r for r in server.requests if r.path.startswith(prefix)]


# --- the sample export ------------------------------------------------------------------------------------------

def test_sample_export_normalizes_each_phone_and_skips_desktops_without_asking_for_their_apps():
    devices, apps = example_data()
    with basic_fake(devices, apps).serve() as server:
        client, items = pull(server, basic=True)
        asked = sorted(r.path for r in paths(server, "/api/mdm/devices/") if r.path.endswith("/apps"))
    records = by_id(items)
    assert sorted(records) == ["2001", "2002", "2003", "2004", "2006"]
    assert asked == ["/api/mdm/devices/%d/apps" % n for n in (2001, 2002, 2003, 2004, 2006)]
    emma = records["2001"][1]
    assert emma["platform"] == "ios" and emma["ownership"] == "corporate" and emma["supervised"] is True
    assert emma["owner"] == {"email": "emma.virtanen@example.org"}  # UserName 'emma.virtanen' is no UPN
    assert emma["signal"] == {"visible": True, "installed": True, "version": "7.85", "install_source": "unknown"}
    assert emma["last_checkin"] == "2026-11-25T07:41:09.117Z"
    assert "UTC" in emma["raw_fields"]["last_checkin"]
    assert emma["screen_lock"] == {"passcode_present": None, "passcode_compliant": None,
                                   "max_inactivity_minutes": None}
    assert "not passcode facts" in emma["unknown_reasons"]["screen_lock.passcode_present"]
    assert emma["raw_fields"]["signal.installed"] == "DeviceApps[ApplicationIdentifier=org.whispersystems.signal].Status"
    farid = records["2002"][1]
    assert farid["platform"] == "android" and "supervised" not in farid
    assert farid["signal"]["installed"] is True and farid["signal"]["version"] == "7.20.2"
    assert "Google Play auto-update" in farid["unknown_reasons"]["app_auto_update_policy"]
    greta = records["2003"][1]
    assert greta["ownership"] == "personal"
    assert greta["signal"] == {"visible": False, "installed": None}
    assert "only apps it manages" in greta["unknown_reasons"]["signal.visible"]
    shared = records["2004"][1]
    assert shared["ownership"] == "corporate"  # S: corporate-shared
    assert shared["owner"] is None or "upn" not in shared["owner"]
    assert shared["signal"] == {"visible": True, "installed": False}
    ines = records["2006"][1]
    assert set(dict(records["2006"][2])) == {"ownership", "last_checkin", "signal.version"}
    assert "ownership" not in ines and "last_checkin" not in ines and "version" not in ines["signal"]
    assert ines["signal"]["installed"] is True
    for label, record, errors in items:
        checked, found, why = check_record(record, label, "ws1-test")
        assert found == [] and why is None, (label, found)
    assert client.stats.pages == 1 and client.stats.requests == 6


def test_sample_export_through_pull_source():
    devices, apps = example_data()
    with basic_fake(devices, apps).serve() as server:
        subjects, errors, status = pull_source(options(server, basic=True))
    assert status["status"] == "complete" and status["subjects"] == 5
    assert status["stats"]["requests"] == 6 and status["stats"]["pages"] == 1
    assert all(s["state"] == "ok" for s in subjects)
    assert {(e["record"], e["field"]) for e in errors} == {
        ("devices Id 2006", "ownership"), ("devices Id 2006", "last_checkin"), ("devices Id 2006", "signal.version")}


# --- paging --------------------------------------------------------------------------------------------------------

def test_follows_the_search_pages_in_device_id_order_and_asks_each_phone_for_its_apps():
    devices, apps = fleet(7)
    devices.reverse()
    with oauth_fake(devices, apps).serve() as server:
        client, items = pull(server, page_size=3)
        searches = paths(server, SEARCH)
        app_requests = [r for r in server.requests if r.path.endswith("/apps")]
    assert [r["id"] for r in records_in(items)] == [str(n) for n in range(1, 8)]
    assert client.stats.pages == 3 and len(searches) == 3 and len(app_requests) == 7
    for number, request in enumerate(searches):
        assert parse_qs(request.raw_query) == {"page": [str(number)], "pagesize": ["3"], "orderby": ["deviceid"],
                                               "sortorder": ["ASC"]}
    assert all(parse_qs(r.raw_query) == {"page": ["0"], "pagesize": ["500"]} for r in app_requests)
    assert client.stats.requests == 1 + 3 + 7  # token, search pages, app lists


def test_a_last_full_page_ends_the_walk_and_204_means_no_devices():
    devices, apps = fleet(4)
    with oauth_fake(devices, apps).serve() as server:
        client, items = pull(server, page_size=2)
        assert len(paths(server, SEARCH)) == 2
    assert len(items) == 4
    with oauth_fake([], {}).serve() as server:
        client, items = pull(server)
        search = paths(server, SEARCH)
    assert items == [] and len(search) == 1 and parse_qs(search[0].raw_query)["pagesize"] == ["500"]


def test_a_server_that_caps_pagesize_fails_the_pull_instead_of_skipping_devices():
    devices, apps = fleet(3)
    fake = oauth_fake(devices, apps)
    fake.inject(SEARCH, (200, {"Devices": devices[:2], "Page": 0, "PageSize": 2, "Total": 3}))
    with fake.serve() as server:
        with pytest.raises(MdmHttpError) as info:
            pull(server, page_size=3)
    assert "page_size to 2 or less" in str(info.value)


def test_an_app_list_longer_than_a_page_is_followed():
    devices = fleet(1)[0]
    many = [{"ApplicationName": "App %d" % n, "ApplicationIdentifier": "com.example.app%d" % n, "Version": "1.0",
             "Status": "Installed", "IsManaged": n % 2 == 0} for n in range(600)]
    many.append({"ApplicationName": "Signal", "ApplicationIdentifier": "org.whispersystems.signal",
                 "Version": "7.86.1", "Status": "Installed", "IsManaged": False})
    with oauth_fake(devices, {1: many}).serve() as server:
        client, items = pull(server)
        app_requests = [parse_qs(r.raw_query)["page"] for r in server.requests if r.path.endswith("/apps")]
    assert app_requests == [["0"], ["1"]]
    assert items[0][1]["signal"]["version"] == "7.86.1"


def test_an_empty_answer_after_the_first_app_page_ends_the_list():
    devices = fleet(1)[0]
    first = [{"ApplicationName": "App %d" % n, "ApplicationIdentifier": "com.example.app%d" % n, "Version": "1.0",
              "Status": "Installed", "IsManaged": False} for n in range(500)]
    fake = oauth_fake(devices, {1: first})
    fake.inject("/api/mdm/devices/1/apps", (200, {"DeviceApps": first, "Page": 0, "PageSize": 500, "Total": 700}),
                (204, b""))
    with fake.serve() as server:
        client, items = pull(server)
    assert items[0][1]["signal"] == {"visible": True, "installed": False}


# --- authentication ------------------------------------------------------------------------------------------------

def test_oauth_token_form_then_bearer_and_tenant_code_on_every_request():
    devices, apps = fleet(3)
    fake = oauth_fake(devices, apps)
    with fake.serve() as server:
        client, items = pull(server, page_size=2)
        token_requests = paths(server, TOKEN_PATH)
        api = paths(server, "/api/")
    assert len(items) == 3 and len(token_requests) == 1
    assert token_requests[0].method == "POST"
    assert token_requests[0].form() == {"grant_type": "client_credentials", "client_id": CLIENT_ID,
                                        "client_secret": CLIENT_SECRET}
    assert "application/x-www-form-urlencoded" in header(token_requests[0], "Content-Type")
    assert header(token_requests[0], "aw-tenant-code") is None  # the key goes to the API, not to the token service
    assert len(api) == 2 + 3
    for request in api:
        assert header(request, "Authorization") == "Bearer " + fake.issued[0]
        assert header(request, "aw-tenant-code") == TENANT_CODE
        assert header(request, "Accept") == "application/json;version=1"


def test_basic_auth_goes_with_every_request_and_no_token_is_asked_for():
    devices, apps = fleet(2)
    with basic_fake(devices, apps).serve() as server:
        client, items = pull(server, basic=True)
        requests = list(server.requests)
    assert len(items) == 2 and not [r for r in requests if r.path == TOKEN_PATH]
    expected = "Basic " + base64.b64encode(("%s:%s" % (USERNAME, PASSWORD)).encode()).decode()
    assert [header(r, "Authorization") for r in requests] == [expected] * 3
    assert all(header(r, "aw-tenant-code") == TENANT_CODE for r in requests)


def test_basic_auth_refused_fails_with_the_401_at_once():
    devices, apps = fleet(1)
    fake = WorkspaceOneFake(devices, apps, TENANT_CODE, username=USERNAME, password="another one")
    with fake.serve() as server:
        with pytest.raises(MdmHttpError) as info:
            pull(server, basic=True)
        assert len(server.requests) == 1
    assert info.value.status == 401 and "1005" in str(info.value)
    assert PASSWORD not in str(info.value)


def test_a_wrong_tenant_code_fails_with_the_403():
    devices, apps = fleet(1)
    with oauth_fake(devices, apps).serve() as server:
        with pytest.raises(MdmHttpError) as info:
            pull(server, tenant_code="not-the-key")
    assert info.value.status == 403 and "aw-tenant-code" in str(info.value)


def test_a_wrong_client_secret_fails_at_the_token_endpoint():
    devices, apps = fleet(1)
    fake = WorkspaceOneFake(devices, apps, TENANT_CODE, client_id=CLIENT_ID, client_secret="the right one")
    with fake.serve() as server:
        with pytest.raises(MdmHttpError) as info:
            pull(server)
    assert info.value.status == 400 and "invalid_client" in str(info.value)


# --- throttling, server errors and broken answers -----------------------------------------------------------------

def test_429_without_retry_after_on_an_app_list_backs_off_and_is_counted():
    devices, apps = fleet(1)
    fake = oauth_fake(devices, apps)
    fake.inject("/api/mdm/devices/1/apps", (429, {"errorCode": 429, "message": "Too many requests"}))
    pol = policy()
    with fake.serve() as server:
        client, items = pull(server, pol)
    assert items[0][1]["signal"]["installed"] is True
    assert len(pol.sleep.waits) == 1 and 0 <= pol.sleep.waits[0] <= 0.01
    assert client.stats.retries == 1 and client.stats.requests == 1 + 1 + 2


def test_429_with_retry_after_on_app_lists_in_the_worker_pool_keeps_every_device_and_the_order():
    devices, apps = fleet(20)
    apps[17] = make_apps(signal_version=None)
    fake = oauth_fake(devices, apps)
    throttled = (429, {"errorCode": 429, "message": "Too many requests"}, {"Retry-After": "3"})
    for number in (5, 12):
        fake.inject("/api/mdm/devices/%d/apps" % number, throttled)
    pol = policy()
    with fake.serve() as server:
        client, items = pull(server, pol)
    assert [r["id"] for r in records_in(items)] == [str(n) for n in range(1, 21)]
    assert [r["signal"]["installed"] for r in records_in(items)] == [n != 17 for n in range(1, 21)]
    assert pol.sleep.waits == [3.0, 3.0] and client.stats.retries == 2
    assert client.stats.requests == 1 + 1 + 20 + 2  # token, one search page, the app lists, the two retried


def test_a_500_on_an_app_list_then_success():
    devices, apps = fleet(2)
    fake = oauth_fake(devices, apps)
    fake.inject("/api/mdm/devices/2/apps", (500, {"errorCode": 500, "message": "An unexpected error"}))
    with fake.serve() as server:
        client, items = pull(server)
    assert [r["signal"]["installed"] for r in records_in(items)] == [True, True] and client.stats.retries == 1


def test_an_app_list_failing_for_good_fails_the_pull_and_says_why():
    devices, apps = fleet(3)
    fake = oauth_fake(devices, apps)
    fake.inject("/api/mdm/devices/2/apps", *[(503, {"errorCode": 503, "message": "Service Unavailable"})] * 3)
    with fake.serve() as server:
        client, opts = connect(server, policy(max_retries=2))
        seen = []
        with pytest.raises(MdmHttpError) as info:
            for item in workspace_one.iter_records(client, opts):
                seen.append(item)
    assert [r["id"] for r in records_in(seen)] == ["1"]
    assert info.value.status == 503 and "/api/mdm/devices/2/apps" in str(info.value)
    assert client.stats.retries >= 2


# --- what the app list says, and what it cannot say ----------------------------------------------------------------

def test_app_list_outcomes_are_told_apart():
    devices = [make_device(n) for n in range(1, 11)]
    signal = {"ApplicationName": "Signal", "ApplicationIdentifier": "org.whispersystems.signal", "Version": "7.85"}
    hub = {"ApplicationName": "Hub", "ApplicationIdentifier": "com.air-watch.agent", "Version": "24.10",
           "Status": "Installed", "IsManaged": True}
    apps = {
        1: None,                                                          # 204: no app list at all
        2: [hub],                                                         # managed apps only
        3: [hub, dict(signal, Status="Removed", IsManaged=False)],        # listed, but not installed
        4: [hub, dict(signal, Status=3)],                                 # a status number other than installed
        5: [hub, "junk", {"ApplicationName": "no id"}],                   # entries without an identifier
        6: [hub, dict(signal, Status="Installed", Version=None)],         # no version
        7: [],                                                            # an empty list
        8: [hub, dict(signal)],                                           # no Status field: the list is of installed apps
        9: [hub, dict(signal, Status=2)],                                 # Installed, as real tenants send it
        10: [hub, dict(signal, Status=True)],                             # a status of the wrong type
    }
    with oauth_fake(devices, apps).serve() as server:
        client, items = pull(server)
    records = by_id(items)
    none = records["1"][1]
    assert none["signal"] == {"visible": False, "installed": None}
    assert "no app list" in none["unknown_reasons"]["signal.visible"]
    assert records["2"][1]["signal"] == {"visible": False, "installed": None}
    removed = records["3"][1]
    assert removed["signal"] == {"visible": True, "installed": None}
    assert "'Removed'" in removed["unknown_reasons"]["signal.installed"]
    assert records["4"][1]["signal"]["installed"] is None and records["4"][2] == []
    assert "status 3, not 2 (Installed)" in records["4"][1]["unknown_reasons"]["signal.installed"]
    assert records["9"][1]["signal"]["installed"] is True and records["9"][1]["signal"]["version"] == "7.85"
    assert records["9"][1]["signal"] == records["8"][1]["signal"]  # the number and the word say the same
    assert dict(records["10"][2])["signal.installed"].endswith("expected a string or a number, got bool True")
    assert records["5"][1]["signal"]["installed"] is None
    assert "2 entries without a string ApplicationIdentifier" in dict(records["5"][2])["signal.installed"]
    assert records["6"][1]["signal"]["version"] is None and "signal.version" in records["6"][1]["unknown_reasons"]
    assert records["7"][1]["signal"] == {"visible": False, "installed": None}
    assert records["8"][1]["signal"]["installed"] is True
    assert records["8"][1]["raw_fields"]["signal.installed"] == "DeviceApps[ApplicationIdentifier=org.whispersystems.signal]"
    for label, record, unused in items:
        assert check_record(record, label, "ws1-test")[2] is None


def test_an_app_list_answering_404_or_without_device_apps_marks_that_device_only():
    devices, apps = fleet(3)
    fake = oauth_fake(devices, apps)
    fake.inject("/api/mdm/devices/1/apps", (404, {"errorCode": 404, "message": "Device not found"}))
    fake.inject("/api/mdm/devices/2/apps", (200, {"Apps": []}))
    with fake.serve() as server:
        client, items = pull(server)
    records = by_id(items)
    assert "404" in dict(records["1"][2])["signal.installed"]
    assert "without a DeviceApps list" in dict(records["2"][2])["signal.installed"]
    assert records["1"][1]["signal"] == {"visible": None, "installed": None}
    assert records["3"][1]["signal"]["installed"] is True


def test_ownership_platforms_and_dates():
    devices = [
        make_device(1, ownership="E"), make_device(2, ownership="S"), make_device(3, ownership="Undefined"),
        make_device(4, ownership=None), make_device(5, ownership="C", LastSeen="0001-01-01T00:00:00.000"),
        make_device(6, LastSeen="2026-11-25T07:41:09Z"), make_device(7, platform="Android", UserName="h@example.org"),
        make_device(8, UserName="", UserEmailAddress=""),
    ]
    apps = {n: make_apps("Android" if n == 7 else "Apple") for n in range(1, 9)}
    with oauth_fake(devices, apps).serve() as server:
        client, items = pull(server)
    records = {k: v[1] for k, v in by_id(items).items()}
    expected = ["personal", "corporate", "unknown", "unknown", "corporate"]
    assert [records[str(n)]["ownership"] for n in range(1, 6)] == expected
    assert "Undefined" in records["3"]["unknown_reasons"]["ownership"]
    assert "last_checkin" not in records["5"]
    assert records["6"]["last_checkin"] == "2026-11-25T07:41:09Z"
    assert records["7"]["platform"] == "android" and records["7"]["owner"]["upn"] == "h@example.org"
    assert records["8"]["owner"] is None and "owner" in records["8"]["unknown_reasons"]


def test_records_that_cannot_be_used_are_named_and_non_phones_skipped():
    devices = [
        {"Platform": "Apple", "Model": "iPhone"},
        make_device(1),
        dict(make_device(2), Id={"Value": "2"}),
        dict(make_device(3), Platform=None),
        dict(make_device(4), Platform="Tizen"),
        dict(make_device(5), Platform="AppleOsX"),
        dict(make_device(6), Platform="WinRT"),
        dict(make_device(7), Platform="BlackBerry"),
        dict(make_device(8), Platform="AppleTv"),
        "garbage",
    ]
    apps = {n: make_apps() for n in range(1, 9)}
    with oauth_fake(devices, apps).serve() as server:
        client, items = pull(server)
        asked = [r.path for r in server.requests if r.path.endswith("/apps")]
    assert asked == ["/api/mdm/devices/1/apps"]
    assert [r["id"] for r in records_in(items) if r is not None] == ["1"]
    unusable = {errors[0][0] for label, record, errors in items if record is None}
    assert unusable == {"Id.Value", "Platform", None}
    assert len([item for item in items if item[1] is None]) == 5
    assert any("'Tizen' is not a platform" in errors[0][1] for label, r, errors in items if r is None)


def test_many_phones_keep_the_search_order_across_worker_threads():
    devices, apps = fleet(24, platform="Android")
    for n in range(1, 25, 3):
        apps[n] = make_apps("Android", signal_version=None)
    with oauth_fake(devices, apps).serve() as server:
        client, items = pull(server, page_size=10)
    assert [r["id"] for r in records_in(items)] == [str(n) for n in range(1, 25)]
    assert [r["signal"]["installed"] for r in records_in(items)] == [n % 3 != 1 for n in range(1, 25)]
    assert client.stats.requests == 1 + 3 + 24 and client.stats.pages == 3


def test_a_reader_that_stops_early_leaves_the_remaining_app_lists_unasked():
    devices, apps = fleet(30)
    fake = oauth_fake(devices, apps)

    def slow(request):
        time.sleep(0.2)
        return fake._apps(int(request.path.split("/")[4]), 0, 500)

    for n in range(1, 31):
        fake.inject("/api/mdm/devices/%d/apps" % n, slow)
    with fake.serve() as server:
        client, opts = connect(server)
        iterator = workspace_one.iter_records(client, opts)
        first = next(iterator)
        iterator.close()
        asked = [r for r in server.requests if r.path.endswith("/apps")]
    assert first[1]["id"] == "1"
    assert len(asked) <= 2 * workspace_one.APP_WORKERS


# --- secrets --------------------------------------------------------------------------------------------------------

def test_secrets_tenant_code_and_tokens_never_appear_in_errors_or_records():
    texts = []

    def echo(request):
        return 502, "<html>%s %s</html>" % (header(request, "Authorization"), header(request, "aw-tenant-code")), \
            {"Content-Type": "text/html"}

    devices, apps = example_data()
    oauth = oauth_fake(devices, apps)
    basic = basic_fake(devices, apps)
    with oauth.serve() as server:
        texts.append(json.dumps(pull(server)[1]))
        oauth.inject(SEARCH, echo)
        texts.append(failure(pull, server, policy(max_retries=0)))
        oauth.inject("/api/mdm/devices/2001/apps", echo)
        texts.append(failure(pull, server, policy(max_retries=0)))
        oauth.inject(TOKEN_PATH, lambda r: (400, {"error": "invalid_request", "echo": r.body.decode()}))
        texts.append(failure(pull, server))
    with basic.serve() as server:
        texts.append(json.dumps(pull(server, basic=True)[1]))
        basic.inject(SEARCH, echo)
        texts.append(failure(pull, server, policy(max_retries=0), basic=True))
    joined = "\n".join(texts)
    assert "********" in joined  # the echoes were there, and were redacted
    basic_b64 = base64.b64encode(("%s:%s" % (USERNAME, PASSWORD)).encode()).decode()
    for secret in [CLIENT_SECRET, PASSWORD, TENANT_CODE, basic_b64] + oauth.issued:
        for spelling in encodings(secret):
            assert spelling not in joined, spelling


# --- options --------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("extra, needle", credential_option_cases(USERNAME, PASSWORD) + [
    ({"tenant_code": None}, "tenant_code is required"),
    ({"token_url": None}, "token_url is required"),
    ({"page_size": "lots"}, "page_size"),
    ({"page_size": -5}, "page_size"),
])
def test_connect_names_the_option_that_is_wrong(extra, needle):
    opts = {"name": "ws1-test", "api_url": "https://as1234.awmdm.com", "tenant_code": TENANT_CODE,
            "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
            "token_url": "https://na.uemauth.vmwservices.com/connect/token"}
    opts.update(extra)
    with pytest.raises(MdmHttpError) as info:
        workspace_one.connect(opts, policy(), Stats())
    message = str(info.value)
    assert needle in message and message.startswith("ws1-test: ")
    for secret in (CLIENT_SECRET, PASSWORD, TENANT_CODE):
        assert secret not in message


def test_pull_source_names_what_is_missing():
    subjects, errors, status = pull_source({"name": "w", "type": "workspace_one", "client_id": "a",
                                            "client_secret": "b"}, environ={})
    assert status["status"] == "failed"
    assert "tenant_code" in errors[0]["message"] and "api_url" in errors[0]["message"]
