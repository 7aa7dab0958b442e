"""Forced negatives: 2-3 heavy eccentrics at 110-120 % 1RM, lowered as
slowly as possible; a spotter returns the bar. Each rep is two presses (top
and bottom) and the lowering between them is timed."""

from __future__ import annotations

from ..negatives import MAX_PERCENT_1RM
from . import scripts
from .spec import REST, AdviceRule, Compiling, Gallery, Guardrail, LoadRule, MethodSpec, Param, Plan, Prepare, Words

NAME = "forced-negatives"
#: Never past this % of 1RM (110-120 % in methods.md; :mod:`..negatives`).
TOP_PERCENT = int(MAX_PERCENT_1RM)


def compile_forced_negatives(c: Compiling) -> Plan:
    v = c.values
    return Plan(c.name, max_bouts=1, first_target_reps=v["reps"], eccentric_s=v["eccentric"],  # type: ignore[arg-type]
                fail_ends_set=True, loads_kg=c.loads, spotter=True, params=c.params)


SPEC = MethodSpec(
    NAME,
    "Forced negatives",
    "2-3 heavy eccentrics at 110-120 % 1RM, lowered as slowly as possible; a spotter returns the bar.",
    LoadRule(NAME, "%", 110, 120, 110, "the lighter end; always with a spotter"),
    (
        Param("reps", 3, 2, 3, "reps", "number of negatives"),
        Param("eccentric", 5.0, 3, 8, help="target lowering time per rep", **REST),
    ),
    compile_forced_negatives,
    spotter=True,  # safety arms do not return the bar
    words=Words(noun="negative", count="total", hint="press at top and at bottom",
                no_load="110-120 % of 1RM: load unknown (no 1RM)", lowerings=True),
    advice=AdviceRule("negatives", top_percent=TOP_PERCENT, who="negatives"),
    guardrail=Guardrail(confirm_again=True),
    prepare=Prepare(
        no_load_info="forced negatives: 110-120 % of the 1RM; no 1RM known, so the load is unknown "
                     "(give one_rm in the config, or --load)",
        cap_percent=TOP_PERCENT, cap_info="forced negatives",
        counts_for_1rm=False,  # eccentrics overestimate the 1RM
    ),
    example=scripts.Example(NAME, "bench press", 140.0, (), scripts.negatives([6.1, 5.4, 3.8]), 60.0),
    gallery=Gallery("bench press", 140.0, (3,), barbell=True),
)
