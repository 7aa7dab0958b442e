"""Pure projection of a set's state onto screen models (no pygame here).

Every string and number the screen shows is decided in this module; the
renderer only lays the models out and draws them. Instants (``*_at``, ``now``)
are station-clock seconds, durations (``*_s``) seconds.

Colour is never the only carrier of meaning: every screen also has a word
(WORK, REST, STRIP, SWITCH...) and a shape (``shape``: an icon name the
renderer draws next to the word), so a colour-blind lifter loses nothing.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

from station.core.events import Bout, Phase
from station.core.loads import Units
from station.core.methods import PRESETS, STRIP_LIMIT_S, Words
from station.core.snapshot import Snapshot

RGB = tuple[int, int, int]

# Okabe-Ito based: distinct for protan/deutan/tritan viewers, and distinct in
# lightness too, so even a grey-scale view tells REST from its count-in.
BLACK: RGB = (12, 12, 14)
WHITE: RGB = (250, 250, 250)
SLATE: RGB = (44, 48, 58)
GREEN: RGB = (0, 114, 82)
BLUE: RGB = (0, 84, 150)
YELLOW: RGB = (240, 228, 66)
VERMILLION: RGB = (213, 94, 0)
PURPLE: RGB = (204, 121, 167)
NIGHT: RGB = (26, 28, 34)
AMBER: RGB = (230, 159, 0)
PAPER: RGB = (232, 232, 226)
SKY: RGB = (86, 180, 233)

#: The status-note strip looks the same on every screen: it means "status".
NOTE_BACKGROUND: RGB = (16, 16, 18)
NOTE_FOREGROUND: RGB = AMBER

#: Icon names the renderer knows how to draw.
SHAPES = ("ready", "work", "rest", "strip", "switch", "lower", "done", "alert", "menu")

PULSE_STEPS = 4  # the count-in pulse is quantised so its frames can be cached

#: A cue later than this (ms) is late enough to be noticed: only then does
#: the summary say so. Smaller figures are for the history.
LATE_NOTICE_MS = 20.0


def _luminance(c: RGB) -> float:
    def lin(v: int) -> float:
        s = v / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (lin(v) for v in c)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: RGB, b: RGB) -> float:
    """WCAG contrast ratio of two colours (1..21)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_on(bg: RGB) -> RGB:
    """Black or white, whichever reads better on ``bg``."""
    return BLACK if contrast(BLACK, bg) >= contrast(WHITE, bg) else WHITE


def _mix(a: RGB, b: RGB, t: float) -> RGB:
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b))  # type: ignore[return-value]


# ---------------------------------------------------------------- models


@dataclass(frozen=True)
class Context:
    """What the screen needs beyond the snapshot; all optional.

    - ``exercise``: e.g. "back squat".
    - ``title``: overrides the method's title (a user preset's name).
    - ``rest_s``: the planned rest between bouts, s (used when a rest's
      own start/end instants are not known, and for the summary).
    - ``eccentric_s``: forced negatives: the target lowering time per rep, s.
    - ``strip``: drop sets: what to take off, e.g. "strip 1 x 10 kg each side".
    - ``strips``: the same for each drop in order (the STRIP after bout k
      shows ``strips[k]``); wins over ``strip`` when it has that entry.
    - ``next_variation``: mechanical drop sets: overrides the snapshot's.
    - ``notes``: short status notes (remote lost, no sound, mock pins...).
    - ``plates``: how to load each bout ("20 kg bar + 25 + 10 + 5 kg each
      side"): READY shows ``plates[0]``, the STRIP after bout k ``plates[k + 1]``.
    - ``lateness_ms``: the worst cue lateness of the set so far, ms; the
      summary warns only above :data:`LATE_NOTICE_MS` (history keeps it all).
    - ``count_in_s``: the last this many s of a rest are emphasised.
    - ``next_set``: the summary's advice, one line per part, e.g.
      "next time 2.5 kg lighter (97.5 kg)\n1 of 5 clusters fell short of 5 reps".
    - ``units``: "kg" or "lb", how loads are shown (they stay kg inside).
    - ``per_dumbbell``: the exercise is a dumbbell one: every load is per
      dumbbell, and the screen says so.
    - ``safety``: a safety note shown before the set ("safety arms set").
    """

    exercise: str | None = None
    title: str | None = None
    rest_s: float | None = None
    eccentric_s: float | None = None
    strip: str | None = None
    strips: tuple[str, ...] = ()
    plates: tuple[str, ...] = ()
    next_variation: str | None = None
    notes: tuple[str, ...] = ()
    lateness_ms: float | None = None
    count_in_s: int = 3
    next_set: str | None = None
    units: str = "kg"
    per_dumbbell: bool = False
    safety: str = ""


