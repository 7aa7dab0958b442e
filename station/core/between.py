"""What the button means between sets: the session's gesture trackers, no set.

On a summary, a warning or the menu the station waits for one answer
(:class:`Between`): a press (pressed and released before the hold
threshold), a hold, a long hold (or a remote ``END``), quit, or a timeout.
The same :mod:`station.core.gestures` rules decide it as during a set, one
tracker per source (via :func:`station.core.session.tracker`); a press is
the answer at its release, so the next press is the next answer's.
Instants in station-clock s.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from types import MappingProxyType

from . import gestures, session
from .events import End, Fail, Rep
from .gestures import Edge, GestureConfig, GestureState


class Between(StrEnum):
    """One answer between sets. The value is its old string name."""

    PRESS = "press"
    HOLD = "hold"
    LONG = "long"
    QUIT = "quit"
    TIMEOUT = "timeout"


_DECODED: dict[type, Between] = {Rep: Between.PRESS, Fail: Between.HOLD, End: Between.LONG}


@dataclass(frozen=True)
class Waiting:
    """The trackers of one wait, and the sources whose press counted a rep
    (``pressed``: it becomes :attr:`Between.PRESS` at its release)."""

    gesture_config: GestureConfig = GestureConfig()
    trackers: Mapping[str, GestureState] = field(default_factory=lambda: MappingProxyType({}))
    pressed: frozenset[str] = frozenset()


def _answer(w: Waiting, gs: list[gestures.Gesture], source: str) -> tuple[Waiting, Between | None]:
    for g in gs:
        if isinstance(g, Fail):
            return w, Between.HOLD
        if isinstance(g, End):
            return w, Between.LONG
        if isinstance(g, Rep):
            w = replace(w, pressed=w.pressed | {source})
    return w, None


def on_edge(w: Waiting, edge: Edge) -> tuple[Waiting, Between | None]:
    """A raw edge from ``edge.source``; the answer it completes, if any."""
    g, gs = gestures.on_edge(session.tracker(w, edge.source), edge)
    w, answer = _answer(session.put_tracker(w, edge.source, g), gs, edge.source)
    if answer is None and edge.source in w.pressed and not g.level:
        answer = Between.PRESS  # released: the next press is the next answer's
    return w, answer


def on_event(event: object) -> Between | None:
    """An event a remote already decoded: REP a press, FAIL a hold, END a
    long hold; anything else (UNDO) means nothing between sets."""
    return _DECODED.get(type(event))


def on_time(w: Waiting, now: float) -> tuple[Waiting, Between | None]:
    """What time alone decides by ``now`` (s): a hold, or a press whose
    release has settled."""
    for src, g in list(w.trackers.items()):
        g, gs = gestures.on_time(g, now)
        w, answer = _answer(session.put_tracker(w, src, g), gs, src)
        if answer is not None:
            return w, answer
    if any(not w.trackers[src].level for src in w.pressed):
        return w, Between.PRESS
    return w, None


def next_deadline(w: Waiting) -> float | None:
    """When :func:`on_time` may next decide something, s (None: only an edge can)."""
    due = [d for g in w.trackers.values() if (d := gestures.next_deadline(g)) is not None]
    return min(due) if due else None
