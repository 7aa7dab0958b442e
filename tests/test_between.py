"""Between sets the button is read by the same gesture rules as in a set and
the answer is one :class:`Between` value (summary, warning, menu)."""

from __future__ import annotations

import pytest

from station.core import between
from station.core.between import Between
from station.core.events import End, Fail, Rep, Undo
from station.core.gestures import Edge, GestureConfig
from station.runtime.loop import MainLoop, Quit
from station.testing import CueLog, ScriptedClock


def loop_with(items, config=GestureConfig()) -> MainLoop:
    clock = ScriptedClock(on_empty=lambda: Quit("end"))
    loop = MainLoop(clock, gesture_config=config, sinks=[CueLog(clock.now)])
    clock.loop = loop

    def burst() -> None:
        for item in items:
            loop.post(item)

    clock.add(1001.0, burst)
    return loop


def edges(*pairs):
    return [Edge(down, at) for at, down in pairs]


@pytest.mark.parametrize(("items", "answer"), [
    (edges((1001.0, True), (1001.2, False)), Between.PRESS),
    (edges((1001.0, True), (1002.5, False)), Between.HOLD),  # held past hold_s (1 s)
    (edges((1001.0, True)), Between.HOLD),  # still held: the hold is decided at 1 s
    ([Rep(1001.0)], Between.PRESS), ([Fail(1001.0)], Between.HOLD), ([End(1001.0)], Between.LONG),
    ([Undo(1001.0)], Between.TIMEOUT),  # an undo means nothing between sets
    ([Quit("esc")], Between.QUIT),
])
def test_each_gesture_between_sets_is_one_enum_answer(items, answer):
    got = loop_with(items).wait_gesture(until=1010.0)
    assert got is answer and isinstance(got, Between)


def test_between_sets_uses_the_configured_gesture_times():
    # The station's gesture config, not a copy: with hold_s = 2 s a 1.5 s
    # press is a press, as it would be in a set.
    cfg = GestureConfig(hold_s=2.0, end_hold_s=4.0)
    assert loop_with(edges((1001.0, True), (1002.5, False)), cfg).wait_gesture(1010.0) \
        is Between.PRESS


def test_a_long_hold_is_a_hold_first_in_the_pure_rules():
    w = between.Waiting()
    w, a = between.on_edge(w, Edge(True, 0.0))
    assert a is None and between.next_deadline(w) is not None
    w, a = between.on_time(w, 1.0)
    assert a is Between.HOLD
    assert [between.on_event(e) for e in (Rep(0), Fail(0), End(0), Undo(0))] == [
        Between.PRESS, Between.HOLD, Between.LONG, None]
    assert Between.PRESS == "press"  # the old string answers still compare equal
