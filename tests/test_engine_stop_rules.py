"""Stop rules at the rack, stated in training terms (docs/methods.md).

Instants are seconds from the start of the script; a Fail is a hold (the end
of a mini-set, not a rep).
"""

from __future__ import annotations

from scripting import run_script

from station.core import engine
from station.core.events import Fail, Phase, Rep
from station.core.methods import compile_plan


def reps(*ats: float) -> list:
    return [(float(t), Rep(float(t))) for t in ats]


def fail(at: float) -> list:
    return [(float(at), Fail(float(at)))]


def test_a_failed_cluster_lowers_the_next_target_to_the_reps_made():
    # Haff 2008; Tufano 2017: clusters stay short of failure.
    plan, _ = compile_plan("cluster", load_kg=100)
    run = run_script(plan, reps(0, 1, 2, 3, 4) + reps(20, 21, 22) + fail(23)
                     + reps(39, 40, 41), until=60)
    st = run.session.set
    assert [b.reps for b in st.bouts] == [5, 3, 3, 0]  # the fourth waits for its first rep
    assert [b.end_reason for b in st.bouts] == ["target", "fail", "target", None]  # 3 is the new target
    assert ("rest", 41.0, 15) in run.cues  # the third cluster ended itself at 3 reps
    assert engine.snapshot(st, 50.0).target_reps == 3


def test_a_second_failed_cluster_ends_the_set():
    plan, _ = compile_plan("cluster", load_kg=100)
    run = run_script(plan, reps(0, 1, 2, 3, 4) + reps(20, 21, 22) + fail(23)
                     + reps(39, 40) + fail(41), until=100)
    st = run.session.set
    assert run.cues[-2:] == [("fail", 41.0, None), ("done", 41.0, "fail")]
    assert (st.phase, st.done_reason) == (Phase.DONE, "fail")
    assert st.set_ended_at == 41.0  # not run on to the 240 s cap


def test_a_failure_at_zero_reps_ends_a_cluster_set():
    plan, _ = compile_plan("sport-cluster", load_kg=60)
    run = run_script(plan, reps(0, 1, 2) + fail(23.5), until=100)
    assert run.cues[-2:] == [("fail", 23.5, None), ("done", 23.5, "fail")]
    assert [b.reps for b in run.session.set.bouts] == [3, 0]


def test_rest_pause_to_a_total_marshall_2012():
    # Reps to failure, then 20 s rests until 20 reps in all.
    plan, warnings = compile_plan("rest-pause", {"total": 20}, load_kg=100)
    assert warnings == [] and plan.rest_s == 20.0 and plan.total_reps == 20
    script = (reps(*range(11)) + fail(11) + reps(*range(32, 36)) + fail(36)
              + reps(57, 58, 59) + fail(60) + reps(81, 82))
    run = run_script(plan, script, until=120)
    st = run.session.set
    assert [b.reps for b in st.bouts] == [11, 4, 3, 2]
    assert run.cues[-2:] == [("rep", 82.0, 2), ("done", 82.0, "total")]  # 20 reached: no hold needed
    assert [b.rest_before_s for b in st.bouts[1:]] == [20.0, 20.0, 20.0]


def test_rest_pause_to_a_total_ends_on_a_mini_set_of_zero():
    plan, _ = compile_plan("rest-pause", {"total": 20})
    run = run_script(plan, reps(*range(8)) + fail(8) + fail(29), until=60)
    assert run.cues[-2:] == [("fail", 29.0, None), ("done", 29.0, "fail")]


def test_a_strip_gets_go_at_ten_seconds_and_the_time_taken_is_recorded():
    plan, _ = compile_plan("drop-set", load_kg=100)
    run = run_script(plan, reps(0, 1, 2) + fail(3) + reps(16, 17) + fail(18) + reps(22), until=30)
    assert ("go", 13.0, "strip") in run.cues  # 10 s after the strip began
    assert [c for c in run.cues if c[0] == "go"] == [("go", 13.0, "strip")]  # the 4 s strip: none
    assert [b.rest_before_s for b in run.session.set.bouts] == [None, 13.0, 4.0]


def test_on_the_clock_range_follows_the_reps_plus_a_10_to_15_s_rest():
    _, warnings = compile_plan("cluster", {"every": 60})
    assert len(warnings) == 1 and "20-30 s for 5 reps" in warnings[0]
    assert compile_plan("cluster", {"every": 25})[1] == []
    _, warnings = compile_plan("cluster", {"every": 20, "reps": 3})
    assert warnings == []
    _, warnings = compile_plan("cluster", {"every": 20, "reps": 6})
    assert "22-33 s for 6 reps" in warnings[0]
