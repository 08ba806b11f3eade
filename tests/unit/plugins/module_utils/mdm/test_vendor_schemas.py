# -*- coding: utf-8 -*-
"""The MDM clients and the fakes' sample payloads against what the vendors publish as packages.

The fakes in tests/fakes/ were written from the same understanding as the clients, so they cannot catch a wrong
field name. Here every path, query parameter, field and enum value a client reads, and every field of the sample
payloads in examples/mdm/, is looked up in the vendor's own published description:

* Android Management API: the discovery document google-api-python-client ships (androidmanagement.v1.json);
* Microsoft Graph (Intune): the generated models and request builders of msgraph-sdk (v1.0) and
  msgraph-beta-sdk (beta);
* Jamf Pro: the models of jamf-pro-sdk (mobile devices, v2 inventory).

The packages are not installed: `make setup-test` downloads their wheels (requirements-vendor-schemas.txt, pinned)
into .build/vendor-schemas/, and the files needed are read from the wheels here. Workspace ONE publishes no such
package (its API reference lives on each tenant's API explorer), so it cannot be checked here (see the README).
"""

from __future__ import annotations

import ast
import glob
import json
import os
import re
import zipfile

import pytest

from ansible_collections.hardening.signal.plugins.module_utils.mdm import (
    android_management,
    android_management_records,
    intune,
    intune_records,
    jamf,
    jamf_records,
)
from tests.fakes.android_management_api import parse_fields

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", ".."))
WHEELS = os.path.join(ROOT, ".build", "vendor-schemas")
EXAMPLES = os.path.join(ROOT, "examples", "mdm")


def wheel(project):
    found = sorted(glob.glob(os.path.join(WHEELS, project.replace("-", "_") + "-*.whl")))
    assert found, "%s's wheel is not in %s: run make setup-test (requirements-vendor-schemas.txt)" % (project, WHEELS)
    return zipfile.ZipFile(found[-1])


def example(*parts):
    with open(os.path.join(EXAMPLES, *parts), encoding="utf-8") as handle:
        return json.load(handle)


# --------------------------------------------------------------------------------------------------------------------
# Android Management API: the discovery document


@pytest.fixture(scope="module")
def discovery():
    with wheel("google-api-python-client") as archive:
        return json.loads(archive.read("googleapiclient/discovery_cache/documents/androidmanagement.v1.json"))


def _schema(discovery, name):
    return discovery["schemas"][name]


def _property(discovery, schema, name):
    """(the property's own schema, the schema its values have: items and $ref followed)."""
    assert name in schema.get("properties", {}), "%s has no property %s" % (schema.get("id"), name)
    prop = schema["properties"][name]
    target = prop.get("items", prop)
    if "$ref" in target:
        target = _schema(discovery, target["$ref"])
    return prop, target


def _enum(discovery, schema_name, path):
    node = _schema(discovery, schema_name)
    *parents, last = path.split(".")
    for part in parents:
        node = _property(discovery, node, part)[1]
    prop = node["properties"][last]
    return set((prop.get("items") or prop).get("enum") or ())


def _walk_mask(discovery, schema, mask, where):
    for name, sub in mask.items():
        prop, target = _property(discovery, schema, name)
        if sub:
            _walk_mask(discovery, target, sub, "%s.%s" % (where, name))


def _walk_payload(discovery, schema, value, where):
    """Every key of a sample payload is a property of the schema it sits in."""
    if isinstance(value, list):
        for index, item in enumerate(value):
            _walk_payload(discovery, schema, item, "%s[%d]" % (where, index))
        return
    if not isinstance(value, dict) or "properties" not in schema:
        return
    for key, item in value.items():
        assert key in schema["properties"], "%s: %s is not a field of %s" % (where, key, schema.get("id"))
        _walk_payload(discovery, _property(discovery, schema, key)[1], item, "%s.%s" % (where, key))


def test_the_devices_list_path_and_its_query_parameters(discovery):
    method = discovery["resources"]["enterprises"]["resources"]["devices"]["methods"]["list"]
    assert method["path"] == "v1/{+parent}/devices" and method["httpMethod"] == "GET"
    assert {"pageSize", "pageToken"} <= set(method["parameters"])
    assert "fields" in discovery["parameters"]  # the partial-response mask, a standard parameter
    assert method["response"]["$ref"] == "ListDevicesResponse"
    url = android_management._devices_url("https://x", "LC01", 100, "tok")
    query = set(part.split("=")[0] for part in url.split("?", 1)[1].split("&"))
    assert query <= set(method["parameters"]) | set(discovery["parameters"])
    policy = discovery["resources"]["enterprises"]["resources"]["policies"]["methods"]["get"]
    assert policy["path"] == "v1/{+name}" and policy["response"]["$ref"] == "Policy"
    assert discovery["rootUrl"].rstrip("/") == android_management.DEFAULT_API_URL
    assert android_management.SCOPE in discovery["auth"]["oauth2"]["scopes"]


