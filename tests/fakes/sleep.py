# -*- coding: utf-8 -*-
"""Time for the MDM client tests: a sleep that records how long it was asked to wait and returns at once, and an
HttpPolicy that uses it, so a test sees the waits (Retry-After, backoff) without waiting."""

from __future__ import annotations

from ansible_collections.hardening.signal.plugins.module_utils.mdm.http import HttpPolicy


class Recorder(object):
    def __init__(self):
        self.waits = []

    def __call__(self, seconds):
        self.waits.append(seconds)


def policy(**kwargs):
    """An HttpPolicy for tests: recorded sleeps, a small backoff, 3 retries, a 5 s timeout (each overridable)."""
    kwargs.setdefault("sleep", Recorder())
    kwargs.setdefault("backoff_base", 0.01)
    kwargs.setdefault("max_retries", 3)
    kwargs.setdefault("timeout", 5)
    return HttpPolicy(**kwargs)
