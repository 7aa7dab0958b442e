"""Engine rules: the transition table, snapshots, undo, early reps, retraction,
ending and aborting a set."""

from __future__ import annotations

import pytest
from scripting import press, run_script

from station.core import engine
from station.core.engine import (
    CapReached,
    CountIn,
    IllegalTransition,
    LastKnown,
    LowerEnd,
    RestEnd,
    StripLate,
    TempoTick,
)
from station.core.events import (
    Abort,
    BoutRemoved,
    Cue,
    End,
    Fail,
    Phase,
    Rep,
    SetChanged,
    Tick,
    Undo,
)
from station.core.methods import compile_plan


def reps(*ats: float) -> list:
    return [(float(t), Rep(float(t))) for t in ats]


def plan(name: str, **kw):
    return compile_plan(name, **kw)[0]


def state_in(phase: Phase):
    """A set in ``phase`` and the instant (s) it is at."""
    if phase is Phase.CONFIRM:
        return engine.new_set(plan("strength-rest-pause")), 0.0
    if phase is Phase.READY:
        return engine.new_set(plan("cluster")), 0.0
    script, until, name = {
        Phase.WORK: (reps(0, 1), 2.0, "cluster"),
        Phase.REST: (reps(0, 1, 2, 3, 4), 6.0, "cluster"),
        Phase.STRIP: (reps(0, 1) + [(2.0, Fail(2.0))], 3.0, "drop-set"),
        Phase.LOWER: (reps(0, 1), 2.0, "forced-negatives"),
        Phase.DONE: (reps(0) + [(1.0, End(1.0))], 2.0, "cluster"),
    }[phase]
    st = run_script(plan(name, load_kg=100), script, until).session.set
    assert st.phase is phase
    return st, until


# ------------------------------------------------------------------ transition table


@pytest.mark.parametrize("phase", list(Phase))
def test_every_user_event_is_legal_in_every_phase(phase):
    st, t = state_in(phase)
    events = [Rep(t), Fail(t), Fail(t, retract_at=t - 1, decided_at=t), Undo(t),
              Undo(t, retract_at=t - 1, decided_at=t), End(t), End(t, retract_at=t - 1),
              Abort(t), Tick(t), Tick(t + 1000.0)]
    for ev in events:
        new, _ = engine.handle(st, ev, t)
        assert new.phase in Phase
    # after an Abort or an End the set is over, whatever the phase
    assert engine.handle(st, Abort(t), t)[0].phase is Phase.DONE
    assert engine.handle(st, End(t), t)[0].phase is Phase.DONE


TIMERS = [CountIn, RestEnd, TempoTick, LowerEnd, CapReached, LastKnown, StripLate]
LEGAL_TIMERS = {
    (Phase.REST, CountIn), (Phase.REST, RestEnd),
    (Phase.LOWER, TempoTick), (Phase.LOWER, LowerEnd),
    (Phase.WORK, LastKnown), (Phase.STRIP, StripLate),
    (Phase.WORK, CapReached), (Phase.REST, CapReached),
    (Phase.STRIP, CapReached), (Phase.LOWER, CapReached),
}


def timer(cls, at: float):
    return cls(at, 1) if cls in (CountIn, TempoTick) else cls(at)


def test_the_table_allows_timer_events_only_where_they_can_happen():
    in_table = {(p, cls) for (p, cls) in engine.TRANSITIONS if cls in TIMERS}
    assert in_table == LEGAL_TIMERS


@pytest.mark.parametrize(
    ("phase", "cls"), [(p, c) for p in Phase for c in TIMERS if (p, c) not in LEGAL_TIMERS])
def test_a_timer_event_in_a_wrong_phase_raises_naming_event_and_phase(phase, cls):
    st, t = state_in(phase)
    with pytest.raises(IllegalTransition) as info:
        engine.handle(st, timer(cls, t), t)
    assert cls.__name__ in str(info.value) and phase.value in str(info.value)
    assert info.value.phase is phase and type(info.value.event) is cls


USER_EVENTS = [Rep, Fail, Undo, End, Abort]


def event(cls, at: float):
    return timer(cls, at) if cls in TIMERS else cls(at)


