# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The seven result states and how they combine."""

from __future__ import annotations

PASS = "pass"
FAIL = "fail"
UNKNOWN = "unknown"
NOT_APPLICABLE = "not_applicable"
MANUAL = "manual"
WAIVED = "waived"
ERROR = "error"

ALL = (PASS, FAIL, UNKNOWN, NOT_APPLICABLE, MANUAL, WAIVED, ERROR)

# Counted in the compliance percentage; only PASS is in the numerator.
# not_applicable is outside the question and waived is an accepted risk:
# neither is counted, and neither is ever a pass.
COUNTED = (PASS, FAIL, UNKNOWN, MANUAL, ERROR)

# Statuses a waiver may cover. An error is a fault of the tool's input, not
# a risk someone can accept, so it is never waived.
WAIVABLE = (FAIL, UNKNOWN, MANUAL)


def combine_all(statuses):
    """Status of 'all of these must pass': a failure decides, then errors, then unknowns."""
    for decisive in (FAIL, ERROR, UNKNOWN):
        if decisive in statuses:
            return decisive
    return PASS


def combine_any(statuses):
    """Status of 'one of these must pass'."""
    if PASS in statuses:
        return PASS
    for decisive in (ERROR, UNKNOWN):
        if decisive in statuses:
            return decisive
    return FAIL
