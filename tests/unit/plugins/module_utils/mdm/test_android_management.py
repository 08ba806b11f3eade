# -*- coding: utf-8 -*-
"""The Android Management API source against a fake Google API and token endpoint on 127.0.0.1.

The service-account key is generated here (no key file is committed); the fake token endpoint checks the
assertion's signature with its public key. Nothing is mocked but time: waits go through HttpPolicy(sleep=...).
"""

from __future__ import annotations

import base64
import json

import pytest

from ansible_collections.hardening.signal.plugins.module_utils.mdm import android_management as am
from ansible_collections.hardening.signal.plugins.module_utils.mdm.http import REDACTED, HttpPolicy, MdmHttpError, Stats
from ansible_collections.hardening.signal.plugins.module_utils.schema_validation import problems
from tests.fakes.android_management_api import (
    ENTERPRISE,
    JWT_BEARER,
    SCOPE,
    FakeAndroidManagement,
    ServiceAccount,
    apply_fields,
    google_error,
    load_example,
    parse_fields,
    password_requirement,
    with_fields,
    work_profile,
)

E = "enterprises/%s" % ENTERPRISE
POLICY = E + "/policies/p1"
CARLA = E + "/devices/3f2a9c1d5e7b4a60"
DMITRI = E + "/devices/8c41e07a92d3b5f1"
AIKO = E + "/devices/b7d05e3c1a9f2864"
LENA = E + "/devices/e19a6b2d70c4f358"
OMAR = E + "/devices/5a0c7f3e8b21d946"
KIOSK = E + "/devices/0d9e4b6a3c58f172"
# Signal's two published signing certificates (SHA-256, base64), as the API reports them.
SIGNAL_CERT_2023 = "S+T2zVvoRAg+kAJ53IIq9lpUf+zCarp/8fUgOkVRjNg="
SIGNAL_CERT_LEGACY = "KfNOXyfyEbQkvFv51nFiwOr7oto1rzXBZBb8RGJ2uiY="


@pytest.fixture(scope="module")
def account():
    return ServiceAccount()


@pytest.fixture
def api(account):
    with FakeAndroidManagement(account) as fake:
        yield fake


@pytest.fixture
def key_file(api, account, tmp_path):
    return account.write(tmp_path, api.token_url)


def make_options(api, key_file, **extra):
    options = {"name": "amapi", "type": am.TYPE, "api_url": api.url, "token_url": am.DEFAULT_TOKEN_URL,
               "tenant_id": None, "client_id": None, "client_secret": None, "username": None, "password": None,
               "enterprise_id": ENTERPRISE, "service_account_file": key_file, "tenant_code": None, "page_size": None}
    options.update(extra)
    return options


class Waits(list):
    def __call__(self, seconds):
        self.append(seconds)


def fast_policy(**extra):
    settings = {"backoff_base": 0.01, "sleep": Waits(), "timeout": 5.0}
    settings.update(extra)
    return HttpPolicy(**settings)


def pull(api, key_file, policy=None, **extra):
    options = make_options(api, key_file, **extra)
    client = am.connect(options, policy or fast_policy(), Stats())
    return client, list(am.iter_records(client, options))


def by_id(results):
    return {record["id"]: record for _label, record, _errors in results if record}


def device(name="x1", policy=POLICY, **fields):
    """A fully managed company phone with Signal from Play, overridable field by field."""
    base = {"name": "%s/devices/%s" % (E, name), "managementMode": "DEVICE_OWNER", "ownership": "COMPANY_OWNED",
            "policyCompliant": True, "appliedPolicyName": policy, "lastStatusReportTime": "2026-11-25T08:00:00Z",
            "hardwareInfo": {"model": "Pixel 9", "serialNumber": "SN1"}, "softwareInfo": {"androidVersion": "16"},
            "deviceSettings": {"isDeviceSecure": True}, "user": {"accountIdentifier": "ana@example.org"},
            "applicationReports": [{"packageName": am.SIGNAL_PACKAGE, "versionName": "7.80.2", "state": "INSTALLED",
                                    "installerPackageName": "com.android.vending",
                                    "applicationSource": "INSTALLED_FROM_PLAY_STORE"}],
            "powerManagementEvents": [{"eventType": "BOOT_COMPLETED", "createTime": "2026-11-25T06:00:00Z"}]}
    return with_fields(base, fields)


def policy(**fields):
    base = {"name": POLICY, "version": "1", "keyguardDisabledFeatures": ["UNREDACTED_NOTIFICATIONS"],
            "maximumTimeToLock": "300000", "appAutoUpdatePolicy": "WIFI_ONLY",
            "passwordPolicies": [{"passwordQuality": "NUMERIC_COMPLEX", "passwordMinimumLength": 6}],
            "statusReportingSettings": {"applicationReportsEnabled": True, "powerManagementEventsEnabled": True}}
    return with_fields(base, fields)


@pytest.fixture
def custom(account, tmp_path):
    """A fake serving given devices and policies: custom(devices, policies) -> (api, key_file)."""
    servers = []

    def start(devices, policies=None):
        fake = FakeAndroidManagement(account, devices=devices, policies=policies or {POLICY: policy()})
        fake.__enter__()
        servers.append(fake)
        return fake, account.write(tmp_path, fake.token_url)
    yield start
    for fake in servers:
        fake.__exit__(None, None, None)


def one(custom, dev, pol=None, **extra):
    fake, key = custom([dev], {POLICY: pol if pol is not None else policy()})
    _client, results = pull(fake, key, **extra)
    assert len(results) == 1
    return results[0]


# ---------------------------------------------------------------------------------------------------------------------
# The bundled sample, end to end