@pytest.mark.parametrize("phase", list(Phase))
@pytest.mark.parametrize("cls", USER_EVENTS + TIMERS)
def test_every_pair_is_in_the_table_with_its_destinations_or_rejected_naming_both(phase, cls):
    # The table says where each event takes a set, as data: what the engine
    # does lands in one of those phases; a pair not in it raises, naming both.
    st, t = state_in(phase)
    dests = engine.destinations(phase, cls)
    if (phase, cls) not in engine.TRANSITIONS:
        assert dests == frozenset()
        with pytest.raises(IllegalTransition) as info:
            engine.handle(st, event(cls, t), t)
        assert cls.__name__ in str(info.value) and phase.value in str(info.value)
        return
    assert dests and dests <= set(Phase)
    new, _ = engine.handle(st, event(cls, t), t)
    assert new.phase in dests, (phase, cls, new.phase, dests)


def test_the_table_reads_as_data():
    # Every row names its next phase (or a bout end) and guards are named
    # values; each user event is legal in every phase.
    for (phase, cls), row in engine.TRANSITIONS.items():
        assert isinstance(row.to, (Phase, engine.BoutEnds)), (phase, cls)
        assert all(g.name and isinstance(g.to, (Phase, engine.BoutEnds)) for g in row.guards)
    assert {(p, c) for p in Phase for c in USER_EVENTS} <= set(engine.TRANSITIONS)
    assert engine.destinations(Phase.CONFIRM, Rep) == {Phase.READY}
    assert engine.destinations(Phase.WORK, Fail) == {Phase.REST, Phase.STRIP, Phase.DONE}
    assert engine.destinations(Phase.REST, Rep) == {Phase.REST, Phase.WORK, Phase.LOWER,
                                                    Phase.STRIP, Phase.DONE}
    assert engine.destinations(Phase.DONE, Rep) == {Phase.DONE}


# ------------------------------------------------------------------ snapshot


def cluster_run(until: float, *extra):
    p = plan("cluster", load_kg=60)
    return run_script(p, reps(0, 1, 2, 3, 4, 20, 21, 22, *extra), until).session.set


def test_snapshot_before_the_first_rep():
    snap = engine.snapshot(engine.new_set(plan("cluster", load_kg=60)), 5.0)
    assert (snap.phase, snap.bout_index, snap.reps_in_bout, snap.reps_per_bout) == (
        Phase.READY, 0, 0, ())
    assert (snap.set_started_at, snap.cap_at, snap.cap_left_s, snap.seconds_left) == (
        None, None, None, None)
    assert (snap.target_reps, snap.load_kg, snap.spotter_required) == (5, 60.0, False)


def test_snapshot_during_work():
    snap = engine.snapshot(cluster_run(22.5), 22.5)
    assert (snap.phase, snap.bout_index, snap.reps_in_bout, snap.reps_per_bout) == (
        Phase.WORK, 1, 3, (5, 3))
    assert (snap.total_reps, snap.seconds_left, snap.cap_at, snap.cap_left_s) == (
        8, None, 240.0, 217.5)
    assert (snap.phase_started_at, snap.target_reps, snap.cap_reached) == (19.0, 5, False)


def test_snapshot_during_a_rest():
    snap = engine.snapshot(cluster_run(30.0, 23, 24), 30.0)
    assert (snap.phase, snap.bout_index, snap.reps_in_bout, snap.reps_per_bout) == (
        Phase.REST, 1, 0, (5, 5))
    assert (snap.phase_ends_at, snap.seconds_left, snap.cap_left_s) == (39.0, 9.0, 210.0)
    assert (snap.next_load_kg, snap.target_reps) == (60.0, 5)


def test_snapshot_after_the_cap_the_running_cluster_is_the_last():
    p = plan("cluster", overrides={"duration": 180})
    # the lifter is idle in the cluster that started at 19 when the cap passes
    st = run_script(p, reps(0, 1, 2, 3, 4), 200).session.set
    snap = engine.snapshot(st, 200.0)
    assert (snap.phase, snap.cap_left_s, snap.cap_reached, snap.done_reason) == (
        Phase.WORK, 0.0, True, None)
    st = run_script(p, reps(0, 1, 2, 3, 4, 200, 201, 202, 203, 204), 210).session.set
    snap = engine.snapshot(st, 210.0)
    assert (snap.phase, snap.done_reason, snap.reps_per_bout, snap.seconds_left) == (
        Phase.DONE, "cap", (5, 5), None)


