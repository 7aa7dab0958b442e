"""Cluster set (hypertrophy): 5 reps, 10-15 s rest, until 3-4 minutes have
passed; optionally on the clock (a cluster starts every N s)."""

from __future__ import annotations

from . import scripts
from .spec import REST, AdviceRule, Compiling, Gallery, LoadRule, MethodSpec, Param, Plan, PlanError, Words, _fmt

NAME = "cluster"


def every_range(reps: int) -> tuple[int, int]:
    """The recommended on-the-clock period for ``reps`` reps, s: 2-3 s a rep
    plus the cluster's 10-15 s rest."""
    return 2 * reps + 10, 3 * reps + 15


def compile_cluster(c: Compiling) -> Plan:
    v = c.values
    every, reps = v["every"], v["reps"]
    if every is not None and every <= 0:  # type: ignore[operator]  # pragma: no cover - _check refuses
        raise PlanError("every: must be more than 0 s")
    if every is not None:
        low, high = every_range(reps)  # type: ignore[arg-type]
        c.warnings[:] = [w for w in c.warnings if not w.startswith("every:")]
        if not low <= every <= high:  # type: ignore[operator]
            lo_rest = max(0, every - 3 * reps)  # type: ignore[operator]
            hi_rest = max(0, every - 2 * reps)  # type: ignore[operator]
            left = (f"rests of about {_fmt(lo_rest)}-{_fmt(hi_rest)} s" if hi_rest > 0
                    else "no time to rest")
            c.warnings.append(
                f"every: {_fmt(every)} s is outside the recommended {low}-{high} s for "  # type: ignore[arg-type]
                f"{reps} reps (2-3 s a rep plus a 10-15 s rest): {left}")
    return Plan(c.name, target_reps=reps, first_target_reps=reps, rest_s=v["rest"],  # type: ignore[arg-type]
                cap_s=v["duration"], every_s=every, loads_kg=c.loads,  # type: ignore[arg-type]
                fail_lowers_target=True, params=c.params)


SPEC = MethodSpec(
    NAME,
    "Cluster set (hypertrophy)",
    "5 reps, 10-15 s rest, repeat until 3-4 minutes have passed.",
    LoadRule(NAME, "RM", 10, 15, 12),
    (
        Param("reps", 5, 3, 6, "reps", "reps per cluster"),
        Param("rest", 15.0, 10, 15, help="rest after each cluster", **REST),
        Param("duration", 240.0, 180, 240, help="time cap from the first rep", **REST),
        Param("every", None, 20, 30, help="on the clock: a cluster starts every N s "
              "(recommended: the reps at 2-3 s each plus a 10-15 s rest)", **REST),
    ),
    compile_cluster,
    words=Words(noun="cluster"),
    advice=AdviceRule("targets"),
    # 5 reps, 15 s rests, until 240 s: the tenth cluster falls short (4), the
    # rest are run at 4 until the cap leaves no room for another.
    example=scripts.Example(NAME, "back squat", 140.0, (),
                            scripts.timed(15.0, [(5, False)] * 9 + [(4, True)] + [(4, False)] * 4),
                            300.0),
    gallery=Gallery("back squat", 100.0, (5, 5, 5, 5, 5, 5, 4, 4, 3), barbell=True),
)
