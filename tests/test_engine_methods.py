"""Every method run as a scripted set on a fake clock: exact cue and phase timelines.

Instants are seconds from the start of the script. A "lifter" here presses a
rep every second; a Fail event is the end of a mini-set (a hold, or the
remote's FAIL); the spotter's confirming press is a Rep in CONFIRM.
"""

from __future__ import annotations

import pytest
from scripting import presses, run_script

from station.core import engine
from station.core.events import Fail, Phase, Rep, Tick
from station.core.methods import compile_plan

C, RD, W, RS, S, L, D = (Phase.CONFIRM, Phase.READY, Phase.WORK, Phase.REST, Phase.STRIP,
                         Phase.LOWER, Phase.DONE)

#: every scripted set here also runs through the real main loop on creeping clocks
pytestmark = pytest.mark.usefixtures("shell")


def reps(*ats: float) -> list:
    return [(float(t), Rep(float(t))) for t in ats]


def fail(at: float) -> list:
    return [(float(at), Fail(float(at)))]


def rep_cues(*ats: float) -> list:
    """The rep cues of one bout whose reps are pressed at ``ats``."""
    return [("rep", float(t), i + 1) for i, t in enumerate(ats)]


def rest_cues(at: float, rest_s: float) -> list:
    """A rest from ``at``: the rest cue, the 3-2-1 count-in, go."""
    end = at + rest_s
    return [("rest", at, round(rest_s)), ("count", end - 3, 3), ("count", end - 2, 2),
            ("count", end - 1, 1), ("go", end, None)]


def reps_per_bout(run) -> list[int]:
    return [b.reps for b in run.session.set.bouts]


def finish(run) -> tuple:
    st = run.session.set
    return st.phase, st.done_reason, st.status


# ------------------------------------------------------------------ cluster


def cluster_lifter(first_rep: float, bouts: int, go_every: float = 20.0) -> list[float]:
    """Rep instants of a lifter who presses 1 s after each go (5 reps a cluster)."""
    out = [first_rep + i for i in range(5)]
    for k in range(1, bouts):
        out += [first_rep + go_every * k + i for i in range(5)]
    return out


def test_cluster_full_four_minutes_cap_passes_during_work():
    plan, warnings = compile_plan("cluster", load_kg=60)
    assert warnings == []
    # 5 reps (1 s apart) + 15 s rest + 1 s to the first rep = 20 s a cluster.
    run = run_script(plan, reps(*cluster_lifter(0, 13)), until=300)

    expected = rep_cues(0, 1, 2, 3, 4) + rest_cues(4.0, 15)
    for k in range(1, 12):
        start = 20.0 * k
        expected += rep_cues(*(start + i for i in range(5))) + rest_cues(start + 4, 15)
    # The 13th cluster starts at 239 (go): no rest from then could end before
    # the cap at 240, so its go is followed by "last one" (cap); the cap passes
    # during its first rep, silently (already said); it is finished in full.
    expected[-1:] = [("go", 239.0, None), ("cap", 239.0, "last")]
    expected += rep_cues(240, 241, 242, 243, 244) + [("done", 244.0, "cap")]
    assert run.cues == expected
    assert run.cues[-9:] == [
        ("count", 238.0, 1), ("go", 239.0, None), ("cap", 239.0, "last"),
        ("rep", 240.0, 1), ("rep", 241.0, 2), ("rep", 242.0, 3), ("rep", 243.0, 4),
        ("rep", 244.0, 5), ("done", 244.0, "cap"),
    ]
    phases = [(0.0, RD), (0.0, W), (4.0, RS)]
    for k in range(1, 13):
        phases += [(20.0 * k - 1, W), (20.0 * k + 4, RS)]
    phases[-1] = (244.0, D)
    assert run.phases == phases
    assert reps_per_bout(run) == [5] * 13
    assert finish(run) == (D, "cap", "completed")
    bouts = run.session.set.bouts
    assert [b.end_reason for b in bouts] == ["target"] * 13  # the last one finished in full
    assert [b.rest_before_s for b in bouts] == [None] + [15.0] * 12
    assert {b.load_kg for b in bouts} == {60.0}


def test_cluster_driven_by_the_button_gives_the_same_timeline():
    plan, _ = compile_plan("cluster")
    ats = cluster_lifter(0, 13)
    by_events = run_script(plan, reps(*ats), until=300)
    by_button = run_script(plan, presses(*ats, hold_s=0.3), until=300)
    assert by_button.cues == by_events.cues
    assert reps_per_bout(by_button) == [5] * 13


