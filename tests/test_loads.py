"""Loads: the reps-%1RM formula, rounding to the kit, drop-set strips, and
`station load`."""

from __future__ import annotations

import argparse
import ast
import itertools
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from station.commands import load as load_cmd
from station.core import loads
from station.core.loads import (
    DropError,
    Kit,
    Loading,
    best_estimate,
    drop_loads,
    estimate_1rm,
    load_for_reps,
    percent_1rm,
    round_barbell,
    round_dumbbell,
    round_machine,
    starting_load,
    strip_text,
)
from station.core.methods import PRESETS

# NSCA reps-%1RM table (Baechle & Earle, Essentials of Strength Training and Conditioning).
NSCA = {1: 100, 2: 95, 3: 93, 4: 90, 5: 87, 6: 85, 7: 83, 8: 80, 9: 77, 10: 75, 12: 67}

PLATE_SIZES = (25.0, 20.0, 15.0, 10.0, 5.0, 2.5, 1.25, 0.5)
inventories = st.lists(st.sampled_from(PLATE_SIZES), max_size=8)
bars = st.sampled_from((0.0, 10.0, 15.0, 20.0))
targets = st.floats(0, 320, allow_nan=False)


def g(kg: float) -> int:
    return round(kg * 1000)


def all_totals(bar: float, plates: list[float]) -> set[int]:
    """Every total (g) the plates make, by brute force over subsets."""
    return {g(bar) + 2 * sum(g(p) for p in sub) for n in range(len(plates) + 1)
            for sub in itertools.combinations(plates, n)}


def is_sub(small, big) -> bool:
    return not Counter(g(p) for p in small) - Counter(g(p) for p in big)


# ---------------------------------------------------------------- formula


@pytest.mark.parametrize("reps,table", sorted(NSCA.items()))
def test_formula_within_3_points_of_the_nsca_table(reps, table):
    assert abs(percent_1rm(reps) - table) <= 3


def test_estimate_and_load_are_inverse_and_a_single_is_the_1rm():
    assert estimate_1rm(100, 1) == pytest.approx(100)
    assert estimate_1rm(75, 10) == pytest.approx(100)  # a 10RM is 75 % of the 1RM
    assert load_for_reps(estimate_1rm(87.5, 6), 6) == pytest.approx(87.5)
    assert load_for_reps(140, 10) == pytest.approx(105)


def test_reps_outside_the_valid_range_are_refused_unless_extrapolating():
    with pytest.raises(ValueError, match="1-12 reps"):
        estimate_1rm(60, 13)
    with pytest.raises(ValueError, match="reps"):
        percent_1rm(0)
    with pytest.raises(ValueError, match="1-12"):
        load_for_reps(100, 15)
    assert load_for_reps(100, 15, extrapolate=True) == pytest.approx(100 * 22 / 36)
    with pytest.raises(ValueError, match="load"):
        estimate_1rm(-5, 5)


def test_best_estimate_takes_the_best_valid_set_and_ignores_the_rest():
    sets = [(5, 100.0), (3, 105.0), (20, 90.0), (0, 200.0), (8, -1.0)]
    assert best_estimate(sets) == pytest.approx(max(estimate_1rm(100, 5), estimate_1rm(105, 3)))
    assert best_estimate([(15, 80.0)]) is None
    assert best_estimate([]) is None


# ---------------------------------------------------------------- rounding


@settings(max_examples=300, deadline=None, derandomize=True)
@given(targets, bars, inventories)
def test_round_barbell_makes_only_real_loads_and_the_nearest(target, bar, plates):
    got = round_barbell(target, bar, plates)
    assert is_sub(got.per_side, plates)
    assert g(got.total_kg) == g(bar) + 2 * sum(g(p) for p in got.per_side)
    totals = all_totals(bar, plates)
    best = min(abs(t - target * 1000) for t in totals)
    assert abs(g(got.total_kg) - target * 1000) == pytest.approx(best, abs=1e-6)
    lighter_as_near = [t for t in totals if t < g(got.total_kg)
                       and abs(t - target * 1000) == pytest.approx(best, abs=1e-6)]
    assert not lighter_as_near, "a tie must go to the lighter load"


