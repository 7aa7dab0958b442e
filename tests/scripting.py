"""A scripted set on a fake clock: a 4-minute cluster set runs in milliseconds.

:func:`run_loop` runs the same script through the real
:class:`~station.runtime.loop.MainLoop` on a :class:`~station.testing.CreepingClock`
(time moves ``step_s`` on every read) with an unrelated item (a screen note
or a watchdog wake) 1 ms before each deadline. While :data:`SHELL` is set
(the ``shell`` fixture), every :func:`run_script` also runs its script that
way and checks that the loop sounded exactly the cues the pure run did: none
lost, doubled or reordered, each due at the same instant.

:func:`run_script` feeds a script of ``(instant_s, Edge or Event)`` through
:mod:`station.core.session`. Between script items the fake clock jumps to
``session.next_deadline`` and ticks there, so every deadline fires at its own
instant (or ``late(deadline)`` s after it, to model a shell that wakes late;
a script item still arrives at its own instant, as the shell wakes on input).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from station.core import session
from station.core.events import Cue, Effect, Event, Phase, Tick
from station.core.gestures import Edge, GestureConfig
from station.core.methods import Plan
from station.runtime.loop import MainLoop, Note
from station.testing import CreepingClock, CueLog
from station.ui.view.messages import ShowSet

Item = tuple[float, Edge | Event]

#: ``(step_s, nag)`` while the ``shell`` fixture runs a test through the
#: real main loop too (see the module docstring); None: the pure run only.
SHELL: tuple[float, bool] | None = None
#: How long before each deadline a nagging item arrives (s).
LEAD_S = 0.001


@dataclass(frozen=True)
class Run:
    """What a scripted run produced.

    ``cues``: (name, instant s, value) of every cue, in order.
    ``phases``: (instant s, phase) each time the runner saw the phase change;
    the first entry is the phase at ``start_at``.
    ``effects``: every effect, in order. ``session``: the final session.
    ``sounded``: (a loop run) the cues the outputs were told to play; a
    count-in or tempo pip over a second stale is only recorded.
    """

    cues: list[tuple[str, float, object]]
    phases: list[tuple[float, Phase]]
    effects: list[Effect]
    session: session.Session
    sounded: list[tuple[str, float, object]] | None = None


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
    run = Run(cues, phases, effects, s)
    if SHELL is not None:
        step_s, nag = SHELL
        by_loop = run_loop(plan, items, until, step_s=step_s, nag=nag,
                           gesture_config=gesture_config, start_at=start_at)
        assert_same_set(by_loop, run, f"main loop at {step_s * 1000:g} ms a read, nag={nag}")
    return run


def assert_same_set(got: Run, want: Run, how: str) -> None:
    """The loop's run sounded the pure run's cues, in order, and ended the same."""
    assert got.cues == want.cues, f"{how}: cues differ"
    assert got.sounded == [c for c in got.cues if c[0] not in ("count", "tempo", "rep")
                           or c in got.sounded], f"{how}: a cue that matters was not sounded"
    a, b = got.session.set, want.session.set
    assert (a.phase, a.status, a.done_reason, a.bouts) == (b.phase, b.status, b.done_reason, b.bouts), how
    assert [p for _, p in got.phases] == [p for _, p in want.phases], f"{how}: phases differ"


class NaggingClock(CreepingClock):
    """A creeping clock that delivers an unrelated item :data:`LEAD_S`
    before each deadline the loop waits for (once per deadline): a screen
    note, or (every other deadline) a watchdog wake with nothing queued."""

    def __init__(self, step_s: float, script, start: float, until: float) -> None:
        super().__init__(step_s, script, start=start)
        self.loop: MainLoop | None = None
        self.until = until
        self.nagged: set[float] = set()
        self.wake_at: float | None = None
        self.kinds = 0

    def _due(self) -> float | None:
        d = self.loop.next_deadline_at if self.loop is not None else None
        if d is None or d >= self.until or d in self.nagged or d - LEAD_S <= self.at:
            return None
        nxt = self.next_at()
        return None if nxt is not None and nxt <= d - LEAD_S else d

    def ping(self, now: float) -> float | None:
        """The loop's watchdog hook: wake it 1 ms before a deadline."""
        d = self._due()
        if d is not None and self.kinds % 2:
            self.nagged.add(d)
            self.kinds += 1
            return d - LEAD_S - self.at
        return None

    def get(self, q, timeout):
        d = self._due()
        if d is not None:
            self.nagged.add(d)
            self.kinds += 1
            self.add(d - LEAD_S, Note("remote", f"nag before {d}"))
        return super().get(q, timeout)


class _Phases:
    """A screen that notes each phase the loop publishes."""

    def __init__(self, clock, start_phase: Phase) -> None:
        self.clock = clock
        self.phases: list[tuple[float, Phase]] = [(clock.at, start_phase)]

    def present(self, message: object) -> None:
        if isinstance(message, ShowSet):
            phase = message.snapshot.phase
            if phase is not self.phases[-1][1]:
                self.phases.append((self.clock.at, phase))


def run_loop(
    plan: Plan,
    script: Iterable[Item],
    until: float,
    step_s: float = 0.0,
    nag: bool = True,
    gesture_config: GestureConfig = GestureConfig(),
    start_at: float = 0.0,
) -> Run:
    """Run ``script`` through the real :class:`MainLoop` from ``start_at`` to
    ``until`` (s) on a clock moving ``step_s`` a read; ``nag``: an unrelated
    item 1 ms before each deadline. A ``Tick`` item is a wake with nothing
    to do. ``effects`` and ``cues`` are what the loop recorded (every cue,
    sounded or not); ``sounded`` what it told its output to play."""
    items = []
    for at, item in script:
        items.append((at, Note("tick", None) if isinstance(item, Tick) else item))
    clock = NaggingClock(step_s, items, start_at, until if nag else -float("inf"))
    log = CueLog(clock.now)
    screen = _Phases(clock, session.start(plan, gesture_config).set.phase)
    recorded: list[Effect] = []
    loop = MainLoop(clock, gesture_config=gesture_config, sinks=[log], screen=screen,
                    record=lambda e, at: recorded.append(e),
                    ping=clock.ping if nag else None)
    clock.loop = loop
    result = loop.run_set(plan, until=until)
    cues = [(e.name, e.at, e.value) for e in recorded if isinstance(e, Cue)]
    return Run(cues, screen.phases, recorded, result.session, log.cues)
