# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Render a fleet summary as one NIST OSCAL assessment-results document (OSCAL 1.2.3, JSON).

Layout, in ``assessment-results``: ``metadata`` (the tool's version, how
states were mapped in ``remarks``), ``import-ap`` pointing at a back-matter
resource that says what the plan is (the collection's control catalogue; no
OSCAL assessment plan exists for it), and one ``result`` for the run:

- ``reviewed-controls``: every control of the summary.
- ``local-definitions.inventory-items``: one per subject (the subjects are
  the assessment's targets), its UUID derived from the subject id so it
  stays the same across runs.
- ``observations``: one per subject and control, the evidence: our status
  and the control in props, the reason as description, observed/expected
  and any waiver or attestation as relevant-evidence, the subject as its
  subject, method TEST (INTERVIEW for a person's attestation).
- ``findings``: one per control that applied to at least one subject,
  target the control (``objective-id``), every observation of it related.
  ``satisfied`` only when at least one result is pass and all the others
  are pass or not_applicable; otherwise ``not-satisfied`` (reason ``fail``
  when one failed, else ``other``), the counts in its remarks. unknown,
  manual, error and waived are never satisfied. A control that applied to
  no subject has observations but no finding: OSCAL has no "not
  applicable" state.
- ``risks``: one per active waiver, status ``deviation-approved``, its
  expiry as the deadline, related to its control's finding.

Text from devices, MDMs and people goes into OSCAL's Markdown fields
(titles, descriptions, remarks) with Markdown's special characters
backslash-escaped, so a viewer shows it as written instead of running it as
markup; the exact strings are also props where OSCAL's string type can hold
them (no line break, no leading or trailing space). A lone surrogate
becomes U+FFFD (as in the HDF file; pydantic refuses a document that holds
one).

UUIDs are version 5 (name-based), so the same summary gives the same bytes.
iter_oscal() yields the document piece by piece (SUBJECTS_PER_CHUNK subjects
at a time); only the observations' UUIDs are kept per control until the
findings are written.
"""

from __future__ import annotations

import hashlib
import json
import re

from ansible_collections.hardening.signal.plugins.module_utils.report.render_hdf import json_text

OSCAL_FILE = 'fleet-summary.oscal.json'
OSCAL_VERSION = '1.2.3'
SUBJECTS_PER_CHUNK = 500
# The namespace of this collection's own props (OSCAL reserves props without ns for its own names).
NS = 'urn:hardening-signal:oscal'
COLLECTION_CONTROL = 'collection'

STATE_MAPPING = {
    'pass': 'observation with status pass; its control can be satisfied',
    'fail': 'observation with status fail; its control is not-satisfied (reason fail)',
    'error': 'observation with status error; its control is not-satisfied',
    'unknown': 'observation with status unknown and the reason; its control is not-satisfied, never satisfied',
    'manual': 'observation with status manual and the reason; its control is not-satisfied, never satisfied',
    'waived': 'observation with status waived and the waiver as evidence, a risk with status deviation-approved; '
              'its control is not-satisfied',
    'not_applicable': 'observation with status not_applicable; ignored by the finding; a control that applied to '
                      'no subject gets no finding',
}
MAPPING_NOTE = ('hardening.signal states in OSCAL: %s. satisfied means at least one pass and nothing but pass or '
                'not_applicable for that control across the fleet.'
                % '; '.join('%s: %s' % item for item in STATE_MAPPING.items()))

_encode = json.JSONEncoder(ensure_ascii=False, separators=(',', ':'), default=str, check_circular=False).encode
_NAMESPACE = bytes.fromhex('6ba7b8119dad11d180b400c04fd430c8')  # RFC 4122's URL namespace

# CommonMark: any ASCII punctuation may be backslash-escaped; these are the ones that can start markup anywhere.
_MARKDOWN_INLINE = re.compile(r'([\\`*_\[\]<>&!|~{}#])')
# ... and these only at the start of a line (lists, headings, block quotes, setext underlines).
# (A backslash escapes punctuation only: in "1." it goes before the dot.)
_MARKDOWN_LINE_START = re.compile(r'(?m)^(\s*(?:\d+)?)([-+=.)])')
_STRING_TYPE = re.compile(r'^\S(.*\S)?$')  # OSCAL's StringDatatype (Python's . does not match a line break either)


def uuid5(name):
    """An RFC 4122 version 5 UUID of name in the URL namespace, as text (uuid.uuid5 is slower per call)."""
    digest = hashlib.sha1(_NAMESPACE + name.encode('utf-8', 'surrogatepass')).hexdigest()
    variant = '89ab'[int(digest[16], 16) >> 2]
    return '%s-%s-5%s-%s%s-%s' % (digest[:8], digest[8:12], digest[13:16], variant, digest[17:20], digest[20:32])


_CACHE_LIMIT = 20000  # distinct escaped texts kept (reasons repeat across a fleet); past it, escaped each time
_escaped = {}


def markdown(text):
    """Text shown as written in an OSCAL markup field (its Markdown specials escaped)."""
    text = '' if text is None else text if isinstance(text, str) else str(text)
    done = _escaped.get(text)
    if done is None:
        done = _MARKDOWN_LINE_START.sub(r'\1\\\2', _MARKDOWN_INLINE.sub(r'\\\1', text))
        if len(_escaped) < _CACHE_LIMIT:
            _escaped[text] = done
    return done


def markdown_line(text, fallback):
    """A markup-line (one non-empty line): escaped, line breaks as spaces."""
    line = ' '.join(markdown(text).split()) if text else ''
    return line or fallback


def prop(name, value):
    """An ns prop, or None when OSCAL's string type cannot hold the value exactly."""
    if isinstance(value, bool):
        value = 'true' if value else 'false'
    text = value if isinstance(value, str) else '' if value is None else str(value)
    if not _STRING_TYPE.match(text):
        return None
    return {'name': name, 'ns': NS, 'value': text}


def _props(*pairs):
    return [p for p in (prop(name, value) for name, value in pairs) if p is not None]


def _subject_label(subject):
    sid, name = subject.get('id'), subject.get('name')
    return sid if not name or name == sid else '%s (%s)' % (sid, name)


class _Writer(object):
    def __init__(self, summary):
        self.generated_at = summary.get('generated_at')
        tool = summary.get('tool') or {}
        run_id = (summary.get('history') or {}).get('run_id')
        self.run_key = 'hardening.signal run %s %s %s' % (tool.get('version'), self.generated_at, run_id)
        self.controls = {}
        for control in summary.get('controls') or ():
            self.controls.setdefault(control.get('id'), control)
        self.observations = {}  # control id -> [observation uuid]
        self.counts = {}        # control id -> {status: n}
        self._titles = {}

    def uuid(self, *parts):
        return uuid5('\n'.join((self.run_key,) + tuple(str(p) for p in parts)))

    def inventory_item(self, subject):
        source = subject.get('source') or {}
        described = '%s %s on %s, from %s %s%s' % (
            subject.get('kind'), markdown(_subject_label(subject)), subject.get('platform'), markdown(source.get('type')),
            markdown(source.get('name')), '' if subject.get('state') == 'ok' else ': %s (%s)' % (
                subject.get('state'), markdown(subject.get('error') or 'no detail')))
        item = {'uuid': uuid5('hardening.signal subject\n%s' % subject.get('id')), 'description': described}
        props = _props(('subject-id', subject.get('id')), ('name', subject.get('name')), ('kind', subject.get('kind')),
                       ('platform', subject.get('platform')), ('owner', subject.get('owner')),
                       ('source', source.get('name')), ('state', subject.get('state')))
        if props:
            item['props'] = props
        return _encode(item)

    def _title(self, control_id):
        title = self._titles.get(control_id)
        if title is None:
            control = self.controls.get(control_id) or {}
            title = self._titles[control_id] = markdown_line(control.get('title'), control_id or 'control')
        return title

    def observations_of(self, subject):
        """The subject's observations, as JSON texts."""
        results = subject.get('results') or ()
        if subject.get('state', 'ok') != 'ok' and not any(r.get('control') == COLLECTION_CONTROL for r in results):
            results = list(results) + [{'control': COLLECTION_CONTROL, 'status': 'error',
                                        'reason': 'no data collected (%s): %s' % (
                                            subject.get('state'), subject.get('error') or 'no detail')}]
        sid = subject.get('id')
        subject_ref = [{'subject-uuid': uuid5('hardening.signal subject\n%s' % sid), 'type': 'inventory-item',
                        'title': markdown_line(_subject_label(subject), 'subject')}]
        out = []
        for index, result in enumerate(results):
            control_id = result.get('control')
            status = result.get('status')
            evidence = result.get('evidence') if isinstance(result.get('evidence'), dict) else {}
            uuid = self.uuid('observation', sid, control_id, index)
            self.observations.setdefault(control_id, []).append(uuid)
            counts = self.counts.setdefault(control_id, {})
            counts[status] = counts.get(status, 0) + 1
            observation = {
                'uuid': uuid,
                'title': '%s: %s' % (markdown_line(_subject_label(subject), 'subject'), self._title(control_id)),
                'description': '%s: %s' % (status, markdown(result.get('reason'))),
                'props': _props(('status', status), ('control', control_id), ('reason', result.get('reason')),
                                ('underlying-status', evidence.get('underlying_status')),
                                ('failing-since', result.get('failing_since'))),
                'methods': ['INTERVIEW' if 'attestation' in evidence else 'TEST'],
                'subjects': subject_ref,
                'collected': self.generated_at,
            }
            shown = {key: result[key] for key in ('observed', 'expected') if key in result}
            shown.update(evidence)
            if shown:
                observation['relevant-evidence'] = [{'description': markdown(_encode(shown))}]
            if not observation['props']:
                del observation['props']
            out.append(_encode(observation))
        return out

    def finding(self, control_id, risks):
        """The control's finding (JSON text), or None when it applied to no subject."""
        counts = self.counts.get(control_id) or {}
        applied = {status: n for status, n in counts.items() if status != 'not_applicable'}
        if not applied:
            return None
        satisfied = counts.get('pass', 0) > 0 and set(applied) == {'pass'}
        reason = 'pass' if satisfied else 'fail' if counts.get('fail') else 'other'
        tally = ', '.join('%d %s' % (counts[s], s) for s in sorted(counts))
        finding = {
            'uuid': self.uuid('finding', control_id),
            'title': self._title(control_id),
            'description': '%s across the fleet: %s.' % (
                'Satisfied' if satisfied else 'Not satisfied', tally),
            'props': _props(('control', control_id)),
            'target': {'type': 'objective-id', 'target-id': control_id,
                       'status': {'state': 'satisfied' if satisfied else 'not-satisfied', 'reason': reason},
                       'remarks': 'unknown, manual, error and waived results are never satisfied; '
                                  'not_applicable results are not counted.'},
            'related-observations': [{'observation-uuid': uuid} for uuid in self.observations.get(control_id, ())],
        }
        if not finding['props']:
            del finding['props']
        if risks:
            finding['related-risks'] = [{'risk-uuid': uuid} for uuid in risks]
        return _encode(finding)


def _risks(summary, writer):
    """[(control id, risk uuid, risk JSON text)] for the active waivers."""
    out = []
    for item in (summary.get('waivers') or {}).get('items') or ():
        if item.get('state') != 'active':
            continue
        uuid = writer.uuid('risk', item.get('id'), item.get('record'))
        risk = {
            'uuid': uuid,
            'title': markdown_line('Waiver %s for %s' % (item.get('id'), item.get('control')), 'waiver'),
            'description': markdown(item.get('justification') or 'no justification given'),
            'statement': 'Accepted by %s (ticket %s) until %s; it covers %d result(s) of this run.' % (
                markdown(item.get('owner')), markdown(item.get('ticket')), markdown(item.get('expires')),
                item.get('results') or 0),
            'props': _props(('waiver-id', item.get('id')), ('control', item.get('control')),
                            ('source', item.get('source'))),
            'status': 'deviation-approved',
        }
        expires = item.get('expires')
        if isinstance(expires, str) and re.match(r'^\d{4}-\d{2}-\d{2}$', expires):
            risk['deadline'] = '%sT23:59:59Z' % expires
        if not risk['props']:
            del risk['props']
        out.append((item.get('control'), uuid, _encode(risk)))
    return out


def _head(summary, writer):
    tool = summary.get('tool') or {}
    guidance = summary.get('guidance') or {}
    compliance = summary.get('compliance') or {}
    run = summary.get('run') or {}
    plan = writer.uuid('plan')
    metadata = {
        'title': markdown_line('%s fleet assessment: %s %s' % (tool.get('name'), guidance.get('id'), guidance.get('title')),
                               'hardening.signal fleet assessment'),
        'last-modified': writer.generated_at,
        'version': tool.get('version') or 'unknown',
        'oscal-version': OSCAL_VERSION,
        'props': _props(('guidance', guidance.get('id')), ('guidance-version', guidance.get('version'))),
        'remarks': MAPPING_NOTE,
    }
    pct = compliance.get('pct')
    result = {
        'uuid': writer.uuid('result'),
        'title': markdown_line('Fleet run of %s' % writer.generated_at, 'Fleet run'),
        'description': 'Compliance %s over %d subjects (%s). %s' % (
            'n/a' if pct is None else '%s%%' % round(pct, 2), compliance.get('subjects') or 0,
            markdown(compliance.get('definition')), 'Audit (check mode).' if run.get('check_mode') else 'Enforcing run.'),
        'start': writer.generated_at,
        'end': writer.generated_at,
        'props': _props(('compliance-pct', 'n/a' if pct is None else round(pct, 2)),
                        ('threshold-pct', run.get('threshold_pct')), ('check-mode', run.get('check_mode')),
                        ('subjects', compliance.get('subjects'))),
        'reviewed-controls': {'control-selections': [{
            'include-controls': [{'control-id': c.get('id')} for c in summary.get('controls') or ()]}]},
        'remarks': MAPPING_NOTE,
    }
    for part in (metadata, result):
        if not part['props']:
            del part['props']
    if not result['reviewed-controls']['control-selections'][0]['include-controls']:
        result['reviewed-controls']['control-selections'][0] = {'include-all': {}}
    back_matter = {'resources': [{
        'uuid': plan,
        'title': 'The assessment plan: the hardening.signal control catalogue',
        'description': 'No OSCAL assessment plan exists for this run. What was assessed, and how, is the control '
                       'catalogue of hardening.signal %s (roles/signal\\_hardening/controls), one file per control, '
                       'from %s %s.' % (markdown(tool.get('version')), markdown(guidance.get('id')),
                                        markdown(guidance.get('title'))),
    }]}
    document = {'uuid': writer.uuid('document'), 'metadata': metadata, 'import-ap': {'href': '#%s' % plan}}
    return document, result, back_matter


def iter_oscal(summary):
    """render_oscal(summary), the same text, in pieces of at most SUBJECTS_PER_CHUNK subjects."""
    writer = _Writer(summary)
    document, result, back_matter = _head(summary, writer)
    subjects = summary.get('subjects') or ()
    yield json_text('{"assessment-results":%s,"results":[%s' % (_encode(document)[:-1], _encode(result)[:-1]))
    if subjects:
        for start in range(0, len(subjects), SUBJECTS_PER_CHUNK):
            items = ','.join(writer.inventory_item(s) for s in subjects[start:start + SUBJECTS_PER_CHUNK])
            yield json_text(('%s' if start else ',"local-definitions":{"inventory-items":[%s') % items)
            if start + SUBJECTS_PER_CHUNK < len(subjects):
                yield ','
        yield ']}'
    first = True
    for start in range(0, len(subjects), SUBJECTS_PER_CHUNK):
        out = []
        for subject in subjects[start:start + SUBJECTS_PER_CHUNK]:
            out.extend(writer.observations_of(subject))
        if out:
            yield json_text((',"observations":[' if first else ',') + ','.join(out))
            first = False
    if not first:
        yield ']'
    risks = _risks(summary, writer)
    by_control = {}
    for control_id, uuid, _text in risks:
        by_control.setdefault(control_id, []).append(uuid)
    order = list(writer.controls) + [c for c in writer.counts if c not in writer.controls]
    findings = [text for text in (writer.finding(c, by_control.get(c)) for c in order) if text is not None]
    if findings:
        yield json_text(',"findings":[%s]' % ','.join(findings))
    if risks:
        yield json_text(',"risks":[%s]' % ','.join(text for _c, _u, text in risks))
    yield json_text('}],"back-matter":%s}}\n' % _encode(back_matter))


def render_oscal(summary):
    """Return the fleet summary as an OSCAL assessment-results document (a str)."""
    return ''.join(iter_oscal(summary))