def test_round_barbell_examples():
    plates = loads.DEFAULT_PLATES_KG
    five_rm = round_barbell(124.4, 20, plates)
    assert (five_rm.total_kg, five_rm.per_side) == (125.0, (25.0, 25.0, 2.5))
    assert five_rm.describe() == "125 kg: 20 kg bar + 2 x 25 + 2.5 kg each side"
    empty = round_barbell(12, 20, plates)
    assert (empty.total_kg, empty.per_side) == (20.0, ())
    assert empty.describe() == "20 kg: the empty 20 kg bar"
    assert round_barbell(1000, 20, plates).total_kg == Kit().max_kg == 327.5
    assert round_barbell(22.5, 20, [2.5]).total_kg == 20  # 20 and 25 tie: the lighter


def test_round_barbell_uses_fewest_heaviest_plates():
    assert round_barbell(70, 20, [10, 10, 5, 5, 5, 5, 25]).per_side == (25.0,)
    assert round_barbell(60, 20, [10, 10, 5, 5, 5, 5]).per_side == (10.0, 10.0)


@settings(derandomize=True)
@given(st.floats(0, 80, allow_nan=False), st.lists(st.sampled_from((2, 4, 5, 7.5, 10, 12.5, 22.5)), min_size=1))
def test_round_dumbbell_is_the_nearest_on_the_rack(target, rack):
    got = round_dumbbell(target, rack)
    assert got.total_kg in rack
    dist = abs(got.total_kg - target)
    assert all(abs(d - target) > dist - 1e-9 for d in rack)
    assert all(not (d < got.total_kg and abs(abs(d - target) - dist) < 1e-9) for d in rack)


def test_round_dumbbell_and_machine_examples():
    assert round_dumbbell(17, [10, 12.5, 15, 20]).total_kg == 15
    assert round_dumbbell(17.5, [15, 20]).total_kg == 15  # a tie: the lighter
    assert round_dumbbell(1, [10, 12.5]).total_kg == 10
    assert round_dumbbell(17, [15]).describe() == "15 kg per dumbbell (a pair)"
    with pytest.raises(ValueError, match="rack is empty"):
        round_dumbbell(10, [])
    assert round_machine(47.5, 5).total_kg == 45  # a tie: the lighter
    assert round_machine(48, 5).total_kg == 50
    assert round_machine(1, 5).total_kg == 5  # at least one step of the stack
    assert round_machine(41.3, 2.5).total_kg == 42.5
    assert round_machine(41.3, 2.5).describe() == "42.5 kg on the stack"
    with pytest.raises(ValueError, match="increment"):
        round_machine(40, 0)


def test_kit_refuses_nonsense():
    with pytest.raises(ValueError, match="kind"):
        Kit(kind="kettlebell")
    with pytest.raises(ValueError, match="plate"):
        Kit(plates_kg=(20, -5))
    with pytest.raises(ValueError, match="rack is empty"):
        Kit(kind="dumbbell")


# ---------------------------------------------------------------- drop sets


@settings(max_examples=200, deadline=None, derandomize=True)
@given(
    st.floats(20, 250, allow_nan=False), bars, inventories,
    st.integers(1, 3), st.floats(5, 50, allow_nan=False), st.booleans(),
)
def test_drops_only_take_plates_off_and_get_strictly_lighter(target, bar, plates, drops, pct, use_kit):
    start = round_barbell(target, bar, plates)
    kit = Kit(bar_kg=bar, plates_kg=tuple(plates)) if use_kit else None
    try:
        chain = drop_loads(start, drops, pct, kit=kit)
    except DropError:
        assert len(start.per_side) < drops  # only when there are too few plates to take off
        return
    assert len(chain) == drops + 1
    assert chain[0].total_kg == start.total_kg
    assert is_sub(chain[0].per_side, plates)
    for before, after in zip(chain, chain[1:]):
        assert after.total_kg < before.total_kg
        assert is_sub(after.per_side, before.per_side)
        assert g(after.total_kg) == g(bar) + 2 * sum(g(p) for p in after.per_side)
        text = strip_text(before, after)
        assert text.startswith("take off ") and text.endswith(" each side")
        off = Counter(g(p) for p in before.per_side) - Counter(g(p) for p in after.per_side)
        named = Counter()
        for part in text[len("take off "):-len(" each side")].split(" + "):
            n, _, kg = part.removesuffix(" kg").partition(" x ")
            named[g(float(kg))] += int(n)
        assert named == off  # exactly the plates that come off, the same each side


def test_drop_set_lays_the_bar_out_for_the_drops():
    start = round_barbell(100, 20, loads.DEFAULT_PLATES_KG)
    assert start.per_side == (25.0, 15.0)
    plain = drop_loads(start, 2, 20)
    assert [x.total_kg for x in plain] == [100, 70, 20]  # from 25 + 15 only these are reachable
    laid = drop_loads(start, 2, 20, kit=Kit())
    assert [x.total_kg for x in laid] == [100, 80, 70]
    assert laid[0].per_side == (25.0, 10.0, 5.0)
    assert strip_text(laid[0], laid[1]) == "take off 1 x 10 kg each side"