def test_sample_export_normalizes_every_device_truthfully(api, key_file):
    client, results = pull(api, key_file)
    records = by_id(results)
    assert list(records) == [CARLA, DMITRI, AIKO, LENA, OMAR, KIOSK]
    for label, record, errors in results:
        assert label == "devices name %s" % record["id"]
        assert problems("mobile_device.schema.json", record) == []
        assert errors == [] and record["errors"] == {}
        assert record["platform"] == "android"

    carla = records[CARLA]
    assert carla["os_version"] == "16" and carla["model"] == "Pixel 9" and carla["serial"] == "4B281FDAQ00921"
    # user.accountIdentifier is an id the EMM made: kept as such, never taken for a person without a mapping
    assert carla["owner"] == {"account_id": "carla.nunes@example.org", "upn": None, "name": None, "email": None}
    assert "no owner mapping" in carla["unknown_reasons"]["owner.upn"]
    assert carla["ownership"] == "corporate" and carla["last_checkin"] == "2026-11-25T07:55:12.318Z"
    assert carla["signal"] == {"visible": True, "installed": True, "version": "7.80.2", "install_source": "play_store",
                               "installer": "com.android.vending", "application_source": "INSTALLED_FROM_PLAY_STORE",
                               "signing_certs": [SIGNAL_CERT_2023]}
    assert carla["raw_fields"]["signal.install_source"] == "applicationReports[2].installerPackageName com.android.vending"
    assert carla["app_auto_update_policy"] == "always"
    assert "autoUpdateMode AUTO_UPDATE_HIGH_PRIORITY" in carla["raw_fields"]["app_auto_update_policy"]
    # What the MDM says about the passcode, as reported: the control judges it (sh-3.7-mobile-passcode).
    assert carla["screen_lock"] == {"passcode_present": True, "max_inactivity_minutes": 5, "password_requirements": [
        {"quality": "NUMERIC_COMPLEX", "scope": "SCOPE_DEVICE", "min_length": 6}]}
    assert carla["raw_fields"]["screen_lock.password_requirements"] == "appliedPasswordPolicies"
    assert carla["policy_compliance"] == {"compliant": True, "password_noncompliance": [], "noncompliance_count": 0}
    assert carla["work_profile"] is False and carla["raw_fields"]["work_profile"] == "managementMode DEVICE_OWNER"
    assert carla["lockscreen_notifications"] == {"hides_content": True,
                                                 "enforced_by": "keyguardDisabledFeatures UNREDACTED_NOTIFICATIONS"}
    assert carla["last_boot"] == "2026-11-25T06:30:02.877Z"  # the newer of two boots, not the later list entry
    assert carla["raw_fields"]["last_boot"] == "powerManagementEvents[2].createTime (BOOT_COMPLETED)"

    dmitri = records[DMITRI]
    assert dmitri["signal"]["install_source"] == "sideload" and dmitri["signal"]["version"] == "7.71.0"
    assert "com.google.android.packageinstaller" in dmitri["raw_fields"]["signal.install_source"]
    assert dmitri["screen_lock"]["passcode_present"] is False
    assert dmitri["policy_compliance"] == {"compliant": False, "noncompliance_count": 1, "password_noncompliance": [
        {"setting": "passwordPolicies", "reason": "USER_ACTION",
         "specific_reason": "PASSWORD_POLICIES_PASSWORD_NOT_SUFFICIENT"}]}
    assert dmitri["raw_fields"]["policy_compliance.password_noncompliance"] == "nonComplianceDetails[0]"
    assert dmitri["last_boot"] == "2026-11-19T08:12:44Z"
    assert "the device last applied version 6" in dmitri["raw_fields"]["screen_lock.max_inactivity_minutes"]

    aiko = records[AIKO]
    assert aiko["signal"]["visible"] is True and aiko["signal"]["installed"] is False
    assert aiko["app_auto_update_policy"] == "user_choice"
    assert aiko["lockscreen_notifications"]["hides_content"] is False
    assert aiko["screen_lock"]["max_inactivity_minutes"] == 0
    assert "no restriction" in aiko["raw_fields"]["screen_lock.max_inactivity_minutes"]
    assert aiko["screen_lock"]["password_requirements"] == []  # the policy sets none
    assert aiko["raw_fields"]["screen_lock.password_requirements"].endswith(".passwordPolicies (none set)")
    assert aiko["last_boot"] is None and "powerManagementEventsEnabled" in aiko["unknown_reasons"]["last_boot"]

    lena = records[LENA]  # personal phone with a work profile: Signal may be on the personal side
    assert lena["ownership"] == "personal"
    assert lena["signal"]["visible"] is False and lena["signal"]["installed"] is None
    assert "personal side" in lena["unknown_reasons"]["signal.installed"]
    for path in ("lockscreen_notifications.hides_content", "screen_lock.max_inactivity_minutes", "app_auto_update_policy"):
        assert "work profile" in lena["unknown_reasons"][path]
    assert lena["lockscreen_notifications"] == {"hides_content": None, "enforced_by": None}
    assert lena["work_profile"] is True  # SCOPE_PROFILE: the work challenge, not the phone's
    assert lena["screen_lock"]["password_requirements"] == [{"quality": "COMPLEXITY_MEDIUM", "scope": "SCOPE_PROFILE"}]

    omar = records[OMAR]  # company phone with a work profile that holds Signal: the policy covers it
    assert omar["work_profile"] is True and omar["signal"]["installed"] is True  # Signal in the work profile
    assert {k: omar["signal"][k] for k in ("visible", "installed", "version", "install_source")} == {
        "visible": True, "installed": True, "version": "7.79.1", "install_source": "play_store"}
    assert omar["lockscreen_notifications"]["enforced_by"] == "keyguardDisabledFeatures NOTIFICATIONS"
    assert omar["screen_lock"]["max_inactivity_minutes"] == 10
    assert omar["app_auto_update_policy"] == "always"  # AUTO_UPDATE_DEFAULT defers to appAutoUpdatePolicy ALWAYS
    assert "appAutoUpdatePolicy ALWAYS" in omar["raw_fields"]["app_auto_update_policy"]

    kiosk = records[KIOSK]
    assert kiosk["signal"]["visible"] is False
    assert "applicationReportsEnabled" in kiosk["unknown_reasons"]["signal.installed"]
    assert kiosk["os_version"] is None and "softwareInfoEnabled" in kiosk["unknown_reasons"]["os_version"]
    assert kiosk["screen_lock"]["passcode_present"] is None
    assert kiosk["screen_lock"]["max_inactivity_minutes"] == 0
    assert kiosk["owner"]["account_id"] == "lobby-kiosk-01" and kiosk["owner"]["upn"] is None
    assert client.stats.pages == 1


