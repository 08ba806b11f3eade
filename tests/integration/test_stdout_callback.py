# -*- coding: utf-8 -*-
"""With a stdout callback that writes JSON, stdout is that JSON and nothing else, MDM pulls included.

CI jobs and ansible-runner's consumers parse what ansible.builtin.json prints; a progress line of a long MDM pull
printed on stdout made the whole of it unreadable. Progress belongs on stderr.
"""

from __future__ import annotations

import json

from tests.fakes.jamf_api import JamfFake, make_device

SECRET = "jamf-secret-for-the-json-test"


def test_json_callback_stdout_parses_with_an_mdm_api_source(run_playbook, monkeypatch):
    monkeypatch.setenv("ANSIBLE_STDOUT_CALLBACK", "ansible.builtin.json")
    fake = JamfFake([make_device(n) for n in range(1, 6)], client_id="json-test", client_secret=SECRET)
    with fake.serve() as server:
        sources = [{"name": "corp-jamf", "type": "jamf", "api_url": server.url, "client_id": "json-test",
                    "client_secret": SECRET},
                   {"name": "example-mdm", "type": "file", "path": "examples/mdm-export.json"}]
        run = run_playbook(extra={"signal_hardening_mdm_sources": sources})
    assert run.rc == 0, run.output
    document = json.loads(run.stdout)  # the whole of stdout, not a line of it
    assert document["stats"]["localhost"]["failures"] == 0
    # the pull did report its progress, where no callback parses it
    assert "corp-jamf: 1 page(s), 5 device(s) so far" in run.stderr
    assert "device(s) so far" not in run.stdout
    phones = [s for s in run.summary()["subjects"] if s["kind"] == "mobile"]
    assert sum(1 for s in phones if s["source"]["name"] == "corp-jamf") == 5