def test_every_field_of_the_fields_mask_exists(discovery):
    _walk_mask(discovery, _schema(discovery, "ListDevicesResponse"), parse_fields(android_management.DEVICE_FIELDS),
               "ListDevicesResponse")


def test_the_signing_certificate_field_is_the_base64_sha256(discovery):
    prop, cert = _property(discovery, _schema(discovery, "ApplicationReport"), "signingKeyCerts")
    digest = cert["properties"]["signingKeyCertFingerprintSha256"]
    assert digest["type"] == "string" and "SHA-256" in digest.get("description", "").replace("SHA256", "SHA-256")


def _passcode_control_values(fact):
    """The literals sh-3.7-mobile-passcode compares an Android fact with (value and unknown_values)."""
    import yaml
    with open(os.path.join(ROOT, "roles", "signal_hardening", "controls", "sh-3.7-mobile-passcode.yml"),
              encoding="utf-8") as handle:
        control = yaml.safe_load(handle)
    found = set()

    def walk(node):
        if isinstance(node, dict):
            if node.get("fact") == fact:
                value = node.get("value")
                found.update(value if isinstance(value, list) else [value] if isinstance(value, str) else [])
                found.update(v for v in node.get("unknown_values") or () if isinstance(v, str))
            for child in node.values():
                walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)
    walk(control["check"]["test"])
    assert found, "sh-3.7-mobile-passcode compares %s with nothing" % fact
    return found


def test_every_enum_value_the_client_reads_exists(discovery):
    records = android_management_records
    read = {
        ("Device", "ownership"): set(records._OWNERSHIP),
        ("Device", "managementMode"): {"DEVICE_OWNER", "PROFILE_OWNER"},
        ("Device", "state"): set(records.IN_USE_STATES) | set(records.NOT_IN_USE),
        ("ApplicationReport", "state"): {"INSTALLED", "REMOVED"},
        ("ApplicationReport", "applicationSource"): {"INSTALLED_FROM_PLAY_STORE", "APPLICATION_SOURCE_UNSPECIFIED"},
        ("PowerManagementEvent", "eventType"): {"BOOT_COMPLETED"},
        ("NonComplianceDetail", "nonComplianceReason"): {records.DEFAULT_NONCOMPLIANCE_REASON}
        | _passcode_control_values("reason"),
        ("Policy", "keyguardDisabledFeatures"): set(records._HIDING_KEYGUARD_FEATURES),
        ("Policy", "appAutoUpdatePolicy"): set(records._APP_AUTO_UPDATE),
        ("ApplicationPolicy", "autoUpdateMode"): set(records._APP_UPDATE_MODE) | set(records._APP_UPDATE_MODE_DEFERRING),
        # The control judges these values; the client puts back the defaults the API leaves out.
        ("PasswordRequirements", "passwordScope"): {records.DEFAULT_PASSWORD_SCOPE} | _passcode_control_values("scope"),
        ("PasswordRequirements", "passwordQuality"): {records.DEFAULT_PASSWORD_QUALITY}
        | _passcode_control_values("quality"),
    }
    for (schema, path), values in read.items():
        published = _enum(discovery, schema, path)
        assert values <= published, "%s.%s: %s not in the discovery document" % (schema, path, values - published)


def test_every_policy_field_the_client_reads_exists(discovery):
    policy = _schema(discovery, "Policy")
    for name in ("keyguardDisabledFeatures", "maximumTimeToLock", "appAutoUpdatePolicy", "applications",
                 "passwordPolicies", "passwordRequirements", "statusReportingSettings", "version"):
        _property(discovery, policy, name)
    _property(discovery, _schema(discovery, "ApplicationPolicy"), "autoUpdateMode")
    _property(discovery, _schema(discovery, "StatusReportingSettings"), "powerManagementEventsEnabled")
    _property(discovery, _schema(discovery, "StatusReportingSettings"), "applicationReportsEnabled")
    for name in ("settingName", "fieldPath", "nonComplianceReason", "specificNonComplianceReason"):
        _property(discovery, _schema(discovery, "NonComplianceDetail"), name)
    for name in ("passwordQuality", "passwordScope", "passwordMinimumLength"):
        _property(discovery, _schema(discovery, "PasswordRequirements"), name)


def test_every_field_of_the_sample_payloads_exists(discovery):
    _walk_payload(discovery, _schema(discovery, "ListDevicesResponse"), example("android_management", "devices.json"),
                  "devices.json")
    for index, policy in enumerate(example("android_management", "policies.json")["policies"]):
        _walk_payload(discovery, _schema(discovery, "Policy"), policy, "policies.json policies[%d]" % index)


