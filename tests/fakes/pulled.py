# -*- coding: utf-8 -*-
"""What the vendor tests read of a client's pull: the items (mdm/contract.py's Pulled), the records among them,
and what sources.py makes of them; one place for every vendor's tests (test_<vendor>.py, test_vendor_contract.py)."""

from __future__ import annotations

import json
from urllib.parse import quote, quote_plus

import pytest

from ansible_collections.hardening.signal.plugins.module_utils.fleet.subjects import mobile_subject
from ansible_collections.hardening.signal.plugins.module_utils.mdm.duplicate_ids import mark_duplicate_ids
from ansible_collections.hardening.signal.plugins.module_utils.mdm.http import MdmHttpError, Stats
from ansible_collections.hardening.signal.plugins.module_utils.mdm.records import check_record


def connect(module, options, policy):
    """A client of a vendor module (jamf, workspace_one, ...) for these options, with fresh counters."""
    return module.VENDOR.connect(options, policy, Stats())


def pull(module, options, policy):
    """(client, every item the client yields)."""
    client = connect(module, options, policy)
    return client, list(module.VENDOR.iter_records(client, options))


def judged_once(items, source_type):
    """What sources.py makes of the items: each checked, then the repeated ids judged once and named."""
    entries = [(label, mobile_subject(check_record(record, label, "src")[0], "src", source_type))
               for label, record, dummy in items]
    return mark_duplicate_ids(entries, "src")


def records_in(items):
    """The records yielded (None for a vendor record that could not be used)."""
    return [item[1] for item in items]


def by_id(items):
    """{record id: (label, record, errors)} of the items that hold a record."""
    return {record["id"]: (label, record, errors) for label, record, errors in items if record is not None}


def failure(call, *args, **kwargs):
    """The message of the MdmHttpError that call(*args, **kwargs) raises (the test fails when it raises none)."""
    with pytest.raises(MdmHttpError) as info:
        call(*args, **kwargs)
    return str(info.value)


def encodings(secret):
    """The spellings a secret may take on its way out (url-encoded, JSON-escaped): none may appear anywhere."""
    return {secret, quote(secret), quote_plus(secret), quote(secret, safe=""), json.dumps(secret)[1:-1]}


def credential_option_cases(username, password):
    """(options changed, what the error names) for a vendor that takes a client id and secret or a username and
    password (Jamf Pro, Workspace ONE): the cases every such client must refuse at connect()."""
    return [
        ({"api_url": None}, "api_url is required"),
        ({"username": username, "password": password}, "not both"),
        ({"client_secret": None}, "client_secret is missing"),
        ({"client_id": None}, "client_id is missing"),
        ({"client_id": None, "client_secret": None}, "credentials are missing"),
        ({"client_id": None, "client_secret": None, "username": username}, "password is missing"),
        ({"client_id": None, "client_secret": None, "password": password}, "username is missing"),
    ]
