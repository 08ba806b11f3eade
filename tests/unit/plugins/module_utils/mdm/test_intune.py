# -*- coding: utf-8 -*-
"""The Intune source (mdm/intune.py) against a fake Microsoft Graph on 127.0.0.1 (tests/fakes/intune_api.py).

Nothing is mocked but time: sleeps go through HttpPolicy(sleep=...) so a test
records how long the client would have waited instead of waiting.
"""

from __future__ import annotations

import json
import os

import pytest

from ansible_collections.hardening.signal.plugins.module_utils.mdm import intune
from ansible_collections.hardening.signal.plugins.module_utils.mdm.http import HttpPolicy, MdmHttpError, Stats
from ansible_collections.hardening.signal.plugins.module_utils.mdm.records import check_record
from ansible_collections.hardening.signal.plugins.module_utils.mdm.sources import pull_source
from tests.fakes.intune_api import IntuneFake, aad_error, graph_error
from tests.fakes.sleep import Recorder

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", ".."))
EXAMPLE = os.path.join(ROOT, "examples", "mdm", "intune", "graph-responses.json")
DEVICES = "/v1.0/deviceManagement/managedDevices"
APPS = "/v1.0/deviceManagement/detectedApps"
CONFIGS = "/beta/deviceManagement/deviceConfigurations"

ALL_DEVICES = {"@odata.type": "#microsoft.graph.allDevicesAssignmentTarget",
               "deviceAndAppManagementAssignmentFilterId": None, "deviceAndAppManagementAssignmentFilterType": "none"}
ALL_USERS = {"@odata.type": "#microsoft.graph.allLicensedUsersAssignmentTarget",
             "deviceAndAppManagementAssignmentFilterId": None, "deviceAndAppManagementAssignmentFilterType": "none"}


def group(gid, exclude=False):
    kind = "exclusionGroupAssignmentTarget" if exclude else "groupAssignmentTarget"
    return {"@odata.type": "#microsoft.graph." + kind, "groupId": gid,
            "deviceAndAppManagementAssignmentFilterId": None, "deviceAndAppManagementAssignmentFilterType": "none"}


def phone(n, os_name="iOS", owner="company", supervised=True, **fields):
    device = {"id": "dev-%03d" % n, "deviceName": "Phone %d" % n, "operatingSystem": os_name, "osVersion": "18.6.2",
              "model": "iPhone 15" if os_name != "Android" else "Pixel 8", "serialNumber": "SER%05d" % n,
              "userPrincipalName": "user%d@example.org" % n, "userDisplayName": "User %d" % n,
              "emailAddress": "user%d@example.org" % n, "managedDeviceOwnerType": owner, "isSupervised": supervised,
              "lastSyncDateTime": "2026-11-25T08:00:00Z"}
    device.update(fields)
    return device


def app(app_id, version, platform="ios", name="Signal"):
    return {"id": app_id, "displayName": name, "version": version, "platform": platform}


def ios_general(cid, name, timeout, grace=None, required=True):
    return {"@odata.type": "#microsoft.graph.iosGeneralDeviceConfiguration", "id": cid, "displayName": name,
            "passcodeRequired": required, "passcodeMinutesOfInactivityBeforeScreenTimeout": timeout,
            "passcodeMinutesOfInactivityBeforeLock": grace, "lockScreenBlockNotificationView": True}


def ios_features(cid, name, **entry):
    setting = {"@odata.type": "microsoft.graph.iosNotificationSettings", "bundleID": "org.whispersystems.signal",
               "appName": "Signal", "enabled": True, "showOnLockScreen": True}
    setting.update(entry)
    return {"@odata.type": "#microsoft.graph.iosDeviceFeaturesConfiguration", "id": cid, "displayName": name,
            "notificationSettings": [{"bundleID": "com.example.other", "showOnLockScreen": True}, setting]}


def android_owner(cid, name, **fields):
    profile = {"@odata.type": "#microsoft.graph.androidDeviceOwnerGeneralDeviceConfiguration", "id": cid,
               "displayName": name, "appsAutoUpdatePolicy": "always", "passwordMinutesOfInactivityBeforeScreenTimeout": 5,
               "passwordBlockKeyguardFeatures": ["unredactedNotifications"]}
    profile.update(fields)
    return profile


def assigned(*targets):
    return [{"id": "asg-%d" % i, "intent": "apply", "target": t} for i, t in enumerate(targets)]


def pull(fake, sleep=None, policy=None, **overrides):
    options = fake.options(**overrides)
    stats = Stats()
    policy = policy or HttpPolicy(backoff_base=0.01, max_retries=3, sleep=sleep or Recorder())
    client = intune.connect(options, policy, stats)
    return list(intune.iter_records(client, options)), stats, client


def by_id(results):
    return {record["id"]: record for dummy, record, dummy2 in results if isinstance(record, dict)}


def fake_with(devices, apps=(), app_devices=None, configs=(), assignments=None, **kwargs):
    return IntuneFake(devices=devices, detected_apps=apps, app_devices=app_devices or {}, configurations=configs,
                      assignments=assignments or {}, **kwargs)


