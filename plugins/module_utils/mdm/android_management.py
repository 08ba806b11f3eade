# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Android Management API source: Google's EMM API for Android Enterprise, read with a service account.

Options: enterprise_id (``LC01abcd`` or ``enterprises/LC01abcd``) and
service_account_file (a Google service-account JSON key with
``client_email``, ``private_key`` and usually ``token_uri``; the key never
leaves this process except as a signed assertion, and it is redacted from
every message). page_size defaults to the API's maximum, 100; larger
values are lowered to 100 (the API would coerce them anyway).

Token: Google's JWT bearer grant (auth.GoogleServiceAccount), scope
``https://www.googleapis.com/auth/androidmanagement``. Token URL: an
explicit ``token_url`` option wins; when the option is left at
DEFAULT_TOKEN_URL, the key file's ``token_uri`` is used (Google's own
client libraries do the same, and it is the audience the key was issued
for); without either, DEFAULT_TOKEN_URL.

Requests: ``GET {api}/v1/enterprises/{e}/devices?pageSize=100&pageToken=...``
with a ``fields`` mask naming only what is read below (application
reports carry events, hashes and certificates that would multiply the
transfer), following ``nextPageToken`` to the end; and one
``GET {api}/v1/{appliedPolicyName}`` per distinct policy, cached for the
pull. No request per device. A policy answering 403 or 404 does not stop
the pull: the values that come from it are unknown on its devices, with
the reason; every other failure raises MdmHttpError.

What comes from where is in android_management_records (pure functions of the answers).
"""

from __future__ import annotations

import json
import re

from ansible.module_utils.six.moves.urllib.parse import quote, urlencode

from ansible_collections.hardening.signal.plugins.module_utils.mdm.android_management_records import kind_of, normalize
from ansible_collections.hardening.signal.plugins.module_utils.mdm.auth import GoogleServiceAccount
from ansible_collections.hardening.signal.plugins.module_utils.mdm.constants import SIGNAL_ANDROID_PACKAGE
from ansible_collections.hardening.signal.plugins.module_utils.mdm.contract import NotAPhone, Vendor
from ansible_collections.hardening.signal.plugins.module_utils.mdm.http import HttpClient, MdmHttpError, check_url
from ansible_collections.hardening.signal.plugins.module_utils.mdm.paging import MAX_PAGES

TYPE = "android_management"
REQUIRED = ("enterprise_id", "service_account_file")
DEFAULT_API_URL = "https://androidmanagement.googleapis.com"
DEFAULT_TOKEN_URL = "https://oauth2.googleapis.com/token"

SCOPE = "https://www.googleapis.com/auth/androidmanagement"
SIGNAL_PACKAGE = SIGNAL_ANDROID_PACKAGE
MAX_PAGE_SIZE = 100

# Partial response: only what _normalize reads (Google APIs' standard `fields` parameter).
DEVICE_FIELDS = (
    "nextPageToken,devices(name,appliedPolicyName,appliedPolicyVersion,appliedPasswordPolicies,policyCompliant,"
    "nonComplianceDetails,state,ownership,managementMode,lastStatusReportTime,hardwareInfo(model,serialNumber),"
    "softwareInfo(androidVersion),deviceSettings(isDeviceSecure),user(accountIdentifier),"
    "powerManagementEvents(eventType,createTime),"
    "applicationReports(packageName,versionName,state,installerPackageName,applicationSource,"
    "signingKeyCerts(signingKeyCertFingerprintSha256)))"
)

_ENTERPRISE_ID = re.compile(r"^[A-Za-z0-9_-]{1,128}$")


# ---------------------------------------------------------------------------------------------------------------------
# Options and connection


def enterprise_id(options):
    """The bare enterprise id from the option (``LC01abcd`` or ``enterprises/LC01abcd``); None when unusable."""
    value = options.get("enterprise_id")
    if not isinstance(value, str):
        return None
    value = value.strip()
    if value.startswith("enterprises/"):
        value = value[len("enterprises/"):]
    return value if _ENTERPRISE_ID.match(value) else None


def _pem_lines(private_key):
    """The base64 lines of a PEM key: redacted one by one too, should any message carry a fragment."""
    return [line.strip() for line in private_key.splitlines()
            if len(line.strip()) >= 16 and not line.startswith("-----")]


def read_service_account(client, path):
    """The parsed key file, checked; fails naming the option and the path, never the key's content."""
    if not isinstance(path, str) or not path.strip():
        raise client.fail("option service_account_file is required (the path of a Google service-account JSON key)")
    try:
        with open(path, "rb") as handle:
            raw = handle.read(1024 * 1024)
    except OSError as exc:
        raise client.fail("option service_account_file: %s cannot be read: %s" % (path, exc.strerror or type(exc).__name__))
    try:
        info = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        # The parser's message could quote the file: say only where it broke.
        raise client.fail("option service_account_file: %s is not a JSON service-account key" % path)
    if not isinstance(info, dict):
        raise client.fail("option service_account_file: %s is not a JSON service-account key (not an object)" % path)
    private_key = info.get("private_key")
    if isinstance(private_key, str) and private_key:
        client.add_secret(private_key)
        for line in _pem_lines(private_key):
            client.add_secret(line)
    for field in ("client_email", "private_key"):
        if not isinstance(info.get(field), str) or not info.get(field).strip():
            raise client.fail("option service_account_file: %s has no %s" % (path, field))
    if info.get("type") not in (None, "service_account"):
        raise client.fail("option service_account_file: %s is a %r key, not a service_account key"
                          % (path, str(info.get("type"))[:40]))
    token_uri = info.get("token_uri")
    if token_uri is not None and (not isinstance(token_uri, str) or not token_uri.strip()):
        raise client.fail("option service_account_file: %s has a token_uri that is not a URL" % path)
    try:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa
    except ImportError:
        raise client.fail("option service_account_file: signing with the key needs the Python package cryptography")
    try:
        key = serialization.load_pem_private_key(private_key.encode("utf-8"), password=None)
    except (ValueError, TypeError):
        raise client.fail("option service_account_file: the private_key in %s is not a readable PEM key" % path)
    except Exception:  # pylint: disable=broad-except  # some backends raise their own errors: never echo them
        raise client.fail("option service_account_file: the private_key in %s is not a readable PEM key" % path)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise client.fail("option service_account_file: the private_key in %s is not an RSA key" % path)
    return info


