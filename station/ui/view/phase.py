"""The phase screen of a running set: READY, WORK, REST and its count-in,
STRIP/SWITCH, LOWER, DONE, SPOTTER? (pure). ``now`` is station-clock seconds."""

from __future__ import annotations

import math

from station.core.events import Phase
from station.core.methods import STRIP_LIMIT_S
from station.core.snapshot import Snapshot
from station.ui.view.colours import (
    AMBER,
    BLACK,
    BLUE,
    GREEN,
    NIGHT,
    PURPLE,
    SKY,
    SLATE,
    VERMILLION,
    YELLOW,
    mix,
    text_on,
)
from station.ui.view.models import Context, ScreenModel
from station.ui.view.words import (
    bout_label,
    cap_line,
    clean,
    done_reason,
    finished_reps,
    fmt_load,
    method_title,
    num,
    what_line,
    words_of,
)

PULSE_STEPS = 4  # the count-in pulse is quantised so its frames can be cached


def screen_model(snap: Snapshot, now: float, ctx: Context | None = None) -> ScreenModel:
    """The phase screen for ``snap`` at ``now`` (s).

    REST shows the countdown in whole seconds rounded up and a draining bar;
    WORK and READY the rep count; STRIP the seconds since the strip began
    (it counts up: be quick); LOWER the lowering count with a filling bar.
    """
    ctx = ctx or Context()
    title = method_title(snap.method, ctx)
    what = what_line(snap, ctx, snap.load_kg)
    total = f"total {snap.total_reps}" if snap.total_reps else ""
    notes = tuple(ctx.notes)
    phase = snap.phase
    if phase == Phase.REST:  # the cap's clock turns with the countdown: one change a second
        return _rest(snap, now, ctx, title, what, total, cap_line(snap, countdown_turned_at(snap, now)),
                     notes)
    cap = cap_line(snap, now)
    if phase == Phase.STRIP:
        mech = words_of(snap.method).pause == "switch"
        elapsed = 0 if snap.phase_started_at is None else max(0, math.floor(now - snap.phase_started_at))
        if mech:
            nxt = ctx.next_variation or snap.next_variation
            first = f"next: {nxt}" if nxt else "next variation"
            lines = clean(first, what, finished_reps(snap), total)
            word, shape = "SWITCH", "switch"
        else:
            first = f"next: {fmt_load(snap.next_load_kg, ctx)}" if snap.next_load_kg is not None else "strip the weight"
            strip = ctx.strips[snap.bout_index] if snap.bout_index < len(ctx.strips) else ctx.strip
            plates = _plates(ctx, snap.bout_index + 1)
            lines = clean(first, strip or "", plates, ctx.exercise or "", finished_reps(snap), total)
            word, shape = "STRIP", "strip"
        if elapsed >= STRIP_LIMIT_S:
            lines = (f"over {num(STRIP_LIMIT_S)} s: go now",) + lines
        bg = VERMILLION
        fg = text_on(bg)
        return ScreenModel(word, shape, bg, fg, fg, mix(bg, BLACK, 0.3), str(elapsed), "seconds",
                           bout=bout_label(snap, snap.bout_index + 1 if _next_is_new(snap) else None),
                           lines=lines, notes=notes)
    if phase == Phase.LOWER:
        target_s = ctx.eccentric_s if ctx.eccentric_s is not None else snap.eccentric_s
        count = snap.lowering_s
        if count is None and snap.phase_started_at is not None:
            count = max(0, math.floor(now - snap.phase_started_at))
        progress = bar_progress(snap, now, ctx)
        label = f"of {num(target_s)} s" if target_s else "s"
        bg = PURPLE
        fg = text_on(bg)
        lines = clean("lower slowly, press at bottom",
                       f"lowering {count or 0} / {num(target_s)} s" if target_s else "",
                       what, title, total)
        return ScreenModel("LOWER", "lower", bg, fg, fg, mix(bg, BLACK, 0.3), str(count or 0), label,
                           progress=progress, bout=bout_label(snap), lines=lines, notes=notes)
    if phase == Phase.DONE:
        bg = NIGHT
        fg = text_on(bg)
        return ScreenModel("DONE", "done", bg, fg, SKY, SLATE, str(snap.total_reps), "reps",
                           bout="", lines=clean(title, what, done_reason(snap.done_reason)),
                           notes=notes)
    if phase == Phase.CONFIRM:
        bg = AMBER
        fg = text_on(bg)
        return ScreenModel("SPOTTER?", "alert", bg, fg, fg, bg, "", "",
                           lines=clean("spotter required", title, what, "press to confirm"),
                           notes=notes)
    # READY and WORK count reps.
    target = snap.target_reps
    label = f"of {target} {'rep' if target == 1 else 'reps'}" if target else "reps"
    if words_of(snap.method).lowerings and target:
        label = f"of {target} done"  # the big number counts negatives lowered
    if phase == Phase.READY:
        bg = SLATE
        fg = text_on(bg)
        hint = words_of(snap.method).hint  # what the lifter presses, before the first rep
        lines = clean(what, _plates(ctx, 0), title, hint, ctx.safety,
                       cap if snap.set_started_at is not None else "")
        return ScreenModel("READY", "ready", bg, fg, fg, bg, str(snap.reps_in_bout), label,
                           bout=bout_label(snap), lines=lines, notes=notes)
    bg = GREEN
    fg = text_on(bg)
    lines = clean(what, title, finished_reps(snap), total, cap)
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
    left = _rest_left(snap, now)
    progress = bar_progress(snap, now, ctx)
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
    lines = clean(nxt, what_line(snap, ctx, load), finished_reps(snap), total, cap, early)
    bg = YELLOW if emphasised else BLUE
    fg = text_on(bg)
    track = mix(bg, BLACK, 0.25) if emphasised else mix(bg, BLACK, 0.45)
    return ScreenModel("GET READY" if emphasised else "REST", "rest", bg, fg, fg, track,
                       str(shown), "s rest", progress=progress, emphasised=emphasised, pulse=pulse,
                       bout="next: " + bout_label(snap, nxt_index), lines=lines, notes=notes)


