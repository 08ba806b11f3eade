# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Render a fleet summary (schemas/fleet_summary.schema.json) as JUnit XML, for CI dashboards.

Layout: one <testsuites> for the run; one <testsuite> per subject, named by
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

Built and serialized with xml.etree.ElementTree, so escaping is automatic
(one small tree per suite head and per testcase; see _Writer). ElementTree
does not refuse characters that XML 1.0 forbids (\\x00-\\x08, \\x0b, \\x0c,
\\x0e-\\x1f, lone surrogates, \\ufffe, \\uffff): it would write them and the
file would not parse. So every string from the data passes through xml_text(),
which replaces them with U+FFFD: a hostile device name cannot break the file.

iter_junit() yields the document piece by piece (one piece per
SUITES_PER_CHUNK subjects): 50,000 subjects x 15 results is about 750,000
elements, too many to hold as one tree next to the summary.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

JUNIT_FILE = 'fleet-summary.junit.xml'
SUITES_PER_CHUNK = 500
COLLECTION_CONTROL = 'collection'  # engine/evaluate.py's id for "data could be collected"

# Everything XML 1.0 allows is Char ::= #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
_NOT_XML = re.compile('[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]')

# status -> what the testcase holds; None: a plain (passing) testcase. A status outside the schema
# is not a pass: it is looked up with _ERROR as the default, reported rather than hidden.
_FAILURE, _ERROR, _SKIPPED, _OMIT = 'failure', 'error', 'skipped', 'omit'
_KIND = {
    'pass': None,
    'fail': _FAILURE,
    'error': _ERROR,
    'unknown': _SKIPPED,
    'manual': _SKIPPED,
    'waived': _SKIPPED,
    'not_applicable': _OMIT,
}


def xml_text(value):
    """A data value as a str that XML 1.0 can hold ('' for None)."""
    if value is None:
        return ''
    return _NOT_XML.sub('\ufffd', value if isinstance(value, str) else str(value))


def _json(value):
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(',', ':'), default=str)


def _cases(subject):
    """[(control, status, reason, result or None)] for every result of the subject, in order.

    A subject whose state is not ok and that has no ``collection`` result gets one first.
    """
    results = subject.get('results') or ()
    cases = [(r.get('control'), r.get('status'), r.get('reason'), r) for r in results]
    if subject.get('state', 'ok') != 'ok' and not any(case[0] == COLLECTION_CONTROL for case in cases):
        cases.insert(0, (COLLECTION_CONTROL, 'error', 'no data collected (%s): %s' % (
            subject.get('state'), subject.get('error') or 'no detail'), None))
    return cases


def _counts(cases):
    """{'tests', 'failure', 'error', 'skipped', 'omit'} for one subject's cases."""
    counts = {'tests': 0, None: 0, _FAILURE: 0, _ERROR: 0, _SKIPPED: 0, _OMIT: 0}
    kinds = _KIND
    for case in cases:
        counts[kinds.get(case[1], _ERROR)] += 1
    counts['tests'] = len(cases) - counts[_OMIT]
    return counts


def _attrs(counts):
    return {'tests': str(counts['tests']), 'failures': str(counts[_FAILURE]), 'errors': str(counts[_ERROR]),
            'skipped': str(counts[_SKIPPED]), 'time': '0'}


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


# Serializing is ElementTree's own (ET.tostring), but piece by piece rather than one tree per
# document: a suite's head (the <testsuite> tag with its <properties>) is one ElementTree, each
# testcase that is not a plain pass another. Equal pieces (the passing testcase of one control,
# the same skip reason) are serialized once per document and reused: ElementTree's pure-Python
# serializer would otherwise spend seconds on the ~1,000,000 elements of a 50,000-subject fleet.
_CACHE_LIMIT = 20000  # distinct reused pieces kept; past it, new ones are serialized each time


def _tostring(element):
    return ET.tostring(element, encoding='unicode')


def _open_tag(element):
    """'<tag a="...">' for an element without children or text."""
    return _tostring(element)[:-3] + '>'


