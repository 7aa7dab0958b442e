"""The real main loop on a clock that moves while the loop works.

On a Pi time passes between two reads of the clock, so a deadline can fall
due while the loop handles an item that came just before it. These runs
put items (a press, a remote REP, a hold, a screen note, a watchdog wake)
1 ms before deadlines, on :class:`~station.testing.CreepingClock` steps
from 0 to 5 ms a read, and check the lifter hears exactly what a clock that
stands still gives: no cue lost, doubled or reordered, each due at the same
instant. All in virtual time.
"""

from __future__ import annotations

from collections import Counter
from functools import cache

import pytest
from scripting import LEAD_S, press, run_loop, run_script

from station.core.events import Cue, Fail, Phase, Rep
from station.core.gestures import Edge
from station.core.methods import compile_plan
from station.runtime.loop import MainLoop, Note, Quit
from station.testing import CreepingClock, CueLog, FakeClock, ScriptedClock

STEPS_S = (0.0005, 0.001, 0.002, 0.003, 0.005)
TIMED = {"count", "go", "cap", "tempo", "done"}


def reps(*ats: float) -> list:
    return [(float(t), Rep(float(t))) for t in ats]


def cluster_reps(bouts: int, go_every: float = 20.0) -> list:
    return reps(*[go_every * k + i for k in range(bouts) for i in range(5)])


def test_a_cluster_set_with_a_note_before_every_deadline_sounds_every_cue():
    # The reproduction from issue 10: 0.5 ms a read, an item 1 ms before each
    # deadline. The loop used to throw away the tick that fired the deadline.
    plan, _ = compile_plan("cluster")
    script = cluster_reps(13)
    pure = run_script(plan, script, until=300)
    by_loop = run_loop(plan, script, until=300, step_s=0.0005, nag=True)
    heard = Counter(name for name, _, _ in by_loop.cues)
    assert heard["count"] == 36 and heard["go"] == 12 and heard["done"] == 1
    assert by_loop.cues == pure.cues


def with_items_before_deadlines(plan, base: list, until: float, n: int = 9) -> list:
    """``base`` plus ``n`` items, each 1 ms before the next deadline the
    stand-still loop reaches after the previous one: a gpio press, a remote
    REP, a failure hold (the gpio button held 1.2 s), in turn."""
    script = sorted(base, key=lambda p: p[0])
    last = -1.0
    for k in range(n):
        run = run_loop(plan, script, until, step_s=0.0, nag=False)
        due = sorted(at for name, at, _ in run.cues if name in TIMED and at > last + 0.5)
        if not due:
            break
        at = due[0] - LEAD_S
        kind = k % 3
        if kind == 0:
            extra = press(at, 0.15)
        elif kind == 1:
            extra = [(at, Rep(at))]
        else:
            extra = press(at, 1.2)
        script = sorted(script + extra, key=lambda p: p[0])
        last = due[0]
    return script


SCENARIOS = {
    "cluster": (lambda: compile_plan("cluster")[0], lambda: cluster_reps(13), 300.0),
    "rest-pause": (lambda: compile_plan("rest-pause")[0],
                   lambda: reps(*range(10)) + [(10.0, Fail(10.0))] + reps(*range(30, 34))
                   + [(34.0, Fail(34.0))] + reps(50, 51) + [(52.0, Fail(52.0))], 100.0),
    "forced-negatives": (lambda: compile_plan("forced-negatives", load_kg=150)[0],
                         lambda: reps(0, 2, 10, 18), 40.0),
}


@cache
def scenario(name: str):
    """(plan, script with items before deadlines, until, the stand-still run)."""
    make_plan, make_base, until = SCENARIOS[name]
    plan = make_plan()
    script = with_items_before_deadlines(plan, make_base(), until)
    assert len(script) > len(make_base())  # items were really put before deadlines
    return plan, script, until, run_loop(plan, script, until, step_s=0.0, nag=False)


