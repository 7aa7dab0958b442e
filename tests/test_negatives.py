"""Forced negatives never pass 120 % of the 1RM; at the cap the lowering grows;
a lowering shorter than its target keeps the load."""

from __future__ import annotations

from scripting import run_script

from station.core import advice, engine
from station.core.events import Rep
from station.core.loads import Kit
from station.core.methods import compile_plan


def negatives_at(load_kg: float, lowered: tuple[float, float, float]):
    """A set of 3 negatives at ``load_kg`` lowered in ``lowered`` s."""
    plan, _ = compile_plan("forced-negatives", load_kg=load_kg)
    t, ats = 2.0, [0.0]
    for x in lowered:
        ats += [t, t + x]
        t += x + 4
    return engine.snapshot(run_script(plan, [(a, Rep(a)) for a in ats], 60).session.set, 60.0)


def test_eight_good_sets_never_pass_120_percent_of_the_1rm():
    # today: 155 -> ... -> 172.5 kg (123 % of 140) after 8 sets
    load = 155.0
    for _ in range(8):
        a = advice.advise(negatives_at(load, (5.5, 5.2, 5.0)), 3, Kit(), one_rm_kg=140.0)
        assert a.load_kg <= 168.0  # 120 % of 140
        load = a.load_kg
    assert load == 167.5
    assert "lower more slowly instead (6 s lowerings)" in a.text


def test_a_short_lowering_keeps_the_load_and_says_slower():
    a = advice.advise(negatives_at(150.0, (5.2, 4.1, 3.0)), 3, Kit(), one_rm_kg=140.0)
    assert (a.change, a.load_kg) == (0, 150.0)
    assert "2 of 3 negatives lowered in under 5 s; lower slower" in a.text


def test_myo_reps_summary_advice_does_not_count_the_activation_set_as_a_mini_set():
    from station.core.events import Fail
    plan, _ = compile_plan("myo-reps", load_kg=30)
    script = ([(float(t), Rep(float(t))) for t in range(15)] + [(15.0, Fail(15.0))]
              + [(float(t), Rep(float(t))) for t in (28, 29, 30, 31, 32, 45, 46)] + [(47.0, Fail(47.0))])
    snap = engine.snapshot(run_script(plan, script, 60).session.set, 60.0)
    a = advice.advise(snap, 5, Kit())
    assert "activation set 15 reps" in a.text and "made 5" not in a.text