def test_cluster_cap_that_would_fall_in_a_rest_makes_the_cluster_before_it_the_last():
    plan, warnings = compile_plan("cluster", {"duration": 230})
    assert warnings == []
    run = run_script(plan, reps(*cluster_lifter(0, 14)), until=300)
    # The 12th cluster starts at 219: a rest after it would end at 234 or
    # later, past the cap at 230. So its go says "last one", and the set is
    # done when it ends: no rest, no count-in to a cluster that never comes.
    assert run.cues[-8:] == [("go", 219.0, None), ("cap", 219.0, "last")] + rep_cues(
        220, 221, 222, 223, 224) + [("done", 224.0, "cap")]
    assert not [c for c in run.cues if c[0] in ("rest", "count") and c[1] >= 224.0]
    assert run.phases[-2:] == [(219.0, W), (224.0, D)]
    assert reps_per_bout(run) == [5] * 12
    assert finish(run) == (D, "cap", "completed")
    assert run.session.set.set_ended_at == 224.0
    # presses after the end change nothing
    assert [c for c in run.cues if c[1] > 224.0] == []


def test_cluster_on_the_clock_starts_every_n_seconds_from_the_first_rep():
    plan, warnings = compile_plan("cluster", {"every": 30, "duration": 180})
    assert warnings == []
    run = run_script(plan, reps(*cluster_lifter(0, 6, go_every=30.0)), until=300)
    # Each cluster ends 4 s after its go and rests to the next grid line
    # (30k from the first rep): 26 s rests. The lifter presses right at go.
    expected = rep_cues(0, 1, 2, 3, 4) + rest_cues(4.0, 26)
    for k in range(1, 6):
        expected += rep_cues(*(30.0 * k + i for i in range(5)))
        expected += rest_cues(30.0 * k + 4, 26)
    # The 6th cluster starts on the last grid line before the cap (150): the
    # next would start at the cap itself, so its go says "last one" and the
    # set is done when it ends (154), with no rest and no count-in.
    assert expected[-11] == ("go", 150.0, None)
    expected[-10:-10] = [("cap", 150.0, "last")]
    expected[-5:] = [("done", 154.0, "cap")]
    assert run.cues == expected
    assert [b.started_at for b in run.session.set.bouts] == [0.0, 30.0, 60.0, 90.0, 120.0, 150.0]
    assert finish(run) == (D, "cap", "completed")


def test_cluster_on_the_clock_rest_shrinks_when_the_lifter_is_slow():
    plan, _ = compile_plan("cluster", {"every": 30})
    # Bout 0 at 0..4, bout 1 starts at 30 but the lifter begins only at 35.
    run = run_script(plan, reps(0, 1, 2, 3, 4, 35, 36, 37, 38, 39), until=61)
    assert run.cues[15:] == [("rest", 39.0, 21), ("count", 57.0, 3), ("count", 58.0, 2),
                             ("count", 59.0, 1), ("go", 60.0, None)]


# ------------------------------------------------------------------ sport cluster


def test_sport_cluster_ends_after_the_planned_clusters():
    plan, warnings = compile_plan("sport-cluster", {"clusters": 8}, load_kg=50)
    assert warnings == []
    # 3 reps, 20 s rest; the lifter starts 1 s after go: a cluster every 23 s.
    ats = [0, 1, 2]
    for k in range(1, 8):
        ats += [23 * k + i for i in range(3)]
    run = run_script(plan, reps(*ats), until=300)
    expected = rep_cues(0, 1, 2) + rest_cues(2.0, 20)
    for k in range(1, 7):
        expected += rep_cues(23 * k, 23 * k + 1, 23 * k + 2) + rest_cues(23.0 * k + 2, 20)
    expected += rep_cues(161, 162, 163) + [("done", 163.0, "complete")]
    assert run.cues == expected
    assert reps_per_bout(run) == [3] * 8
    assert finish(run) == (D, "complete", "completed")
    assert engine.next_deadline(run.session.set) is None


# ------------------------------------------------------------------ rest-pause