# --------------------------------------------------------------------------- the sample export

def test_sample_export_gives_schema_valid_phone_records_and_skips_computers():
    with IntuneFake.from_export(EXAMPLE, page_size=3) as fake:
        results, stats = pull(fake)[:2]
    names = [record["name"] for dummy, record, dummy2 in results]
    assert sorted(names) == sorted(["Alice Martin iPhone", "Bruno Keller iPhone", "Chloé Dubois iPad", "Dario's iPhone",
                                    "Eva Novak Pixel", "Farid Haddad Galaxy", "Greta Lind Android", "Hugo Meyer iPhone"])
    for label, record, errors in results:
        assert errors == [] and record["errors"] == {}
        assert label == "managedDevices id %s" % record["id"]
        cleaned, problems, unusable = check_record(record, label, "intune")
        assert problems == [] and unusable is None, problems
    devices = {r["name"]: r for dummy, r, dummy2 in results}
    alice = devices["Alice Martin iPhone"]
    assert alice["platform"] == "ios" and alice["ownership"] == "corporate" and alice["supervised"] is True
    assert alice["owner"] == {"upn": "alice.martin@example.org", "name": "Alice Martin", "email": "alice.martin@example.org"}
    assert alice["signal"] == {"visible": True, "installed": True, "version": "7.85", "install_source": None}
    assert "brittle" in alice["raw_fields"]["signal.installed"]
    assert alice["unknown_reasons"]["signal.install_source"] == "Intune does not report where an app was installed from"
    assert alice["screen_lock"]["max_inactivity_minutes"] == 2
    assert alice["lockscreen_notifications"]["hides_content"] is True
    assert alice["last_boot"] is None and "boot" in alice["unknown_reasons"]["last_boot"]
    assert devices["Chloé Dubois iPad"]["platform"] == "ios"
    assert devices["Chloé Dubois iPad"]["signal"]["installed"] is False
    assert devices["Dario's iPhone"]["signal"]["visible"] is False
    assert devices["Hugo Meyer iPhone"]["lockscreen_notifications"]["hides_content"] is None
    eva = devices["Eva Novak Pixel"]
    assert eva["platform"] == "android" and eva["supervised"] is None
    assert eva["signal"]["version"] == "7.80.1" and eva["app_auto_update_policy"] == "wifi_only"
    assert eva["screen_lock"]["max_inactivity_minutes"] == 5 and eva["lockscreen_notifications"]["hides_content"] is True
    assert devices["Greta Lind Android"]["app_auto_update_policy"] is None
    assert stats.pages >= 8


# --------------------------------------------------------------------------- auth

def test_token_request_is_client_credentials_with_the_graph_scope_and_graph_calls_carry_the_bearer():
    with IntuneFake.from_export(EXAMPLE) as fake:
        pull(fake)
        token_requests = [r for r in fake.requests if r.path.endswith("/oauth2/v2.0/token")]
        graph = fake.graph_requests()
    assert len(token_requests) == 1
    request = token_requests[0]
    assert request.method == "POST" and request.path == "/%s/oauth2/v2.0/token" % fake.tenant_id
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert request.form() == {"grant_type": "client_credentials", "client_id": fake.client_id,
                              "client_secret": fake.client_secret, "scope": fake.url + "/.default"}
    assert graph and all(r.headers["Authorization"] == "Bearer " + fake.issued[0] for r in graph)
    assert all(r.method == "GET" for r in graph)


def test_connect_defaults_the_token_url_and_uses_the_cloud_of_api_url_for_the_scope():
    options = {"name": "gov", "tenant_id": "contoso.onmicrosoft.com", "client_id": "id", "client_secret": "secret",
               "api_url": "https://graph.microsoft.us/", "token_url": None}
    stats = Stats()
    client = intune.connect(options, HttpPolicy(), stats)
    assert client.token_provider.scope == "https://graph.microsoft.us/.default"
    assert client.token_provider.token_url == "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token"
    assert stats.requests == 0
    default = intune.connect(dict(options, api_url=None), HttpPolicy(), Stats())
    assert default.token_provider.scope == "https://graph.microsoft.com/.default"


@pytest.mark.parametrize("change, named", [
    ({"tenant_id": None}, "tenant_id"), ({"client_id": ""}, "client_id"), ({"client_secret": "  "}, "client_secret"),
    ({"tenant_id": "../common"}, "tenant_id"), ({"page_size": 0}, "page_size"), ({"page_size": 5000}, "page_size"),
    ({"page_size": True}, "page_size"), ({"api_url": "http://graph.example.org"}, "api_url"),
    ({"token_url": "ftp://login.example.org/token"}, "token_url"),
])
def test_connect_names_a_missing_or_invalid_option(change, named):
    options = {"name": "intune", "tenant_id": "11111111-2222-4333-8444-555555555555", "client_id": "id",
               "client_secret": "Very$ecret", "api_url": None, "token_url": None, "page_size": None}
    options.update(change)
    with pytest.raises(MdmHttpError) as caught:
        intune.connect(options, HttpPolicy(), Stats())
    assert named in str(caught.value)
    assert "Very$ecret" not in str(caught.value)