def test_pulled_through_the_mdm_driver(api, key_file):
    from ansible_collections.hardening.signal.plugins.module_utils.mdm.sources import pull_source
    spec = {"name": "android", "type": am.TYPE, "api_url": api.url, "enterprise_id": ENTERPRISE,
            "service_account_file": key_file, "owners": {"lena.schmidt@example.org": "lena.schmidt@example.org"}}
    subjects, errors, status = pull_source(spec, environ={})
    assert status["status"] == "complete" and errors == [] and len(subjects) == 6
    assert {s["state"] for s in subjects} == {"ok"} and {s["platform"] for s in subjects} == {"android"}
    assert next(s for s in subjects if s["id"] == LENA)["owner"] == "lena.schmidt@example.org"


def test_policies_are_read_once_each_across_pages(api, key_file):
    client, results = pull(api, key_file, page_size=2)
    assert len(results) == 6 and client.stats.pages == 3
    policy_paths = [r.path for r in api.api_requests if "/policies/" in r.path]
    assert sorted(policy_paths) == sorted(set(policy_paths)) and len(policy_paths) == 4


# ---------------------------------------------------------------------------------------------------------------------
# Paging, token, headers


def test_paging_follows_next_page_token_to_the_end(custom):
    devices = [device("d%03d" % n) for n in range(7)]
    fake, key = custom(devices)
    client, results = pull(fake, key, page_size=3)
    assert [r["id"] for _l, r, _e in results] == [d["name"] for d in devices]
    pages = [r for r in fake.api_requests if r.path.endswith("/devices")]
    assert len(pages) == 3 and client.stats.pages == 3
    assert [p.query["pageSize"] for p in pages] == ["3", "3", "3"]
    assert "pageToken" not in pages[0].query
    assert pages[1].query["pageToken"] and pages[2].query["pageToken"] != pages[1].query["pageToken"]
    assert pages[0].path == "/v1/enterprises/%s/devices" % ENTERPRISE
    assert pages[0].query["fields"] == am.DEVICE_FIELDS


def test_fields_mask_asks_for_everything_read_and_drops_the_rest(api, key_file):
    mask = parse_fields(am.DEVICE_FIELDS)
    assert set(mask) == {"nextPageToken", "devices"}
    masked = by_id(pull(api, key_file)[1])
    api.honour_fields = False  # the whole device resources this time
    assert by_id(pull(api, key_file)[1]) == masked  # the mask loses nothing the normalizer reads
    body = apply_fields({"devices": api.devices, "extra": 1}, mask)
    assert set(body) == {"devices"}
    assert all("softwareInfo" not in d or set(d["softwareInfo"]) <= {"androidVersion"} for d in body["devices"])
    assert all("enrollmentTime" not in d and "networkInfo" not in d for d in body["devices"])


def test_page_size_defaults_to_and_is_capped_at_100(api, key_file):
    pull(api, key_file)
    pull(api, key_file, page_size=500)
    sizes = [r.query["pageSize"] for r in api.api_requests if r.path.endswith("/devices")]
    assert sizes == ["100", "100"]


def test_enterprise_given_as_resource_name(api, key_file):
    _client, results = pull(api, key_file, enterprise_id="enterprises/" + ENTERPRISE)
    assert len(results) == 6


def test_token_request_is_a_signed_jwt_bearer_grant_and_calls_carry_it(api, key_file, account):
    client, _results = pull(api, key_file, page_size=2)
    assert len(api.token_requests) == 1  # one token for the whole pull
    request = api.token_requests[0]
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    form = request.form()
    assert set(form) == {"grant_type", "assertion"} and form["grant_type"] == JWT_BEARER
    header, claims, _sig = form["assertion"].split(".")
    claims = json.loads(base64.urlsafe_b64decode(claims + "=" * (-len(claims) % 4)))
    header = json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))
    assert header == {"alg": "RS256", "typ": "JWT"}
    assert claims["iss"] == account.email and claims["scope"] == SCOPE == am.SCOPE
    assert claims["aud"] == api.token_url  # the key's token_uri, as the option was left at the default
    assert claims["exp"] - claims["iat"] == 3600
    token = api.issued[0]
    assert api.api_requests and all(r.headers["Authorization"] == "Bearer " + token for r in api.api_requests)
    assert client.stats.requests == 1 + 3 + 4  # token, three pages, four policies


def test_explicit_token_url_wins_over_the_keys_token_uri(api, account, tmp_path):
    key = account.write(tmp_path, "https://oauth2.googleapis.com/token")
    _client, results = pull(api, key, token_url=api.token_url)
    assert len(results) == 6 and len(api.token_requests) == 1


def test_token_url_choice():
    info = {"token_uri": "https://oauth2.example.org/token"}
    assert am.token_url_for({"token_url": am.DEFAULT_TOKEN_URL}, info) == "https://oauth2.example.org/token"
    assert am.token_url_for({"token_url": "https://proxy.example.org/t"}, info) == "https://proxy.example.org/t"
    assert am.token_url_for({"token_url": am.DEFAULT_TOKEN_URL}, {}) == am.DEFAULT_TOKEN_URL
    assert am.token_url_for({"token_url": None}, {}) == am.DEFAULT_TOKEN_URL


def test_rejected_assertion_fails_with_googles_reason(api, account, tmp_path):
    other = ServiceAccount(email="someone-else@example.iam.gserviceaccount.com")
    key = other.write(tmp_path, api.token_url)
    with pytest.raises(MdmHttpError) as caught:
        pull(api, key)
    assert caught.value.status == 400 and "Invalid issuer" in str(caught.value)


# ---------------------------------------------------------------------------------------------------------------------
# Failures and retries


UNAUTHENTICATED = (401, google_error(401, "Request had invalid authentication credentials."))


