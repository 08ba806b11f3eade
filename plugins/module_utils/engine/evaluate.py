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
from collections import namedtuple

from ansible_collections.hardening.signal.plugins.module_utils.engine import statuses as S
from ansible_collections.hardening.signal.plugins.module_utils.engine.attestations import AttestationBook
from ansible_collections.hardening.signal.plugins.module_utils.engine.operators import (
    IMPLICIT_EXPECTED,
    OPERATORS,
    TypeMismatch,
    show,
    written_value_problem,
)
from ansible_collections.hardening.signal.plugins.module_utils.engine.templates import LOCALS as TEMPLATE_LOCALS
from ansible_collections.hardening.signal.plugins.module_utils.engine.templates import NAMESPACES as TEMPLATE_NAMESPACES
from ansible_collections.hardening.signal.plugins.module_utils.engine.templates import compile_reasons
from ansible_collections.hardening.signal.plugins.module_utils.engine.templates import problems as template_problems
from ansible_collections.hardening.signal.plugins.module_utils.engine.waivers import WaiverBook

# The pseudo-control a subject gets when its data could not be collected at all.
COLLECTION_CONTROL = "collection"

_MISSING = object()


class RunContext(object):
    """What every check of one subject may read besides the item it looks at.

    ``evidence`` is the observed-values dict of the control being judged (placeholders of reason templates record
    the facts they read there)."""

    __slots__ = ("org", "context", "now", "platform", "facts", "source_name", "evidence")

    def __init__(self, org, context, now, platform, facts=None, source_name="the source"):
        self.org = org
        self.context = context
        self.now = now
        self.platform = platform
        self.facts = facts if facts is not None else {}
        self.source_name = source_name
        self.evidence = {}


_NO_NAMES = {}

# What one test found: its status, the value it read (for a composite test, every fact read), the value it expected
# (for a composite test, a list, one per part) and the reason in words.
Outcome = namedtuple("Outcome", ("status", "observed", "expected", "reason"))
# An item a quantifier names (as: install): the item, the dict where what is read from it is recorded, and its
# dotted path in the facts (where the probe's reasons for its values are found).
Bound = namedtuple("Bound", ("item", "evidence", "prefix"))


def _lookup(tree, keys):
    node = tree
    for key in keys:
        if not isinstance(node, dict):
            return _MISSING
        node = node.get(key, _MISSING)
        if node is _MISSING:
            return _MISSING
    return node


def _join(prefix, path):
    return prefix + "." + path if prefix else path


def _why_missing(facts, path, source_name):
    """(status, why) for a fact that is absent or null: error if the input was malformed.

    A reason recorded for a parent ("signal") covers its children ("signal.version")."""
    errors = facts.get("errors") or {}
    reasons = facts.get("unknown_reasons") or {}
    probe = path
    while True:
        if probe in errors:
            return S.ERROR, errors[probe]
        if probe in reasons:
            return S.UNKNOWN, reasons[probe]
        if "." not in probe:
            break
        probe = probe.rsplit(".", 1)[0]
    return S.UNKNOWN, "not reported by %s" % source_name


def _compile_value(ref, op):
    """A resolver (names, run) -> expected value for a DSL value reference."""
    if isinstance(ref, dict) and "org" in ref:
        name, scale = ref["org"], ref.get("scale")

        def from_org(names, run):
            value = run.org[name]
            return value * scale if scale is not None else value
        return from_org
    if isinstance(ref, dict) and "context" in ref:
        template = ref["context"]

        def from_context(names, run):
            keys = template.replace("{platform}", run.platform).split(".")
            value = _lookup(run.context, keys)
            return None if value is _MISSING else value
        return from_context
    if isinstance(ref, dict) and "fact" in ref:
        # Another observed value: {fact: facts.signal.version} or {fact: install.version} (a bound item).
        head, _dot, rest = ref["fact"].partition(".")
        keys = rest.split(".")

        def from_fact(names, run):
            bound = names.get(head)
            node = run.facts if head == "facts" else (bound.item if bound is not None else None)
            value = _lookup(node, keys)
            return None if value is _MISSING else value
        return from_fact
    return _literal_or_context(ref, op)


