# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Open the HTML report in a real browser (headless Chromium) and use it as a person would.

Chromium is driven through the DevTools protocol: started with
--remote-debugging-port=0, it writes the port it chose to DevToolsActivePort
in its profile folder, and the test talks to it over a WebSocket on
127.0.0.1. The WebSocket client below is the minimum the protocol needs
(RFC 6455 text frames, masking, fragments, ping), on the standard library,
so the tests need no extra package.

Checked: the page loads nothing but itself; no console message, exception,
CSP violation or dialog; a hostile device name is shown as text and creates
no element; sorting by clicking a column header and filtering by typing and
by unchecking status boxes work; the dark scheme applies. The optional
sections too: the gate under the headline, the trend chart drawn and
recoloured in the dark scheme, problem waivers listed first, hostile owner
names and waiver justifications inert. A second page,
with markup injected raw (as an escaping bug would), shows the CSP blocks
it and that these checks would notice.

Chromium is required, not optional: `make test` installs it (SYSTEM_PROGRAMS
in the Makefile). Every wait is bounded, and the browser's whole process
group is killed at the end.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import time

import pytest

from ansible_collections.hardening.signal.plugins.module_utils.report.render_html import render_html
from ansible_collections.hardening.signal.tests.unit.plugins.module_utils.report.sample_summary import (
    HOSTILE_OWNER,
    XSS_NAME,
    derive,
    sample_summary,
)

XSS_FLAG_NAME = '<img src=x onerror="window.__xss=1">'
XSS_FLAG_TITLE = '<svg onload="window.__xss=2"></svg><script>window.__xss=3</script>'
START_TIMEOUT = 30.0
STEP_TIMEOUT = 20.0
CHROMIUM_FLAGS = ('--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
                  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage', '--mute-audio',
                  '--remote-debugging-port=0', '--window-size=1280,900')


def _chromium():
    path = shutil.which('chromium') or ('/usr/bin/chromium' if os.path.exists('/usr/bin/chromium') else None)
    assert path, 'chromium is not installed: run `make test` as root (it installs it) or apt-get install chromium'
    return path


# ---- a minimal WebSocket client (RFC 6455), enough for the DevTools protocol ----------------------

_WS_GUID = b'258EAFA5-E914-47DA-95CA-C5AB0DC85B11'