def test_strip_text_example_and_refusals():
    before = Loading(97.5, (25.0, 10.0, 2.5, 1.25), 20.0)
    after = Loading(72.5, (25.0, 1.25), 20.0)
    assert strip_text(before, after) == "take off 1 x 10 kg + 1 x 2.5 kg each side"
    with pytest.raises(ValueError, match="needs plates"):
        strip_text(after, Loading(70.0, (20.0, 5.0), 20.0))
    with pytest.raises(ValueError, match="not lighter"):
        strip_text(after, before)


def test_a_drop_the_kit_cannot_make_is_an_error_not_an_invented_load():
    with pytest.raises(DropError, match="plates per side"):
        drop_loads(round_barbell(40, 20, [10]), 2, 20)
    with pytest.raises(DropError, match="lighter than 10 kg"):
        drop_loads(round_dumbbell(10, [10, 12]), 1, 20, kit=Kit("dumbbell", dumbbells_kg=(10, 12)))
    with pytest.raises(DropError, match="stack"):
        drop_loads(round_machine(5, 5), 1, 20, kit=Kit("machine", increment_kg=5))
    with pytest.raises(ValueError, match="needs the dumbbell kit"):
        drop_loads(round_dumbbell(10, [10]), 1, 20)


def test_dumbbell_and_machine_drops():
    rack = Kit("dumbbell", dumbbells_kg=(5, 20, 25))
    chain = drop_loads(Loading(25, kind="dumbbell"), 2, 50, kit=rack)
    # nearest-first would take 5 kg for the first drop and leave nothing lighter
    assert [x.total_kg for x in chain] == [25, 20, 5]
    assert strip_text(chain[0], chain[1]) == "change to the 20 kg dumbbells (-5 kg each)"
    stack = Kit("machine", increment_kg=7)
    chain = drop_loads(round_machine(56, 7), 3, 20, kit=stack)
    assert [x.total_kg for x in chain] == [56, 42, 35, 28]
    assert strip_text(chain[0], chain[1]) == "move the pin to 42 kg (-14 kg)"


def test_drop_loads_for_a_config_exercise_feed_the_plan():
    from station.config import Exercise
    from station.core.methods import compile_plan

    squat = Exercise("squat", one_rm_kg=140.0)
    kg = loads.drop_loads_for_exercise(squat, 99, 2, 20)
    assert kg == (100.0, 80.0, 70.0)
    plan, _ = compile_plan("drop-set", {"drops": 2}, 100.0, kg)
    assert [plan.load_of(i) for i in range(3)] == [100.0, 80.0, 70.0]
    curl = Exercise("curl", kind="dumbbell", dumbbells_kg=(16.0, 14.0, 12.0, 10.0))
    assert loads.drop_loads_for_exercise(curl, 15.5, 2, 20) == (16.0, 12.0, 10.0)
    with pytest.raises(DropError):
        loads.drop_loads_for_exercise(Exercise("press", plates_kg=(10.0,)), 40, 2, 20)


# ---------------------------------------------------------------- starting loads


@pytest.mark.parametrize("method", list(PRESETS))
def test_every_method_has_its_rule_and_a_suggestion_inside_it(method):
    s = starting_load(method, 140)
    assert s.rule == PRESETS[method].load_rule
    assert s.low_kg <= s.suggested_kg <= s.high_kg


def test_starting_load_values():
    assert starting_load("rest-pause", 140).suggested_kg == pytest.approx(105)  # 10RM = 75 %
    sport = starting_load("sport-cluster", 140)
    assert (sport.low_kg, sport.high_kg, sport.suggested_kg) == pytest.approx((56, 84, 70))
    neg = starting_load("forced-negatives", 140)
    assert (neg.low_kg, neg.high_kg) == pytest.approx((154, 168))
    cluster = starting_load("cluster", 140)
    assert cluster.extrapolated and "extrapolated" in cluster.note
    assert cluster.high_kg == pytest.approx(load_for_reps(140, 10))
    assert "methods.md" in starting_load("myo-reps", 140).note
    assert not starting_load("drop-set", 140).extrapolated
    with pytest.raises(ValueError, match="known: cluster"):
        starting_load("curls", 140)


