# -*- coding: utf-8 -*-
"""One contract, every vendor: each client (mdm/contract.py's Vendor) goes through the same cases against its fake
on 127.0.0.1: paging, a 401 that a new token cures, 429 with and without Retry-After, a malformed page, and a record
that is not a phone. What differs between vendors (their records, paths and fakes) is in the adapters below; what
each client must do is written once, in the tests."""

from __future__ import annotations

import contextlib

import pytest

from ansible_collections.hardening.signal.plugins.module_utils.mdm import (
    android_management,
    intune,
    jamf,
    workspace_one,
)
from ansible_collections.hardening.signal.plugins.module_utils.mdm.contract import Pulled, Vendor
from ansible_collections.hardening.signal.plugins.module_utils.mdm.http import MdmHttpError
from ansible_collections.hardening.signal.plugins.module_utils.mdm.records import check_record
from tests.fakes.android_management_api import ENTERPRISE, FakeAndroidManagement, ServiceAccount
from tests.fakes.intune_api import IntuneFake
from tests.fakes.jamf_api import DETAIL, JamfFake
from tests.fakes.jamf_api import make_device as jamf_device
from tests.fakes import pulled
from tests.fakes.sleep import policy
from tests.fakes.workspace_one_api import SEARCH, TOKEN_PATH, WorkspaceOneFake, make_apps
from tests.fakes.workspace_one_api import make_device as workspace_one_device


class JamfAdapter(object):
    module = jamf
    type = "jamf"
    list_path = DETAIL
    token_path = "/api/oauth/token"
    later_passes = 0  # walks of the device list after the first (Intune: one per system)
    signal_installed = True  # the fake's phones have Signal in their app lists
    # pages of the device list without the vendor's paging fields, and what the error says of each
    broken_pages = (({"totalCount": 1}, "without a results list"),
                    ({"results": []}, "without a usable totalCount"),
                    ({"totalCount": "3", "results": []}, "without a usable totalCount"),
                    ([], "instead of an object"))

    def __init__(self, tmp_path):
        self.fake = None

    @contextlib.contextmanager
    def serve(self, numbers, not_phones=()):
        devices = [jamf_device(n) for n in numbers]
        for number in not_phones:
            device = jamf_device(number)
            device["deviceType"] = "tvOS"
            devices.append(device)
        self.fake = JamfFake(devices, client_id="jamf-client", client_secret="jamf-Secret~1")
        with self.fake.serve() as server:
            self.server, self.url = server, server.url
            yield self

    def options(self, page_size=None):
        return {"name": "contract", "api_url": self.url, "client_id": "jamf-client", "client_secret": "jamf-Secret~1",
                "page_size": page_size}

    def inject(self, *answers):
        self.fake.inject(self.list_path, *answers)

    def record_id(self, number):
        return str(number)

    @staticmethod
    def page(numbers, page, page_size, total):
        """One page of the device list as the vendor sends it, holding these devices."""
        return 200, {"totalCount": total, "results": [jamf_device(n) for n in numbers]}


class WorkspaceOneAdapter(JamfAdapter):
    module = workspace_one
    type = "workspace_one"
    list_path = SEARCH
    token_path = TOKEN_PATH
    broken_pages = (({"Total": 1}, "without a Devices list"),
                    ({"Devices": []}, "without a usable Total"),
                    ({"Devices": [], "Total": "1"}, "without a usable Total"),
                    ([], "instead of an object"))

    @contextlib.contextmanager
    def serve(self, numbers, not_phones=()):
        devices = [workspace_one_device(n) for n in numbers]
        devices += [workspace_one_device(n, platform="WinRT") for n in not_phones]
        apps = {n: make_apps() for n in numbers}
        self.fake = WorkspaceOneFake(devices, apps, "Tenant-Code", client_id="ws1-client", client_secret="ws1-Secret")
        with self.fake.serve() as server:
            self.server, self.url = server, server.url
            yield self

    def options(self, page_size=None):
        return {"name": "contract", "api_url": self.url, "token_url": self.url + TOKEN_PATH, "tenant_code": "Tenant-Code",
                "client_id": "ws1-client", "client_secret": "ws1-Secret", "page_size": page_size}

    @staticmethod
    def page(numbers, page, page_size, total):
        return 200, {"Devices": [workspace_one_device(n) for n in numbers], "Page": page, "PageSize": page_size,
                     "Total": total}