def test_snapshot_of_a_drop_set_names_the_next_load_until_the_last_drop():
    p = plan("drop-set", load_kg=100)
    st = run_script(p, reps(0, 1), 2).session.set
    snap = engine.snapshot(st, 2.0)
    assert (snap.phase, snap.load_kg, snap.next_load_kg, snap.bouts_planned) == (
        Phase.WORK, 100.0, 80.0, 3)
    st = run_script(p, reps(0) + [(1.0, Fail(1.0))] + reps(5) + [(6.0, Fail(6.0))] + reps(9), 10).session.set
    snap = engine.snapshot(st, 10.0)
    assert (snap.phase, snap.bout_index, snap.load_kg, snap.next_load_kg) == (
        Phase.WORK, 2, 64.0, None)


def test_snapshot_while_lowering_counts_whole_seconds():
    st = run_script(plan("forced-negatives"), reps(0, 1), 3.5).session.set
    snap = engine.snapshot(st, 3.5)
    # the lowering is waited for up to twice its 5 s target
    assert (snap.phase, snap.lowering_s, snap.seconds_left, snap.reps_in_bout) == (
        Phase.LOWER, 2, 7.5, 1)
    assert snap.eccentric_s == 5.0
    assert (snap.spotter_required, snap.spotter_confirmed) == (True, True)


# ------------------------------------------------------------------ undo and early reps


def test_a_press_in_the_first_half_of_a_rest_warns_and_starts_nothing():
    # a bump 4 s into a strength rest-pause rest must not count a heavy single
    p = plan("strength-rest-pause")
    run = run_script(p, reps(0, 10, 14), 30)
    assert run.cues[:4] == [("go", 0.0, "spotter"), ("rep", 10.0, 1), ("rest", 10.0, 15),
                            ("warn", 14.0, None)]
    assert run.cues[4:] == [("count", 22.0, 3), ("count", 23.0, 2), ("count", 24.0, 1),
                            ("go", 25.0, None)]
    assert [b.reps for b in run.session.set.bouts] == [1, 0]


def test_a_press_after_half_the_rest_starts_the_next_bout_with_go_and_undo_gives_it_back():
    p = plan("cluster")
    run = run_script(p, reps(0, 1, 2, 3, 4, 12), 13)
    # the lifter started early: go (audibly, the rest is over), and the rep
    assert run.cues[-3:] == [("rest", 4.0, 15), ("go", 12.0, None), ("rep", 12.0, 1)]
    st = run.session.set
    assert (st.phase, st.bouts[1].started_at, st.bouts[1].rest_before_s) == (Phase.WORK, 12.0, 8.0)
    assert st.bouts[1].reps == 1
    run = run_script(p, reps(0, 1, 2, 3, 4, 12) + [(13.0, Undo(13.0))], 20)
    assert run.cues[-8:] == [("rest", 4.0, 15), ("go", 12.0, None), ("rep", 12.0, 1), ("undo", 13.0, 0),
                             ("count", 16.0, 3), ("count", 17.0, 2), ("count", 18.0, 1),
                             ("go", 19.0, None)]
    assert BoutRemoved(1) in run.effects
    assert [(b.index, b.started_at) for b in run.session.set.bouts] == [(0, 0.0), (1, 19.0)]


def test_the_early_start_part_of_a_rest_is_a_plan_setting():
    import dataclasses
    p = dataclasses.replace(plan("cluster"), early_start_after=0.25)
    run = run_script(p, reps(0, 1, 2, 3, 4, 7, 8.5), 10)  # the rest is 4..19
    assert run.cues[-4:] == [("rest", 4.0, 15), ("warn", 7.0, None), ("go", 8.5, None),
                             ("rep", 8.5, 1)]


def test_an_undo_in_a_rest_takes_back_the_last_rep_of_the_finished_bout():
    run = run_script(plan("cluster"), reps(0, 1, 2, 3, 4) + [(6.0, Undo(6.0))], 20)
    assert run.cues[5:] == [("rest", 4.0, 15), ("undo", 6.0, 4), ("count", 16.0, 3),
                            ("count", 17.0, 2), ("count", 18.0, 1), ("go", 19.0, None)]
    assert run.session.set.bouts[0].rep_times == (0.0, 1.0, 2.0, 3.0)


