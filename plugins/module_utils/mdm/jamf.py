# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Jamf Pro: iPhones and iPads from the Jamf Pro API's mobile device inventory, one paged request per page.

Credentials, one of:

* client_id + client_secret: a Jamf Pro API client (OAuth client credentials,
  POST {api_url}/api/oauth/token). Preferred: it can be limited to the
  "Read Mobile Devices" privilege.
* username + password: a Jamf Pro account, exchanged for a bearer token at
  POST {api_url}/api/v1/auth/token with basic auth.

Giving both kinds at once is refused rather than guessed between. api_url
is required: each customer has their own server (https://NAME.jamfcloud.com
or an on-premises host); there is no public default.

Devices come from GET {api_url}/api/v2/mobile-devices/detail with the
sections GENERAL, HARDWARE, USER_AND_LOCATION, SECURITY and APPLICATIONS,
pages numbered from 0, sorted by mobileDeviceId so a walk over a changing
inventory skips no device (one it meets twice is handed on twice). The app list comes in the
same response, so no request is made per device. Jamf documents a default
page size of 100 and no maximum; this source asks for 500 (Jamf Pro is
reported to cap pages at 2,000). A server that returns fewer devices than
asked for before the end fails the pull instead of skipping devices.

The records are built by jamf_records.normalize (a pure function of one vendor record).
"""
from __future__ import annotations

from ansible.module_utils.six.moves.urllib.parse import urlencode

from ansible_collections.hardening.signal.plugins.module_utils.mdm import auth
from ansible_collections.hardening.signal.plugins.module_utils.mdm.contract import NotAPhone, Vendor
from ansible_collections.hardening.signal.plugins.module_utils.mdm.http import HttpClient
from ansible_collections.hardening.signal.plugins.module_utils.mdm.jamf_records import normalize
from ansible_collections.hardening.signal.plugins.module_utils.mdm.paging import numbered_pages, page_size

TYPE = "jamf"
# client_id (with client_secret) or username (with password); api_url is required too (no public default).
REQUIRED = (("client_id", "username"),)
DEFAULT_API_URL = None
# Depends on the kind of credentials: {api_url}/api/oauth/token or {api_url}/api/v1/auth/token (see connect()).
DEFAULT_TOKEN_URL = None

DEFAULT_PAGE_SIZE = 500
SECTIONS = ("GENERAL", "HARDWARE", "USER_AND_LOCATION", "SECURITY", "APPLICATIONS")
DETAIL_PATH = "/api/v2/mobile-devices/detail"


def connect(options, policy, stats):
    """An HttpClient with the Jamf Pro token provider for the credentials given (no request made yet)."""
    name = options.get("name") or TYPE
    client = HttpClient(name, policy=policy, stats=stats)
    for secret in (options.get("client_secret"), options.get("password")):
        client.add_secret(secret)
    api_url = options.get("api_url")
    if not api_url:
        raise client.fail("api_url is required for Jamf Pro: the address of your Jamf Pro server, "
                          "e.g. https://NAME.jamfcloud.com (there is no public default)")
    api_url = str(api_url).rstrip("/")
    if auth.credential_kind(client, options, "an API client", "client_id and client_secret") == "client":
        token_url = options.get("token_url") or api_url + "/api/oauth/token"
        client.token_provider = auth.ClientCredentials(client, token_url, options["client_id"], options["client_secret"])
    else:
        token_url = options.get("token_url") or api_url + "/api/v1/auth/token"
        client.token_provider = auth.JamfBasicToken(client, token_url, options["username"], options["password"])
    page_size(client, options, DEFAULT_PAGE_SIZE)  # refuse a bad page_size before any request
    return client


def _page_url(api_url, page, size):
    query = [("section", s) for s in SECTIONS] + [("page", page), ("page-size", size), ("sort", "mobileDeviceId:asc")]
    return "%s%s?%s" % (api_url, DETAIL_PATH, urlencode(query))


def iter_records(client, options):
    """A Pulled for each iPhone and iPad, page after page until totalCount is reached."""
    api_url = str(options["api_url"]).rstrip("/")
    size = page_size(client, options, DEFAULT_PAGE_SIZE)
    pages = numbered_pages(client, lambda url: client.request_json("GET", url), lambda page: _page_url(api_url, page, size),
                           size, "results", "totalCount", "page-size")
    for page, results in pages:
        for index, device in enumerate(results):
            # A device that moved across a page boundary while we walked comes twice: sources.py judges it once
            # when both records hold the same values, and names both either way (mdm/duplicate_ids.py).
            pulled = normalize(device, "mobile-devices/detail page %d item %d" % (page, index))
            if isinstance(pulled, NotAPhone):
                client.stats.skip(pulled.why)
                continue
            yield pulled


VENDOR = Vendor(TYPE, REQUIRED, DEFAULT_API_URL, DEFAULT_TOKEN_URL, connect, iter_records)