def countdown_turned_at(snap: Snapshot, now: float) -> float:
    """The instant (s) the rest countdown shown at ``now`` turned to its
    number (``now`` itself when the rest has no known end). Clocks read at
    this instant instead of ``now`` (the cap's) turn in the same frame as
    the countdown, never between two of its turns; they read less than a
    second behind."""
    if snap.phase_ends_at is None or now >= snap.phase_ends_at:
        return now
    return min(now, snap.phase_ends_at - math.ceil(snap.phase_ends_at - now - 1e-9))


def second_anchors(snap: Snapshot) -> tuple[float, ...]:
    """The instants (s) whose whole seconds the phase screen of ``snap``
    shows (a countdown, a count, the cap's clock): the picture changes just
    after one of them turns a second. A rest shows only its countdown's:
    its cap clock is read at the countdown's turns (:func:`countdown_turned_at`),
    so a resting screen turns once a second, not at two instants of it."""
    if snap.phase == Phase.REST and snap.phase_ends_at is not None:
        return (snap.phase_ends_at,)
    return tuple(a for a in (snap.phase_started_at, snap.phase_ends_at, snap.set_started_at, snap.cap_at)
                 if a is not None)


def _rest_left(snap: Snapshot, now: float) -> float:
    """s left of a rest at ``now``."""
    if snap.phase_ends_at is not None:
        return max(0.0, snap.phase_ends_at - now)
    return max(0.0, snap.seconds_left or 0.0)


def bar_progress(snap: Snapshot, now: float, ctx: Context | None = None) -> float | None:
    """The bar's fill (0..1) on the phase screen of ``snap`` at ``now`` (s):
    REST drains over the rest, LOWER fills over the lowering; None without a bar."""
    ctx = ctx or Context()
    if snap.phase == Phase.REST:
        planned = ctx.rest_s
        if snap.phase_ends_at is not None and snap.phase_started_at is not None:
            planned = snap.phase_ends_at - snap.phase_started_at
        return _clamp01(_rest_left(snap, now) / planned) if planned else None
    if snap.phase == Phase.LOWER:
        target_s = ctx.eccentric_s if ctx.eccentric_s is not None else snap.eccentric_s
        if target_s and snap.phase_started_at is not None:
            return _clamp01((now - snap.phase_started_at) / target_s)
    return None


#: How far before a shown second turns :func:`bar_only_until` stops, s (floating error).
TURN_MARGIN_S = 0.001


def bar_only_until(snap: Snapshot, now: float, ctx: Context | None = None) -> float | None:
    """The instant (s) before which the phase screen of ``snap`` differs from
    the one at ``now`` in nothing but its bar (:func:`bar_progress`): the
    next turn of a whole second shown (a countdown, a count, the cap's
    clock), the count-in's start, the "started early?" line. None when
    there is no bar, or in the count-in (its pulse moves with the bar)."""
    ctx = ctx or Context()
    if snap.phase not in (Phase.REST, Phase.LOWER) or bar_progress(snap, now, ctx) is None:
        return None
    if snap.phase == Phase.REST and 0 < _rest_left(snap, now) <= ctx.count_in_s:
        return None
    until = [now + ((a - now) % 1.0 or 1.0) for a in second_anchors(snap)]
    if snap.cap_at is not None and snap.cap_at > now:  # "time cap reached"
        until.append(snap.cap_at)
    if snap.phase_ends_at is not None and snap.phase_ends_at - ctx.count_in_s > now:
        until.append(snap.phase_ends_at - ctx.count_in_s)
    if snap.early_start_at is not None and snap.early_start_at > now:
        until.append(snap.early_start_at)
    return min(until) - TURN_MARGIN_S if until else None


def _clamp01(x: float) -> float:
    return 0.0 if x < 0 else 1.0 if x > 1 else x