@dataclass(frozen=True)
class ScreenModel:
    """A phase screen.

    - ``word``: the phase word; ``shape``: its icon (one of :data:`SHAPES`).
    - ``background`` / ``foreground`` / ``accent``: colours (accent: the
      progress bar's fill; ``track``: its empty part).
    - ``big``: the number that matters now; ``big_label``: its unit line.
    - ``progress``: 0..1 for the bar (REST: time left, draining; LOWER: time
      lowered, filling), or None for no bar.
    - ``emphasised``: the count-in (the last ``count_in_s`` of a rest).
    - ``pulse``: 0..1, 1 just after the count-in digit changed.
    - ``bout``: "cluster 3 of 10"; ``lines``: context, most important first.
    - ``notes``: status notes, drawn in their own strip.
    """

    word: str
    shape: str
    background: RGB
    foreground: RGB
    accent: RGB
    track: RGB
    big: str
    big_label: str
    progress: float | None = None
    emphasised: bool = False
    pulse: float = 0.0
    bout: str = ""
    lines: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class SummaryModel:
    """Between sets: what was done, as charts more than text.

    - ``headline``: total reps as a number; ``headline_label``: "reps".
    - ``bars``: reps per bout; ``bar_labels``: the numbers written on them.
    - ``cadence_s``: per bout, the s between consecutive presses.
    - ``cadence_top_s``: the cadence chart's top, s; ``cadence_top_label``.
    - ``rest_taken_s`` / ``rest_planned_s``: each rest taken, s, and the plan;
      ``rest_labels``: the numbers written on the rest bars.
    - ``titles``: captions of the three charts (reps, cadence, rest).
    - ``lines``: the text column (method, load, duration, reason, lateness,
      the advice, the press/hold legend).
    - ``line_ranks``: per line, how much it matters when the column is short
      of room: 0 is never dropped (the advice's first line, the legend), a
      higher rank goes first (see :mod:`station.ui.column`); missing ranks
      count as 1.
    """

    word: str
    shape: str
    background: RGB
    foreground: RGB
    accent: RGB
    second: RGB
    headline: str
    headline_label: str
    bars: tuple[int, ...]
    bar_labels: tuple[str, ...]
    cadence_s: tuple[tuple[float, ...], ...]
    cadence_top_s: float
    cadence_top_label: str
    rest_taken_s: tuple[float, ...]
    rest_planned_s: float | None
    rest_labels: tuple[str, ...]
    titles: tuple[str, str, str]
    lines: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    line_ranks: tuple[int, ...] = ()


@dataclass(frozen=True)
class MenuModel:
    """The start menu: ``items`` labels, ``selected`` index, ``hint``."""

    word: str
    shape: str
    background: RGB
    foreground: RGB
    accent: RGB
    items: tuple[str, ...]
    details: tuple[str, ...]
    selected: int
    hint: str
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class MessageModel:
    """A screen of a word, a few lines and a hint ("press to confirm")."""

    word: str
    shape: str
    background: RGB
    foreground: RGB
    accent: RGB
    lines: tuple[str, ...]
    hint: str
    notes: tuple[str, ...] = ()


