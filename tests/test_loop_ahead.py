"""The main loop works ahead of its deadlines and tells the outputs how long
they may rest.

- A timed cue is computed before the loop waits for it: on a CPU slow enough
  that one tick of the session takes 5 ms, the count-in and the go still
  reach the output at their due instant (they used to be a tick late).
- Before each wait, an output with ``expect(quiet_for_s)`` hears how long no
  timed cue is due: the time to the next deadline in a rest, 0 while the
  lifter works (a press may come at any moment), between sets the time to
  the wait's end (None when it has none).
"""

from __future__ import annotations

import pytest

from station.core import session
from station.core.between import Between
from station.core.events import Phase, Rep
from station.core.gestures import Edge
from station.core.methods import Plan, compile_plan
from station.runtime.loop import MainLoop, Quit
from station.testing import CueLog, ScriptedClock

TIMED = {"count", "go", "cap", "done"}
SLOW_TICK_S = 0.005


class Expecting(CueLog):
    """A cue output that also keeps each ``expect`` hint with the phase shown."""

    def __init__(self, now, phase) -> None:
        super().__init__(now, name="speaker")
        self.hints: list[tuple[Phase | None, float | None]] = []
        self._phase = phase

    def expect(self, quiet_for_s: float | None) -> None:
        self.hints.append((self._phase(), quiet_for_s))


def cluster_run(clock: ScriptedClock, sinks: list, until: float, work_ahead: bool = True) -> MainLoop:
    plan, _ = compile_plan("cluster")
    t0 = clock.now()
    for k in range(3):  # three clusters of 5 reps, one a second
        for i in range(5):
            at = t0 + 1 + 20 * k + i
            clock.add(at, Rep(at))
    loop = MainLoop(clock, sinks=sinks, work_ahead=work_ahead)
    loop.run_set(plan, until=t0 + until)
    return loop


def timed_lateness(monkeypatch, work_ahead: bool) -> list[tuple[str, float]]:
    """(name, s late) of each timed cue of three clusters on a CPU on which
    each tick of the session takes 5 ms."""
    clock = ScriptedClock(on_empty=lambda: Quit("end"))
    real_tick = session.tick

    def slow_tick(sess, now, fx=None):
        out = real_tick(sess, now, fx)
        clock.set(clock.now() + SLOW_TICK_S)
        return out

    monkeypatch.setattr(session, "tick", slow_tick)
    log = CueLog(clock.now)
    cluster_run(clock, [log], until=60, work_ahead=work_ahead)
    return [(c.name, called - c.at) for c, called in log.calls if c.name in TIMED]


def test_a_slow_tick_does_not_delay_a_timed_cue(monkeypatch) -> None:
    timed = timed_lateness(monkeypatch, work_ahead=True)
    assert len([n for n, _ in timed if n == "go"]) >= 2
    late = [(n, round(lag * 1000, 3)) for n, lag in timed if lag >= SLOW_TICK_S / 2]
    assert late == [], f"timed cues a slow tick late (name, ms): {late}"
    # the loop as it was (the tick after the wake-up) had each one a tick late
    before = timed_lateness(monkeypatch, work_ahead=False)
    assert [n for n, _ in before] == [n for n, _ in timed]
    late_before = [n for n, lag in before if lag >= SLOW_TICK_S]
    assert late_before.count("go") >= 2 and late_before.count("count") >= 6, before


def hinted_cluster() -> tuple[ScriptedClock, MainLoop, Expecting, Plan, float]:
    """A cluster set's first bout (five presses from t0 + 1 s) scripted on a
    ScriptedClock, and an output that keeps every quiet hint with the phase."""
    clock = ScriptedClock(on_empty=lambda: Quit("end"))
    loop: list[MainLoop] = []

    def phase() -> Phase | None:
        snap = loop[0].last_snapshot if loop else None
        return snap.phase if snap is not None else None

    out = Expecting(clock.now, phase)
    plan, _ = compile_plan("cluster")
    ml = MainLoop(clock, sinks=[out])
    loop.append(ml)
    t0 = clock.now()
    for i in range(5):
        clock.add(t0 + 1 + i, Rep(t0 + 1 + i))
    return clock, ml, out, plan, t0


def test_the_outputs_hear_how_long_they_may_rest() -> None:
    clock, ml, out, plan, t0 = hinted_cluster()
    ml.run_set(plan, until=t0 + 20)
    in_rest = [q for p, q in out.hints if p is Phase.REST]
    at_work = [q for p, q in out.hints if p in (Phase.READY, Phase.WORK)]
    assert at_work and all(q == 0.0 for q in at_work)
    # the rest's first wait: until its count-in, 3 s before the 15 s rest ends
    assert in_rest and in_rest[0] is not None and 11.0 < in_rest[0] <= 12.0
    assert all(q is not None and q >= 0.0 for q in in_rest)
    out.hints.clear()
    assert ml.wait_gesture(until=clock.now() + 30) is Between.TIMEOUT
    # between sets nothing is due but the end of this wait (30 s)
    assert out.hints and out.hints[0][1] == pytest.approx(30.0)


@pytest.mark.parametrize("until", [60.0])
def test_working_ahead_changes_no_cue(until: float) -> None:
    # the same script, with and without the work ahead: the same cues at the same instants
    a, b = ScriptedClock(on_empty=lambda: Quit("end")), ScriptedClock(on_empty=lambda: Quit("end"))
    la, lb = CueLog(a.now), CueLog(b.now)
    cluster_run(a, [la], until)
    cluster_run(b, [lb], until, work_ahead=False)  # the loop as it was
    assert la.cues == lb.cues and len(la.cues) > 20


def test_a_press_in_a_rest_wakes_the_outputs_at_once() -> None:
    # the button goes down in the rest: whatever it turns out to be (a warning,
    # an early end), its cue may follow within a second, so the outputs hear 0
    clock, ml, out, plan, t0 = hinted_cluster()
    down = t0 + 8.0  # 3 s into the 15 s rest
    clock.add(down, Edge(True, down, "gpio"))
    clock.add(down + 0.15, Edge(False, down + 0.15, "gpio"))
    ml.run_set(plan, until=t0 + 12)
    rest = [q for p, q in out.hints if p is Phase.REST]
    first_zero = rest.index(0.0)
    assert first_zero > 0 and all(q > 2.0 for q in rest[:first_zero])  # resting until the press
