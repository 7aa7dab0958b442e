"""Drop set: a set to failure, then strip 20 % and go again, 2-3 drops, no
rest; the strips are worked out on the exercise's plates."""

from __future__ import annotations

from . import scripts
from .spec import (
    STRIP_LIMIT_S,
    AdviceRule,
    Compiling,
    Gallery,
    Guardrail,
    LoadRule,
    MethodSpec,
    Param,
    Plan,
    Prepare,
    Words,
)

NAME = "drop-set"


def compile_drop_set(c: Compiling) -> Plan:
    v = c.values
    drop_loads = c.drop_loads_kg
    if drop_loads is None and c.load_kg is not None:
        k = 1 - v["drop-percent"] / 100  # type: ignore[operator]
        drop_loads = tuple(round(c.load_kg * k**i, 2) for i in range(v["drops"] + 1))  # type: ignore[operator]
    return Plan(c.name, max_bouts=1 + v["drops"], loads_kg=tuple(drop_loads or ()),  # type: ignore[operator]
                drop_percent=v["drop-percent"], strip_limit_s=STRIP_LIMIT_S, params=c.params)  # type: ignore[arg-type]


SPEC = MethodSpec(
    NAME,
    "Drop set",
    "A set to failure, then strip 20 % and go again, 2-3 drops, no rest.",
    LoadRule(NAME, "RM", 10, 12, 11),
    (
        Param("drops", 2, 2, 3, "drops", "number of drops"),
        Param("drop-percent", 20.0, 10, 30, "%", "load taken off at each drop", kind="float"),
    ),
    compile_drop_set,
    spotter_kinds=("barbell", None),  # repeated failure under a bar (unknown kind: the safe side)
    arms_replace_spotter=True,
    words=Words(noun="drop", first="top set", count="first", count_first="top set",
                count_first_reps=False, pause="strip", bars="set"),
    advice=AdviceRule("first-bout", first="top set"),
    guardrail=Guardrail(block_note=True, confirm_again=True),
    prepare=Prepare(drop_chain=True),
    example=scripts.Example(NAME, "leg press", 250.0, (), scripts.strips([11, 7, 5], 6.0), 120.0),
    gallery=Gallery("back squat", 100.0, (11, 7, 5), barbell=True),
)
