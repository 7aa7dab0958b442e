"""What a set is prepared with: loads from the 1RM, drops in real plates, the
spotter rule, user presets (station.core.prepare)."""

from __future__ import annotations

import pytest

from station.config import parse_config
from station.core.methods import PlanError
from station.core.prepare import prepare

CONFIG = parse_config("""
[exercises.squat]
kind = "barbell"
one_rm_kg = 140
[exercises.leg-press]
kind = "machine"
increment_kg = 5
[exercises.curl]
kind = "dumbbell"
dumbbells_kg = [8, 10, 12, 14, 16, 18, 20]
[presets.heavy-squat-clusters]
method = "cluster"
exercise = "squat"
rest = 12
""")


def test_starting_load_comes_from_the_configured_1rm_and_the_method_rule():
    p = prepare(CONFIG, "cluster", {}, None, "squat")
    # cluster: 10-15RM, suggested 12RM; Brzycki 12RM of 140 kg = 97.4 kg -> nearest plates
    assert p.load_kg == 97.5
    assert p.plan.load_of(0) == 97.5
    assert "12RM of a 140.0 kg 1RM, configured" in p.info[0]
    assert p.info[1] == "97.5 kg: 20 kg bar + 25 + 10 + 2.5 + 1.25 kg each side"


def test_forced_negatives_start_above_the_1rm_and_need_a_spotter():
    p = prepare(CONFIG, "forced-negatives", {}, None, "squat")
    assert p.load_kg == 155.0  # 110 % of 140 = 154 -> nearest loadable
    assert p.plan.spotter


def test_barbell_drop_set_needs_a_spotter_and_strips_real_plates():
    p = prepare(CONFIG, "drop-set", {}, 100.0, "squat")
    assert p.plan.spotter  # a barbell drop set: repeated failure under a bar
    assert p.plan.loads_kg == (100.0, 80.0, 70.0)
    assert p.strips == ("take off 1 x 10 kg each side", "take off 1 x 5 kg each side")


def test_the_screen_gets_the_plates_of_every_bout():
    p = prepare(CONFIG, "drop-set", {}, 100.0, "squat")
    assert p.plates == ("20 kg bar + 25 + 10 + 5 kg each side", "20 kg bar + 25 + 5 kg each side",
                        "20 kg bar + 25 kg each side")
    assert prepare(CONFIG, "cluster", {}, None, "squat").plates == (
        "20 kg bar + 25 + 10 + 2.5 + 1.25 kg each side",)
    assert prepare(CONFIG, "rest-pause", {}, 14.0, "curl").plates == ("14 kg per dumbbell (a pair)",)
    assert prepare(CONFIG, "rest-pause", {}, 14.0, None).plates == ()


def test_machine_drop_set_needs_no_spotter():
    p = prepare(CONFIG, "drop-set", {"drops": 3}, 100.0, "leg-press")
    assert not p.plan.spotter
    assert p.plan.loads_kg[0] == 100.0
    assert list(p.plan.loads_kg) == sorted(p.plan.loads_kg, reverse=True)
    assert all(x % 5 == 0 for x in p.plan.loads_kg)


def test_a_learnt_1rm_is_used_when_the_config_has_none():
    p = prepare(CONFIG, "rest-pause", {}, None, "curl", learnt_1rm=lambda ex: 20.0)
    assert "estimated from your history" in p.info[0]
    assert p.load_kg == 14.0  # 10RM of 20 kg = 15.0 kg; the rack has 14 and 16: ties go lighter


def test_user_preset_brings_its_method_exercise_and_params():
    p = prepare(CONFIG, "heavy-squat-clusters", {"reps": 4}, None, None)
    assert p.plan.method == "cluster" and p.exercise == "squat"
    assert p.plan.rest_s == 12 and p.plan.target_reps == 4


def test_unknown_names_are_refused_with_the_known_ones():
    with pytest.raises(PlanError, match="known: cluster, sport-cluster"):
        prepare(CONFIG, "clusters", {}, None, None)
    with pytest.raises(PlanError, match=r"'clustr' \(did you mean cluster\?\)"):
        prepare(CONFIG, "clustr", {}, None, None)


def test_an_exercise_not_in_the_config_is_named_and_run_all_the_same():
    p = prepare(CONFIG, "cluster", {}, None, "sqat")
    assert p.exercise == "sqat" and p.load_kg is None
    assert any("exercise 'sqat' is not in the config (did you mean squat?)" in line
               and "squat, leg-press, curl" in line for line in p.info), p.info


MECH = parse_config("""
[exercises.triceps-extension]
kind = "dumbbell"
dumbbells_kg = [10, 12, 14]
[exercises.leg-press]
kind = "machine"
[exercises.cable-row]
kind = "machine"
variations = ["wide grip", "close grip"]
[exercises.lateral-raise]
kind = "dumbbell"
dumbbells_kg = [6, 8]
""")


def test_mechanical_drop_sets_switch_to_the_exercises_own_variations():
    def names(exercise):
        return prepare(MECH, "mechanical-drop-set", {}, None, exercise).plan.variations

    assert names("triceps-extension") == ("lying overhead extension", "skull-crusher", "chin-crusher")
    assert names("leg-press") == ("feet low", "feet middle", "feet high")
    assert names("cable-row") == ("wide grip", "close grip")  # the config's list
    # An exercise nobody described gets no triceps names.
    assert names("lateral-raise") == ("variation 1", "variation 2", "variation 3")
    assert names(None) == ("variation 1", "variation 2", "variation 3")
    # A list given for the set wins.
    p = prepare(MECH, "mechanical-drop-set", {"variations": ("a", "b")}, None, "leg-press")
    assert p.plan.variations == ("a", "b")


def test_a_rack_that_cannot_reach_the_methods_load_says_so():
    cfg = parse_config("""
[exercises.curl]
kind = "dumbbell"
one_rm_kg = 30
dumbbells_kg = [10, 12.5, 15, 17.5, 20]
""")
    heavy = prepare(cfg, "strength-rest-pause", {}, None, "curl")
    [w] = heavy.warnings
    assert w.startswith("strength-rest-pause: 2-3RM of your 30 kg dumbbell 1RM is 28.3-29.2 kg"
                        " per dumbbell and the kit tops out at 20 kg: out of reach")
    assert "per dumbbell = 3RM of a 30.0 kg dumbbell 1RM" in heavy.info[0]
    assert prepare(cfg, "sport-cluster", {}, None, "curl").warnings == []  # 12-18 kg: on the rack


def test_the_core_prepares_a_set_from_any_setup_not_only_the_shells_config():
    """station.core.prepare reads the configuration through its Setup
    Protocol: plain objects with the same fields give the same set."""
    from types import SimpleNamespace

    squat = CONFIG.exercises["squat"]
    plain = SimpleNamespace(
        presets={}, units="kg", source=None, gestures=SimpleNamespace(early_start_after=0.5),
        exercises={"squat": SimpleNamespace(
            kind="barbell", one_rm_kg=140.0, bar_kg=squat.bar_kg, plates_kg=squat.plates_kg,
            dumbbells_kg=(), increment_kg=squat.increment_kg, variations=(), spotter="ask")})
    got, want = prepare(plain, "drop-set", {}, None, "squat"), prepare(CONFIG, "drop-set", {}, None, "squat")
    assert (got.load_kg, got.info, got.plates, got.strips, got.plan) == (
        want.load_kg, want.info, want.plates, want.strips, want.plan)
    assert got.info[0].startswith("starting load 100 kg = 11RM of a 140.0 kg 1RM, configured")
