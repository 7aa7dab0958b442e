"""The methods of methods.md as presets, and their compilation to a Plan.

A preset holds each parameter's default and the recommended range. Values
outside the range compile with a warning naming the range (coaches vary
protocols); nonsense (zero reps, negative or over-10-minute rests) is refused
with a :class:`PlanError` that names the parameter and the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_REST_S = 600.0  # a rest over 10 minutes is not an intra-set rest
STRIP_LIMIT_S = 10.0  # drop sets: "immediately" strip the weight; past this a go cue


class PlanError(ValueError):
    """A parameter value that cannot make a set (names the parameter)."""


@dataclass(frozen=True)
class Param:
    """One tunable number of a method.

    ``low``/``high``: the recommended range (inclusive) in ``unit``.
    ``kind``: "int", "float" or "list" (variations).
    """

    name: str
    default: float | int | tuple[str, ...] | None
    low: float | None = None
    high: float | None = None
    unit: str = ""
    help: str = ""
    kind: str = "int"

    def describe_range(self) -> str:
        if self.low is None or self.high is None:
            return ""
        lo = _fmt(self.low)
        hi = _fmt(self.high)
        return f"{lo}-{hi}{(' ' + self.unit) if self.unit else ''}"


def _fmt(x: float | int) -> str:
    return str(int(x)) if float(x).is_integer() and abs(x) < 1e15 else f"{x:g}"


@dataclass(frozen=True)
class Preset:
    """A method: name, a one-line summary, its parameters, and whether a
    spotter is required."""

    name: str
    title: str
    summary: str
    load_rule: str
    params: tuple[Param, ...]
    spotter: bool = False

    def param(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        raise KeyError(name)

    def defaults(self) -> dict[str, object]:
        return {p.name: p.default for p in self.params}


@dataclass(frozen=True)
class Plan:
    """A compiled method: everything the engine needs, no defaults left.

    - ``target_reps``: a bout ends by itself at this many reps (None: to failure).
    - ``first_target_reps``: the same for the first bout (activation set, the
      set before the first drop); None: to failure.
    - ``rest_s``: rest between bouts, s; None means no rest (a STRIP phase).
    - ``max_bouts``: the set ends after this many bouts (None: open).
    - ``cap_s``: time cap from the first rep, s (None: none). The bout running
      when it passes is the last; a cap passing during a rest ends the set.
    - ``every_s``: "on the clock": a bout starts every this many s from the
      first rep, instead of ``rest_s`` after the last rep.
    - ``min_reps``: a mini-set (after the first bout) below this ends the set.
    - ``fail_ends_set``: a failure ends the set (strength rest-pause, negatives).
    - ``loads_kg``: the load of each bout in order (the last repeats); empty
      if unknown.
    - ``variations``: the exercise variation of each bout (mechanical drops).
    - ``eccentric_s``: each rep starts a timed lowering of this many s.
    - ``count_in_s``: count-in cues at this many whole s before a rest ends.
    - ``early_start_after``: the fraction (0-1) of a rest during which a
      press is a ``warn`` and starts nothing; after it a press is ``go`` and
      the first rep of the next bout (the lifter started early).
    - ``fail_lowers_target``: clusters: a failed cluster lowers the next
      targets to the reps it made; a second failure, or one at 0 reps, ends
      the set (Haff 2008; Tufano 2017).
    - ``total_reps``: rest-pause to a total: the set ends when the reps of all
      bouts reach this many (Marshall 2012); a failure at 0 reps ends it too.
    - ``strip_limit_s``: drop sets: a STRIP longer than this many s gets a
      ``go`` ("immediately": the strip is timed and recorded).
    - ``slower_margin_s``: forced negatives: a lowering shorter than
      ``eccentric_s`` by more than this many s gets a ``slower`` cue.
    """

    method: str
    target_reps: int | None = None
    first_target_reps: int | None = None
    rest_s: float | None = None
    max_bouts: int | None = None
    cap_s: float | None = None
    every_s: float | None = None
    min_reps: int | None = None
    fail_ends_set: bool = False
    loads_kg: tuple[float, ...] = ()
    variations: tuple[str, ...] = ()
    eccentric_s: float | None = None
    spotter: bool = False
    count_in_s: int = 3
    drop_percent: float | None = None
    early_start_after: float = 0.5
    fail_lowers_target: bool = False
    total_reps: int | None = None
    strip_limit_s: float | None = None
    slower_margin_s: float = 0.5
    params: tuple[tuple[str, object], ...] = field(default=())

    def load_of(self, bout_index: int) -> float | None:
        """Load of bout ``bout_index`` (0-based), kg, or None if unknown."""
        if not self.loads_kg:
            return None
        return self.loads_kg[min(bout_index, len(self.loads_kg) - 1)]

    def variation_of(self, bout_index: int) -> str | None:
        if not self.variations:
            return None
        return self.variations[min(bout_index, len(self.variations) - 1)]

    def target_of(self, bout_index: int) -> int | None:
        return self.first_target_reps if bout_index == 0 else self.target_reps

    @property
    def lower_limit_s(self) -> float | None:
        """Forced negatives: the longest a lowering is waited for, s (twice
        the target); with no bottom press by then it is not measured."""
        return None if self.eccentric_s is None else 2 * self.eccentric_s


_REST = dict(unit="s", kind="float")

PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset(
            "cluster",
            "Cluster set (hypertrophy)",
            "5 reps, 10-15 s rest, repeat until 3-4 minutes have passed.",
            "10-15RM",
            (
                Param("reps", 5, 3, 6, "reps", "reps per cluster"),
                Param("rest", 15.0, 10, 15, help="rest after each cluster", **_REST),
                Param("duration", 240.0, 180, 240, help="time cap from the first rep", **_REST),
                Param("every", None, 20, 30, help="on the clock: a cluster starts every N s "
                      "(recommended: the reps at 2-3 s each plus a 10-15 s rest)", **_REST),
            ),
        ),
        Preset(
            "sport-cluster",
            "Sport / explosive cluster",
            "2-5 explosive reps at 40-60 % 1RM, 15-30 s rest, 8-12 clusters.",
            "40-60 % 1RM",
            (
                Param("reps", 3, 2, 5, "reps", "reps per cluster"),
                Param("rest", 20.0, 15, 30, help="rest after each cluster", **_REST),
                Param("clusters", 10, 8, 12, "clusters", "number of clusters"),
            ),
        ),
        Preset(
            "rest-pause",
            "Rest-pause (hypertrophy)",
            "A set to failure at 10RM, then 2-3 pauses of 10-20 s, each followed by reps to failure.",
            "10RM",
            (
                Param("pauses", 3, 2, 3, "pauses", "pauses after the first set"),
                Param("rest", 15.0, 10, 20, help="length of each pause (20 with a total)", **_REST),
                Param("total", None, 15, 30, "reps", "to a total instead: pauses until this many "
                      "reps in all (Marshall 2012: 20)"),
            ),
        ),
        Preset(
            "strength-rest-pause",
            "Rest-pause (strength)",
            "Heavy singles at a 2-3RM load, 15-20 s apart, until failure or the time cap.",
            "2-3RM",
            (
                Param("rest", 15.0, 15, 20, help="rest after each single", **_REST),
                Param("duration", 180.0, 120, 180, help="time cap from the first single", **_REST),
            ),
            spotter=True,
        ),
        Preset(
            "myo-reps",
            "Myo-reps",
            "An activation set of 12-20 reps near failure, then 10-15 s rests and mini-sets of 3-5 "
            "reps until one falls short.",
            "15-20RM",
            (
                Param("reps", 5, 3, 5, "reps", "target reps per mini-set"),
                Param("rest", 12.0, 10, 15, help="rest before each mini-set", **_REST),
                Param("min-reps", 3, 2, 4, "reps", "a mini-set below this ends the set"),
                Param("mini-sets", 5, 3, 6, "mini-sets", "most mini-sets after the activation set"),
            ),
        ),
        Preset(
            "drop-set",
            "Drop set",
            "A set to failure, then strip 20 % and go again, 2-3 drops, no rest.",
            "10-12RM",
            (
                Param("drops", 2, 2, 3, "drops", "number of drops"),
                Param("drop-percent", 20.0, 10, 30, "%", "load taken off at each drop", kind="float"),
            ),
        ),
        Preset(
            "mechanical-drop-set",
            "Mechanical drop set",
            "Same load; after each failure switch to a variation with better leverage.",
            "10-12RM",
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
        ),
        Preset(
            "forced-negatives",
            "Forced negatives",
            "2-3 heavy eccentrics at 110-120 % 1RM, lowered as slowly as possible; a spotter returns the bar.",
            "110-120 % 1RM",
            (
                Param("reps", 3, 2, 3, "reps", "number of negatives"),
                Param("eccentric", 5.0, 3, 8, help="target lowering time per rep", **_REST),
            ),
            spotter=True,
        ),
    )
}


def every_range(reps: int) -> tuple[int, int]:
    """The recommended on-the-clock period for ``reps`` reps, s: 2-3 s a rep
    plus the cluster's 10-15 s rest."""
    return 2 * reps + 10, 3 * reps + 15