class ConfirmModel(MessageModel):
    """The spotter confirmation screen: a press confirms."""


class WarningModel(MessageModel):
    """An overuse warning: a press continues."""


Model = ScreenModel | SummaryModel | MenuModel | MessageModel

# ---------------------------------------------------------------- words


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


def _words(method: str) -> Words:
    """How ``method`` names its bouts (its spec's words; a method no longer
    registered: "bout")."""
    p = PRESETS.get(method)
    return p.words if p else Words()


def bout_label(snap: Snapshot, index: int | None = None) -> str:
    """"cluster 3 of 10", "cluster 3", "top set", "drop 1 of 2", "activation"."""
    i = snap.bout_index if index is None else index
    n = snap.bouts_planned
    w = _words(snap.method)
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


def _what(snap: Snapshot, ctx: Context, load_kg: float | None) -> str:
    load = fmt_load(load_kg, ctx)
    if load and ctx.per_dumbbell:
        load += " per dumbbell"
    if not load:
        load = _words(snap.method).no_load
    parts = [p for p in (ctx.exercise, load) if p]
    return "  ".join(parts)


def _finished_reps(snap: Snapshot) -> str:
    done = [b.reps for b in snap.bouts if b.ended_at is not None]
    return ("reps " + " · ".join(str(r) for r in done)) if done else ""


def _cap_line(snap: Snapshot, now: float) -> str:
    if snap.cap_at is None:
        return ""
    if snap.cap_reached or now >= snap.cap_at:
        return "time cap reached: last one"
    if snap.last_bout:
        return f"last one: cap in {fmt_clock(snap.cap_at - now)}"
    return f"cap {fmt_clock(snap.cap_at - now)} left"


def _clean(*lines: str) -> tuple[str, ...]:
    return tuple(line for line in lines if line)


# ---------------------------------------------------------------- screens


