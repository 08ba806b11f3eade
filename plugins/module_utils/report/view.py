# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The report view model: what a human-readable report shows, in which order, and up to what limit.

The Markdown and HTML reports (and the console table) are built from the same choices made here: the
sections and their order (write_sections), which subjects, people, waivers and changes are listed and in
which order, the wording of the gate's crossed lines, and the bounds of every list. The renderers only
turn these choices into their markup; none decides what to show.

The sections people, waivers, attestations, history, changes, trend and gate (and owner_source,
failing_since) are optional: each is shown only when the summary has it, so an older summary still renders.
Every list they hold is shown up to a bound, with a line saying how many were left out.

Pure: no I/O.
"""

from __future__ import annotations

import collections
import heapq
import math
import re

from ansible_collections.hardening.signal.plugins.module_utils.engine import statuses as S
from ansible_collections.hardening.signal.plugins.module_utils.fleet.gate import SEVERITIES
from ansible_collections.hardening.signal.plugins.module_utils.fleet.people import COMPLIANT, FAILING, NOT_ASSESSED

# The fleet totals: the counted statuses first (what the percentage is made of), then the two that are not.
STATUS_ORDER = S.COUNTED + (S.WAIVED, S.NOT_APPLICABLE)
# Per control (table columns, stacked bars, the console): waived next to manual, both handled by people.
CONTROL_COLUMNS = (S.PASS, S.FAIL, S.UNKNOWN, S.MANUAL, S.WAIVED, S.ERROR, S.NOT_APPLICABLE)
COUNTED_STATUSES = frozenset(S.COUNTED)
# A result someone has to act on; each links to its control's steps. In the order the reports offer them as filters.
ATTENTION_ORDER = (S.FAIL, S.UNKNOWN, S.MANUAL, S.ERROR)
ATTENTION_STATUSES = frozenset(ATTENTION_ORDER)
STATUS_LABELS = {
    S.PASS: 'Pass', S.FAIL: 'Fail', S.UNKNOWN: 'Unknown', S.MANUAL: 'Manual',
    S.ERROR: 'Error', S.WAIVED: 'Waived', S.NOT_APPLICABLE: 'N/A',
}
SUMMARY_FILE = 'fleet-summary.json'

# How many entries each report lists at most; the rest are counted, with a pointer to the JSON summary.
Limits = collections.namedtuple('Limits', ('subjects', 'input_errors', 'people', 'waivers', 'changes', 'trend'))
MARKDOWN_LIMITS = Limits(subjects=200, input_errors=200, people=200, waivers=200, changes=50, trend=12)
HTML_LIMITS = Limits(subjects=500, input_errors=500, people=500, waivers=500, changes=100, trend=30)
# Bounds shared by both reports: lists inside one row or one line.
MAX_DEVICES_SHOWN = 10   # per person, phones and workstations each
MAX_GATE_CONTROLS = 10   # controls named per crossed failure limit
MAX_BY_CONTROL = 50      # rows of the changes-per-control table
MAX_FILES = 100          # waiver or attestation files listed
MAX_VALIDITY = 50        # attestation validity overrides listed
WAIVER_STATES = ('active', 'unmatched', 'expired', 'invalid')
# Waivers that need someone first: expired, then invalid, then in force but covering nothing.
_WAIVER_RANK = {'expired': 0, 'invalid': 1, 'unmatched': 2, 'active': 3}
OWNER_SOURCES = {'inventory': 'inventory', 'mdm': 'MDM', 'signal_profile': 'Signal profile'}
DEVICE_STANDING = {COMPLIANT: 'compliant', FAILING: 'failing', NOT_ASSESSED: 'not assessed'}

_DIGITS = re.compile(r'(\d+)')
_NOT_ANCHOR = re.compile(r'[^a-z0-9]+')
_ISO_DAY = re.compile(r'\d{4}-\d{2}-\d{2}(?=[T ]|$)')


def natural_key(value):
    """'3.10' sorts after '3.9', 'SIG-2' before 'SIG-10'."""
    return tuple((0, int(part), '') if part.isdigit() else (1, 0, part.lower())
                 for part in _DIGITS.split('' if value is None else str(value)) if part)


def control_sort_key(control):
    return natural_key(control.get('section')), natural_key(control.get('id'))


def sorted_controls(summary):
    return sorted(summary.get('controls') or (), key=control_sort_key)


def pct_tenths(pct):
    """The percentage as shown: one decimal, rounded down."""
    return math.floor(float(pct) * 10) / 10


def format_pct(pct):
    """One decimal, rounded down so 99.96 never reads as 100.0 (or as a met threshold)."""
    if pct is None:
        return 'n/a'
    return '%.1f%%' % pct_tenths(pct)


def pct_change(pct, previous):
    """'+2.3', '-4.1' or '0.0': the change in points between two percentages as shown; '' without both."""
    if not isinstance(pct, (int, float)) or not isinstance(previous, (int, float)):
        return ''
    delta = round(pct_tenths(pct) - pct_tenths(previous), 1)
    return '0.0' if not delta else '%+.1f' % delta


def threshold_met(summary):
    """Whether compliance meets the threshold, as the gate decided it (fleet/gate.py: nothing counted meets only a
    threshold of 0), so no report says "not met" next to a gate that passed, or the reverse."""
    gate = summary.get('gate')
    gate_compliance = gate.get('compliance') if isinstance(gate, dict) else None
    if isinstance(gate_compliance, dict) and isinstance(gate_compliance.get('met'), bool):
        return gate_compliance['met']
    pct = summary['compliance'].get('pct')
    return (pct if pct is not None else 0.0) >= summary['run']['threshold_pct']


def threshold_verdict(summary):
    """The threshold's verdict in words; when nothing was counted it says so, whichever way the threshold went."""
    met = threshold_met(summary)
    if summary['compliance'].get('pct') is None:
        return 'met only because the threshold is 0%: nothing was counted' if met else 'not met: nothing was counted'
    return 'met' if met else 'not met'