def test_an_expired_token_is_refreshed_once_and_the_pull_goes_on():
    with IntuneFake.from_export(EXAMPLE) as fake:
        options = fake.options()
        client = intune.connect(options, HttpPolicy(backoff_base=0.01, sleep=Recorder()), Stats())
        client.token_provider.token()  # a token is cached...
        fake.expire_tokens()  # ...and has expired at Graph
        results = list(intune.iter_records(client, options))
        refused = [r for r in fake.graph_requests() if r.headers["Authorization"] == "Bearer " + fake.issued[0]]
    assert len(results) == 8
    assert len(fake.issued) == 2 and len(refused) == 1


def test_a_second_401_in_a_row_fails_with_graphs_message():
    with IntuneFake.from_export(EXAMPLE) as fake:
        denied = graph_error("InvalidAuthenticationToken", "Access token validation failure. Invalid audience.")
        fake.fail_next(APPS, (401, denied), (401, denied))
        with pytest.raises(MdmHttpError) as caught:
            pull(fake)
    assert caught.value.status == 401 and "Invalid audience" in str(caught.value)
    assert len(fake.issued) == 2


def test_a_refused_client_secret_fails_with_the_aadsts_code_and_without_the_secret():
    with IntuneFake.from_export(EXAMPLE) as fake:
        with pytest.raises(MdmHttpError) as caught:
            pull(fake, client_secret="wrong-Secret~value")
    text = str(caught.value)
    assert "AADSTS7000215" in text and caught.value.status == 401
    assert "wrong-Secret~value" not in text


def test_a_missing_permission_is_named():
    with IntuneFake.from_export(EXAMPLE) as fake:
        fake.fail_next(CONFIGS, (403, graph_error("Forbidden", "Application is not authorized to perform this "
                                                  "operation.")))
        with pytest.raises(MdmHttpError) as caught:
            pull(fake)
    assert caught.value.status == 403
    assert "DeviceManagementConfiguration.Read.All" in str(caught.value)
    assert str(caught.value).count("intune-test:") == 1


# --------------------------------------------------------------------------- paging and filters

def test_paging_follows_each_absolute_next_link_to_the_end_with_the_page_size_asked():
    devices = [phone(n) for n in range(7)] + [phone(100 + n, "Android") for n in range(3)]
    with fake_with(devices) as fake:
        results, stats = pull(fake, page_size=2)[:2]
        device_requests = fake.graph_requests(DEVICES)
    assert [r["id"] for dummy, r, dummy2 in results] == [d["id"] for d in devices]
    assert all(r.query["$top"] == "2" for r in device_requests)
    assert [r.query["$filter"] for r in device_requests] == ["operatingSystem eq 'iOS'"] * 4 + \
        ["operatingSystem eq 'iPadOS'"] + ["operatingSystem eq 'Android'"] * 2
    assert sum(1 for r in device_requests if "$skiptoken" in r.query) == 4
    selected = set(device_requests[0].query["$select"].split(","))
    assert selected == set(intune.DEVICE_FIELDS)
    assert stats.pages == len(fake.graph_requests())


def test_when_intune_ignores_the_filter_each_device_comes_once_and_computers_are_skipped():
    devices = [phone(1), phone(2, "iPadOS"), phone(3, "Android"), phone(4, "Windows"), phone(5, "macOS"),
               phone(6, "Linux")]
    with fake_with(devices, ignore_filter=True, page_size=2) as fake:
        results = pull(fake)[0]
        passes = set(r.query["$filter"] for r in fake.graph_requests(DEVICES))
    assert [r["id"] for dummy, r, dummy2 in results] == ["dev-001", "dev-002", "dev-003"]
    assert passes == {"operatingSystem eq 'iOS'"}


def _pull_source(fake, **overrides):
    """The Intune source through sources.py, which names and judges repeated ids (mdm/duplicate_ids.py)."""
    return pull_source(dict(fake.options(page_size=2), max_retries=1, timeout=5, **overrides), environ={})


def test_a_device_listed_twice_with_the_same_values_is_judged_once_and_both_listings_are_named():
    devices = [phone(1), phone(2), phone(3)]
    devices.insert(2, dict(devices[0]))  # the first phone comes again on the next page, as a boundary moves
    with fake_with(devices) as fake:
        subjects, errors, status = _pull_source(fake)
    assert [s["id"] for s in subjects] == ["dev-001", "dev-002", "dev-003"]
    assert all(s["state"] == "ok" for s in subjects)
    named = [e for e in errors if e["field"] == "id"]
    assert [e["record"] for e in named] == [
        "managedDevices id dev-001",
        "managedDevices id dev-001 (listed again by the pass operatingSystem eq 'iOS', page 2 item 1)"]
    assert "with the same values: the phone is judged once, from this record" in named[0]["message"]
    assert status["errors"] == 2


