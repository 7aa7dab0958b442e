"""Safety rules applied before a set starts (station.core.prepare)."""

from __future__ import annotations

from station.config import parse_config
from station.core.prepare import prepare

CONFIG = parse_config("""
[gestures]
early_start_after = 0.7
[exercises.squat]
kind = "barbell"
one_rm_kg = 140
[exercises.bench]
kind = "barbell"
one_rm_kg = 120
spotter = "arms"
[exercises.leg-press]
kind = "machine"
increment_kg = 5
""")


def test_a_drop_set_with_no_exercise_asks_for_a_spotter():
    # the kind is unknown, so the safe side: it may be a barbell
    assert prepare(CONFIG, "drop-set", {}, None, None).plan.spotter
    assert not prepare(CONFIG, "drop-set", {}, None, "leg-press").plan.spotter
    assert prepare(CONFIG, "drop-set", {}, None, "squat").plan.spotter


def test_safety_arms_are_shown_instead_of_asking_but_not_for_negatives():
    p = prepare(CONFIG, "strength-rest-pause", {}, None, "bench")
    assert not p.plan.spotter and p.safety == "safety arms set: no spotter asked"
    assert "safety arms set: no spotter asked" in p.info
    assert prepare(CONFIG, "drop-set", {}, None, "bench").safety
    neg = prepare(CONFIG, "forced-negatives", {}, None, "bench")
    assert neg.plan.spotter and not neg.safety  # a spotter returns the bar


def test_a_forced_negative_load_over_120_percent_is_capped():
    p = prepare(CONFIG, "forced-negatives", {}, 172.5, "squat")
    assert p.load_kg == 167.5  # 120 % of 140 = 168: the heaviest loadable under it
    assert any("over 120 % of the 140.0 kg 1RM; capped at 167.5 kg" in line for line in p.info)


def test_the_early_start_part_of_a_rest_comes_from_the_config():
    assert prepare(CONFIG, "cluster", {}, None, "squat").plan.early_start_after == 0.7


def test_a_drop_chain_off_the_asked_percentage_is_a_warning():
    p = prepare(CONFIG, "drop-set", {"drops": 3}, 100, "squat")
    assert any(w.startswith("drop ") and "not 20 %" in w for w in p.warnings)


def test_forced_negatives_with_no_1rm_state_the_rule_and_that_the_load_is_unknown():
    p = prepare(CONFIG, "forced-negatives", {}, None, None)
    assert p.load_kg is None
    assert any("110-120 % of the 1RM; no 1RM known, so the load is unknown" in i for i in p.info)
