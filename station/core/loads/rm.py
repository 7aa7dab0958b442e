"""The reps-to-%1RM relation: 1RM estimates and the load for a number of reps.

Pure and stdlib only. All loads are in kg. The relation is Brzycki's
(Brzycki 1993, "Strength testing: predicting a one-rep max from
reps-to-fatigue", JOPERD 64(1)):

    1RM = load x 36 / (37 - reps)        %1RM(reps) = (37 - reps) / 36

Brzycki meant it for sets of up to 10 reps; it stays within 2.5 %-points of
the NSCA reps-%1RM table up to 12 reps, so this module accepts 1-12 reps
(:data:`MIN_REPS`-:data:`MAX_REPS`). Past 12 the estimate is an
extrapolation: :func:`estimate_1rm` refuses it, and :func:`load_for_reps`
only gives it when asked (``extrapolate=True``, up to
:data:`MAX_EXTRAPOLATED_REPS`), for the 13-15RM starting loads.
"""

from __future__ import annotations

from collections.abc import Iterable

from .units import check_kg

FORMULA = "Brzycki: 1RM = load x 36 / (37 - reps)"
MIN_REPS = 1
MAX_REPS = 12  # the valid range of the formula here, inclusive
MAX_EXTRAPOLATED_REPS = 20


def _check_reps(reps: int, extrapolate: bool) -> None:
    top = MAX_EXTRAPOLATED_REPS if extrapolate else MAX_REPS
    if isinstance(reps, bool) or not isinstance(reps, int) or not MIN_REPS <= reps <= top:
        raise ValueError(
            f"reps: {reps!r} is outside the valid {MIN_REPS}-{top} reps of {FORMULA}"
        )



def percent_1rm(reps: int, *, extrapolate: bool = False) -> float:
    """The %1RM (0-100) a lifter can move for ``reps`` reps.

    ``extrapolate``: allow 13-20 reps, past the formula's valid range.
    Raises ValueError outside the range.
    """
    _check_reps(reps, extrapolate)
    return 100.0 * (37 - reps) / 36


def estimate_1rm(load_kg: float, reps: int) -> float:
    """The 1RM, kg, estimated from a set of ``reps`` (1-12) at ``load_kg``."""
    _check_reps(reps, False)
    return check_kg("load", load_kg) * 36 / (37 - reps)


def load_for_reps(one_rm_kg: float, reps: int, *, extrapolate: bool = False) -> float:
    """The ``reps``-RM load, kg (unrounded), for a 1RM of ``one_rm_kg``."""
    return check_kg("1RM", one_rm_kg) * percent_1rm(reps, extrapolate=extrapolate) / 100


def reload_for_reps(load_kg: float, made_reps: int, aim_reps: int) -> float:
    """The load, kg (unrounded), at which a lifter who made ``made_reps`` to
    failure at ``load_kg`` makes ``aim_reps``: the same relation as every
    other load here, ``load x %1RM(aim) / %1RM(made)``. ``made_reps`` past
    :data:`MAX_EXTRAPOLATED_REPS` counts as that many (the answer is then a
    lower bound on the change); 0 counts as 1 (the load was a 1RM or more).
    """
    check_kg("load", load_kg)
    made = min(max(int(made_reps), MIN_REPS), MAX_EXTRAPOLATED_REPS)
    return load_kg * percent_1rm(aim_reps, extrapolate=True) / percent_1rm(made, extrapolate=True)


def best_estimate(sets: Iterable[tuple[int, float]]) -> float | None:
    """The highest 1RM estimate, kg, over ``(reps, load_kg)`` sets.

    Sets outside 1-12 reps or without a positive load are ignored (they say
    nothing reliable); None if no set is usable.
    """
    best: float | None = None
    for reps, load_kg in sets:
        try:
            est = estimate_1rm(load_kg, reps)
        except ValueError:
            continue
        best = est if best is None or est > best else best
    return best
