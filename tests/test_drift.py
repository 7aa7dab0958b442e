"""No drift: however late the shell ticks, every cue is due on the grid it would
have with perfect ticks (deadlines come from deadlines, never from ``now``)."""

from __future__ import annotations

import random

import pytest
from scripting import presses, run_script

from station.core.events import Cue, Phase
from station.core.methods import compile_plan

START = 7.3  # an awkward first-rep instant, so float sums are really exercised

#: every scripted set here also runs through the real main loop on creeping clocks
pytestmark = pytest.mark.usefixtures("shell")


def cluster_presses(start: float, bouts: int, after_go_s: float = 1.0) -> list:
    """5 presses a second apart per cluster; each cluster ``after_go_s`` after its go."""
    ats = [start + i for i in range(5)]
    for k in range(1, bouts):
        ats += [start + (19.0 + after_go_s) * k + i for i in range(5)]
    return presses(*ats, hold_s=0.25)


def seeded_late(seed: int, low_s: float = 0.003, high_s: float = 0.25):
    rng = random.Random(seed)
    return lambda deadline: rng.uniform(low_s, high_s)


def test_cluster_with_late_ticks_keeps_every_cue_on_the_perfect_grid():
    plan, _ = compile_plan("cluster")
    script = cluster_presses(START, 13)
    perfect = run_script(plan, script, until=START + 300)
    late = run_script(plan, script, until=START + 300, late=seeded_late(1))
    assert late.cues == perfect.cues
    assert late.session.set.bouts == perfect.session.set.bouts  # starts, ends, rests too
    # the ticks really were late: the runner saw the rests end after their go
    assert late.phases != perfect.phases
    go_seen = [at for at, ph in late.phases if ph is Phase.WORK][1:]
    go_due = [at for name, at, _ in late.cues if name == "go"]
    assert len(go_seen) == len(go_due) == 12
    assert all(due + 0.003 <= seen <= due + 0.25 for seen, due in zip(go_seen, go_due))


def test_the_cap_of_a_240_s_cluster_is_at_exactly_start_plus_240():
    plan, _ = compile_plan("cluster")
    # clusters every 20.5 s: the 12th runs 225.5-229.5 and its rest would
    # pass the cap at 240. From 240 - 15 = 225 no rest can end before the cap:
    # "last one" is due at exactly that instant, and the set ends with it.
    script = cluster_presses(START, 13, after_go_s=1.5)
    late = run_script(plan, script, until=START + 300, late=seeded_late(2))
    assert [c for c in late.cues if c[0] == "cap"] == [("cap", START + 225.0, "last")]
    assert late.cues[-2:] == [("rep", START + 229.5, 5), ("done", START + 229.5, "cap")]
    assert late.session.set.cap_at == START + 240.0
    assert late.session.set.set_ended_at == START + 229.5


def test_ticks_seconds_late_still_sound_each_count_at_its_instant():
    # a shell that wakes 2.5 s late fires three count-ins at once, each still
    # stamped with its own instant, and the next rest is still 15 s long
    plan, _ = compile_plan("cluster")
    script = cluster_presses(START, 3)
    perfect = run_script(plan, script, until=START + 70)
    late = run_script(plan, script, until=START + 70, late=lambda d: 2.5)
    assert late.cues == perfect.cues
    counts = [(at - START, v) for name, at, v in late.cues if name in ("count", "go")]
    assert counts[:4] == [(16.0, 3), (17.0, 2), (18.0, 1), (19.0, None)]


def test_forced_negatives_with_late_ticks_keep_the_tempo_grid():
    plan, _ = compile_plan("forced-negatives", {"eccentric": 6})
    # top presses at 2, 12, 22, each lowering with no bottom press (waited 12 s)
    script = presses(START, START + 2, START + 15, START + 28, hold_s=0.3)
    perfect = run_script(plan, script, until=START + 50)
    late = run_script(plan, script, until=START + 50, late=seeded_late(3))
    assert late.cues == perfect.cues
    tempo = [(round(at - START, 9), v) for name, at, v in late.cues if name == "tempo"]
    assert tempo == [(2.0 + k + s, s) for k in (0, 13, 26) for s in range(1, 7)]
    assert late.cues[-1] == ("done", START + 40.0, "complete")
    assert late.phases != perfect.phases


def test_cues_come_in_time_order_with_late_ticks():
    plan, _ = compile_plan("cluster")
    late = run_script(plan, cluster_presses(START, 4), until=START + 90, late=seeded_late(4))
    cues = [e for e in late.effects if isinstance(e, Cue)]
    assert [c.at for c in cues] == sorted(c.at for c in cues)  # in time order
