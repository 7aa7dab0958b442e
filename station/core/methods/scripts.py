"""Scripts of presses for the methods' worked examples (pure).

A script is ``(instant_s, event)`` pairs, seconds from the first press, as a
lifter at the rack would press them. Each method's module builds its
article example (:class:`Example`) from these helpers;
:mod:`station.core.examples` plays them through the engine.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..events import Event, Fail, Rep

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


def bout(start: float, n: int, gap_s: float = 1.5, grow: float = 1.08) -> list[tuple[float, Event]]:
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


def timed(rest_s: float, bouts: list[tuple[int, bool]], *, first: float = 0.0,
          after_go_s: float = 1.0, spotter_at: float | None = None) -> Script:
    """Bouts separated by ``rest_s`` rests: (reps, ends on a failure hold)."""
    items: list[tuple[float, Event]] = []
    if spotter_at is not None:
        items.append((spotter_at, Rep(spotter_at)))
    t = first
    for reps, failed in bouts:
        presses = bout(t, reps) if reps else []
        items += presses
        end = _last(presses) if presses else t
        if failed:
            end = round(end + 1.5, 2)
            items.append(_fail(end))
        t = end + rest_s + after_go_s
    return tuple(items)


def strips(bouts: list[int], strip_s: float) -> Script:
    """Bouts to failure, each ended by a hold, with ``strip_s`` to strip."""
    items: list[tuple[float, Event]] = []
    t = 0.0
    for reps in bouts:
        presses = bout(t, reps, gap_s=2.0)
        items += presses
        end = round(_last(presses) + 2.0, 2)
        items.append(_fail(end))
        t = end + strip_s
    return tuple(items)


def negatives(lowered_s: list[float], spotter_at: float = 0.0) -> Script:
    """A spotter's confirmation, then for each negative a top press and a
    bottom press ``lowered`` s later; the spotter returns the bar in 4 s."""
    items: list[tuple[float, Event]] = [(spotter_at, Rep(spotter_at))]
    t = spotter_at + 3.0
    for lowered in lowered_s:
        items += [(t, Rep(t)), (round(t + lowered, 2), Rep(round(t + lowered, 2)))]
        t = round(t + lowered + 4.0, 2)
    return tuple(items)