def _fact_ref_path(ref, names):
    """The absolute path a {fact: ...} reference reads, for the probe's reason when it is missing."""
    head, _dot, rest = ref["fact"].partition(".")
    if head == "facts":
        return rest
    bound = names.get(head)
    return _join(bound.prefix, rest) if bound is not None else rest


def _literal_or_context(ref, op):
    if ref is None and op == "version_current":
        return _compile_value({"context": "newest_versions.{platform}"}, op)
    return lambda names, run: ref


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


def _joined(outcomes):
    """The sentences of several outcomes, each once, in order (parts that read the same fact say the same)."""
    seen = []
    for outcome in outcomes:
        if outcome.reason not in seen:
            seen.append(outcome.reason)
    return "; ".join(seen)


def _explain(templates, status, default, local, names, run, words=None):
    """The reason of one test: the control's sentence for this status, else ``default``. A sentence's {reasons}
    is ``words`` (what the operator or the probe said, without the test's label), else ``default``."""
    if templates is not None:
        template = templates.get(status)
        if template is not None:
            local["reasons"] = default if words is None else words
            return template.render(local, names, run)
    return default


def _compile_fact_test(spec):
    path = spec["fact"]
    read = _path_reader(path.split("."))
    op_name = spec["op"]
    operator = OPERATORS[op_name]
    resolve = _compile_value(spec.get("value"), op_name)
    fact_ref = spec["value"] if isinstance(spec.get("value"), dict) and "fact" in spec["value"] else None
    implicit = IMPLICIT_EXPECTED.get(op_name, _MISSING)
    unknown_values = spec.get("unknown_values") or ()
    unknown_reason = spec.get("unknown_reason") or "the value does not allow a verdict"
    says = spec.get("says")
    label = says or path
    templates = compile_reasons(spec)

    def test(node, prefix, evidence, names, run):
        observed = read(node)
        if observed is _MISSING or observed is None:
            evidence[path] = None
            status, why = _why_missing(run.facts, _join(prefix, path), run.source_name)
            local = {"observed": None, "expected": None, "says": says}
            return Outcome(status, None, None, _explain(templates, status, "%s: %s" % (label, why), local, names, run, why))
        evidence[path] = observed
        expected = implicit if implicit is not _MISSING else resolve(names, run)
        local = {"observed": observed, "expected": expected, "says": says}
        if expected is None and fact_ref is not None:
            # What it is compared with was not observed: the verdict is unknown (or error) for the probe's reason.
            status, why = _why_missing(run.facts, _fact_ref_path(fact_ref, names), run.source_name)
            return Outcome(status, observed, None, _explain(templates, status, "%s: %s" % (label, why), local, names, run,
                                                            why))
        # Strict types: 0 must not match False, nor 1 True.
        if unknown_values and any(observed == v and type(observed) is type(v) for v in unknown_values):
            return Outcome(S.UNKNOWN, observed, expected, _explain(
                templates, S.UNKNOWN, "%s is %s: %s" % (label, show(observed), unknown_reason), local, names, run,
                unknown_reason))
        try:
            status, words = operator(observed, expected, run)
        except TypeMismatch as exc:
            return Outcome(S.ERROR, observed, expected, _explain(
                templates, S.ERROR, "%s: malformed value: %s" % (label, exc), local, names, run, "malformed value: %s" % exc))
        return Outcome(status, observed, expected, _explain(templates, status, "%s: %s" % (label, words), local, names, run, words))
    return test