def subjects_needing_attention(summary, limit):
    """Return (selected, total): up to ``limit`` (subject, findings) pairs, worst first.

    A subject needs attention when its state is not ok or any result is
    fail/unknown/error/manual; findings are those results in control order.
    Walks the subjects once and keeps only the top ``limit`` (heap), so it
    stays cheap for very large fleets.
    """
    candidates = []
    for index, subject in enumerate(summary.get('subjects') or ()):
        findings = [r for r in subject.get('results') or () if r.get('status') in ATTENTION_STATUSES]
        state_ok = subject.get('state') == 'ok'
        if state_ok and not findings:
            continue
        hard = sum(1 for r in findings if r['status'] in ('fail', 'error'))
        # Broken subjects first, then most fail/error, then most findings, then input order.
        candidates.append(((state_ok, -hard, -len(findings), index), subject, findings))

    top = heapq.nsmallest(limit, candidates, key=lambda item: item[0]) if limit > 0 else []
    order = {c.get('id'): i for i, c in enumerate(sorted_controls(summary))}
    last = len(order)
    selected = []
    for _rank, subject, findings in top:
        findings.sort(key=lambda r: (order.get(r.get('control'), last), natural_key(r.get('control'))))
        selected.append((subject, findings))
    return selected, len(candidates)


def steps_anchors(summary):
    """{control id: the fragment id of its steps} for each control that has rationale or steps, unique per report.

    Every result that needs attention links to its control's steps through this id.
    """
    anchors, taken = {}, set()
    for control in sorted_controls(summary):
        if not isinstance(control, dict) or not (control.get('steps') or control.get('rationale')):
            continue
        base = 'steps-' + (_NOT_ANCHOR.sub('-', str(control.get('id')).lower()).strip('-') or 'control')
        anchor, number = base, 1
        while anchor in taken:
            number += 1
            anchor = '%s-%d' % (base, number)
        taken.add(anchor)
        anchors.setdefault(control.get('id'), anchor)
    return anchors


