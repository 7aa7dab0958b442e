"""The words and numbers of the screens: loads, clocks, bout labels, what a
set counted, why it ended (pure). Instants (``now``, ``*_at``) are station-clock
seconds, durations (``*_s``) seconds."""

from __future__ import annotations

import math

from station.core.events import Phase
from station.core.loads import Units
from station.core.methods import PRESETS, Words
from station.core.snapshot import Snapshot
from station.ui.view.models import Context


def fmt_kg(kg: float | None) -> str:
    """"100 kg", "62.5 kg"; "" when unknown."""
    if kg is None:
        return ""
    return f"{kg:.0f} kg" if float(kg).is_integer() else f"{kg:.2f}".rstrip("0").rstrip(".") + " kg"


def fmt_load(kg: float | None, ctx: Context) -> str:
    """A load in the context's units: "100 kg", "225 lb"; "" when unknown."""
    if kg is None:
        return ""
    if ctx.units == "kg":
        return fmt_kg(kg)
    return Units(ctx.units).show(kg)


def fmt_clock(seconds: float) -> str:
    """Whole seconds as m:ss (rounded up: a cap shows 0:00 only once passed)."""
    s = max(0, math.ceil(seconds - 1e-9))
    return f"{s // 60}:{s % 60:02d}"


def method_title(method: str, ctx: Context | None = None) -> str:
    if ctx is not None and ctx.title:
        return ctx.title
    p = PRESETS.get(method)
    return p.title if p else method


def words_of(method: str) -> Words:
    """How ``method`` names its bouts (its spec's words; a method no longer
    registered: "bout")."""
    p = PRESETS.get(method)
    return p.words if p else Words()


def bout_label(snap: Snapshot, index: int | None = None) -> str:
    """"cluster 3 of 10", "cluster 3", "top set", "drop 1 of 2", "activation"."""
    i = snap.bout_index if index is None else index
    n = snap.bouts_planned
    w = words_of(snap.method)
    if w.lowerings:
        # LOWER: the negative being lowered; READY/WORK: the next one
        target = snap.target_reps
        k = snap.reps_in_bout if snap.phase == Phase.LOWER else snap.reps_in_bout + 1
        k = max(1, k if target is None else min(k, target))
        label = f"{w.noun} {k}" + (f" of {target}" if target else "")
        return label if snap.phase == Phase.LOWER else "next: " + label
    if w.first is not None:  # the first bout has its own name; the rest count from 1
        if i == 0:
            return w.first
        return f"{w.noun} {i}" + (f" of {n - 1}" if n else "")
    return f"{w.noun} {i + 1}" + (f" of {n}" if n else "")


def what_line(snap: Snapshot, ctx: Context, load_kg: float | None) -> str:
    """The exercise and the load, "back squat  100 kg"."""
    load = fmt_load(load_kg, ctx)
    if load and ctx.per_dumbbell:
        load += " per dumbbell"
    if not load:
        load = words_of(snap.method).no_load
    parts = [p for p in (ctx.exercise, load) if p]
    return "  ".join(parts)


def finished_reps(snap: Snapshot) -> str:
    """The reps of each finished bout, "reps 5 · 5 · 4"."""
    done = [b.reps for b in snap.bouts if b.ended_at is not None]
    return ("reps " + " · ".join(str(r) for r in done)) if done else ""


def cap_line(snap: Snapshot, now: float) -> str:
    """The time cap's line at ``now`` (s), "" without a cap."""
    if snap.cap_at is None:
        return ""
    if snap.cap_reached or now >= snap.cap_at:
        return "time cap reached: last one"
    if snap.last_bout:
        return f"last one: cap in {fmt_clock(snap.cap_at - now)}"
    return f"cap {fmt_clock(snap.cap_at - now)} left"


def clean(*lines: str) -> tuple[str, ...]:
    """The lines that say something."""
    return tuple(line for line in lines if line)


def num(x: float | None) -> str:
    """A number as few characters as say it: "90", "2.5"; "" for None."""
    if x is None:
        return ""
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


#: Why a set ended (the engine's ``done_reason``), as the screen says it.
DONE_REASONS = {
    "complete": "all bouts done",
    "fail": "ended on failure",
    "cap": "time cap reached",
    "min-reps": "a mini-set fell short",
    "total": "target total reached",
    "end": "ended by the lifter",
    "abort": "interrupted",
}


def done_reason(reason: str | None) -> str:
    """:data:`DONE_REASONS` of ``reason``, or ``reason`` itself."""
    return DONE_REASONS.get(reason or "", reason or "")


def counted(k: int, noun: str) -> str:
    """"1 cluster", "3 clusters", "2 matches"."""
    return f"{k} {noun}" + ("" if k == 1 else "es" if noun.endswith("h") else "s")


def count_line(snap: Snapshot) -> str:
    """What was done, counted as the method counts it: "3 negatives",
    "7 singles, the 8th missed", "activation 14 + 4 mini-sets", "top set + 2 drops"."""
    bouts = snap.bouts
    w = words_of(snap.method)
    if w.count == "total":
        return counted(snap.total_reps, w.noun)
    if w.count == "made":
        made = sum(1 for b in bouts if b.reps)
        missed = len(bouts) - made
        return counted(made, w.noun) + (f", {missed} missed" if missed else "")
    if w.count == "first" and bouts:
        head = f"{w.count_first} {bouts[0].reps}" if w.count_first_reps else w.count_first
        return head + (f" + {counted(len(bouts) - 1, w.noun)}" if len(bouts) > 1 else "")
    noun = w.noun
    worked = [b for b in bouts if b.reps]
    failed_empty = len(bouts) - len(worked)
    return counted(len(worked), noun) + (f", {failed_empty} with no rep" if failed_empty else "")
