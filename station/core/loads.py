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
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import product
from typing import Protocol

FORMULA = "Brzycki: 1RM = load x 36 / (37 - reps)"
MIN_REPS = 1
MAX_REPS = 12  # the valid range of the formula here, inclusive
MAX_EXTRAPOLATED_REPS = 20
KINDS = ("barbell", "dumbbell", "machine")
# Plates available per side when nothing else is said (the config's default).
DEFAULT_BAR_KG = 20.0
DEFAULT_PLATES_KG: tuple[float, ...] = (25, 25, 25, 25, 20, 15, 10, 5, 2.5, 1.25)
# A drop set tries other layouts of the same start load: the fewest-plate
# ones, at most this many, each of at most this many plates per side.
_MAX_LAYOUTS = 40
_MAX_LAYOUT_PLATES = 8
_MAX_LAYOUTS_SEEN = 5000


class DropError(ValueError):
    """A drop set the kit cannot make, each drop strictly lighter (says why)."""


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


def reload_for_reps(load_kg: float, made_reps: int, aim_reps: int) -> float:
    """The load, kg (unrounded), at which a lifter who made ``made_reps`` to
    failure at ``load_kg`` makes ``aim_reps``: the same relation as every
    other load here, ``load x %1RM(aim) / %1RM(made)``. ``made_reps`` past
    :data:`MAX_EXTRAPOLATED_REPS` counts as that many (the answer is then a
    lower bound on the change); 0 counts as 1 (the load was a 1RM or more).
    """
    _check_kg("load", load_kg)
    made = min(max(int(made_reps), MIN_REPS), MAX_EXTRAPOLATED_REPS)
    return load_kg * percent_1rm(aim_reps, extrapolate=True) / percent_1rm(made, extrapolate=True)


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


#: One pound, kg (exact, by definition).
LB_KG = 0.45359237
UNIT_NAMES = ("kg", "lb")


@dataclass(frozen=True)
class Units:
    """How loads are shown to the lifter: "kg" or "lb". Loads are always
    kept (and stored) in kg; this converts at the edges only."""

    name: str = "kg"

    def __post_init__(self) -> None:
        if self.name not in UNIT_NAMES:
            raise ValueError(f"units: expected one of {', '.join(UNIT_NAMES)}, got {self.name!r}")

    def of_kg(self, kg: float) -> float:
        """``kg`` in these units."""
        return kg if self.name == "kg" else kg / LB_KG

    def to_kg(self, value: float) -> float:
        """``value`` in these units, as kg."""
        return value if self.name == "kg" else value * LB_KG

    def num(self, kg: float) -> str:
        """``kg`` as a number in these units, without trailing zeros. Pounds
        to the nearest 0.05 lb: the kit works in whole grams, so a 45 lb
        plate is 20412 g (0.34 g over) and nine of them would show 405.01 lb
        at 0.01 lb; at 0.05 lb it takes some 70 plates to show an error, and
        1.25 and 0.25 lb plates still show as they are."""
        if self.name == "kg":
            return fmt_kg(kg)
        return f"{round(round(kg / LB_KG * 20) / 20, 2):g}"

    def show(self, kg: float) -> str:
        """``kg`` with its unit: "102.5 kg", "225 lb"."""
        return f"{self.num(kg)} {self.name}"


KG = Units("kg")
LB = Units("lb")
#: A pound gym's kit when nothing else is said: a 45 lb bar and common plates per side.
DEFAULT_BAR_LB = 45.0
DEFAULT_PLATES_LB: tuple[float, ...] = (45, 45, 45, 45, 35, 25, 10, 5, 2.5)


