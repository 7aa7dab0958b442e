"""Button gestures: press, hold, long hold, double press, debounce, and what
the set makes of them (through station.core.session)."""

from __future__ import annotations

import os
import random

from hypothesis import given, settings
from hypothesis import strategies as st
from scripting import press, presses, run_script

from station.core import engine, gestures, session
from station.core.events import Cue, End, Fail, Phase, Rep, Undo
from station.core.gestures import Edge, GestureConfig, GestureState
from station.core.methods import PRESETS, compile_plan

CFG = GestureConfig()  # debounce 0.03, double 0.4, hold 1.0, end hold 3.0 s


def gestures_of(edges: list[Edge], until: float, state: GestureState = GestureState()) -> list:
    """Every gesture decided from ``edges`` and the time up to ``until`` (s)."""
    out: list = []
    for e in edges:
        state, g = gestures.on_edge(state, e)
        out += g
    state, g = gestures.on_time(state, until)
    return out + g


def total_reps(s: session.Session) -> int:
    return sum(b.reps for b in s.set.bouts)


# ------------------------------------------------------------------ the rules


def test_a_press_is_a_rep_at_the_press_edge_not_after_the_hold_window():
    state, out = gestures.on_edge(GestureState(), Edge(True, 1.0))
    assert out == [Rep(at=1.0)]
    assert gestures.next_deadline(state) == 1.0 + CFG.debounce_s
    # and the set acknowledges it at once, when the shell feeds the edge
    plan, _ = compile_plan("cluster")
    s, fx = session.feed_edge(session.start(plan), Edge(True, 1.0), 1.0)
    assert [e for e in fx if isinstance(e, Cue)] == [Cue("rep", 1.0, 1)]
    assert engine.snapshot(s.set, 1.0).reps_in_bout == 1


def test_a_short_press_never_becomes_a_hold():
    edges = [Edge(True, 0.0), Edge(False, 0.99)]
    assert gestures_of(edges, until=10.0) == [Rep(at=0.0)]


def test_a_hold_is_failure_and_not_a_rep():
    edges = [Edge(True, 0.0), Edge(False, 1.5)]
    assert gestures_of(edges, until=10.0) == [
        Rep(at=0.0), Fail(at=0.0, retract_at=0.0, decided_at=1.0)]
    # In a rest-pause set: three reps, then a hold; the hold's press is taken
    # back, the mini-set ends in failure and the rest runs from the press edge.
    plan, _ = compile_plan("rest-pause")
    run = run_script(plan, presses(0, 1, 2) + press(10.0, hold_s=1.5), until=30)
    assert run.cues == [
        ("rep", 0.0, 1), ("rep", 1.0, 2), ("rep", 2.0, 3),
        ("rep", 10.0, 4),  # acknowledged at the press edge, before anyone can know
        ("fail", 11.0, None), ("rest", 11.0, 15),
        ("count", 22.0, 3), ("count", 23.0, 2), ("count", 24.0, 1), ("go", 25.0, None),
    ]
    bouts = run.session.set.bouts
    assert [(b.reps, b.end_reason, b.ended_at) for b in bouts] == [(3, "fail", 10.0), (0, None, None)]


def test_a_rest_is_timed_from_the_press_edge_not_from_when_the_gesture_was_recognised():
    plan, _ = compile_plan("cluster")
    # a hold recognised at 21.0 ends a cluster pressed at 20.0
    run = run_script(plan, presses(0, 1) + press(20.0, hold_s=2.0), until=40)
    assert ("go", 35.0, None) in run.cues
    assert engine.snapshot(run.session.set, 35.0).bouts[1].started_at == 35.0
    # the fifth rep's edge handled 250 ms late still rests from its press edge
    s = session.start(plan)
    for t in (0.0, 1.0, 2.0, 3.0):
        s, _ = session.feed_edge(s, Edge(True, t), t)
        s, _ = session.feed_edge(s, Edge(False, t + 0.2), t + 0.2)
    s, fx = session.feed_edge(s, Edge(True, 4.0), 4.25)
    assert [e for e in fx if isinstance(e, Cue)] == [Cue("rep", 4.0, 5), Cue("rest", 4.0, 15)]
    assert s.set.phase_ends_at == 19.0


def test_a_very_long_hold_ends_the_set():
    edges = [Edge(True, 0.0), Edge(False, 3.5)]
    assert gestures_of(edges, until=10.0) == [
        Rep(at=0.0), Fail(at=0.0, retract_at=0.0, decided_at=1.0), End(at=0.0, decided_at=3.0)]
    plan, _ = compile_plan("cluster")
    run = run_script(plan, presses(0, 1) + press(10.0, hold_s=4.0), until=30)
    assert run.cues == [("rep", 0.0, 1), ("rep", 1.0, 2), ("rep", 10.0, 3),
                        ("fail", 11.0, None), ("rest", 11.0, 15), ("done", 13.0, "end")]
    st_ = run.session.set
    assert (st_.phase, st_.done_reason, st_.status) == (Phase.DONE, "end", "completed")
    assert [b.reps for b in st_.bouts] == [2]


