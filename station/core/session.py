"""Gestures and the set engine composed: what the main loop drives.

Raw edges go through each source's gesture tracker; the gestures, and events
already decoded by a remote, go to the engine. One ``next_deadline`` covers
both, so the shell sleeps exactly until something can happen.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Protocol, TypeVar

from . import engine, gestures
from .engine import SetState
from .events import Effect, Event, Tick
from .evolve import evolve
from .gestures import Edge, GestureConfig, GestureState
from .methods import Plan


class Tracked(Protocol):
    """Anything that keeps a gesture tracker per input source."""

    @property
    def gesture_config(self) -> GestureConfig: ...
    @property
    def trackers(self) -> Mapping[str, GestureState]: ...


T = TypeVar("T", bound=Tracked)


@dataclass(frozen=True)
class Session:
    """One set plus the gesture trackers of every input source."""

    set: SetState
    gesture_config: GestureConfig = GestureConfig()
    trackers: Mapping[str, GestureState] = field(default_factory=lambda: MappingProxyType({}))


def start(plan: Plan, gesture_config: GestureConfig = GestureConfig()) -> Session:
    return Session(engine.new_set(plan), gesture_config)


def tracker(s: Session | Tracked, source: str) -> GestureState:
    """``source``'s gesture tracker in ``s`` (a new one on its first edge)."""
    return s.trackers.get(source) or GestureState(s.gesture_config)


def put_tracker(s: T, source: str, g: GestureState) -> T:
    """``s`` with ``source``'s tracker replaced by ``g``."""
    t = dict(s.trackers)
    t[source] = g
    return evolve(s, trackers=MappingProxyType(t))



def _apply(s: Session, events: Sequence[Event], now: float, fx: list[Effect]) -> Session:
    st = s.set
    for ev in events:
        st, more = engine.handle(st, ev, now)
        fx.extend(more)
    return evolve(s, set=st)


def feed_edge(s: Session, edge: Edge, now: float) -> tuple[Session, list[Effect]]:
    """A raw press/release edge from ``edge.source`` (instants in s)."""
    fx: list[Effect] = []
    s = tick(s, edge.at, fx)
    g, gs = gestures.on_edge(tracker(s, edge.source), edge)
    s = _apply(put_tracker(s, edge.source, g), gs, now, fx)
    return tick(s, now, fx), fx


def feed(s: Session, event: Event, now: float) -> tuple[Session, list[Effect]]:
    """An engine event already decoded (remote REP/FAIL/UNDO/END, Abort, Tick)."""
    fx: list[Effect] = []
    s = tick(s, min(event.at, now), fx)
    s = _apply(s, [event], now, fx)
    return tick(s, now, fx), fx


def tick(s: Session, now: float, fx: list[Effect] | None = None) -> Session:
    """Fire every gesture and engine deadline up to ``now``, in time order,
    appending effects to ``fx``."""
    fx = [] if fx is None else fx
    while True:
        due = [(d, src) for src, g in s.trackers.items() if (d := gestures.next_deadline(g)) is not None]
        if not due:
            break
        d, src = min(due)
        if d > now:
            break
        s = _apply(s, [Tick(d)], d, fx)  # engine deadlines before d fire first
        g, gs = gestures.on_time(s.trackers[src], d)
        s = _apply(put_tracker(s, src, g), gs, d, fx)
    return _apply(s, [Tick(now)], now, fx)


def next_deadline(s: Session) -> float | None:
    """The earliest instant (s) at which :func:`tick` has something to do."""
    times = [d for g in s.trackers.values() if (d := gestures.next_deadline(g)) is not None]
    d = engine.next_deadline(s.set)
    if d is not None:
        times.append(d)
    return min(times) if times else None
