# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Render a fleet summary (schemas/fleet_summary.schema.json) as JUnit XML, for CI dashboards.

Layout: one <testsuites> for the run (its id attribute the run id); first, when the summary has a gate,
one <testsuite name="gate"> (property kind ``gate``; passed and message as properties) with one <testcase>
per check the gate makes (classname ``signal.gate``; names sources, remediation, compliance, severity-high,
severity-medium, severity-low: report/view.py's gate_checks()), a <failure type="gate"> when that check is
crossed (message what it found, the gate's whole message as text), <skipped message="accepted: ..."> for MDM
sources that failed but are accepted, a plain testcase with what it found as <system-out> when met; a gate that
failed with no check crossed gets one failing testcase ``gate``. So a run whose gate fails has failures>0
here too, whatever its results say. Then one <testsuite> per subject, named by
the subject id, with its kind, platform, owner (and name, source, state)
as <properties>; one <testcase> per result, classname ``signal.<section>``
(``signal.3.7``; ``signal.<control id>`` when the control has no section,
e.g. ``signal.collection``), name the control id.

How each status maps:

- pass: a plain <testcase>.
- fail: <failure message="reason">, observed/expected as its text.
- error: <error message="reason">.
- unknown, manual: <skipped message="unknown: reason"> / "manual: reason".
  CI systems show skipped tests as *not passing* (GitLab, Jenkins and
  GitHub test reporters list them apart from the passes), which is what we
  want: nobody confirmed these controls, so they are not compliant either.
- waived: <skipped message="waived: reason">; also not passing, on purpose:
  a waiver is an accepted risk, not a fixed control.
- not_applicable: omitted. The control does not apply to that subject, so
  there is nothing to test, and a skipped entry would read as "not passing"
  in CI. How many were omitted is kept in the suite's ``not_applicable``
  property, so nothing is lost.
- A subject whose state is not ok (unreachable, failed, invalid) gets one
  testcase named ``collection`` with <error> (the collector's own
  ``collection`` result when the summary has one, else one made from the
  subject's state and error), next to any other results it has.

Counts: every suite's tests = testcases in it, and failures + errors +
skipped + passes = tests; <testsuites> holds the sums.

Serialized by hand, with the escaping xml.etree.ElementTree uses (& < > in
text; & < > " and tab, CR, LF as character references in attributes), to the
same bytes ET.tostring() gives, several times faster: ElementTree's
pure-Python serializer took most of the 15 s a 50,000-subject fleet (750,000
results) took. ElementTree does not refuse characters that XML 1.0 forbids
(\\x00-\\x08, \\x0b, \\x0c, \\x0e-\\x1f, lone surrogates, \\ufffe, \\uffff)
and neither does the escaping: so every string from the data passes through
xml_text() first, which shows control, bidirectional and zero-width
characters and lone surrogates as ⟨U+XXXX⟩ (visible.py) and replaces the
two non-characters left (\\ufffe, \\uffff) with U+FFFD: a hostile device
name cannot break the file, nor hide in it.

iter_junit() yields the document piece by piece (one piece per
SUITES_PER_CHUNK subjects): 50,000 subjects x 15 results is about 750,000
elements, too much to hold as one string next to the summary.
"""

from __future__ import annotations

import json
import re

from ansible_collections.hardening.signal.plugins.module_utils.engine import statuses as S
from ansible_collections.hardening.signal.plugins.module_utils.report.view import ACCEPTED, CROSSED, gate_checks, gate_passed
from ansible_collections.hardening.signal.plugins.module_utils.report.visible import visible

JUNIT_FILE = 'fleet-summary.junit.xml'
SUITES_PER_CHUNK = 500
COLLECTION_CONTROL = 'collection'  # engine/evaluate.py's id for "data could be collected"

# Everything XML 1.0 allows is Char ::= #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
_NOT_XML = re.compile('[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]')

# status -> what the testcase holds; None: a plain (passing) testcase. A status outside the schema
# is not a pass: it is looked up with _ERROR as the default, reported rather than hidden.
_FAILURE, _ERROR, _SKIPPED, _OMIT = 'failure', 'error', 'skipped', 'omit'
_KIND = {
    S.PASS: None,
    S.FAIL: _FAILURE,
    S.ERROR: _ERROR,
    S.UNKNOWN: _SKIPPED,
    S.MANUAL: _SKIPPED,
    S.WAIVED: _SKIPPED,
    S.NOT_APPLICABLE: _OMIT,
}


def xml_text(value):
    """A data value as a str that XML 1.0 can hold ('' for None), hiding and control characters made visible."""
    if value is None:
        return ''
    return _NOT_XML.sub('\ufffd', visible(value))


# Attribute text as ElementTree escapes it; line ends and tabs as character references (a parser would fold them
# to spaces otherwise).
_ATTR_ESCAPES = str.maketrans({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\r': '&#13;', '\n': '&#10;',
                               '\t': '&#09;'})


def xml_attr(value):
    """A data value as the text of a double-quoted XML attribute: xml_text(), then escaped as ElementTree does."""
    text = value if isinstance(value, str) else '' if value is None else str(value)
    # Printable text holds no character XML 1.0 forbids, and no tab, CR or LF: the common case, checked in one pass.
    if not text.isprintable():
        return xml_text(text).translate(_ATTR_ESCAPES)
    if '&' in text or '<' in text or '>' in text or '"' in text:
        return _escape_text(text).replace('"', '&quot;')
    return text


def _escape_text(text):
    """Element text (already xml_text()) escaped as ElementTree does."""
    if '&' in text:
        text = text.replace('&', '&amp;')
    if '<' in text:
        text = text.replace('<', '&lt;')
    if '>' in text:
        text = text.replace('>', '&gt;')
    return text


def _attrs(counts):
    """tests/failures/errors/skipped/time of a <testsuite(s)>, as attribute text."""
    return ' tests="%d" failures="%d" errors="%d" skipped="%d" time="0"' % (
        counts['tests'], counts[_FAILURE], counts[_ERROR], counts[_SKIPPED])


# Compact JSON, keys sorted, non-ASCII kept; one encoder for the whole document (json.dumps makes one per
# call). The summary holds JSON data (it has passed the schema), which cannot be circular.
_json = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(',', ':'), default=str, check_circular=False).encode


def _detail(result):
    """observed/expected (and the waiver, if any) as the failure's text, for whoever opens the test."""
    if not result:
        return None
    lines = []
    for key in ('observed', 'expected'):
        if key in result:
            lines.append('%s: %s' % (key, _json(result[key])))
    evidence = result.get('evidence')
    waiver = evidence.get('waiver') if isinstance(evidence, dict) else None
    if waiver:
        lines.append('waiver: %s' % _json(waiver))
    return xml_text('\n'.join(lines)) if lines else None


# Pieces that repeat across the fleet (a control's passing testcase, a skip with the same reason, a
# property's kind or platform) are made once per document and reused.
_CACHE_LIMIT = 20000  # distinct reused pieces kept; past it, new ones are made each time
_HEAD_PROPERTIES = ('owner', 'name', 'source.record', 'error')  # owner always ('' when unknown)
_SHARED_PROPERTIES = ('kind', 'platform', 'source.type', 'source.name', 'state', 'not_applicable')  # kind, platform always


class _Writer(object):
    def __init__(self, summary):
        self.sections = {c.get('id'): c.get('section') for c in summary.get('controls') or ()}
        self.timestamp = xml_attr(summary.get('generated_at'))
        self._opening = {}   # control -> '<testcase classname=".." name=".." time="0"'
        self._pieces = {}    # (what, ...) -> text

    def _testcase(self, control):
        opening = self._opening.get(control)
        if opening is None:
            section = self.sections.get(control)
            opening = '<testcase classname="signal.%s" name="%s" time="0"' % (
                xml_attr(control if section in (None, '', '-') else section), xml_attr(control))
            if len(self._opening) < _CACHE_LIMIT:
                self._opening[control] = opening
        return opening

    def _keep(self, key, text):
        if len(self._pieces) < _CACHE_LIMIT:
            self._pieces[key] = text
        return text

    def _property(self, name, value):
        key = ('property', name, value)
        text = self._pieces.get(key)
        if text is None:
            text = self._keep(key, '<property name="%s" value="%s" />' % (name, xml_attr(value)))
        return text

    def _head(self, subject, counts):
        """'<testsuite ...><properties>...</properties>' for the subject."""
        source = subject.get('source') or {}
        out = ['<testsuite name="%s"%s%s><properties>' % (
            xml_attr(subject.get('id')), _attrs(counts), ' timestamp="%s"' % self.timestamp if self.timestamp else '')]
        for name, value in zip(_HEAD_PROPERTIES, (subject.get('owner'), subject.get('name'), source.get('record'),
                                                  subject.get('error'))):
            if value is not None or name == 'owner':
                out.append('<property name="%s" value="%s" />' % (name, xml_attr(value)))
        for name, value in zip(_SHARED_PROPERTIES, (subject.get('kind'), subject.get('platform'), source.get('type'),
                                                    source.get('name'), subject.get('state'), counts[_OMIT])):
            if value is not None or name in ('kind', 'platform'):
                out.append(self._property(name, value))
        out.append('</properties>')
        return ''.join(out)

    def _case(self, control, status, reason, result, kind):
        if kind is None:
            key = ('pass', control)
            text = self._pieces.get(key)
            return text if text is not None else self._keep(key, self._testcase(control) + ' />')
        if kind == _SKIPPED:
            key = (kind, control, status, reason)
            text = self._pieces.get(key)
            if text is None:
                text = self._keep(key, '%s><skipped message="%s: %s" /></testcase>' % (
                    self._testcase(control), xml_attr(status), xml_attr(reason)))
            return text
        detail = _detail(result)
        head = '%s><%s message="%s" type="%s"' % (self._testcase(control), kind, xml_attr(reason), xml_attr(status))
        if detail:
            return '%s>%s</%s></testcase>' % (head, _escape_text(detail), kind)
        return head + ' /></testcase>'

    def suite(self, subject):
        """One subject as a <testsuite> element (text)."""
        counts = {None: 0, _FAILURE: 0, _ERROR: 0, _SKIPPED: 0, _OMIT: 0}
        out = [None]  # the head, once the counts are known
        kinds, case = _KIND, self._case
        results = subject.get('results') or ()
        if subject.get('state', 'ok') != 'ok' and not any(r.get('control') == COLLECTION_CONTROL for r in results):
            counts[_ERROR] += 1
            out.append(case(COLLECTION_CONTROL, 'error', 'no data collected (%s): %s' % (
                subject.get('state'), subject.get('error') or 'no detail'), None, _ERROR))
        pieces, append = self._pieces, out.append
        for result in results:
            status = result.get('status')
            kind = kinds.get(status, _ERROR)
            counts[kind] += 1
            if kind is None:  # a pass: the control's passing testcase, looked up here (most results)
                text = pieces.get(('pass', result.get('control')))
                append(text if text is not None else case(result.get('control'), status, None, result, kind))
            elif kind != _OMIT:
                append(case(result.get('control'), status, result.get('reason'), result, kind))
        counts['tests'] = len(out) - 1
        out[0] = self._head(subject, counts)
        out.append('</testsuite>\n')
        return ''.join(out)


GATE_SUITE = 'gate'


def gate_suite(gate):
    """(text, counts) of the gate's <testsuite>: one testcase per check (see the module's docstring)."""
    passed = gate_passed(gate)
    message = str(gate.get('message') or ('the gate passed' if passed else 'the gate failed'))
    counts = {'tests': 0, None: 0, _FAILURE: 0, _ERROR: 0, _SKIPPED: 0, _OMIT: 0}
    cases = []
    checks = gate_checks(gate)
    if not passed and not any(verdict == CROSSED for _check, verdict, _text in checks):
        # It did not pass, yet no check it holds says why: the gate itself is the failing test.
        checks.append(('gate', CROSSED, message))
    for check, verdict, text in checks:
        opening = '<testcase classname="signal.gate" name="%s" time="0">' % xml_attr(check)
        if verdict == CROSSED:
            counts[_FAILURE] += 1
            cases.append('%s<failure message="%s" type="gate">%s</failure></testcase>' % (
                opening, xml_attr(text), _escape_text(xml_text(message))))
        elif verdict == ACCEPTED:
            counts[_SKIPPED] += 1
            cases.append('%s<skipped message="accepted: %s" /></testcase>' % (opening, xml_attr(text)))
        else:
            counts[None] += 1
            cases.append('%s<system-out>%s</system-out></testcase>' % (opening, _escape_text(xml_text(text))))
    counts['tests'] = len(cases)
    head = '<testsuite name="%s"%s><properties>%s</properties>' % (GATE_SUITE, _attrs(counts), ''.join(
        '<property name="%s" value="%s" />' % (name, xml_attr(value))
        for name, value in (('kind', 'gate'), ('passed', 'true' if passed else 'false'), ('message', message))))
    return head + ''.join(cases) + '</testsuite>\n', counts


def iter_junit(summary):
    """render_junit(summary), the same text, in pieces of at most SUITES_PER_CHUNK subjects."""
    subjects = summary.get('subjects') or ()
    writer = _Writer(summary)
    total = {'tests': 0, None: 0, _FAILURE: 0, _ERROR: 0, _SKIPPED: 0, _OMIT: 0}
    kinds = _KIND
    for subject in subjects:  # a first pass: <testsuites> carries the totals up front; the same rules as suite()
        results = subject.get('results') or ()
        for result in results:
            total[kinds.get(result.get('status'), _ERROR)] += 1
        total['tests'] += len(results)
        if subject.get('state', 'ok') != 'ok' and not any(r.get('control') == COLLECTION_CONTROL for r in results):
            total[_ERROR] += 1
            total['tests'] += 1
    total['tests'] -= total[_OMIT]
    gate = summary.get('gate')
    gate_text = None
    if isinstance(gate, dict):
        gate_text, gate_counts = gate_suite(gate)
        for key in ('tests', None, _FAILURE, _ERROR, _SKIPPED):
            total[key] += gate_counts[key]
    guidance = summary.get('guidance') or {}
    name = '%s: %s %s' % ((summary.get('tool') or {}).get('name') or 'hardening.signal',
                          guidance.get('id') or '', guidance.get('title') or '')
    run_id = (summary.get('run') or {}).get('id')
    yield '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="%s"%s%s%s>\n' % (
        xml_attr(name.strip()), ' id="%s"' % xml_attr(run_id) if run_id else '', _attrs(total),
        ' timestamp="%s"' % writer.timestamp if writer.timestamp else '')
    if gate_text:
        yield gate_text
    for start in range(0, len(subjects), SUITES_PER_CHUNK):
        yield ''.join(writer.suite(subject) for subject in subjects[start:start + SUITES_PER_CHUNK])
    yield '</testsuites>\n'


def render_junit(summary):
    """Return the fleet summary as a JUnit XML document (a str)."""
    return ''.join(iter_junit(summary))