def _compile_composite(spec):
    combine = S.combine_all if "all" in spec else S.combine_any
    parts = [_compile_test(sub) for sub in spec.get("all") or spec.get("any")]
    templates = compile_reasons(spec)
    says = spec.get("says")

    def composite(node, prefix, evidence, names, run):
        outcomes = [part(node, prefix, evidence, names, run) for part in parts]
        status = combine([o.status for o in outcomes])
        # The reason and values of the decisive part explain the verdict best.
        decisive = [o for o in outcomes if o.status == status] or outcomes
        reason = _joined(outcomes if status == S.PASS else decisive)
        observed = dict(evidence) if len(outcomes) > 1 else outcomes[0].observed
        expected = [o.expected for o in outcomes]
        if all(e is None for e in expected):
            expected = None  # nothing to show (the parts are quantifiers whose items each had their own)
        local = {"observed": observed, "expected": expected, "says": says}
        return Outcome(status, observed, expected, _explain(templates, status, reason, local, names, run))
    return composite


def _compile_quantifier(spec):
    """every / some: a test judged on each item of a list (each install, app, profile, apt source...)."""
    every = "every" in spec
    path = spec["every"] if every else spec["some"]
    read = _path_reader(path.split("."))
    name = spec.get("as", "item")
    where = _compile_test(spec["where"]) if "where" in spec else None
    # Without a test, every item the where keeps passes: "some apt source points at Signal's repository".
    inner = _compile_test(spec["test"]) if "test" in spec else None
    combine = S.combine_all if every else S.combine_any
    when_empty = spec.get("when_empty") or (S.UNKNOWN if every else S.FAIL)
    says = spec.get("says")
    label = says or path
    templates = compile_reasons(spec)

    def quantifier(node, prefix, evidence, names, run):
        items = read(node)
        list_path = _join(prefix, path)
        if items is _MISSING or items is None:
            evidence[path] = None
            status, why = _why_missing(run.facts, list_path, run.source_name)
            local = {"observed": None, "expected": None, "says": says, "count": 0}
            return Outcome(status, None, None, _explain(templates, status, "%s: %s" % (label, why), local, names, run, why))
        if not isinstance(items, list):
            evidence[path] = items
            local = {"observed": items, "expected": None, "says": says, "count": 0}
            return Outcome(S.ERROR, items, None, _explain(
                templates, S.ERROR, "%s: malformed value: expected a list, got %s" % (label, show(items)), local,
                names, run))
        # Two quantifiers over the same list share one evidence entry per item.
        item_evidence = evidence.get(path)
        if not isinstance(item_evidence, list) or len(item_evidence) != len(items):
            item_evidence = [{} for _item in items]
            evidence[path] = item_evidence
        outcomes = []
        expected = _MISSING
        for index, item in enumerate(items):
            item_prefix = "%s.%d" % (list_path, index)
            if not isinstance(item, dict):
                outcomes.append(Outcome(S.ERROR, item, None, "%s: item %d is not an object" % (label, index)))
                continue
            bound = dict(names)
            bound[name] = Bound(item, item_evidence[index], item_prefix)
            if where is not None:
                chosen = where(item, item_prefix, item_evidence[index], bound, run)
                if chosen.status == S.FAIL:
                    continue
                if chosen.status != S.PASS or inner is None:
                    # Whether the item is one the test is about cannot be told: neither can the verdict.
                    outcomes.append(chosen)
                    continue
            elif inner is None:
                # Neither where nor test: the items need only be there, readable (a list of objects).
                outcomes.append(Outcome(S.PASS, None, None, "%s: item %d is there" % (label, index)))
                continue
            outcome = inner(item, item_prefix, item_evidence[index], bound, run)
            # One expected value for all items (the newest version, Signal's Team ID) is shown; differing or
            # composite ones are not (each item's sentence says its own).
            if expected is _MISSING:
                expected = None if isinstance(outcome.expected, list) else outcome.expected
            elif outcome.expected != expected:
                expected = None
            outcomes.append(outcome)
        if expected is _MISSING:
            expected = None
        # A list the probe reports with a reason is incomplete: what it holds cannot prove a pass.
        # An error there (a malformed entry next to those read) makes such a verdict an error instead.
        partial_error = (run.facts.get("errors") or {}).get(list_path)
        partial = partial_error or (run.facts.get("unknown_reasons") or {}).get(list_path)
        partial_status = S.ERROR if partial_error else S.UNKNOWN
        local = {"observed": None, "expected": expected, "says": says, "count": len(outcomes)}
        if not outcomes:
            status = when_empty
            default = "%s: none%s" % (label, " matching" if where is not None and items else "")
            if partial and (status == S.PASS or (status == S.FAIL and not every)):
                # Nothing found in an incomplete list proves neither a pass nor that no such item exists.
                return Outcome(partial_status, None, expected, _explain(
                    templates, partial_status, "%s: none found, but the list may be incomplete: %s" % (label, partial),
                    local, names, run, partial))
            if templates is not None and "empty" in templates:
                local["reasons"] = default
                return Outcome(status, None, expected, templates["empty"].render(local, names, run))
            return Outcome(status, None, expected, _explain(templates, status, default, local, names, run))
        status = combine([o.status for o in outcomes])
        decisive = [o for o in outcomes if o.status == status] or outcomes
        reason = _joined(outcomes if status == S.PASS else decisive)
        if partial and status == S.PASS and every:
            return Outcome(partial_status, None, expected, _explain(
                templates, partial_status, "%s: none fails, but the list may be incomplete: %s" % (label, partial),
                local, names, run, partial))
        if partial and status == S.FAIL and not every:
            reason = "%s; and the list may be incomplete: %s" % (reason, partial)
            return Outcome(partial_status, None, expected, _explain(templates, partial_status, reason, local, names, run))
        return Outcome(status, None, expected, _explain(templates, status, reason, local, names, run))
    return quantifier


