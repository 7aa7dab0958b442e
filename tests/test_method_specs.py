"""Each training method is one spec in one module of station/core/methods/,
and every other part of the station reads the registry: a method defined and
registered here, touching no other module, compiles, has loads, words,
advice, guardrails, a CLI option, a `station presets` entry and a gallery."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from station.cli import main
from station.config import parse_config
from station.core import advice, engine, examples, guardrails, loads
from station.core.events import Phase
from station.core.loads import Kit, LoadRule
from station.core.methods import (
    PRESETS,
    REST,
    SPECS,
    AdviceRule,
    Compiling,
    Gallery,
    Guardrail,
    MethodSpec,
    Param,
    Plan,
    PlanError,
    Words,
    compile_plan,
    registered,
    scripts,
)
from station.core.prepare import prepare
from station.ui import view

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "station" / "core" / "methods"
HELPERS = {"__init__.py", "spec.py", "scripts.py"}


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_every_spec_is_complete(spec):
    assert spec.title and spec.summary and spec.params
    assert spec.load.method == spec.name and spec.load.low <= spec.load.suggested <= spec.load.high
    for p in spec.params:
        assert p.help and p.kind in ("int", "float", "list")
        assert p.low is not None and p.high is not None and p.low <= p.high, p.name
        if p.kind == "float":
            assert p.unit in ("s", "%"), p.name  # every time is in s, every share in %
    assert spec.words.noun and spec.words.count in ("bouts", "first", "made", "total")
    assert spec.words.pause in ("rest", "strip", "switch")
    assert spec.words.count != "first" or spec.words.count_first
    assert spec.advice.kind in ("first-bout", "targets", "negatives", "singles", "none")
    assert spec.advice.kind != "first-bout" or spec.advice.first
    assert isinstance(spec.example, scripts.Example) and spec.example.method == spec.name
    assert isinstance(spec.gallery, Gallery) and spec.gallery.reps
    plan, warnings = compile_plan(spec.name, load_kg=100.0)
    assert plan.method == spec.name and warnings == []  # the defaults are in range
    assert plan.spotter == spec.spotter


def test_each_method_module_is_one_registered_spec():
    modules = sorted(p.stem for p in PACKAGE.glob("*.py") if p.name not in HELPERS)
    assert len(modules) == len(SPECS) == len(PRESETS)
    assert sorted(s.name.replace("-", "_") for s in SPECS) == modules


def test_station_presets_and_run_list_exactly_the_registry(capsys):
    assert main(["presets"]) == 0
    heads = [ln.split("  —  ")[0] for ln in capsys.readouterr().out.splitlines()
             if ln and not ln.startswith(" ")]
    assert heads == list(PRESETS)
    with pytest.raises(SystemExit):
        main(["run", "--help"])
    assert "methods: " + ", ".join(PRESETS) in " ".join(capsys.readouterr().out.split())


def _method_names_outside_the_package() -> dict[str, set[str]]:
    """Method names written as string literals in station/, outside the
    methods package: file -> names."""
    names = set(PRESETS)
    found: dict[str, set[str]] = {}
    for path in (ROOT / "station").rglob("*.py"):
        if PACKAGE in path.parents:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value in names:
                found.setdefault(path.relative_to(ROOT / "station").as_posix(), set()).add(node.value)
    return found


def test_no_other_module_keeps_a_per_method_table():
    found = _method_names_outside_the_package()
    # A sample set to run (the demo, the bench, a simulated remote, the gallery's
    # extra screens) may name a method; no table or if-chain over methods may.
    samples = {"cluster", "rest-pause"}
    extra = {f: n - samples for f, n in found.items() if n - samples}
    # `station load` prints a drop-set chain from a 1RM: a drop-set feature.
    assert extra == {"commands/load.py": {"drop-set"}}


# ---------------------------------------------------------------- a new method


def _compile_toy(c: Compiling) -> Plan:
    v = c.values
    return Plan(c.name, target_reps=v["reps"], first_target_reps=v["reps"], rest_s=v["rest"],
                max_bouts=v["rounds"], loads_kg=c.loads, params=c.params)


TOY = MethodSpec(
    "pause-squat-rounds",
    "Paused rounds",
    "3 paused reps, 30 s rest, 4 rounds.",
    LoadRule("pause-squat-rounds", "RM", 6, 8, 7),
    (
        Param("reps", 3, 2, 4, "reps", "paused reps per round"),
        Param("rest", 30.0, 20, 40, help="rest after each round", **REST),
        Param("rounds", 4, 3, 5, "rounds", "number of rounds"),
    ),
    _compile_toy,
    spotter_kinds=("barbell", None),
    words=Words(noun="round", hint="press as you stand up"),
    advice=AdviceRule("targets"),
    guardrail=Guardrail(confirm_again=True),
    example=scripts.Example("pause-squat-rounds", "box squat", 120.0, (),
                            scripts.timed(30.0, [(3, False)] * 4), 200.0),
    gallery=Gallery("box squat", 80.0, (3, 3, 3, 3), barbell=True),
)


def test_a_method_defined_in_one_place_runs_everywhere(capsys):
    name = TOY.name
    with registered(TOY):
        plan, warnings = compile_plan(name, {"rounds": 6}, load_kg=80.0)
        assert (plan.target_reps, plan.rest_s, plan.max_bouts) == (3, 30.0, 6)
        assert warnings == ["rounds: 6 rounds is outside the recommended 3-5 rounds"]
        with pytest.raises(PlanError, match="reps: must be at least 1"):
            compile_plan(name, {"reps": 0})

        start = loads.starting_load(name, 100.0)
        assert (start.rule, start.suggested) == ("6-8RM", "7RM")

        assert guardrails.spotter_required(name, "barbell")
        assert not guardrails.spotter_required(name, "machine")
        assert guardrails.again_prompt(name, "box squat", 1)[0] == f"another {name} on box squat?"

        ready = engine.snapshot(engine.new_set(plan), 0.0)
        screen = view.screen_model(ready, 0.0)
        assert screen.word == "READY" and screen.bout == "round 1 of 6"
        assert "press as you stand up" in screen.lines

        ex = examples.example(name)
        plan, _ = compile_plan(name, load_kg=100.0)
        state, _ = examples.run(plan, ex.script, ex.until_s)
        done = engine.snapshot(state, ex.until_s)
        assert done.phase == Phase.DONE and done.total_reps == 12
        assert view.count_line(done) == "4 rounds"
        a = advice.advise(done, plan.target_reps, Kit())
        assert a.change == 1 and a.text == "next time 2.5 kg heavier (102.5 kg): all 4 rounds made 3 reps"

        prep = prepare(parse_config(""), name, {}, 100.0, None)
        assert prep.plan.spotter  # unknown kind: the safe side, as its rule says

        assert main(["presets", name]) == 0
        out = capsys.readouterr().out
        assert out.startswith(f"{name}  —  Paused rounds") and "--rounds" in out
        with pytest.raises(SystemExit):
            main(["run", "--help"])
        assert "--rounds N" in capsys.readouterr().out

        from station.commands import gallery
        assert [s[0] for s in gallery.method_scenes(name)] == [
            "ready", "work", "rest", "rest-countin", "done"]
    assert name not in PRESETS
    with pytest.raises(ValueError, match="unknown method"):
        loads.starting_load(name, 100.0)