@pytest.mark.parametrize("name", sorted(SCENARIOS))
@pytest.mark.parametrize("step_s", STEPS_S, ids=lambda s: f"{s * 1000:g}ms")
def test_items_just_before_deadlines_on_a_creeping_clock(name, step_s):
    plan, script, until, still = scenario(name)
    creeping = run_loop(plan, script, until, step_s=step_s, nag=True)
    assert creeping.cues == still.cues
    assert creeping.session.set.bouts == still.session.set.bouts
    # sounded: all but a replayed count-in gone stale (over 1 s late)
    assert [c for c in creeping.sounded if c not in still.sounded] == []
    assert [c for c in still.cues if c not in creeping.sounded and c[0] != "count"] == []
    # and the loop is the pure engine (up to "done": the loop stops there)
    pure = run_script(plan, script, until).cues
    assert still.cues == pure[:len(still.cues)]


# ------------------------------------------------------------------ between sets


def loop_on(clock) -> MainLoop:
    loop = MainLoop(clock, sinks=[CueLog(clock.now)])
    clock.loop = loop
    return loop


@pytest.mark.parametrize("step_s", (0.0,) + STEPS_S)
def test_items_behind_the_answer_between_sets_are_kept(step_s):
    # A remote REP and a note in one batch: the REP answers "press"; the note
    # is still shown, and a second REP of that batch is the set's first rep.
    clock = ScriptedClock(step_s=step_s, on_empty=lambda: Quit("end"))
    loop = loop_on(clock)
    at = 1001.0

    def burst() -> None:
        loop.post(Rep(at))
        loop.post(Note("remote", "remote lost: unplugged"))
        loop.post(Rep(at + 0.001))

    clock.add(at, burst)
    assert loop.wait_gesture(until=1010.0) == "press"
    res = loop.run_set(compile_plan("rest-pause")[0], until=1003.0)
    assert loop.notes == {"remote": "remote lost: unplugged"}
    assert res.snapshot.total_reps == 1
    assert [c.name for c, _ in loop.sinks[0].calls] == ["rep"]


@pytest.mark.parametrize("step_s", (0.0,) + STEPS_S)
def test_each_press_between_sets_is_one_answer(step_s):
    # Two clean presses that reach the loop in one batch: two menu moves.
    clock = ScriptedClock(step_s=step_s, on_empty=lambda: Quit("end"))
    loop = loop_on(clock)

    def burst() -> None:
        for at, down in ((1001.0, True), (1001.1, False), (1001.5, True), (1001.6, False)):
            loop.post(Edge(down, at))

    clock.add(1001.0, burst)
    answers = [loop.wait_gesture(until=1005.0) for _ in range(3)]
    assert answers == ["press", "press", "timeout"]


def test_clocks_ship_in_the_package_and_keep_their_old_home():
    from station.bench.offline import ScriptedClock as FromBench
    from station.runtime.clock import FakeClock as FromClock

    assert FromClock is FakeClock and FromBench is ScriptedClock
    c = CreepingClock(step_s=0.002, start=5.0)
    assert [c.now(), c.now()] == [pytest.approx(5.002), pytest.approx(5.004)]
    assert FakeClock(start=5.0).now() == 5.0 == FakeClock(start=5.0).now()
    with pytest.raises(ValueError):
        FakeClock(step_s=-1)
    assert isinstance(Cue("go", 1.0), Cue) and Phase.DONE


def test_a_rep_acknowledged_late_after_a_stall_is_still_sounded():
    # The loop stalled 1.5 s: the press was counted, so its blip still sounds
    # (only count-ins and tempo ticks that late are dropped as noise).
    clock = ScriptedClock([(1002.5, Rep(1001.0))], on_empty=lambda: Quit("end"))
    loop = loop_on(clock)
    res = loop.run_set(compile_plan("rest-pause")[0], until=1004.0)
    assert res.snapshot.total_reps == 1
    assert [c.name for c, _ in loop.sinks[0].calls] == ["rep"]