def test_expired_token_is_refreshed_once_then_the_pull_goes_on(api, key_file):
    api.inject("devices", UNAUTHENTICATED)
    client, results = pull(api, key_file, page_size=2)
    assert len(results) == 6 and len(api.token_requests) == 2
    later = api.api_requests[1:]
    assert all(r.headers["Authorization"] == "Bearer " + api.issued[1] for r in later)
    assert client.stats.pages == 3


def test_a_second_401_fails_the_pull(api, key_file):
    api.inject("devices", UNAUTHENTICATED, UNAUTHENTICATED)
    with pytest.raises(MdmHttpError) as caught:
        pull(api, key_file)
    assert caught.value.status == 401 and "UNAUTHENTICATED" in str(caught.value)


def test_429_resource_exhausted_without_retry_after_backs_off(api, key_file):
    policy_ = fast_policy()
    quota = google_error(429, "Quota exceeded for quota metric 'Queries'.")
    api.inject("devices", (429, quota), (429, quota))
    api.inject("policy", (429, quota))
    client, results = pull(api, key_file, policy=policy_)
    assert len(results) == 6 and client.stats.retries == 3
    assert len(policy_.sleep) == 3 and all(0 <= s <= 0.04 for s in policy_.sleep)


def test_html_502_from_a_proxy_is_retried_then_fails(api, key_file):
    page = "<html><body><h1>502 Bad Gateway</h1></body></html>"
    api.inject("devices", *[(502, page, {"Content-Type": "text/html"}) for _n in range(2)])
    with pytest.raises(MdmHttpError) as caught:
        pull(api, key_file, policy=fast_policy(max_retries=1))
    assert caught.value.status == 502 and "Bad Gateway" in str(caught.value)


def test_truncated_body_for_good_fails(api, key_file):
    # One headers dict per answer: the fake server pops X-Fake-Content-Length from the dict it sends.
    api.inject("devices", *[(200, '{"devices": [', {"X-Fake-Content-Length": "4000"}) for _n in range(2)])
    with pytest.raises(MdmHttpError) as caught:
        pull(api, key_file, policy=fast_policy(max_retries=1))
    assert "failed after 1 retries" in str(caught.value)


def test_a_page_token_that_repeats_fails_instead_of_looping(api, key_file):
    api.inject("devices", (200, {"devices": [device("a")], "nextPageToken": "same"}), (200, {"nextPageToken": "same"}),
               (200, {"nextPageToken": "same"}))
    with pytest.raises(MdmHttpError) as caught:
        pull(api, key_file)
    assert "loops" in str(caught.value)


@pytest.mark.parametrize("body, words", [
    ([], "not a list-devices object"),
    ({"devices": {"name": "x"}}, "not a list"),
    ({"devices": [], "nextPageToken": 7}, "nextPageToken"),
])
def test_wrong_page_shapes_fail(api, key_file, body, words):
    api.inject("devices", (200, body))
    with pytest.raises(MdmHttpError) as caught:
        pull(api, key_file)
    assert words in str(caught.value)


def test_empty_enterprise_yields_nothing(custom):
    fake, key = custom([])
    client, results = pull(fake, key)
    assert results == [] and client.stats.pages == 1


def test_missing_policy_leaves_its_values_unknown_and_the_pull_goes_on(custom):
    gone = E + "/policies/deleted"
    fake, key = custom([device("a", policy=gone), device("b")])
    _client, results = pull(fake, key)
    records = by_id(results)
    a = records[E + "/devices/a"]
    for path in ("lockscreen_notifications.hides_content", "screen_lock.max_inactivity_minutes", "app_auto_update_policy"):
        assert "HTTP 404" in a["unknown_reasons"][path]
    assert a["lockscreen_notifications"]["hides_content"] is None
    assert a["signal"]["installed"] is True  # the device's own reports still count
    assert records[E + "/devices/b"]["screen_lock"]["max_inactivity_minutes"] == 5


def test_policy_request_failing_for_good_fails_the_pull(custom):
    fake, key = custom([device("a")])
    fake.inject("policy", *[(500, google_error(500, "Internal error encountered."))] * 2)
    with pytest.raises(MdmHttpError) as caught:
        pull(fake, key, policy=fast_policy(max_retries=1))
    assert caught.value.status == 500 and "/policies/p1" in str(caught.value)


# ---------------------------------------------------------------------------------------------------------------------
# Mapping rules


@pytest.mark.parametrize("value, minutes", [
    ("0", 0), ("60000", 1), ("300000", 5), ("300001", 6), ("330000", 6), (90000, 2), (None, 0),
])
def test_maximum_time_to_lock_in_whole_minutes_rounded_up(custom, value, minutes):
    _label, record, errors = one(custom, device(), policy(maximumTimeToLock=value))
    assert record["screen_lock"]["max_inactivity_minutes"] == minutes and errors == []


@pytest.mark.parametrize("value", ["-5", "five minutes", "300s", True, [300000]])
def test_malformed_maximum_time_to_lock_is_an_error(custom, value):
    _label, record, errors = one(custom, device(), policy(maximumTimeToLock=value))
    assert "max_inactivity_minutes" not in record["screen_lock"]
    assert "maximumTimeToLock" in record["errors"]["screen_lock.max_inactivity_minutes"]
    assert [f for f, _m in errors] == ["screen_lock.max_inactivity_minutes"]


@pytest.mark.parametrize("features, hides, by", [
    (["NOTIFICATIONS"], True, "keyguardDisabledFeatures NOTIFICATIONS"),
    (["CAMERA", "UNREDACTED_NOTIFICATIONS"], True, "keyguardDisabledFeatures UNREDACTED_NOTIFICATIONS"),
    (["ALL_FEATURES"], True, "keyguardDisabledFeatures ALL_FEATURES"),
    (["CAMERA", "TRUST_AGENTS"], False, None),
    (None, False, None),
])
def test_keyguard_features(custom, features, hides, by):
    _label, record, _errors = one(custom, device(), policy(keyguardDisabledFeatures=features))
    assert record["lockscreen_notifications"] == {"hides_content": hides, "enforced_by": by}