def screen_model(snap: Snapshot, now: float, ctx: Context | None = None) -> ScreenModel:
    """The phase screen for ``snap`` at ``now`` (s).

    REST shows the countdown in whole seconds rounded up and a draining bar;
    WORK and READY the rep count; STRIP the seconds since the strip began
    (it counts up: be quick); LOWER the lowering count with a filling bar.
    """
    ctx = ctx or Context()
    title = method_title(snap.method, ctx)
    what = _what(snap, ctx, snap.load_kg)
    total = f"total {snap.total_reps}" if snap.total_reps else ""
    cap = _cap_line(snap, now)
    notes = tuple(ctx.notes)
    phase = snap.phase
    if phase == Phase.REST:
        return _rest(snap, now, ctx, title, what, total, cap, notes)
    if phase == Phase.STRIP:
        mech = _words(snap.method).pause == "switch"
        elapsed = 0 if snap.phase_started_at is None else max(0, math.floor(now - snap.phase_started_at))
        if mech:
            nxt = ctx.next_variation or snap.next_variation
            first = f"next: {nxt}" if nxt else "next variation"
            lines = _clean(first, what, _finished_reps(snap), total)
            word, shape = "SWITCH", "switch"
        else:
            first = f"next: {fmt_load(snap.next_load_kg, ctx)}" if snap.next_load_kg is not None else "strip the weight"
            strip = ctx.strips[snap.bout_index] if snap.bout_index < len(ctx.strips) else ctx.strip
            plates = _plates(ctx, snap.bout_index + 1)
            lines = _clean(first, strip or "", plates, ctx.exercise or "", _finished_reps(snap), total)
            word, shape = "STRIP", "strip"
        if elapsed >= STRIP_LIMIT_S:
            lines = (f"over {_num(STRIP_LIMIT_S)} s: go now",) + lines
        bg = VERMILLION
        fg = text_on(bg)
        return ScreenModel(word, shape, bg, fg, fg, _mix(bg, BLACK, 0.3), str(elapsed), "seconds",
                           bout=bout_label(snap, snap.bout_index + 1 if _next_is_new(snap) else None),
                           lines=lines, notes=notes)
    if phase == Phase.LOWER:
        target_s = ctx.eccentric_s if ctx.eccentric_s is not None else snap.eccentric_s
        count = snap.lowering_s
        if count is None and snap.phase_started_at is not None:
            count = max(0, math.floor(now - snap.phase_started_at))
        progress = None
        if target_s and snap.phase_started_at is not None:
            progress = _clamp01((now - snap.phase_started_at) / target_s)
        label = f"of {_num(target_s)} s" if target_s else "s"
        bg = PURPLE
        fg = text_on(bg)
        lines = _clean("lower slowly, press at bottom",
                       f"lowering {count or 0} / {_num(target_s)} s" if target_s else "",
                       what, title, total)
        return ScreenModel("LOWER", "lower", bg, fg, fg, _mix(bg, BLACK, 0.3), str(count or 0), label,
                           progress=progress, bout=bout_label(snap), lines=lines, notes=notes)
    if phase == Phase.DONE:
        bg = NIGHT
        fg = text_on(bg)
        return ScreenModel("DONE", "done", bg, fg, SKY, SLATE, str(snap.total_reps), "reps",
                           bout="", lines=_clean(title, what, _done_reason(snap.done_reason)),
                           notes=notes)
    if phase == Phase.CONFIRM:
        bg = AMBER
        fg = text_on(bg)
        return ScreenModel("SPOTTER?", "alert", bg, fg, fg, bg, "", "",
                           lines=_clean("spotter required", title, what, "press to confirm"),
                           notes=notes)
    # READY and WORK count reps.
    target = snap.target_reps
    label = f"of {target} {'rep' if target == 1 else 'reps'}" if target else "reps"
    if _words(snap.method).lowerings and target:
        label = f"of {target} done"  # the big number counts negatives lowered
    if phase == Phase.READY:
        bg = SLATE
        fg = text_on(bg)
        hint = _words(snap.method).hint  # what the lifter presses, before the first rep
        lines = _clean(what, _plates(ctx, 0), title, hint, ctx.safety,
                       cap if snap.set_started_at is not None else "")
        return ScreenModel("READY", "ready", bg, fg, fg, bg, str(snap.reps_in_bout), label,
                           bout=bout_label(snap), lines=lines, notes=notes)
    bg = GREEN
    fg = text_on(bg)
    lines = _clean(what, title, _finished_reps(snap), total, cap)
    # Between a rest's end and the first press the last bout has ended: label the next.
    index = snap.bout_index + 1 if _next_is_new(snap) else None
    return ScreenModel("WORK", "work", bg, fg, fg, bg, str(snap.reps_in_bout), label,
                       bout=bout_label(snap, index), lines=lines, notes=notes)


def _plates(ctx: Context, index: int) -> str:
    """How to load bout ``index`` (0-based), "" when not known."""
    return ctx.plates[index] if 0 <= index < len(ctx.plates) else ""


def _next_is_new(snap: Snapshot) -> bool:
    """In STRIP the bout just ended is still the current one: label the next."""
    return bool(snap.bouts) and snap.bouts[-1].ended_at is not None and snap.bout_index == snap.bouts[-1].index


