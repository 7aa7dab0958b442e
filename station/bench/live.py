"""The benchmark's real-time run: the whole station in this process.

A :class:`~station.runtime.app.Station` is built as ``station run`` builds it (the
pygame window on its own thread, the buzzer on mock or real pins, the mixer,
the history writer) and runs one cluster set "on the clock" for the asked
number of seconds while :class:`SyntheticLifter` presses the mock button pin.
Every cue call, press and frame is stamped with the station clock (s), and
the figures are worked out afterwards, so measuring costs the loop only a
list append.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from station.core.events import Cue
from station.testing.lifter import SimulatedLifter
from station.ui.view.messages import ShowMessage

#: The lifter's press rhythm, s: longer than the double-press window (0.4 s
#: by default), or two presses would be an undo.
CADENCE_S = 0.6
DOWN_S = 0.15
#: Cluster "on the clock": a cluster starts every EVERY_S s from the first rep.
EVERY_S = 7.0
REPS = 5


@dataclass
class LiveLog:
    """What the run saw (all instants station-clock s)."""

    presses: list[tuple[float, int]] = field(default_factory=list)  # (edge moment, total after it)
    calls: list[tuple[str, Cue, float]] = field(default_factory=list)  # (sink, cue, call moment)
    frames: list[tuple[float, int | None]] = field(default_factory=list)  # (drawn, total shown)
    lateness: dict[str, list[float]] = field(default_factory=dict)
    set_started_at: float | None = None
    total_reps: int = 0
    wall_s: float = 0.0
    cpu_s: float = 0.0
    notes: list[str] = field(default_factory=list)
    #: per cue call: (sink, cue name, thread CPU of the play call, s)
    play_cpu: list[tuple[str, str, float]] = field(default_factory=list)
    #: per timed cue call: (sink, woke - due, call - woke, thread CPU woke -> call), s
    path: list[tuple[str, float, float, float]] = field(default_factory=list)
    #: the main loop's last return from its wait: (monotonic s, thread CPU s)
    woke: tuple[float, float] | None = None
    #: per wait for a deadline with cues (``clock.get_sharp``): the loop
    #: thread's CPU in it, s (the polled last stretch; the sleep costs ~0)
    sharp_cpu: list[float] = field(default_factory=list)


class SyntheticLifter(SimulatedLifter):
    """The bench's lifter: presses ``press()`` (a callable making one press
    edge, e.g. a mock pin's ``drive_low``) every :data:`CADENCE_S` s while the
    set is in READY or WORK, releasing it :data:`DOWN_S` s later with
    ``release()``; each press is noted in ``log.presses`` with ``now()`` (the
    station clock) just before it. Feed it snapshots with :meth:`see`."""

    def __init__(self, press, release, now, log: LiveLog) -> None:
        self.log = log

        def noted() -> None:
            log.presses.append((now(), len(log.presses) + 1))

        super().__init__(press, release, rep_every_s=CADENCE_S - DOWN_S, down_s=DOWN_S,
                         on_rep=noted, name="bench-lifter")


class _TimedSink:
    """Wraps a cue sink: notes (sink name, cue, call moment) then plays."""

    def __init__(self, sink, now, log: LiveLog) -> None:
        self.name, self._sink, self._now, self._log = sink.name, sink, now, log

    def play(self, cue: Cue) -> None:
        called, cpu0 = self._now(), time.thread_time()
        self._log.calls.append((self.name, cue, called))
        woke = self._log.woke
        if woke is not None and cue.name in TIMED and woke[0] >= cue.at:
            self._log.path.append((self.name, woke[0] - cue.at, called - woke[0], cpu0 - woke[1]))
        self._sink.play(cue)
        self._log.play_cpu.append((self.name, cue.name, time.thread_time() - cpu0))


#: Cues due at an instant the loop waited for (not a press's reply).
TIMED = ("count", "go", "cap", "tempo")


def _stamp_wakes(clock, log: LiveLog) -> None:
    """Note when the main loop's wait returns (``clock.get``, or
    ``clock.get_sharp`` before a timed cue: an item came or the deadline
    passed): a timed cue's lateness splits into the wake-up (due -> woke)
    and the loop's own work (woke -> call)."""
    get, get_sharp = clock.get, clock.get_sharp

    def stamped(q, timeout):
        try:
            return get(q, timeout)
        finally:
            log.woke = (time.monotonic(), time.thread_time())

    def stamped_sharp(q, timeout, early_s):
        cpu0 = time.thread_time()
        try:
            return get_sharp(q, timeout, early_s)
        finally:
            log.woke = (time.monotonic(), time.thread_time())
            log.sharp_cpu.append(log.woke[1] - cpu0)

    clock.get, clock.get_sharp = stamped, stamped_sharp