@pytest.mark.parametrize("mode, app_policy, expected", [
    ("AUTO_UPDATE_HIGH_PRIORITY", "NEVER", "always"),
    ("AUTO_UPDATE_POSTPONED", "ALWAYS", "never"),
    ("AUTO_UPDATE_DEFAULT", "WIFI_ONLY", "wifi_only"),
    (None, "ALWAYS", "always"),
    (None, "CHOICE_TO_THE_USER", "user_choice"),
    (None, "NEVER", "never"),
    (None, None, "user_choice"),
    ("AUTO_UPDATE_SOMETIME_LATER", "ALWAYS", "unknown"),
])
def test_auto_update_from_signals_mode_then_the_policy(custom, mode, app_policy, expected):
    apps = [{"packageName": "com.example.other", "autoUpdateMode": "AUTO_UPDATE_HIGH_PRIORITY"}]
    if mode is not None:
        apps.append({"packageName": am.SIGNAL_PACKAGE, "autoUpdateMode": mode})
    _label, record, _errors = one(custom, device(), policy(applications=apps, appAutoUpdatePolicy=app_policy))
    assert record["app_auto_update_policy"] == expected
    if expected == "unknown":
        assert "AUTO_UPDATE_SOMETIME_LATER" in record["unknown_reasons"]["app_auto_update_policy"]


@pytest.mark.parametrize("installer, source, expected, decided_by", [
    ("com.android.vending", None, "play_store", "installerPackageName"),
    (None, "INSTALLED_FROM_PLAY_STORE", "play_store", "applicationSource"),
    ("org.fdroid.fdroid", None, "sideload", "installerPackageName org.fdroid.fdroid"),
    (None, "APPLICATION_SOURCE_UNSPECIFIED", "sideload", "applicationSource"),
    (None, "SYSTEM_APP_FACTORY_VERSION", "unknown", "applicationSource"),
    (None, None, "unknown", "applicationReports[0]"),
])
def test_install_source_names_the_deciding_field(custom, installer, source, expected, decided_by):
    report = {"packageName": am.SIGNAL_PACKAGE, "versionName": "7.80.2", "state": "INSTALLED"}
    if installer:
        report["installerPackageName"] = installer
    if source:
        report["applicationSource"] = source
    _label, record, _errors = one(custom, device(applicationReports=[report]))
    assert record["signal"]["install_source"] == expected
    assert decided_by in record["raw_fields"]["signal.install_source"]
    if expected == "unknown":
        assert record["unknown_reasons"]["signal.install_source"]


def test_signal_removed_on_a_fully_managed_phone_is_not_installed(custom):
    reports = [{"packageName": am.SIGNAL_PACKAGE, "versionName": "7.60.0", "state": "REMOVED"},
               {"packageName": "com.example.notes", "state": "INSTALLED"}]
    _label, record, _errors = one(custom, device(applicationReports=reports))
    assert record["signal"]["visible"] is True and record["signal"]["installed"] is False
    assert "REMOVED" in record["raw_fields"]["signal.installed"]


def test_unknown_management_mode_hides_the_verdict_on_apps(custom):
    reports = [{"packageName": "com.example.notes", "state": "INSTALLED"}]
    _label, record, _errors = one(custom, device(managementMode=None, applicationReports=reports))
    assert record["signal"]["visible"] is False
    assert "management mode" in record["unknown_reasons"]["signal.installed"]
    assert record["lockscreen_notifications"]["hides_content"] is None


@pytest.mark.parametrize("fields, compliant, password, count", [
    ({}, True, [], 0),
    ({"policyCompliant": False, "nonComplianceDetails": [{"settingName": "passwordPolicies",
                                                          "nonComplianceReason": "USER_ACTION"}]},
     False, [{"setting": "passwordPolicies", "reason": "USER_ACTION", "specific_reason": None}], 1),
    ({"policyCompliant": False, "nonComplianceDetails": [{"settingName": "cameraDisabled",
                                                          "nonComplianceReason": "API_LEVEL"}]}, False, [], 1),
    ({"policyCompliant": False, "nonComplianceDetails": [{"settingName": "passwordPolicies",
                                                          "nonComplianceReason": "PENDING"}]},
     False, [{"setting": "passwordPolicies", "reason": "PENDING", "specific_reason": None}], 1),
    ({"policyCompliant": False, "nonComplianceDetails": [{"fieldPath": "passwordRequirements.passwordMinimumLength",
                                                          "nonComplianceReason": "MANAGEMENT_MODE"}]},
     False, [{"setting": "passwordRequirements.passwordMinimumLength", "reason": "MANAGEMENT_MODE",
              "specific_reason": None}], 1),
    # A reason left out is the API's default value.
    ({"nonComplianceDetails": [{"settingName": "passwordPolicies"}, {"settingName": "cameraDisabled"}]},
     True, [{"setting": "passwordPolicies", "reason": "NON_COMPLIANCE_REASON_UNSPECIFIED", "specific_reason": None}], 2),
    ({"policyCompliant": None}, None, [], 0),
])
def test_the_non_compliance_report_is_kept_with_the_entries_about_passwords(custom, fields, compliant, password, count):
    """The client reports what the device said; whether that makes the passcode compliant is the control's call
    (tests/unit/controls/test_passcode_through_clients.py judges these same devices)."""
    _label, record, _errors = one(custom, device(**fields))
    assert record["policy_compliance"] == {"compliant": compliant, "password_noncompliance": password,
                                           "noncompliance_count": count}
    assert "passcode_compliant" not in record["screen_lock"]  # no verdict made in the client
    if compliant is None:
        assert "policyCompliant" in record["unknown_reasons"]["policy_compliance.compliant"]


