"""Myo-reps: an activation set of 12-20 reps near failure, then 10-15 s
rests and mini-sets of 3-5 reps until one falls short."""

from __future__ import annotations

from . import scripts
from .spec import REST, AdviceRule, Compiling, Gallery, LoadRule, MethodSpec, Param, Plan, PlanError, Words

NAME = "myo-reps"


def compile_myo_reps(c: Compiling) -> Plan:
    v = c.values
    if v["min-reps"] > v["reps"]:  # type: ignore[operator]
        raise PlanError(f"min-reps: {v['min-reps']} is above the target of {v['reps']} reps")
    return Plan(c.name, target_reps=v["reps"], rest_s=v["rest"], max_bouts=1 + v["mini-sets"],  # type: ignore[arg-type, operator]
                min_reps=v["min-reps"], loads_kg=c.loads, params=c.params)  # type: ignore[arg-type]


SPEC = MethodSpec(
    NAME,
    "Myo-reps",
    "An activation set of 12-20 reps near failure, then 10-15 s rests and mini-sets of 3-5 "
    "reps until one falls short.",
    LoadRule(NAME, "RM", 15, 20, 17,
             "an activation set of 12-20 reps near failure (Fagerli; docs/methods.md)"),
    (
        Param("reps", 5, 3, 5, "reps", "target reps per mini-set"),
        Param("rest", 12.0, 10, 15, help="rest before each mini-set", **REST),
        Param("min-reps", 3, 2, 4, "reps", "a mini-set below this ends the set"),
        Param("mini-sets", 5, 3, 6, "mini-sets", "most mini-sets after the activation set"),
    ),
    compile_myo_reps,
    words=Words(noun="mini-set", first="activation", count="first", count_first="activation"),
    advice=AdviceRule("first-bout", first="activation set"),
    example=scripts.Example(NAME, "lateral raise", 40.0, (),
                            scripts.timed(12.0, [(15, True), (5, False), (5, False), (4, True),
                                                 (2, True)]), 200.0),
    gallery=Gallery("lateral raise", 10.0, (14, 5, 5, 4, 3, 2)),
)
