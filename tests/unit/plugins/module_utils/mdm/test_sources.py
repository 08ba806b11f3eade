# -*- coding: utf-8 -*-
"""Several MDM sources pulled at once (sources.pull_sources) against fake vendor servers on 127.0.0.1.

The concurrent pull must give what a pull one source after the other gives: the same subjects, errors and source
statuses in the configured order, a failing source reported as such while the others complete, and no secret in
anything it returns.
"""

from __future__ import annotations

import json
import os

import pytest

from ansible_collections.hardening.signal.plugins.module_utils.mdm.sources import pull_source, pull_sources
from tests.fakes.jamf_api import DETAIL, JamfFake, jamf_error
from tests.fakes.jamf_api import make_device as jamf_device
from tests.fakes.workspace_one_api import TOKEN_PATH, WorkspaceOneFake, make_apps
from tests.fakes.workspace_one_api import make_device as ws1_device

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", ".."))
EXPORT = os.path.join(ROOT, "examples", "mdm-export.json")

JAMF_SECRET = 'jamf~Q8+pl/us=eq&amp"quo\\te'
WS1_SECRET = 'ws1:S3cr+t/w"rd=1'
TENANT_CODE = "K9x+Tn/7Qa=zR2wLp0Vb8cYe"


def jamf_fake(count=7):
    return JamfFake([jamf_device(n) for n in range(1, count + 1)], client_id="jamf-client", client_secret=JAMF_SECRET)


def ws1_fake(count=12):
    devices = [ws1_device(n, platform="Apple" if n % 2 else "Android") for n in range(1, count + 1)]
    apps = {n: make_apps("Apple" if n % 2 else "Android", signal_version=None if n % 5 == 0 else "7.85")
            for n in range(1, count + 1)}
    return WorkspaceOneFake(devices, apps, TENANT_CODE, client_id="ws1-client", client_secret=WS1_SECRET)


def specs(jamf_server, ws1_server):
    return [
        {"name": "corp-jamf", "type": "jamf", "api_url": jamf_server.url, "client_id": "jamf-client",
         "client_secret": JAMF_SECRET, "page_size": 3, "max_retries": 1, "timeout": 5},
        {"name": "export", "type": "file", "path": EXPORT},
        {"name": "corp-ws1", "type": "workspace_one", "api_url": ws1_server.url, "token_url": ws1_server.url + TOKEN_PATH,
         "tenant_code": TENANT_CODE, "client_id": "ws1-client", "client_secret": WS1_SECRET, "page_size": 5,
         "max_retries": 1, "timeout": 5},
    ]


def comparable(results):
    """What a pull returns, without the seconds it took."""
    out = []
    for subjects, errors, status in results:
        status = dict(status)
        status.pop("stats", None)
        out.append((subjects, errors, status))
    return out


@pytest.mark.parametrize("processes", [True, False], ids=["forked", "threads"])
def test_concurrent_pull_gives_what_a_pull_one_after_the_other_gives_in_the_configured_order(processes):
    with jamf_fake().serve() as jamf, ws1_fake().serve() as ws1:
        sources = specs(jamf, ws1)
        one_by_one = [pull_source(spec, environ={}) for spec in sources]
        meanwhile = []
        at_once = pull_sources(sources, environ={}, workers=3, processes=processes, meanwhile=lambda: meanwhile.append(1))
    assert meanwhile == [1]   # the run's other work, done once while the sources were pulled
    assert [status["name"] for dummy, dummy2, status in at_once] == ["corp-jamf", "export", "corp-ws1"]
    assert [status["status"] for dummy, dummy2, status in at_once] == ["complete"] * 3
    assert [len(subjects) for subjects, dummy, dummy2 in at_once] == [7, 19, 12]
    assert comparable(at_once) == comparable(one_by_one)