def test_password_requirements_come_from_the_device_else_the_policy(custom):
    _label, record, _errors = one(custom, device(), policy(passwordPolicies=None))
    assert record["screen_lock"]["password_requirements"] == []
    applied = [{"passwordQuality": "ALPHANUMERIC", "passwordScope": "SCOPE_DEVICE"}]
    _label, record, _errors = one(custom, device(appliedPasswordPolicies=applied), policy(passwordPolicies=None))
    assert record["screen_lock"]["password_requirements"] == [{"quality": "ALPHANUMERIC", "scope": "SCOPE_DEVICE"}]
    assert record["raw_fields"]["screen_lock.password_requirements"] == "appliedPasswordPolicies"
    legacy = {"passwordQuality": "NUMERIC", "passwordMinimumLength": 4}
    _label, record, _errors = one(custom, device(), policy(passwordPolicies=None, passwordRequirements=legacy))
    assert record["screen_lock"]["password_requirements"] == [
        {"quality": "NUMERIC", "scope": "SCOPE_UNSPECIFIED", "min_length": 4}]
    assert record["raw_fields"]["screen_lock.password_requirements"].endswith(".passwordRequirements")


@pytest.mark.parametrize("scope", ["SCOPE_DEVICE", "SCOPE_PROFILE", None])
def test_a_work_profile_and_the_scope_of_its_requirements_are_reported(custom, scope):
    personal = device(**work_profile())
    _label, record, _errors = one(custom, personal, policy(passwordPolicies=[password_requirement(scope)]))
    assert record["work_profile"] is True and record["raw_fields"]["work_profile"] == "managementMode PROFILE_OWNER"
    assert record["screen_lock"]["password_requirements"] == [
        {"quality": "NUMERIC_COMPLEX", "scope": scope or "SCOPE_UNSPECIFIED"}]
    assert record["signal"]["visible"] is False


def test_work_profile_from_the_ownership_or_unknown_without_a_mode(custom):
    _label, record, _errors = one(custom, device(managementMode=None, ownership="PERSONALLY_OWNED"))
    assert record["work_profile"] is True and "PERSONALLY_OWNED" in record["raw_fields"]["work_profile"]
    _label, record, _errors = one(custom, device(managementMode=None))
    assert record["work_profile"] is None and "no management mode" in record["unknown_reasons"]["work_profile"]


@pytest.mark.parametrize("fields, path, words", [
    ({"nonComplianceDetails": ["junk"]}, "policy_compliance.password_noncompliance", "nonComplianceDetails[0]"),
    ({"nonComplianceDetails": [{"settingName": "passwordPolicies", "nonComplianceReason": 3}]},
     "policy_compliance.password_noncompliance", "nonComplianceReason"),
    ({"nonComplianceDetails": [{"settingName": ["passwordPolicies"]}]}, "policy_compliance.noncompliance_count",
     "settingName"),
    ({"appliedPasswordPolicies": [{"passwordQuality": "weak"}]}, "screen_lock.password_requirements", "passwordQuality"),
    ({"appliedPasswordPolicies": ["NUMERIC"]}, "screen_lock.password_requirements", "appliedPasswordPolicies[0]"),
    ({"appliedPasswordPolicies": [{"passwordQuality": "NUMERIC", "passwordMinimumLength": "6"}]},
     "screen_lock.password_requirements", "passwordMinimumLength"),
])
def test_malformed_passcode_observations_are_errors_naming_the_vendor_field(custom, fields, path, words):
    _label, record, errors = one(custom, device(**fields))
    assert words in record["errors"][path] and path in dict(errors)
    assert problems("mobile_device.schema.json", record) == []


def test_boot_events_absent_or_without_a_boot(custom):
    _label, record, _errors = one(custom, device(powerManagementEvents=None))
    assert record["last_boot"] is None and "power management events" in record["unknown_reasons"]["last_boot"]
    events = [{"eventType": "BATTERY_LOW", "createTime": "2026-11-25T06:00:00Z"}]
    _label, record, _errors = one(custom, device(powerManagementEvents=events))
    assert record["last_boot"] is None and "BOOT_COMPLETED" in record["unknown_reasons"]["last_boot"]


# ---------------------------------------------------------------------------------------------------------------------
# Malformed devices: named, never dropped


def test_malformed_devices_are_named_and_kept(custom):
    bad_policy = E + "/policies/bad"
    devices = [
        device("ok"),
        "not an object",
        {"hardwareInfo": {"model": "no name"}},
        device("types", hardwareInfo="Pixel", softwareInfo={"androidVersion": 16}, ownership=3,
               deviceSettings={"isDeviceSecure": "yes"}, lastStatusReportTime="yesterday", policyCompliant="true",
               powerManagementEvents="none", user={"accountIdentifier": ["a"]}),
        device("version", applicationReports=[{"packageName": am.SIGNAL_PACKAGE, "versionName": "7.80.2-beta",
                                               "state": "INSTALLED", "installerPackageName": 5}, "junk"]),
        device("float", applicationReports=[{"packageName": am.SIGNAL_PACKAGE, "versionName": 7.8, "state": "INSTALLED"}]),
        device("policyname", policy="../../admin"),
        device("badpolicy", policy=bad_policy),
        device("mode", managementMode=["DEVICE_OWNER"]),
    ]
    policies = {POLICY: policy(), bad_policy: policy(name=bad_policy, keyguardDisabledFeatures="NOTIFICATIONS",
                                                     appAutoUpdatePolicy=1, maximumTimeToLock={"ms": 1})}
    fake, key = custom(devices, policies)
    _client, results = pull(fake, key)
    assert len(results) == len(devices)
    labels = [label for label, _r, _e in results]
    assert labels[1] == "devices page 1 item 2" and results[1][1] is None
    assert labels[2] == "devices page 1 item 3" and results[2][1] is None and results[2][2][0][0] == "id"
    records = by_id(results)

    types = records[E + "/devices/types"]
    assert set(types["errors"]) >= {"model", "serial", "os_version", "ownership", "screen_lock.passcode_present",
                                    "last_checkin", "policy_compliance.compliant", "last_boot", "owner.account_id"}
    assert "vendor field hardwareInfo: expected an object, got a string" == types["errors"]["model"]
    assert "softwareInfo.androidVersion" in types["errors"]["os_version"]
    for path in ("model", "serial", "os_version", "ownership", "last_checkin", "last_boot"):
        assert path not in types
    assert "passcode_present" not in types["screen_lock"]
    assert types["signal"]["installed"] is True  # the rest is still read

    version = records[E + "/devices/version"]
    assert "version" not in version["signal"] and "7.80.2-beta" in version["errors"]["signal.version"]
    assert "installerPackageName" in version["errors"]["signal.install_source"]
    assert "applicationReports[1]" in version["errors"]
    assert records[E + "/devices/float"]["errors"]["signal.version"].endswith("expected a string, got a number")

    named = records[E + "/devices/policyname"]
    assert "appliedPolicyName" in named["errors"]["app_auto_update_policy"]
    assert not [r for r in fake.api_requests if "admin" in r.path]  # never requested

    bad = records[E + "/devices/badpolicy"]
    for path in ("lockscreen_notifications.hides_content", "app_auto_update_policy", "screen_lock.max_inactivity_minutes"):
        assert bad_policy in bad["errors"][path]
    assert "managementMode" in records[E + "/devices/mode"]["errors"]["work_profile"]

    for _label, record, errors in results:
        if record is None:
            assert errors
            continue
        assert {f for f, _m in errors} == set(record["errors"])
        assert problems("mobile_device.schema.json", record) == []


