"""The core's fast copy of its frozen state records (station.core.evolve):
the same record dataclasses.replace gives, the same errors."""

from __future__ import annotations

import dataclasses

import pytest

from station.core import session
from station.core.events import Cue
from station.core.evolve import evolve
from station.core.gestures import Edge, GestureConfig
from station.core.methods import compile_plan


def _states():
    plan, _ = compile_plan("cluster", {"reps": 3, "every": 15, "duration": 240})
    s = session.start(plan, GestureConfig())
    fx: list = []
    s = session.tick(s, 100.0, fx)
    s, _ = session.feed_edge(s, Edge(True, 101.0, "gpio"), 101.0)
    return s, s.set


def test_a_copy_is_the_record_replace_gives():
    sess, state = _states()
    for obj in (sess, state):
        for f in dataclasses.fields(obj):
            value = getattr(obj, f.name)
            a, b = evolve(obj, **{f.name: value}), dataclasses.replace(obj, **{f.name: value})
            assert a == b and type(a) is type(b) and a is not obj
    changed = evolve(state, count_next=state.count_next + 7)
    assert changed.count_next == state.count_next + 7 and state.count_next != changed.count_next
    assert changed == dataclasses.replace(state, count_next=state.count_next + 7)
    with pytest.raises(dataclasses.FrozenInstanceError):
        changed.count_next = 0  # type: ignore[misc]


def test_a_record_that_checks_itself_is_still_checked_and_a_wrong_name_still_fails():
    cue = Cue("rep", 1.0)
    with pytest.raises(ValueError, match="unknown cue"):
        evolve(cue, name="bogus")  # __post_init__ runs: a copy of the dict would not check
    _, state = _states()
    with pytest.raises(TypeError):
        evolve(state, no_such_field=1)