def _total_shown(model: object) -> int | None:
    for line in getattr(model, "lines", ()):
        if line.startswith("total "):
            try:
                return int(line[6:])
            except ValueError:
                return None
    return None


def run_live(seconds: float, db: Path, config: Path, *, display: str = "window",
             sound: bool = True, pins: str = "mock", say=None) -> LiveLog:
    """Run the station for ``seconds`` s of one cluster set and return the log.
    ``config``: the config file (a temporary one with the window size)."""
    from station.core.gestures import Edge
    from station.runtime.app import Options, Station

    log = LiveLog()
    opts = Options(pins=pins, display=display, db=db, config=config, sound=sound)
    with Station(opts, out=say or (lambda text: None)) as station:
        now = station.clock.now
        log.notes += [text for _, text in station.notes]
        loop = station.loop
        loop.sinks = [_TimedSink(s, now, log) for s in loop.sinks]
        _stamp_wakes(station.clock, log)
        screen = station.screen
        if hasattr(screen, "on_frame"):
            screen.on_frame = lambda model, drawn_at: log.frames.append(
                (drawn_at, _total_shown(model)))
            if not screen.first_frame.is_set():
                loop.present(ShowMessage(lines=("benchmark",)))
                screen.first_frame.wait(5)
        else:
            log.notes.append("no pygame display: press-to-screen not measured")
        pin = getattr(station.button, "pin", None)
        if pin is not None and hasattr(pin, "drive_low"):
            press, release = pin.drive_low, pin.drive_high
        else:  # real pins cannot be pressed by software: post the edges the pin would give
            log.notes.append("real pins: synthetic presses posted as edges")
            press = lambda: loop.post(Edge(True, now(), "gpio"))  # noqa: E731
            release = lambda: loop.post(Edge(False, now(), "gpio"))  # noqa: E731
        from station.core.methods import compile_plan

        plan, _ = compile_plan("cluster", {"reps": REPS, "every": EVERY_S,
                                           "duration": max(seconds - 2 * CADENCE_S, 2.0)})
        cpu0, wall0 = time.process_time(), time.monotonic()
        with SyntheticLifter(press, release, now, log) as lifter:
            unwatch = loop.watch_state(lifter.see)
            try:
                result = station.run_set(plan, "bench", None)
            finally:
                unwatch()
        log.cpu_s, log.wall_s = time.process_time() - cpu0, time.monotonic() - wall0
        log.lateness = {k: list(v) for k, v in result.lateness.items()}
        log.set_started_at = result.snapshot.set_started_at
        log.total_reps = result.snapshot.total_reps
        if log.total_reps != len(log.presses):
            log.notes.append(f"{len(log.presses)} presses counted as {log.total_reps} reps")
    return log


def press_to_ack(log: LiveLog, sink: str = "buzzer") -> list[float]:
    """For each press: its edge moment to the ``rep`` cue's call on ``sink``, s."""
    reps = [(cue.at, at) for name, cue, at in log.calls if name == sink and cue.name == "rep"]
    out = []
    for edge_at, call_at in reps:
        before = [t for t, _ in log.presses if t <= edge_at]
        if before:
            out.append(call_at - before[-1])
    return out


def press_to_screen(log: LiveLog) -> list[float]:
    """For each press: its edge moment to the first frame showing the new total, s."""
    out = []
    for t0, total in log.presses:
        for drawn_at, shown in log.frames:
            if drawn_at >= t0 and shown is not None and shown >= total:
                out.append(drawn_at - t0)
                break
    return out


def realtime_drift(log: LiveLog) -> tuple[list[float], list[float]]:
    """For each ``go`` on the first sink: (its due instant minus the ideal
    ``first rep + k * EVERY_S``, its call moment minus the ideal), s."""
    if log.set_started_at is None:
        return [], []
    first_sink = log.calls[0][0] if log.calls else None
    due, sounded = [], []
    for name, cue, at in log.calls:
        if name == first_sink and cue.name == "go":
            k = round((cue.at - log.set_started_at) / EVERY_S)
            ideal = log.set_started_at + k * EVERY_S
            due.append(abs(cue.at - ideal))
            sounded.append(at - ideal)
    return due, sounded