def test_a_double_press_undoes_the_last_counted_rep():
    edges = [Edge(True, 5.0), Edge(False, 5.1), Edge(True, 5.3), Edge(False, 5.4)]
    assert gestures_of(edges, until=10.0) == [
        Rep(at=5.0), Undo(at=5.3, retract_at=5.0, decided_at=5.3)]
    plan, _ = compile_plan("rest-pause")
    run = run_script(plan, presses(0, 1, 2, 5.0, 5.3, 7.0, hold_s=0.1), until=8)
    # 3 reps, then a double press: the count ends at 2, one lower than 3
    assert run.cues == [("rep", 0.0, 1), ("rep", 1.0, 2), ("rep", 2.0, 3), ("rep", 5.0, 4),
                        ("undo", 5.3, 2), ("rep", 7.0, 3)]
    assert run.session.set.bouts[0].rep_times == (0.0, 1.0, 7.0)


def test_two_presses_further_apart_than_double_s_are_two_reps():
    edges = [Edge(True, 5.0), Edge(False, 5.1), Edge(True, 5.45), Edge(False, 5.5)]
    assert gestures_of(edges, until=10.0) == [Rep(at=5.0), Rep(at=5.45)]


def test_a_double_press_with_nothing_counted_warns_and_counts_nothing():
    plan, _ = compile_plan("cluster")
    run = run_script(plan, presses(1.0, 1.3, hold_s=0.1), until=3)
    assert run.cues == [("rep", 1.0, 1), ("warn", 1.3, None)]
    assert run.session.set.bouts == () and run.session.set.phase is Phase.READY


def test_chatter_inside_the_debounce_window_is_one_press():
    edges = [Edge(True, 1.0), Edge(False, 1.004), Edge(True, 1.009), Edge(False, 1.015),
             Edge(True, 1.02), Edge(False, 1.3), Edge(True, 1.305), Edge(False, 1.312)]
    assert gestures_of(edges, until=5.0) == [Rep(at=1.0)]
    plan, _ = compile_plan("cluster")
    s = session.start(plan)
    for e in edges:
        s, _ = session.feed_edge(s, e, e.at)
    assert total_reps(s) == 1


def test_a_release_inside_the_debounce_window_is_accepted_when_it_closes():
    # The release at 1.02 is chatter at first; the window closes at 1.03 with
    # the contact open, so the button is up: no hold will follow.
    state = GestureState()
    for e in (Edge(True, 1.0), Edge(False, 1.02)):
        state, _ = gestures.on_edge(state, e)
    state, out = gestures.on_time(state, 5.0)
    assert out == [] and state.level is False


def test_sources_are_independent():
    # a spotter press 0.1 s after the lifter's is not a double press
    edges = [Edge(True, 1.0, "gpio"), Edge(True, 1.1, "spotter"),
             Edge(False, 1.2, "gpio"), Edge(False, 1.3, "spotter")]
    plan, _ = compile_plan("cluster")
    s = session.start(plan)
    for e in edges:
        s, _ = session.feed_edge(s, e, e.at)
    assert s.set.bouts[0].rep_times == (1.0, 1.1)


# ------------------------------------------------------------------ properties

GAP = st.floats(min_value=0.05, max_value=4.0, allow_nan=False)
BURST = st.lists(st.floats(min_value=0.001, max_value=0.029, allow_nan=False),
                 max_size=6, unique=True)


def clean_edges(gaps: list[float]) -> list[Edge]:
    t, out = 0.0, []
    for i, g in enumerate(gaps):
        t += g
        out.append(Edge(i % 2 == 0, t))
    return out


def bounced(clean: list[Edge], bursts: list[list[float]]) -> list[Edge]:
    """Each clean edge followed by an even number of bounces shorter than debounce_s."""
    out = []
    for e, burst in zip(clean, bursts):
        out.append(e)
        offs = sorted(burst)[: len(burst) // 2 * 2]
        for k, off in enumerate(offs):
            out.append(Edge(e.pressed if k % 2 else not e.pressed, e.at + off))
    return out


@settings(max_examples=100, deadline=None)
@given(gaps=st.lists(GAP, min_size=1, max_size=14), data=st.data())
def test_chatter_never_adds_a_rep(gaps, data):
    clean = clean_edges(gaps)
    bursts = data.draw(st.lists(BURST, min_size=len(clean), max_size=len(clean)))
    noisy = bounced(clean, bursts)
    until = clean[-1].at + 5.0
    assert gestures_of(noisy, until) == gestures_of(clean, until)
    plan, _ = compile_plan("rest-pause")

    def cues(edges):
        s = session.start(plan)
        fx_all = []
        for e in edges:
            s, fx = session.feed_edge(s, e, e.at)
            fx_all += fx
        s = session.tick(s, until, fx_all)
        return [e for e in fx_all if isinstance(e, Cue)], total_reps(s)

    assert cues(noisy) == cues(clean)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["rep", "undo", "undo-double"]), max_size=30))