def test_one_id_under_two_systems_makes_every_record_of_it_invalid_and_named():
    devices = [phone(1), phone(2), phone(1, "Android", model="Pixel 8")]
    with fake_with(devices) as fake:
        subjects, errors, status = _pull_source(fake)
    states = [(s["id"], s["state"]) for s in subjects]
    assert states == [("dev-001", "invalid"), ("dev-002", "ok"), ("dev-001", "invalid")]
    named = [e for e in errors if e["field"] == "id"]
    assert [e["record"] for e in named] == [
        "managedDevices id dev-001",
        "managedDevices id dev-001 (listed again by the pass operatingSystem eq 'Android', page 1 item 1)"]
    assert all("with other values" in e["message"] and "none of them is judged" in e["message"] for e in named)


def test_a_pass_whose_filter_is_ignored_lists_the_earlier_passes_again_without_blaming_the_source():
    devices = [phone(1), phone(2), phone(3, "iPadOS"), phone(4, "Android")]
    with fake_with(devices, ignore_filter=("iPadOS",)) as fake:
        subjects, errors, status = _pull_source(fake)
        passes = [r.query["$filter"] for r in fake.graph_requests(DEVICES)]
    assert [s["id"] for s in subjects] == ["dev-001", "dev-002", "dev-003", "dev-004"]
    assert errors == [] and all(s["state"] == "ok" for s in subjects)
    assert "operatingSystem eq 'Android'" not in passes  # the iPadOS pass returned everything


def test_when_graph_refuses_a_filter_one_unfiltered_listing_is_read():
    devices = [phone(1), phone(2, "iPadOS"), phone(3, "Android"), phone(4, "Windows")]
    apps = [app("sig", "7.85"), app("teams", "6.2", name="Teams")]
    with fake_with(devices, apps, {"sig": ["dev-001"], "teams": ["dev-002"]}, reject_filter=True) as fake:
        results = pull(fake)[0]
        device_queries = [r.query for r in fake.graph_requests(DEVICES)]
        app_queries = [r.query for r in fake.graph_requests(APPS)]
    assert [r["id"] for dummy, r, dummy2 in results] == ["dev-001", "dev-002", "dev-003"]
    assert by_id(results)["dev-001"]["signal"]["installed"] is True
    assert by_id(results)["dev-002"]["signal"]["installed"] is False
    assert len(device_queries) == 2 and "$filter" in device_queries[0] and "$filter" not in device_queries[1]
    assert "$select" in device_queries[1]
    assert len(app_queries) == 2 and "$filter" not in app_queries[1]


def test_requests_do_not_grow_with_the_number_of_devices():
    counts = []
    for size in (5, 120):
        devices = [phone(n, "Android" if n % 2 else "iOS") for n in range(size)]
        apps = [app("sig-ios", "7.85"), app("sig-and", "7.80.1", "androidWorkProfile")]
        app_devices = {"sig-ios": [d["id"] for d in devices if d["operatingSystem"] == "iOS"],
                       "sig-and": [d["id"] for d in devices if d["operatingSystem"] == "Android"]}
        configs = [ios_general("c1", "iOS", 3), android_owner("c2", "Android")]
        with fake_with(devices, apps, app_devices, configs, {"c1": assigned(ALL_DEVICES), "c2": assigned(ALL_DEVICES)},
                       page_size=1000) as fake:
            results, stats = pull(fake)[:2]
        assert len(results) == size and all(r["signal"]["installed"] for dummy, r, dummy2 in results)
        counts.append(stats.requests)
    assert counts[0] == counts[1]


def test_a_next_link_to_another_host_is_not_followed():
    with IntuneFake.from_export(EXAMPLE) as fake:
        elsewhere = "http://127.0.0.2:9/v1.0/deviceManagement/detectedApps?$skiptoken=x"
        fake.fail_next(APPS, (200, {"value": [], "@odata.nextLink": elsewhere}))
        with pytest.raises(MdmHttpError) as caught:
            pull(fake)
    assert "another host" in str(caught.value)


def test_a_next_link_that_repeats_stops_the_pull():
    with IntuneFake.from_export(EXAMPLE) as fake:
        loop = fake.url + DEVICES + "?$skiptoken=again"
        fake.fail_next(DEVICES, (200, {"value": [], "@odata.nextLink": loop}), (200, {"value": [], "@odata.nextLink": loop}))
        with pytest.raises(MdmHttpError) as caught:
            pull(fake)
    assert "already followed" in str(caught.value)


# --------------------------------------------------------------------------- throttling and broken answers


def test_429_without_retry_after_backs_off_with_jitter():
    sleep = Recorder()
    with IntuneFake.from_export(EXAMPLE) as fake:
        fake.fail_next(CONFIGS, (429, graph_error("TooManyRequests", "Too many requests.")),
                       (429, graph_error("TooManyRequests", "Too many requests.")))
        results = pull(fake, sleep=sleep)[0]
    assert len(results) == 8 and len(sleep.waits) == 2
    assert 0 <= sleep.waits[0] <= 0.01 and 0 <= sleep.waits[1] <= 0.02


