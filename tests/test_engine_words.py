"""The words and counts on screen are true for every method: what the engine
did, counted the way the method counts it (issue: no promise the set will not
keep)."""

from __future__ import annotations

import pytest
from scripting import run_script

from station.commands import gallery
from station.core import engine
from station.core.events import Rep
from station.core.methods import PRESETS, compile_plan
from station.ui import view


def reps(*ats: float) -> list:
    return [(float(t), Rep(float(t))) for t in ats]


def test_forced_negatives_summary_counts_negatives_and_shows_each_lowering():
    plan, _ = compile_plan("forced-negatives", load_kg=150)
    run = run_script(plan, reps(0, 2, 8, 12, 17.5, 22, 25), until=40)
    m = view.summary_model(engine.snapshot(run.session.set, 40.0))
    assert (m.headline, m.headline_label) == ("3", "negatives")
    assert m.bar_labels == ("6.0", "5.5", "3.0")  # one bar per negative, its lowering s
    assert "3 negatives in 0:23" in m.lines
    assert "1 lowered faster than 5 s: slower" in m.lines
    assert not any("1 negative" == line.split(" in ")[0] for line in m.lines)


def test_forced_negatives_heading_and_big_number_agree():
    plan, _ = compile_plan("forced-negatives", load_kg=150)
    st = run_script(plan, reps(0, 2, 8), until=9).session.set  # one lowered, waiting
    m = view.screen_model(engine.snapshot(st, 9.0), 9.0)
    assert (m.word, m.big, m.big_label, m.bout) == ("WORK", "1", "of 3 done", "next: negative 2 of 3")
    st = run_script(plan, reps(0, 2, 8, 10), until=11.5).session.set
    m = view.screen_model(engine.snapshot(st, 11.5), 11.5)
    assert (m.word, m.bout) == ("LOWER", "negative 2 of 3")


def test_ready_says_what_a_press_does_for_the_method():
    plan, _ = compile_plan("forced-negatives", load_kg=150)
    st = engine.handle(engine.new_set(plan), Rep(0.0), 0.0)[0]  # the spotter confirmed
    m = view.screen_model(engine.snapshot(st, 1.0), 1.0)
    assert "press at top and at bottom" in m.lines
    assert "press after each rep" not in m.lines
    m = view.screen_model(engine.snapshot(engine.new_set(compile_plan("cluster")[0]), 0.0), 0.0)
    assert "press after each rep" in m.lines


def test_forced_negatives_without_a_1rm_state_the_rule_not_a_blank():
    plan, _ = compile_plan("forced-negatives")
    st = engine.handle(engine.new_set(plan), Rep(0.0), 0.0)[0]
    m = view.screen_model(engine.snapshot(st, 1.0), 1.0, view.Context(exercise="bench press"))
    assert "bench press  110-120 % of 1RM: load unknown (no 1RM)" in m.lines


def test_strength_rest_pause_counts_singles_made_not_bouts():
    plan, _ = compile_plan("strength-rest-pause", load_kg=140)
    from station.core.events import Fail
    run = run_script(plan, reps(0, 10, 27) + [(44.0, Fail(44.0))], until=60)
    m = view.summary_model(engine.snapshot(run.session.set, 60.0))
    assert m.lines[2].startswith("2 singles, 1 missed")


def test_myo_reps_summary_does_not_count_the_activation_set_as_a_mini_set():
    plan, _ = compile_plan("myo-reps")
    from station.core.events import Fail
    script = reps(*range(15)) + [(15.0, Fail(15.0))] + reps(28, 29, 30, 31, 32) + reps(45, 46)
    run = run_script(plan, script + [(47.0, Fail(47.0))], until=60)
    m = view.summary_model(engine.snapshot(run.session.set, 60.0))
    assert m.lines[1].startswith("activation 15 + 2 mini-sets")


@pytest.mark.parametrize("method", list(PRESETS))
def test_the_gallery_shows_each_methods_real_summary(method):
    name, snap, now, ctx = gallery.method_scenes(method)[-1]
    assert name == "done"
    m = view.model_for(snap, now, ctx)
    known = set(view.DONE_REASONS.values())
    assert snap.done_reason not in m.lines  # a reason in words, never a code
    if snap.done_reason == "complete":  # the normal end says nothing new: not shown
        assert not any(line in known for line in m.lines), m.lines
    else:
        assert any(line in known for line in m.lines), m.lines
    assert "bouts" not in m.lines


def test_rest_screen_says_when_a_press_starts_the_next_bout():
    plan, _ = compile_plan("cluster")
    st = run_script(plan, reps(0, 1, 2, 3, 4), until=8).session.set  # rest 4..19
    assert "started early? press after the rep" not in view.screen_model(engine.snapshot(st, 8.0), 8.0).lines
    st = run_script(plan, reps(0, 1, 2, 3, 4), until=12).session.set
    assert "started early? press after the rep" in view.screen_model(engine.snapshot(st, 12.0), 12.0).lines


def test_a_strip_past_ten_seconds_says_go_now():
    from station.core.events import Fail
    plan, _ = compile_plan("drop-set", load_kg=100)
    st = run_script(plan, reps(0, 1) + [(2.0, Fail(2.0))], until=13).session.set
    m = view.screen_model(engine.snapshot(st, 13.0), 13.0)
    assert (m.word, m.big, m.lines[0]) == ("STRIP", "11", "over 10 s: go now")


def test_the_running_bout_known_to_be_the_last_says_so():
    plan, _ = compile_plan("cluster", {"duration": 180})
    script = []
    for k in range(9):  # a cluster every 20 s
        script += reps(*(20 * k + i for i in range(5)))
    st = run_script(plan, script + reps(180.0), until=181).session.set
    m = view.screen_model(engine.snapshot(st, 181.0), 181.0)
    assert m.word == "WORK"
    assert any(line.startswith("time cap reached: last one") or line.startswith("last one")
               for line in m.lines)