# --------------------------------------------------------------------------------------------------------------------
# Microsoft Graph: msgraph-sdk (v1.0) and msgraph-beta-sdk (beta)


class Graph(object):
    """Model fields and enum values read from the generated sources of one SDK wheel."""

    def __init__(self, project, package):
        self.archive = wheel(project)
        self.package = package
        self._sources = {}

    def source(self, relative):
        if relative not in self._sources:
            name = "%s/generated/%s" % (self.package, relative)
            assert name in self.archive.namelist(), "%s is not in %s" % (name, self.package)
            self._sources[relative] = self.archive.read(name).decode("utf-8")
        return self._sources[relative]

    def has(self, relative):
        return "%s/generated/%s" % (self.package, relative) in self.archive.namelist()

    def fields(self, model):
        """The JSON names the model deserializes, its base classes' included."""
        text = self.source("models/%s.py" % model)
        found = set(re.findall(r'^\s+"([^"]+)": lambda n :', text, re.M))
        base = re.search(r"^class \w+\((\w+), Parsable\)", text, re.M)
        if base and base.group(1) not in ("AdditionalDataHolder", "BackedModel"):
            found |= self.fields(_snake(base.group(1)))
        return found

    def enum(self, name):
        return set(re.findall(r'^\s+\w+ = "([^"]+)",?$', self.source("models/%s.py" % name), re.M))

    def query_parameters(self, builder):
        return set(re.findall(r'"%24(\w+)"', self.source(builder)))


def _snake(name):
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _odata_model(odata_type):
    return _snake(odata_type.rsplit(".", 1)[1][0].upper() + odata_type.rsplit(".", 1)[1][1:])


@pytest.fixture(scope="module")
def graph():
    return Graph("msgraph-sdk", "msgraph")


@pytest.fixture(scope="module")
def beta():
    return Graph("msgraph-beta-sdk", "msgraph_beta")


def _keys(item):
    return {k for k in item if not k.startswith("@odata.")}


def test_the_v1_paths_and_query_parameters(graph):
    devices = "device_management/managed_devices/managed_devices_request_builder.py"
    apps = "device_management/detected_apps/detected_apps_request_builder.py"
    app_devices = "device_management/detected_apps/item/managed_devices/managed_devices_request_builder.py"
    for builder in (devices, apps, app_devices):
        assert {"select", "filter", "top"} <= graph.query_parameters(builder), builder
    assert "{+baseurl}/deviceManagement/managedDevices" in graph.source(devices)
    assert "{+baseurl}/deviceManagement/detectedApps/{detectedApp%2Did}/managedDevices" in graph.source(app_devices)


def test_the_beta_paths(beta):
    configurations = "device_management/device_configurations/device_configurations_request_builder.py"
    assignments = "device_management/device_configurations/item/assignments/assignments_request_builder.py"
    assert "{+baseurl}/deviceManagement/deviceConfigurations" in beta.source(configurations)
    assert "/assignments" in beta.source(assignments)


def test_the_device_and_app_fields_the_client_selects_exist(graph):
    assert set(intune.DEVICE_FIELDS) <= graph.fields("managed_device")
    assert {"id", "displayName", "version", "platform", "publisher"} <= graph.fields("detected_app")
    assert set(intune_records._OWNERSHIP) <= graph.enum("managed_device_owner_type")
    platforms = graph.enum("detected_app_platform_type")
    assert {p.lower() for p in intune_records.APP_PLATFORMS_OTHER} <= {p.lower() for p in platforms}


def test_the_profile_fields_and_values_the_client_reads_exist(beta):
    assert {"passcodeRequired", "passcodeMinutesOfInactivityBeforeScreenTimeout",
            "passcodeMinutesOfInactivityBeforeLock"} <= beta.fields("ios_general_device_configuration")
    assert "notificationSettings" in beta.fields("ios_device_features_configuration")
    assert {"bundleID", "enabled", "showOnLockScreen", "previewVisibility"} <= beta.fields("ios_notification_settings")
    assert {"notConfigured", "alwaysShow", "hideWhenLocked", "neverShow"} <= beta.enum("ios_notification_preview_visibility")
    assert {"passwordMinutesOfInactivityBeforeScreenTimeout", "appsAutoUpdatePolicy",
            "passwordBlockKeyguardFeatures"} <= beta.fields("android_device_owner_general_device_configuration")
    assert set(intune_records._AUTO_UPDATE) | {"notConfigured"} <= beta.enum(
        "android_device_owner_app_auto_update_policy_type")
    keyguard = {v.lower() for v in beta.enum("android_keyguard_feature")}
    assert set(intune_records._KEYGUARD_HIDES) <= keyguard
    for odata_type in intune_records.PROFILE_TYPES:
        assert {"id", "displayName"} <= beta.fields(_odata_model(odata_type)), odata_type
    assert {"target", "intent"} <= beta.fields("device_configuration_assignment")
    assert {"deviceAndAppManagementAssignmentFilterId", "deviceAndAppManagementAssignmentFilterType"} <= beta.fields(
        "device_and_app_management_assignment_target")
    assert beta.has("models/all_devices_assignment_target.py") and beta.has("models/all_licensed_users_assignment_target.py")
    assert "none" in beta.enum("device_and_app_management_assignment_filter_type")