def token_url_for(options, info):
    """An explicit token_url wins; left at the default, the key's token_uri (its own audience); else the default."""
    configured = options.get("token_url")
    if configured and configured != DEFAULT_TOKEN_URL:
        return configured
    token_uri = info.get("token_uri")
    if isinstance(token_uri, str) and token_uri.strip():
        return token_uri.strip()
    return configured or DEFAULT_TOKEN_URL


def connect(options, policy, stats):
    """-> HttpClient with a Google service-account token provider (no request made yet)."""
    name = options.get("name") or TYPE
    client = HttpClient(name, policy=policy, stats=stats)
    if not options.get("enterprise_id"):
        raise client.fail("option enterprise_id is required (the enterprise, e.g. LC01abcd or enterprises/LC01abcd)")
    if enterprise_id(options) is None:
        raise client.fail("option enterprise_id: %r is not an enterprise id (letters, digits, '-' and '_')"
                          % str(options.get("enterprise_id"))[:80])
    info = read_service_account(client, options.get("service_account_file"))
    token_url = token_url_for(options, info)
    api_url = options.get("api_url") or DEFAULT_API_URL
    token_from = "option token_url" if token_url == options.get("token_url") else "the token_uri of service_account_file"
    for what, url in ((token_from, token_url), ("option api_url", api_url)):
        try:
            check_url(url)
        except MdmHttpError as exc:
            raise client.fail("%s: %s" % (what, exc))
    _page_size(client, options)
    client.token_provider = GoogleServiceAccount(client, info, SCOPE, token_url=token_url)
    return client


def owner_mapping(client, options):
    """The organisation's mapping of user.accountIdentifier to a person: owners_file, then the owners option on top.
    A file that cannot be read, or an entry that is not text to text, fails the source naming the option."""
    owners = {}
    path = options.get("owners_file")
    if path:
        try:
            import yaml  # only with an owners file; ansible-core brings PyYAML to the controller
        except ImportError:
            raise client.fail("option owners_file: reading it needs the Python package PyYAML")
        try:
            with open(str(path), "rb") as handle:
                loaded = yaml.safe_load(handle.read(16 * 1024 * 1024))  # JSON is YAML
        except (OSError, yaml.YAMLError) as exc:
            raise client.fail("option owners_file: %s cannot be read as JSON or YAML: %s"
                              % (path, getattr(exc, "strerror", None) or type(exc).__name__))
        owners.update(_checked_owners(client, "owners_file %s" % path, loaded))
    if options.get("owners"):
        owners.update(_checked_owners(client, "owners", options["owners"]))
    return owners