class IntuneAdapter(JamfAdapter):
    module = intune
    type = "intune"
    list_path = "/v1.0/deviceManagement/managedDevices"
    later_passes = len(intune.DEVICE_OS_PASSES) - 1  # one $filter pass per system, each a page of its own
    signal_installed = False  # no Signal among the detectedApps here: not installed
    broken_pages = (({"values": []}, "'value' list"),)

    @contextlib.contextmanager
    def serve(self, numbers, not_phones=()):
        devices = [self._device(n, "iOS") for n in numbers] + [self._device(n, "Windows") for n in not_phones]
        # Intune is known to ignore some filters: with every device in one pass, the computer comes along too.
        self.fake = IntuneFake(devices=devices, ignore_filter=bool(not_phones))
        self.token_path = "/%s/oauth2/v2.0/token" % self.fake.tenant_id
        with self.fake:
            self.server, self.url = self.fake, self.fake.url
            yield self

    @staticmethod
    def _device(number, system):
        return {"id": "dev-%03d" % number, "deviceName": "Phone %d" % number, "operatingSystem": system,
                "osVersion": "18.6.2", "managedDeviceOwnerType": "company", "isSupervised": True,
                "userPrincipalName": "user%d@example.org" % number, "lastSyncDateTime": "2026-11-25T08:00:00Z"}

    def options(self, page_size=None):
        return self.fake.options(page_size=page_size)

    def inject(self, *answers):
        self.fake.fail_next(self.list_path, *answers)

    def record_id(self, number):
        return "dev-%03d" % number


class AndroidManagementAdapter(JamfAdapter):
    module = android_management
    type = "android_management"
    list_path = "/v1/enterprises/%s/devices" % ENTERPRISE
    token_path = "/token"
    broken_pages = ()
    policy = "enterprises/%s/policies/p1" % ENTERPRISE

    def __init__(self, tmp_path):
        self.tmp_path = tmp_path
        self.account = ServiceAccount()

    @contextlib.contextmanager
    def serve(self, numbers, not_phones=()):
        devices = [self._device(n) for n in numbers] + [self._device(n, state="LOST") for n in not_phones]
        self.fake = FakeAndroidManagement(self.account, devices=devices,
                                          policies={self.policy: {"name": self.policy, "version": "1"}})
        with self.fake:
            self.server, self.url = self.fake, self.fake.url
            self.key_file = self.account.write(self.tmp_path, self.fake.token_url)
            yield self

    def _device(self, number, state="ACTIVE"):
        return {"name": "enterprises/%s/devices/d%03d" % (ENTERPRISE, number), "state": state,
                "managementMode": "DEVICE_OWNER", "ownership": "COMPANY_OWNED", "appliedPolicyName": self.policy,
                "applicationReports": [{"packageName": "org.thoughtcrime.securesms", "versionName": "7.80.2",
                                        "state": "INSTALLED"}]}

    def options(self, page_size=None):
        return {"name": "contract", "api_url": self.url, "enterprise_id": ENTERPRISE,
                "service_account_file": self.key_file, "page_size": page_size}

    def inject(self, *answers):
        self.fake.inject("devices", *answers)

    def record_id(self, number):
        return "enterprises/%s/devices/d%03d" % (ENTERPRISE, number)


ADAPTERS = {"jamf": JamfAdapter, "workspace_one": WorkspaceOneAdapter, "intune": IntuneAdapter,
            "android_management": AndroidManagementAdapter}


@pytest.fixture(params=sorted(ADAPTERS))
def vendor(request, tmp_path):
    return ADAPTERS[request.param](tmp_path)