def controls_with_steps(summary):
    """[(control, anchor, [step text])] in control order, once per control id: what the steps section lists."""
    anchors = steps_anchors(summary)
    shown = []
    for control in sorted_controls(summary):
        anchor = anchors.pop(control.get('id'), None) if isinstance(control, dict) else None
        if anchor is not None:
            shown.append((control, anchor, [str(step) for step in control.get('steps') or () if step not in (None, '')]))
    return shown


def subject_label(subject):
    return subject.get('name') or subject.get('id') or '?'


def whole(value):
    """A count from the summary, or 0 for anything that is not a whole number."""
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def plural(count, one, many=None):
    return '%s %s' % ('{:,}'.format(count), one if count == 1 else (many or one + 's'))


def short_date(value):
    """The day of an ISO timestamp ('2025-11-19T10:00:00Z' -> '2025-11-19'); any other text as it is."""
    text = '' if value is None else str(value)
    match = _ISO_DAY.match(text)
    return match.group(0) if match else text


def days_left_text(days):
    """How a waiver's days_left reads: 'in 5 days', 'today', '3 days ago' (None: '')."""
    if not isinstance(days, int) or isinstance(days, bool):
        return ''
    if days == 0:
        return 'ends today'
    return 'in %s' % plural(days, 'day') if days > 0 else '%s ago' % plural(-days, 'day')


CROSSED, MET, ACCEPTED = 'crossed', 'met', 'accepted'


def gate_checks(gate):
    """[(check, verdict, text)]: each line the gate checks, in its order (sources, remediation, compliance,
    severity-high, severity-medium, severity-low: the names the JUnit gate suite gives them), with its verdict (CROSSED,
    MET, or ACCEPTED for incomplete MDM sources the organisation accepts) and what was found, as plain text (each
    renderer escapes it). Only the checks the gate holds a section for.

    Built from the structured fields rather than gate['lines'], so the percentage reads as everywhere
    else in the report.
    """
    checks = []
    sources = gate.get('sources')
    if isinstance(sources, dict):
        names = [str(name) for name in sources.get('incomplete') or ()]
        if sources.get('crossed'):
            checks.append(('sources', CROSSED, '%s failed or stopped part-way: %s (signal_hardening_fail_on_incomplete_'
                           'sources is true)' % ('An MDM source' if len(names) == 1 else 'MDM sources', _names(names) or '?')))
        else:
            checks.append(('sources', ACCEPTED if names else MET, gate_sources_text(gate)))
    remediation = gate.get('remediation')
    if isinstance(remediation, dict):
        failures = [str(failure) for failure in remediation.get('failures') or ()]
        if remediation.get('crossed'):
            checks.append(('remediation', CROSSED, 'Remediation failed on %s: %s' % (
                plural(len(failures), 'workstation'), _names(failures) or '?')))
        else:
            checks.append(('remediation', MET, 'Remediation failed on no workstation'))
    comp = gate.get('compliance')
    if isinstance(comp, dict) and comp:
        pct, threshold = comp.get('pct'), comp.get('threshold_pct')
        pct_text = format_pct(pct) if isinstance(pct, (int, float)) else 'n/a (nothing was counted)'
        threshold_text = format_pct(threshold) if isinstance(threshold, (int, float)) else '?'
        if comp.get('met') is False:
            checks.append(('compliance', CROSSED, 'Compliance %s is below the threshold %s' % (pct_text, threshold_text)))
        elif isinstance(pct, (int, float)):
            checks.append(('compliance', MET, 'Compliance %s meets the threshold %s' % (pct_text, threshold_text)))
        else:
            checks.append(('compliance', MET, 'Compliance n/a: met only because the threshold is %s, nothing was '
                           'counted' % threshold_text))
    severities = gate.get('severities') or {}
    for severity in SEVERITIES:
        entry = severities.get(severity)
        if not isinstance(entry, dict):
            continue
        controls = entry.get('controls') or []
        named = ', '.join('%s \u00d7%s' % (c.get('id'), '{:,}'.format(whole(c.get('failures'))))
                          for c in controls[:MAX_GATE_CONTROLS])
        if len(controls) > MAX_GATE_CONTROLS:
            named += ' and %s' % plural(len(controls) - MAX_GATE_CONTROLS, 'more control')
        limit = entry.get('limit')
        checks.append(('severity-%s' % severity, CROSSED if entry.get('crossed') else MET,
                       '%s severity: %s in state fail, %s%s' % (
                           severity.capitalize(), plural(whole(entry.get('failures')), 'result'),
                           'no limit' if limit is None and not entry.get('crossed') else 'limit %s' % limit,
                           ': ' + named if named else '')))
    return checks