class _Writer(object):
    def __init__(self, summary):
        self.sections = {c.get('id'): c.get('section') for c in summary.get('controls') or ()}
        self.timestamp = xml_text(summary.get('generated_at'))
        self._cache = {}

    def _classname(self, control):
        section = self.sections.get(control)
        return 'signal.%s' % xml_text(control if section in (None, '', '-') else section)

    def _testcase(self, control):
        return ET.Element('testcase', {'classname': self._classname(control), 'name': xml_text(control), 'time': '0'})

    def _piece(self, key, make):
        text = self._cache.get(key)
        if text is None:
            text = make()
            if len(self._cache) < _CACHE_LIMIT:
                self._cache[key] = text
        return text

    def _head(self, subject, counts):
        """'<testsuite ...><properties>...</properties>' for the subject."""
        attrs = {'name': xml_text(subject.get('id'))}
        attrs.update(_attrs(counts))
        if self.timestamp:
            attrs['timestamp'] = self.timestamp
        suite = ET.Element('testsuite', attrs)
        props = ET.SubElement(suite, 'properties')
        source = subject.get('source') or {}
        # Values that differ from subject to subject: in this tree. owner is always there ('' when unknown).
        for name, value in (('owner', subject.get('owner')), ('name', subject.get('name')),
                            ('source.record', source.get('record')), ('error', subject.get('error'))):
            if value is not None or name == 'owner':
                ET.SubElement(props, 'property', {'name': name, 'value': xml_text(value)})
        text = _tostring(suite)
        closing = '</properties></testsuite>'
        if not text.endswith(closing):  # cannot happen while owner is always written
            raise AssertionError('unexpected serialization of a testsuite head')
        out = [text[:-len(closing)]]
        # Values that repeat across the fleet: serialized once each. kind and platform always.
        for name, value in (('kind', subject.get('kind')), ('platform', subject.get('platform')),
                            ('source.type', source.get('type')), ('source.name', source.get('name')),
                            ('state', subject.get('state')), ('not_applicable', counts[_OMIT])):
            if value is not None or name in ('kind', 'platform'):
                out.append(self._piece(('property', name, value), lambda: _tostring(
                    ET.Element('property', {'name': name, 'value': xml_text(value)}))))
        out.append('</properties>')
        return ''.join(out)

    def _case(self, control, status, reason, result, kind):
        if kind is None:
            return self._piece(('pass', control), lambda: _tostring(self._testcase(control)))
        if kind == _SKIPPED:
            def skipped():
                case = self._testcase(control)
                ET.SubElement(case, 'skipped', {'message': '%s: %s' % (xml_text(status), xml_text(reason))})
                return _tostring(case)
            return self._piece((kind, control, status, reason), skipped)
        case = self._testcase(control)
        ET.SubElement(case, kind, {'message': xml_text(reason), 'type': xml_text(status)}).text = _detail(result)
        return _tostring(case)

    def suite(self, subject):
        """One subject as a <testsuite> element (text)."""
        cases = _cases(subject)
        counts = _counts(cases)
        out = [self._head(subject, counts)]
        for control, status, reason, result in cases:
            kind = _KIND.get(status, _ERROR)
            if kind != _OMIT:
                out.append(self._case(control, status, reason, result, kind))
        out.append('</testsuite>\n')
        return ''.join(out)


def iter_junit(summary):
    """render_junit(summary), the same text, in pieces of at most SUITES_PER_CHUNK subjects."""
    subjects = summary.get('subjects') or ()
    writer = _Writer(summary)
    total = {'tests': 0, None: 0, _FAILURE: 0, _ERROR: 0, _SKIPPED: 0, _OMIT: 0}
    kinds = _KIND
    for subject in subjects:  # a first pass: <testsuites> carries the totals up front; the same rules as _cases
        results = subject.get('results') or ()
        for result in results:
            total[kinds.get(result.get('status'), _ERROR)] += 1
        total['tests'] += len(results)
        if subject.get('state', 'ok') != 'ok' and not any(r.get('control') == COLLECTION_CONTROL for r in results):
            total[_ERROR] += 1
            total['tests'] += 1
    total['tests'] -= total[_OMIT]
    guidance = summary.get('guidance') or {}
    name = '%s: %s %s' % ((summary.get('tool') or {}).get('name') or 'hardening.signal',
                          guidance.get('id') or '', guidance.get('title') or '')
    attrs = {'name': xml_text(name.strip())}
    attrs.update(_attrs(total))
    if writer.timestamp:
        attrs['timestamp'] = writer.timestamp
    yield '<?xml version="1.0" encoding="UTF-8"?>\n' + _open_tag(ET.Element('testsuites', attrs)) + '\n'
    for start in range(0, len(subjects), SUITES_PER_CHUNK):
        yield ''.join(writer.suite(subject) for subject in subjects[start:start + SUITES_PER_CHUNK])
    yield '</testsuites>\n'


def render_junit(summary):
    """Return the fleet summary as a JUnit XML document (a str)."""
    return ''.join(iter_junit(summary))
