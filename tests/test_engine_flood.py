"""A flood of presses costs the same per event at the 6000th as at the 100th
(issue 11: per-event cost grew with the number of bouts). Counted, not timed:
the Python and builtin calls one event makes through the session and the
snapshot, which a sum or a comparison over every bout would make grow."""

from __future__ import annotations

import sys

from station.core import session
from station.core.engine import snapshot
from station.core.events import Rep
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

        def event():
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
