# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The evaluation engine: controls + one subject's facts -> one result per applicable control.

Pure: no I/O, no clock (``now`` is given), no Ansible. Controls are
compiled once per run into closures, so judging 50,000 subjects costs a
few dictionary look-ups per control and subject.

A subject is a dict: id, kind (workstation|mobile), platform, owner
(str or None), source {type, name, record}, state (ok|unreachable|failed|
invalid), error (str or None) and facts (desktop_facts or mobile_device
shape, with unknown_reasons and errors keyed by dotted path).
"""

from __future__ import annotations

import json

from ansible_collections.hardening.signal.plugins.module_utils.engine import statuses as S
from ansible_collections.hardening.signal.plugins.module_utils.engine.attestations import AttestationBook
from ansible_collections.hardening.signal.plugins.module_utils.engine.operators import (
    IMPLICIT_EXPECTED,
    OPERATORS,
    TypeMismatch,
)
from ansible_collections.hardening.signal.plugins.module_utils.engine.waivers import WaiverBook

# The pseudo-control a subject gets when its data could not be collected at all.
COLLECTION_CONTROL = "collection"

_MISSING = object()


class RunContext(object):
    """What every check of one subject may read besides the facts."""

    __slots__ = ("org", "context", "now", "platform")

    def __init__(self, org, context, now, platform):
        self.org = org
        self.context = context
        self.now = now
        self.platform = platform


def _lookup(tree, keys):
    node = tree
    for key in keys:
        if not isinstance(node, dict):
            return _MISSING
        node = node.get(key, _MISSING)
        if node is _MISSING:
            return _MISSING
    return node


def _why_missing(facts, path, source_name):
    """(status, reason) for a fact that is absent or null: error if the input was malformed."""
    errors = facts.get("errors") or {}
    reasons = facts.get("unknown_reasons") or {}
    # A reason recorded for a parent ("signal") covers its children ("signal.version").
    probe = path
    while True:
        if probe in errors:
            return S.ERROR, "%s: %s" % (path, errors[probe])
        if probe in reasons:
            return S.UNKNOWN, "%s: %s" % (path, reasons[probe])
        if "." not in probe:
            break
        probe = probe.rsplit(".", 1)[0]
    return S.UNKNOWN, "%s was not reported by %s" % (path, source_name)


def _compile_value(ref, op):
    """A resolver ctx -> expected value for a DSL value reference."""
    if isinstance(ref, dict) and "org" in ref:
        name, scale = ref["org"], ref.get("scale")

        def from_org(ctx):
            value = ctx.org[name]
            return value * scale if scale is not None else value
        return from_org
    if isinstance(ref, dict) and "context" in ref:
        template = ref["context"]

        def from_context(ctx):
            keys = template.replace("{platform}", ctx.platform).split(".")
            value = _lookup(ctx.context, keys)
            return None if value is _MISSING else value
        return from_context
    if ref is None and op == "version_current":
        return _compile_value({"context": "newest_versions.{platform}"}, op)
    return lambda ctx: ref


def _path_reader(keys):
    """A fast reader for one dotted path: most paths have one or two parts."""
    if len(keys) == 1:
        only = keys[0]

        def read_one(tree):
            return tree.get(only, _MISSING) if isinstance(tree, dict) else _MISSING
        return read_one
    if len(keys) == 2:
        first, second = keys

        def read_two(tree):
            node = tree.get(first) if isinstance(tree, dict) else None
            return node.get(second, _MISSING) if isinstance(node, dict) else _MISSING
        return read_two
    return lambda tree: _lookup(tree, keys)


def _compile_fact_test(spec):
    path = spec["fact"]
    read = _path_reader(path.split("."))
    op_name = spec["op"]
    operator = OPERATORS[op_name]
    resolve = _compile_value(spec.get("value"), op_name)
    implicit = IMPLICIT_EXPECTED.get(op_name, _MISSING)
    unknown_values = spec.get("unknown_values") or ()
    unknown_reason = spec.get("unknown_reason") or "the value does not allow a verdict"

    def test(facts, ctx, source_name, evidence):
        observed = read(facts)
        if observed is _MISSING or observed is None:
            evidence[path] = None
            status, reason = _why_missing(facts, path, source_name)
            return status, None, None, reason
        evidence[path] = observed
        expected = implicit if implicit is not _MISSING else resolve(ctx)
        # Strict types: 0 must not match False, nor 1 True.
        if unknown_values and any(observed == v and type(observed) is type(v) for v in unknown_values):
            return S.UNKNOWN, observed, expected, "%s is %r: %s" % (path, observed, unknown_reason)
        try:
            status, words = operator(observed, expected, ctx)
        except TypeMismatch as exc:
            return S.ERROR, observed, expected, "%s: malformed value: %s" % (path, exc)
        return status, observed, expected, "%s %s" % (path, words)
    return test


def _compile_test(spec):
    if "all" in spec or "any" in spec:
        combine = S.combine_all if "all" in spec else S.combine_any
        parts = [_compile_test(sub) for sub in spec.get("all") or spec.get("any")]

        def composite(facts, ctx, source_name, evidence):
            outcomes = [part(facts, ctx, source_name, evidence) for part in parts]
            status = combine([o[0] for o in outcomes])
            # The reason and values of the decisive part explain the verdict best.
            decisive = [o for o in outcomes if o[0] == status] or outcomes
            if status == S.PASS:
                reason = "; ".join(o[3] for o in outcomes)
            else:
                reason = "; ".join(o[3] for o in decisive)
            observed = dict(evidence) if len(outcomes) > 1 else outcomes[0][1]
            expected = [o[2] for o in outcomes]
            return status, observed, expected, reason
        return composite
    return _compile_fact_test(spec)


def _compile_condition(spec):
    """A predicate (facts, ctx, source) -> (True|False|None, reason)."""
    if spec is None:
        return None
    if "any_of" in spec:
        parts = [_compile_condition(sub) for sub in spec["any_of"]]

        def any_of(facts, ctx, source_name):
            unknown = None
            reasons = []
            for part in parts:
                holds, reason = part(facts, ctx, source_name)
                if holds:
                    return True, reason
                if holds is None:
                    unknown = reason
                reasons.append(reason)
            if unknown is not None:
                return None, unknown
            return False, "; ".join(reasons)
        return any_of
    if "all_of" in spec:
        parts = [_compile_condition(sub) for sub in spec["all_of"]]

        def all_of(facts, ctx, source_name):
            unknown = None
            reasons = []
            for part in parts:
                holds, reason = part(facts, ctx, source_name)
                if holds is False:
                    return False, reason
                if holds is None:
                    unknown = reason
                reasons.append(reason)
            if unknown is not None:
                return None, unknown
            return True, "; ".join(reasons)
        return all_of
    if "platform_in" in spec:
        platforms = frozenset(spec["platform_in"])

        def platform_in(facts, ctx, source_name):
            return ctx.platform in platforms, "platform is %s" % ctx.platform
        return platform_in
    if "org" in spec and "fact" not in spec:
        name, want = spec["org"], spec["op"] == "is_true"

        def org_flag(facts, ctx, source_name):
            holds = bool(ctx.org.get(name)) == want
            return holds, "organisation value %s is %s" % (name, ctx.org.get(name))
        return org_flag
    test = _compile_test(spec)

    def fact_condition(facts, ctx, source_name):
        status, reason = test(facts, ctx, source_name, {})[0::3]
        if status == S.PASS:
            return True, reason
        if status == S.FAIL:
            return False, reason
        return None, reason
    return fact_condition


class _KeepUnknown(dict):
    def __missing__(self, key):
        return "{" + key + "}"


def _fill(text, org):
    """Put organisation values into a question ('at most {disappearing_messages_timer_days} days')."""
    try:
        return text.format_map(_KeepUnknown(org))
    except (ValueError, IndexError):
        return text


class CompiledControl(object):
    __slots__ = ("id", "section", "method", "platforms", "applies", "applies_key", "test", "attestation", "expected_words",
                 "waivable")

    def __init__(self, control, org, conditions=None):
        check = control["check"]
        self.id = control["id"]
        self.section = control["section"]
        self.method = check["method"]
        self.platforms = frozenset(control["platforms"])
        # Many controls share one applies_when ("Signal is installed"): it is judged once per subject (see
        # Evaluator.evaluate), under a key that is the same for equal conditions.
        applies_when = check.get("applies_when")
        self.applies_key = None if applies_when is None else json.dumps(applies_when, sort_keys=True, default=repr)
        if conditions is not None and self.applies_key in conditions:
            self.applies = conditions[self.applies_key]
        else:
            self.applies = _compile_condition(applies_when)
            if conditions is not None and self.applies is not None:
                conditions[self.applies_key] = self.applies
        self.waivable = True
        self.expected_words = check.get("expected")
        if self.method == "attestation":
            self.test = None
            self.attestation = {"question": _fill(check["question"], org), "validity_days": check["validity_days"]}
        else:
            self.test = _compile_test(check["test"])
            self.attestation = None


class Evaluator(object):
    """Judges subjects against a catalogue of controls for one run."""

    def __init__(self, controls, org, context=None, waivers=(), attestations=(), now=None):
        if now is None:
            raise ValueError("now is required: the engine reads no clock")
        self.org = dict(org)
        self.context = dict(context or {})
        self.now = now
        conditions = {}
        self.controls = [CompiledControl(c, self.org, conditions) for c in controls]
        self._by_platform = {}
        for compiled in self.controls:
            for platform in compiled.platforms:
                self._by_platform.setdefault(platform, []).append(compiled)
        self.attestations = AttestationBook(attestations, now)
        self.waivers = WaiverBook(waivers, now)
        for compiled in self.controls:
            compiled.waivable = self.waivers.covers(compiled.id)

    def controls_for(self, platform):
        return self._by_platform.get(platform, [])

    def evaluate(self, subject):
        """All results for one subject, in catalogue order."""
        if subject.get("state", "ok") != "ok":
            return [{
                "control": COLLECTION_CONTROL,
                "status": S.ERROR,
                "reason": "no data collected (%s): %s" % (subject.get("state"), subject.get("error") or "no detail"),
            }]
        platform = subject["platform"]
        facts = subject.get("facts") or {}
        source_name = (subject.get("source") or {}).get("name") or "the source"
        ctx = RunContext(self.org, self.context, self.now, platform)
        # Conditions are pure functions of (facts, ctx, source_name): equal ones are judged once per subject.
        applies = {}
        results = []
        for control in self._by_platform.get(platform, ()):
            result = self._judge(control, subject, facts, ctx, source_name, applies)
            if control.waivable:
                self.waivers.apply(result, control.id, subject)
            results.append(result)
        return results

    def _judge(self, control, subject, facts, ctx, source_name, applies=None):
        if control.applies is not None:
            verdict = applies.get(control.applies_key) if applies is not None else None
            if verdict is None:
                verdict = control.applies(facts, ctx, source_name)
                if applies is not None:
                    applies[control.applies_key] = verdict
            holds, reason = verdict
            if holds is False:
                return {"control": control.id, "status": S.NOT_APPLICABLE, "reason": "does not apply: " + reason}
            if holds is None:
                return {"control": control.id, "status": S.UNKNOWN, "reason": "cannot tell whether it applies: " + reason}
        if control.attestation is not None:
            return self.attestations.judge(control.id, control.attestation, subject.get("owner"))
        looked_at = {}
        outcome = control.test(facts, ctx, source_name, looked_at)
        status, expected, reason = outcome[0], outcome[2], outcome[3]
        # observed: every fact the check read, by dotted path (null when the subject did not report it).
        result = {"control": control.id, "status": status, "reason": reason, "observed": looked_at}
        if expected is not None:
            result["expected"] = expected
        raw = facts.get("raw_fields")
        if raw:
            result["evidence"] = {"raw_fields": {p: raw[p] for p in looked_at if p in raw}}
        return result