def test_rest_pause_three_pauses_each_to_failure():
    plan, _ = compile_plan("rest-pause")
    script = (reps(*range(10)) + fail(10) + reps(26, 27, 28, 29) + fail(30)
              + reps(46, 47) + fail(48) + reps(64) + fail(65) + reps(70))
    run = run_script(plan, script, until=100)
    assert run.cues == (
        rep_cues(*range(10)) + [("fail", 10.0, None)] + rest_cues(10.0, 15)
        + rep_cues(26, 27, 28, 29) + [("fail", 30.0, None)] + rest_cues(30.0, 15)
        + rep_cues(46, 47) + [("fail", 48.0, None)] + rest_cues(48.0, 15)
        + rep_cues(64) + [("fail", 65.0, None), ("done", 65.0, "complete")]
    )
    assert run.phases == [(0.0, RD), (0.0, W), (10.0, RS), (25.0, W), (30.0, RS), (45.0, W),
                          (48.0, RS), (63.0, W), (65.0, D)]
    assert reps_per_bout(run) == [10, 4, 2, 1]
    assert [b.end_reason for b in run.session.set.bouts] == ["fail"] * 4
    assert finish(run) == (D, "complete", "completed")


# ------------------------------------------------------------------ strength rest-pause


def test_strength_rest_pause_nothing_starts_before_the_spotter_confirms():
    plan, _ = compile_plan("strength-rest-pause")
    run = run_script(plan, [(30.0, Tick(30.0)), (35.0, Fail(35.0))], until=100)
    assert run.cues == [("warn", 35.0, None)]  # a remote FAIL means nothing yet
    assert run.phases == [(0.0, C)]
    st = run.session.set
    assert (st.set_started_at, st.bouts, st.spotter_confirmed_at) == (None, (), None)
    assert engine.next_deadline(st) is None


def test_strength_rest_pause_singles_until_failure():
    plan, _ = compile_plan("strength-rest-pause", load_kg=140)
    script = reps(10, 40, 57, 74) + fail(91)
    run = run_script(plan, script, until=200)
    assert run.cues == (
        [("go", 10.0, "spotter")]
        + rep_cues(40) + rest_cues(40.0, 15)
        + rep_cues(57) + rest_cues(57.0, 15)
        + rep_cues(74) + rest_cues(74.0, 15)
        + [("fail", 91.0, None), ("done", 91.0, "fail")]
    )
    assert run.phases == [(0.0, C), (10.0, RD), (40.0, RS), (55.0, W), (57.0, RS), (72.0, W),
                          (74.0, RS), (89.0, W), (91.0, D)]
    st = run.session.set
    assert reps_per_bout(run) == [1, 1, 1, 0]  # the failed fourth single
    assert (st.spotter_confirmed_at, st.set_started_at) == (10.0, 40.0)
    assert finish(run) == (D, "fail", "completed")


def test_strength_rest_pause_time_cap():
    plan, warnings = compile_plan("strength-rest-pause", {"duration": 120})
    assert warnings == []
    singles = [5 + 17 * k for k in range(8)]  # 5, 22, ..., 124
    run = run_script(plan, reps(0, *singles), until=200)
    # The cap (5 + 120 = 125) would pass during the rest after the single
    # begun at 122: that single is announced as the last, and ends the set.
    assert run.cues[-4:] == [("go", 122.0, None), ("cap", 122.0, "last"), ("rep", 124.0, 1),
                             ("done", 124.0, "cap")]
    assert reps_per_bout(run) == [1] * 8
    assert finish(run) == (D, "cap", "completed")


# ------------------------------------------------------------------ myo-reps


def test_myo_reps_end_on_a_short_mini_set():
    plan, _ = compile_plan("myo-reps")
    script = (reps(*range(14)) + fail(14) + reps(27, 28, 29, 30, 31)
              + reps(44, 45, 46, 47) + fail(48) + reps(61, 62) + fail(63))
    run = run_script(plan, script, until=100)
    assert run.cues == (
        rep_cues(*range(14)) + [("fail", 14.0, None)] + rest_cues(14.0, 12)
        + rep_cues(27, 28, 29, 30, 31) + rest_cues(31.0, 12)  # the target of 5 ends it
        + rep_cues(44, 45, 46, 47) + [("fail", 48.0, None)] + rest_cues(48.0, 12)
        + rep_cues(61, 62) + [("fail", 63.0, None), ("done", 63.0, "min-reps")]
    )
    assert reps_per_bout(run) == [14, 5, 4, 2]
    assert [b.end_reason for b in run.session.set.bouts] == ["fail", "target", "fail", "fail"]
    assert finish(run) == (D, "min-reps", "completed")


