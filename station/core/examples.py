"""The article's example of each method, as a lifter at the rack would run it.

Pure: a script of ``(instant_s, event)`` per method, and :func:`run` to play
it through the engine. ``station gallery`` draws each method's summary from
these runs (so it shows the summary the station really gives), and the
table test in ``tests/test_method_examples.py`` checks loads, stops and cues
against them. Numbers follow docs/methods.md; instants are seconds from the
first press.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import engine
from .engine import SetState
from .events import Effect, Event, Fail, Rep, Tick
from .methods import Plan

Script = tuple[tuple[float, Event], ...]


@dataclass(frozen=True)
class Example:
    """One method's example: the exercise, its 1RM (kg), the method's
    parameters, and what the lifter (or spotter) presses."""

    method: str
    exercise: str
    one_rm_kg: float
    params: tuple[tuple[str, object], ...]
    script: Script
    until_s: float


def _bout(start: float, n: int, gap_s: float = 1.5, grow: float = 1.08) -> list[tuple[float, Event]]:
    """``n`` presses from ``start`` (s), each gap ``grow`` times the one before
    (the lifter slows down within a bout)."""
    out: list[tuple[float, Event]] = []
    t = start
    for _ in range(n):
        out.append((round(t, 2), Rep(round(t, 2))))
        t += gap_s
        gap_s *= grow
    return out


def _last(items: list[tuple[float, Event]]) -> float:
    return items[-1][0]


def _fail(at: float) -> tuple[float, Event]:
    return (round(at, 2), Fail(round(at, 2)))


def _timed(rest_s: float, bouts: list[tuple[int, bool]], *, first: float = 0.0,
           after_go_s: float = 1.0, spotter_at: float | None = None) -> Script:
    """Bouts separated by ``rest_s`` rests: (reps, ends on a failure hold)."""
    items: list[tuple[float, Event]] = []
    if spotter_at is not None:
        items.append((spotter_at, Rep(spotter_at)))
    t = first
    for reps, failed in bouts:
        bout = _bout(t, reps) if reps else []
        items += bout
        end = _last(bout) if bout else t
        if failed:
            end = round(end + 1.5, 2)
            items.append(_fail(end))
        t = end + rest_s + after_go_s
    return tuple(items)


def _strips(bouts: list[int], strip_s: float) -> Script:
    """Bouts to failure, each ended by a hold, with ``strip_s`` to strip."""
    items: list[tuple[float, Event]] = []
    t = 0.0
    for reps in bouts:
        bout = _bout(t, reps, gap_s=2.0)
        items += bout
        end = round(_last(bout) + 2.0, 2)
        items.append(_fail(end))
        t = end + strip_s
    return tuple(items)


def _negatives(lowered_s: list[float], spotter_at: float = 0.0) -> Script:
    """A spotter's confirmation, then for each negative a top press and a
    bottom press ``lowered`` s later; the spotter returns the bar in 4 s."""
    items: list[tuple[float, Event]] = [(spotter_at, Rep(spotter_at))]
    t = spotter_at + 3.0
    for lowered in lowered_s:
        items += [(t, Rep(t)), (round(t + lowered, 2), Rep(round(t + lowered, 2)))]
        t = round(t + lowered + 4.0, 2)
    return tuple(items)


EXAMPLES: tuple[Example, ...] = (
    # 5 reps, 15 s rests, until 240 s: the tenth cluster falls short (4), the
    # rest are run at 4 until the cap leaves no room for another.
    Example("cluster", "back squat", 140.0, (),
            _timed(15.0, [(5, False)] * 9 + [(4, True)] + [(4, False)] * 4), 300.0),
    Example("sport-cluster", "power clean", 100.0, (),
            _timed(20.0, [(3, False)] * 10), 400.0),
    Example("rest-pause", "leg press", 250.0, (),
            _timed(15.0, [(11, True), (4, True), (2, True), (1, True)]), 200.0),
    Example("strength-rest-pause", "back squat", 140.0, (),
            _timed(15.0, [(1, False)] * 7 + [(0, True)], first=5.0, spotter_at=0.0), 300.0),
    Example("myo-reps", "lateral raise", 40.0, (),
            _timed(12.0, [(15, True), (5, False), (5, False), (4, True), (2, True)]), 200.0),
    Example("drop-set", "leg press", 250.0, (),
            _strips([11, 7, 5], 6.0), 120.0),
    Example("mechanical-drop-set", "triceps", 40.0, (),
            _strips([9, 6, 5], 5.0), 120.0),
    Example("forced-negatives", "bench press", 140.0, (),
            _negatives([6.1, 5.4, 3.8]), 60.0),
)


def example(method: str) -> Example:
    """The example of ``method``; KeyError if there is none."""
    for ex in EXAMPLES:
        if ex.method == method:
            return ex
    raise KeyError(method)


def run(plan: Plan, script: Script, until_s: float) -> tuple[SetState, list[Effect]]:
    """Play ``script`` through the engine (every deadline fires at its own
    instant) and tick to ``until_s``; the final state and every effect."""
    state = engine.new_set(plan)
    effects: list[Effect] = []
    for at, event in script:
        state, fx = engine.handle(state, event, at)
        effects.extend(fx)
    state, fx = engine.handle(state, Tick(until_s), until_s)
    effects.extend(fx)
    return state, effects
