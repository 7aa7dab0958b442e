"""The benchmark's checks that need no real time: drift through the real main
loop on a jumping virtual clock, and the render cost of one frame.

:class:`~station.testing.clocks.ScriptedClock` (re-exported here) is
trio's "autojump" idea for the station: whenever the main loop waits, virtual
time jumps at once to the loop's own deadline or to the next scripted input,
whichever comes first. A whole 4-minute cluster set runs through
:class:`~station.runtime.loop.MainLoop` in milliseconds, on one thread,
deterministically.
"""

from __future__ import annotations

import time

from station.core.events import Cue
from station.core.gestures import Edge
from station.testing.clocks import FakeClock, ScriptedClock

__all__ = ["ScriptedClock", "cluster_script", "drift_fast_forward", "frame_cost"]

#: Press edges of a scripted lifter: 5 reps a second apart per cluster; a
#: cluster starts ``AFTER_GO_S`` after its go (s).
AFTER_GO_S = 1.5


def cluster_script(first_at: float, clusters: int, rest_s: float = 15.0, reps: int = 5,
                   hold_s: float = 0.25, source: str = "gpio") -> list[tuple[float, Edge]]:
    """Press/release edges of a lifter doing ``clusters`` clusters of
    ``reps`` (1 s apart) with ``rest_s`` after the last rep of each, each
    cluster :data:`AFTER_GO_S` after its go. Instants in s."""
    out: list[tuple[float, Edge]] = []
    period = (reps - 1) + rest_s + AFTER_GO_S
    for k in range(clusters):
        for i in range(reps):
            at = first_at + k * period + i
            out += [(at, Edge(True, at, source)), (at + hold_s, Edge(False, at + hold_s, source))]
    return out


class _Recorder:
    """A cue sink that notes (cue, virtual instant of the call)."""

    name = "buzzer"

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.calls: list[tuple[Cue, float]] = []

    def play(self, cue: Cue) -> None:
        self.calls.append((cue, self.clock.now()))


def drift_fast_forward(duration_s: float = 240.0, rest_s: float = 15.0) -> dict:
    """A default cluster set (5 reps, ``rest_s`` rests, cap ``duration_s``)
    through the real :class:`MainLoop` on a :class:`ScriptedClock`.

    Returns ``{"cap_drift_s", "max_drift_s", "cues", "run_s"}``: how far
    (virtual s) the cap cue and every timed cue (count, go, cap) were sounded
    from their ideal instants computed here from the press instants alone,
    and the real time the run took.
    """
    from station.core.methods import compile_plan
    from station.runtime.loop import MainLoop, Quit

    first = 1000.0 + 7.3
    period = 4 + rest_s + AFTER_GO_S
    clusters = int(duration_s // period) + 2
    script = cluster_script(first, clusters, rest_s)
    clock = ScriptedClock(script, on_empty=lambda: Quit("script ended"))
    sink = _Recorder(clock)
    loop = MainLoop(clock, sinks=[sink])
    plan, _ = compile_plan("cluster", {"reps": 5, "rest": rest_s, "duration": duration_s})
    started = time.perf_counter()
    loop.run_set(plan)
    run_s = time.perf_counter() - started
    cap_at = first + duration_s
    ideal: list[tuple[str, float]] = []
    for k in range(clusters):
        go = first + k * period + 4 + rest_s
        if go >= cap_at:
            break
        ideal += [("count", go - 3), ("count", go - 2), ("count", go - 1), ("go", go)]
    # "last one" (cap): from cap - rest no rest could end before the cap; due
    # then, or at the go of a cluster starting later than that
    ideal.append(("cap", max(cap_at - rest_s, ideal[-1][1])))
    sounded = [(c.name, at) for c, at in sink.calls if c.name in ("count", "go", "cap")]
    if [n for n, _ in sounded] != [n for n, _ in ideal]:
        raise AssertionError(f"the fast-forward set sounded {sounded} where {ideal} was due")
    drifts = [abs(at - want) for (_, at), (_, want) in zip(sounded, ideal)]
    due = [abs(c.at - want) for (c, _), (_, want) in
           zip([x for x in sink.calls if x[0].name in ("count", "go", "cap")], ideal)]
    return {"cap_drift_s": drifts[-1], "max_drift_s": max(drifts + due), "cues": len(sounded),
            "run_s": run_s}


def frame_cost(size: tuple[int, int], frames: int = 300, warm: int = 30) -> list[float]:
    """Seconds to draw each of ``frames`` frames of a REST countdown (30 fps
    of virtual time) at ``size`` px with a :class:`Renderer` on a Surface,
    after ``warm`` frames that fill its caches as a running station would."""
    import pygame

    from station.core import session
    from station.core.engine import snapshot
    from station.core.events import Rep
    from station.core.methods import compile_plan
    from station.ui import view
    from station.ui.pygame.render import Renderer

    pygame.font.init()
    plan, _ = compile_plan("cluster", {"reps": 5, "rest": 15.0})
    s = session.start(plan)
    for i in range(5):
        s, _ = session.feed(s, Rep(100.0 + i), 100.0 + i)
    rest_at = 104.0
    snap = snapshot(s.set, rest_at)
    ctx = view.Context(exercise="squat", rest_s=plan.rest_s)
    surface = pygame.Surface(size)
    renderer = Renderer()
    out: list[float] = []
    for n in range(warm + frames):
        now = rest_at + (n % 450) / 30.0  # within the 15 s rest, digits and count-in included
        model = view.model_for(snap, now, ctx)
        t0 = time.perf_counter()
        renderer.draw(surface, model)
        dt = time.perf_counter() - t0
        if n >= warm:
            out.append(dt)
    return out