def preset(name: str) -> Preset:
    """The preset called ``name``; PlanError listing the known ones if none."""
    try:
        return PRESETS[name]
    except KeyError:
        raise PlanError(f"unknown method {name!r}; known: {', '.join(PRESETS)}") from None


def _check(p: Param, value: object, warnings: list[str]) -> object:
    if value is None:
        return None
    if p.kind == "list":
        if isinstance(value, str):
            value = value.split(",")  # comma-separated, as the help says
        items = tuple(str(v).strip() for v in value)  # type: ignore[union-attr]
        if not items or any(not i for i in items):
            raise PlanError(f"{p.name}: needs at least one non-empty name, got {value!r}")
        n = len(items)
        if p.low is not None and p.high is not None and not p.low <= n <= p.high:
            warnings.append(f"{p.name}: {n} is outside the recommended {p.describe_range()}")
        return items
    if isinstance(value, bool):  # float(True) == 1.0, but true is not a number
        raise PlanError(f"{p.name}: expected a number, got {value!r}")
    try:
        num = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise PlanError(f"{p.name}: expected a number, got {value!r}") from None
    if num != num or num in (float("inf"), float("-inf")):
        raise PlanError(f"{p.name}: expected a finite number, got {value!r}")
    if p.kind == "int":
        if not num.is_integer():
            raise PlanError(f"{p.name}: expected a whole number, got {value!r}")
        if num < 1:
            raise PlanError(f"{p.name}: must be at least 1, got {_fmt(num)}")
        if num > 100:
            raise PlanError(f"{p.name}: {_fmt(num)} is not a set anyone can do (at most 100)")
        num = int(num)
    elif p.unit == "s":
        if num <= 0:
            raise PlanError(f"{p.name}: must be more than 0 s, got {_fmt(num)}")
        if num > MAX_REST_S:
            raise PlanError(f"{p.name}: {_fmt(num)} s is over the 10-minute limit")
    elif p.unit == "%":
        if not 0 < num < 100:
            raise PlanError(f"{p.name}: must be between 0 and 100 %, got {_fmt(num)}")
    if p.low is not None and p.high is not None and not p.low <= num <= p.high:
        warnings.append(
            f"{p.name}: {_fmt(num)}{(' ' + p.unit) if p.unit else ''} is outside "
            f"the recommended {p.describe_range()}"
        )
    return num