# ---------------------------------------------------------------------------------------------------------------------
# Options and secrets


@pytest.mark.parametrize("change, words", [
    ({"enterprise_id": ""}, "option enterprise_id is required"),
    ({"enterprise_id": "LC03/../x"}, "option enterprise_id"),
    ({"service_account_file": ""}, "option service_account_file is required"),
    ({"service_account_file": "/nonexistent/key.json"}, "/nonexistent/key.json cannot be read"),
    ({"page_size": 0}, "option page_size"),
    ({"api_url": "http://androidmanagement.example.org"}, "option api_url"),
])
def test_bad_options_fail_naming_the_option(api, key_file, change, words):
    with pytest.raises(MdmHttpError) as caught:
        am.connect(make_options(api, key_file, **change), fast_policy(), Stats())
    assert words in str(caught.value)
    assert api.token_requests == [] and api.api_requests == []


@pytest.mark.parametrize("changes, words", [
    ({"client_email": None}, "has no client_email"),
    ({"private_key": ""}, "has no private_key"),
    ({"type": "authorized_user"}, "not a service_account key"),
    ({"private_key": "-----BEGIN PRIVATE KEY-----\nTUlJQ2VBSUJBREFOQmdrcWhraUc5dzBCQVFFRkFBU0NBbUl3Z2dKZUFnRUFBb0dC\n"
                     "-----END PRIVATE KEY-----\n"}, "not a readable PEM key"),
    ({"token_uri": "http://oauth2.example.org/token"}, "token_uri of service_account_file"),
])
def test_bad_key_files_fail_without_echoing_the_key(api, account, tmp_path, changes, words):
    path = account.write(tmp_path, api.token_url, changes)
    with pytest.raises(MdmHttpError) as caught:
        am.connect(make_options(api, path), fast_policy(), Stats())
    text = str(caught.value)
    assert words in text
    assert "TUlJQ2VBSUJBREFOQmdrcWhraUc5dzBCQVFFRkFBU0NBbUl3Z2dKZUFnRUFBb0dC" not in text
    assert "BEGIN PRIVATE KEY" not in text


