"""Drop sets: the chain of loads the kit makes, each strictly lighter, and
what to strip between two of them.

Pure and stdlib only. All loads are in kg (whole grams inside). On a barbell
a drop only takes plates off, the same on each side; an exact search over
the sub-layouts for a few plates per side, a greedy one for more, both in
bounded time (docs/reliability.md).
"""

from __future__ import annotations

import math
from collections import Counter
from itertools import product

from .kit import Kit, KitSource, Loading, barbell_loading
from .plates import plate_grams, plate_sums, same_sum_layouts
from .units import KG, Units, fmt_kg, grams, kilos


class DropError(ValueError):
    """A drop set the kit cannot make, each drop strictly lighter (says why)."""


#: The most drops a drop-set chain is worked out for (the search grows with them).
MAX_DROPS = 20


def _drop_targets(start_kg: float, drops: int, percent: float) -> list[int]:
    if isinstance(drops, bool) or not isinstance(drops, int) or not 1 <= drops <= MAX_DROPS:
        raise ValueError(f"drops: expected a whole number from 1 to {MAX_DROPS}, got {drops!r}")
    if not isinstance(percent, (int, float)) or not 0 < percent < 100:
        raise ValueError(f"drop percent: expected between 0 and 100 %, got {percent!r}")
    k = 1 - percent / 100
    return [grams(start_kg * k**i) for i in range(1, drops + 1)]


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
        options = [(t, c) for t, c in plate_sums(cur).items() if t < now and len(c) >= left]
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
    now = grams(start.total_kg)
    if start.kind == "dumbbell":
        options = sorted({grams(d) for d in kit.dumbbells_kg if grams(d) < now})
        lightest = "dumbbells on the rack lighter than"
    else:
        inc = grams(kit.increment_kg)
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
    return [start] + [Loading(kilos(g), kind=start.kind) for g in steps]


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
    bar_g = grams(start.bar_kg)
    own = tuple(sorted((grams(p) for p in start.per_side), reverse=True))
    layouts = [own]
    if kit is not None and kit.kind == "barbell":
        # A few more plates than needed help the drops; many more only clutter the bar.
        most = max(len(own), len(targets)) + 1
        layouts += [lay for lay in same_sum_layouts(plate_grams(kit.plates_kg), sum(own), most) if lay != own]
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
    return [barbell_loading(bar_g, c) for c in best[1]]


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
    have, keep = Counter(grams(p) for p in before.per_side), Counter(grams(p) for p in after.per_side)
    if keep - have or grams(before.bar_kg) != grams(after.bar_kg):
        raise ValueError(
            f"strip: {after.describe()} needs plates that {before.describe()} does not have"
        )
    off = have - keep
    parts = [f"{n} x {units.show(kilos(w))}" for w, n in sorted(off.items(), reverse=True)]
    return "take off " + " + ".join(parts) + " each side"