def test_a_500_then_success():
    with IntuneFake.from_export(EXAMPLE) as fake:
        fake.fail_next(APPS, (500, graph_error("InternalServerError", "An internal server error occurred.")))
        results, stats = pull(fake)[:2]
    assert len(results) == 8 and stats.retries == 1


def test_an_html_page_from_a_proxy_is_reported_as_such():
    page = "<html><head><title>Access denied</title></head><body>Blocked by the web proxy</body></html>"
    with IntuneFake.from_export(EXAMPLE) as fake:
        fake.fail_next(APPS, (200, page, {"Content-Type": "text/html; charset=utf-8"}))
        with pytest.raises(MdmHttpError) as caught:
            pull(fake)
    assert "HTML page" in str(caught.value) and "Blocked by the web proxy" in str(caught.value)


def test_a_truncated_body_is_retried_then_fails_when_it_stays_truncated():
    body = json.dumps({"value": []})

    def cut():
        return 200, body, {"X-Fake-Content-Length": str(len(body) + 500)}
    with IntuneFake.from_export(EXAMPLE) as fake:
        fake.fail_next(CONFIGS, cut())
        results, stats = pull(fake)[:2]
    assert len(results) == 8 and stats.retries == 1
    with IntuneFake.from_export(EXAMPLE) as fake:
        fake.fail_next(CONFIGS, *[cut() for dummy in range(4)])
        with pytest.raises(MdmHttpError) as caught:
            pull(fake)
    assert "failed after 3 retries" in str(caught.value)


# --------------------------------------------------------------------------- device fields

def test_devices_with_missing_fields_or_wrong_types_are_kept_with_their_errors_named():
    devices = [
        {"id": "bare", "operatingSystem": "iOS"},
        phone(2, osVersion=17, isSupervised="yes", lastSyncDateTime="yesterday", managedDeviceOwnerType="corporate-ish",
              deviceName=["a", "list"], serialNumber="X" * 200),
        phone(3, lastSyncDateTime="0001-01-01T00:00:00Z", userPrincipalName="", emailAddress=None),
        phone(4, "Android", lastSyncDateTime="2026-11-25T08:00:00.1234567Z"),
        {"deviceName": "no id", "operatingSystem": "iOS"},
        {"id": "os-missing", "deviceName": "unknown os"},
        "not an object",
    ]
    with fake_with(devices, ignore_filter=True) as fake:
        results = pull(fake)[0]
    labels = [entry[0] for entry in results]
    assert len(results) == 7
    records = by_id(results)
    bare = records["bare"]
    assert bare["name"] is None and bare["ownership"] is None and "ownership" in bare["unknown_reasons"]
    assert bare["signal"]["visible"] is None and bare["errors"] == {}
    broken = records["dev-002"]
    assert set(broken["errors"]) == {"os_version", "supervised", "last_checkin", "ownership", "name", "serial"}
    assert "managedDevices.osVersion" in broken["errors"]["os_version"]
    assert broken["os_version"] is None and broken["supervised"] is None and broken["ownership"] is None
    yielded = dict(next(entry[2] for entry in results if entry[0] == "managedDevices id dev-002"))
    assert set(yielded) == set(broken["errors"])
    assert check_record(broken, "x", "intune")[1] == []
    never = records["dev-003"]
    assert never["last_checkin"] is None and "no completed sync" in never["unknown_reasons"]["last_checkin"]
    assert never["owner"] == {"upn": None, "name": "User 3", "email": None}
    assert records["dev-004"]["last_checkin"] == "2026-11-25T08:00:00.1234567Z"
    unusable = [(label, errors) for label, record, errors in results if record is None]
    assert len(unusable) == 3
    assert any("deviceName no id" in label and errors[0][0] == "id" for label, errors in unusable)
    assert any(label == "managedDevices id os-missing" and errors[0][0] == "platform" for label, errors in unusable)
    assert "managedDevices item" in labels


# --------------------------------------------------------------------------- Signal

def test_signal_visibility_follows_ownership():
    devices = [phone(1), phone(2, owner="personal", supervised=False), phone(3, owner="personal", supervised=False),
               phone(4, owner="unknown"), phone(5, "Android"), phone(6, "Android", owner="personal")]
    apps = [app("sig", "7.85"), app("sig-and", "7.80.1", "androidWorkProfile")]
    with fake_with(devices, apps, {"sig": ["dev-003"], "sig-and": ["dev-006"]}) as fake:
        records = by_id(pull(fake)[0])
    assert records["dev-001"]["signal"] == {"visible": True, "installed": False, "version": None, "install_source": None}
    personal = records["dev-002"]
    assert personal["signal"]["visible"] is False and personal["signal"]["installed"] is None
    assert "personal devices" in personal["unknown_reasons"]["signal.installed"]
    assert records["dev-003"]["signal"]["installed"] is True and records["dev-003"]["signal"]["version"] == "7.85"
    assert records["dev-004"]["signal"]["visible"] is None and "signal.installed" in records["dev-004"]["unknown_reasons"]
    assert records["dev-005"]["signal"]["installed"] is False
    assert records["dev-006"]["signal"]["installed"] is True and records["dev-006"]["signal"]["version"] == "7.80.1"
    for record in records.values():
        assert record["signal"]["install_source"] is None
        assert "signal.install_source" in record["unknown_reasons"]


