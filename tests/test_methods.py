"""Presets compile to plans; odd values warn with the recommended range;
nonsense is refused with a PlanError naming the parameter."""

from __future__ import annotations

import math

import pytest

from station.core.methods import PRESETS, PlanError, compile_plan


def key_fields(plan) -> tuple:
    return (plan.target_reps, plan.first_target_reps, plan.rest_s, plan.max_bouts, plan.cap_s,
            plan.every_s, plan.min_reps, plan.fail_ends_set, plan.eccentric_s, plan.spotter)


DEFAULTS = {
    # target, first target, rest, bouts, cap, every, min reps, fail ends, eccentric, spotter
    "cluster": (5, 5, 15.0, None, 240.0, None, None, False, None, False),
    "sport-cluster": (3, 3, 20.0, 10, None, None, None, False, None, False),
    "rest-pause": (None, None, 15.0, 4, None, None, None, False, None, False),
    "strength-rest-pause": (1, 1, 15.0, None, 180.0, None, None, True, None, True),
    "myo-reps": (5, None, 12.0, 6, None, None, 3, False, None, False),
    "drop-set": (None, None, None, 3, None, None, None, False, None, False),
    "mechanical-drop-set": (None, None, None, 3, None, None, None, False, None, False),
    "forced-negatives": (None, 3, None, 1, None, None, None, True, 5.0, True),
}


def test_every_preset_is_covered_here():
    assert set(DEFAULTS) == set(PRESETS)


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_every_preset_compiles_with_its_defaults_without_warnings(name):
    plan, warnings = compile_plan(name)
    assert warnings == []
    assert plan.method == name
    assert key_fields(plan) == DEFAULTS[name]
    assert dict(plan.params) == PRESETS[name].defaults()


def test_loads_of_a_drop_set_are_computed_from_the_drop_percent():
    plan, _ = compile_plan("drop-set", {"drops": 3, "drop-percent": 10}, load_kg=100)
    assert plan.loads_kg == (100.0, 90.0, 81.0, 72.9)
    assert plan.max_bouts == 4
    plan, _ = compile_plan("drop-set", load_kg=100, drop_loads_kg=(100.0, 80.0, 62.5))
    assert plan.loads_kg == (100.0, 80.0, 62.5)


def test_mechanical_variations_from_a_list_or_a_comma_separated_string():
    plan, _ = compile_plan("mechanical-drop-set", {"variations": ["feet low", "feet mid", "feet high"]})
    assert plan.variations == ("feet low", "feet mid", "feet high") and plan.max_bouts == 3
    plan, _ = compile_plan("mechanical-drop-set", {"variations": "feet low, feet high"})
    assert plan.variations == ("feet low", "feet high") and plan.max_bouts == 2


def test_numbers_given_as_text_are_accepted():
    plan, warnings = compile_plan("cluster", {"rest": "12", "reps": "4"})
    assert (plan.rest_s, plan.target_reps, warnings) == (12.0, 4, [])


@pytest.mark.parametrize(("name", "overrides", "warning"), [
    ("cluster", {"rest": 25}, "rest: 25 s is outside the recommended 10-15 s"),
    ("cluster", {"reps": 8}, "reps: 8 reps is outside the recommended 3-6 reps"),
    ("cluster", {"every": 10}, "every: 10 s is outside the recommended 20-30 s for 5 reps "
     "(2-3 s a rep plus a 10-15 s rest): no time to rest"),
    ("cluster", {"duration": 300}, "duration: 300 s is outside the recommended 180-240 s"),
    ("sport-cluster", {"clusters": 15},
     "clusters: 15 clusters is outside the recommended 8-12 clusters"),
    ("rest-pause", {"pauses": 5}, "pauses: 5 pauses is outside the recommended 2-3 pauses"),
    ("strength-rest-pause", {"rest": 30}, "rest: 30 s is outside the recommended 15-20 s"),
    ("myo-reps", {"mini-sets": 8},
     "mini-sets: 8 mini-sets is outside the recommended 3-6 mini-sets"),
    ("drop-set", {"drop-percent": 40}, "drop-percent: 40 % is outside the recommended 10-30 %"),
    ("mechanical-drop-set", {"variations": ["only one"]},
     "variations: 1 is outside the recommended 2-4 variations"),
    ("forced-negatives", {"eccentric": 10}, "eccentric: 10 s is outside the recommended 3-8 s"),
    ("forced-negatives", {"reps": 5}, "reps: 5 reps is outside the recommended 2-3 reps"),
])
def test_out_of_range_values_compile_with_a_warning_naming_the_range(name, overrides, warning):
    plan, warnings = compile_plan(name, overrides)
    assert warnings == [warning]
    (param, value), = overrides.items()
    assert dict(plan.params)[param] == (tuple(value) if isinstance(value, list) else value)


def test_an_out_of_range_value_is_really_used():
    plan, _ = compile_plan("cluster", {"rest": 25, "reps": 8})
    assert (plan.rest_s, plan.target_reps) == (25.0, 8)


@pytest.mark.parametrize(("name", "overrides", "message"), [
    ("cluster", {"reps": 0}, "reps: must be at least 1, got 0"),
    ("cluster", {"rest": -5}, "rest: must be more than 0 s, got -5"),
    ("cluster", {"rest": 0}, "rest: must be more than 0 s, got 0"),
    ("cluster", {"rest": 660}, "rest: 660 s is over the 10-minute limit"),
    ("cluster", {"duration": 601}, "duration: 601 s is over the 10-minute limit"),
    ("cluster", {"reps": "five"}, "reps: expected a number, got 'five'"),
    ("cluster", {"reps": True}, "reps: expected a number, got True"),
    ("cluster", {"rest": [15]}, "rest: expected a number, got [15]"),
    ("cluster", {"rest": math.nan}, "rest: expected a finite number, got nan"),
    ("cluster", {"reps": 2.5}, "reps: expected a whole number, got 2.5"),
    ("cluster", {"reps": 500}, "reps: 500 is not a set anyone can do"),
    ("cluster", {"tempo": 3}, "cluster has no parameter 'tempo'"),
    ("rest-pause", {"reps": 10}, "rest-pause has no parameter 'reps'"),
    ("drop-set", {"drop-percent": 100}, "drop-percent: must be between 0 and 100 %, got 100"),
    ("mechanical-drop-set", {"variations": []}, "variations: needs at least one non-empty name"),
    ("mechanical-drop-set", {"variations": "a,,b"}, "variations: needs at least one non-empty name"),
    ("myo-reps", {"min-reps": 5, "reps": 4}, "min-reps: 5 is above the target of 4 reps"),
])
def test_nonsense_is_refused_naming_the_parameter(name, overrides, message):
    with pytest.raises(PlanError) as info:
        compile_plan(name, overrides)
    assert str(info.value).startswith(message)


def test_an_unknown_method_is_refused_listing_the_known_ones():
    with pytest.raises(PlanError) as info:
        compile_plan("superset")
    assert str(info.value).startswith("unknown method 'superset'; known: cluster, sport-cluster")


@pytest.mark.parametrize("load", [-5.0, 1500.0])
def test_a_load_that_is_not_a_load_is_refused(load):
    with pytest.raises(PlanError, match=r"^load: "):
        compile_plan("cluster", load_kg=load)
