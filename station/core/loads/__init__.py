"""Loads: 1RM estimates, %1RM, rounding to the kit, drop-set strips, each
method's starting load.

Pure and stdlib only. All loads are in kg. The public names are here; they
live in
:mod:`~station.core.loads.rm` (the reps-to-%1RM relation, Brzycki's, and the
1RM estimates),
:mod:`~station.core.loads.units` (kg and lb, whole grams),
:mod:`~station.core.loads.plates` (the plate search: per-side sums and layouts),
:mod:`~station.core.loads.kit` (the kit of an exercise and the nearest load it
makes),
:mod:`~station.core.loads.drops` (drop-set chains, their warnings, the strip
between two bouts) and
:mod:`~station.core.loads.rules` (each method's starting-load rule, filled in
by :mod:`station.core.methods`, and the starting load for a 1RM).
"""

from .drops import (
    DROP_TOLERANCE_POINTS,
    MAX_DROPS,
    DropError,
    drop_loads,
    drop_loads_for_exercise,
    drop_warnings,
    strip_text,
)
from .kit import (
    DEFAULT_BAR_KG,
    DEFAULT_BAR_LB,
    DEFAULT_PLATES_KG,
    DEFAULT_PLATES_LB,
    KINDS,
    Kit,
    KitSource,
    Loading,
    round_barbell,
    round_dumbbell,
    round_machine,
)
from .plates import describe_plates
from .rm import (
    FORMULA,
    MAX_EXTRAPOLATED_REPS,
    MAX_REPS,
    MIN_REPS,
    best_estimate,
    estimate_1rm,
    load_for_reps,
    percent_1rm,
    reload_for_reps,
)
from .rules import LOAD_RULES, LoadRule, StartingLoad, load_rule, starting_load
from .units import KG, LB, LB_KG, UNIT_NAMES, Units, fmt_kg

__all__ = [
    "DEFAULT_BAR_KG", "DEFAULT_BAR_LB", "DEFAULT_PLATES_KG", "DEFAULT_PLATES_LB", "DROP_TOLERANCE_POINTS",
    "FORMULA", "KG", "KINDS", "LB", "LB_KG", "LOAD_RULES", "MAX_DROPS", "MAX_EXTRAPOLATED_REPS", "MAX_REPS",
    "MIN_REPS", "UNIT_NAMES", "DropError", "Kit", "KitSource", "LoadRule", "Loading", "StartingLoad", "Units",
    "best_estimate", "describe_plates", "drop_loads", "drop_loads_for_exercise", "drop_warnings",
    "estimate_1rm", "fmt_kg", "load_for_reps", "load_rule", "percent_1rm", "reload_for_reps",
    "round_barbell", "round_dumbbell", "round_machine", "starting_load", "strip_text",
]
