"""The between-sets summary: what was done, as charts more than text (pure)."""

from __future__ import annotations

import itertools
import math

from station.core.events import Bout
from station.core.snapshot import Snapshot
from station.ui.view.colours import AMBER, NIGHT, SKY, text_on
from station.ui.view.models import Context, SummaryModel
from station.ui.view.words import count_line, done_reason, fmt_clock, fmt_load, method_title, num, what_line, words_of

#: A cue later than this (ms) is late enough to be noticed: only then does
#: the summary say so. Smaller figures are for the history.
LATE_NOTICE_MS = 20.0


def cadence(bout: Bout) -> tuple[float, ...]:
    """Seconds between consecutive presses of one bout."""
    t = bout.rep_times
    return tuple(round(b - a, 3) for a, b in itertools.pairwise(t))


def summary_model(snap: Snapshot, ctx: Context | None = None) -> SummaryModel:
    """The between-sets summary of a finished (or running) set."""
    ctx = ctx or Context()
    bouts = snap.bouts
    w = words_of(snap.method)
    noun = w.bars or w.noun
    pause = w.pause
    reps = tuple(b.reps for b in bouts)
    rests = tuple(b.rest_before_s for b in bouts[1:] if b.rest_before_s is not None)
    planned = ctx.rest_s
    # (line, rank): rank 0 is never dropped for room, higher ranks go first
    lines: list[tuple[str, int]] = [(method_title(snap.method, ctx), 3)]
    first_load = bouts[0].load_kg if bouts and bouts[0].load_kg is not None else snap.load_kg
    loads = [fmt_load(b.load_kg, ctx) for b in bouts if b.load_kg is not None]
    if pause == "strip" and loads:
        first_load = None  # the loads line below starts with it
    what = what_line(snap, ctx, first_load)
    if what:
        lines.append((what, 2))
    span = ""
    if snap.set_started_at is not None and bouts:
        end = max((b.ended_at or b.started_at) for b in bouts)
        span = f" in {fmt_clock(end - snap.set_started_at)}"
    lines.append((count_line(snap) + span, 1))
    if pause == "strip" and loads:  # each bout its own load: the chain
        unit = f" {ctx.units}"
        lines.append((" > ".join(x.replace(unit, "") for x in loads) + unit, 1))
    if rests:
        avg = sum(rests) / len(rests)
        lines.append((f"{pause} avg {avg:.0f} s" + (f" (plan {num(planned)} s)" if planned else ""), 4))
    if snap.done_reason and snap.done_reason != "complete":  # "all bouts done" says nothing new
        lines.append((done_reason(snap.done_reason), 2))
    if ctx.lateness_ms is not None and ctx.lateness_ms > LATE_NOTICE_MS:
        lines.append((f"timing: a cue sounded {ctx.lateness_ms:.0f} ms late", 1))
    if ctx.next_set:
        # advice: what to do (never dropped), then why
        lines.extend((line, 0 if k == 0 else 1) for k, line in enumerate(ctx.next_set.splitlines()))
    lines.append(("press: again   hold: leave", 0))
    gaps = [g for b in bouts for g in cadence(b)]
    top = max(1.0, math.ceil(max(gaps))) if gaps else 1.0
    bg = NIGHT
    rest_title = ("rest taken, s" if pause == "rest" else f"time to {pause}, s") + (
        f" (plan {num(planned)})" if planned else "")
    bars, bar_labels, bar_title = reps, tuple(str(r) for r in reps), f"reps per {noun}"
    headline_label = "reps"
    if w.lowerings:
        # one bar per negative: how long it was lowered (the point of the method)
        lowered = [x for b in bouts for x in b.lowered_s]
        lowered += [None] * (snap.total_reps - len(lowered))  # a lowering cut off by a failure
        bars = tuple(0 if x is None else round(x * 10) for x in lowered)
        bar_labels = tuple("-" if x is None else f"{x:.1f}" for x in lowered)
        target = snap.eccentric_s or ctx.eccentric_s
        bar_title = f"s lowered per {w.noun}" + (f" (aim {num(target)})" if target else "")
        headline_label = w.noun if snap.total_reps == 1 else w.plural
        short = [x for x in lowered if x is not None and target and x < target - 0.5]
        if short and not ctx.next_set:  # the advice, when there is one, says it
            lines.insert(len(lines) - 1, (f"{len(short)} lowered faster than {num(target)} s: slower", 1))
    return SummaryModel(
        word="DONE", shape="done", background=bg, foreground=text_on(bg), accent=SKY, second=AMBER,
        headline=str(snap.total_reps), headline_label=headline_label,
        bars=bars, bar_labels=bar_labels,
        cadence_s=tuple(cadence(b) for b in bouts),
        cadence_top_s=float(top), cadence_top_label=f"{num(top)} s",
        rest_taken_s=tuple(round(r, 1) for r in rests), rest_planned_s=planned,
        rest_labels=tuple(f"{r:.0f}" for r in rests),
        titles=(bar_title, "s between reps", rest_title),
        lines=tuple(line for line, _ in lines), notes=tuple(ctx.notes),
        line_ranks=tuple(rank for _, rank in lines),
    )