def _compile_reported(spec):
    """op reported: whether the source says anything about the fact, a value or why it has none (an explicit null
    counts). It tells records of different shapes apart (an MDM that reports the password requirements, an export
    file that gives one compliance column), so it passes or fails, never unknown."""
    path = spec["fact"]
    read = _path_reader(path.split("."))
    says = spec.get("says")
    templates = compile_reasons(spec)

    def holds(node, prefix, run):
        if read(node) is not _MISSING:
            return True
        full = _join(prefix, path)
        return full in (run.facts.get("unknown_reasons") or _NO_NAMES) or full in (run.facts.get("errors") or _NO_NAMES)

    def reported(node, prefix, evidence, names, run):
        found = holds(node, prefix, run)
        status = S.PASS if found else S.FAIL
        words = "reported" if found else "not reported by %s" % run.source_name
        local = {"observed": found, "expected": True, "says": says}
        return Outcome(status, found, True, _explain(templates, status, "%s: %s" % (says or path, words), local, names,
                                                     run, words))
    reported.holds = holds  # as a case's when: the answer alone, without a sentence nobody reads
    return reported


def _compile_verdict(spec):
    """A fixed verdict (fail or unknown, never pass) with its sentence: what an observation means when it alone
    decides, e.g. each item a quantifier's where keeps ("a requirement the phone reports as not in force")."""
    status = spec["verdict"]
    says = spec.get("says")
    templates = compile_reasons(spec)

    def verdict(node, prefix, evidence, names, run):
        local = {"observed": None, "expected": None, "says": says}
        return Outcome(status, None, None, _explain(templates, status, says or status, local, names, run))
    return verdict


