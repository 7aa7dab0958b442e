"""What the next set should be, from what this one was (pure).

A plain double-progression rule a coach would use, kept deliberately simple
and stated on screen with its reason:

- Methods with a rep target per bout (clusters, myo-rep mini-sets, forced
  negatives): every bout on target -> add the smallest step the equipment
  allows; the first bout short, or most bouts short by two reps or more ->
  take a step off; otherwise keep the load.
- Sets to failure (rest-pause, drop sets, strength rest-pause): compare the
  first bout (or the number of singles) with the range the method's load
  rule expects (10RM -> about 10 reps); above it -> add a step, below it ->
  take one off.
"""

from __future__ import annotations

from typing import Callable

from .snapshot import Snapshot

#: reps of the first bout a load rule expects (low, high), for sets to failure
_FAILURE_RANGE = {
    "rest-pause": (9, 11),  # 10RM
    "drop-set": (10, 12),  # 10-12RM
    "mechanical-drop-set": (10, 12),
}
#: strength rest-pause: heavy singles in 2-3 minutes (methods.md: typically 5-10)
_SINGLES_RANGE = (5, 10)


def next_set(snap: Snapshot, target_reps: int | None, step_kg: float | None,
             round_kg: Callable[[float], float] | None = None) -> str | None:
    """One line for the summary, e.g. "next: 102.5 kg (all 10 made 5)".

    ``target_reps``: the plan's reps per bout (None for sets to failure).
    ``step_kg``: the smallest load change the equipment allows, kg (None:
    unknown, the line then says more/less without a number); ``round_kg``
    rounds a load to what the equipment makes. None when the set is too short
    to say anything (no rep).
    """
    bouts = [b for b in snap.bouts if b.reps or b.end_reason == "fail"]
    if not bouts or snap.load_kg is None and step_kg is None:
        return None
    load = snap.bouts[0].load_kg if snap.bouts[0].load_kg is not None else snap.load_kg
    method = snap.method
    if method == "strength-rest-pause":
        n = sum(b.reps for b in bouts)
        low, high = _SINGLES_RANGE
        verdict, why = _range(n, low, high, f"{n} singles")
    elif method in _FAILURE_RANGE:
        low, high = _FAILURE_RANGE[method]
        first = bouts[0].reps
        verdict, why = _range(first, low, high, f"first set {first}")
    elif target_reps is not None:
        cut_short = (snap.done_reason in ("cap", "end") and len(bouts) > 1
                     and bouts[-1].reps < target_reps)  # the cap ended it, not the lifter
        ran = bouts[:-1] if cut_short else bouts
        short = [b for b in ran if b.reps < target_reps]
        if not short:
            verdict, why = 1, f"all {len(ran)} made {target_reps}"
        elif ran[0].reps < target_reps or sum(target_reps - b.reps >= 2 for b in ran) * 2 > len(ran):
            verdict, why = -1, f"{len(short)} of {len(ran)} short of {target_reps}"
        else:
            verdict, why = 0, f"{len(short)} of {len(ran)} short of {target_reps}"
    else:
        return None
    return "next: " + _load_text(load, step_kg, verdict, round_kg) + f" ({why})"


def _range(n: int, low: int, high: int, what: str) -> tuple[int, str]:
    verdict = 1 if n > high else -1 if n < low else 0
    return verdict, f"{what}, aim {low}-{high}"


def _load_text(load: float | None, step: float | None, verdict: int,
               round_kg: Callable[[float], float] | None) -> str:
    if verdict == 0:
        return "same load" if load is None else f"same {load:g} kg"
    if load is None or not step:
        return "heavier" if verdict > 0 else "lighter"
    new = max(0.0, load + verdict * step)
    if round_kg is not None:
        new = round_kg(new)
    return f"{new:g} kg"
