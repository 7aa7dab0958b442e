"""Reliability: the button through the real main loop, on mock GPIO pins.

gpiozero's mock pin calls the station's ``ButtonInput`` callback, which
stamps the edge and posts it to :class:`MainLoop`; the loop runs on a
:class:`ScriptedClock`, so virtual time jumps to the next deadline or the
next scripted pin change and a set runs in milliseconds, deterministically.
(The pure gesture rules are fuzzed in tests/test_gestures.py; here the
shell's path is: pin callback -> queue -> loop -> session -> sinks.)
"""

from __future__ import annotations

import random

import pytest
from gpiozero.pins.mock import MockFactory

from station.core.events import Phase
from station.core.gestures import Edge
from station.core.methods import compile_plan
from station.hw.buttons import ButtonInput
from station.runtime.loop import MainLoop, Quit
from station.testing import CueLog, ScriptedClock

T0 = 1000.0


class Rig:
    """A main loop, a mock-pin button and a scripted clock."""

    def __init__(self, step_s: float = 0.0) -> None:
        self.clock = ScriptedClock(start=T0, on_empty=lambda: Quit("script ended"), step_s=step_s)
        self.sink = CueLog(self.clock.now)  # heard: (name, due, sounded)
        self.loop = MainLoop(self.clock, sinks=[self.sink])
        self.factory = MockFactory()
        self.button = ButtonInput(17, self.loop.post, self.clock.now, pin_factory=self.factory)
        self.pin = self.button.pin

    def down(self, at: float) -> None:
        self.clock.add(at, self.pin.drive_low)

    def up(self, at: float) -> None:
        self.clock.add(at, self.pin.drive_high)

    def press(self, at: float, hold_s: float = 0.2) -> None:
        self.down(at)
        self.up(at + hold_s)

    def bouncy_press(self, at: float, rng: random.Random, hold_s: float = 0.2) -> None:
        """A press whose contact chatters for ~5 ms at both edges."""
        t = at
        for _ in range(rng.randint(2, 5)):
            self.clock.add(t, self.pin.drive_low)
            t += rng.uniform(0.0002, 0.001)
            self.clock.add(t, self.pin.drive_high)
            t += rng.uniform(0.0002, 0.001)
        self.clock.add(t, self.pin.drive_low)
        t = at + hold_s
        for _ in range(rng.randint(2, 5)):
            self.clock.add(t, self.pin.drive_high)
            t += rng.uniform(0.0002, 0.001)
            self.clock.add(t, self.pin.drive_low)
            t += rng.uniform(0.0002, 0.001)
        self.clock.add(t, self.pin.drive_high)

    def run(self, plan, until: float):
        return self.loop.run_set(plan, until=until)

    def close(self) -> None:
        self.button.close()
        self.factory.close()


@pytest.fixture(params=[0.0, 0.0005, 0.005], ids=lambda s: f"step-{s * 1000:g}ms")
def rig(request):
    """A rig on a clock that stands still while the loop works, and on ones
    that move this much (s) on every read."""
    r = Rig(step_s=request.param)
    yield r
    r.close()


@pytest.fixture
def still_rig():
    """A rig whose clock stands still while the loop works: for offsets of
    1 ms, finer than a creeping clock's steps."""
    r = Rig()
    yield r
    r.close()


def near(values):
    """Instants as a creeping clock stamps them: a few reads late at most."""
    return pytest.approx(values, abs=0.03)


def cluster(reps: int = 3, rest: float = 10.0, duration: float = 180.0):
    return compile_plan("cluster", {"reps": reps, "rest": rest, "duration": duration})[0]


def test_a_chattering_contact_counts_each_press_once(rig):
    if rig.clock.step_s * 10 > 0.03:
        pytest.skip("each mock-pin stamp reads the clock: 5 ms a read spreads 1 ms of chatter "
                    "past the 30 ms debounce window, which real edges never do")
    rng = random.Random(7)
    for i in range(3):
        rig.bouncy_press(T0 + 1 + i, rng)
    res = rig.run(cluster(reps=3), until=T0 + 8)
    assert res.snapshot.reps_per_bout[0] == 3
    assert [c[1] for c in rig.sink.named("rep")] == near([T0 + 1, T0 + 2, T0 + 3])
    assert res.snapshot.phase is Phase.REST  # the third rep ended the cluster
    assert not rig.sink.named("undo")  # chatter is not a double press


def test_missed_edges_from_a_flaky_source_never_add_or_lose_reps(rig):
    # a remote that loses edges: press, press again (release lost), release,
    # release again (press lost), then a clean press
    script = [(1.0, True), (1.5, True), (1.6, False), (2.6, False), (3.0, True), (3.2, False)]
    for at, pressed in script:
        rig.clock.add(T0 + at, Edge(pressed, T0 + at, "remote"))
    rig.press(T0 + 4.0)  # the real button counts alongside
    res = rig.run(cluster(reps=5), until=T0 + 6)
    assert [c[1] for c in rig.sink.named("rep")] == near([T0 + 1.0, T0 + 3.0, T0 + 4.0])
    assert res.snapshot.reps_per_bout == (3,)
    assert not rig.sink.named("undo") and not rig.sink.named("fail")


