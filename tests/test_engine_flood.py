"""A flood of presses costs the same per event at the 6000th as at the 100th
(issue 11: per-event cost grew with the number of bouts). Counted, not timed:
the Python and builtin calls one event makes through the session and the
snapshot, which a sum or a comparison over every bout would make grow."""

from __future__ import annotations

import random
import sys

import pytest

from station.core import engine, session
from station.core.engine import snapshot
from station.core.events import BoutChanged, BoutRemoved, Fail, Phase, Rep, Tick, Undo
from station.core.methods import compile_plan


def calls_of(fn) -> tuple[object, int]:
    n = 0

    def profile(frame, event, arg) -> None:
        nonlocal n
        if event in ("call", "c_call"):
            n += 1

    old = sys.getprofile()
    sys.setprofile(profile)
    try:
        result = fn()
    finally:
        sys.setprofile(old)
    return result, n


def test_work_per_event_does_not_grow_with_the_bouts_of_a_flood():
    # Clusters of 1 rep, 1 s rests, a press every 0.09 s for 10 minutes:
    # 5 presses warn in the first half of each rest, the 6th starts the next
    # bout early, so 6000 presses make 1000 bouts.
    plan, _ = compile_plan("cluster", {"reps": 1, "rest": 1.0, "duration": 600.0})
    s = session.start(plan)
    t, window = 1000.0, 12  # two whole cycles of 6 presses
    counts: dict[int, list[int]] = {100: [], 6000: []}
    for i in range(6000 + window):
        t += 0.09
        at = t

        def event(s=s, at=at):
            new, fx = session.feed(s, Rep(at), at)
            snapshot(new.set, at)
            return new

        if any(0 <= i - m < window for m in counts):
            s, n = calls_of(event)
            counts[100 if i < 6000 else 6000].append(n)
        else:
            s = event()
    assert len(s.set.bouts) > 900
    snap = snapshot(s.set, t)
    assert snap.total_reps == sum(b.reps for b in s.set.bouts) == len(s.set.bouts)
    early, late = counts[100], counts[6000]
    assert sorted(late) == sorted(early), (early, late)  # the same calls, not more


@pytest.mark.parametrize("method", ["cluster", "rest-pause", "myo-reps", "drop-set", "forced-negatives"])
def test_the_records_of_each_event_rebuild_every_bout_exactly(method):
    # History is built from the record effects alone (upsert a changed bout,
    # delete a removed one). Comparing only the bouts an event touched must
    # still record every change: after each event the records equal the set.
    rng = random.Random(method)
    plan, _ = compile_plan(method, load_kg=100)
    st = engine.new_set(plan)
    if st.phase is Phase.CONFIRM:
        st, _ = engine.handle(st, Rep(0.0), 0.0)
    history: dict[int, object] = {}
    t, last_rep = 1.0, None
    for _ in range(400):
        t += rng.choice((0.05, 0.3, 0.7, 2.0, 6.0))
        kind = rng.random()
        if kind < 0.6:
            ev, last_rep = Rep(t), t
        elif kind < 0.75:
            ev = Fail(t, retract_at=last_rep if rng.random() < 0.5 else None, decided_at=t)
        elif kind < 0.95:
            ev = Undo(t, retract_at=last_rep if rng.random() < 0.5 else None, decided_at=t)
        else:
            ev = Tick(t)
        st, fx = engine.handle(st, ev, t)
        for e in fx:
            if isinstance(e, BoutChanged):
                history[e.bout.index] = e.bout
            elif isinstance(e, BoutRemoved):
                del history[e.index]
        assert history == {b.index: b for b in st.bouts}
        assert snapshot(st, t).total_reps == sum(b.reps for b in st.bouts)
        if st.phase is Phase.DONE:
            break