def test_core_loads_imports_only_the_stdlib():
    package = Path(loads.__file__).parent  # station/core/loads/: its modules import each other
    own = {p.stem for p in package.glob("*.py")}
    assert {"rm", "kit", "drops", "rules"} <= own
    for path in package.glob("*.py"):
        tree = ast.parse(path.read_text())
        names = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        names |= {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and not n.level}
        assert names <= {"__future__", "math", "collections", "dataclasses", "itertools", "typing"}, path.name
        inside = {(n.level, n.module) for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level}
        assert all(level == 1 and module in own for level, module in inside), path.name


# ---------------------------------------------------------------- station load


@pytest.fixture(autouse=True)
def _no_users_config(tmp_path, monkeypatch):
    """`station load` reads the config every time: never the user's own."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "no-config-here"))


def cli(argv: list[str], capsys, config: Path | None = None) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser(prog="station")
    load_cmd.add_parser(parser.add_subparsers())
    args = parser.parse_args(["load", *argv])
    args.config = config
    code = args.func(args)
    out, err = capsys.readouterr()
    return code, out, err


def table_rows(out: str) -> dict[str, list[str]]:
    rows = {}
    for line in out.splitlines():
        cells = line.split("  ")
        name = cells[0].rstrip("*!")
        if name in PRESETS:
            rows[name] = [c.strip() for c in cells[1:] if c.strip()]
    return rows


def test_load_1rm_without_config_prints_every_methods_start(capsys):
    code, out, err = cli(["--1rm", "140"], capsys)
    assert code == 0 and err == ""
    assert out.startswith("1RM 140 kg (--1rm); bar 20 kg")
    rows = table_rows(out)
    assert set(rows) == set(PRESETS)
    assert rows["rest-pause"] == ["10RM", "105", "105 kg", "10RM", "25 + 15 + 2.5 kg"]
    assert rows["sport-cluster"][:4] == ["40-60 % 1RM", "55-85", "70 kg", "50 % 1RM"]
    assert rows["forced-negatives"][2] == "155 kg"
    assert "drop set: 2 drops of 20 % from 100 kg" in out
    assert "drop 1      80 kg  take off 1 x 10 kg each side" in out


def test_load_reps_and_percent(capsys):
    code, out, _ = cli(["--1rm", "140", "--reps", "5"], capsys)
    assert code == 0
    assert out.splitlines()[1].startswith("125 kg   5RM: 88.9 % of 140 kg")
    assert out.splitlines()[2].strip() == "20 kg bar + 2 x 25 + 2.5 kg each side"
    code, out, _ = cli(["--1rm", "140", "--percent", "80", "--bar", "15", "--plates", "2x20,10,5,2.5,1.25"], capsys)
    assert code == 0
    assert out.splitlines()[1].startswith("112.5 kg   80 % of 140 kg = 112.0 kg")
    code, out, _ = cli(["--set", "5x100", "--set", "20x60", "--reps", "1"], capsys)
    assert out.startswith("1RM 112.5 kg (estimated from 5 x 100 kg, 20 x 60 kg)")
    code, out, _ = cli(["--1rm", "300", "--percent", "130", "--plates", "2x20"], capsys)
    assert "the kit tops out at 100 kg" in out.splitlines()[1]


def test_load_dumbbells_and_machine(capsys):
    code, out, _ = cli(["--1rm", "40", "--reps", "10", "--dumbbells", "20,25,30,32.5"], capsys)
    assert code == 0 and out.splitlines()[1].startswith("30 kg per dumbbell   10RM")
    code, out, _ = cli(["--1rm", "30", "--reps", "8", "--dumbbells", "20,22,24"], capsys)
    assert out.splitlines()[1] == "24 kg per dumbbell   8RM: 80.6 % of 30 kg = 24.2 kg"  # near enough
    code, out, _ = cli(["--1rm", "30", "--reps", "1", "--dumbbells", "20,22,24"], capsys)
    assert out.splitlines()[1].endswith("; the kit tops out at 24 kg")
    code, out, _ = cli(["--1rm", "80", "--percent", "70", "--increment", "7", "--drops", "3"], capsys)
    assert code == 0 and "drop 3      28 kg  move the pin to 28 kg (-7 kg)" in out


@pytest.mark.parametrize(
    "argv,message",
    [
        ([], "give an exercise from the config, --1rm KG"),
        (["--1rm", "140", "--reps", "25"], "--reps: 25 is outside 1-20"),
        (["--1rm", "140", "--percent", "0"], "--percent: expected more than 0"),
        (["--set", "30x50"], "no --set has 1-12 reps"),
        (["--1rm", "140", "--plates", "20", "--increment", "5"], "describe different kit"),
        (["--1rm", "100", "--percent", "70", "--plates", "10", "--drops", "3"], "3 drops need at least 3 plates"),
        (["--1rm", "100", "--percent", "70", "--drops", "2", "--drop-percent", "120"], "drop percent"),
    ],
)
def test_load_errors_exit_2_with_the_reason(capsys, argv, message):
    code, out, err = cli(argv, capsys)
    assert code == 2
    assert message in err
    assert err.startswith("station load: ")


def test_load_bad_numbers_are_refused_by_the_parser(capsys):
    with pytest.raises(SystemExit) as e:
        cli(["--1rm", "nan"], capsys)
    assert e.value.code == 2
    assert "expected a weight over 0 and at most 2500" in capsys.readouterr().err


TOML = """
[exercises.squat]
one_rm_kg = 140.0
bar_kg = 20.0
plates_kg = [25, 25, 20, 10, 5, 2.5, 1.25]

