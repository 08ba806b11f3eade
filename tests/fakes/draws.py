# -*- coding: utf-8 -*-
"""Weighted draws for the synthetic fleets (tests/fakes/fleets.py for the vendor fakes, bench/bench_fleet.py for
the workstations). Standard library only, and nothing imported: a bench that measures its own peak memory can
import it without the fakes."""

from __future__ import annotations


def weighted(rng, weights):
    """One key of {key: weight}, drawn with those weights."""
    roll = rng.random() * sum(weights.values())
    for key, weight in weights.items():
        roll -= weight
        if roll < 0:
            return key
    return key