@pytest.fixture(params=["jamf", "workspace_one"])
def offset_vendor(request, tmp_path):
    """The vendors whose device list is paged by page number (not by a cursor), where a device inserted during
    the walk pushes another one onto the next page."""
    return ADAPTERS[request.param](tmp_path)


def pull(vendor, sleep_policy=None, page_size=None):
    return pulled.pull(vendor.module, vendor.options(page_size=page_size), sleep_policy or policy())


def walk(vendor, page_size, between_pages):
    """Every item of a pull, with between_pages() called once the first page's items are read."""
    options = vendor.options(page_size=page_size)
    client = pulled.connect(vendor.module, options, policy())
    iterator = vendor.module.VENDOR.iter_records(client, options)
    items = [next(iterator) for dummy in range(page_size)]
    between_pages()
    items.extend(iterator)
    return client, items


def test_every_client_module_declares_its_vendor():
    for name, adapter in ADAPTERS.items():
        declared = adapter.module.VENDOR
        assert isinstance(declared, Vendor) and declared.type == name
        assert declared.connect is adapter.module.connect and declared.iter_records is adapter.module.iter_records


def test_paging_yields_every_phone_once_in_the_vendors_order(vendor):
    numbers = [1, 2, 3, 4, 5, 6, 7]
    with vendor.serve(numbers):
        client, items = pull(vendor, page_size=3)
    assert all(isinstance(item, Pulled) for item in items)
    assert [item.record["id"] for item in items] == [vendor.record_id(n) for n in numbers]
    assert client.stats.pages >= 3
    for item in items:
        assert item.errors == [] and check_record(item.record, item.label, "contract")[2] is None


def test_a_401_gets_one_new_token_and_the_pull_goes_on(vendor):
    with vendor.serve([1, 2]):
        vendor.inject((401, {"error": {"code": 401, "message": "token expired"}}))
        client, items = pull(vendor)
        issued = len(vendor.fake.issued)
    assert [item.record["id"] for item in items] == [vendor.record_id(1), vendor.record_id(2)]
    assert issued == 2


def test_429_with_retry_after_waits_that_long(vendor):
    sleeps = policy()
    with vendor.serve([1]):
        vendor.inject((429, {"error": {"code": 429, "message": "Too many requests"}}, {"Retry-After": "2"}))
        client, items = pull(vendor, sleeps)
    assert len(items) == 1 and sleeps.sleep.waits == [2.0] and client.stats.retries == 1


def test_429_without_retry_after_backs_off_with_jitter(vendor):
    sleeps = policy()
    throttled = (429, {"error": {"code": 429, "message": "RESOURCE_EXHAUSTED"}})
    with vendor.serve([1]):
        vendor.inject(throttled, throttled)
        client, items = pull(vendor, sleeps)
    assert len(items) == 1 and len(sleeps.sleep.waits) == 2 and client.stats.retries == 2
    assert 0 <= sleeps.sleep.waits[0] <= 0.01 and 0 <= sleeps.sleep.waits[1] <= 0.02


def test_a_malformed_page_fails_the_pull_naming_what_came(vendor):
    with vendor.serve([1]):
        vendor.inject((200, '{"truncated": [{"id": 1'))
        with pytest.raises(MdmHttpError) as caught:
            pull(vendor)
    assert "not valid JSON" in str(caught.value) and vendor.list_path in str(caught.value)


def test_a_record_that_is_not_a_phone_is_skipped_and_counted(vendor):
    with vendor.serve([1, 2], not_phones=[3]):
        client, items = pull(vendor)
    assert [item.record["id"] for item in items] == [vendor.record_id(1), vendor.record_id(2)]
    assert sum(client.stats.skipped.values()) == 1