[exercises.bench]

[exercises.curl]
kind = "dumbbell"
one_rm_kg = 30.0
"""


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "station.toml"
    path.write_text(TOML)
    return path


def test_load_exercise_from_config(capsys, config):
    code, out, _ = cli(["squat", "--reps", "5"], capsys, config)
    assert code == 0
    assert out.startswith("1RM 140 kg (squat, from the config); bar 20 kg, plates per side 2 x 25 + 20")
    assert out.splitlines()[1].startswith("125 kg")
    code, out, _ = cli(["squat", "--1rm", "100", "--percent", "50"], capsys, config)
    assert out.splitlines()[1].startswith("50 kg")


def test_load_exercise_errors(capsys, config, tmp_path):
    code, _, err = cli(["sqat"], capsys, config)
    assert code == 2
    assert "unknown exercise 'sqat'" in err and "bench, curl, squat" in err and str(config) in err
    code, _, err = cli(["\x85"], capsys, config)  # a line break of its own (NEL): still one line
    assert code == 2 and len(err.strip().splitlines()) == 1, err
    code, _, err = cli(["bench"], capsys, config)
    assert code == 2
    assert "'bench' has no one_rm_kg: set it under [exercises.bench] in " + str(config) in err
    code, _, err = cli(["curl"], capsys, config)
    assert code == 2 and "add dumbbells_kg" in err
    broken = tmp_path / "broken.toml"
    broken.write_text("[exercises.squat]\nplates = [20]\n")
    code, _, err = cli(["squat"], capsys, broken)
    assert code == 2 and "broken.toml" in err


# ---------------------------------------------------------------- kit and units


def test_load_checks_the_config_even_with_1rm(capsys, tmp_path):
    broken = tmp_path / "broken.toml"
    broken.write_text("[exercises.squat]\nplates_kg = [20, -5]\n")
    code, out, err = cli(["--1rm", "140"], capsys, broken)
    assert code == 2 and out == ""
    assert err.startswith(f"station load: {broken}:2: exercises.squat.plates_kg:")


LB_TOML = """units = "lb"
[exercises.squat]
one_rm_lb = 315
bar_lb = 45
plates_lb = [45, 45, 45, 25, 10, 5, 2.5]
"""


def test_a_pound_gym_sees_pounds_plates_bar_and_loads(capsys, tmp_path):
    cfg = tmp_path / "station.toml"
    cfg.write_text(LB_TOML)
    code, out, _ = cli(["squat", "--reps", "5"], capsys, cfg)
    assert code == 0
    assert out.startswith("1RM 315 lb (squat, from the config); bar 45 lb, plates per side"
                          " 3 x 45 + 25 + 10 + 5 + 2.5 lb")
    assert out.splitlines()[1].startswith("280 lb   5RM: 88.9 % of 315 lb = 280.0 lb")
    assert out.splitlines()[2].strip() == "45 lb bar + 2 x 45 + 25 + 2.5 lb each side"
    code, out, _ = cli(["--1rm", "225", "--percent", "80"], capsys, cfg)
    assert out.splitlines()[1].startswith("180 lb   80 % of 225 lb = 180.0 lb")
    code, out, _ = cli(["--1rm", "100", "--percent", "80", "--units", "kg"], capsys, cfg)
    assert out.splitlines()[1].startswith("80 kg")


def test_a_pound_config_is_stored_in_kg_and_refuses_kg_keys(tmp_path):
    from station.config import ConfigError, parse_config

    cfg = parse_config(LB_TOML)
    sq = cfg.exercises["squat"]
    assert cfg.units == "lb"
    assert sq.one_rm_kg == pytest.approx(142.88, abs=0.01) and sq.bar_kg == pytest.approx(20.41, abs=0.01)
    with pytest.raises(ConfigError, match='units is "lb": give bar_lb'):
        parse_config('units = "lb"\n[exercises.squat]\nbar_kg = 20\n')
    with pytest.raises(ConfigError, match='units: expected "kg" or "lb"'):
        parse_config('units = "stone"\n')


def test_dumbbell_loads_say_they_are_per_dumbbell_and_out_of_reach_says_so(capsys):
    code, out, _ = cli(["--1rm", "60", "--dumbbells", "10,12.5,15,17.5,20"], capsys)
    assert code == 0
    assert out.startswith("dumbbell 1RM 60 kg (--1rm); dumbbells 10, 12.5, 15, 17.5, 20 kg;"
                          " every load is per dumbbell")
    rows = table_rows(out)
    # 2-3RM of 60 kg is 55-57 kg: the 20 kg pair is not a start, it is out of reach.
    assert rows["strength-rest-pause"][1:3] == ["-", "out of reach"]
    assert rows["forced-negatives"][2] == "out of reach"
    assert "every load is per dumbbell: lift a pair" in out
    assert "drop set from 43.3 kg: out of reach, the kit tops out at 20 kg" in out
    code, out, _ = cli(["--1rm", "30", "--dumbbells", "10,12.5,15,17.5,20"], capsys)
    rows = table_rows(out)
    assert rows["sport-cluster"][1:3] == ["12.5-17.5", "15 kg"]  # within reach: a start
    assert rows["forced-negatives"][2] == "out of reach"


def test_pound_plates_add_up_and_show_as_whole_pounds():
    from station.core.loads import LB, LB_KG

    kit = Kit(bar_kg=45 * LB_KG, plates_kg=tuple(p * LB_KG for p in [45] * 8 + [1.25]))
    top = kit.round(kit.max_kg)
    assert LB.show(top.total_kg) == "767.5 lb"  # 45 + 2 x (8 x 45 + 1.25)
    assert top.describe(LB) == "767.5 lb: 45 lb bar + 8 x 45 + 1.25 lb each side"
    assert LB.show(kit.round(405 * LB_KG).total_kg) == "405 lb"


def test_a_pound_rack_that_cannot_reach_says_so():
    from station.core.loads import LB, LB_KG

    rack = Kit(kind="dumbbell", dumbbells_kg=tuple(d * LB_KG for d in (10, 15, 20, 25, 30, 35)))
    assert rack.edge(38 * LB_KG, LB) == "the kit tops out at 35 lb"
    assert rack.out_of_reach(37.8 * LB_KG, 38.9 * LB_KG, LB) == "the kit tops out at 35 lb"
    assert rack.edge(36 * LB_KG, LB) == ""  # within half a step of the top pair
def test_each_drop_stays_near_the_asked_percentage_or_is_shown_as_not():
    # 100 kg, 20 % drops, the default plates: today 80 -> 70 -> 20 kg
    kit = Kit()
    chain = drop_loads(kit.round(100), 3, 20, kit=kit)
    assert [x.total_kg for x in chain] != [100, 80, 70, 20]
    warnings = loads.drop_warnings(chain, 20)
    assert warnings and all("not 20 %" in w and "closest these plates make" in w for w in warnings)
    # with 4 x 20 kg plates: 100 -> 60 -> 20, both drops far from 20 %: said so
    kit = Kit(plates_kg=(20, 20, 20, 20))
    chain = drop_loads(kit.round(100), 2, 20, kit=kit)
    assert [w.split(":")[0] for w in loads.drop_warnings(chain, 20)] == ["drop 1", "drop 2"]
    # a chain the plates do make gets no warning
    chain = drop_loads(round_barbell(120, 20, loads.DEFAULT_PLATES_KG), 2, 20, kit=Kit())
    assert loads.drop_warnings(chain, 20) == []
    # dumbbells and stacks: the within-tolerance chain wins over the nearest total
    rack = Kit("dumbbell", dumbbells_kg=(30, 24, 23, 18))
    chain = drop_loads(Loading(30, kind="dumbbell"), 2, 20, kit=rack)
    assert [x.total_kg for x in chain] == [30, 24, 18]
    assert loads.drop_warnings(chain, 20) == []