def test_a_button_stuck_down_in_a_rest_ends_the_set_and_keeps_the_reps(rig):
    for i in range(3):
        rig.press(T0 + 1 + i)
    # the rest runs from the third rep (T0+3) to T0+13; the button goes down
    # at T0+4 and stays down past the go (a lifter leaning on it, a stuck key)
    rig.down(T0 + 4)
    rig.up(T0 + 14)
    rig.press(T0 + 15)
    res = rig.run(cluster(reps=3), until=T0 + 16)
    names = [(c[0], c[1] - T0) for c in rig.sink.heard]
    # the press in the first half of the rest starts nothing (warn), at 1 s
    # the hold is a failure in a rest (warn), at 3 s the long hold ends the set
    assert [n for n, _ in names[-3:]] == ["warn", "warn", "done"]
    assert [t for _, t in names[-3:]] == near([4.0, 5.0, 7.0])
    assert res.snapshot.phase is Phase.DONE
    assert res.snapshot.reps_per_bout == (3,)  # nothing lost, nothing added


@pytest.mark.parametrize("offset_s", [-0.5, -0.001, 0.0, 0.001, 0.03])
def test_presses_at_the_moment_a_rest_ends_all_count(still_rig, offset_s):
    rig = still_rig
    for i in range(3):
        rig.press(T0 + 1 + i)
    rig.press(T0 + 13 + offset_s)  # the go is due at T0+13
    rig.press(T0 + 14)
    res = rig.run(cluster(reps=3), until=T0 + 15)
    assert res.snapshot.reps_per_bout == (3, 2)
    go = rig.sink.named("go")
    if offset_s < 0:  # started before the go: an early start, its go sounds at the press
        assert go == [("go", T0 + 13 + offset_s, T0 + 13 + offset_s)]
    else:
        assert go == [("go", T0 + 13, T0 + 13)]  # on time, whatever the press did
    assert [c[1] for c in rig.sink.named("count")] == [T0 + 10, T0 + 11, T0 + 12][
        :3 - sum(1 for t in (10, 11, 12) if T0 + t > T0 + 13 + offset_s)]


def test_presses_in_the_count_in_start_the_next_cluster_and_the_cap_still_ends_the_set(rig):
    for i in range(3):
        rig.press(T0 + 1 + i)
    for at in (T0 + 10.5, T0 + 11.5, T0 + 12.5):  # during the count-in of the rest ending at T0+13
        rig.press(at)
    rig.press(T0 + 16)  # after the set: ignored
    res = rig.run(cluster(reps=3, duration=14.0), until=T0 + 20)
    assert res.snapshot.phase is Phase.DONE
    assert res.snapshot.reps_per_bout == (3, 3)
    # the early cluster's go says "last one" (no rest could end before the
    # cap at T0+15), and the set is done when it ends
    assert [c[0] for c in rig.sink.heard][-6:] == ["go", "rep", "cap", "rep", "rep", "done"]
    assert [c[1] - T0 for c in rig.sink.heard][-6:] == near([10.5, 10.5, 10.5, 11.5, 12.5, 12.5])


@pytest.mark.parametrize("method", ["cluster", "rest-pause", "myo-reps", "drop-set",
                                    "forced-negatives", "strength-rest-pause"])
def test_random_pin_sequences_through_the_loop_never_crash_or_go_negative(method):
    rng = random.Random(hash(method) & 0xFFFF)
    plan, _ = compile_plan(method)
    edges = 0
    for _ in range(15):
        r = Rig()
        try:
            t = T0
            level = False
            for _ in range(rng.randint(5, 60)):
                t += rng.choice((0.002, 0.03, 0.4, 1.5, 5.0)) * rng.random()
                level = not level if rng.random() < 0.85 else level
                r.clock.add(t, r.pin.drive_low if level else r.pin.drive_high)
                edges += 1
            res = r.run(plan, until=t + rng.choice((0.0, 2.0, 30.0)))
        finally:
            r.close()
        snap = res.snapshot
        assert snap.total_reps >= 0 and all(n >= 0 for n in snap.reps_per_bout)
        assert snap.total_reps == sum(snap.reps_per_bout)
        sounded = [c[2] for c in r.sink.heard]
        assert sounded == sorted(sounded)  # cues in time order
    assert edges > 300


def test_an_idle_button_starts_no_thread_and_closes_at_once():
    """The station decodes holds itself: the button adds no thread that wakes
    while nobody presses (gpiozero's Button hold thread wakes 10 times a
    second and takes 0.1 s to join on close)."""
    import threading
    import time

    before = threading.active_count()
    factory = MockFactory()
    posted: list[object] = []
    button = ButtonInput(17, posted.append, time.monotonic, pin_factory=factory)
    assert threading.active_count() == before
    button.pin.drive_low()
    button.pin.drive_high()
    assert [e.pressed for e in posted] == [True, False]
    button.close()
    assert threading.active_count() == before