def _checked_owners(client, where, mapping):
    if not isinstance(mapping, dict):
        raise client.fail("option %s: expected an object of account identifier to person, got a %s"
                          % (where, kind_of(mapping)))
    for key, value in mapping.items():
        if not isinstance(key, str) or not isinstance(value, str) or not value.strip():
            raise client.fail("option %s: the entry for %r must name a person (a UPN or e-mail address)" % (where, key))
    return {key: value.strip() for key, value in mapping.items()}


def _page_size(client, options):
    value = options.get("page_size")
    if value is None:
        return MAX_PAGE_SIZE
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise client.fail("option page_size: %r is not a positive whole number" % (value,))
    return min(value, MAX_PAGE_SIZE)


# ---------------------------------------------------------------------------------------------------------------------
# Pulling


def _devices_url(api_url, enterprise, page_size, page_token):
    query = [("pageSize", str(page_size)), ("fields", DEVICE_FIELDS)]
    if page_token:
        query.append(("pageToken", page_token))
    return "%s/v1/enterprises/%s/devices?%s" % (api_url.rstrip("/"), quote(enterprise, safe=""), urlencode(query))


def iter_records(client, options):
    """A Pulled for every device of the enterprise, page after page."""
    enterprise = enterprise_id(options)
    if enterprise is None:
        raise client.fail("option enterprise_id: not an enterprise id")
    api_url = (options.get("api_url") or DEFAULT_API_URL).rstrip("/")
    page_size = _page_size(client, options)
    policies = _PolicyCache(client, api_url)
    owners = owner_mapping(client, options)
    seen_tokens = set()
    page_token = None
    page = 0
    while True:
        if page >= MAX_PAGES:
            raise client.fail("stopped after %d pages of devices: the paging does not end" % MAX_PAGES)
        url = _devices_url(api_url, enterprise, page_size, page_token)
        body = client.request_json("GET", url)
        client.stats.pages += 1
        if not isinstance(body, dict):
            raise client.fail("GET %s answered a %s, not a list-devices object" % (url, kind_of(body)), url=url)
        devices = body.get("devices")
        devices = [] if devices is None else devices  # an empty page omits the field
        if not isinstance(devices, list):
            raise client.fail("GET %s answered devices as a %s, not a list" % (url, kind_of(devices)), url=url)
        for index, device in enumerate(devices):
            pulled = normalize(device, "devices page %d item %d" % (page + 1, index + 1), policies, owners)
            if isinstance(pulled, NotAPhone):
                client.stats.skip(pulled.why)
            else:
                yield pulled
        page_token = body.get("nextPageToken")
        if page_token in (None, ""):
            return
        if not isinstance(page_token, str):
            raise client.fail("GET %s answered a nextPageToken that is a %s, not a string" % (url, kind_of(page_token)), url=url)
        if page_token in seen_tokens:
            raise client.fail("GET %s answered a nextPageToken it had given before: the paging loops" % url, url=url)
        seen_tokens.add(page_token)
        page += 1


class _PolicyCache(object):
    """Each distinct applied policy, read once per pull."""

    def __init__(self, client, api_url):
        self.client = client
        self.api_url = api_url
        self.policies = {}

    def get(self, name):
        """(policy dict or None, why it is missing)."""
        if name not in self.policies:
            url = "%s/v1/%s" % (self.api_url, name)
            try:
                body = self.client.request_json("GET", url)
            except MdmHttpError as exc:
                if exc.status not in (403, 404):
                    raise
                self.policies[name] = (None, "the policy %s could not be read (HTTP %d)" % (name, exc.status))
            else:
                if isinstance(body, dict):
                    self.policies[name] = (body, None)
                else:
                    self.policies[name] = (None, "the policy %s answered a %s, not a policy" % (name, kind_of(body)))
        return self.policies[name]


VENDOR = Vendor(TYPE, REQUIRED, DEFAULT_API_URL, DEFAULT_TOKEN_URL, connect, iter_records)
