# -*- coding: utf-8 -*-
"""Deterministic synthetic fleets for the four vendor fakes: 50,000 phones as bench/bench_mdm.py serves them.

Each generator returns what its fake (tests/fakes/*_api.py) takes, with compliant, failing, incomplete, stale,
malformed and unusable records in each source, and records that are not phones:

  Microsoft Intune (Graph)     15,000 phones  iOS, iPadOS, Android
  Jamf Pro                     15,000 phones  iOS (+150 Apple TVs)
  Android Management API       15,000 phones  Android
  Workspace ONE UEM             5,000 phones  iOS, Android (+100 desktops)

    fleet = build_fleet()   # {"intune": (devices, apps, app_devices, configurations, assignments), ...}
"""

from __future__ import annotations

import base64
import collections
import datetime
import hashlib
import os
import random

from tests.fakes.android_management_api import load_example
from tests.fakes.draws import weighted
from tests.fakes.intune_api import load_export
from tests.fakes.jamf_api import make_device as jamf_device
from tests.fakes.workspace_one_api import make_apps
from tests.fakes.workspace_one_api import make_device as workspace_one_device

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

SEED = 20261127
# Phones per source (what the summary must show), and records in the same tenants that are not phones.
SPLIT = collections.OrderedDict([("intune", 15000), ("jamf", 15000), ("android_management", 15000),
                                 ("workspace_one", 5000)])
NOT_PHONES = {"jamf": 150, "workspace_one": 100}
PHONES = sum(SPLIT.values())
# Page sizes the fakes serve: Graph's managedDevices page (the client sends no $top unless page_size is set), Jamf
# and Workspace ONE as the clients ask (500), the Android Management API's maximum (100).
INTUNE_PAGE = 1000
NEWEST = {"desktop": "7.80.0", "ios": "7.85", "android": "7.80.2"}

TENANT_ID = "11111111-2222-4333-8444-555555555555"
ENTERPRISE = "LC03w1x2y3"
CREDENTIALS = {
    "intune": {"client_id": "bench-graph-app", "client_secret": "bench~graph.Secret_1"},
    "jamf": {"client_id": "bench-jamf-client", "client_secret": "bench-jamf-Secret-2"},
    "workspace_one": {"client_id": "bench-ws1-client", "client_secret": "bench-ws1-Secret-3", "tenant_code": "BenchTenantCode4"},
}
# Signal's signing certificates (base64 SHA-256) and one that is not Signal's, for Android application reports.
SIGNAL_CERTS = ("S+T2zVvoRAg+kAJ53IIq9lpUf+zCarp/8fUgOkVRjNg=", "KfNOXyfyEbQkvFv51nFiwOr7oto1rzXBZBb8RGJ2uiY=")
FOREIGN_CERT = "q1sWc2gYl8y9Q0kC0Jb3s7mYx8m2Uu6+R1hO2bq5FQk="