def describe_plates(per_side: Iterable[float], units: Units = KG) -> str:
    """Plates heaviest first, repeats grouped: "2 x 25 + 10 + 1.25 kg"."""
    counts = Counter(_g(p) for p in per_side)
    if not counts:
        return "no plates"
    parts = [
        (f"{n} x {units.num(_kg(w))}" if n > 1 else units.num(_kg(w)))
        for w, n in sorted(counts.items(), reverse=True)
    ]
    return " + ".join(parts) + f" {units.name}"


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

    def describe(self, units: Units = KG) -> str:
        """One line: "102.5 kg: 20 kg bar + 25 + 15 + 1.25 kg each side";
        dumbbells: "22.5 kg per dumbbell (a pair)"."""
        if self.kind in ("dumbbell", "machine"):
            return self.layout(units)
        return f"{units.show(self.total_kg)}: {self.layout(units)}"

    def layout(self, units: Units = KG) -> str:
        """How to load it, for the screen: "20 kg bar + 25 + 15 + 1.25 kg
        each side", "the empty 20 kg bar", "22.5 kg per dumbbell (a pair)",
        "80 kg on the stack"."""
        total = units.show(self.total_kg)
        if self.kind == "dumbbell":
            return f"{total} per dumbbell (a pair)"
        if self.kind == "machine":
            return f"{total} on the stack"
        if not self.per_side:
            return f"the empty {units.show(self.bar_kg)} bar"
        return (f"{units.show(self.bar_kg)} bar + {describe_plates(self.per_side, units)}"
                " each side")


#: Most per-side sums the plate search keeps: beyond it (a kit of dozens of
#: odd weights) sums closer than total/_MAX_SUMS g are merged, keeping the
#: better layout, so the search takes a bounded time whatever the kit.
_MAX_SUMS = 2000


