"""Rest-pause (strength): heavy singles at a 2-3RM load, 15-20 s apart,
until failure or the time cap; a spotter (or safety arms)."""

from __future__ import annotations

from . import scripts
from .spec import REST, AdviceRule, Compiling, Gallery, LoadRule, MethodSpec, Param, Plan, Words

NAME = "strength-rest-pause"


def compile_strength_rest_pause(c: Compiling) -> Plan:
    v = c.values
    return Plan(c.name, target_reps=1, first_target_reps=1, rest_s=v["rest"], cap_s=v["duration"],  # type: ignore[arg-type]
                fail_ends_set=True, loads_kg=c.loads, spotter=True, params=c.params)


SPEC = MethodSpec(
    NAME,
    "Rest-pause (strength)",
    "Heavy singles at a 2-3RM load, 15-20 s apart, until failure or the time cap.",
    LoadRule(NAME, "RM", 2, 3, 3, "the lighter end: 5-10 singles must fit in 2-3 min"),
    (
        Param("rest", 15.0, 15, 20, help="rest after each single", **REST),
        Param("duration", 180.0, 120, 180, help="time cap from the first single", **REST),
    ),
    compile_strength_rest_pause,
    spotter=True,
    arms_replace_spotter=True,
    words=Words(noun="single", count="made"),
    advice=AdviceRule("singles"),
    example=scripts.Example(NAME, "back squat", 140.0, (),
                            scripts.timed(15.0, [(1, False)] * 7 + [(0, True)], first=5.0,
                                          spotter_at=0.0), 300.0),
    gallery=Gallery("bench press", 120.0, (1,) * 7, barbell=True),
)
