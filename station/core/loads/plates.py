"""The plate search: which per-side sums a multiset of plates makes, and how.

Pure and stdlib only; weights in whole grams (:func:`~.units.grams`).
:func:`plate_sums` gives every per-side sum and the layout a lifter would
use for it, in bounded time whatever the kit; :func:`same_sum_layouts` the other
layouts of one sum, for a drop set that strips cleaner from them.
:func:`describe_plates` says a layout ("2 x 25 + 10 + 1.25 kg").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from .units import KG, Units, check_kg, grams, kilos

# A drop set tries other layouts of the same start load: the fewest-plate
# ones, at most this many, each of at most this many plates per side.
_MAX_LAYOUTS = 40
_MAX_LAYOUT_PLATES = 8
_MAX_LAYOUTS_SEEN = 5000


def describe_plates(per_side: Iterable[float], units: Units = KG) -> str:
    """Plates heaviest first, repeats grouped: "2 x 25 + 10 + 1.25 kg"."""
    counts = Counter(grams(p) for p in per_side)
    if not counts:
        return "no plates"
    parts = [
        (f"{n} x {units.num(kilos(w))}" if n > 1 else units.num(kilos(w)))
        for w, n in sorted(counts.items(), reverse=True)
    ]
    return " + ".join(parts) + f" {units.name}"


#: Most per-side sums the plate search keeps: beyond it (a kit of dozens of
#: odd weights) sums closer than total/MAX_SUMS g are merged, keeping the
#: better layout, so the search takes a bounded time whatever the kit.
MAX_SUMS = 2000


def plate_sums(plates_g: Iterable[int]) -> dict[int, tuple[int, ...]]:
    """Every per-side sum (g) the plates make -> the layout a lifter would use:
    fewest plates, then the heaviest plates (heaviest first). With very many
    different sums, near-equal ones are merged (see :data:`MAX_SUMS`)."""
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
        if len(nxt) > MAX_SUMS:
            res = max(res, -(-sum(w * n for w, n in groups) // MAX_SUMS))
            merged: dict[int, tuple[int, tuple[int, ...]]] = {}
            for t, cand in nxt.values():
                have = merged.get(t // res)
                if have is None or better(cand, have[1]):
                    merged[t // res] = (t, cand)
            nxt = merged
        best = nxt
    return {t: combo for t, combo in best.values()}


def nearest(options: Iterable[int], target: int) -> int:
    """The option nearest ``target``; a tie goes to the lighter."""
    return min(options, key=lambda o: (abs(o - target), o))


def plate_grams(plates_kg: Iterable[float]) -> list[int]:
    """Each plate of ``plates_kg`` in g; ValueError on a plate that is no weight."""
    return [grams(check_kg("plate", p)) for p in plates_kg]


def same_sum_layouts(plates_g: list[int], side_g: int, most: int) -> list[tuple[int, ...]]:
    """The multisets of the inventory whose sum is ``side_g`` (heaviest
    first) of at most ``most`` plates, fewest plates first; at most
    :data:`_MAX_LAYOUTS` of them."""
    groups = sorted(Counter(plates_g).items(), reverse=True)
    sums = plate_sums(plates_g)
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