def test_signal_desktop_and_other_apps_are_not_followed_and_both_names_are_asked():
    devices = [phone(1), phone(2)]
    apps = [app("desk", "7.79.0", "windows"), app("mac", "7.79.0", "macOS"), app("teams", "6.2", name="Teams"),
            app("renamed", "7.84", name="Signal - Private Messenger"), app("noplat", "7.85", None)]
    with fake_with(devices, apps, {"desk": ["dev-001"], "mac": ["dev-001"], "teams": ["dev-001"],
                                   "renamed": ["dev-001"], "noplat": ["dev-002"]}, ignore_filter=False) as fake:
        records = by_id(pull(fake)[0])
        followed = [r.path.split("/")[4] for r in fake.graph_requests() if r.path.endswith("/managedDevices")
                    and r.path.startswith(APPS + "/")]
        filters = [r.query["$filter"] for r in fake.graph_requests(APPS)]
    assert sorted(followed) == ["noplat", "renamed"]
    assert filters == ["displayName eq 'Signal'", "displayName eq 'Signal - Private Messenger'"]
    assert records["dev-001"]["signal"]["version"] == "7.84"
    assert records["dev-002"]["signal"]["version"] == "7.85"


def test_a_malformed_or_doubled_signal_version_is_not_guessed():
    devices = [phone(1), phone(2), phone(3)]
    apps = [app("a", "7.85 (1234)"), app("b", "7.84"), app("c", "7.85"), app("d", None)]
    with fake_with(devices, apps, {"a": ["dev-001"], "b": ["dev-002"], "c": ["dev-002"], "d": ["dev-003"]}) as fake:
        results = pull(fake)[0]
    records = by_id(results)
    assert records["dev-001"]["signal"]["installed"] is True and records["dev-001"]["signal"]["version"] is None
    assert "detectedApps.version" in records["dev-001"]["errors"]["signal.version"]
    assert check_record(records["dev-001"], "x", "intune")[1] == []
    assert records["dev-002"]["signal"]["version"] is None
    assert "7.84, 7.85" in records["dev-002"]["unknown_reasons"]["signal.version"]
    assert "without a version" in records["dev-003"]["unknown_reasons"]["signal.version"]


def test_a_signal_entry_without_an_id_makes_absence_an_error_not_a_fact():
    devices = [phone(1), phone(2)]
    apps = [{"displayName": "Signal", "version": "7.85", "platform": "ios"}, app("ok", "7.84")]
    with fake_with(devices, apps, {"ok": ["dev-002"]}) as fake:
        records = by_id(pull(fake)[0])
    assert records["dev-001"]["signal"]["installed"] is None
    assert "detectedApps.id" in records["dev-001"]["errors"]["signal.installed"]
    assert records["dev-002"]["signal"]["installed"] is True


# --------------------------------------------------------------------------- profiles

def test_profile_values_are_attributed_only_where_the_profile_is_known_to_apply():
    devices = [phone(1), phone(2, userPrincipalName=None, userDisplayName=None, emailAddress=None)]

    def run(configs, assignments):
        with fake_with(devices, configs=configs, assignments=assignments) as fake:
            return by_id(pull(fake)[0])

    base = ios_general("base", "iOS baseline", 4)
    records = run([base], {"base": assigned(ALL_DEVICES)})
    assert records["dev-001"]["screen_lock"]["max_inactivity_minutes"] == 4
    assert "passcodeMinutesOfInactivityBeforeScreenTimeout" in records["dev-001"]["raw_fields"]["screen_lock.max_inactivity_minutes"]
    # a group profile that sets another value might apply: unknown, and it is named
    records = run([base, ios_general("kiosk", "Kiosk iPads", 15)], {"base": assigned(ALL_DEVICES), "kiosk": assigned(group("g1"))})
    reason = records["dev-001"]["unknown_reasons"]["screen_lock.max_inactivity_minutes"]
    assert records["dev-001"]["screen_lock"]["max_inactivity_minutes"] is None and "'Kiosk iPads'" in reason
    # a group profile with the same value, or one that does not set it, changes nothing
    records = run([base, ios_general("same", "Same", 4), ios_general("other", "Camera", None)],
                  {"base": assigned(ALL_DEVICES), "same": assigned(group("g1")), "other": assigned(group("g2"))})
    assert records["dev-001"]["screen_lock"]["max_inactivity_minutes"] == 4
    # exclusions and assignment filters make a tenant-wide profile uncertain
    filtered = dict(ALL_DEVICES, deviceAndAppManagementAssignmentFilterId="f-1",
                    deviceAndAppManagementAssignmentFilterType="include")
    for targets in ((ALL_DEVICES, group("g1", exclude=True)), (filtered,)):
        records = run([base], {"base": assigned(*targets)})
        assert records["dev-001"]["screen_lock"]["max_inactivity_minutes"] is None
    # two profiles known to apply that disagree are a conflict
    records = run([base, ios_general("strict", "Strict", 1)], {"base": assigned(ALL_DEVICES), "strict": assigned(ALL_DEVICES)})
    assert "differently" in records["dev-001"]["unknown_reasons"]["screen_lock.max_inactivity_minutes"]
    # All users reaches devices with a primary user only; an unassigned profile counts for nothing
    records = run([ios_general("users", "Users", 3), ios_general("draft", "Draft", 30)], {"users": assigned(ALL_USERS)})
    assert records["dev-001"]["screen_lock"]["max_inactivity_minutes"] == 3
    assert records["dev-002"]["screen_lock"]["max_inactivity_minutes"] is None
    assert "sets the auto-lock" in records["dev-002"]["unknown_reasons"]["screen_lock.max_inactivity_minutes"]
    # nothing assigned at all
    records = run([], {})
    assert "no iOS device restrictions" in records["dev-001"]["unknown_reasons"]["screen_lock.max_inactivity_minutes"]