@pytest.mark.parametrize("processes", [True, False], ids=["forked", "threads"])
def test_one_source_failing_part_way_is_marked_incomplete_while_the_others_complete(processes):
    jamf = jamf_fake()
    # Page 0 answers; page 1 keeps failing: the source stops after three devices and says why.
    broken = (500, jamf_error(500, "INTERNAL_ERROR", "database unavailable"))
    jamf.inject(DETAIL, jamf._detail, broken, broken)
    with jamf.serve() as jamf_server, ws1_fake().serve() as ws1_server:
        results = pull_sources(specs(jamf_server, ws1_server), environ={}, workers=3, processes=processes)
    (jamf_subjects, jamf_errors, jamf_status), export, ws1 = results
    assert jamf_status["status"] == "incomplete" and len(jamf_subjects) == 3
    assert "stopped after 3 device(s)" in jamf_status["detail"] and "HTTP 500" in jamf_status["detail"]
    assert jamf_errors[-1]["source"] == "corp-jamf (jamf)" and "database unavailable" in jamf_errors[-1]["message"]
    assert export[2]["status"] == "complete" and ws1[2]["status"] == "complete" and len(ws1[0]) == 12


@pytest.mark.parametrize("processes", [True, False], ids=["forked", "threads"])
def test_a_source_refused_at_the_token_endpoint_fails_alone_and_no_secret_appears_anywhere(processes):
    with jamf_fake().serve() as jamf_server, ws1_fake().serve() as ws1_server:
        sources = specs(jamf_server, ws1_server)
        sources[2]["client_secret"] = WS1_SECRET + "-wrong"
        progress = []
        results = pull_sources(sources, progress=lambda *line: progress.append(line), environ={}, workers=3, processes=processes)
    statuses = [status["status"] for dummy, dummy2, status in results]
    assert statuses == ["complete", "complete", "failed"]
    assert "invalid_client" in results[2][2]["detail"]
    assert {line[0] for line in progress} == {"corp-jamf", "corp-ws1"}  # each progress line names its source
    text = json.dumps(results) + json.dumps(progress)
    for secret in (JAMF_SECRET, WS1_SECRET, WS1_SECRET + "-wrong", TENANT_CODE):
        for spelling in (secret, json.dumps(secret)[1:-1]):
            assert spelling not in text


def test_an_api_source_names_every_duplicate_id_across_pages_and_a_lone_surrogate_as_a_field():
    devices = [jamf_device(n) for n in range(1, 6)]
    devices[4]["mobileDeviceId"] = "2"                  # the same phone id on another page
    devices[3]["general"]["displayName"] = "iPhone \udc80"  # JSON can spell it; no report could write it
    fake = JamfFake(devices, client_id="jamf-client", client_secret=JAMF_SECRET)
    with fake.serve() as server:
        subjects, errors, status = pull_source(
            {"name": "corp-jamf", "type": "jamf", "api_url": server.url, "client_id": "jamf-client",
             "client_secret": JAMF_SECRET, "page_size": 2, "max_retries": 1, "timeout": 5}, environ={})
    assert status["status"] == "complete" and len(subjects) == 5
    duplicates = [e for e in errors if e["field"] == "id"]
    assert [e["record"] for e in duplicates] == ["mobile-devices mobileDeviceId 2"] * 2
    assert [s["state"] for s in subjects if s["id"] == "2"] == ["invalid", "invalid"]
    surrogate = [e for e in errors if e["field"] == "name"]
    assert len(surrogate) == 1 and "not valid Unicode text" in surrogate[0]["message"]
    four = next(s for s in subjects if s["id"] == "4")
    assert four["state"] == "ok" and "name" not in four["facts"] and "name" in four["facts"]["errors"]
    json.dumps([subjects, errors, status], ensure_ascii=False).encode("utf-8")


def test_a_source_option_that_is_not_valid_text_fails_that_source_without_showing_it():
    subjects, errors, status = pull_source({"name": "corp\udc80", "type": "jamf", "api_url": "https://x.example",
                                            "client_id": "c", "client_secret": "top\udc80secret"}, environ={})
    assert subjects == [] and status["status"] == "failed" and status["name"] == "corp\\udc80"
    assert errors[0]["field"] == "name" and "not valid Unicode text" in errors[0]["message"]
    text = json.dumps([errors, status], ensure_ascii=False)
    text.encode("utf-8")
    assert "secret" not in text