def test_undoing_the_only_rep_means_the_set_has_not_started():
    p = plan("cluster")
    run = run_script(p, reps(0) + [(1.0, Undo(1.0))], 2)
    st = run.session.set
    assert run.cues == [("rep", 0.0, 1), ("undo", 1.0, 0)]
    assert (st.phase, st.status, st.set_started_at, st.bouts) == (Phase.READY, "ready", None, ())
    assert engine.next_deadline(st) is None  # no cap running
    assert run.effects[-1] == SetChanged("ready", None)
    st, _ = engine.handle(st, Rep(5.0), 5.0)
    assert (st.set_started_at, st.cap_at) == (5.0, 245.0)


def test_an_undo_with_nothing_to_take_back_warns():
    st, fx = engine.handle(engine.new_set(plan("cluster")), Undo(3.0), 3.0)
    assert fx == [Cue("warn", 3.0)]
    assert st.phase is Phase.READY


# ------------------------------------------------------------------ retraction


def test_a_hold_on_the_rep_that_completed_a_cluster_is_a_failure_and_no_cue_repeats():
    # The press at 4 counts the 5th rep and starts the rest (both sounded);
    # held, it becomes a failure: 4 reps, same rest, and the rest cue is not
    # sounded a second time.
    run = run_script(plan("cluster"), [(float(t), Rep(float(t))) for t in range(4)]
                     + press(4.0, hold_s=1.5), 20)
    assert run.cues == [("rep", 0.0, 1), ("rep", 1.0, 2), ("rep", 2.0, 3), ("rep", 3.0, 4),
                        ("rep", 4.0, 5), ("rest", 4.0, 15), ("fail", 5.0, None),
                        ("count", 16.0, 3), ("count", 17.0, 2), ("count", 18.0, 1),
                        ("go", 19.0, None)]
    b = run.session.set.bouts[0]
    assert (b.reps, b.end_reason, b.ended_at) == (4, "fail", 4.0)


def test_a_hold_during_a_rest_is_not_a_bout_and_warns():
    run = run_script(plan("cluster"), reps(0, 1, 2, 3, 4) + press(13.0, hold_s=1.5), 20)
    # after half the rest the press starts the bout (go); held, it is taken back
    assert run.cues[5:] == [("rest", 4.0, 15), ("go", 13.0, None), ("rep", 13.0, 1), ("warn", 14.0, None),
                            ("count", 16.0, 3), ("count", 17.0, 2), ("count", 18.0, 1),
                            ("go", 19.0, None)]
    assert BoutRemoved(1) in run.effects
    assert [b.reps for b in run.session.set.bouts] == [5, 0]


# ------------------------------------------------------------------ ending


def test_abort_interrupts_without_a_done_cue():
    run = run_script(plan("cluster"), reps(0, 1) + [(1.5, Abort(1.5))], 5)
    st = run.session.set
    assert run.cues == [("rep", 0.0, 1), ("rep", 1.0, 2)]
    assert (st.phase, st.status, st.done_reason, st.set_ended_at) == (
        Phase.DONE, "interrupted", "abort", 1.5)
    assert st.bouts[0].end_reason == "abort"
    assert run.effects[-1] == SetChanged("interrupted", 0.0, 1.5, None, "abort")


def test_end_before_any_rep_is_an_aborted_set():
    run = run_script(plan("cluster"), [(3.0, End(3.0))], 5)
    st = run.session.set
    assert run.cues == [("done", 3.0, "end")]
    assert (st.status, st.done_reason, st.bouts) == ("aborted", "end", ())


def test_end_mid_set_completes_it():
    run = run_script(plan("rest-pause"), reps(0, 1, 2) + [(2.5, End(2.5))], 5)
    st = run.session.set
    assert run.cues[-1] == ("done", 2.5, "end")
    assert (st.status, st.done_reason, st.bouts[0].reps, st.bouts[0].end_reason) == (
        "completed", "end", 3, "end")


def test_nothing_happens_after_done():
    st, t = state_in(Phase.DONE)
    for ev in (Rep(t), Fail(t), End(t), Abort(t), Tick(t + 500)):
        new, fx = engine.handle(st, ev, t)
        assert fx == [] and new.phase is Phase.DONE and new.bouts == st.bouts
    assert engine.next_deadline(st) is None


def test_failure_in_a_rest_or_strip_warns_and_changes_nothing():
    for phase in (Phase.REST, Phase.STRIP):
        st, t = state_in(phase)
        new, fx = engine.handle(st, Fail(t), t)
        assert fx == [Cue("warn", t)]
        assert (new.phase, new.bouts) == (phase, st.bouts)