def test_a_token_that_expires_between_two_pages_is_renewed_once_and_the_pull_goes_on(vendor):
    with vendor.serve([1, 2, 3, 4]):
        undisturbed = [item.record for item in pull(vendor, page_size=2)[1]]
    with vendor.serve([1, 2, 3, 4]):
        client, items = walk(vendor, 2, vendor.fake.expire_tokens)
        asked = [r.path for r in vendor.server.requests if r.path in (vendor.token_path, vendor.list_path)]
    assert [item.record["id"] for item in items] == [vendor.record_id(n) for n in (1, 2, 3, 4)]
    assert len(vendor.fake.issued) == 2
    # a token, the first page, the second page refused, a new token, the second page again
    assert asked == [vendor.token_path, vendor.list_path, vendor.list_path, vendor.token_path, vendor.list_path] + \
        [vendor.list_path] * vendor.later_passes
    assert [item.record for item in items] == undisturbed  # what is read after the renewal too (app lists)
    assert all(item.record["signal"]["installed"] is vendor.signal_installed for item in items)


def test_a_device_that_moves_across_a_page_boundary_is_handed_on_twice_and_judged_once(offset_vendor):
    vendor = offset_vendor
    with vendor.serve([1, 2, 3, 4]):
        # A device enrolled meanwhile sorts first: device 2 is pushed from page 0 onto page 1.
        client, items = walk(vendor, 2, lambda: vendor.inject(vendor.page([2, 3], 1, 2, 5), vendor.page([4], 2, 2, 5)))
    assert [item.record["id"] for item in items] == [vendor.record_id(n) for n in (1, 2, 2, 3, 4)]
    judged, named = pulled.judged_once(items, vendor.type)
    assert [s["id"] for s in judged] == [vendor.record_id(n) for n in (1, 2, 3, 4)]
    assert all(s["state"] == "ok" for s in judged)
    assert [e["field"] for e in named] == ["id", "id"] and "same values" in named[1]["message"]


def test_a_500_then_success(vendor):
    with vendor.serve([1]):
        vendor.inject((500, {"error": {"code": 500, "message": "An internal error"}}))
        client, items = pull(vendor)
    assert [item.record["id"] for item in items] == [vendor.record_id(1)] and client.stats.retries == 1


def test_a_503_beyond_the_retries_fails_the_pull_naming_the_status_and_the_request(vendor):
    with vendor.serve([1]):
        vendor.inject(*[(503, {"error": {"code": 503, "message": "Service Unavailable"}})] * 3)
        with pytest.raises(MdmHttpError) as caught:
            pull(vendor, policy(max_retries=2))
    assert caught.value.status == 503 and "after 2 retries" in str(caught.value)
    assert vendor.list_path in str(caught.value)


def test_an_html_error_page_from_a_proxy_fails_the_pull(vendor):
    page = "<html><head><title>502 Bad Gateway</title></head><body><h1>Blocked by the web proxy</h1></body></html>"
    with vendor.serve([1]):
        vendor.inject((200, page, {"Content-Type": "text/html; charset=utf-8"}))
        with pytest.raises(MdmHttpError) as caught:
            pull(vendor)
    assert "HTML page" in str(caught.value) and "Blocked by the web proxy" in str(caught.value)


def test_a_truncated_body_is_retried_and_fails_the_pull_when_it_stays_truncated(vendor):
    def truncated():  # the fake takes the declared length out of the headers: a new answer each time
        return 200, '{"value": [', {"X-Fake-Content-Length": "4000"}
    sleeps = policy()
    with vendor.serve([1]):
        vendor.inject(truncated())
        client, items = pull(vendor, sleeps)
        assert len(items) == 1 and len(sleeps.sleep.waits) == 1 and client.stats.retries == 1
        vendor.inject(*[truncated() for attempt in range(3)])
        with pytest.raises(MdmHttpError) as caught:
            pull(vendor, policy(max_retries=2))
    assert "failed after 2 retries" in str(caught.value)


@pytest.mark.parametrize("name, body, needle", [(name, body, needle) for name in sorted(ADAPTERS)
                                                for body, needle in ADAPTERS[name].broken_pages])
def test_a_page_without_the_paging_fields_fails_the_pull(name, body, needle, tmp_path):
    vendor = ADAPTERS[name](tmp_path)
    with vendor.serve([1]):
        vendor.inject((200, body))
        with pytest.raises(MdmHttpError) as caught:
            pull(vendor)
    assert needle in str(caught.value)