def test_every_field_of_the_sample_payloads_exists_in_graph(graph, beta):
    responses = example("intune", "graph-responses.json")["responses"]
    for device in responses["/v1.0/deviceManagement/managedDevices"]["value"]:
        assert _keys(device) <= graph.fields("managed_device"), _keys(device) - graph.fields("managed_device")
    for app in responses["/v1.0/deviceManagement/detectedApps"]["value"]:
        assert _keys(app) <= graph.fields("detected_app"), _keys(app) - graph.fields("detected_app")
    for profile in responses["/beta/deviceManagement/deviceConfigurations"]["value"]:
        fields = beta.fields(_odata_model(profile["@odata.type"]))
        assert _keys(profile) <= fields, (profile["@odata.type"], _keys(profile) - fields)
        for setting in profile.get("notificationSettings") or ():
            assert set(setting) <= beta.fields("ios_notification_settings"), set(setting)
    for path, body in responses.items():
        if path.endswith("/assignments"):
            for assignment in body["value"]:
                assert _keys(assignment) <= beta.fields("device_configuration_assignment"), path
                target = assignment["target"]
                assert _keys(target) <= beta.fields(_odata_model(target["@odata.type"])), path


# --------------------------------------------------------------------------------------------------------------------
# Jamf Pro: jamf-pro-sdk's models of the v2 mobile device inventory


@pytest.fixture(scope="module")
def jamf_models():
    with wheel("jamf-pro-sdk") as archive:
        tree = ast.parse(archive.read("jamf_pro_sdk/models/pro/mobile_devices.py").decode("utf-8"))
    models = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            fields = {}
            for statement in node.body:
                if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
                    fields[statement.target.id] = ast.unparse(statement.annotation)
            values = {s.value.value for s in node.body if isinstance(s, ast.Assign) and isinstance(s.value, ast.Constant)}
            models[node.name] = {"fields": fields, "values": values}
    return models


def _jamf_section_model(models, annotation):
    name = re.search(r"(MobileDevice\w+)", annotation)
    return models[name.group(1)] if name else None


def test_the_jamf_sections_and_fields_the_client_reads_exist(jamf_models):
    detail = jamf_models["MobileDevice"]["fields"]
    assert {"mobileDeviceId", "deviceType"} <= set(detail)
    sections = {"general": {"displayName", "osVersion", "lastInventoryUpdateDate", "supervised", "deviceOwnershipType"},
                "hardware": {"serialNumber", "model"}, "userAndLocation": {"username", "realName", "emailAddress"},
                "security": {"passcodePresent", "passcodeCompliant", "passcodeCompliantWithProfile"},
                "applications": {"identifier", "shortVersion", "version", "managementStatus"}}
    for section, read in sections.items():
        assert section in detail, section
        model = _jamf_section_model(jamf_models, detail[section])
        assert read <= set(model["fields"]), (section, read - set(model["fields"]))
    ownership = {v.lower() for v in jamf_models["MobileDeviceOwnershipType"]["values"]}
    known = set(jamf_records.OWNERSHIP) | set(jamf_records.UNCLEAR_OWNERSHIP)
    assert ownership <= known, ownership - known  # every enrollment type the SDK knows is mapped
    device_types = jamf_models["MobileDeviceType"]["values"]
    assert {t.lower() for t in device_types} <= set(jamf_records.PHONE_TYPES) | set(jamf_records.NOT_PHONE_TYPES)
    assert set(jamf.SECTIONS) <= {"GENERAL", "HARDWARE", "USER_AND_LOCATION", "SECURITY", "APPLICATIONS", "PURCHASING",
                                  "NETWORK", "PROFILES", "CERTIFICATES", "EBOOKS", "EXTENSION_ATTRIBUTES",
                                  "SHARED_USERS", "PROVISIONING_PROFILES", "USER_PROFILES", "GROUPS"}


def test_every_field_of_the_jamf_sample_exists_in_the_models(jamf_models):
    detail = jamf_models["MobileDevice"]["fields"]
    for device in example("jamf", "mobile-devices-detail.json")["results"]:
        assert set(device) <= set(detail), set(device) - set(detail)
        for section, value in device.items():
            model = _jamf_section_model(jamf_models, detail[section])
            if model is None:
                continue
            for entry in value if isinstance(value, list) else [value]:
                if isinstance(entry, dict):
                    assert set(entry) <= set(model["fields"]), (section, set(entry) - set(model["fields"]))
