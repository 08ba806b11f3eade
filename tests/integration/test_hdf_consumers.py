# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The HDF report in MITRE's own tools: the SAF CLI, inspecjs' exec-json parser, and Heimdall Lite in Chromium.

The npm packages are pinned by tests/consumers/package-lock.json and installed into .build/npm by
`make consumer-deps` (part of `make setup-test`; run here when missing). Heimdall Lite is a static web app: the
test serves its dist folder on 127.0.0.1 together with /dynamic/predefinedload.json (what `saf view heimdall -f`
serves: the file to open) and drives headless Chromium with playwright-core. Every request for another host is
refused (Heimdall asks GitHub for its newest version): the test needs no network.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import subprocess
import threading

import pytest

from ansible_collections.hardening.signal.plugins.module_utils.report.write_reports import write_reports
from ansible_collections.hardening.signal.tests.unit.plugins.module_utils.report.consumer_samples import (
    consumer_summary,
    expected_counts,
)

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
NPM = os.path.join(ROOT, '.build', 'npm')
MODULES = os.path.join(NPM, 'node_modules')
CONSUMERS = os.path.join(ROOT, 'tests', 'consumers')
TIMEOUT = 120


@pytest.fixture(scope='module')
def node_modules():
    if not os.path.exists(os.path.join(NPM, '.installed')):
        subprocess.run(['make', '-s', '.build/npm/.installed'], cwd=ROOT, check=True, timeout=900)
    return MODULES


@pytest.fixture(scope='module')
def hdf_file(tmp_path_factory):
    summary = consumer_summary()
    folder = tmp_path_factory.mktemp('hdf')
    return summary, write_reports(summary, str(folder), ('hdf',), fork=False)['hdf']


def _node(modules, *args):
    done = subprocess.run(['node'] + list(args), capture_output=True, text=True, timeout=TIMEOUT, check=False,
                          env=dict(os.environ, NODE_PATH=modules))
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_saf_cli_counts_what_the_summary_counts(node_modules, hdf_file):
    summary, path = hdf_file
    done = subprocess.run([os.path.join(node_modules, '.bin', 'saf'), 'view', 'summary', '-i', path, '-f', 'json',
                           '--no-print-pretty'], capture_output=True, text=True, timeout=TIMEOUT, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    (profile,) = json.loads(done.stdout[done.stdout.index('['):])
    counts = expected_counts(summary)
    assert profile['profileName'] == 'hardening.signal-cert-eu-22-002'
    assert profile['passed']['total'] == counts['passed']
    assert profile['failed']['total'] == counts['failed']
    assert profile['skipped']['total'] == counts['not_reviewed']  # unknown and manual: never passed
    assert profile['error']['total'] == counts['error']
    assert profile['no_impact']['total'] == counts['not_applicable'] + counts['waived']
    counted = counts['passed'] + counts['failed'] + counts['not_reviewed'] + counts['error']
    assert profile['compliance'] == round(100.0 * counts['passed'] / counted)


def test_mitres_exec_json_parser_accepts_the_file_and_would_refuse_a_wrong_one(node_modules, hdf_file, tmp_path):
    summary, path = hdf_file
    checker = os.path.join(CONSUMERS, 'hdf_check.js')
    seen = _node(node_modules, checker, path)
    assert seen['ok'], seen
    assert seen['controls'] == sum(expected_counts(summary).values())
    with open(path, encoding='utf-8') as handle:
        doc = json.load(handle)
    doc['profiles'][0]['controls'][0]['results'][0]['status'] = 'pass'  # our word, not HDF's
    broken = tmp_path / 'broken.json'
    broken.write_text(json.dumps(doc), encoding='utf-8')
    refused = _node(node_modules, checker, str(broken))
    assert not refused['ok'] and '"pass"' in refused['error'], refused


class _Heimdall(http.server.SimpleHTTPRequestHandler):
    predefined = b'[]'

    def do_GET(self):  # noqa: N802 (the name http.server calls)
        if self.path.lower().startswith('/dynamic/predefinedload.json'):
            self.send_response(200)
            self.send_header('Content-Type', 'application/json')
            self.send_header('Content-Length', str(len(self.predefined)))
            self.end_headers()
            self.wfile.write(self.predefined)
            return
        super().do_GET()

    def log_message(self, *args):
        pass


def test_heimdall_lite_shows_every_result_with_its_status(node_modules, hdf_file):
    summary, path = hdf_file
    chromium = shutil.which('chromium') or '/usr/bin/chromium'
    assert os.path.exists(chromium), 'chromium is not installed: `make setup-test` installs it as root'
    with open(path, encoding='utf-8') as handle:
        predefined = json.dumps([{'filename': os.path.basename(path), 'data': handle.read()}]).encode('utf-8')
    handler = type('Handler', (_Heimdall,), {'predefined': predefined})
    dist = os.path.join(node_modules, '@mitre', 'heimdall-lite', 'dist')
    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), functools.partial(handler, directory=dist))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = 'http://127.0.0.1:%d/?predefinedLoad=true' % server.server_address[1]
        seen = _node(node_modules, os.path.join(CONSUMERS, 'heimdall_view.js'), url, chromium, str(TIMEOUT * 500))
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)
    assert 'fatal' not in seen, seen
    counts = expected_counts(summary)
    assert seen['cards'] == {
        'passed': counts['passed'], 'failed': counts['failed'], 'not_reviewed': counts['not_reviewed'],
        'not_applicable': counts['not_applicable'] + counts['waived'], 'error': counts['error'],
        'waived': counts['waived']}
    shown = {row['id']: row['status'] for row in seen['rows']}
    expected = {'SIG-DSK-02@ws-002': 'Not Reviewed', 'SIG-DSK-01@ws-002': 'Failed', 'SIG-DSK-01@ws-001': 'Passed',
                'SIG-FLT-01@ws-001': 'Not Applicable'}
    assert {key: shown.get(key) for key in expected} == expected
    assert seen['xss'] is None  # the hostile device name stayed text
    assert all(not target.startswith('http://127.0.0.1') for target in seen['outside'])