def test_myo_reps_end_after_the_most_mini_sets():
    plan, warnings = compile_plan("myo-reps", {"mini-sets": 3})
    assert warnings == []
    script = reps(*range(12)) + fail(12) + reps(25, 26, 27, 28, 29, 42, 43, 44, 45, 46,
                                               59, 60, 61, 62, 63, 70)
    run = run_script(plan, script, until=100)
    assert run.cues == (
        rep_cues(*range(12)) + [("fail", 12.0, None)] + rest_cues(12.0, 12)
        + rep_cues(25, 26, 27, 28, 29) + rest_cues(29.0, 12)
        + rep_cues(42, 43, 44, 45, 46) + rest_cues(46.0, 12)
        + rep_cues(59, 60, 61, 62, 63) + [("done", 63.0, "complete")]
    )
    assert reps_per_bout(run) == [12, 5, 5, 5]
    assert finish(run) == (D, "complete", "completed")


# ------------------------------------------------------------------ drop sets


def test_drop_set_strips_and_names_the_next_load():
    plan, _ = compile_plan("drop-set", load_kg=100)
    assert plan.loads_kg == (100.0, 80.0, 64.0)
    script = reps(*range(10)) + fail(10) + reps(*range(20, 26)) + fail(26) + reps(35, 36, 37, 38) + fail(39)
    run = run_script(plan, script, until=100)
    assert run.cues == (
        rep_cues(*range(10)) + [("fail", 10.0, None), ("strip", 10.0, "80 kg")]
        + [("go", 20.0, "strip")]  # 10 s of stripping: go now
        + rep_cues(*range(20, 26)) + [("fail", 26.0, None), ("strip", 26.0, "64 kg")]
        + rep_cues(35, 36, 37, 38) + [("fail", 39.0, None), ("done", 39.0, "complete")]
    )
    assert run.phases == [(0.0, RD), (0.0, W), (10.0, S), (20.0, W), (26.0, S), (35.0, W),
                          (39.0, D)]
    bouts = run.session.set.bouts
    assert [b.reps for b in bouts] == [10, 6, 4]
    assert [b.load_kg for b in bouts] == [100.0, 80.0, 64.0]
    assert [b.rest_before_s for b in bouts] == [None, 10.0, 9.0]  # the strip took that long
    assert finish(run) == (D, "complete", "completed")


def test_drop_set_strip_phase_snapshot_shows_the_next_load():
    plan, _ = compile_plan("drop-set", load_kg=100, drop_loads_kg=(100.0, 80.0, 62.5))
    run = run_script(plan, reps(*range(10)) + fail(10) + reps(*range(20, 26)) + fail(26), until=30)
    assert run.cues[-1] == ("strip", 26.0, "62.5 kg")
    snap = engine.snapshot(run.session.set, 30.0)
    assert (snap.phase, snap.load_kg, snap.next_load_kg) == (S, 80.0, 62.5)
    assert (snap.bout_index, snap.reps_in_bout, snap.seconds_left) == (1, 0, None)
    assert snap.reps_per_bout == (10, 6)
    # a strip counts up; at 10 s it gets a go ("immediately")
    assert engine.next_deadline(run.session.set) == 36.0


def test_drop_set_without_a_load_strips_without_a_number():
    plan, _ = compile_plan("drop-set")
    run = run_script(plan, reps(0, 1) + fail(2), until=10)
    assert run.cues[-2:] == [("fail", 2.0, None), ("strip", 2.0, None)]


def test_mechanical_drop_set_switches_variation():
    plan, _ = compile_plan("mechanical-drop-set", load_kg=30)
    script = reps(*range(8)) + fail(8) + reps(15, 16, 17, 18) + fail(19) + reps(25, 26, 27) + fail(28)
    run = run_script(plan, script, until=40)
    assert run.cues == (
        rep_cues(*range(8)) + [("fail", 8.0, None), ("strip", 8.0, "skull-crusher")]
        + rep_cues(15, 16, 17, 18) + [("fail", 19.0, None), ("strip", 19.0, "chin-crusher")]
        + rep_cues(25, 26, 27) + [("fail", 28.0, None), ("done", 28.0, "complete")]
    )
    bouts = run.session.set.bouts
    assert [(b.variation, b.reps, b.load_kg) for b in bouts] == [
        ("lying overhead extension", 8, 30.0), ("skull-crusher", 4, 30.0), ("chin-crusher", 3, 30.0)]
    assert finish(run) == (D, "complete", "completed")