def _compile_cases(spec):
    """cases: the test of the first case whose when passes, else otherwise. A when that cannot be told (unknown,
    error) is the verdict: which test applies is not known, so no later case is tried."""
    cases = [(_compile_test(case["when"]), _compile_test(case["test"])) for case in spec["cases"]]
    otherwise = _compile_test(spec["otherwise"])

    def choose(node, prefix, evidence, names, run):
        for when, then in cases:
            holds = getattr(when, "holds", None)
            if holds is not None:
                if holds(node, prefix, run):
                    return then(node, prefix, evidence, names, run)
                continue
            chosen = when(node, prefix, evidence, names, run)
            if chosen.status == S.PASS:
                return then(node, prefix, evidence, names, run)
            if chosen.status != S.FAIL:
                return chosen
        return otherwise(node, prefix, evidence, names, run)
    return choose


def _compile_test(spec):
    if "all" in spec or "any" in spec:
        return _compile_composite(spec)
    if "every" in spec or "some" in spec:
        return _compile_quantifier(spec)
    if "cases" in spec:
        return _compile_cases(spec)
    if "verdict" in spec:
        return _compile_verdict(spec)
    if spec.get("op") == "reported":
        return _compile_reported(spec)
    return _compile_fact_test(spec)


# What a condition gives when a value it reads is malformed at the source (not merely unreported): the control
# is then error, naming the field, as every other check on a malformed value is; never unknown, never waivable.
MALFORMED = "malformed"


def _undecided(verdicts):
    """(MALFORMED or None, reason) of the first malformed part, else of the last part that could not tell."""
    for holds, reason in verdicts:
        if holds == MALFORMED:
            return MALFORMED, reason
    return None, [reason for holds, reason in verdicts if holds is None][-1]


def _combined(parts, decisive):
    """any_of (decisive True) or all_of (decisive False): the first part that holds the decisive value decides,
    with its reason; else a part that could not tell (or was malformed) leaves the whole undecided; else the whole
    is the other value, with every part's reason."""
    settled = not decisive

    def combined(run):
        undecided = []
        reasons = []
        for part in parts:
            holds, reason = part(run)
            if holds is decisive:
                return decisive, reason
            if holds is not settled:
                undecided.append((holds, reason))
            reasons.append(reason)
        if undecided:
            return _undecided(undecided)
        return settled, "; ".join(reasons)
    return combined


def _compile_condition(spec):
    """A predicate (run) -> (True|False|None|MALFORMED, reason), judged on the subject's facts."""
    if spec is None:
        return None
    if "any_of" in spec:
        return _combined([_compile_condition(sub) for sub in spec["any_of"]], True)
    if "all_of" in spec:
        return _combined([_compile_condition(sub) for sub in spec["all_of"]], False)
    if "platform_in" in spec:
        platforms = frozenset(spec["platform_in"])

        def platform_in(run):
            return run.platform in platforms, "platform is %s" % run.platform
        return platform_in
    if "org" in spec and "fact" not in spec:
        name, want = spec["org"], spec["op"] == "is_true"

        def org_flag(run):
            holds = bool(run.org.get(name)) == want
            return holds, "the organisation's setting %s is %s" % (name, "on" if run.org.get(name) else "off")
        return org_flag
    test = _compile_test(spec)

    def fact_condition(run):
        status, reason = test(run.facts, "", {}, _NO_NAMES, run)[0::3]
        if status == S.PASS:
            return True, reason
        if status == S.FAIL:
            return False, reason
        if status == S.ERROR:
            return MALFORMED, reason
        return None, reason
    return fact_condition