def test_ios_auto_lock_adds_the_grace_period_and_refuses_ambiguous_or_malformed_minutes():
    devices = [phone(1)]

    def run(profile):
        with fake_with(devices, configs=[profile], assignments={profile["id"]: assigned(ALL_DEVICES)}) as fake:
            return by_id(pull(fake)[0])["dev-001"]

    assert run(ios_general("p", "P", 2, grace=5))["screen_lock"]["max_inactivity_minutes"] == 7
    assert run(ios_general("p", "P", 2, grace=0))["screen_lock"]["max_inactivity_minutes"] == 2
    assert run(ios_general("p", "P", 5, required=False))["screen_lock"]["max_inactivity_minutes"] is None
    zero = run(ios_general("p", "P", 0))
    assert zero["screen_lock"]["max_inactivity_minutes"] is None
    assert "Immediately" in zero["unknown_reasons"]["screen_lock.max_inactivity_minutes"]
    bad = run(ios_general("p", "P", "five"))
    assert bad["screen_lock"]["max_inactivity_minutes"] is None
    assert "passcodeMinutesOfInactivityBeforeScreenTimeout" in bad["errors"]["screen_lock.max_inactivity_minutes"]
    assert check_record(bad, "x", "intune")[1] == []


def test_ios_notification_settings_for_signal_on_supervised_devices_only():
    devices = [phone(1), phone(2, supervised=False), phone(3, supervised=None)]

    def run(**entry):
        profile = ios_features("f", "Signal notifications", **entry)
        with fake_with(devices, configs=[profile], assignments={"f": assigned(ALL_DEVICES)}) as fake:
            return by_id(pull(fake)[0])

    for entry, hides in (({"enabled": False}, True), ({"showOnLockScreen": False}, True),
                         ({"previewVisibility": "neverShow"}, True), ({"previewVisibility": "hideWhenLocked"}, True),
                         ({"previewVisibility": "alwaysShow"}, False), ({}, False)):
        records = run(**entry)
        notes = records["dev-001"]["lockscreen_notifications"]
        assert notes["hides_content"] is hides, entry
        assert "Signal notifications" in notes["enforced_by"]
    records = run(showOnLockScreen="no")
    assert "showOnLockScreen" in records["dev-001"]["errors"]["lockscreen_notifications.hides_content"]
    assert "not supervised" in records["dev-002"]["unknown_reasons"]["lockscreen_notifications.hides_content"]
    assert "not known" in records["dev-003"]["unknown_reasons"]["lockscreen_notifications.hides_content"]
    # lockScreenBlockNotificationView alone is not read as hiding content
    with fake_with(devices, configs=[ios_general("g", "G", 2)], assignments={"g": assigned(ALL_DEVICES)}) as fake:
        record = by_id(pull(fake)[0])["dev-001"]
    assert record["lockscreen_notifications"]["hides_content"] is None


@pytest.mark.parametrize("graph_value, normalized", [("userChoice", "user_choice"), ("never", "never"),
                                                     ("wiFiOnly", "wifi_only"), ("always", "always")])
def test_android_device_owner_auto_update_policy(graph_value, normalized):
    profile = android_owner("a", "Android", appsAutoUpdatePolicy=graph_value)
    with fake_with([phone(1, "Android")], configs=[profile], assignments={"a": assigned(ALL_DEVICES)}) as fake:
        record = by_id(pull(fake)[0])["dev-001"]
    assert record["app_auto_update_policy"] == normalized
    assert record["raw_fields"]["app_auto_update_policy"].endswith(".appsAutoUpdatePolicy")