class WebSocket(object):
    def __init__(self, host, port, path, timeout):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        key = base64.b64encode(os.urandom(16))
        request = ('GET %s HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n'
                   'Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n' % (path, host, port, key.decode()))
        self.sock.sendall(request.encode('ascii'))
        head = b''
        while b'\r\n\r\n' not in head:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionError('DevTools closed the connection during the handshake')
            head += chunk
            if len(head) > 65536:
                raise ConnectionError('handshake reply too long')
        head, self._buffer = head.split(b'\r\n\r\n', 1)
        self._partial = b''
        lines = head.decode('latin-1').split('\r\n')
        if ' 101 ' not in lines[0] + ' ':
            raise ConnectionError('WebSocket upgrade refused: %s' % lines[0])
        headers = dict((k.strip().lower(), v.strip()) for k, v in (line.split(':', 1) for line in lines[1:] if ':' in line))
        accept = base64.b64encode(hashlib.sha1(key + _WS_GUID).digest()).decode()
        if headers.get('sec-websocket-accept') != accept:
            raise ConnectionError('bad Sec-WebSocket-Accept')

    def _frame(self):
        """(fin, opcode, payload) of the first whole frame in the buffer, taken out of it; None if incomplete."""
        data = self._buffer
        if len(data) < 2:
            return None
        fin, opcode, masked, n = data[0] & 0x80, data[0] & 0x0F, data[1] & 0x80, data[1] & 0x7F
        at = 2
        if n >= 126:
            size = 2 if n == 126 else 8
            if len(data) < at + size:
                return None
            n = int.from_bytes(data[at:at + size], 'big')
            at += size
        mask = None
        if masked:
            if len(data) < at + 4:
                return None
            mask, at = data[at:at + 4], at + 4
        if len(data) < at + n:
            return None
        payload, self._buffer = data[at:at + n], data[at + n:]
        if mask:
            keystream = (mask * (n // 4 + 1))[:n]
            payload = (int.from_bytes(payload, 'big') ^ int.from_bytes(keystream, 'big')).to_bytes(n, 'big')
        return fin, opcode, payload

    def _send_frame(self, opcode, payload):
        header = bytearray([0x80 | opcode])
        n = len(payload)
        if n < 126:
            header.append(0x80 | n)
        elif n < 65536:
            header.append(0x80 | 126)
            header += struct.pack('!H', n)
        else:
            header.append(0x80 | 127)
            header += struct.pack('!Q', n)
        mask = os.urandom(4)
        keystream = (mask * (n // 4 + 1))[:n]
        masked = (int.from_bytes(payload, 'big') ^ int.from_bytes(keystream, 'big')).to_bytes(n, 'big') if n else b''
        self.sock.sendall(bytes(header) + mask + masked)

    def send(self, text):
        self._send_frame(0x1, text.encode('utf-8'))

    def recv(self, timeout):
        """One whole text message, or raise TimeoutError after ``timeout`` seconds.

        A timeout leaves no frame half read: frames are only taken out of the buffer whole.
        """
        deadline = time.monotonic() + timeout
        while True:
            frame = self._frame()
            if frame is None:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError('no WebSocket message in time')
                self.sock.settimeout(remaining)
                chunk = self.sock.recv(1 << 20)
                if not chunk:
                    raise ConnectionError('DevTools closed the connection')
                self._buffer += chunk
                continue
            fin, opcode, payload = frame
            if opcode == 0x9:  # ping
                self._send_frame(0xA, payload)
            elif opcode == 0x8:
                raise ConnectionError('DevTools closed the WebSocket')
            elif opcode in (0x0, 0x1, 0x2):
                self._partial += payload
                if fin:
                    message, self._partial = self._partial, b''
                    return message.decode('utf-8')

    def close(self):
        try:
            self._send_frame(0x8, b'')
        except OSError:
            pass
        self.sock.close()


# ---- DevTools protocol over it ---------------------------------------------------------------------

class DevTools(object):
    def __init__(self, ws):
        self.ws = ws
        self.events = []  # every event received, in order: (sessionId, method, params)
        self._next = 0

    def _receive(self, deadline):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError('no answer from Chromium in time')
        message = json.loads(self.ws.recv(remaining))
        if 'method' in message:
            self.events.append((message.get('sessionId'), message['method'], message.get('params') or {}))
        return message

    def call(self, method, params=None, session=None, timeout=STEP_TIMEOUT):
        self._next += 1
        request = {'id': self._next, 'method': method, 'params': params or {}}
        if session:
            request['sessionId'] = session
        self.ws.send(json.dumps(request))
        deadline = time.monotonic() + timeout
        while True:
            message = self._receive(deadline)
            if message.get('id') == self._next:
                if 'error' in message:
                    raise RuntimeError('%s failed: %s' % (method, message['error']))
                return message.get('result') or {}

    def wait_for(self, method, session=None, timeout=STEP_TIMEOUT, since=0):
        """The params of the first ``method`` event (from index ``since`` of self.events on)."""
        deadline = time.monotonic() + timeout
        while True:
            for sid, name, params in self.events[since:]:
                if name == method and (session is None or sid == session):
                    return params
            self._receive(deadline)

    def drain(self, seconds):
        """Keep receiving events for ``seconds`` (late requests, console messages)."""
        deadline = time.monotonic() + seconds
        try:
            while True:
                self._receive(deadline)
        except (TimeoutError, socket.timeout):
            pass


class Page(object):
    """One browser tab, with every event domain the checks need enabled before navigation."""

    def __init__(self, devtools, session):
        self.dt = devtools
        self.session = session

    def call(self, method, params=None, timeout=STEP_TIMEOUT):
        return self.dt.call(method, params, self.session, timeout)

    def events(self, *methods):
        return [params for sid, name, params in self.dt.events if sid == self.session and name in methods]

    def navigate(self, url):
        since = len(self.dt.events)
        self.call('Page.navigate', {'url': url})
        self.dt.wait_for('Page.loadEventFired', self.session, since=since)
        self.dt.drain(0.5)

    def js(self, expression):
        result = self.call('Runtime.evaluate', {'expression': expression, 'returnByValue': True, 'awaitPromise': True})
        if 'exceptionDetails' in result:
            raise AssertionError('page script failed: %s' % json.dumps(result['exceptionDetails'])[:2000])
        return result['result'].get('value')

    def click(self, selector):
        """A real mouse click (pressed, released) at the middle of the element."""
        point = self.js('(function () { var el = document.querySelector(%s); if (!el) { return null; }'
                        ' el.scrollIntoView({block: "center"}); var r = el.getBoundingClientRect();'
                        ' return {x: r.left + r.width / 2, y: r.top + r.height / 2}; }())' % json.dumps(selector))
        assert point, 'nothing matches %s' % selector
        for kind in ('mouseMoved', 'mousePressed', 'mouseReleased'):
            self.call('Input.dispatchMouseEvent', {'type': kind, 'x': point['x'], 'y': point['y'], 'button': 'left',
                                                   'clickCount': 0 if kind == 'mouseMoved' else 1})

    def type_text(self, selector, text):
        self.click(selector)
        assert self.js('document.activeElement === document.querySelector(%s)' % json.dumps(selector))
        self.call('Input.insertText', {'text': text})

    def clear_text(self, selector):
        self.click(selector)
        self.call('Input.dispatchKeyEvent', {'type': 'rawKeyDown', 'key': 'a', 'code': 'KeyA',
                                             'windowsVirtualKeyCode': 65, 'modifiers': 2, 'commands': ['selectAll']})
        self.call('Input.dispatchKeyEvent', {'type': 'keyUp', 'key': 'a', 'code': 'KeyA', 'windowsVirtualKeyCode': 65,
                                             'modifiers': 2})
        for kind in ('rawKeyDown', 'keyUp'):
            self.call('Input.dispatchKeyEvent', {'type': kind, 'key': 'Backspace', 'code': 'Backspace',
                                                 'windowsVirtualKeyCode': 8})


class Browser(object):
    def __init__(self, profile, log):
        self.profile = profile
        command = [_chromium()] + list(CHROMIUM_FLAGS) + ['--user-data-dir=%s' % profile, 'about:blank']
        # A session of its own, so close() can kill the browser's whole process group and nothing else.
        self.proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True)
        self.ws = self.devtools = None
        try:
            port, path = self._active_port()
            self.ws = WebSocket('127.0.0.1', port, path, START_TIMEOUT)
            self.devtools = DevTools(self.ws)
        except BaseException:
            self.close()
            raise

    def _active_port(self):
        marker = os.path.join(self.profile, 'DevToolsActivePort')
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError('chromium exited with %s before DevTools was ready' % self.proc.returncode)
            try:
                with open(marker, encoding='ascii') as handle:
                    lines = handle.read().split('\n')
                if len(lines) >= 2 and lines[0].strip().isdigit() and lines[1].startswith('/'):
                    return int(lines[0]), lines[1].strip()
            except OSError:
                pass
            time.sleep(0.1)
        raise TimeoutError('chromium wrote no DevToolsActivePort within %ss' % START_TIMEOUT)

    def new_page(self):
        target = self.devtools.call('Target.createTarget', {'url': 'about:blank'})['targetId']
        session = self.devtools.call('Target.attachToTarget', {'targetId': target, 'flatten': True})['sessionId']
        page = Page(self.devtools, session)
        for domain in ('Page', 'Network', 'Runtime', 'Log', 'Audits'):
            page.call(domain + '.enable')
        return page

    def close(self):
        # First ask Chromium to quit (it then ends and reaps its own children), for a few seconds at most.
        if self.devtools is not None:
            try:
                self.devtools.call('Browser.close', timeout=5)
            except (OSError, RuntimeError):  # the connection closing as it quits, or no answer in time
                pass
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
        if self.ws is not None:
            self.ws.close()
        # Then kill whatever is left of its process group (the browser and its renderer, GPU, utility children).
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass


@pytest.fixture
def browser(tmp_path):
    with open(str(tmp_path / 'chromium.log'), 'wb') as log:
        instance = Browser(str(tmp_path / 'profile'), log)
        try:
            yield instance
        finally:
            instance.close()


def _hostile_summary():
    summary = sample_summary()
    by_id = {s['id']: s for s in summary['subjects']}
    assert by_id['ws-002']['name'] == XSS_NAME
    by_id['mob-002']['name'] = XSS_FLAG_NAME  # mob-002 needs attention (an error result), so it is listed
    summary['controls'][0]['title'] = XSS_FLAG_TITLE
    return derive(summary)


def _write(tmp_path, name, html):
    path = tmp_path / name
    path.write_text(html, encoding='utf-8')
    return path.as_uri()


def _problems(page):
    """Everything the page said that a clean page would not: console, exceptions, log errors, CSP, dialogs."""
    found = []
    found += [('console', p.get('type'), [a.get('value', a.get('description')) for a in p.get('args', [])])
              for p in page.events('Runtime.consoleAPICalled')]
    found += [('exception', p.get('exceptionDetails', {}).get('text'),
               p.get('exceptionDetails', {}).get('exception', {}).get('description'))
              for p in page.events('Runtime.exceptionThrown')]
    found += [('log', p['entry'].get('level'), p['entry'].get('source'), p['entry'].get('text'))
              for p in page.events('Log.entryAdded') if p['entry'].get('level') in ('error', 'warning')]
    found += [('issue', p['issue'].get('code')) for p in page.events('Audits.issueAdded')
              if 'ContentSecurityPolicy' in p['issue'].get('code', '')]
    found += [('dialog', p.get('type'), p.get('message')) for p in page.events('Page.javascriptDialogOpening')]
    return found


def _rows(page, table):
    return page.js('Array.prototype.map.call(document.querySelectorAll("#%s tbody tr"), function (tr) {'
                   ' var first = tr.cells[0]; var id = first.querySelector(".id") || first;'
                   ' return {first: first.textContent.trim(), id: id.textContent.trim(), hidden: tr.hidden,'
                   ' visible: tr.getClientRects().length > 0,'
                   ' v: Array.prototype.map.call(tr.cells, function (c) { return c.getAttribute("data-v"); })}; })'
                   % table)


def test_report_in_a_real_browser(browser, tmp_path):
    url = _write(tmp_path, 'fleet-summary.html', render_html(_hostile_summary()))
    page = browser.new_page()
    page.navigate(url)

    # Nothing is fetched but the file itself.
    requested = [p['request']['url'] for p in page.events('Network.requestWillBeSent')]
    assert requested and all(u == url for u in requested), requested

    # The script ran (it marks live tables and shows the filter bars) under the CSP, silently.
    assert page.js('document.querySelectorAll("table.live").length') == 2
    assert page.js('document.getElementById("controls-tools").hidden') is False
    assert _problems(page) == []

    # Hostile strings are text: visible, no element made from them, no handler run.
    body_text = page.js('document.body.textContent')
    for text in (XSS_NAME, XSS_FLAG_NAME, XSS_FLAG_TITLE):
        assert text in body_text
    assert page.js('document.querySelectorAll("img, iframe, object, embed").length') == 0
    assert page.js('document.scripts.length') == 1
    assert page.js('typeof window.__xss') == 'undefined'
    assert page.js('document.querySelectorAll("svg [onload], [onerror], [onclick]").length') == 0

    # Sorting: a click on the "Fail" header orders the controls by fail count, most first.
    before = [r['id'] for r in _rows(page, 'controls-table')]
    fail_col = page.js('Array.prototype.map.call(document.querySelectorAll("#controls-table thead th"),'
                       ' function (th) { return th.textContent.trim(); }).indexOf("Fail")')
    assert fail_col > 0
    page.click('#controls-table thead th:nth-child(%d) button' % (fail_col + 1))
    after = _rows(page, 'controls-table')
    fails = [int(r['v'][fail_col]) for r in after]
    assert fails == sorted(fails, reverse=True) and fails[0] > 0
    assert [r['id'] for r in after] != before
    assert page.js('document.querySelector("#controls-table thead th:nth-child(%d)").getAttribute("aria-sort")'
                   % (fail_col + 1)) == 'descending'
    # A click on "Control" orders by id, A to Z; a second one reverses it.
    page.click('#controls-table thead th:nth-child(1) button')
    ids = [r['id'] for r in _rows(page, 'controls-table')]
    assert ids == sorted(ids)
    page.click('#controls-table thead th:nth-child(1) button')
    assert [r['id'] for r in _rows(page, 'controls-table')] == sorted(ids, reverse=True)
    # The attention list sorts too: by subject name.
    before = [r['first'] for r in _rows(page, 'attention-table')]
    page.click('#attention-table thead th:nth-child(1) button')
    names = [r['first'] for r in _rows(page, 'attention-table')]
    assert names != before and sorted(names) == sorted(before)
    assert page.js('(function (names) { var c = new Intl.Collator(undefined, {numeric: true, sensitivity: "base"});'
                   ' return names.every(function (n, i) { return i === 0 || c.compare(names[i - 1], n) <= 0; }); }(%s))'
                   % json.dumps(names))

    # Filtering by text: typing hides the rows that do not match, and says how many are shown.
    page.type_text('#controls-tools input[type=search]', 'MOB')
    rows = _rows(page, 'controls-table')
    assert sorted(r['id'] for r in rows if r['visible']) == ['SIG-MOB-01', 'SIG-MOB-02', 'SIG-MOB-03']
    assert all(r['hidden'] for r in rows if not r['id'].startswith('SIG-MOB'))
    assert page.js('document.querySelector("#controls-tools .shown").textContent') == '3 of 7 shown'
    page.clear_text('#controls-tools input[type=search]')
    assert all(r['visible'] for r in _rows(page, 'controls-table'))

    # Filtering by status: leave only "Error" checked.
    for status in ('pass', 'fail', 'unknown', 'manual', 'waived', 'not_applicable'):
        page.click('#controls-tools input[value="%s"]' % status)
    assert [r['id'] for r in _rows(page, 'controls-table') if r['visible']] == ['SIG-MOB-02']
    # In the attention list: only subjects that could not be collected.
    for status in ('fail', 'unknown', 'manual', 'error'):
        page.click('#attention-tools input[value="%s"]' % status)
    visible = [r['id'] for r in _rows(page, 'attention-table') if r['visible']]
    assert sorted(visible) == ['mob-003', 'ws-003']
    # The hostile name filters as text, too.
    page.click('#attention-tools input[value="fail"]')
    page.type_text('#attention-tools input[type=search]', 'onerror=alert')
    assert [r['first'] for r in _rows(page, 'attention-table') if r['visible']] == [XSS_NAME + 'ws-002']  # name, id

    # Dark scheme: the page's own colours change.
    light = page.js('getComputedStyle(document.body).backgroundColor')
    page.call('Emulation.setEmulatedMedia', {'features': [{'name': 'prefers-color-scheme', 'value': 'dark'}]})
    dark = page.js('getComputedStyle(document.body).backgroundColor')
    fill = page.js('getComputedStyle(document.querySelector("svg.stack rect.f-pass")).fill')
    assert light != dark and fill not in ('', 'none', 'rgb(0, 0, 0)')

    page.dt.drain(0.3)
    assert _problems(page) == []
    assert all(p['request']['url'] == url for p in page.events('Network.requestWillBeSent'))


def test_csp_blocks_injected_markup_and_the_checks_see_it(browser, tmp_path):
    """As if esc() had a bug: raw markup in the page. The CSP must stop it, and _problems() must report it."""
    html = render_html(sample_summary()).replace(
        '<main>', '<main><img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'
                  '<svg onload="window.__xss=3"></svg>', 1)
    url = _write(tmp_path, 'injected.html', html)
    page = browser.new_page()
    page.navigate(url)
    assert page.js('typeof window.__xss') == 'undefined'
    # The network check sees the attempt, and the CSP stopped it.
    attempts = {p['requestId']: p['request']['url'] for p in page.events('Network.requestWillBeSent')}
    assert sorted(attempts.values()) == sorted([url, url.rsplit('/', 1)[0] + '/x'])
    blocked = {p['requestId']: p.get('blockedReason') for p in page.events('Network.loadingFailed')}
    assert [blocked.get(rid) for rid, u in attempts.items() if u != url] == ['csp']
    problems = _problems(page)
    assert problems, 'the CSP blocked nothing, or its reports were not seen'
    reports = ' | '.join(str(p) for p in problems)
    for blocked_kind in ('Loading the image', 'Executing inline script', 'Executing inline event handler'):
        assert blocked_kind in reports, problems
    # The report's own script still runs: its hash is allowed, the injected script's is not.
    assert page.js('document.querySelectorAll("table.live").length') == 2


def test_new_sections_in_a_real_browser(browser, tmp_path):
    """Gate, run history (trend chart, changes), people and waivers: shown, inert, in both colour schemes."""
    summary = _hostile_summary()
    summary['waivers']['items'][0]['justification'] = XSS_FLAG_TITLE
    summary['people']['items'][0]['owner'] = XSS_FLAG_NAME
    url = _write(tmp_path, 'fleet-summary.html', render_html(summary))
    page = browser.new_page()
    page.navigate(url)
    assert _problems(page) == []
    assert page.js('typeof window.__xss') == 'undefined'
    assert page.js('document.querySelectorAll("img, iframe, object, embed").length') == 0
    body_text = page.js('document.body.textContent')
    for text in (XSS_FLAG_TITLE, XSS_FLAG_NAME, HOSTILE_OWNER.lower()):
        assert text in body_text

    # The gate sits right under the headline, above the first section, and is on screen without scrolling.
    box = page.js('(function () { var g = document.querySelector("section.gate").getBoundingClientRect();'
                  ' var h = document.querySelector("h2").getBoundingClientRect();'
                  ' return {top: g.top, bottom: g.bottom, next: h.top, height: window.innerHeight}; }())')
    assert box['bottom'] <= box['next'] and box['bottom'] < box['height']
    assert 'Gate failed' in page.js('document.querySelector("section.gate").textContent')

    # The trend chart is drawn: a visible line and a point per run, stroked from the page's colours.
    chart = page.js('(function () { var svg = document.querySelector("svg.trend"); var r = svg.getBoundingClientRect();'
                    ' var line = svg.querySelector("polyline.tl");'
                    ' return {w: r.width, h: r.height, points: svg.querySelectorAll("circle").length,'
                    ' stroke: getComputedStyle(line).stroke, length: line.getTotalLength(),'
                    ' text: getComputedStyle(svg.querySelector("text")).fill}; }())')
    assert chart['w'] > 300 and chart['h'] > 100 and chart['points'] == len(summary['trend'])
    assert chart['length'] > 50 and chart['stroke'] not in ('', 'none', 'rgb(0, 0, 0)')

    # Expired and unmatched waivers are listed first, visibly.
    states = page.js('Array.prototype.map.call(document.querySelectorAll("#waivers-table tbody td:nth-child(4) .badge"),'
                     ' function (b) { return b.textContent; })')
    assert states == ['expired: not applied', 'invalid: not applied', 'unmatched: covers nothing', 'active']
    assert page.js('Array.prototype.every.call(document.querySelectorAll("#waivers-table tbody tr"),'
                   ' function (tr) { return tr.getClientRects().length > 0; })')

    # Dark scheme: the chart's line and labels change colour with the page.
    page.call('Emulation.setEmulatedMedia', {'features': [{'name': 'prefers-color-scheme', 'value': 'dark'}]})
    dark = page.js('(function () { var svg = document.querySelector("svg.trend");'
                   ' return {stroke: getComputedStyle(svg.querySelector("polyline.tl")).stroke,'
                   ' text: getComputedStyle(svg.querySelector("text")).fill}; }())')
    assert dark['stroke'] != chart['stroke'] and dark['text'] != chart['text']
    page.dt.drain(0.3)
    assert _problems(page) == []
    assert all(p['request']['url'] == url for p in page.events('Network.requestWillBeSent'))