def _cert(identifier):
    """A stable stand-in signing certificate for another app."""
    return base64.b64encode(hashlib.sha256(identifier.encode("utf-8")).digest()).decode("ascii")


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
    dummy, dummy, dummy, configurations, assignments = load_export(
        os.path.join(ROOT, "examples", "mdm", "intune", "graph-responses.json"))
    apps = []

    def app(name, version, platform):
        entry = {"id": "a0d1c2b3-0000-4000-8000-%012d" % (len(apps) + 1), "displayName": name, "version": version,
                 "publisher": "Signal Messenger, LLC" if name.startswith("Signal") else "Microsoft Corporation",
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
        system = weighted(rng, {"iOS": 50, "iPadOS": 5, "Android": 45})
        owner_type = weighted(rng, {"company": 80, "personal": 17, "unknown": 3})
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
        kind = weighted(rng, {"current": 85, "stale": 4, "never_synced": 1, "no_user": 2, "malformed": 0.3, "fatal": 0.1})
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
                version = weighted(rng, {"7.80.2": 70, "7.79.1": 20, "7.52.0": 10})
                app_devices[android[version]].append(device_id)
            else:
                version = weighted(rng, {"7.85": 62, "renamed": 8, "7.84": 18, "7.61": 12})
                app_devices[ios[version]].append(device_id)
                if rng.random() < 0.01:  # a stale inventory lists two versions
                    app_devices[ios["7.61" if version != "7.61" else "7.84"]].append(device_id)
    # Microsoft Teams and the others are on most devices (only Signal's are asked for).
    for entry in apps[len(ios) + len(android) + 1:]:
        app_devices[entry["id"]] = [d["id"] for d in devices[:2000] if d["id"]]
    return devices, apps, app_devices, configurations, assignments


def gen_jamf(rng, anchor, owners):
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
            device = jamf_device(number, displayName="Meeting room TV %d" % number, osVersion="18.6")
            device["deviceType"] = "tvOS"
            device["applications"] = []
            devices.append(device)
            continue
        person = rng.randrange(owners)
        enrollment = weighted(rng, {"Institutional": 78, "UserEnrollment": 9, "AccountDrivenUserEnrollment": 5,
                                    "AccountDrivenDeviceEnrollment": 8})
        device = jamf_device(number, displayName="iPhone J%05d" % number,
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
        passcode = weighted(rng, {"ok": 88, "not_compliant": 5, "absent": 4, "no_section": 3})
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
            signal_version = weighted(rng, {"7.85": 60, "7.84": 14, "7.70": 8, "7.52": 3, None: 15})
        if signal_version is not None:
            apps = apps + [signal_apps[signal_version]]
        device["applications"] = apps
        kind = weighted(rng, {"current": 95, "stale": 4, "no_inventory_date": 1, "malformed": 0.3, "fatal": 0.1})
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
    dummy, policies = load_example()
    strict, lax, work, kiosk = ("enterprises/%s/policies/%s" % (ENTERPRISE, p)
                                for p in ("fully-managed-strict", "fully-managed-lax", "work-profile", "lobby-kiosk"))
    pool = _app_pool("com.", 80, rng)
    stamp = "%Y-%m-%dT%H:%M:%S.123Z"

    def report(ident, name, version, source, installer, cert=None):
        entry = {"packageName": ident, "displayName": name, "versionName": version, "versionCode": 100000 + len(ident),
                 "state": "INSTALLED", "applicationSource": source, "events": [],
                 "signingKeyCerts": [{"signingKeyCertFingerprintSha256": cert or _cert(ident)}]}
        if installer:
            entry["installerPackageName"] = installer
        return entry
    system_apps = [report(i, n, v, "SYSTEM_APP_FACTORY_VERSION", None) for i, n, v in pool[:20]]
    store_apps = [report(i, n, v, "INSTALLED_FROM_PLAY_STORE", "com.android.vending") for i, n, v in pool[20:]]
    signal = {}
    for version in ("7.80.2", "7.79.1", "7.70.0", "7.52.0"):
        signal[version, "play"] = report("org.thoughtcrime.securesms", "Signal", version, "INSTALLED_FROM_PLAY_STORE",
                                         "com.android.vending", SIGNAL_CERTS[0])
        # a repackaged build, installed by the package installer
        signal[version, "sideload"] = report("org.thoughtcrime.securesms", "Signal", version,
                                             "APPLICATION_SOURCE_UNSPECIFIED", "com.google.android.packageinstaller",
                                             FOREIGN_CERT)
        # signal.org's APK on an older phone: Signal's older certificate, no source reported
        signal[version, "unknown"] = report("org.thoughtcrime.securesms", "Signal", version, None, None, SIGNAL_CERTS[1])
        del signal[version, "unknown"]["applicationSource"]
    devices = []
    for index in range(SPLIT["android_management"]):
        person = rng.randrange(owners)
        mode = weighted(rng, {"fully_managed": 65, "work_profile": 30, "cope": 5})
        company = mode != "work_profile"
        if mode == "fully_managed":
            policy = weighted(rng, {strict: 55, lax: 40, kiosk: 5})
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
            version = weighted(rng, {"7.80.2": 66, "7.79.1": 20, "7.70.0": 9, "7.52.0": 5})
            source = weighted(rng, {"play": 95, "sideload": 3, "unknown": 2})
            apps = apps + [signal[version, source]]
        device["applicationReports"] = apps
        if company:
            boot = rng.uniform(0, 20) if rng.random() < 0.65 else rng.uniform(30, 400)
            events = [{"eventType": "BATTERY_LEVEL_COLLECTED", "createTime": _ago(anchor, h, stamp),
                       "batteryLevel": rng.randint(5, 100)} for h in sorted(rng.sample(range(1, 200), rng.randint(0, 5)))]
            events.append({"eventType": "BOOT_COMPLETED", "createTime": _ago(anchor, boot, stamp)})
            device["powerManagementEvents"] = events
        secure = weighted(rng, {"secure": 91, "insecure": 4, "not_reported": 3, "user_action": 2})
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
        kind = weighted(rng, {"current": 95, "stale": 4.6, "malformed": 0.3, "fatal": 0.1})
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
            devices.append(workspace_one_device(number, platform=rng.choice(("WinRT", "AppleOsX")), Model="Laptop",
                                                OperatingSystem="10.0.26100", LastSeen=_ago(anchor, 2, stamp)))
            continue
        platform = "Apple" if rng.random() < 0.55 else "Android"
        ownership = weighted(rng, {"C": 65, "E": 25, "S": 5, "Undefined": 5})
        device = workspace_one_device(number, platform=platform, ownership=ownership,
                                      OperatingSystem=rng.choice(("18.6.2", "18.5")) if platform == "Apple" else rng.choice(("16", "15")),
                                      UserName="person%05d" % person if rng.random() < 0.6 else _owner(person),
                                      UserEmailAddress=_owner(person), DeviceFriendlyName="Phone W%05d" % number,
                                      LastSeen=_ago(anchor, rng.uniform(0, 48), stamp),
                                      SerialNumber="W%011d" % rng.randrange(10 ** 11), IsSupervised=platform == "Apple" and ownership != "E",
                                      LocationGroupName="Example Org", Udid="%032X" % number, Imei="", PhoneNumber="",
                                      LastEnrolledOn=_ago(anchor, rng.uniform(500, 9000), stamp))
        newest = NEWEST["ios" if platform == "Apple" else "android"]
        old = "7.70" if platform == "Apple" else "7.70.0"
        version = weighted(rng, {newest: 70, old: 15, None: 15})
        managed_only = ownership == "E" and rng.random() < 0.5
        listed = make_apps(platform, signal_version=version, personal=not managed_only)
        if not managed_only:
            listed += rng.sample(extra[platform], rng.randint(8, 30))
        if rng.random() >= 0.01:  # 1%: no app list at all (204)
            apps[number] = listed
        kind = weighted(rng, {"current": 94, "stale": 4, "never": 1, "no_last_seen": 0.6, "malformed": 0.3, "fatal": 0.1})
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


def build_fleet(seed=SEED, anchor=None):
    """Every source's data, generated from one seed (about 10 s: the fleet is large)."""
    rng = random.Random(seed)
    anchor = anchor or datetime.datetime.now(datetime.timezone.utc).replace(second=0, microsecond=0)
    owners = int(PHONES * 0.8)
    return {"intune": gen_intune(rng, anchor, owners), "jamf": gen_jamf(rng, anchor, owners),
            "android_management": gen_android_management(rng, anchor, owners),
            "workspace_one": gen_workspace_one(rng, anchor, owners)}