def compile_plan(
    name: str,
    overrides: dict[str, object] | None = None,
    load_kg: float | None = None,
    drop_loads_kg: tuple[float, ...] | None = None,
) -> tuple[Plan, list[str]]:
    """Compile method ``name`` with ``overrides`` (param name -> value).

    ``load_kg``: the starting load, kg (optional). ``drop_loads_kg``: the load
    of each bout of a drop set, already rounded to the plates; when None the
    drops are computed without rounding from ``drop-percent``.
    Returns the plan and the out-of-range warnings. Raises PlanError.
    """
    pre = preset(name)
    overrides = dict(overrides or {})
    warnings: list[str] = []
    values: dict[str, object] = {}
    for key in overrides:
        if key not in {p.name for p in pre.params}:
            raise PlanError(
                f"{name} has no parameter {key!r}; it takes: "
                f"{', '.join(p.name for p in pre.params)}"
            )
    for p in pre.params:
        values[p.name] = _check(p, overrides.get(p.name, p.default), warnings)
    if load_kg is not None and not 0 <= load_kg <= 1000:
        raise PlanError(f"load: {load_kg:g} kg is not a load (0-1000 kg)")
    loads = (float(load_kg),) if load_kg is not None else ()
    params = tuple(sorted(values.items()))
    v = values
    if name == "cluster":
        if v["every"] is not None and v["every"] <= 0:  # pragma: no cover - _check refuses
            raise PlanError("every: must be more than 0 s")
        if v["every"] is not None:
            low, high = every_range(v["reps"])
            warnings[:] = [w for w in warnings if not w.startswith("every:")]
            if not low <= v["every"] <= high:
                lo_rest = max(0, v["every"] - 3 * v["reps"])
                hi_rest = max(0, v["every"] - 2 * v["reps"])
                left = (f"rests of about {_fmt(lo_rest)}-{_fmt(hi_rest)} s" if hi_rest > 0
                        else "no time to rest")
                warnings.append(
                    f"every: {_fmt(v['every'])} s is outside the recommended {low}-{high} s for "
                    f"{v['reps']} reps (2-3 s a rep plus a 10-15 s rest): {left}")
        plan = Plan(name, target_reps=v["reps"], first_target_reps=v["reps"], rest_s=v["rest"],
                    cap_s=v["duration"], every_s=v["every"], loads_kg=loads,
                    fail_lowers_target=True, params=params)
    elif name == "sport-cluster":
        plan = Plan(name, target_reps=v["reps"], first_target_reps=v["reps"], rest_s=v["rest"],
                    max_bouts=v["clusters"], loads_kg=loads, fail_lowers_target=True, params=params)
    elif name == "rest-pause":
        if v["total"] is not None:
            rest = v["rest"] if "rest" in overrides else 20.0  # Marshall 2012: 20 s rests
            plan = Plan(name, rest_s=rest, total_reps=v["total"], loads_kg=loads,
                        params=tuple(sorted({**values, "rest": rest}.items())))
        else:
            plan = Plan(name, rest_s=v["rest"], max_bouts=1 + v["pauses"], loads_kg=loads,
                        params=params)
    elif name == "strength-rest-pause":
        plan = Plan(name, target_reps=1, first_target_reps=1, rest_s=v["rest"], cap_s=v["duration"],
                    fail_ends_set=True, loads_kg=loads, spotter=True, params=params)
    elif name == "myo-reps":
        if v["min-reps"] > v["reps"]:
            raise PlanError(f"min-reps: {v['min-reps']} is above the target of {v['reps']} reps")
        plan = Plan(name, target_reps=v["reps"], rest_s=v["rest"], max_bouts=1 + v["mini-sets"],
                    min_reps=v["min-reps"], loads_kg=loads, params=params)
    elif name == "drop-set":
        if drop_loads_kg is None and load_kg is not None:
            k = 1 - v["drop-percent"] / 100
            drop_loads_kg = tuple(round(load_kg * k**i, 2) for i in range(v["drops"] + 1))
        plan = Plan(name, max_bouts=1 + v["drops"], loads_kg=tuple(drop_loads_kg or ()),
                    drop_percent=v["drop-percent"], strip_limit_s=STRIP_LIMIT_S, params=params)
    elif name == "mechanical-drop-set":
        plan = Plan(name, max_bouts=len(v["variations"]), variations=v["variations"],
                    loads_kg=loads, strip_limit_s=STRIP_LIMIT_S, params=params)
    elif name == "forced-negatives":
        plan = Plan(name, max_bouts=1, first_target_reps=v["reps"], eccentric_s=v["eccentric"],
                    fail_ends_set=True, loads_kg=loads, spotter=True, params=params)
    else:  # pragma: no cover - PRESETS and this table are one list
        raise PlanError(f"no compiler for {name!r}")
    return plan, warnings