def gate_crossed(gate):
    """The lines the gate found crossed, as plain text (each renderer escapes it), from its fields (gate_checks);
    gate['lines'] are used only if the fields name nothing although it failed."""
    found = [text for _check, verdict, text in gate_checks(gate) if verdict == CROSSED]
    if not found and gate.get('passed') is False:
        found = [str(line) for line in (gate.get('lines') or ())[:len(SEVERITIES) + 3]]
        found = found or [str(gate.get('message') or 'the gate failed')]
    return found


def gate_passed(gate):
    """Whether a report may say the gate passed: only when it says so itself and no line it holds is crossed."""
    return gate.get('passed') is True and not gate_crossed(gate)


def gate_sources_text(gate):
    """What the gate found of the MDM sources, in words ('' when the gate does not say)."""
    sources = gate.get('sources')
    if not isinstance(sources, dict):
        return ''
    names = [str(name) for name in sources.get('incomplete') or ()]
    if not names:
        return 'every MDM source was read completely'
    return '%s incomplete (%s)%s' % (plural(len(names), 'MDM source'), _names(names),
                                     ', accepted' if sources.get('accepted') and not sources.get('crossed') else '')


def _names(items):
    shown = '; '.join(items[:MAX_GATE_CONTROLS])
    if len(items) > MAX_GATE_CONTROLS:
        shown += ' and %s more' % '{:,}'.format(len(items) - MAX_GATE_CONTROLS)
    return shown


def people_to_show(people, limit):
    """Return (selected, total): up to ``limit`` people, those with a failing device first.

    Order: most failing devices, most failing results, most devices not assessed, then the
    summary's order (by owner). A heap keeps it cheap for a person per subject.
    """
    items = [p for p in people.get('items') or () if isinstance(p, dict)]

    def rank(pair):
        index, person = pair
        counts = person.get('counts') or {}
        failing_results = sum(whole(d.get('failing')) for kind in ('phones', 'workstations')
                              for d in person.get(kind) or () if isinstance(d, dict))
        return -whole(counts.get('failing')), -failing_results, -whole(counts.get('not_assessed')), index

    selected = [p for _i, p in heapq.nsmallest(limit, enumerate(items), key=rank)] if limit > 0 else []
    return selected, len(items)


def waivers_to_show(waivers, limit):
    """Return (selected, total): up to ``limit`` waivers, expired, invalid and unmatched ones first.

    Within a state: the soonest to end first, then the summary's order. An unknown state sorts first.
    """
    items = [w for w in waivers.get('items') or () if isinstance(w, dict)]

    def rank(pair):
        index, waiver = pair
        days = waiver.get('days_left')
        days = days if isinstance(days, int) and not isinstance(days, bool) else float('inf')
        return _WAIVER_RANK.get(waiver.get('state'), -1), days, index

    selected = [w for _i, w in heapq.nsmallest(limit, enumerate(items), key=rank)] if limit > 0 else []
    return selected, len(items)


def device_text(device):
    """'ws-002 (windows, failing 3)' for one entry of a person's phones or workstations."""
    status = device.get('status')
    words = DEVICE_STANDING.get(status, str(status))
    if status == 'failing':
        words += ' %s' % '{:,}'.format(whole(device.get('failing')))
    extra = ', owner from the Signal profile' if device.get('owner_source') == 'signal_profile' else ''
    return '%s (%s, %s%s)' % (device.get('id'), device.get('platform'), words, extra)


