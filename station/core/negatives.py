"""Forced negatives: the lowering against its target, and the 120 % cap (pure).

The load never exceeds :data:`MAX_PERCENT_1RM` % of the current 1RM (heavy
eccentrics are 110-120 % of 1RM; docs/methods.md N3). A negative lowered
faster than its target by more than :data:`MARGIN_S` (the bottom press came
early) is "short": the next set keeps the load and the lifter lowers slower.
At the cap the lowering grows by :data:`TEMPO_STEP_S` instead of the load.
"""

from __future__ import annotations

from collections.abc import Iterable

from .events import Bout

MAX_PERCENT_1RM = 120.0
TEMPO_STEP_S = 1.0
MARGIN_S = 0.5  # a lowering this much under its target is "short"


def cap_kg(one_rm_kg: float) -> float:
    """The heaviest forced-negative load for a 1RM, kg (120 %)."""
    return one_rm_kg * MAX_PERCENT_1RM / 100


def short_lowerings(bouts: Iterable[Bout], eccentric_s: float) -> list[float]:
    """The measured lowerings (s) of ``bouts`` shorter than ``eccentric_s``
    by more than the margin."""
    return [x for b in bouts for x in b.lowered_s if x is not None and x < eccentric_s - MARGIN_S]


def next_tempo_s(eccentric_s: float) -> float:
    """The target lowering, s, of the next set once the load is at the cap."""
    return eccentric_s + TEMPO_STEP_S
