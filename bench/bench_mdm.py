# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark the phone pull end to end: 50,000 phones from four MDM APIs through the playbook (``make bench``).

A child process generates (untimed) a deterministic fleet of 50,000 phones
and serves it on 127.0.0.1 with the vendor fakes of tests/fakes/:

  Microsoft Intune (Graph)     15,000 phones  iOS, iPadOS, Android   1,000 a page
  Jamf Pro                     15,000 phones  iOS (+150 Apple TVs)   500 a page
  Android Management API       15,000 phones  Android                100 a page
  Workspace ONE UEM             5,000 phones  iOS, Android (+100     500 a page, plus one app-list
                                              desktops)              request per phone

with compliant, failing, incomplete, stale, malformed and unusable records
in each. Then, each in a fresh process (the servers stay in their own):

  floor     a plain urllib loop over the same URLs as the clients (same page
            sizes, same auth headers; Workspace ONE's app lists on as many
            threads as the client's APP_WORKERS), JSON-parsing each page and
            dropping it, one source after the other; tokens are fetched
            before the clock starts
  playbook  ansible-playbook playbooks/harden_signal.yml --check with the four
            sources configured and an inventory without workstations, end to
            end: pulled, normalized, judged, summarized, reports written to a
            temporary folder. Started from a small wrapper process, whose
            getrusage(RUSAGE_CHILDREN).ru_maxrss after the run is the peak RSS
            of the largest process of the ansible-playbook tree

The fakes are slow to compute an answer (Jamf Pro sorts and deep-copies the
inventory for every page, Workspace ONE collects every device id for every
app list), so the first floor walk is a warm-up that meets them cold; after
it each server sends the answer it computed for a URL again, when the token
is valid (--cold: never). The written fleet-summary.json is read back (in
another child) to confirm 50,000 mobile subjects and every source complete;
the servers' request logs confirm the floor and the playbook asked for the
same URLs. Exits non-zero when the playbook misses the target: under 20 s
wall and under 1 GiB peak.
"""

from __future__ import annotations

import argparse
import base64
import collections
import datetime
import gc
import hashlib
import json
import os
import random
import resource
import select
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time

from bench_common import COLLECTIONS, ROOT, collection_on_path, maxrss_mib, pick, print_table, ratio, run_child_phase, work_folder

PLAYBOOK = os.path.join(ROOT, "playbooks", "harden_signal.yml")

SEED = 20261127
# Phones per source (what the summary must show), and records in the same tenants that are not phones.
SPLIT = collections.OrderedDict([("intune", 15000), ("jamf", 15000), ("android_management", 15000),
                                 ("workspace_one", 5000)])
NOT_PHONES = {"jamf": 150, "workspace_one": 100}
PHONES = sum(SPLIT.values())
# Page sizes the fakes serve: Graph's managedDevices page (the client sends no $top unless page_size is set), Jamf
# and Workspace ONE as the clients ask (500), the Android Management API's maximum (100).
INTUNE_PAGE = 1000
TARGET_SECONDS = 20.0
TARGET_MIB = 1024.0
NEWEST = {"desktop": "7.80.0", "ios": "7.85", "android": "7.80.2"}

SERVE_READY_SECONDS = 300.0     # generating the fleet and an RSA key
SERVE_MAX_SECONDS = 3600.0      # the servers stop on their own after this, whatever happens to the bench
FLOOR_TIMEOUT = 600.0
PLAYBOOK_TIMEOUT = 900.0
CHECK_TIMEOUT = 300.0
COMMAND_TIMEOUT = 60.0

TENANT_ID = "11111111-2222-4333-8444-555555555555"
ENTERPRISE = "LC03w1x2y3"
CREDENTIALS = {
    "intune": {"client_id": "bench-graph-app", "client_secret": "bench~graph.Secret_1"},
    "jamf": {"client_id": "bench-jamf-client", "client_secret": "bench-jamf-Secret-2"},
    "workspace_one": {"client_id": "bench-ws1-client", "client_secret": "bench-ws1-Secret-3", "tenant_code": "BenchTenantCode4"},
}


# ---- synthetic fleet (in the server process, not timed) ------------------------------------------------------------

def _ago(anchor, hours, fmt):
    return (anchor - datetime.timedelta(hours=hours)).strftime(fmt)


def _owner(index):
    return "person%05d@example.org" % index


def _app_pool(prefix, count, rng):
    """Other apps a phone carries: (identifier, name, version), shared by every device (sizes, not names, matter)."""
    known = [("com.microsoft.Office.Outlook", "Microsoft Outlook"), ("com.microsoft.skype.teams", "Microsoft Teams"),
             ("com.google.chrome", "Chrome"), ("com.duolingo", "Duolingo"), ("com.spotify.music", "Spotify"),
             ("com.whatsapp", "WhatsApp"), ("com.linkedin", "LinkedIn"), ("com.google.maps", "Google Maps")]
    pool = ["%s%s" % (prefix, ident) if not ident.startswith("com.") else ident for ident, dummy in known]
    names = [name for dummy, name in known]
    while len(pool) < count:
        pool.append("%s.vendor%03d.app%d" % (prefix.rstrip("."), len(pool), rng.randrange(10)))
        names.append("App %03d" % len(names))
    return [(ident, name, "%d.%d.%d" % (rng.randint(1, 30), rng.randint(0, 99), rng.randint(0, 9)))
            for ident, name in zip(pool, names)]


def gen_intune(rng, anchor, owners):
    """(devices, detected apps, {app id: [device ids]}, configurations, assignments) for IntuneFake."""
    from tests.fakes.intune_api import load_export
    dummy, dummy, dummy, configurations, assignments = load_export(
        os.path.join(ROOT, "examples", "mdm", "intune", "graph-responses.json"))
    apps = []

    def app(name, version, platform):
        entry = {"id": "a0d1c2b3-0000-4000-8000-%012d" % (len(apps) + 1), "displayName": name, "version": version,
                 "platform": platform, "sizeInByte": 104857600, "deviceCount": 0}
        apps.append(entry)
        return entry["id"]
    ios = {"7.85": app("Signal", "7.85", "ios"), "7.84": app("Signal", "7.84", "ios"),
           "7.61": app("Signal", "7.61", "ios"), "renamed": app("Signal - Private Messenger", "7.85", "ios")}
    android = {"7.80.2": app("Signal", "7.80.2", "androidDedicatedAndFullyManaged"),
               "7.79.1": app("Signal", "7.79.1", "androidWorkProfile"),
               "7.52.0": app("Signal", "7.52.0", "androidDedicatedAndFullyManaged")}
    app("Signal", "7.79.0", "windows")  # Signal Desktop: skipped by the client
    for name in ("Microsoft Teams", "Microsoft Outlook", "Company Portal", "Signal Desktop Helper"):
        app(name, "1.0", "ios")
    app_devices = {a["id"]: [] for a in apps}
    devices = []
    for index in range(SPLIT["intune"]):
        device_id = "3f6d2a41-8c1e-4b7a-%04x-%012x" % (index // 65536, index)
        system = pick(rng, {"iOS": 50, "iPadOS": 5, "Android": 45})
        owner_type = pick(rng, {"company": 80, "personal": 17, "unknown": 3})
        person = rng.randrange(owners)
        device = {
            "id": device_id, "deviceName": "Phone I%05d" % index, "operatingSystem": system,
            "osVersion": rng.choice(("18.6.2", "18.5", "17.7.1")) if system != "Android" else rng.choice(("16", "15", "14")),
            "model": rng.choice(("iPhone 15", "iPhone 16", "iPad Air (5th generation)")) if system != "Android"
            else rng.choice(("Pixel 9", "SM-S921B", "moto g54")),
            "serialNumber": "I%011d" % rng.randrange(10 ** 11), "userPrincipalName": _owner(person),
            "userDisplayName": "Person %05d" % person, "emailAddress": _owner(person),
            "managedDeviceOwnerType": owner_type, "isSupervised": system != "Android" and rng.random() < 0.92,
            "lastSyncDateTime": _ago(anchor, rng.uniform(0, 48), "%Y-%m-%dT%H:%M:%SZ"),
            # fields Graph has but the client does not $select (the fake leaves them out, as Graph does)
            "complianceState": rng.choice(("compliant", "noncompliant")), "isEncrypted": True,
            "enrolledDateTime": _ago(anchor, rng.uniform(500, 9000), "%Y-%m-%dT%H:%M:%SZ"),
            "managementAgent": "mdm", "deviceEnrollmentType": "appleBulkWithUser", "azureADRegistered": True,
        }
        kind = pick(rng, {"current": 85, "stale": 4, "never_synced": 1, "no_user": 2, "malformed": 0.3, "fatal": 0.1})
        if kind == "stale":
            device["lastSyncDateTime"] = _ago(anchor, rng.uniform(24 * 14, 24 * 90), "%Y-%m-%dT%H:%M:%SZ")
        elif kind == "never_synced":
            device["lastSyncDateTime"] = "0001-01-01T00:00:00Z"
        elif kind == "no_user":  # shared or kiosk device
            device.update(userPrincipalName="", userDisplayName="", emailAddress="")
        elif kind == "malformed":
            what = rng.randrange(3)
            if what == 0:
                device["lastSyncDateTime"] = "yesterday"
            elif what == 1:
                device["osVersion"] = 18
            else:
                device["managedDeviceOwnerType"] = "corporate"
        elif kind == "fatal":  # no usable id: an invalid subject
            device["id"] = None
        devices.append(device)
        if device["id"] is None:
            continue
        listed = rng.random() < (0.85 if owner_type == "company" else 0.15)
        if listed:
            if system == "Android":
                version = pick(rng, {"7.80.2": 70, "7.79.1": 20, "7.52.0": 10})
                app_devices[android[version]].append(device_id)
            else:
                version = pick(rng, {"7.85": 62, "renamed": 8, "7.84": 18, "7.61": 12})
                app_devices[ios[version]].append(device_id)
                if rng.random() < 0.01:  # a stale inventory lists two versions
                    app_devices[ios["7.61" if version != "7.61" else "7.84"]].append(device_id)
    # Microsoft Teams and the others are on most devices (only Signal's are asked for).
    for entry in apps[len(ios) + len(android) + 1:]:
        app_devices[entry["id"]] = [d["id"] for d in devices[:2000] if d["id"]]
    return devices, apps, app_devices, configurations, assignments


def gen_jamf(rng, anchor, owners):
    from tests.fakes.jamf_api import make_device
    pool = _app_pool("com.", 60, rng)

    def app_entry(ident, name, version, managed):
        return {"identifier": ident, "name": name, "version": version, "shortVersion": version,
                "managementStatus": "Managed" if managed else "Unmanaged", "validationStatus": True,
                "bundleSize": "104857600", "dynamicSize": "52428800"}
    shared = [app_entry(i, n, v, False) for i, n, v in pool]
    shared_managed = [app_entry(i, n, v, True) for i, n, v in pool[:12]]
    signal_apps = {short: {"identifier": "org.whispersystems.signal", "name": "Signal", "version": long_,
                           "shortVersion": short, "managementStatus": "Unmanaged", "validationStatus": True,
                           "bundleSize": "104857600", "dynamicSize": "52428800"}
                   for short, long_ in (("7.85", "7.85.0.11"), ("7.84", "7.84.0.3"), ("7.70", "7.70.1.2"),
                                        ("7.52", "7.52.0.1"))}
    total = SPLIT["jamf"] + NOT_PHONES["jamf"]
    numbers = list(range(1001, 1001 + total))
    rng.shuffle(numbers)
    devices = []
    for position, number in enumerate(numbers):
        if position < NOT_PHONES["jamf"]:
            device = make_device(number, displayName="Meeting room TV %d" % number, osVersion="18.6")
            device["deviceType"] = "tvOS"
            device["applications"] = []
            devices.append(device)
            continue
        person = rng.randrange(owners)
        enrollment = pick(rng, {"Institutional": 78, "UserEnrollment": 9, "AccountDrivenUserEnrollment": 5,
                                "AccountDrivenDeviceEnrollment": 8})
        device = make_device(number, displayName="iPhone J%05d" % number,
                             osVersion=rng.choice(("18.6.2", "18.5", "17.7.1")), deviceOwnershipType=enrollment,
                             supervised=enrollment == "Institutional",
                             lastInventoryUpdateDate=_ago(anchor, rng.uniform(0, 48), "%Y-%m-%dT%H:%M:%S.000Z"),
                             udid="00008120-%016X" % number, timeZone="Europe/Brussels", siteId="-1")
        device["hardware"].update(serialNumber="J%011d" % rng.randrange(10 ** 11),
                                  model=rng.choice(("iPhone 15", "iPhone 16", "iPhone SE (3rd generation)")),
                                  modelIdentifier="iPhone15,4", capacityMb=122070, batteryLevel=rng.randint(5, 100))
        device["userAndLocation"] = {"username": _owner(person) if rng.random() < 0.9 else "person%05d" % person,
                                     "realName": "Person %05d" % person, "emailAddress": _owner(person),
                                     "position": "", "department": "Operations", "building": "HQ"}
        passcode = pick(rng, {"ok": 88, "not_compliant": 5, "absent": 4, "no_section": 3})
        if passcode == "not_compliant":
            device["security"].update(passcodeCompliant=False, passcodeCompliantWithProfile=False)
        elif passcode == "absent":
            device["security"].update(passcodePresent=False, passcodeCompliant=False, passcodeCompliantWithProfile=False)
        elif passcode == "no_section":
            del device["security"]
        if enrollment in ("UserEnrollment", "AccountDrivenUserEnrollment"):  # managed apps only
            apps = shared_managed[:rng.randint(2, 8)]
            signal_version = "7.85" if rng.random() < 0.1 else None
        else:
            apps = rng.sample(shared, rng.randint(10, 40))
            signal_version = pick(rng, {"7.85": 60, "7.84": 14, "7.70": 8, "7.52": 3, None: 15})
        if signal_version is not None:
            apps = apps + [signal_apps[signal_version]]
        device["applications"] = apps
        kind = pick(rng, {"current": 95, "stale": 4, "no_inventory_date": 1, "malformed": 0.3, "fatal": 0.1})
        if kind == "stale":
            device["general"]["lastInventoryUpdateDate"] = _ago(anchor, rng.uniform(24 * 14, 24 * 90),
                                                                "%Y-%m-%dT%H:%M:%S.000Z")
        elif kind == "no_inventory_date":
            del device["general"]["lastInventoryUpdateDate"]
        elif kind == "malformed":
            if rng.random() < 0.5 and "security" in device:
                device["security"]["passcodePresent"] = "yes"
            else:
                device["general"]["supervised"] = "true"
        elif kind == "fatal":  # cannot tell what kind of device it is: an invalid subject
            device["deviceType"] = None
        devices.append(device)
    return devices


def gen_android_management(rng, anchor, owners):
    from tests.fakes.android_management_api import load_example
    dummy, policies = load_example()
    strict, lax, work, kiosk = ("enterprises/%s/policies/%s" % (ENTERPRISE, p)
                                for p in ("fully-managed-strict", "fully-managed-lax", "work-profile", "lobby-kiosk"))
    pool = _app_pool("com.", 80, rng)
    stamp = "%Y-%m-%dT%H:%M:%S.123Z"

    def report(ident, name, version, source, installer):
        entry = {"packageName": ident, "displayName": name, "versionName": version, "versionCode": 100000 + len(ident),
                 "state": "INSTALLED", "applicationSource": source, "events": [], "signingKeyCertFingerprints": []}
        if installer:
            entry["installerPackageName"] = installer
        return entry
    system_apps = [report(i, n, v, "SYSTEM_APP_FACTORY_VERSION", None) for i, n, v in pool[:20]]
    store_apps = [report(i, n, v, "INSTALLED_FROM_PLAY_STORE", "com.android.vending") for i, n, v in pool[20:]]
    signal = {}
    for version in ("7.80.2", "7.79.1", "7.70.0", "7.52.0"):
        signal[version, "play"] = report("org.thoughtcrime.securesms", "Signal", version, "INSTALLED_FROM_PLAY_STORE",
                                         "com.android.vending")
        signal[version, "sideload"] = report("org.thoughtcrime.securesms", "Signal", version,
                                             "APPLICATION_SOURCE_UNSPECIFIED", "com.google.android.packageinstaller")
        signal[version, "unknown"] = report("org.thoughtcrime.securesms", "Signal", version, None, None)
        del signal[version, "unknown"]["applicationSource"]
    devices = []
    for index in range(SPLIT["android_management"]):
        person = rng.randrange(owners)
        mode = pick(rng, {"fully_managed": 65, "work_profile": 30, "cope": 5})
        company = mode != "work_profile"
        if mode == "fully_managed":
            policy = pick(rng, {strict: 55, lax: 40, kiosk: 5})
        else:
            policy = work
        device = {
            "name": "enterprises/%s/devices/%016x" % (ENTERPRISE, rng.getrandbits(64)),
            "managementMode": "DEVICE_OWNER" if mode == "fully_managed" else "PROFILE_OWNER",
            "ownership": "COMPANY_OWNED" if company else "PERSONALLY_OWNED",
            "state": "ACTIVE", "appliedState": "ACTIVE", "policyCompliant": True,
            "enrollmentTime": _ago(anchor, rng.uniform(500, 9000), "%Y-%m-%dT%H:%M:%SZ"),
            "lastStatusReportTime": _ago(anchor, rng.uniform(0, 30), stamp),
            "lastPolicySyncTime": _ago(anchor, rng.uniform(0, 30), stamp),
            "appliedPolicyName": policy, "appliedPolicyVersion": policies[policy]["version"],
            "policyName": policy, "userName": "enterprises/%s/users/%d" % (ENTERPRISE, 11620384700000 + person),
            "apiLevel": rng.choice((34, 35, 36)),
            "hardwareInfo": {"brand": "google", "manufacturer": "Google", "hardware": "tokay",
                             "model": rng.choice(("Pixel 9", "Pixel 8a", "SM-S921B", "moto g54")),
                             "serialNumber": "A%013d" % rng.randrange(10 ** 13)},
            "softwareInfo": {"androidVersion": rng.choice(("16", "15", "14")), "androidBuildNumber": "BP2A.250805.005",
                             "securityPatchLevel": "2026-11-01", "androidDevicePolicyVersionName": "2.311.0"},
            "deviceSettings": {"isDeviceSecure": True, "unknownSourcesEnabled": False, "developmentSettingsEnabled": False,
                               "adbEnabled": False, "isEncrypted": True, "encryptionStatus": "ACTIVE_PER_USER",
                               "verifyAppsEnabled": True},
            "user": {"accountIdentifier": _owner(person)},
            "memoryInfo": {"totalRam": "8000000000", "totalInternalStorage": "128000000000"},
            "networkInfo": {"imei": "35%013d" % rng.randrange(10 ** 13), "networkOperatorName": "Operator"},
        }
        if policy != kiosk:
            device["appliedPasswordPolicies"] = policies[policy].get("passwordPolicies", [])
        if rng.random() < 0.1:
            device["appliedPolicyVersion"] = str(int(policies[policy]["version"]) - 1)  # not synced the newest yet
        if company:
            apps = system_apps + rng.sample(store_apps, rng.randint(5, 25))
        else:
            apps = rng.sample(store_apps, rng.randint(3, 10))  # the work profile's apps only
        signal_there = rng.random() < (0.85 if company else 0.4)
        if signal_there:
            version = pick(rng, {"7.80.2": 66, "7.79.1": 20, "7.70.0": 9, "7.52.0": 5})
            source = pick(rng, {"play": 95, "sideload": 3, "unknown": 2})
            apps = apps + [signal[version, source]]
        device["applicationReports"] = apps
        if company:
            boot = rng.uniform(0, 20) if rng.random() < 0.65 else rng.uniform(30, 400)
            events = [{"eventType": "BATTERY_LEVEL_COLLECTED", "createTime": _ago(anchor, h, stamp),
                       "batteryLevel": rng.randint(5, 100)} for h in sorted(rng.sample(range(1, 200), rng.randint(0, 5)))]
            events.append({"eventType": "BOOT_COMPLETED", "createTime": _ago(anchor, boot, stamp)})
            device["powerManagementEvents"] = events
        secure = pick(rng, {"secure": 91, "insecure": 4, "not_reported": 3, "user_action": 2})
        if secure == "insecure":
            device["deviceSettings"]["isDeviceSecure"] = False
            device["policyCompliant"] = False
            device["nonComplianceDetails"] = [{"settingName": "passwordPolicies", "nonComplianceReason": "USER_ACTION",
                                               "specificNonComplianceReason": "PASSWORD_POLICIES_PASSWORD_NOT_SUFFICIENT"}]
        elif secure == "not_reported":
            del device["deviceSettings"]
        elif secure == "user_action":
            device["policyCompliant"] = False
            device["nonComplianceDetails"] = [{"settingName": "passwordPolicies", "nonComplianceReason": "PENDING"}]
        kind = pick(rng, {"current": 95, "stale": 4.6, "malformed": 0.3, "fatal": 0.1})
        if kind == "stale":
            device["lastStatusReportTime"] = _ago(anchor, rng.uniform(24 * 14, 24 * 90), stamp)
        elif kind == "malformed":
            if rng.random() < 0.5:
                device["lastStatusReportTime"] = "yesterday"
            else:
                device["softwareInfo"]["androidVersion"] = 16
        elif kind == "fatal":  # no device name: an invalid subject
            del device["name"]
        devices.append(device)
    devices.sort(key=lambda d: d.get("name", "~"))
    return devices, policies


def gen_workspace_one(rng, anchor, owners):
    from tests.fakes.workspace_one_api import make_apps, make_device
    pools = {"Apple": _app_pool("com.", 50, rng), "Android": _app_pool("com.", 50, rng)}
    extra = {platform: [{"ApplicationName": n, "ApplicationIdentifier": i, "Version": v, "BuildVersion": v,
                         "Status": "Installed", "Size": "52428800", "Type": "Public", "IsManaged": False}
                        for i, n, v in pool] for platform, pool in pools.items()}
    total = SPLIT["workspace_one"] + NOT_PHONES["workspace_one"]
    ids = list(range(20001, 20001 + total))
    rng.shuffle(ids)
    devices, apps = [], {}
    stamp = "%Y-%m-%dT%H:%M:%S.117"
    for position, number in enumerate(ids):
        person = rng.randrange(owners)
        if position < NOT_PHONES["workspace_one"]:
            devices.append(make_device(number, platform=rng.choice(("WinRT", "AppleOsX")), Model="Laptop",
                                       OperatingSystem="10.0.26100", LastSeen=_ago(anchor, 2, stamp)))
            continue
        platform = "Apple" if rng.random() < 0.55 else "Android"
        ownership = pick(rng, {"C": 65, "E": 25, "S": 5, "Undefined": 5})
        device = make_device(number, platform=platform, ownership=ownership,
                             OperatingSystem=rng.choice(("18.6.2", "18.5")) if platform == "Apple" else rng.choice(("16", "15")),
                             UserName="person%05d" % person if rng.random() < 0.6 else _owner(person),
                             UserEmailAddress=_owner(person), DeviceFriendlyName="Phone W%05d" % number,
                             LastSeen=_ago(anchor, rng.uniform(0, 48), stamp),
                             SerialNumber="W%011d" % rng.randrange(10 ** 11), IsSupervised=platform == "Apple" and ownership != "E",
                             LocationGroupName="Example Org", Udid="%032X" % number, Imei="", PhoneNumber="",
                             LastEnrolledOn=_ago(anchor, rng.uniform(500, 9000), stamp))
        newest = NEWEST["ios" if platform == "Apple" else "android"]
        old = "7.70" if platform == "Apple" else "7.70.0"
        version = pick(rng, {newest: 70, old: 15, None: 15})
        managed_only = ownership == "E" and rng.random() < 0.5
        listed = make_apps(platform, signal_version=version, personal=not managed_only)
        if not managed_only:
            listed += rng.sample(extra[platform], rng.randint(8, 30))
        if rng.random() >= 0.01:  # 1%: no app list at all (204)
            apps[number] = listed
        kind = pick(rng, {"current": 94, "stale": 4, "never": 1, "no_last_seen": 0.6, "malformed": 0.3, "fatal": 0.1})
        if kind == "stale":
            device["LastSeen"] = _ago(anchor, rng.uniform(24 * 14, 24 * 90), stamp)
        elif kind == "never":
            device["LastSeen"] = "0001-01-01T00:00:00"
        elif kind == "no_last_seen":
            del device["LastSeen"]
        elif kind == "malformed":
            device["OperatingSystem"] = 18
        elif kind == "fatal":  # cannot tell whether it is a phone: an invalid subject, no app request
            device["Platform"] = None
        devices.append(device)
    return devices, apps


# ---- the servers (child process) ----------------------------------------------------------------------------------

def _header(request, name):
    for key, value in request.headers.items():
        if key.lower() == name:
            return value
    return None


class _Replay(object):
    """A fake's routes, keeping each successful GET answer as bytes and sending it again when the same URL is asked
    with a token the fake issued (and, for Workspace ONE, its tenant code).

    The fleet does not change while the bench runs, so the answer is the one the fake would compute again; only the
    fake's own cost per request (sorting and copying the inventory, serializing a page) is paid once, in the warm-up
    walk, instead of in every measured phase. --cold turns it off.
    """

    def __init__(self, fake, route, tenant_code=None):
        self.fake, self.route, self.tenant_code = fake, route, tenant_code
        self.answers = {}
        self.lock = threading.Lock()

    def _authorized(self, request):
        authorization = _header(request, "authorization") or ""
        if not authorization.startswith("Bearer ") or authorization[7:] not in self.fake.tokens:
            return False
        return self.tenant_code is None or _header(request, "aw-tenant-code") == self.tenant_code

    def __call__(self, request):
        if request.method != "GET":
            return self.route(request)
        key = (request.path, request.raw_query)
        with self.lock:
            kept = self.answers.get(key)
        if kept is not None and self._authorized(request):
            return kept[0], kept[1], dict(kept[2])
        answer = self.route(request)
        if answer[0] != 200 or not self._authorized(request):
            return answer
        payload = answer[1]
        data = json.dumps(payload).encode("utf-8") if isinstance(payload, (dict, list)) else payload
        kept = (answer[0], data, dict(answer[2]) if len(answer) > 2 else {})
        with self.lock:
            self.answers[key] = kept
        return kept[0], kept[1], dict(kept[2])


def phase_serve(argument):
    """Generate the fleet, serve it, print the connection details, then obey 'log' and 'stop' on stdin."""
    workdir, mode = argument.split(":", 1)
    if ROOT not in sys.path:
        sys.path.insert(0, ROOT)
    from tests.fakes.android_management_api import FakeAndroidManagement, ServiceAccount
    from tests.fakes.intune_api import IntuneFake
    from tests.fakes.jamf_api import JamfFake
    from tests.fakes.workspace_one_api import TOKEN_PATH, WorkspaceOneFake

    started = time.monotonic()
    rng = random.Random(SEED)
    anchor = datetime.datetime.now(datetime.timezone.utc).replace(second=0, microsecond=0)
    owners = int(PHONES * 0.8)
    intune_data = gen_intune(rng, anchor, owners)
    jamf_devices = gen_jamf(rng, anchor, owners)
    amapi_devices, amapi_policies = gen_android_management(rng, anchor, owners)
    ws1_devices, ws1_apps = gen_workspace_one(rng, anchor, owners)
    generated = time.monotonic() - started

    devices, apps, app_devices, configurations, assignments = intune_data
    intune = IntuneFake(tenant_id=TENANT_ID, devices=devices, detected_apps=apps, app_devices=app_devices,
                        configurations=configurations, assignments=assignments, page_size=INTUNE_PAGE,
                        **CREDENTIALS["intune"])
    jamf = JamfFake(jamf_devices, **CREDENTIALS["jamf"])
    account = ServiceAccount()
    amapi = FakeAndroidManagement(account, devices=amapi_devices, policies=amapi_policies, enterprise=ENTERPRISE)
    ws1 = WorkspaceOneFake(ws1_devices, ws1_apps, **CREDENTIALS["workspace_one"])
    servers = {"intune": intune.server, "jamf": jamf.serve(), "android_management": amapi.server,
               "workspace_one": ws1.serve()}
    token_paths = {"/%s/oauth2/v2.0/token" % TENANT_ID, "/api/oauth/token", "/token", TOKEN_PATH}
    if mode == "replay":
        for name, fake in (("intune", intune), ("jamf", jamf), ("android_management", amapi), ("workspace_one", ws1)):
            servers[name].routes = _Replay(fake, servers[name].routes,
                                           CREDENTIALS["workspace_one"]["tenant_code"] if name == "workspace_one" else None)
    entered = []
    try:
        for server in servers.values():
            server.__enter__()
            entered.append(server)
        key_file = account.write(workdir, amapi.token_url)
        config = {
            "generated_seconds": round(generated, 1),
            "intune": {"api_url": intune.url, "token_url": intune.token_url, "tenant_id": TENANT_ID,
                       **CREDENTIALS["intune"]},
            "jamf": {"api_url": servers["jamf"].url, **CREDENTIALS["jamf"]},
            "android_management": {"api_url": amapi.url, "enterprise_id": ENTERPRISE, "service_account_file": key_file},
            "workspace_one": {"api_url": servers["workspace_one"].url, "token_url": servers["workspace_one"].url + TOKEN_PATH,
                              **CREDENTIALS["workspace_one"]},
            "records": {"intune": len(devices), "jamf": len(jamf_devices), "android_management": len(amapi_devices),
                        "workspace_one": len(ws1_devices)},
        }
        print(json.dumps({"ready": config}), flush=True)
        deadline = time.monotonic() + SERVE_MAX_SECONDS
        while time.monotonic() < deadline:
            readable, dummy, dummy = select.select([sys.stdin], [], [], 1.0)
            if not readable:
                continue
            command = sys.stdin.readline().strip()
            if command in ("", "stop"):  # EOF: the bench is gone
                break
            if command == "log":
                print(json.dumps({"log": _request_log(servers, token_paths, (amapi.api_requests, amapi.token_requests))}),
                      flush=True)
    finally:
        for server in reversed(entered):
            server.__exit__(None, None, None)
    return None


def _request_log(servers, token_paths, extra_lists):
    """Per server: token requests, other requests and a digest of the other requests' method+URL (then forgotten)."""
    log = {}
    for name, server in servers.items():
        with server.lock:
            taken = list(server.requests)
            del server.requests[:]
        lines = sorted("%s %s%s" % (r.method, r.path, "?" + r.raw_query if r.raw_query else "")
                       for r in taken if r.path not in token_paths)
        log[name] = {"tokens": sum(1 for r in taken if r.path in token_paths), "requests": len(lines),
                     "digest": hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()[:16]}
    for extra in extra_lists:
        del extra[:]
    return log


# ---- floor: the same pages with plain urllib (fresh process) --------------------------------------------------------

def _http(url, headers=None, data=None):
    import urllib.request
    request = urllib.request.Request(url, data=data, headers=headers or {})
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 (127.0.0.1 only)
        raw = response.read()
    return raw


def _form(values):
    from urllib.parse import urlencode
    return urlencode(values).encode("ascii")


def _b64url(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _floor_tokens(config):
    """Bearer tokens from each fake, as the clients get them (not timed)."""
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    tokens = {}
    c = config["intune"]
    tokens["intune"] = json.loads(_http(c["token_url"], form, _form({
        "grant_type": "client_credentials", "client_id": c["client_id"], "client_secret": c["client_secret"],
        "scope": "%s/.default" % c["api_url"]})))["access_token"]
    c = config["jamf"]
    tokens["jamf"] = json.loads(_http(c["api_url"] + "/api/oauth/token", form, _form({
        "grant_type": "client_credentials", "client_id": c["client_id"], "client_secret": c["client_secret"]})))["access_token"]
    c = config["workspace_one"]
    tokens["workspace_one"] = json.loads(_http(c["token_url"], form, _form({
        "grant_type": "client_credentials", "client_id": c["client_id"], "client_secret": c["client_secret"]})))["access_token"]
    with open(config["android_management"]["service_account_file"], encoding="utf-8") as handle:
        info = json.load(handle)
    now = int(time.time())
    claims = {"iss": info["client_email"], "scope": "https://www.googleapis.com/auth/androidmanagement",
              "aud": info["token_uri"], "iat": now, "exp": now + 3600}
    signing = "%s.%s" % (_b64url(json.dumps({"alg": "RS256", "typ": "JWT"}).encode()), _b64url(json.dumps(claims).encode()))
    key = serialization.load_pem_private_key(info["private_key"].encode(), password=None)
    assertion = "%s.%s" % (signing, _b64url(key.sign(signing.encode(), padding.PKCS1v15(), hashes.SHA256())))
    tokens["android_management"] = json.loads(_http(info["token_uri"], form, _form({
        "grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": assertion})))["access_token"]
    return tokens


# The URLs below follow plugins/module_utils/mdm/*.py; the servers' request logs check that they are the same.
INTUNE_DEVICE_FIELDS = ("id,deviceName,operatingSystem,osVersion,model,serialNumber,userPrincipalName,userDisplayName,"
                        "emailAddress,managedDeviceOwnerType,isSupervised,lastSyncDateTime")
INTUNE_PROFILE_TYPES = ("#microsoft.graph.iosGeneralDeviceConfiguration", "#microsoft.graph.iosDeviceFeaturesConfiguration",
                        "#microsoft.graph.androidDeviceOwnerGeneralDeviceConfiguration")
JAMF_SECTIONS = ("GENERAL", "HARDWARE", "USER_AND_LOCATION", "SECURITY", "APPLICATIONS")
AMAPI_FIELDS = (
    "nextPageToken,devices(name,appliedPolicyName,appliedPolicyVersion,appliedPasswordPolicies,policyCompliant,"
    "nonComplianceDetails,ownership,managementMode,lastStatusReportTime,hardwareInfo(model,serialNumber),"
    "softwareInfo(androidVersion),deviceSettings(isDeviceSecure),user(accountIdentifier),"
    "powerManagementEvents(eventType,createTime),"
    "applicationReports(packageName,versionName,state,installerPackageName,applicationSource))"
)


class _Walk(object):
    """Counts what the floor fetched."""

    def __init__(self):
        self.requests = 0
        self.bytes = 0
        self.phones = collections.Counter()
        self.lock = threading.Lock()

    def get(self, url, headers):
        raw = _http(url, headers)
        with self.lock:
            self.requests += 1
            self.bytes += len(raw)
        return json.loads(raw) if raw else {}


def _floor_intune(walk, c, token):
    from urllib.parse import quote
    headers = {"Accept": "application/json", "Authorization": "Bearer %s" % token}
    api = c["api_url"]

    def query(params):
        return "?" + "&".join("%s=%s" % (k, quote(str(v), safe="',()")) for k, v in params)

    def pages(url):
        while url:
            body = walk.get(url, headers)
            yield body["value"]
            url = body.get("@odata.nextLink")

    signal_apps, seen = [], set()
    for name in ("Signal", "Signal - Private Messenger"):
        url = api + "/v1.0/deviceManagement/detectedApps" + query(
            [("$filter", "displayName eq '%s'" % name), ("$select", "id,displayName,version,platform")])
        for page in pages(url):
            for app in page:
                if app["id"] not in seen and app["platform"] not in ("windows", "macos"):
                    seen.add(app["id"])
                    signal_apps.append(app["id"])
    for app_id in signal_apps:
        url = "%s/v1.0/deviceManagement/detectedApps/%s/managedDevices%s" % (api, quote(app_id, safe=""), query([("$select", "id")]))
        for dummy in pages(url):
            pass
    base = api + "/beta/deviceManagement/deviceConfigurations"
    profiles = [raw["id"] for page in pages(base) for raw in page if raw.get("@odata.type") in INTUNE_PROFILE_TYPES]
    for profile in profiles:
        for dummy in pages("%s/%s/assignments" % (base, quote(profile, safe=""))):
            pass
    for system in ("iOS", "iPadOS", "Android"):
        url = api + "/v1.0/deviceManagement/managedDevices" + query(
            [("$filter", "operatingSystem eq '%s'" % system), ("$select", INTUNE_DEVICE_FIELDS)])
        for page in pages(url):
            walk.phones["intune"] += len(page)


def _floor_jamf(walk, c, token):
    from urllib.parse import urlencode
    headers = {"Accept": "application/json", "Authorization": "Bearer %s" % token}
    page, size = 0, 500
    while True:
        query = [("section", s) for s in JAMF_SECTIONS] + [("page", page), ("page-size", size), ("sort", "mobileDeviceId:asc")]
        body = walk.get("%s/api/v2/mobile-devices/detail?%s" % (c["api_url"], urlencode(query)), headers)
        walk.phones["jamf"] += sum(1 for d in body["results"] if d.get("deviceType") != "tvOS")
        if page * size + len(body["results"]) >= body["totalCount"] or not body["results"]:
            return
        page += 1


def _floor_android_management(walk, c, token):
    from urllib.parse import quote, urlencode
    headers = {"Accept": "application/json", "Authorization": "Bearer %s" % token}
    policies, page_token = set(), None
    while True:
        query = [("pageSize", "100"), ("fields", AMAPI_FIELDS)] + ([("pageToken", page_token)] if page_token else [])
        url = "%s/v1/enterprises/%s/devices?%s" % (c["api_url"], quote(c["enterprise_id"], safe=""), urlencode(query))
        body = walk.get(url, headers)
        for device in body.get("devices", []):
            walk.phones["android_management"] += 1
            name = device.get("appliedPolicyName")
            if "name" in device and name and name not in policies:  # read once, when the first device needs it
                policies.add(name)
                walk.get("%s/v1/%s" % (c["api_url"], name), headers)
        page_token = body.get("nextPageToken")
        if not page_token:
            return


def _floor_workspace_one(walk, c, token):
    from concurrent.futures import ThreadPoolExecutor
    from urllib.parse import urlencode
    from ansible_collections.hardening.signal.plugins.module_utils.mdm.workspace_one import APP_WORKERS
    headers = {"Accept": "application/json;version=1", "aw-tenant-code": c["tenant_code"],
               "Authorization": "Bearer %s" % token}
    page, size = 0, 500
    with ThreadPoolExecutor(max_workers=APP_WORKERS) as pool:  # as many app lists in flight as the client
        while True:
            query = urlencode([("page", page), ("pagesize", size), ("orderby", "deviceid"), ("sortorder", "ASC")])
            body = walk.get("%s/api/mdm/devices/search?%s" % (c["api_url"], query), headers)
            devices = body.get("Devices") or []
            phones = [d for d in devices if isinstance(d.get("Platform"), str) and d["Platform"].lower() in ("apple", "android")]
            walk.phones["workspace_one"] += len(phones) + sum(1 for d in devices if not isinstance(d.get("Platform"), str))
            urls = ["%s/api/mdm/devices/%d/apps?%s" % (c["api_url"], d["Id"]["Value"], urlencode([("page", 0), ("pagesize", 500)]))
                    for d in phones]
            for dummy in pool.map(lambda u: walk.get(u, headers), urls):
                pass
            if not devices or page * size + len(devices) >= body["Total"]:
                return
            page += 1


def phase_floor(config_path):
    collection_on_path()
    with open(config_path, encoding="utf-8") as handle:
        config = json.load(handle)
    tokens = _floor_tokens(config)
    gc.collect()
    baseline = maxrss_mib()
    walk = _Walk()
    seconds = {}
    cpu = time.process_time()
    started = time.perf_counter()
    for name, walker in (("intune", _floor_intune), ("jamf", _floor_jamf),
                         ("android_management", _floor_android_management), ("workspace_one", _floor_workspace_one)):
        lap = time.perf_counter()
        walker(walk, config[name], tokens[name])
        seconds[name] = round(time.perf_counter() - lap, 3)
    total = time.perf_counter() - started
    cpu = time.process_time() - cpu
    peak = maxrss_mib()
    return {"seconds": total, "cpu_seconds": cpu, "per_source": seconds, "baseline_mib": baseline, "peak_mib": peak,
            "delta_mib": peak - baseline, "requests": walk.requests, "bytes": walk.bytes, "phones": dict(walk.phones)}


# ---- the playbook, from a small wrapper process ---------------------------------------------------------------------

def phase_wrap(spec_path):
    """Run the command of the spec; wall time and the peak RSS of its process tree (RUSAGE_CHILDREN)."""
    with open(spec_path, encoding="utf-8") as handle:
        spec = json.load(handle)
    with open(spec["log"], "wb") as log:
        started = time.perf_counter()
        process = subprocess.Popen(spec["command"], env=spec["env"], cwd=spec["cwd"], stdout=log,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            code = process.wait(timeout=spec["timeout"])
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # the session this wrapper started for it
            process.wait(timeout=30)
            code = "timeout after %.0f s" % spec["timeout"]
        wall = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"seconds": wall, "cpu_seconds": usage.ru_utime + usage.ru_stime, "peak_mib": usage.ru_maxrss / 1024.0,
            "rc": code, "load": os.getloadavg()[0]}


CALLBACK = '''
# Written by bench/bench_mdm.py into a temporary folder: task start times and the fleet_summary result's timings.
import json, os, time
from ansible.plugins.callback import CallbackBase

class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "bench_mdm_timings"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super(CallbackModule, self).__init__()
        self.tasks, self.result, self.current = [], None, None

    def _close(self):
        if self.current:
            self.tasks.append([self.current[0], round(time.monotonic() - self.current[1], 3)])
            self.current = None

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._close()
        self.current = [task.get_name(), time.monotonic()]

    def v2_runner_on_ok(self, result):
        if result._task.action in ("hardening.signal.fleet_summary", "fleet_summary"):
            self.result = {k: result._result.get(k) for k in ("seconds", "timings", "subjects", "totals",
                                                             "incomplete_sources", "input_errors")}

    def v2_playbook_on_stats(self, stats):
        self._close()
        with open(os.environ["BENCH_MDM_CALLBACK_OUT"], "w") as handle:
            json.dump({"tasks": self.tasks, "fleet_summary": self.result}, handle)
'''


def phase_check(report_dir):
    """What the written fleet-summary.json says (in its own process: the file is large)."""
    path = os.path.join(report_dir, "fleet-summary.json")
    with open(path, encoding="utf-8") as handle:
        summary = json.load(handle)
    by_source = collections.Counter()
    invalid = collections.Counter()
    for subject in summary["subjects"]:
        if subject["kind"] == "mobile":
            by_source[subject["source"]["name"]] += 1
            if subject["state"] != "ok":
                invalid[subject["source"]["name"]] += 1
    return {"bytes": os.path.getsize(path), "subjects": summary["compliance"]["subjects"],
            "mobile": sum(by_source.values()), "by_source": dict(by_source), "invalid": dict(invalid),
            "kinds": dict(collections.Counter(s["kind"] for s in summary["subjects"])),
            "sources": [{k: s.get(k) for k in ("name", "type", "status", "subjects", "errors", "stats")}
                        for s in summary["run"]["sources"]],
            "totals": summary["totals"], "compliance_pct": summary["compliance"]["pct"],
            "input_errors": len(summary["input_errors"])}


def source_specs(config):
    return [
        dict(name="corp-intune", type="intune",
             **{k: config["intune"][k] for k in ("api_url", "token_url", "tenant_id", "client_id", "client_secret")}),
        dict(name="corp-jamf", type="jamf", **config["jamf"]),
        dict(name="corp-android", type="android_management", **config["android_management"]),
        dict(name="corp-ws1", type="workspace_one", **config["workspace_one"]),
    ]


def phase_pull(argument):
    """One source's pull_source (client, normalization, record checks) in a fresh process, outside Ansible, with the
    cycle collector paused as the fleet_summary action pauses it; optionally under cProfile (top functions on stderr)."""
    request = json.loads(argument)
    collection_on_path()
    from ansible_collections.hardening.signal.plugins.module_utils.mdm.sources import pull_source
    with open(request["config"], encoding="utf-8") as handle:
        spec = source_specs(json.load(handle))[request["source"]]
    profiler = None
    if request.get("profile"):
        import cProfile
        profiler = cProfile.Profile()
    gc.collect()
    baseline = maxrss_mib()
    gc.disable()
    started = time.perf_counter()
    if profiler is not None:
        profiler.enable()
    subjects, errors, status = pull_source(spec)
    if profiler is not None:
        profiler.disable()
    seconds = time.perf_counter() - started
    peak = maxrss_mib() - baseline
    gc.enable()
    if profiler is not None:
        import pstats
        sys.stderr.write("\n==== %s: %d subjects, %s, %.2f s under cProfile ====\n" % (
            spec["name"], len(subjects), status["status"], seconds))
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(request.get("top", 12))
    return {"name": spec["name"], "seconds": seconds, "peak_mib": peak, "subjects": len(subjects),
            "status": status["status"], "stats": status.get("stats"), "errors": len(errors)}


PHASES = {"floor": phase_floor, "wrap": phase_wrap, "check": phase_check, "pull": phase_pull}


# ---- orchestration ---------------------------------------------------------------------------------------------------

def run_phase(name, argument, timeout, stderr=None):
    """Run one phase in a fresh interpreter; its JSON report (the last line of its output)."""
    return run_child_phase(__file__, name, ["--input", argument], timeout, stderr)


class Servers(object):
    """The fake vendor APIs in a child process: started, asked for request logs, always stopped."""

    def __init__(self, workdir, cold=False):
        self.workdir = workdir
        self.stderr = open(os.path.join(workdir, "servers.log"), "w", encoding="utf-8")
        argument = "%s:%s" % (workdir, "cold" if cold else "replay")
        self.process = subprocess.Popen([sys.executable, os.path.abspath(__file__), "--phase", "serve", "--input", argument],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.stderr, text=True,
                                        cwd=ROOT)
        self.config = self._answer("ready", SERVE_READY_SECONDS)

    def _answer(self, key, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            readable, dummy, dummy = select.select([self.process.stdout], [], [], 1.0)
            if readable:
                line = self.process.stdout.readline()
                if not line:
                    break
                try:
                    message = json.loads(line)
                except ValueError:
                    continue  # not one of ours
                if isinstance(message, dict) and key in message:
                    return message[key]
            elif self.process.poll() is not None:
                break
        self.stop()
        with open(self.stderr.name, encoding="utf-8") as handle:
            sys.stderr.write(handle.read()[-4000:])
        raise SystemExit("the fake servers gave no %r answer within %.0f s" % (key, timeout))

    def log(self):
        self.process.stdin.write("log\n")
        self.process.stdin.flush()
        return self._answer("log", COMMAND_TIMEOUT)

    def stop(self):
        if self.process.poll() is None:
            try:
                self.process.stdin.write("stop\n")
                self.process.stdin.close()
            except (BrokenPipeError, ValueError):
                pass
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)
        self.stderr.close()


def ansible_env(workdir):
    env = dict(os.environ)
    bindir = os.path.dirname(sys.executable)
    env.update({
        "PATH": bindir + os.pathsep + env.get("PATH", ""),
        "ANSIBLE_COLLECTIONS_PATH": COLLECTIONS, "ANSIBLE_CONFIG": os.path.join(ROOT, "ansible.cfg"),
        "ANSIBLE_HOME": os.path.join(ROOT, ".build", "ansible-home"),
        "ANSIBLE_LOCAL_TEMP": os.path.join(ROOT, ".build", "ansible-home", "tmp"),
        "ANSIBLE_CALLBACK_PLUGINS": os.path.join(workdir, "callback"), "ANSIBLE_CALLBACKS_ENABLED": "bench_mdm_timings",
        "ANSIBLE_NOCOLOR": "1", "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost",
    })
    env.pop("ANSIBLE_FORCE_COLOR", None)
    for key in [k for k in env if k.startswith("HARDENING_SIGNAL_MDM_")]:
        del env[key]  # only the sources' own options count
    return env


def write_inventory(workdir, config, report_dir, formats=None):
    """An inventory without workstations: localhost for the controller plays, the sources as variables."""
    variables = {
        "signal_hardening_newest_versions": NEWEST, "signal_hardening_release_feed_url": "",
        "signal_hardening_remediate": False, "signal_hardening_report_dir": report_dir,
        "signal_hardening_mdm_sources": source_specs(config),
    }
    if formats:
        variables["signal_hardening_report_formats"] = formats
    inventory = {"all": {"hosts": {"localhost": {"ansible_connection": "local",
                                                 "ansible_python_interpreter": "{{ ansible_playbook_python }}"}},
                         "children": {"signal_workstations": {"hosts": {}}}, "vars": variables}}
    path = os.path.join(workdir, "inventory.yml")
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(inventory, handle, indent=1)  # JSON is YAML
    return path


def run_playbook(workdir, config, index, timeout, formats=None):
    report_dir = os.path.join(workdir, "reports-%d" % index)
    os.makedirs(report_dir)
    inventory = write_inventory(workdir, config, report_dir, formats)
    ansible_playbook = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")
    if not os.path.exists(ansible_playbook):
        ansible_playbook = shutil.which("ansible-playbook") or "ansible-playbook"
    env = ansible_env(workdir)
    env["BENCH_MDM_CALLBACK_OUT"] = os.path.join(workdir, "callback-%d.json" % index)
    spec = {"command": [ansible_playbook, PLAYBOOK, "--check", "-i", inventory], "env": env, "cwd": ROOT,
            "log": os.path.join(workdir, "playbook-%d.log" % index), "timeout": timeout}
    spec_path = os.path.join(workdir, "wrap-%d.json" % index)
    with open(spec_path, "w", encoding="utf-8") as handle:
        json.dump(spec, handle)
    result = run_phase("wrap", spec_path, timeout + 60)
    result["log"] = spec["log"]
    result["report_dir"] = report_dir
    try:
        with open(env["BENCH_MDM_CALLBACK_OUT"], encoding="utf-8") as handle:
            result["callback"] = json.load(handle)
    except (OSError, ValueError):
        result["callback"] = None
    return result


def _tail(path, lines=40):
    with open(path, encoding="utf-8", errors="replace") as handle:
        return "".join(handle.readlines()[-lines:])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--phase", choices=sorted(PHASES) + ["serve"], help=argparse.SUPPRESS)
    parser.add_argument("--input", help=argparse.SUPPRESS)
    parser.add_argument("--runs", type=int, default=1, help="playbook runs (the median is judged; default 1)")
    parser.add_argument("--sources", action="store_true",
                        help="also pull each source alone, outside Ansible, in a fresh process: seconds and peak MiB")
    parser.add_argument("--profile", action="store_true", help="like --sources, under cProfile (top functions printed)")
    parser.add_argument("--cold", action="store_true",
                        help="let the fakes compute every answer in every phase (no replay of the warm-up's answers)")
    parser.add_argument("--formats", help="report formats for the playbook, comma-separated (default: the role's default)")
    parser.add_argument("--no-playbook", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--timeout", type=float, default=PLAYBOOK_TIMEOUT, help="seconds one playbook run may take")
    parser.add_argument("--keep", action="store_true", help="keep the working folder (logs, reports) and print its path")
    options = parser.parse_args(argv)

    if options.phase == "serve":
        phase_serve(options.input)
        return 0
    if options.phase:
        print(json.dumps(PHASES[options.phase](options.input)))
        return 0

    collection_on_path()
    runs = max(1, min(options.runs, 20))
    with work_folder("bench-mdm-", options.keep, "working folder") as workdir:
        os.makedirs(os.path.join(workdir, "callback"))
        with open(os.path.join(workdir, "callback", "bench_mdm_timings.py"), "w", encoding="utf-8") as handle:
            handle.write(CALLBACK)
        servers = None
        results, checks, logs, pulls = [], [], [], []
        try:
            started = time.perf_counter()
            servers = Servers(workdir, cold=options.cold)
            config = servers.config
            config_path = os.path.join(workdir, "config.json")
            with open(config_path, "w", encoding="utf-8") as handle:
                json.dump(config, handle)
            print("Synthetic fleet: %d phones (%s), plus %d records that are not phones (%s); generated and served on "
                  "127.0.0.1 in %.1f s (not timed)" % (
                      PHONES, ", ".join("%s %d" % (k, v) for k, v in SPLIT.items()), sum(NOT_PHONES.values()),
                      ", ".join("%s %d" % (k, v) for k, v in NOT_PHONES.items()), time.perf_counter() - started))
            servers.log()  # forget the requests of start-up (none expected)
            # The first walk meets the fakes cold (each answer computed by the fake); afterwards they replay its answers.
            cold_floor = run_phase("floor", config_path, FLOOR_TIMEOUT)
            servers.log()
            floor = run_phase("floor", config_path, FLOOR_TIMEOUT)
            floor_log = servers.log()
            print("Floor with the fakes computing every answer: %.2f s (%s); %s: %.2f s (%s), %.2f s of it CPU in "
                  "the floor process" % (
                      cold_floor["seconds"], ", ".join("%s %.2f" % i for i in cold_floor["per_source"].items()),
                      "again (still cold)" if options.cold else "with their answers replayed", floor["seconds"],
                      ", ".join("%s %.2f" % i for i in floor["per_source"].items()), floor["cpu_seconds"]))
            for index in range(0 if options.no_playbook else runs):
                result = run_playbook(workdir, config, index, options.timeout,
                                      [f.strip() for f in options.formats.split(",") if f.strip()] if options.formats else None)
                logs.append(servers.log())
                if result["rc"] != 0:
                    sys.stderr.write(_tail(result["log"]))
                try:
                    checks.append(run_phase("check", result["report_dir"], CHECK_TIMEOUT))
                except SystemExit as exc:
                    checks.append({"error": str(exc)})
                shutil.rmtree(result["report_dir"], ignore_errors=True)
                results.append(result)
                print("  run %d: %.2f s wall, %.2f s CPU (the ansible-playbook tree), peak %.0f MiB, exit %s, load average "
                      "%.1f at the end" % (index + 1, result["seconds"], result["cpu_seconds"], result["peak_mib"], result["rc"],
                                           result["load"]))
            for source in range(len(SPLIT)) if options.sources or options.profile else ():
                sys.stdout.flush()
                pulls.append(run_phase("pull", json.dumps({"config": config_path, "source": source, "profile": options.profile}),
                                       options.timeout, stderr=sys.stdout))
                servers.log()
                print("  %s alone: %.2f s, peak %.0f MiB above the imports, %d subjects, %s" % (
                    pulls[-1]["name"], pulls[-1]["seconds"], pulls[-1]["peak_mib"], pulls[-1]["subjects"], pulls[-1]["status"]))
        finally:
            if servers is not None:
                servers.stop()

    if not results:
        return 0
    return report(floor, floor_log, results, checks, logs, pulls)


def report(floor, floor_log, results, checks, logs, pulls):
    seconds = statistics.median(r["seconds"] for r in results)
    peak = statistics.median(r["peak_mib"] for r in results)
    problems = []
    for index, (result, check) in enumerate(zip(results, checks)):
        prefix = "run %d: " % (index + 1) if len(results) > 1 else ""
        if result["rc"] != 0:
            problems.append("%sansible-playbook exited %s (log tail above)" % (prefix, result["rc"]))
        if "error" in check:
            problems.append("%sfleet-summary.json could not be read: %s" % (prefix, check["error"]))
            continue
        if check["mobile"] != PHONES or check["kinds"].get("workstation"):
            problems.append("%s%d mobile subjects (%s), expected %d and no workstation"
                            % (prefix, check["mobile"], json.dumps(check["by_source"]), PHONES))
        bad = ["%s %s" % (s["name"], s["status"]) for s in check["sources"] if s["status"] != "complete"]
        if bad or len(check["sources"]) != len(SPLIT):
            problems.append("%ssources not all complete: %s" % (prefix, ", ".join(bad) or "%d sources" % len(check["sources"])))
    same = all(log == floor_log for log in logs)
    time_ok = seconds < TARGET_SECONDS
    mem_ok = peak < TARGET_MIB
    verdict = "PASS" if time_ok and mem_ok and not problems else "FAIL"

    rows = [("phase", "seconds", "peak MiB", "devices/s", "time/floor", "mem/floor", "target"),
            ("floor (urllib + json)", "%.2f" % floor["seconds"], "%.0f" % floor["peak_mib"],
             "%.0f" % (PHONES / floor["seconds"]), "1.0x", "1.0x", "-")]
    for index, result in enumerate(results):
        rows.append(("playbook%s" % (" run %d" % (index + 1) if len(results) > 1 else ""), "%.2f" % result["seconds"],
                     "%.0f" % result["peak_mib"], "%.0f" % (PHONES / result["seconds"]),
                     ratio(result["seconds"], floor["seconds"]), ratio(result["peak_mib"], floor["peak_mib"]),
                     "< %.0f s, < 1 GiB" % TARGET_SECONDS if index == 0 else ""))
    if len(results) > 1:
        rows.append(("playbook (median)", "%.2f" % seconds, "%.0f" % peak, "%.0f" % (PHONES / seconds),
                     ratio(seconds, floor["seconds"]), ratio(peak, floor["peak_mib"]), ""))
    print_table(rows, (0, 6))
    print("Floor: %d requests, %.1f MiB of JSON, %s phones; per source (s): %s. Its peak is the whole fresh process "
          "(%.0f MiB before the first page)." % (
              floor["requests"], floor["bytes"] / 2 ** 20, sum(floor["phones"].values()),
              ", ".join("%s %.2f" % item for item in floor["per_source"].items()), floor["baseline_mib"]))
    print("Playbook peak: ru_maxrss of the largest process of the ansible-playbook tree (RUSAGE_CHILDREN of a wrapper).")
    print("Requests (non-token) per server, floor vs playbook: %s; same URLs: %s." % (
        ", ".join("%s %d/%s" % (name, entry["requests"], "/".join(str(log[name]["requests"]) for log in logs))
                  for name, entry in floor_log.items()), "yes" if same else "NO"))
    for index, (result, check) in enumerate(zip(results, checks)):
        if "error" in check:
            continue
        print("Run %d summary: %d subjects (%s), %d invalid; sources: %s; compliance %s%%, %d input errors; "
              "fleet-summary.json %.0f MiB." % (
                  index + 1, check["subjects"], ", ".join("%s %d" % i for i in sorted(check["by_source"].items())),
                  sum(check["invalid"].values()),
                  ", ".join("%s %s %s" % (s["name"], s["status"], "%.2fs/%dreq" % (s["stats"]["seconds"], s["stats"]["requests"])
                                          if s.get("stats") else "") for s in check["sources"]),
                  check["compliance_pct"], check["input_errors"], check["bytes"] / 2 ** 20))
        callback = result.get("callback") or {}
        fleet = callback.get("fleet_summary") or {}
        if fleet.get("timings"):
            print("Run %d fleet_summary (s): %.2f in the action: %s" % (
                index + 1, fleet.get("seconds") or 0, ", ".join("%s %.2f" % i for i in fleet["timings"].items())))
        if callback.get("tasks"):
            slow = sorted(callback["tasks"], key=lambda t: -t[1])[:4]
            outside = result["seconds"] - sum(t[1] for t in callback["tasks"])
            print("Run %d slowest tasks (s): %s; outside tasks (start-up, parsing, exit) %.2f" % (
                index + 1, "; ".join("%s %.2f" % (name, s) for name, s in slow), outside))
    if pulls:
        print("Each source alone, outside Ansible (s / peak MiB): %s" % ", ".join(
            "%s %.2f / %.0f" % (p["name"], p["seconds"], p["peak_mib"]) for p in pulls))
    for problem in problems:
        print("PROBLEM: %s" % problem)
    print("Target for the playbook: under %.0f s and under 1 GiB on this %d-core machine: %s (median of %d run(s): "
          "%.2f s, %.0f MiB)." % (TARGET_SECONDS, os.cpu_count() or 0, verdict, len(results), seconds, peak))
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