def test_mechanical_drop_set_custom_variations_and_snapshot():
    plan, warnings = compile_plan("mechanical-drop-set", {"variations": ["feet low", "feet high"]})
    assert warnings == []
    run = run_script(plan, reps(0, 1, 2) + fail(3), until=5)
    assert run.cues[-1] == ("strip", 3.0, "feet high")
    snap = engine.snapshot(run.session.set, 5.0)
    assert (snap.phase, snap.variation, snap.next_variation) == (S, "feet low", "feet high")
    run = run_script(plan, reps(0, 1, 2) + fail(3) + reps(6, 7) + fail(8), until=10)
    assert run.cues[-2:] == [("fail", 8.0, None), ("done", 8.0, "complete")]
    assert [b.variation for b in run.session.set.bouts] == ["feet low", "feet high"]


# ------------------------------------------------------------------ forced negatives


def tempo_cues(start: float, n: int = 5) -> list:
    return [("tempo", start + k, k) for k in range(1, n + 1)]


def test_forced_negatives_tempo_every_second_and_the_bottom_press_measures_the_lowering():
    plan, _ = compile_plan("forced-negatives", load_kg=150)
    # top press (the lowering starts), bottom press (it ends), three times;
    # the third is lowered in 3 s against a 5 s target: "slower".
    run = run_script(plan, reps(0, 2, 7.5, 10, 15.2, 18, 21), until=40)
    assert run.cues == (
        [("go", 0.0, "spotter")]
        + rep_cues(2) + tempo_cues(2.0) + [("tempo", 7.5, "bottom")]
        + [("rep", 10.0, 2)] + tempo_cues(10.0) + [("tempo", 15.2, "bottom")]
        + [("rep", 18.0, 3)] + tempo_cues(18.0, 3) + [("slower", 21.0, 3.0),
                                                     ("done", 21.0, "complete")]
    )
    assert run.phases == [(0.0, C), (0.0, RD), (2.0, L), (7.5, W), (10.0, L), (15.2, W),
                          (18.0, L), (21.0, D)]
    assert reps_per_bout(run) == [3]
    assert run.session.set.bouts[0].lowered_s == (5.5, 5.2, 3.0)
    assert finish(run) == (D, "complete", "completed")


def test_forced_negatives_without_a_bottom_press_wait_twice_the_target_unmeasured():
    plan, _ = compile_plan("forced-negatives", load_kg=150)
    run = run_script(plan, reps(0, 2), until=40)
    assert run.cues == [("go", 0.0, "spotter")] + rep_cues(2) + tempo_cues(2.0)
    assert run.phases == [(0.0, C), (0.0, RD), (2.0, L), (12.0, W)]
    assert run.session.set.bouts[0].lowered_s == (None,)


def test_forced_negatives_wait_for_the_spotter():
    plan, _ = compile_plan("forced-negatives")
    # The first press only confirms the spotter: no rep, no lowering.
    run = run_script(plan, reps(5) + [(20.0, Tick(20.0))], until=20)
    assert run.cues == [("go", 5.0, "spotter")]
    assert run.phases == [(0.0, C), (5.0, RD)]
    assert run.session.set.bouts == ()


def test_forced_negatives_a_fast_lowering_and_quick_return_never_lose_the_next_negative():
    plan, _ = compile_plan("forced-negatives", {"eccentric": 4})
    # The bar drops in 1.5 s (bottom press at 2.5: "slower"); the spotter
    # returns it at once and the next top press at 3 starts negative 2.
    run = run_script(plan, reps(0, 1, 2.5, 3), until=5)
    assert run.cues == [("go", 0.0, "spotter"), ("rep", 1.0, 1), ("tempo", 2.0, 1),
                        ("slower", 2.5, 1.5), ("rep", 3.0, 2), ("tempo", 4.0, 1),
                        ("tempo", 5.0, 2)]
    assert run.session.set.phase is L


def test_forced_negatives_failure_ends_the_set():
    plan, _ = compile_plan("forced-negatives", {"eccentric": 4})
    run = run_script(plan, reps(0, 1) + fail(3.5) + fail(9), until=20)
    assert run.cues == ([("go", 0.0, "spotter"), ("rep", 1.0, 1), ("tempo", 2.0, 1),
                         ("tempo", 3.0, 2), ("fail", 3.5, None), ("done", 3.5, "fail")])
    assert reps_per_bout(run) == [1]
    assert finish(run) == (D, "fail", "completed")