def test_undo_never_takes_the_count_below_zero(ops):
    """Within one to-failure bout, the count is a model: +1 a rep, -1 an undo
    (never below 0); a double press takes back its own first press too."""
    plan, _ = compile_plan("rest-pause")
    s = session.start(plan)
    model, t = 0, 0.0
    for op in ops:
        t += 0.5
        if op == "rep":
            s, fx = session.feed(s, Rep(t), t)
            model += 1
        elif op == "undo":
            s, fx = session.feed(s, Undo(t), t)
            model = max(0, model - 1)
        else:
            for e in (Edge(True, t), Edge(False, t + 0.1), Edge(True, t + 0.3), Edge(False, t + 0.4)):
                s, fx = session.feed_edge(s, e, e.at)
            model = max(0, model - 1)
        assert total_reps(s) == model
        for c in fx:
            if isinstance(c, Cue) and c.name == "undo":
                assert c.value >= 0
    expected_phase = Phase.WORK if model else Phase.READY
    assert s.set.phase is expected_phase


# ------------------------------------------------------------------ fuzzing

# Each fed edge costs the core ~0.1 ms here, so the default keeps this file
# to a few seconds; set STATION_FUZZ_SEQUENCES=10000 (or more) for a long run.
FUZZ_SEQUENCES = int(os.environ.get("STATION_FUZZ_SEQUENCES", "2000"))

PLANS = [compile_plan(name, load_kg=100)[0] for name in PRESETS]


def check_invariants(s: session.Session, fx: list, now: float, presses_at: set[float]) -> None:
    bouts = s.set.bouts
    assert [b.index for b in bouts] == list(range(len(bouts)))
    for b in bouts:
        assert b.reps >= 0
        assert set(b.rep_times) <= presses_at  # only real press edges count
        # In press order; a press accepted when its debounce window closes is
        # stamped with its edge, so it may precede another source's press by
        # less than debounce_s.
        for a, b_at in zip(b.rep_times, b.rep_times[1:]):
            assert b_at >= a - CFG.debounce_s
    assert total_reps(s) >= 0
    for e in fx:
        if isinstance(e, Cue):
            assert e.at <= now  # nothing is due later than the call that made it
    nxt = session.next_deadline(s)
    assert nxt is None or nxt > now  # nothing overdue is left behind


def run_edges(plan, edges: list[tuple[bool, float, str, float]]) -> None:
    """Feed (pressed, at, source, handled_late_s) edges; check every step.
    The shell's clock never goes back, so a late edge delays later ones too."""
    s = session.start(plan)
    presses_at: set[float] = set()
    done, now = False, 0.0
    for pressed, at, source, late in edges:
        if pressed:
            presses_at.add(at)
        now = max(now, at + late)
        s, fx = session.feed_edge(s, Edge(pressed, at, source), now)
        check_invariants(s, fx, now, presses_at)
        if done:
            assert s.set.phase is Phase.DONE  # a finished set stays finished
        done = s.set.phase is Phase.DONE


EDGE_GAP = st.one_of(st.floats(0.0, 0.03), st.floats(0.0, 0.5), st.floats(0.0, 4.0), st.floats(0.0, 40.0))


@settings(max_examples=150, deadline=None)
@given(plan=st.sampled_from(PLANS),
       steps=st.lists(st.tuples(st.booleans(), EDGE_GAP, st.sampled_from(["gpio", "spotter"])),
                      max_size=40))
def test_random_edges_never_raise_and_never_count_below_zero(plan, steps):
    t, edges = 0.0, []
    for pressed, gap, source in steps:
        t += gap
        edges.append((pressed, t, source, 0.0))
    run_edges(plan, edges)


def test_many_seeded_random_edge_sequences():
    rng = random.Random(20240611)
    for _ in range(FUZZ_SEQUENCES):
        t, edges = 0.0, []
        for _ in range(rng.randint(1, 8)):
            t += rng.choice((0.03, 0.5, 4.0, 40.0)) * rng.random()
            late = rng.choice((0.0, 0.0, 0.25 * rng.random()))
            edges.append((rng.random() < 0.6, t, rng.choice(("gpio", "gpio", "spotter")), late))
        run_edges(rng.choice(PLANS), edges)
