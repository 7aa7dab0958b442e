"""Rest-pause (hypertrophy): a set to failure at 10RM, then 2-3 pauses of
10-20 s, each followed by reps to failure; or, with ``total``, 20 s pauses
until that many reps in all (Marshall 2012)."""

from __future__ import annotations

from . import scripts
from .spec import REST, AdviceRule, Compiling, Gallery, LoadRule, MethodSpec, Param, Plan, Words

NAME = "rest-pause"
#: Rest-pause to a total: the pauses, s, unless given (Marshall 2012).
TOTAL_REST_S = 20.0


def compile_rest_pause(c: Compiling) -> Plan:
    v = c.values
    if v["total"] is not None:
        rest = v["rest"] if "rest" in c.overrides else TOTAL_REST_S
        return Plan(c.name, rest_s=rest, total_reps=v["total"], loads_kg=c.loads,  # type: ignore[arg-type]
                    params=tuple(sorted({**v, "rest": rest}.items())))
    return Plan(c.name, rest_s=v["rest"], max_bouts=1 + v["pauses"], loads_kg=c.loads,  # type: ignore[arg-type, operator]
                params=c.params)


SPEC = MethodSpec(
    NAME,
    "Rest-pause (hypertrophy)",
    "A set to failure at 10RM, then 2-3 pauses of 10-20 s, each followed by reps to failure.",
    LoadRule(NAME, "RM", 10, 10, 10),
    (
        Param("pauses", 3, 2, 3, "pauses", "pauses after the first set"),
        Param("rest", 15.0, 10, 20, help="length of each pause (20 with a total)", **REST),
        Param("total", None, 15, 30, "reps", "to a total instead: pauses until this many "
              "reps in all (Marshall 2012: 20)"),
    ),
    compile_rest_pause,
    words=Words(noun="mini-set", count="first", count_first="first set"),
    advice=AdviceRule("first-bout", first="first set"),
    example=scripts.Example(NAME, "leg press", 250.0, (),
                            scripts.timed(15.0, [(11, True), (4, True), (2, True), (1, True)]), 200.0),
    gallery=Gallery("leg press", 180.0, (11, 4, 2, 1)),
)
