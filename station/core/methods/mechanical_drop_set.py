"""Mechanical drop set: the same load; after each failure switch to a
variation with better leverage (the exercise's variations, in order)."""

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

NAME = "mechanical-drop-set"


def compile_mechanical_drop_set(c: Compiling) -> Plan:
    v = c.values
    return Plan(c.name, max_bouts=len(v["variations"]), variations=v["variations"],  # type: ignore[arg-type]
                loads_kg=c.loads, strip_limit_s=STRIP_LIMIT_S, params=c.params)


SPEC = MethodSpec(
    NAME,
    "Mechanical drop set",
    "Same load; after each failure switch to a variation with better leverage.",
    LoadRule(NAME, "RM", 10, 12, 11),
    (
        Param(
            "variations",
            ("lying overhead extension", "skull-crusher", "chin-crusher"),
            2,
            4,
            "variations",
            "the variations in order, comma-separated",
            kind="list",
        ),
    ),
    compile_mechanical_drop_set,
    words=Words(noun="variation", pause="switch"),
    advice=AdviceRule("first-bout", first="first variation"),
    guardrail=Guardrail(block_note=True, confirm_again=True),
    prepare=Prepare(variations_from_exercise=True),
    example=scripts.Example(NAME, "triceps", 40.0, (), scripts.strips([9, 6, 5], 5.0), 120.0),
    gallery=Gallery("triceps", 30.0, (9, 6, 5)),
)
