"""What a training method is: its spec (:class:`MethodSpec`) and the Plan it compiles to.

A spec holds everything the station knows about one method: each
parameter's default and recommended range (with units), how the values
compile to a :class:`Plan`, its starting-load rule, its nouns and screen
words, its spotter rule, its advice rule, its guardrail class, its
preparation hints, its worked example and its gallery sample. Each method
is one module of this package that defines one ``SPEC``; every other part
of the station looks the method up here instead of keeping its own table.

Values outside a parameter's range compile with a warning naming the range
(coaches vary protocols); nonsense (zero reps, negative or over-10-minute
rests) is refused with a :class:`PlanError` that names the parameter and
the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..loads import LoadRule

__all__ = [
    "MAX_REST_S", "REST", "STRIP_LIMIT_S", "AdviceRule", "Compiling", "Gallery", "Guardrail", "LoadRule",
    "MethodSpec", "Param", "Plan", "PlanError", "Prepare", "Preset", "Words",
]

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


def _check(p: Param, value: object, warnings: list[str]) -> object:
    if value is None:
        return None
    if p.kind == "list":
        if isinstance(value, str):
            value = value.split(",")  # comma-separated, as the help says
        if not isinstance(value, (list, tuple)):
            raise PlanError(f"{p.name}: needs a list of names, got {value!r}")
        items = tuple(str(v).strip() for v in value)
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




# ---------------------------------------------------------------- the spec


@dataclass(frozen=True)
class Words:
    """How the screen and the summary name a method's bouts.

    - ``noun``: one bout ("cluster", "mini-set", "single", "negative"); the
      plural adds an s.
    - ``first``: the first bout's own name in the bout label ("top set",
      "activation"); the later ones are then numbered from 1 ("drop 1 of 2").
      None: every bout is "<noun> i of n".
    - ``count``: how the summary counts what was done: "bouts" ("9 clusters,
      1 with no rep"), "first" ("activation 14 + 4 mini-sets"), "made" ("7
      singles, 1 missed"), "total" (every rep is one noun: "3 negatives").
    - ``count_first``: the first bout in a "first" count ("first set");
      ``count_first_reps``: whether its reps follow ("first set 11").
    - ``pause``: what happens between bouts: "rest", "strip" (take weight
      off: the summary shows the chain of loads) or "switch" (change the
      variation).
    - ``bars``: the summary's bar noun ("reps per set"); "" means ``noun``.
    - ``hint``: what the lifter presses, on the READY screen.
    - ``no_load``: the load line when no load is known ("" shows none).
    - ``lowerings``: each rep is a timed lowering: the labels name the next
      negative, the big number counts negatives done and the summary's bars
      are the seconds lowered.
    """

    noun: str = "bout"
    first: str | None = None
    count: str = "bouts"
    count_first: str = ""
    count_first_reps: bool = True
    pause: str = "rest"
    bars: str = ""
    hint: str = "press after each rep"
    no_load: str = ""
    lowerings: bool = False

    @property
    def plural(self) -> str:
        return self.noun + "s"


@dataclass(frozen=True)
class AdviceRule:
    """How the next set's load is advised (docs/advice.md).

    ``kind``: "first-bout" (the first bout goes to failure: its reps say
    what RM the load was; ``first`` names that bout, "top set"), "targets"
    (a rep target per bout: all on target -> heavier), "negatives" (the
    targets rule, but fast lowerings hold the load), "singles" (strength
    rest-pause: singles to the cap -> heavier, few -> lighter), "none".
    ``percent_band``: the load stays within this % of the 1RM (sport
    clusters). ``top_percent``: never past this % of the 1RM; at the top,
    lower more slowly instead (forced negatives). ``who``: the method as
    those limits name it ("sport clusters stay within ...").
    """

    kind: str = "targets"
    first: str = ""
    percent_band: tuple[int, int] | None = None
    top_percent: int | None = None
    who: str = ""


@dataclass(frozen=True)
class Guardrail:
    """The method's guardrail class: ``block_note``: a drop set, which fits
    the last weeks of a training block; ``confirm_again``: a second one on the
    same day asks first (heavy failure-to-failure or supramaximal work)."""

    block_note: bool = False
    confirm_again: bool = False


@dataclass(frozen=True)
class Prepare:
    """What preparing a set of the method does beyond compiling it.

    - ``variations_from_exercise``: the variations default to the exercise's
      (its config, else the built-in list).
    - ``drop_chain``: the loads are a chain of strips worked out on the
      exercise's plates from the ``drops`` and ``drop-percent`` parameters.
    - ``no_load_info``: said when no load is known (no 1RM).
    - ``cap_percent``: a load past this % of the 1RM is capped there
      (``cap_info`` names the method and what to progress instead).
    - ``counts_for_1rm``: the first bout of a recorded set of this method
      enters the 1RM estimate (eccentrics overestimate it: False).
    """

    variations_from_exercise: bool = False
    drop_chain: bool = False
    no_load_info: str = ""
    cap_percent: int | None = None
    cap_info: str = ""
    counts_for_1rm: bool = True


@dataclass(frozen=True)
class Gallery:
    """``station gallery``'s sample of the method: the exercise, its load
    (kg), the reps of each bout, and whether it is loaded on a barbell."""

    exercise: str
    load_kg: float
    reps: tuple[int, ...]
    barbell: bool = False


@dataclass
class Compiling:
    """What a spec's ``compile`` gets: the checked parameter ``values`` (name
    -> value), the raw ``overrides``, the starting ``load_kg`` (None:
    unknown), ``loads`` (that load as a tuple, empty if unknown), the drop
    loads already rounded to the plates (kg, or None), the sorted ``params``
    for the plan, and the ``warnings`` list to add to (or edit)."""

    name: str
    values: dict[str, object]
    overrides: dict[str, object]
    load_kg: float | None
    loads: tuple[float, ...]
    drop_loads_kg: tuple[float, ...] | None
    params: tuple[tuple[str, object], ...]
    warnings: list[str]


@dataclass(frozen=True)
class MethodSpec:
    """One training method, all in one place.

    ``name``: as typed on ``station run``; ``title`` and ``summary``: as
    ``station presets`` and the screen show them; ``load``: the
    starting-load rule; ``params``: the tunable numbers; ``compile``: the
    values to a :class:`Plan` (may add warnings, raises PlanError);
    ``spotter``: a spotter is always required; ``spotter_kinds``: or on an
    exercise of these kinds (None: unknown kind); ``arms_replace_spotter``:
    safety arms stand in for the spotter (a failed rep rests on them);
    ``words``, ``advice``, ``guardrail``, ``prepare``: see their classes;
    ``example``: the article's example as a script (:mod:`.scripts`);
    ``gallery``: the gallery's sample.
    """

    name: str
    title: str
    summary: str
    load: LoadRule
    params: tuple[Param, ...]
    compile: Callable[[Compiling], Plan]
    spotter: bool = False
    spotter_kinds: tuple[str | None, ...] = ()
    arms_replace_spotter: bool = False
    words: Words = Words()
    advice: AdviceRule = AdviceRule()
    guardrail: Guardrail = Guardrail()
    prepare: Prepare = Prepare()
    example: object | None = None  # a scripts.Example
    gallery: Gallery | None = None

    @property
    def load_rule(self) -> str:
        """The starting-load rule as methods.md says it ("10-15RM")."""
        return self.load.text

    def param(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        raise KeyError(name)

    def defaults(self) -> dict[str, object]:
        return {p.name: p.default for p in self.params}

    def spotter_required(self, exercise_kind: str | None) -> bool:
        """Whether a set on an exercise of ``exercise_kind`` ("barbell",
        "dumbbell", "machine" or None if unknown) calls for a spotter."""
        return self.spotter or exercise_kind in self.spotter_kinds


#: The older name of a method's spec.
Preset = MethodSpec

#: A rest (or any time) parameter: seconds, a float.
REST: dict[str, str] = {"unit": "s", "kind": "float"}
