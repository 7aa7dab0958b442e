"""A scripted set on a fake clock: a 4-minute cluster set runs in milliseconds.

:func:`run_script` feeds a script of ``(instant_s, Edge or Event)`` through
:mod:`station.core.session`. Between script items the fake clock jumps to
``session.next_deadline`` and ticks there, so every deadline fires at its own
instant (or ``late(deadline)`` s after it, to model a shell that wakes late;
a script item still arrives at its own instant, as the shell wakes on input).
"""

from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Callable, Iterable

from station.core import session
from station.core.events import Cue, Effect, Event, Phase
from station.core.gestures import Edge, GestureConfig
from station.core.methods import Plan

Item = tuple[float, Edge | Event]


@dataclass(frozen=True)
class Run:
    """What a scripted run produced.

    ``cues``: (name, instant s, value) of every cue, in order.
    ``phases``: (instant s, phase) each time the runner saw the phase change;
    the first entry is the phase at ``start_at``.
    ``effects``: every effect, in order. ``session``: the final session.
    """

    cues: list[tuple[str, float, object]]
    phases: list[tuple[float, Phase]]
    effects: list[Effect]
    session: session.Session


def press(at: float, hold_s: float = 0.2, source: str = "gpio") -> list[Item]:
    """A clean press at ``at`` released ``hold_s`` later, as two script items."""
    return [(at, Edge(True, at, source)), (at + hold_s, Edge(False, at + hold_s, source))]


def presses(*ats: float, hold_s: float = 0.2) -> list[Item]:
    """A clean press at each instant in ``ats`` (s)."""
    return [item for at in ats for item in press(at, hold_s)]


def run_script(
    plan: Plan,
    script: Iterable[Item],
    until: float,
    late: Callable[[float], float] | None = None,
    gesture_config: GestureConfig = GestureConfig(),
    start_at: float = 0.0,
) -> Run:
    """Run ``script`` (items in time order) from ``start_at`` to ``until`` (s).

    ``late(deadline_s) -> lateness_s`` (>= 0) delays each deadline tick.
    """
    items = list(script)
    assert all(a[0] <= b[0] for a, b in zip(items, items[1:])), "script out of time order"
    s = session.start(plan, gesture_config)
    effects: list[Effect] = []
    phases = [(start_at, s.set.phase)]

    def record(now: float, s: session.Session, more: list[Effect]) -> None:
        effects.extend(more)
        if s.set.phase is not phases[-1][1]:
            phases.append((now, s.set.phase))

    for at, item in items + [(until, None)]:
        while (d := session.next_deadline(s)) is not None and d <= at:
            now = min(d + (late(d) if late else 0.0), at)
            fx: list[Effect] = []
            s = session.tick(s, now, fx)
            record(now, s, fx)
        if isinstance(item, Edge):
            s, fx = session.feed_edge(s, item, at)
        elif item is not None:
            s, fx = session.feed(s, item, at)
        else:
            fx = []
        record(at, s, fx)
    cues = [(e.name, e.at, e.value) for e in effects if isinstance(e, Cue)]
    return Run(cues, phases, effects, s)