def scope_text(scope):
    """'platforms: ios; subjects: mob-1, mob-2' for a waiver's scope ('' for none)."""
    if not isinstance(scope, dict):
        return ''
    parts = []
    for key in sorted(scope, key=str):
        values = scope[key] if isinstance(scope[key], list) else [scope[key]]
        shown = ', '.join(str(v) for v in values[:MAX_DEVICES_SHOWN])
        if len(values) > MAX_DEVICES_SHOWN:
            shown += ' and %s more' % '{:,}'.format(len(values) - MAX_DEVICES_SHOWN)
        parts.append('%s: %s' % (key, shown))
    return '; '.join(parts)


def history_off(summary):
    history = summary.get('history')
    return isinstance(history, dict) and history.get('enabled') is False


def has_history_part(summary):
    """Whether the summary has any of history, trend, changes (the run-history block of the reports)."""
    return any(key in summary for key in ('history', 'trend', 'changes'))


def validity_text(attestations, control_text, number_text):
    """'SIG-1: 90 days, SIG-2: 30 days and 3 more': the attestation validity the organisation set ('' for none).

    In control order, up to MAX_VALIDITY; each renderer escapes a control id by control_text, a count by number_text.
    """
    validity = attestations.get('validity_days')
    if not isinstance(validity, dict) or not validity:
        return ''
    ordered = sorted(validity.items(), key=lambda item: natural_key(item[0]))
    text = ', '.join('%s: %s' % (control_text(c), plural(whole(d), 'day')) for c, d in ordered[:MAX_VALIDITY])
    if len(ordered) > MAX_VALIDITY:
        text += ' and %s more' % number_text(len(ordered) - MAX_VALIDITY)
    return text


def gate_severities(gate):
    """(severity, entry) for each severity the gate has an entry for, highest first."""
    severities = gate.get('severities') or {}
    for severity in SEVERITIES:
        entry = severities.get(severity)
        if isinstance(entry, dict):
            yield severity, entry


def changed_controls(worse, better):
    """[(control, {'worse': n, 'better': n})] from the changes' by_control counts, most newly failing first."""
    per_control = {}
    for name, bucket in (('worse', worse), ('better', better)):
        for control, count in (bucket.get('by_control') or {}).items():
            per_control.setdefault(control, {'worse': 0, 'better': 0})[name] = whole(count)
    return sorted(per_control.items(), key=lambda item: (-item[1]['worse'], -item[1]['better'], natural_key(item[0])))


def changed_lists(worse, better, limit):
    """(title, shown, count) for the newly failing and the fixed results that have any listed: up to ``limit`` shown."""
    for title, bucket in (('Newly failing', worse), ('Fixed', better)):
        items = [i for i in bucket.get('items') or () if isinstance(i, dict)]
        if items:
            yield title, items[:max(limit, 0)], whole(bucket.get('count'))


# The sections of both reports, in the order both show them; each renderer gives a writer per section.
ReportSections = collections.namedtuple('ReportSections', (
    'headline', 'totals', 'run_history', 'sources', 'controls', 'attention', 'steps', 'people', 'waivers',
    'attestations', 'input_errors', 'attribution'))


def write_sections(out, summary, sections, limits):
    """Write the whole report into ``out`` through one renderer's ``sections`` (a ReportSections), within ``limits``.

    The steps writer is given the controls with steps (controls_with_steps), and the people, waivers and
    attestations writers their section, each only when the summary has some.
    """
    sections.headline(out, summary)
    sections.totals(out, summary)
    sections.run_history(out, summary, limits.trend, limits.changes)
    sections.sources(out, summary)
    sections.controls(out, summary)
    sections.attention(out, summary, limits.subjects)
    shown = controls_with_steps(summary)
    if shown:
        sections.steps(out, shown)
    if isinstance(summary.get('people'), dict):
        sections.people(out, summary['people'], limits.people)
    if isinstance(summary.get('waivers'), dict):
        sections.waivers(out, summary['waivers'], limits.waivers)
    if isinstance(summary.get('attestations'), dict):
        sections.attestations(out, summary['attestations'])
    sections.input_errors(out, summary, limits.input_errors)
    sections.attribution(out, summary)
