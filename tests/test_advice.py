"""What the summary says the next set should be (station.core.advice)."""

from station.core.advice import next_set
from station.core.events import Bout, Phase
from station.core.snapshot import Snapshot


def snap(method: str, reps: list[int], load: float | None = 100.0, reason: str = "complete",
         ends: list[str] | None = None) -> Snapshot:
    ends = ends or ["target"] * len(reps)
    bouts = tuple(Bout(i, float(i), load, None, None, tuple(float(i) + k for k in range(n)),
                       float(i) + 1, e) for i, (n, e) in enumerate(zip(reps, ends)))
    return Snapshot(method, Phase.DONE, len(bouts) - 1, None, 0, None, bouts, sum(reps), None,
                    None, None, 0.0, None, None, False, load, None, None, None, None, reason,
                    False, False)


def test_every_cluster_on_target_adds_the_smallest_step():
    assert next_set(snap("cluster", [5] * 10, reason="cap"), 5, 2.5) == \
        "next: 102.5 kg (all 10 made 5)"


def test_the_cluster_running_at_the_cap_does_not_count_against_the_lifter():
    assert next_set(snap("cluster", [5] * 9 + [2], reason="cap"), 5, 2.5).startswith("next: 102.5 kg")


def test_most_clusters_well_short_take_a_step_off_a_few_short_keep_the_load():
    assert next_set(snap("sport-cluster", [3, 3, 1, 1, 1]), 3, 2.5) == \
        "next: 97.5 kg (3 of 5 short of 3)"
    assert next_set(snap("sport-cluster", [3, 3, 3, 3, 2]), 3, 2.5) == \
        "next: same 100 kg (1 of 5 short of 3)"


def test_sets_to_failure_compare_the_first_set_with_the_load_rule():
    fails = ["fail"] * 4
    assert next_set(snap("rest-pause", [13, 5, 3, 1], ends=fails), None, 2.5) == \
        "next: 102.5 kg (first set 13, aim 9-11)"
    assert next_set(snap("rest-pause", [7, 3, 2, 1], ends=fails), None, 2.5) == \
        "next: 97.5 kg (first set 7, aim 9-11)"
    assert next_set(snap("strength-rest-pause", [1] * 7 + [0], ends=["target"] * 7 + ["fail"]),
                    None, 2.5) == "next: same 100 kg (7 singles, aim 5-10)"


def test_the_load_is_rounded_to_the_equipment_and_unknown_steps_say_so():
    assert next_set(snap("drop-set", [14, 6, 4], ends=["fail"] * 3), None, 2.0,
                    round_kg=lambda kg: 2 * round(kg / 2)) == \
        "next: 102 kg (first set 14, aim 10-12)"
    assert next_set(snap("myo-reps", [12, 5, 5, 5], load=None), 5, None) is None
    assert next_set(snap("cluster", [], reason="abort"), 5, 2.5) is None
