"""Sport / explosive cluster: 2-5 explosive reps at 40-60 % 1RM, 15-30 s
rest, 8-12 clusters."""

from __future__ import annotations

from . import scripts
from .spec import REST, AdviceRule, Compiling, Gallery, LoadRule, MethodSpec, Param, Plan, Words

NAME = "sport-cluster"


def compile_sport_cluster(c: Compiling) -> Plan:
    v = c.values
    return Plan(c.name, target_reps=v["reps"], first_target_reps=v["reps"], rest_s=v["rest"],  # type: ignore[arg-type]
                max_bouts=v["clusters"], loads_kg=c.loads, fail_lowers_target=True,  # type: ignore[arg-type]
                params=c.params)


SPEC = MethodSpec(
    NAME,
    "Sport / explosive cluster",
    "2-5 explosive reps at 40-60 % 1RM, 15-30 s rest, 8-12 clusters.",
    LoadRule(NAME, "%", 40, 60, 50),
    (
        Param("reps", 3, 2, 5, "reps", "reps per cluster"),
        Param("rest", 20.0, 15, 30, help="rest after each cluster", **REST),
        Param("clusters", 10, 8, 12, "clusters", "number of clusters"),
    ),
    compile_sport_cluster,
    words=Words(noun="cluster"),
    advice=AdviceRule("targets", percent_band=(40, 60), who="sport clusters"),
    example=scripts.Example(NAME, "power clean", 100.0, (),
                            scripts.timed(20.0, [(3, False)] * 10), 400.0),
    gallery=Gallery("power clean", 70.0, (3,) * 10, barbell=True),
)