def test_not_json_key_file_does_not_quote_it(api, account, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"private_key": "%s", oops' % account.pem.replace("\n", "\\n"))
    with pytest.raises(MdmHttpError) as caught:
        am.connect(make_options(api, str(path)), fast_policy(), Stats())
    assert "is not a JSON service-account key" in str(caught.value) and "PRIVATE" not in str(caught.value)


def _echo_assertion(request):
    return 400, {"error": "invalid_grant", "error_description": "bad assertion %s" % request.form()["assertion"]}


def _echo_token_and_key(pem):
    def answer(request):
        message = "credentials %s key %s" % (request.headers.get("Authorization"), pem)
        return 500, {"error": {"code": 500, "message": message, "status": "INTERNAL"}}
    return answer


def test_secrets_never_appear_in_errors_or_records(api, key_file, account):
    collected = []
    api.inject("token", _echo_assertion)  # a token endpoint that echoes the signed assertion
    with pytest.raises(MdmHttpError) as caught:
        pull(api, key_file)
    collected.append(str(caught.value))
    assert caught.value.status == 400 and "invalid_grant" in collected[0]

    _client, results = pull(api, key_file, page_size=2)
    collected.append(json.dumps(results))

    api.inject("devices", _echo_token_and_key(account.pem), _echo_token_and_key(account.pem))  # an API echoing both
    with pytest.raises(MdmHttpError) as caught:
        pull(api, key_file, policy=fast_policy(max_retries=1))
    collected.append(str(caught.value))
    collected.append(repr(caught.value.url))
    assert "credentials Bearer " + REDACTED in collected[2]

    secret_values = [account.pem] + am._pem_lines(account.pem) + list(api.issued)
    secret_values += [r.form()["assertion"] for r in api.token_requests]
    secret_values += [r.form()["assertion"].split(".")[2] for r in api.token_requests]  # the signature alone
    assert len(api.issued) == 2 and len(secret_values) > 20
    for text in collected:
        for secret in secret_values:
            assert secret not in text


def test_example_files_are_the_shapes_the_api_returns():
    devices, policies = load_example()
    assert len(devices) == 6 and len(policies) == 4
    for record in devices:
        assert record["name"].startswith(E + "/devices/")
        assert record["appliedPolicyName"] in policies
    text = json.dumps([devices, policies])
    assert "@example.org" in text and "PRIVATE KEY" not in text


# ---------------------------------------------------------------------------------------------------------------------
# What the client reports about Signal's origin: observations, never a verdict


def test_signal_reports_its_signing_certificates_installer_and_source_as_observed(custom):
    report = {"packageName": am.SIGNAL_PACKAGE, "versionName": "7.80.2", "state": "INSTALLED",
              "installerPackageName": "com.google.android.packageinstaller",
              "signingKeyCerts": [{"signingKeyCertFingerprintSha256": SIGNAL_CERT_2023},
                                  {"signingKeyCertFingerprintSha256": "KfNOXyfyEbQkvFv51nFiwOr7oto1rzXBZBb8RGJ2uiY"}]}
    label, record, errors = one(custom, device(applicationReports=[report]))
    assert errors == []
    signal = record["signal"]
    assert signal["signing_certs"] == [SIGNAL_CERT_2023, SIGNAL_CERT_LEGACY]  # padded again
    assert signal["installer"] == "com.google.android.packageinstaller"
    # no applicationSource: the API leaves out its default value; that is not taken for a sideload
    assert signal["application_source"] is None
    assert "leaves out" in record["unknown_reasons"]["signal.application_source"]
    assert record["raw_fields"]["signal.signing_certs"].endswith(".signingKeyCerts[].signingKeyCertFingerprintSha256")


def test_the_fields_mask_asks_for_the_signing_certificates():
    mask = parse_fields(am.DEVICE_FIELDS)
    assert mask["devices"]["applicationReports"]["signingKeyCerts"] == {"signingKeyCertFingerprintSha256": None}
    assert "state" in mask["devices"]


def test_url_safe_base64_certificates_are_read_in_the_standard_alphabet(custom):
    report = {"packageName": am.SIGNAL_PACKAGE, "versionName": "7.80.2", "state": "INSTALLED",
              "signingKeyCerts": [{"signingKeyCertFingerprintSha256": "S-T2zVvoRAg-kAJ53IIq9lpUf-zCarp_8fUgOkVRjNg="}]}
    _label, record, _errors = one(custom, device(applicationReports=[report]))
    assert record["signal"]["signing_certs"] == [SIGNAL_CERT_2023]


@pytest.mark.parametrize("certs, words", [
    (None, "no signing certificate"),
    ([], "no signing certificate"),
])
def test_no_certificate_reported_is_unknown_with_the_reason(custom, certs, words):
    report = {"packageName": am.SIGNAL_PACKAGE, "versionName": "7.80.2", "state": "INSTALLED"}
    if certs is not None:
        report["signingKeyCerts"] = certs
    _label, record, _errors = one(custom, device(applicationReports=[report]))
    assert record["signal"]["signing_certs"] is None and words in record["unknown_reasons"]["signal.signing_certs"]


@pytest.mark.parametrize("certs", ["abc", [{"signingKeyCertFingerprintSha256": "not base64!"}], [5]])
def test_a_malformed_certificate_is_an_error_naming_the_field(custom, certs):
    report = {"packageName": am.SIGNAL_PACKAGE, "versionName": "7.80.2", "state": "INSTALLED", "signingKeyCerts": certs}
    _label, record, errors = one(custom, device(applicationReports=[report]))
    assert "signingKeyCerts" in record["errors"]["signal.signing_certs"]
    assert "signal.signing_certs" in dict(errors)
    assert record["signal"].get("signing_certs") is None


@pytest.mark.parametrize("state", ["LOST", "DISABLED", "PROVISIONING", "DELETED", "PREPARING_FOR_MIGRATION",
                                   "DEACTIVATED_BY_DEVICE_FINANCE"])
def test_a_device_not_in_use_is_not_judged_and_is_counted_with_its_state(custom, state):
    fake, key = custom([device("in-use", state="ACTIVE"), device("out", state=state), device("no-state")])
    client, results = pull(fake, key)
    assert [r["id"] for _l, r, _e in results] == [E + "/devices/in-use", E + "/devices/no-state"]
    [(why, count)] = client.stats.skipped.items()
    assert count == 1 and "state %s" % state in why and why.startswith("not in use")


def test_a_device_not_in_use_is_named_in_the_sources_detail(custom):
    from ansible_collections.hardening.signal.plugins.module_utils.mdm.sources import pull_source
    fake, key = custom([device("a"), device("b", state="LOST"), device("c", state="LOST")])
    spec = {"name": "android", "type": am.TYPE, "api_url": fake.url, "enterprise_id": ENTERPRISE,
            "service_account_file": key}
    subjects, _errors, status = pull_source(spec, environ={})
    assert len(subjects) == 1 and status["status"] == "complete"
    assert "not judged: 2 not in use (state LOST" in status["detail"]


def test_owners_come_from_the_organisations_mapping_only(custom, tmp_path):
    mapping = tmp_path / "owners.yml"
    mapping.write_text("ana@example.org: ana.lopez@example.org\nemm-user-7: bob@example.org\n")
    fake, key = custom([device("a"), device("b", user={"accountIdentifier": "emm-user-7"}),
                        device("c", user={"accountIdentifier": "emm-user-8"})])
    _client, results = pull(fake, key, owners_file=str(mapping), owners={"emm-user-7": "robert@example.org"})
    records = by_id(results)
    assert records[E + "/devices/a"]["owner"]["upn"] == "ana.lopez@example.org"
    assert records[E + "/devices/b"]["owner"]["upn"] == "robert@example.org"  # the inline mapping wins
    c = records[E + "/devices/c"]
    assert c["owner"]["upn"] is None and c["owner"]["account_id"] == "emm-user-8"
    assert "emm-user-8 is not in the source's owner mapping" in c["unknown_reasons"]["owner.upn"]
    assert "owner mapping" in records[E + "/devices/a"]["raw_fields"]["owner.upn"]


@pytest.mark.parametrize("content, words", [("- a\n- b\n", "expected an object"), ("a: [1]\n", "must name a person"),
                                            ("a: [\n", "cannot be read")])
def test_a_bad_owner_mapping_fails_the_source_naming_the_option(custom, tmp_path, content, words):
    mapping = tmp_path / "owners.yml"
    mapping.write_text(content)
    fake, key = custom([device("a")])
    options = make_options(fake, key, owners_file=str(mapping))
    client = am.connect(options, fast_policy(), Stats())
    with pytest.raises(MdmHttpError) as caught:
        list(am.iter_records(client, options))
    assert "owners_file" in str(caught.value) and words in str(caught.value)