def test_android_device_owner_profiles_apply_to_company_owned_devices_only():
    devices = [phone(1, "Android"), phone(2, "Android", owner="personal"), phone(3, "Android", owner="unknown")]
    profiles = [android_owner("a", "Android", passwordBlockKeyguardFeatures=["camera", "trustAgents"],
                              passwordMinutesOfInactivityBeforeScreenTimeout=10, appsAutoUpdatePolicy="sometimes")]
    with fake_with(devices, configs=profiles, assignments={"a": assigned(ALL_DEVICES)}) as fake:
        records = by_id(pull(fake)[0])
    corporate = records["dev-001"]
    assert corporate["screen_lock"]["max_inactivity_minutes"] == 10
    assert corporate["lockscreen_notifications"]["hides_content"] is False
    assert "camera, trustAgents" in corporate["lockscreen_notifications"]["enforced_by"]
    assert corporate["app_auto_update_policy"] is None
    assert "appsAutoUpdatePolicy" in corporate["errors"]["app_auto_update_policy"]
    for device_id, words in (("dev-002", "personal"), ("dev-003", "company-owned")):
        reasons = records[device_id]["unknown_reasons"]
        for path in ("screen_lock.max_inactivity_minutes", "lockscreen_notifications.hides_content",
                     "app_auto_update_policy"):
            assert words in reasons[path]
    with fake_with(devices[:1]) as fake:
        record = by_id(pull(fake)[0])["dev-001"]
    assert "no Android device owner" in record["unknown_reasons"]["app_auto_update_policy"]


def test_what_intune_cannot_show_is_null_with_a_reason():
    with IntuneFake.from_export(EXAMPLE) as fake:
        results = pull(fake)[0]
    for dummy, record, dummy2 in results:
        reasons = record["unknown_reasons"]
        assert record["screen_lock"]["passcode_present"] is None and "passcode" in reasons["screen_lock.passcode_present"]
        assert record["screen_lock"]["passcode_compliant"] is None and "screen_lock.passcode_compliant" in reasons
        assert record["last_boot"] is None and "last_boot" in reasons
        if record["platform"] == "ios":
            assert record["app_auto_update_policy"] is None and "App Store" in reasons["app_auto_update_policy"]


# --------------------------------------------------------------------------- secrets

def test_secrets_and_tokens_never_appear_in_errors_or_records():
    secret = 'cs~Q8+pl/us=eq&amp"quo\\te'
    with IntuneFake.from_export(EXAMPLE, client_secret=secret) as fake:
        results, dummy, client = pull(fake, client_secret=secret)
        token = fake.issued[0]
        dumped = json.dumps([[label, record, errors] for label, record, errors in results])
        assert secret not in dumped and token not in dumped and "Bearer" not in dumped
        # a proxy that echoes the token request back, and Graph echoing the bearer token
        fake.expire_tokens()
        fake.fail_next("/%s/oauth2/v2.0/token" % fake.tenant_id,
                       (400, aad_error("invalid_request", 900144, "echo: client_secret=%s" % secret)))
        with pytest.raises(MdmHttpError) as caught:
            client.token_provider.token(force=True)
        assert "AADSTS900144" in str(caught.value) and secret not in str(caught.value)
        fake.fail_next(CONFIGS, lambda request: (400, graph_error("BadRequest", "bad header %s"
                                                                  % request.headers["Authorization"])))
        with pytest.raises(MdmHttpError) as caught:
            pull(fake, client_secret=secret)
        assert "bad header Bearer ********" in str(caught.value)
        assert not any(t in str(caught.value) for t in fake.issued) and secret not in str(caught.value)
    with IntuneFake.from_export(EXAMPLE) as fake:
        with pytest.raises(MdmHttpError) as caught:
            pull(fake, client_secret=secret)
    assert secret not in str(caught.value) and "AADSTS7000215" in str(caught.value)


def test_the_publisher_tells_signal_from_another_app_of_the_same_name():
    devices = [phone(1), phone(2), phone(3)]
    apps = [dict(app("real", "7.85"), publisher="Signal Messenger, LLC"),
            dict(app("other", "2.0"), publisher="Traffic Lights Ltd"),
            app("unsaid", "7.84")]
    with fake_with(devices, apps, {"real": ["dev-001"], "other": ["dev-002"], "unsaid": ["dev-003"]},
                   ignore_filter=False) as fake:
        records = by_id(pull(fake)[0])
        followed = [r.path.split("/")[4] for r in fake.graph_requests() if r.path.endswith("/managedDevices")
                    and r.path.startswith(APPS + "/")]
        selected = [r.query["$select"] for r in fake.graph_requests(APPS)]
    assert sorted(followed) == ["real", "unsaid"]  # the other publisher's "Signal" is not Signal
    assert all("publisher" in s.split(",") for s in selected)
    assert "publisher Signal Messenger, LLC" in records["dev-001"]["raw_fields"]["signal.installed"]
    assert "display name and publisher" in records["dev-001"]["raw_fields"]["signal.installed"]
    assert records["dev-002"]["signal"]["installed"] is False  # corporate, and no Signal of Signal's listed
    assert "brittle" in records["dev-003"]["raw_fields"]["signal.installed"]  # no publisher: the name alone
