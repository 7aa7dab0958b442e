"""Button gestures decided from raw edge timestamps, without a clock.

A real contact bounces for tens of milliseconds, and gpiozero's mock pins
ignore ``bounce_time``, so debouncing lives here, on timestamps, where it can
be tested. Rules (all durations configurable, in s):

- An edge that changes the settled level is accepted at once (so a rep is
  acknowledged at the press edge, never after a hold window); every edge in
  the ``debounce_s`` after it is chatter. When the window closes, a level that
  ended up different is accepted then, stamped with its last raw edge.
- Press: a rep (``Rep(at=press)``) at once.
- Held for ``hold_s``: failure, not a rep (``Fail(at=press, retract_at=press)``).
- Held for ``end_hold_s``: the whole set ends (``End(at=press)``).
- A second press within ``double_s`` of a press that counted a rep: undo.
  The first press is taken back and one more rep with it, so the count ends
  one lower than before the double press (``Undo(retract_at=first press)``).

Each input source (GPIO button, spotter button, keyboard, remote) keeps its
own :class:`GestureState`: their levels are independent.
"""

from __future__ import annotations

from dataclasses import dataclass

from .events import End, Fail, Rep, Undo
from .evolve import evolve

Gesture = Rep | Fail | Undo | End


@dataclass(frozen=True)
class Edge:
    """A raw contact edge. ``pressed``: True for press, False for release.
    ``at``: when the edge happened, station-clock s. ``source``: "gpio",
    "remote", "keyboard", "spotter"..."""

    pressed: bool
    at: float
    source: str = "gpio"


@dataclass(frozen=True)
class GestureConfig:
    """Gesture timing, s. See the module docstring for what each means."""

    debounce_s: float = 0.03
    hold_s: float = 1.0
    end_hold_s: float = 3.0
    double_s: float = 0.4

    def __post_init__(self) -> None:
        if not 0 < self.debounce_s < self.double_s < self.hold_s < self.end_hold_s:
            raise ValueError(
                "gesture times must satisfy 0 < debounce_s < double_s < hold_s < end_hold_s, "
                f"got {self.debounce_s}, {self.double_s}, {self.hold_s}, {self.end_hold_s}"
            )


@dataclass(frozen=True)
class GestureState:
    """One source's debouncer and gesture tracker (all instants in s)."""

    config: GestureConfig = GestureConfig()
    raw: bool = False  # last raw level seen
    raw_at: float = 0.0  # instant of the last raw edge
    level: bool = False  # settled (accepted) level
    window_end: float = float("-inf")  # end of the last accepted edge's debounce window
    settle_pending: bool = False  # look at the raw level again at window_end
    press_at: float | None = None  # accepted press edge while held
    press_counted: bool = False  # that press counted a rep (it may become a hold)
    hold_done: bool = False
    end_done: bool = False
    last_rep_at: float | None = None  # press edge of the last rep, for double press


def next_deadline(state: GestureState) -> float | None:
    """The next instant (s) at which :func:`on_time` may decide something."""
    c = state.config
    times = []
    if state.settle_pending:
        times.append(state.window_end)
    if state.level and state.press_at is not None and state.press_counted:
        if not state.hold_done:
            times.append(state.press_at + c.hold_s)
        elif not state.end_done:
            times.append(state.press_at + c.end_hold_s)
    return min(times) if times else None


def on_time(state: GestureState, now: float) -> tuple[GestureState, list[Gesture]]:
    """Decide what time alone decides by ``now`` (s): settling, holds."""
    out: list[Gesture] = []
    while (due := next_deadline(state)) is not None and due <= now:
        state, g = _fire(state, due)
        out.extend(g)
    return state, out


def _fire(state: GestureState, due: float) -> tuple[GestureState, list[Gesture]]:
    if state.settle_pending and state.window_end == due:
        state = evolve(state, settle_pending=False)
        if state.raw != state.level:
            return _accept(state, state.raw, state.raw_at, due)
        return state, []
    press_at = state.press_at
    assert press_at is not None
    if not state.hold_done:
        state = evolve(state, hold_done=True, last_rep_at=None)
        return state, [Fail(at=press_at, retract_at=press_at, decided_at=due)]
    state = evolve(state, end_done=True)
    return state, [End(at=press_at, decided_at=due)]


def on_edge(state: GestureState, edge: Edge) -> tuple[GestureState, list[Gesture]]:
    """Feed one raw edge. Edges must come in time order per source."""
    state, out = on_time(state, edge.at)
    state = evolve(state, raw=edge.pressed, raw_at=edge.at)
    if edge.at < state.window_end:
        # Chatter. It may arrive after the window was already closed by a
        # tick (edges reach the loop a little late): then look again.
        if edge.pressed != state.level:
            state = evolve(state, settle_pending=True)
        return state, out
    if edge.pressed == state.level:
        return state, out  # a repeated level (a missed edge)
    state, more = _accept(state, edge.pressed, edge.at, edge.at)
    return state, out + more


def _accept(
    state: GestureState, pressed: bool, at: float, decided_at: float
) -> tuple[GestureState, list[Gesture]]:
    c = state.config
    state = evolve(state, level=pressed, window_end=decided_at + c.debounce_s,
                    settle_pending=True)
    if not pressed:
        return evolve(state, press_at=None, press_counted=False), []
    if state.last_rep_at is not None and at - state.last_rep_at <= c.double_s:
        first = state.last_rep_at
        state = evolve(state, press_at=at, press_counted=False, last_rep_at=None)
        return state, [Undo(at=at, retract_at=first, decided_at=decided_at)]
    state = evolve(
        state, press_at=at, press_counted=True, hold_done=False, end_done=False, last_rep_at=at
    )
    return state, [Rep(at=at)]