def _rest(snap: Snapshot, now: float, ctx: Context, title: str, what: str, total: str,
          cap: str, notes: tuple[str, ...]) -> ScreenModel:
    if snap.phase_ends_at is not None:
        left = max(0.0, snap.phase_ends_at - now)
    else:
        left = max(0.0, snap.seconds_left or 0.0)
    planned = ctx.rest_s
    if snap.phase_ends_at is not None and snap.phase_started_at is not None:
        planned = snap.phase_ends_at - snap.phase_started_at
    progress = _clamp01(left / planned) if planned else None
    shown = math.ceil(left - 1e-9)
    emphasised = 0 < left <= ctx.count_in_s
    pulse = 0.0
    if emphasised:
        frac = left - shown + 1  # 1 just after the digit changed, falling to 0
        pulse = round(_clamp01(frac) * PULSE_STEPS) / PULSE_STEPS
    nxt_index = snap.bout_index + 1 if _next_is_new(snap) else snap.bout_index
    target = snap.target_reps
    nxt = f"next: {target} reps" if target and target > 1 else ""
    load = snap.next_load_kg if snap.next_load_kg is not None else snap.load_kg
    early = ("started early? press after the rep"
             if snap.early_start_at is not None and now >= snap.early_start_at else "")
    lines = _clean(nxt, _what(snap, ctx, load), _finished_reps(snap), total, cap, early)
    bg = YELLOW if emphasised else BLUE
    fg = text_on(bg)
    track = _mix(bg, BLACK, 0.25) if emphasised else _mix(bg, BLACK, 0.45)
    return ScreenModel("GET READY" if emphasised else "REST", "rest", bg, fg, fg, track,
                       str(shown), "s rest", progress=progress, emphasised=emphasised, pulse=pulse,
                       bout="next: " + bout_label(snap, nxt_index), lines=lines, notes=notes)


def _clamp01(x: float) -> float:
    return 0.0 if x < 0 else 1.0 if x > 1 else x


def _num(x: float | None) -> str:
    if x is None:
        return ""
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


_REASONS = {
    "complete": "all bouts done",
    "fail": "ended on failure",
    "cap": "time cap reached",
    "min-reps": "a mini-set fell short",
    "total": "target total reached",
    "end": "ended by the lifter",
    "abort": "interrupted",
}


def _done_reason(reason: str | None) -> str:
    return _REASONS.get(reason or "", reason or "")


# ---------------------------------------------------------------- summary


def _n(k: int, noun: str) -> str:
    return f"{k} {noun}" + ("" if k == 1 else "es" if noun.endswith("h") else "s")


def count_line(snap: Snapshot) -> str:
    """What was done, counted as the method counts it: "3 negatives",
    "7 singles, the 8th missed", "activation 14 + 4 mini-sets", "top set + 2 drops"."""
    bouts = snap.bouts
    w = _words(snap.method)
    if w.count == "total":
        return _n(snap.total_reps, w.noun)
    if w.count == "made":
        made = sum(1 for b in bouts if b.reps)
        missed = len(bouts) - made
        return _n(made, w.noun) + (f", {missed} missed" if missed else "")
    if w.count == "first" and bouts:
        head = f"{w.count_first} {bouts[0].reps}" if w.count_first_reps else w.count_first
        return head + (f" + {_n(len(bouts) - 1, w.noun)}" if len(bouts) > 1 else "")
    noun = w.noun
    worked = [b for b in bouts if b.reps]
    failed_empty = len(bouts) - len(worked)
    return _n(len(worked), noun) + (f", {failed_empty} with no rep" if failed_empty else "")


def cadence(bout: Bout) -> tuple[float, ...]:
    """Seconds between consecutive presses of one bout."""
    t = bout.rep_times
    return tuple(round(b - a, 3) for a, b in itertools.pairwise(t))


