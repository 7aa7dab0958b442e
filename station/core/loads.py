"""Loads: 1RM estimates, %1RM, rounding to the kit, drop-set strips.

Pure and stdlib only. All loads are in kg.

The reps-to-%1RM relation is Brzycki's (Brzycki 1993, "Strength testing:
predicting a one-rep max from reps-to-fatigue", JOPERD 64(1)):

    1RM = load x 36 / (37 - reps)        %1RM(reps) = (37 - reps) / 36

Brzycki meant it for sets of up to 10 reps; it stays within 2.5 %-points of
the NSCA reps-%1RM table up to 12 reps, so this module accepts 1-12 reps
(:data:`MIN_REPS`-:data:`MAX_REPS`). Past 12 the estimate is an
extrapolation: :func:`estimate_1rm` refuses it, and :func:`load_for_reps`
only gives it when asked (``extrapolate=True``, up to
:data:`MAX_EXTRAPOLATED_REPS`), for the 13-15RM starting loads.

Rounding works in whole grams so 1.25 kg plates add up exactly.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from itertools import product
from typing import Iterable

FORMULA = "Brzycki: 1RM = load x 36 / (37 - reps)"
MIN_REPS = 1
MAX_REPS = 12  # the valid range of the formula here, inclusive
MAX_EXTRAPOLATED_REPS = 20
KINDS = ("barbell", "dumbbell", "machine")
# Plates available per side when nothing else is said (the config's default).
DEFAULT_BAR_KG = 20.0
DEFAULT_PLATES_KG: tuple[float, ...] = (25, 25, 25, 25, 20, 15, 10, 5, 2.5, 1.25)
_MAX_LAYOUTS = 200_000  # above this many plate layouts, drops keep the given one


class DropError(ValueError):
    """A drop the kit cannot make strictly lighter (names the drop and why)."""


# ---------------------------------------------------------------- formula


def _check_reps(reps: int, extrapolate: bool) -> None:
    top = MAX_EXTRAPOLATED_REPS if extrapolate else MAX_REPS
    if isinstance(reps, bool) or not isinstance(reps, int) or not MIN_REPS <= reps <= top:
        raise ValueError(
            f"reps: {reps!r} is outside the valid {MIN_REPS}-{top} reps of {FORMULA}"
        )


def _check_kg(name: str, kg: float, *, allow_zero: bool = False) -> float:
    if isinstance(kg, bool) or not isinstance(kg, (int, float)) or not math.isfinite(kg):
        raise ValueError(f"{name}: expected a finite number of kg, got {kg!r}")
    if kg < 0 or (kg == 0 and not allow_zero):
        raise ValueError(f"{name}: must be more than 0 kg, got {kg:g}")
    return float(kg)


def percent_1rm(reps: int, *, extrapolate: bool = False) -> float:
    """The %1RM (0-100) a lifter can move for ``reps`` reps.

    ``extrapolate``: allow 13-20 reps, past the formula's valid range.
    Raises ValueError outside the range.
    """
    _check_reps(reps, extrapolate)
    return 100.0 * (37 - reps) / 36


def estimate_1rm(load_kg: float, reps: int) -> float:
    """The 1RM, kg, estimated from a set of ``reps`` (1-12) at ``load_kg``."""
    _check_reps(reps, False)
    return _check_kg("load", load_kg) * 36 / (37 - reps)


def load_for_reps(one_rm_kg: float, reps: int, *, extrapolate: bool = False) -> float:
    """The ``reps``-RM load, kg (unrounded), for a 1RM of ``one_rm_kg``."""
    return _check_kg("1RM", one_rm_kg) * percent_1rm(reps, extrapolate=extrapolate) / 100


def best_estimate(sets: Iterable[tuple[int, float]]) -> float | None:
    """The highest 1RM estimate, kg, over ``(reps, load_kg)`` sets.

    Sets outside 1-12 reps or without a positive load are ignored (they say
    nothing reliable); None if no set is usable.
    """
    best: float | None = None
    for reps, load_kg in sets:
        try:
            est = estimate_1rm(load_kg, reps)
        except ValueError:
            continue
        best = est if best is None or est > best else best
    return best


# ---------------------------------------------------------------- values


def _g(kg: float) -> int:
    return round(kg * 1000)


def _kg(g: int) -> float:
    return g / 1000


def fmt_kg(kg: float) -> str:
    """``kg`` without trailing zeros: 100 -> "100", 2.5 -> "2.5", 1.25 -> "1.25"."""
    return f"{round(kg, 3):g}"


def describe_plates(per_side: Iterable[float]) -> str:
    """Plates heaviest first, repeats grouped: "2 x 25 + 10 + 1.25 kg"."""
    counts = Counter(_g(p) for p in per_side)
    if not counts:
        return "no plates"
    parts = [
        (f"{n} x {fmt_kg(_kg(w))}" if n > 1 else fmt_kg(_kg(w)))
        for w, n in sorted(counts.items(), reverse=True)
    ]
    return " + ".join(parts) + " kg"


@dataclass(frozen=True)
class Loading:
    """A load the kit can make.

    ``total_kg``: what is lifted (for dumbbells: one dumbbell).
    ``per_side``: the plates on each side of the bar, heaviest (innermost)
    first; empty for dumbbells and machines. ``bar_kg``: the bar.
    ``kind``: "barbell", "dumbbell" or "machine".
    """

    total_kg: float
    per_side: tuple[float, ...] = ()
    bar_kg: float = 0.0
    kind: str = "barbell"

    def describe(self) -> str:
        """One line: "102.5 kg: 20 kg bar + 25 + 15 + 1.25 kg each side"."""
        total = fmt_kg(self.total_kg)
        if self.kind == "dumbbell":
            return f"{total} kg dumbbells"
        if self.kind == "machine":
            return f"{total} kg on the stack"
        if not self.per_side:
            return f"{total} kg: the empty {fmt_kg(self.bar_kg)} kg bar"
        return f"{total} kg: {fmt_kg(self.bar_kg)} kg bar + {describe_plates(self.per_side)} each side"


def _plate_sums(plates_g: Iterable[int]) -> dict[int, tuple[int, ...]]:
    """Every per-side sum (g) the plates make -> the layout a lifter would use:
    fewest plates, then the heaviest plates (heaviest first)."""
    best: dict[int, tuple[int, ...]] = {0: ()}
    for w, n in sorted(Counter(plates_g).items(), reverse=True):
        nxt: dict[int, tuple[int, ...]] = {}
        for s, combo in best.items():
            for k in range(n + 1):
                cand = combo + (w,) * k
                have = nxt.get(s + w * k)
                if have is None or (len(cand), tuple(-x for x in cand)) < (
                    len(have), tuple(-x for x in have)
                ):
                    nxt[s + w * k] = cand
        best = nxt
    return best


def _nearest(options: Iterable[int], target: int) -> int:
    """The option nearest ``target``; a tie goes to the lighter."""
    return min(options, key=lambda o: (abs(o - target), o))


def _plates_g(plates_kg: Iterable[float]) -> list[int]:
    return [_g(_check_kg("plate", p)) for p in plates_kg]


def round_barbell(target_kg: float, bar_kg: float, plates_per_side: Iterable[float]) -> Loading:
    """The achievable barbell load nearest ``target_kg`` (ties: the lighter).

    ``plates_per_side``: the plates available for each side (a multiset).
    A target below the bar gives the empty bar; above what the plates make,
    the heaviest loading.
    """
    _check_kg("target", target_kg, allow_zero=True)
    bar_g = _g(_check_kg("bar", bar_kg, allow_zero=True))
    sums = _plate_sums(_plates_g(plates_per_side))
    side = _nearest(sums, (_g(target_kg) - bar_g) / 2)  # type: ignore[arg-type]
    return _barbell(bar_g, sums[side])


def _barbell(bar_g: int, side_g: tuple[int, ...]) -> Loading:
    side = tuple(sorted(side_g, reverse=True))
    return Loading(_kg(bar_g + 2 * sum(side)), tuple(_kg(p) for p in side), _kg(bar_g), "barbell")


def round_dumbbell(target_kg: float, available: Iterable[float]) -> Loading:
    """The dumbbell on the rack nearest ``target_kg`` (ties: the lighter)."""
    _check_kg("target", target_kg, allow_zero=True)
    rack = {_g(_check_kg("dumbbell", d)) for d in available}
    if not rack:
        raise ValueError("dumbbells: the rack is empty; list the dumbbell weights you have")
    return Loading(_kg(_nearest(rack, _g(target_kg))), kind="dumbbell")


def round_machine(target_kg: float, increment_kg: float) -> Loading:
    """The stack setting nearest ``target_kg``: a multiple of ``increment_kg``,
    at least one increment (ties: the lighter)."""
    _check_kg("target", target_kg, allow_zero=True)
    inc = _g(_check_kg("increment", increment_kg))
    q, r = divmod(_g(target_kg), inc)
    steps = max(1, q + (2 * r > inc))  # exactly half way: the lighter
    return Loading(_kg(steps * inc), kind="machine")


@dataclass(frozen=True)
class Kit:
    """What the lifter has for one exercise.

    ``kind``: "barbell" (``bar_kg`` and ``plates_kg``, the plates available
    per side), "dumbbell" (``dumbbells_kg``, the weights on the rack) or
    "machine" (``increment_kg``, the stack's step).
    """

    kind: str = "barbell"
    bar_kg: float = DEFAULT_BAR_KG
    plates_kg: tuple[float, ...] = DEFAULT_PLATES_KG
    dumbbells_kg: tuple[float, ...] = ()
    increment_kg: float = 5.0

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind: expected one of {', '.join(KINDS)}, got {self.kind!r}")
        if self.kind == "barbell":
            _check_kg("bar", self.bar_kg, allow_zero=True)
            _plates_g(self.plates_kg)
        elif self.kind == "dumbbell":
            if not self.dumbbells_kg:
                raise ValueError("dumbbells: the rack is empty; list the dumbbell weights you have")
            for d in self.dumbbells_kg:
                _check_kg("dumbbell", d)
        else:
            _check_kg("increment", self.increment_kg)

    def round(self, target_kg: float) -> Loading:
        """The achievable load nearest ``target_kg``, kg (ties: the lighter)."""
        if self.kind == "barbell":
            return round_barbell(target_kg, self.bar_kg, self.plates_kg)
        if self.kind == "dumbbell":
            return round_dumbbell(target_kg, self.dumbbells_kg)
        return round_machine(target_kg, self.increment_kg)

    @property
    def max_kg(self) -> float | None:
        """The heaviest load the kit makes, kg (None: a machine, no known top)."""
        if self.kind == "barbell":
            return _kg(_g(self.bar_kg) + 2 * sum(_plates_g(self.plates_kg)))
        if self.kind == "dumbbell":
            return max(self.dumbbells_kg)
        return None

    @property
    def min_kg(self) -> float:
        """The lightest load the kit makes, kg: the bar, the lightest dumbbell,
        or one step of the stack."""
        if self.kind == "barbell":
            return float(self.bar_kg)
        if self.kind == "dumbbell":
            return float(min(self.dumbbells_kg))
        return float(self.increment_kg)

    def describe(self) -> str:
        """One line: the bar and plates, the rack, or the stack step."""
        if self.kind == "barbell":
            return f"bar {fmt_kg(self.bar_kg)} kg, plates per side {describe_plates(self.plates_kg)}"
        if self.kind == "dumbbell":
            return "dumbbells " + ", ".join(fmt_kg(d) for d in sorted(set(self.dumbbells_kg))) + " kg"
        return f"machine stack in steps of {fmt_kg(self.increment_kg)} kg"


# ---------------------------------------------------------------- drop sets


def _drop_targets(start_kg: float, drops: int, percent: float) -> list[int]:
    if isinstance(drops, bool) or not isinstance(drops, int) or drops < 1:
        raise ValueError(f"drops: expected a whole number of at least 1, got {drops!r}")
    if not isinstance(percent, (int, float)) or not 0 < percent < 100:
        raise ValueError(f"drop percent: expected between 0 and 100 %, got {percent!r}")
    k = 1 - percent / 100
    return [_g(start_kg * k**i) for i in range(1, drops + 1)]


def _barbell_chain(bar_g: int, side: tuple[int, ...], targets: list[int]) -> list[tuple[int, ...]]:
    """Greedy: each drop keeps a strict sub-multiset of the plates before it,
    the one whose total is nearest that drop's target (ties: the lighter)."""
    chain = [side]
    for i, target in enumerate(targets, start=1):
        current = chain[-1]
        if not current:
            raise DropError(
                f"drop {i}: nothing left to take off; the empty bar is {fmt_kg(_kg(bar_g))} kg"
            )
        sums = _plate_sums(current)
        del sums[sum(current)]  # taking nothing off is no drop
        chain.append(sums[_nearest(sums, (target - bar_g) / 2)])  # type: ignore[arg-type]
    return chain


def _layouts(plates_g: list[int], side_g: int) -> list[tuple[int, ...]]:
    """Every multiset of the inventory whose sum is ``side_g`` (heaviest first)."""
    groups = sorted(Counter(plates_g).items(), reverse=True)
    if math.prod(n + 1 for _, n in groups) > _MAX_LAYOUTS:
        return []
    out = []
    for counts in product(*(range(n + 1) for _, n in groups)):
        if sum(w * k for (w, _), k in zip(groups, counts)) == side_g:
            out.append(tuple(w for (w, _), k in zip(groups, counts) for _ in range(k)))
    return out


def drop_loads(start: Loading, drops: int, percent: float, *, kit: Kit | None = None) -> list[Loading]:
    """The load of every bout of a drop set: ``start``, then ``drops`` drops.

    Drop i aims at ``start.total_kg * (1 - percent/100) ** i`` and takes the
    nearest load the kit reaches that is strictly lighter than the one before
    (ties: the lighter). On a barbell a drop only takes plates off, the same
    on each side: its plates are a sub-multiset of the previous drop's. With
    ``kit`` given (its plates inventory), the starting load may be re-laid
    with the same total so the drops land nearer their targets; the first
    Loading returned shows the layout to use.
    Dumbbell and machine drop sets need ``kit``. Raises DropError when the
    kit cannot make a drop lighter.
    """
    targets = _drop_targets(start.total_kg, drops, percent)
    if start.kind == "barbell":
        return _barbell_drops(start, targets, kit)
    if kit is None or kit.kind != start.kind:
        raise ValueError(f"drop set: a {start.kind} drop set needs the {start.kind} kit")
    if start.kind == "dumbbell":
        steps = sorted({_g(d) for d in kit.dumbbells_kg})
        lightest = "no lighter dumbbell on the rack"
    else:
        steps = [k * _g(kit.increment_kg) for k in range(1, _g(start.total_kg) // _g(kit.increment_kg) + 1)]
        lightest = "the stack is at its lightest step"
    loads = [start]
    for i, target in enumerate(targets, start=1):
        lighter = [s for s in steps if s < _g(loads[-1].total_kg)]
        if not lighter:
            raise DropError(f"drop {i}: below {fmt_kg(loads[-1].total_kg)} kg {lightest}")
        loads.append(Loading(_kg(_nearest(lighter, target)), kind=start.kind))
    return loads


def _barbell_drops(start: Loading, targets: list[int], kit: Kit | None) -> list[Loading]:
    bar_g = _g(start.bar_kg)
    own = tuple(sorted((_g(p) for p in start.per_side), reverse=True))
    layouts = [own]
    if kit is not None and kit.kind == "barbell":
        layouts += [lay for lay in _layouts(_plates_g(kit.plates_kg), sum(own)) if lay != own]
    best: tuple[tuple[int, int, int], list[tuple[int, ...]]] | None = None
    first_error: DropError | None = None
    for lay in layouts:  # the given layout first: on equal merit it stays
        try:
            chain = _barbell_chain(bar_g, lay, targets)
        except DropError as e:
            first_error = first_error or e
            continue
        miss = sum(abs(bar_g + 2 * sum(c) - t) for c, t in zip(chain[1:], targets))
        # Plates sit heaviest innermost: a strip of only the outer plates is quicker.
        inner = sum(after != before[: len(after)] for before, after in zip(chain, chain[1:]))
        score = (miss, inner, len(lay))
        if best is None or score < best[0]:
            best = (score, chain)
    if best is None:
        assert first_error is not None
        raise first_error
    return [_barbell(bar_g, c) for c in best[1]]


def strip_text(before: Loading, after: Loading) -> str:
    """What to do between two bouts: "take off 1 x 10 kg + 1 x 2.5 kg each side".

    Raises ValueError if ``after`` is not reached by stripping ``before``.
    """
    if before.kind != after.kind:
        raise ValueError(f"strip: {before.kind} load to {after.kind} load is not a strip")
    if after.total_kg >= before.total_kg:
        raise ValueError(
            f"strip: {fmt_kg(after.total_kg)} kg is not lighter than {fmt_kg(before.total_kg)} kg"
        )
    diff = fmt_kg(before.total_kg - after.total_kg)
    if before.kind == "dumbbell":
        return f"change to the {fmt_kg(after.total_kg)} kg dumbbells (-{diff} kg each)"
    if before.kind == "machine":
        return f"move the pin to {fmt_kg(after.total_kg)} kg (-{diff} kg)"
    have, keep = Counter(_g(p) for p in before.per_side), Counter(_g(p) for p in after.per_side)
    if keep - have or _g(before.bar_kg) != _g(after.bar_kg):
        raise ValueError(
            f"strip: {after.describe()} needs plates that {before.describe()} does not have"
        )
    off = have - keep
    parts = [f"{n} x {fmt_kg(_kg(w))} kg" for w, n in sorted(off.items(), reverse=True)]
    return "take off " + " + ".join(parts) + " each side"


# ---------------------------------------------------------------- starting loads


@dataclass(frozen=True)
class LoadRule:
    """A method's starting-load rule: ``low``-``high`` in ``unit`` ("RM": reps
    at that RM, "%": % of 1RM), the ``suggested`` value, and why."""

    method: str
    unit: str
    low: int
    high: int
    suggested: int
    note: str = ""

    @property
    def text(self) -> str:
        """As methods.md says it: "10-15RM", "10RM", "40-60 % 1RM"."""
        span = str(self.low) if self.low == self.high else f"{self.low}-{self.high}"
        return f"{span}RM" if self.unit == "RM" else f"{span} % 1RM"


LOAD_RULES: tuple[LoadRule, ...] = (
    LoadRule("cluster", "RM", 10, 15, 12),
    LoadRule("sport-cluster", "%", 40, 60, 50),
    LoadRule("rest-pause", "RM", 10, 10, 10),
    LoadRule("strength-rest-pause", "RM", 2, 3, 3, "the lighter end: 5-10 singles must fit in 2-3 min"),
    LoadRule("myo-reps", "RM", 10, 15, 12,
             "methods.md gives no myo-reps load; 10-15RM is the station's rule (an activation set of 10-15 reps)"),
    LoadRule("drop-set", "RM", 10, 12, 11),
    LoadRule("mechanical-drop-set", "RM", 10, 12, 11),
    LoadRule("forced-negatives", "%", 110, 120, 110, "the lighter end; always with a spotter"),
)


def load_rule(method: str) -> LoadRule:
    """The starting-load rule of ``method``; ValueError listing the known ones."""
    for rule in LOAD_RULES:
        if rule.method == method:
            return rule
    raise ValueError(f"unknown method {method!r}; known: {', '.join(r.method for r in LOAD_RULES)}")


@dataclass(frozen=True)
class StartingLoad:
    """A method's starting load for one 1RM, kg, unrounded.

    ``low_kg``/``high_kg``: the lighter and heavier end of the rule's range;
    ``suggested_kg``: where to start; ``suggested``: that as a rule ("12RM",
    "50 % 1RM"); ``extrapolated``: some of it lies past the formula's 1-12
    reps; ``note``: why the suggestion, and any caveat.
    """

    method: str
    rule: str
    low_kg: float
    high_kg: float
    suggested_kg: float
    suggested: str
    extrapolated: bool = False
    note: str = ""


def starting_load(method: str, one_rm_kg: float) -> StartingLoad:
    """The starting load of ``method`` (a PRESETS name) for a 1RM, kg."""
    rule = load_rule(method)
    _check_kg("1RM", one_rm_kg)
    notes = [rule.note] if rule.note else []
    if rule.unit == "%":
        low, high, sug = (one_rm_kg * p / 100 for p in (rule.low, rule.high, rule.suggested))
        return StartingLoad(method, rule.text, low, high, sug, f"{rule.suggested} % 1RM", note="; ".join(notes))
    extrapolated = rule.high > MAX_REPS
    if extrapolated:
        notes.append(f"{MAX_REPS + 1}-{rule.high}RM lies past the formula's {MIN_REPS}-{MAX_REPS} reps: extrapolated")
    return StartingLoad(
        method,
        rule.text,
        load_for_reps(one_rm_kg, rule.high, extrapolate=True),  # more reps, lighter
        load_for_reps(one_rm_kg, rule.low, extrapolate=True),
        load_for_reps(one_rm_kg, rule.suggested, extrapolate=True),
        f"{rule.suggested}RM",
        extrapolated,
        "; ".join(notes),
    )