def _plate_sums(plates_g: Iterable[int]) -> dict[int, tuple[int, ...]]:
    """Every per-side sum (g) the plates make -> the layout a lifter would use:
    fewest plates, then the heaviest plates (heaviest first). With very many
    different sums, near-equal ones are merged (see :data:`_MAX_SUMS`)."""
    groups = sorted(Counter(plates_g).items(), reverse=True)
    res = 1  # bucket width, g: exact until the sums get too many
    best: dict[int, tuple[int, tuple[int, ...]]] = {0: (0, ())}

    def better(cand: tuple[int, ...], have: tuple[int, ...]) -> bool:
        return (len(cand), tuple(-x for x in cand)) < (len(have), tuple(-x for x in have))

    for w, n in groups:
        nxt: dict[int, tuple[int, tuple[int, ...]]] = {}
        for s, combo in best.values():
            for k in range(n + 1):
                cand = combo + (w,) * k
                t = s + w * k
                have = nxt.get(t // res)
                if have is None or better(cand, have[1]):
                    nxt[t // res] = (t, cand)
        if len(nxt) > _MAX_SUMS:
            res = max(res, -(-sum(w * n for w, n in groups) // _MAX_SUMS))
            merged: dict[int, tuple[int, tuple[int, ...]]] = {}
            for t, cand in nxt.values():
                have = merged.get(t // res)
                if have is None or better(cand, have[1]):
                    merged[t // res] = (t, cand)
            nxt = merged
        best = nxt
    return {t: combo for t, combo in best.values()}


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
    if inc < 1:
        raise ValueError(f"increment: expected at least 0.001 kg, got {increment_kg!r}")
    q, r = divmod(_g(target_kg), inc)
    steps = max(1, q + (2 * r > inc))  # exactly half way: the lighter
    return Loading(_kg(steps * inc), kind="machine")


class KitSource(Protocol):
    """What :meth:`Kit.of` reads: a config exercise (loads in kg)."""

    @property
    def kind(self) -> str: ...
    @property
    def bar_kg(self) -> float: ...
    @property
    def plates_kg(self) -> Iterable[float]: ...
    @property
    def dumbbells_kg(self) -> Iterable[float]: ...
    @property
    def increment_kg(self) -> float: ...


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
            if _g(self.increment_kg) < 1:
                raise ValueError(f"increment: expected at least 0.001 kg, got {self.increment_kg!r}")

    @classmethod
    def default(cls, units: Units = KG) -> Kit:
        """The barbell kit assumed when none is configured, in ``units``'s plates."""
        if units.name == "lb":
            return cls(bar_kg=DEFAULT_BAR_LB * LB_KG, plates_kg=tuple(p * LB_KG for p in DEFAULT_PLATES_LB))
        return cls()

    @classmethod
    def of(cls, exercise: KitSource) -> Kit:
        """The kit of a config exercise: anything with ``kind``, ``bar_kg``,
        ``plates_kg``, ``dumbbells_kg`` and ``increment_kg``. ValueError if
        it cannot make a load (a dumbbell exercise with an empty rack)."""
        return cls(
            kind=exercise.kind,
            bar_kg=exercise.bar_kg,
            plates_kg=tuple(exercise.plates_kg),
            dumbbells_kg=tuple(exercise.dumbbells_kg),
            increment_kg=exercise.increment_kg,
        )

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
            return _kg(max(_g(d) for d in self.dumbbells_kg))  # as round() gives it: whole grams
        return None

    @property
    def min_kg(self) -> float:
        """The lightest load the kit makes, kg: the bar, the lightest dumbbell,
        or one step of the stack."""
        if self.kind == "barbell":
            return _kg(_g(self.bar_kg))  # whole grams, as round() gives it
        if self.kind == "dumbbell":
            return _kg(min(_g(d) for d in self.dumbbells_kg))
        return _kg(_g(self.increment_kg))

    @property
    def step_kg(self) -> float:
        """The finest step between two loads the kit makes, kg: two of the
        smallest plates, the closest two dumbbells, or the stack's step."""
        if self.kind == "barbell":
            return 2 * min(self.plates_kg) if self.plates_kg else 0.0
        if self.kind == "dumbbell":
            rack = sorted({_g(d) for d in self.dumbbells_kg})
            return _kg(min((b - a for a, b in zip(rack, rack[1:])), default=rack[0]))
        return float(self.increment_kg)

    def edge(self, target_kg: float, units: Units = KG) -> str:
        """What to say when the kit cannot come near ``target_kg`` (more than
        half its finest step away): "the kit tops out at 20 kg", "the
        lightest the kit makes is 10 kg"; "" when it can."""
        got, top, slack = self.round(target_kg).total_kg, self.max_kg, self.step_kg / 2
        if top is not None and got == top and target_kg > top + slack:
            return f"the kit tops out at {units.show(top)}"
        if got == self.min_kg and target_kg < self.min_kg - slack:
            return f"the lightest the kit makes is {units.show(self.min_kg)}"
        return ""

    def out_of_reach(self, low_kg: float, high_kg: float, units: Units = KG) -> str:
        """Why no load of ``low_kg``-``high_kg`` can be made (both ends past
        the same edge of the kit), or "" when one can."""
        lo, hi = self.edge(low_kg, units), self.edge(high_kg, units)
        return lo if lo and lo == hi else ""

    def describe(self, units: Units = KG) -> str:
        """One line: the bar and plates, the rack, or the stack step."""
        if self.kind == "barbell":
            return (f"bar {units.show(self.bar_kg)}, plates per side "
                    f"{describe_plates(self.plates_kg, units)}")
        if self.kind == "dumbbell":
            return ("dumbbells " + ", ".join(units.num(d) for d in sorted(set(self.dumbbells_kg)))
                    + f" {units.name}; every load is per dumbbell")
        return f"machine stack in steps of {units.show(self.increment_kg)}"


# ---------------------------------------------------------------- drop sets


#: The most drops a drop-set chain is worked out for (the search grows with them).
MAX_DROPS = 20


def _drop_targets(start_kg: float, drops: int, percent: float) -> list[int]:
    if isinstance(drops, bool) or not isinstance(drops, int) or not 1 <= drops <= MAX_DROPS:
        raise ValueError(f"drops: expected a whole number from 1 to {MAX_DROPS}, got {drops!r}")
    if not isinstance(percent, (int, float)) or not 0 < percent < 100:
        raise ValueError(f"drop percent: expected between 0 and 100 %, got {percent!r}")
    k = 1 - percent / 100
    return [_g(start_kg * k**i) for i in range(1, drops + 1)]


_Side = tuple[int, ...]  # plates on one side, g, heaviest first (or counts per plate weight)
_Score = tuple[int, int, int, int]

#: each drop stays within this many percentage points of the asked percentage
DROP_TOLERANCE_POINTS = 5.0


def _excess(before_g: int, after_g: int, percent: float) -> int:
    """How far (in 1/1000 percentage points) the drop ``before_g`` ->
    ``after_g`` lies outside the tolerance around ``percent``."""
    took = 100.0 * (1 - after_g / before_g) if before_g else 0.0
    return round(1000 * max(0.0, abs(took - percent) - DROP_TOLERANCE_POINTS))


def _best_chain(bar_g: int, side: _Side, targets: list[int],
                percent: float) -> tuple[_Score, list[_Side]] | None:
    """The drops from per-side plates ``side`` (g) that land nearest
    ``targets`` (totals, g) in all: each keeps a strict sub-multiset of the
    plates before it. Score: (how far the drops lie outside the tolerance of
    ``percent``, total miss g, strips that are not only outer plates, sum of
    the totals: ties go lighter). None: not enough plates."""
    groups = sorted(Counter(side).items(), reverse=True)
    weights = [w for w, _ in groups]
    if math.prod(n + 1 for _, n in groups) > _MAX_CHAIN_STATES:
        return _greedy_chain(bar_g, side, targets, percent)
    memo: dict[tuple[int, _Side], tuple[_Score, tuple[_Side, ...]] | None] = {}

    def best(i: int, counts: _Side) -> tuple[_Score, tuple[_Side, ...]] | None:
        if i == len(targets):
            return (0, 0, 0, 0), ()
        key = (i, counts)
        if key in memo:
            return memo[key]
        found = None
        before = bar_g + 2 * sum(w * k for w, k in zip(weights, counts))
        for kept in product(*(range(c + 1) for c in counts)):
            if kept == counts:
                continue  # taking nothing off is no drop
            rest = best(i + 1, kept)
            if rest is None:
                continue
            total = bar_g + 2 * sum(w * k for w, k in zip(weights, kept))
            score = (
                rest[0][0] + _excess(before, total, percent),
                rest[0][1] + abs(total - targets[i]),
                rest[0][2] + (not _outer_only(counts, kept)),
                rest[0][3] + total,
            )
            if found is None or score < found[0]:
                found = (score, (kept,) + rest[1])
        memo[key] = found
        return found

    start = tuple(n for _, n in groups)
    result = best(0, start)
    if result is None:
        return None
    chain = [start, *result[1]]
    return result[0], [tuple(w for w, k in zip(weights, c) for _ in range(k)) for c in chain]


#: Most sub-layouts the exact drop search walks; a bar with more (dozens of
#: plates per side) gets the greedy search, one drop at a time, in bounded time.
_MAX_CHAIN_STATES = 400


def _greedy_chain(bar_g: int, side: _Side, targets: list[int],
                  percent: float) -> tuple[_Score, list[_Side]] | None:
    """Like :func:`_best_chain`, one drop at a time: each drop keeps the
    sub-layout of the plates before it within the tolerance of ``percent``
    where one is, nearest its target, leaving a plate for each drop after it."""
    chain = [tuple(sorted(side, reverse=True))]
    excess = miss = inner = totals = 0
    for i, target in enumerate(targets):
        cur = chain[-1]
        left = len(targets) - i - 1
        now = sum(cur)
        before = bar_g + 2 * now
        options = [(t, c) for t, c in _plate_sums(cur).items() if t < now and len(c) >= left]
        if not options:
            return None
        t, kept = min(options, key=lambda o: (_excess(before, bar_g + 2 * o[0], percent),
                                              abs(bar_g + 2 * o[0] - target), o[0]))
        kept = tuple(sorted(kept, reverse=True))
        total = bar_g + 2 * t
        excess += _excess(before, total, percent)
        miss += abs(total - target)
        inner += not _is_outer_strip(cur, kept)
        totals += total
        chain.append(kept)
    return (excess, miss, inner, totals), chain


def _is_outer_strip(before: _Side, after: _Side) -> bool:
    """Whether ``after`` (heaviest first) is ``before`` with only outer plates off."""
    return before[:len(after)] == after


def _outer_only(counts: tuple[int, ...], kept: tuple[int, ...]) -> bool:
    """Whether ``kept`` (counts per plate weight, heaviest first) is left by
    taking off only outer plates: plates sit heaviest innermost."""
    for j, (have, keep) in enumerate(zip(counts, kept)):
        if keep != have:
            return not any(kept[j + 1 :])
    return True


def _layouts(plates_g: list[int], side_g: int, most: int) -> list[tuple[int, ...]]:
    """The multisets of the inventory whose sum is ``side_g`` (heaviest
    first) of at most ``most`` plates, fewest plates first; at most
    :data:`_MAX_LAYOUTS` of them."""
    groups = sorted(Counter(plates_g).items(), reverse=True)
    sums = _plate_sums(plates_g)
    if side_g not in sums:
        return []
    out: list[tuple[int, ...]] = []
    room = [sum(w * n for w, n in groups[j:]) for j in range(len(groups) + 1)]

    def walk(j: int, left: int, acc: tuple[int, ...]) -> None:
        if left == 0:
            out.append(acc)
            return
        if left > room[j] or len(acc) >= most or len(out) >= _MAX_LAYOUTS_SEEN:
            return
        w, n = groups[j]
        for k in range(min(n, left // w), -1, -1):
            walk(j + 1, left - w * k, acc + (w,) * k)

    walk(0, side_g, ())
    out.sort(key=len)
    most = min(most, _MAX_LAYOUT_PLATES)
    return [lay for lay in out if len(lay) <= most][:_MAX_LAYOUTS]


def drop_loads(start: Loading, drops: int, percent: float, *, kit: Kit | None = None) -> list[Loading]:
    """The load of every bout of a drop set: ``start``, then ``drops`` drops.

    Drop i aims at ``start.total_kg * (1 - percent/100) ** i``. Each drop is
    a load the kit makes, strictly lighter than the one before; of all such
    chains the one with the least total miss from the aims is taken (ties:
    fewer strips that reach under outer plates, then the lighter). On a
    barbell a drop only takes plates off, the same on each side: its plates
    are a sub-multiset of the previous drop's. With ``kit`` given (its plates
    inventory), the starting load may be re-laid with the same total so the
    drops land nearer their aims; the first Loading returned shows the
    layout to use.
    Dumbbell and machine drop sets need ``kit``. Raises DropError when the
    kit cannot make a drop lighter.
    """
    targets = _drop_targets(start.total_kg, drops, percent)
    if start.kind == "barbell":
        return _barbell_drops(start, targets, kit, percent)
    if kit is None or kit.kind != start.kind:
        raise ValueError(f"drop set: a {start.kind} drop set needs the {start.kind} kit")
    now = _g(start.total_kg)
    if start.kind == "dumbbell":
        options = sorted({_g(d) for d in kit.dumbbells_kg if _g(d) < now})
        lightest = "dumbbells on the rack lighter than"
    else:
        inc = _g(kit.increment_kg)
        # Only the steps near a target matter: enough of them to step down strictly.
        near = {t // inc * inc + k * inc for t in targets for k in range(-len(targets), len(targets) + 2)}
        options = sorted(o for o in near if inc <= o < now)
        lightest = "steps of the stack below"
    steps = _best_steps(options, targets, now, percent)
    if steps is None:
        raise DropError(
            f"{len(targets)} drops need {len(targets)} {lightest} {fmt_kg(start.total_kg)} kg; "
            f"there are {len(options)}"
        )
    return [start] + [Loading(_kg(g), kind=start.kind) for g in steps]


def _best_steps(options: list[int], targets: list[int], start_g: int,
                percent: float) -> list[int] | None:
    """Strictly decreasing picks from ``options`` (ascending, g), one per
    target, each drop within the tolerance of ``percent`` where it can be,
    then with the least total miss (ties: the lighter). None: too few."""
    memo: dict[tuple[int, int], tuple[tuple[int, int, int], tuple[int, ...]] | None] = {}

    def best(i: int, below: int):  # type: ignore[no-untyped-def]
        """Picks for targets[i:] from options[:below]."""
        if i == len(targets):
            return (0, 0, 0), ()
        if (i, below) not in memo:
            found = None
            prev = start_g if i == 0 else options[below]  # the load this drop comes from
            for j in range(below):
                rest = best(i + 1, j)
                if rest is not None:
                    o = options[j]
                    score = (rest[0][0] + _excess(prev, o, percent),
                             rest[0][1] + abs(o - targets[i]), rest[0][2] + o)
                    if found is None or score < found[0]:
                        found = (score, (o,) + rest[1])
            memo[i, below] = found
        return memo[i, below]

    result = best(0, len(options))
    return None if result is None else list(result[1])


def drop_loads_for_exercise(
    exercise: KitSource, load_kg: float, drops: int, percent: float
) -> tuple[float, ...]:
    """The load of every bout of a drop set, kg, on a config exercise's kit
    (see :meth:`Kit.of`): ``load_kg`` rounded to the kit, then each drop
    (:func:`drop_loads`). What ``compile_plan(drop_loads_kg=...)`` takes.
    Raises ValueError (DropError) when the kit cannot make the drops."""
    kit = Kit.of(exercise)
    return tuple(x.total_kg for x in drop_loads(kit.round(load_kg), drops, percent, kit=kit))


def _barbell_drops(start: Loading, targets: list[int], kit: Kit | None,
                   percent: float) -> list[Loading]:
    bar_g = _g(start.bar_kg)
    own = tuple(sorted((_g(p) for p in start.per_side), reverse=True))
    layouts = [own]
    if kit is not None and kit.kind == "barbell":
        # A few more plates than needed help the drops; many more only clutter the bar.
        most = max(len(own), len(targets)) + 1
        layouts += [lay for lay in _layouts(_plates_g(kit.plates_kg), sum(own), most) if lay != own]
    best: tuple[tuple[int, int, int, int, int], list[tuple[int, ...]]] | None = None
    for lay in layouts:  # the given layout first: on equal merit it stays
        found = _best_chain(bar_g, lay, targets, percent)
        if found is not None:
            (excess, miss, inner, totals), chain = found
            score = (excess, miss, inner, len(lay), totals)
            if best is None or score < best[0]:
                best = (score, chain)
    if best is None:
        raise DropError(
            f"{len(targets)} drops need at least {len(targets)} plates per side to take off, one "
            f"or more per drop; {fmt_kg(start.total_kg)} kg has {len(own)} per side"
            + (" and no other layout of the plates does better" if len(layouts) > 1 else "")
        )
    return [_barbell(bar_g, c) for c in best[1]]


def drop_warnings(chain: list[Loading], percent: float, units: Units = KG) -> list[str]:
    """A warning for each drop of ``chain`` further than
    :data:`DROP_TOLERANCE_POINTS` from the asked ``percent``: the chain is
    the closest the kit makes, shown as such, never silently."""
    out = []
    for i, (a, b) in enumerate(zip(chain, chain[1:]), start=1):
        took = 100.0 * (1 - b.total_kg / a.total_kg)
        if abs(took - percent) > DROP_TOLERANCE_POINTS + 1e-9:
            out.append(
                f"drop {i}: {units.num(a.total_kg)} -> {units.show(b.total_kg)} takes "
                f"{round(took, 1):g} %, not {percent:g} % (within {DROP_TOLERANCE_POINTS:g} "
                "points): the closest these plates make"
            )
    return out


def strip_text(before: Loading, after: Loading, units: Units = KG) -> str:
    """What to do between two bouts: "take off 1 x 10 kg + 1 x 2.5 kg each side".

    Raises ValueError if ``after`` is not reached by stripping ``before``.
    """
    if before.kind != after.kind:
        raise ValueError(f"strip: {before.kind} load to {after.kind} load is not a strip")
    if after.total_kg >= before.total_kg:
        raise ValueError(
            f"strip: {fmt_kg(after.total_kg)} kg is not lighter than {fmt_kg(before.total_kg)} kg"
        )
    diff = units.show(before.total_kg - after.total_kg)
    if before.kind == "dumbbell":
        return f"change to the {units.show(after.total_kg)} dumbbells (-{diff} each)"
    if before.kind == "machine":
        return f"move the pin to {units.show(after.total_kg)} (-{diff})"
    have, keep = Counter(_g(p) for p in before.per_side), Counter(_g(p) for p in after.per_side)
    if keep - have or _g(before.bar_kg) != _g(after.bar_kg):
        raise ValueError(
            f"strip: {after.describe()} needs plates that {before.describe()} does not have"
        )
    off = have - keep
    parts = [f"{n} x {units.show(_kg(w))}" for w, n in sorted(off.items(), reverse=True)]
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


#: Every method's starting-load rule by method name, in the methods' order.
#: Each method's spec holds its own; :mod:`station.core.methods` fills this
#: table as it registers them (this module imports only the stdlib).
LOAD_RULES: dict[str, LoadRule] = {}


def load_rule(method: str) -> LoadRule:
    """The starting-load rule of ``method``; ValueError listing the known ones."""
    try:
        return LOAD_RULES[method]
    except KeyError:
        raise ValueError(f"unknown method {method!r}; known: {', '.join(LOAD_RULES)}") from None


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
        return StartingLoad(
            method, rule.text, low, high, sug, f"{rule.suggested} % 1RM", note="; ".join(notes)
        )
    extrapolated = rule.high > MAX_REPS
    if extrapolated:
        notes.append(
            f"{max(MAX_REPS + 1, rule.low)}-{rule.high}RM lies past the formula's {MIN_REPS}-{MAX_REPS} reps: "
            "extrapolated"
        )
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