def summary_model(snap: Snapshot, ctx: Context | None = None) -> SummaryModel:
    """The between-sets summary of a finished (or running) set."""
    ctx = ctx or Context()
    bouts = snap.bouts
    w = _words(snap.method)
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
    what = _what(snap, ctx, first_load)
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
        lines.append((f"{pause} avg {avg:.0f} s" + (f" (plan {_num(planned)} s)" if planned else ""), 4))
    if snap.done_reason and snap.done_reason != "complete":  # "all bouts done" says nothing new
        lines.append((_done_reason(snap.done_reason), 2))
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
        f" (plan {_num(planned)})" if planned else "")
    bars, bar_labels, bar_title = reps, tuple(str(r) for r in reps), f"reps per {noun}"
    headline_label = "reps"
    if w.lowerings:
        # one bar per negative: how long it was lowered (the point of the method)
        lowered = [x for b in bouts for x in b.lowered_s]
        lowered += [None] * (snap.total_reps - len(lowered))  # a lowering cut off by a failure
        bars = tuple(0 if x is None else round(x * 10) for x in lowered)
        bar_labels = tuple("-" if x is None else f"{x:.1f}" for x in lowered)
        target = snap.eccentric_s or ctx.eccentric_s
        bar_title = f"s lowered per {w.noun}" + (f" (aim {_num(target)})" if target else "")
        headline_label = w.noun if snap.total_reps == 1 else w.plural
        short = [x for x in lowered if x is not None and target and x < target - 0.5]
        if short and not ctx.next_set:  # the advice, when there is one, says it
            lines.insert(len(lines) - 1, (f"{len(short)} lowered faster than {_num(target)} s: slower", 1))
    return SummaryModel(
        word="DONE", shape="done", background=bg, foreground=text_on(bg), accent=SKY, second=AMBER,
        headline=str(snap.total_reps), headline_label=headline_label,
        bars=bars, bar_labels=bar_labels,
        cadence_s=tuple(cadence(b) for b in bouts),
        cadence_top_s=float(top), cadence_top_label=f"{_num(top)} s",
        rest_taken_s=tuple(round(r, 1) for r in rests), rest_planned_s=planned,
        rest_labels=tuple(f"{r:.0f}" for r in rests),
        titles=(bar_title, "s between reps", rest_title),
        lines=tuple(line for line, _ in lines), notes=tuple(ctx.notes),
        line_ranks=tuple(rank for _, rank in lines),
    )


# ---------------------------------------------------------------- others


def confirm_model(snap: Snapshot, ctx: Context | None = None) -> ConfirmModel:
    """"SPOTTER?": the set waits for a press that confirms a spotter is there."""
    ctx = ctx or Context()
    lines = _clean("spotter required", method_title(snap.method, ctx), _what(snap, ctx, snap.load_kg),
                   ctx.safety)
    return ConfirmModel("SPOTTER?", "alert", AMBER, text_on(AMBER), BLACK, lines,
                        "press to confirm", tuple(ctx.notes))


def warning_model(lines: tuple[str, ...] | list[str], notes: tuple[str, ...] = ()) -> WarningModel:
    """An overuse warning of a few lines; a press continues."""
    return WarningModel("WARNING", "alert", PAPER, text_on(PAPER), VERMILLION, tuple(lines),
                        "press to continue", tuple(notes))


def message_model(title: str, lines: tuple[str, ...] | list[str], prompt: str = "press to continue",
                  notes: tuple[str, ...] = ()) -> MessageModel:
    """A neutral screen of a title word, a few lines and a prompt (self-test steps)."""
    return MessageModel(title.upper(), "menu", SLATE, text_on(SLATE), AMBER, tuple(lines),
                        prompt, tuple(notes))


def menu_model(items: tuple[str, ...], details: tuple[str, ...], selected: int,
               notes: tuple[str, ...] = ()) -> MenuModel:
    """The start menu (see :mod:`station.ui.menu` for the pure menu state)."""
    if not items:
        raise ValueError("a menu needs at least one item")
    if not 0 <= selected < len(items):
        raise ValueError(f"selected {selected} is outside 0..{len(items) - 1}")
    return MenuModel("CHOOSE", "menu", SLATE, text_on(SLATE), AMBER, tuple(items), tuple(details),
                     selected, "press = next   hold = start", tuple(notes))


def model_for(snap: Snapshot, now: float, ctx: Context | None = None) -> Model:
    """The screen for ``snap`` at ``now`` (s): confirm, summary or phase screen."""
    if snap.phase == Phase.CONFIRM:
        return confirm_model(snap, ctx)
    if snap.phase == Phase.DONE:
        return summary_model(snap, ctx)
    return screen_model(snap, now, ctx)


def needs_animation(model: Model) -> bool:
    """True while the model changes with time alone (a draining/filling bar)."""
    return isinstance(model, ScreenModel) and model.progress is not None
