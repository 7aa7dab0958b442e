"""The table test: each method walked through the article's example at the rack.

Each row is one method: the exercise and its 1RM in a config, the load the
station must start with, then the example lifter of ``station.core.examples``
pressing the button (a press is a rep, a 1.5 s hold a failure) on a fake
clock. Checked: the loads, where and why the set stopped, the cues a lifter
relies on (the last-one announcement, strip go, slower), the summary's count
and the next-set advice. The rules are those of docs/methods.md.
"""

from __future__ import annotations

import pytest
from scripting import press, run_script

from station.config import parse_config
from station.core import advice, engine, examples, loads
from station.core.events import Fail
from station.core.prepare import prepare
from station.ui import view

CONFIG = parse_config("""
[exercises."back squat"]
one_rm_kg = 140
[exercises."power clean"]
one_rm_kg = 100
[exercises."leg press"]
kind = "machine"
increment_kg = 5
one_rm_kg = 250
[exercises."bench press"]
one_rm_kg = 140
[exercises."lateral raise"]
kind = "dumbbell"
dumbbells_kg = [4, 5, 6, 7, 8, 9, 10, 12, 14]
one_rm_kg = 20
[exercises.triceps]
kind = "dumbbell"
dumbbells_kg = [10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30]
one_rm_kg = 40
""")

# method: (loads per bout kg, spotter asked, reps per bout, done reason,
#          cues that must be heard, the summary's count, words the advice has)
TABLE = {
    # L4 10-15RM (12RM of 140 = 97.4 -> 97.5); C3: the failed 10th cluster (4)
    # sets the target to 4; G4: the 11th starts at 226.2, no rest could end
    # before the cap at 240: "last one" at its go, done when it ends.
    "cluster": ((97.5,), False, [5] * 9 + [4, 4], "cap",
                [("go", 226.21, None), ("cap", 226.21, "last"), ("done", 232.08, "cap")],
                "11 clusters", ["97.5 kg", "1 of 10 clusters fell short"]),
    # S1: 50 % of 100; all 10 clusters of 3
    "sport-cluster": ((50.0,), False, [3] * 10, "complete", [("done", 220.2, "complete")],
                      "10 clusters", ["52.5 kg", "all 10 clusters made 3 reps"]),
    # R1: 10RM of 250 = 187.5 -> 185 on a 5 kg stack; 11 to failure, 3 pauses
    "rest-pause": ((185.0,), False, [11, 4, 2, 1], "complete", [("done", 83.1, "complete")],
                   "first set 11 + 3 mini-sets", ["185 kg"]),
    # P1: 3RM of 140 = 132.2 -> 132.5; a spotter; 7 singles, the 8th failed
    "strength-rest-pause": ((132.5,), True, [1] * 7 + [0], "fail",
                            [("go", 0.0, "spotter"), ("done", 119.5, "fail")],
                            "7 singles, 1 missed", ["132.5 kg", "7 singles"]),
    # M1: 17RM of 20 = 11.1 -> 12 kg dumbbells; M3: the mini-set of 2 ends it
    "myo-reps": ((12.0,), False, [15, 5, 5, 4, 2], "min-reps", [("done", 113.71, "min-reps")],
                 "activation 15 + 4 mini-sets", ["12 kg", "activation set 15 reps, on target"]),
    # D1: 11RM of 250 = 180; D3: 20 % drops on a 5 kg stack: 145 (19 %), 115 (21 %)
    "drop-set": ((180.0, 145.0, 115.0), False, [11, 7, 5], "complete",
                 [("strip", 31.97, "145 kg"), ("strip", 54.64, "115 kg")],
                 "top set + 2 drops", ["180 kg"]),
    # X1: 11RM of 40 = 28.9 -> 28 kg dumbbells through three variations
    "mechanical-drop-set": ((28.0,), False, [9, 6, 5], "complete",
                            [("strip", 24.27, "skull-crusher"), ("strip", 43.0, "chin-crusher")],
                            "3 variations", ["kg"]),
    # N1: 110 % of 140 = 154 -> 155; N2: lowered 6.1, 5.4, 3.8 s: "slower" at
    # the third bottom press; N3: the advice keeps the load, lower slower
    "forced-negatives": ((155.0,), True, [3], "complete",
                         [("go", 0.0, "spotter"), ("slower", 26.3, 3.8), ("done", 26.3, "complete")],
                         "3 negatives", ["the same 155 kg", "lowered in under 5 s; lower slower"]),
}


def presses(script) -> list:
    """The example's events as a lifter's button: a press per rep, a 1.5 s
    hold per failure."""
    out = []
    for at, ev in script:
        out += press(at, 1.5 if isinstance(ev, Fail) else 0.2)
    return out


def test_the_table_covers_every_method():
    assert set(TABLE) == {ex.method for ex in examples.EXAMPLES}


@pytest.mark.parametrize("method", list(TABLE))
def test_each_method_at_the_rack(method):
    loads_kg, spotter, reps, reason, cues, count, advice_words = TABLE[method]
    ex = examples.example(method)
    prep = prepare(CONFIG, method, dict(ex.params), None, ex.exercise)
    assert prep.plan.loads_kg == loads_kg
    assert prep.plan.spotter is spotter

    run = run_script(prep.plan, presses(ex.script), until=ex.until_s)
    st = run.session.set
    assert [b.reps for b in st.bouts] == reps
    assert [b.load_kg for b in st.bouts] == [prep.plan.load_of(i) for i in range(len(reps))]
    assert (st.status, st.done_reason) == ("completed", reason)
    for cue in cues:
        assert cue in run.cues, (cue, run.cues)
    # never a count-in to a bout that does not come: every count ends in a go
    counts = [c for c in run.cues if c[0] == "count" and c[2] == 1]
    gos = {c[1] for c in run.cues if c[0] == "go"}
    assert all(c[1] + 1 in gos for c in counts)
    assert [c for c in run.cues if c[0] == "warn"] == []  # the lifter never pressed in vain

    snap = engine.snapshot(st, ex.until_s)
    summary = view.summary_model(snap, view.Context(exercise=ex.exercise, rest_s=prep.plan.rest_s))
    assert summary.lines[2].startswith(count), summary.lines
    kit = loads.Kit.of(CONFIG.exercises[ex.exercise])
    a = advice.advise(snap, prep.plan.target_reps or prep.plan.first_target_reps, kit,
                      exercise=ex.exercise, one_rm_kg=CONFIG.exercises[ex.exercise].one_rm_kg)
    assert a is not None and a.text.startswith("next time")
    for word in advice_words:
        assert word in a.text, a.text


def test_rest_pause_to_a_total_at_the_rack():
    # R2 (Marshall 2012): to failure, then 20 s rests until 20 reps in all
    prep = prepare(CONFIG, "rest-pause", {"total": 20}, None, "leg press")
    script = []
    t = 0.0
    for n in (12, 4, 3, 1):
        script += [(t + i * 1.5, None) for i in range(n)]
        t = t + (n - 1) * 1.5 + 1.5
        script.append((t, "hold"))
        t += 20 + 1.5
    items = []
    for at, kind in script:
        items += press(at, 1.5 if kind else 0.2)
    run = run_script(prep.plan, items, until=200)
    st = run.session.set
    assert [b.reps for b in st.bouts] == [12, 4, 3, 1]
    assert st.done_reason == "total" and run.cues[-1][0] == "done"
    assert [b.rest_before_s for b in st.bouts[1:]] == pytest.approx([20.0, 20.0, 20.0])
