"""Reliability: 8 hours of back-to-back sets through the real main loop on a
jumping virtual clock, with mock GPIO pins and the history writer thread.
Nothing may grow: Python memory (tracemalloc), open files, threads.
(A 10-minute real-time soak is ``station bench --seconds 600``: docs/bench.md.)"""

from __future__ import annotations

import gc
import os
import threading
import tracemalloc

import pytest
from gpiozero.pins.mock import MockFactory

from station.bench_offline import ScriptedClock, cluster_script
from station.core.events import Cue
from station.core.methods import compile_plan
from station.hw.buttons import ButtonInput
from station.loop import MainLoop, Quit
from station.recorder import Recorder

SET_S = 240.0
PERIOD_S = 4 + 15 + 1.5  # one cluster of the scripted lifter


class CountingSink:
    name = "buzzer"

    def __init__(self) -> None:
        self.n = 0

    def play(self, cue: Cue) -> None:
        self.n += 1


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.mark.timeout(120)
@pytest.mark.slow
def test_eight_hours_of_sets_leave_no_growth(tmp_path):
    clock = ScriptedClock(on_empty=lambda: Quit("script ended"))
    sink = CountingSink()
    loop = MainLoop(clock, sinks=[sink])
    factory = MockFactory()
    button = ButtonInput(17, loop.post, clock.now, pin_factory=factory)
    recorder = Recorder(None, clock.offset_s)  # the writer thread, history off
    loop._record = recorder.record
    plan, _ = compile_plan("cluster")
    sets = int(8 * 3600 // (SET_S + 2 * PERIOD_S))
    pin = button.pin

    def one_set() -> None:
        first = clock.now() + 1.0
        for at, edge in cluster_script(first, int(SET_S // PERIOD_S) + 2):
            clock.add(at, pin.drive_low if edge.pressed else pin.drive_high)
        res = loop.run_set(plan, until=first + SET_S + 2 * PERIOD_S)
        assert res.snapshot.done_reason == "cap", res.snapshot
        assert res.snapshot.total_reps >= 55
        clock.set(first + SET_S + 2 * PERIOD_S)
        clock._script.clear()  # presses of the last cluster after the cap
        pin.clear_states()  # a mock pin keeps every state change for tests to inspect

    try:
        half = sets - 16
        for _ in range(half):  # untraced (tracemalloc is slow); the last hour traced
            one_set()
        gc.collect()
        tracemalloc.start()
        fds, threads = open_fds(), threading.active_count()
        base = tracemalloc.take_snapshot()
        for _ in range(sets - half):
            one_set()
        gc.collect()
        diffs = tracemalloc.take_snapshot().compare_to(base, "lineno")
        grown = sum(d.size_diff for d in diffs)
        tracemalloc.stop()
        assert clock.now() - 1000.0 >= 8 * 3600 - 2 * (SET_S + 2 * PERIOD_S)
        assert sink.n > sets * 100  # every set sounded its cues
        assert grown < 64_000, (f"memory grew by {grown} bytes over {sets - half} sets: "
                                + "; ".join(map(str, diffs[:3])))
        assert open_fds() == fds
        assert threading.active_count() == threads
    finally:
        recorder.close()
        button.close()
        factory.close()