def check_problems(check, org_names=None):
    """Mistakes in a control's check that the schema cannot see: reason templates naming values that do not
    exist there, quantifier names that hide others, fact references to names not bound (static, no facts)."""
    found = []

    def walk(spec, bound, where):
        if not isinstance(spec, dict):
            return
        for status, text in (spec.get("reasons") or {}).items():
            found.extend("%s reasons.%s: %s" % (where, status, p) for p in template_problems(text, bound, org_names))
        value = spec.get("value")
        problem = written_value_problem(spec.get("op"), value) if value is not None and not isinstance(value, dict) else None
        if problem:
            found.append("%s value: %s" % (where, problem))
        if isinstance(value, dict) and "fact" in value:
            head = value["fact"].partition(".")[0]
            if head != "facts" and head not in bound:
                found.append("%s value {fact: %s}: %s is not a quantifier name bound here (nor facts)"
                             % (where, value["fact"], head))
        for key in ("all", "any"):
            for index, sub in enumerate(spec.get(key) or ()):
                walk(sub, bound, "%s.%s[%d]" % (where, key, index))
        for index, case in enumerate(spec.get("cases") or ()):
            for key in ("when", "test"):
                walk(case.get(key), bound, "%s.cases[%d].%s" % (where, index, key))
        walk(spec.get("otherwise"), bound, "%s.otherwise" % where)
        if "every" in spec or "some" in spec:
            name = spec.get("as", "item")
            if name in TEMPLATE_LOCALS or name in TEMPLATE_NAMESPACES or name in bound:
                found.append("%s as: %s is already a name in reason templates" % (where, name))
            inner = bound | {name}
            for key in ("where", "test"):
                if key in spec:
                    walk(spec[key], inner, "%s.%s" % (where, key))

    walk(check.get("test"), frozenset(), "test")
    return found


class _KeepUnknown(dict):
    def __missing__(self, key):
        return "{" + key + "}"


def fill_org_values(text, org):
    """Put organisation values into a question ('at most {disappearing_messages_timer_days} days')."""
    try:
        return text.format_map(_KeepUnknown(org))
    except (ValueError, IndexError):
        return text


class CompiledControl(object):
    __slots__ = ("id", "section", "method", "platforms", "applies", "applies_key", "applies_worded", "test", "attestation",
                 "expected_words", "waivable")

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
        # A condition with sentences of its own says why it does (not) apply; without, the reason gets a lead-in.
        self.applies_worded = self.applies_key is not None and '"reasons":' in self.applies_key
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
            self.attestation = {"question": fill_org_values(check["question"], org), "validity_days": check["validity_days"]}
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
        ctx = RunContext(self.org, self.context, self.now, platform, facts, source_name)
        # Conditions are pure functions of (facts, ctx, source_name): equal ones are judged once per subject.
        applies = {}
        results = []
        for control in self._by_platform.get(platform, ()):
            result = self._judge(control, subject, facts, ctx, applies)
            if control.waivable:
                self.waivers.apply(result, control.id, subject)
            results.append(result)
        return results

    def _judge(self, control, subject, facts, ctx, applies=None):
        if control.applies is not None:
            verdict = applies.get(control.applies_key) if applies is not None else None
            if verdict is None:
                verdict = control.applies(ctx)
                if applies is not None:
                    applies[control.applies_key] = verdict
            holds, reason = verdict
            if holds is False:
                return {"control": control.id, "status": S.NOT_APPLICABLE,
                        "reason": reason if control.applies_worded else "does not apply: " + reason}
            if holds is None:
                return {"control": control.id, "status": S.UNKNOWN,
                        "reason": reason if control.applies_worded else "cannot tell whether it applies: " + reason}
            if holds == MALFORMED:
                return {"control": control.id, "status": S.ERROR,
                        "reason": reason if control.applies_worded else
                        "cannot tell whether it applies, as a value it depends on is malformed: " + reason}
        if control.attestation is not None:
            return self.attestations.judge(control.id, control.attestation, subject.get("owner"))
        looked_at = {}
        ctx.evidence = looked_at
        outcome = control.test(facts, "", looked_at, _NO_NAMES, ctx)
        # observed: every fact the check read, by dotted path (null when the subject did not report it); a list a
        # quantifier went through is a list of what was read in each item.
        result = {"control": control.id, "status": outcome.status, "reason": outcome.reason, "observed": looked_at}
        if outcome.expected is not None:
            result["expected"] = outcome.expected
        raw = facts.get("raw_fields")
        if raw:
            result["evidence"] = {"raw_fields": {p: raw[p] for p in looked_at if p in raw}}
        return result
