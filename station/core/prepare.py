"""Preparing a set (pure): a built-in method or a user preset, resolved to a
:class:`Plan` and what to tell the lifter about it before it starts.

:func:`prepare` runs the steps in order: look the method or preset up
(:func:`resolve`), the exercise's variations, the starting load (from the
exercise's 1RM when none is given: the configured one, else one learnt from
the history), the forced-negatives cap, the drop chain on the exercise's
plates, the plates to show, the plan itself, and the spotter rule.

It reads the configuration through :class:`Setup`, a Protocol the shell's
``station.config.Config`` satisfies as it stands (the core never imports the
shell). Loads are kg throughout; ``units`` only changes how they are shown.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Protocol, cast

from . import guardrails, loads
from .methods import PRESETS, MethodSpec, Plan, PlanError, compile_plan
from .variations import variations_for

# ------------------------------------------------------------ what is read


class ExerciseLike(loads.KitSource, Protocol):
    """A config exercise: its kit (``loads.KitSource``), its 1RM (kg, None
    when not configured), its mechanical-drop-set variations and its
    spotter setting ("ask", or "arms": safety arms set)."""

    @property
    def one_rm_kg(self) -> float | None: ...
    @property
    def variations(self) -> tuple[str, ...]: ...
    @property
    def spotter(self) -> str: ...


class PresetLike(Protocol):
    """A user preset: a built-in method with its own parameters and,
    optionally, its exercise and load (kg)."""

    @property
    def method(self) -> str: ...
    @property
    def exercise(self) -> str | None: ...
    @property
    def load_kg(self) -> float | None: ...
    @property
    def params(self) -> Mapping[str, object]: ...


class GesturesLike(Protocol):
    """The gesture settings the plan carries: the fraction of a rest after
    which a press starts the next bout early."""

    @property
    def early_start_after(self) -> float: ...


class Setup(Protocol):
    """What preparing a set reads of the configuration: the exercises and
    presets by name, the display units ("kg" or "lb"), where the file is
    (``source``, shown in messages; None: defaults) and the gestures."""

    @property
    def presets(self) -> Mapping[str, PresetLike]: ...
    @property
    def exercises(self) -> Mapping[str, ExerciseLike]: ...
    @property
    def units(self) -> str: ...
    @property
    def source(self) -> object: ...
    @property
    def gestures(self) -> GesturesLike: ...


# ------------------------------------------------------------ the result


@dataclass
class Prepared:
    """A set ready to run: the plan and what to tell the lifter about it.

    ``warnings``: out-of-range values (acknowledged with a press).
    ``info``: the starting load and how it was found, the plates.
    ``strips``: drop sets: what to take off at each drop.
    ``plates``: how to load each bout ("20 kg bar + 25 + 10 + 5 kg each
    side"), for the screen; empty without an exercise's kit.
    ``safety``: what stands in for the spotter ("safety arms set: ..."), or "".
    """

    plan: Plan
    warnings: list[str]
    exercise: str | None
    load_kg: float | None
    info: list[str] = field(default_factory=list)
    strips: tuple[str, ...] = ()
    plates: tuple[str, ...] = ()
    safety: str = ""


@dataclass(frozen=True)
class Resolved:
    """A method or preset looked up: the built-in method (``base``), the
    parameters (the preset's, then the overrides), the exercise and the load
    (kg; the command line's, else the preset's)."""

    base: str
    params: dict[str, object]
    exercise: str | None
    load_kg: float | None


@dataclass(frozen=True)
class _Drops:
    """A drop set's chain of loads, the strips between them, and the drop %."""

    chain: list[loads.Loading]
    strips: tuple[str, ...]
    percent: float

    @property
    def loads_kg(self) -> tuple[float, ...]:
        """The load of each bout, kg."""
        return tuple(x.total_kg for x in self.chain)


#: methods where safety arms stand in for a spotter (a failed rep rests on
#: them; each spec's ``arms_replace_spotter``); forced negatives need a
#: spotter to return the bar
ARMS_REPLACE_SPOTTER = tuple(s.name for s in PRESETS.values() if s.arms_replace_spotter)


# ------------------------------------------------------------ the steps


def prepare(setup: Setup, method: str, overrides: Mapping[str, object], load_kg: float | None,
            exercise: str | None,
            learnt_1rm: Callable[[str], float | None] | None = None) -> Prepared:
    """A built-in method or user preset, with its load from the exercise's 1RM
    (the config's, else ``learnt_1rm(exercise)`` from history, kg) when none
    is given, drops rounded to the plates, and the spotter rule.
    Raises PlanError naming the problem."""
    r = resolve(setup, method, overrides, load_kg, exercise)
    base, params, exercise = r.base, r.params, r.exercise
    spec = PRESETS[base]
    ex = setup.exercises.get(exercise) if exercise else None
    if spec.prepare.variations_from_exercise and "variations" not in params:
        params["variations"] = variations_for(exercise, ex.variations if ex is not None else ())
    info = [unknown_exercise_info(setup, exercise)] if exercise and ex is None else []
    units = loads.Units(setup.units)
    kit = loads.Kit.of(ex) if ex is not None else None
    one_rm, source = _one_rm(ex, exercise, learnt_1rm)
    load, reach_warning = _load(base, r.load_kg, kit, one_rm, source, units, info)
    if spec.prepare.no_load_info and load is None:
        info.append(spec.prepare.no_load_info)
    load = _capped(spec, load, one_rm, kit, info)
    drops = _drops(spec, params, load, kit, units)
    plates = _plates(load, kit, drops, units, info)
    plan, warnings = compile_plan(base, params, load, drops.loads_kg if drops is not None else None)
    if reach_warning:
        warnings.append(reach_warning)
    if drops is not None:
        warnings += loads.drop_warnings(drops.chain, drops.percent, units)
    plan = replace(plan, early_start_after=setup.gestures.early_start_after)
    plan, safety = _spotter(spec, plan, ex)
    if safety:
        info.append(safety)
    return Prepared(plan, warnings, exercise, load, info, drops.strips if drops is not None else (),
                    plates, safety)


def resolve(setup: Setup, method: str, overrides: Mapping[str, object], load_kg: float | None,
            exercise: str | None) -> Resolved:
    """Look ``method`` up: a user preset (its parameters, exercise and load
    unless given) or a built-in method; then the overrides on top.
    Raises PlanError naming the known ones (and the nearest) if neither."""
    presets = setup.presets
    params: dict[str, object] = {}
    if method in presets:
        up = presets[method]
        params.update(up.params)
        exercise = exercise or up.exercise
        load_kg = load_kg if load_kg is not None else up.load_kg
        base = up.method
    elif method in PRESETS:
        base = method
    else:
        names = list(PRESETS) + list(presets)
        raise PlanError(f"unknown method or preset {method!r}{did_you_mean(method, names)}; "
                        f"known: {', '.join(names)}")
    params.update(overrides)
    return Resolved(base, params, exercise, load_kg)


def unknown_exercise_info(setup: Setup, exercise: str) -> str:
    """The note for an exercise the config does not have: the set runs all
    the same, without plates or 1RM, recorded under this name."""
    known = ", ".join(setup.exercises) or "none"
    where = f" in {setup.source}" if setup.source else ""
    return (f"exercise {exercise!r} is not in the config{where}"
            f"{did_you_mean(exercise, list(setup.exercises))} (known: {known}); "
            f"running without its plates or 1RM, recorded as {exercise!r}")


def _one_rm(ex: ExerciseLike | None, exercise: str | None,
            learnt_1rm: Callable[[str], float | None] | None) -> tuple[float | None, str]:
    """(the exercise's 1RM in kg or None, where it comes from): the
    configured one, else the history's estimate (only for a config exercise)."""
    one_rm, source = (ex.one_rm_kg, "configured") if ex is not None else (None, "")
    if ex is not None and not one_rm and learnt_1rm is not None and exercise:
        one_rm, source = learnt_1rm(exercise), "estimated from your history (Brzycki)"
    return one_rm, source


def _load(base: str, load_kg: float | None, kit: loads.Kit | None, one_rm: float | None,
          source: str, units: loads.Units, info: list[str]) -> tuple[float | None, str]:
    """(the load, kg, or None; a warning when the method's range is out of the
    kit's reach, or ""). No load given: the method's starting load from the
    1RM, rounded to the kit, said in ``info``; a given load is rounded to the kit."""
    if load_kg is None and kit is not None and one_rm:
        show = units.show
        start = loads.starting_load(base, one_rm)
        load_kg = kit.round(start.suggested_kg).total_kg
        each = " per dumbbell" if kit.kind == "dumbbell" else ""
        dumbbell = "dumbbell " if kit.kind == "dumbbell" else ""
        lo, hi = units.of_kg(start.low_kg), units.of_kg(start.high_kg)
        info.append(f"starting load {show(load_kg)}{each} = {start.suggested} of a "
                    f"{units.of_kg(one_rm):.1f} {units.name} {dumbbell}1RM, "
                    f"{source} ({start.rule}: {lo:.1f}-{hi:.1f} {units.name})")
        far = kit.out_of_reach(start.low_kg, start.high_kg, units)
        if far:  # the heaviest (or lightest) the kit has is not this method's load
            return load_kg, (f"{base}: {start.rule} of your {show(one_rm)} {dumbbell}1RM is "
                             f"{lo:.1f}-{hi:.1f} {units.name}{each} and {far}: out of reach; "
                             f"{show(load_kg)} is not this method's load")
    elif load_kg is not None and kit is not None:
        load_kg = kit.round(load_kg).total_kg
    return load_kg, ""


def _capped(spec: MethodSpec, load_kg: float | None, one_rm: float | None, kit: loads.Kit | None,
            info: list[str]) -> float | None:
    """The load, kg, capped at the method's % of the 1RM (forced negatives),
    rounded down to the kit; the cap is said in ``info``."""
    prep = spec.prepare
    if prep.cap_percent is None or load_kg is None or not one_rm:
        return load_kg
    top = one_rm * prep.cap_percent / 100
    if load_kg <= top + 1e-9:
        return load_kg
    capped = kit.round(top).total_kg if kit is not None else top
    if capped > top + 1e-9 and kit is not None:
        capped = kit.round(top - kit.step_kg).total_kg
    info.append(f"{prep.cap_info}: {load_kg:g} kg is over {prep.cap_percent} % of the "
                f"{one_rm:.1f} kg 1RM; capped at {capped:g} kg (progress the lowering time "
                "instead)")
    return capped


def _drops(spec: MethodSpec, params: Mapping[str, object], load_kg: float | None,
           kit: loads.Kit | None, units: loads.Units) -> _Drops | None:
    """A drop set's chain on the kit from ``drops`` and ``drop-percent``
    (None for other methods, or without a load or a kit). Raises PlanError
    if the kit cannot make it."""
    if not spec.prepare.drop_chain or load_kg is None or kit is None:
        return None
    drops = int(cast(int, params.get("drops", spec.param("drops").default)))
    pct = float(cast(float, params.get("drop-percent", spec.param("drop-percent").default)))
    try:
        chain = loads.drop_loads(kit.round(load_kg), drops, pct, kit=kit)
    except ValueError as exc:
        raise PlanError(f"{spec.name}: {exc}") from None
    return _Drops(chain, tuple(loads.strip_text(a, b, units) for a, b in zip(chain, chain[1:])), pct)


def _plates(load_kg: float | None, kit: loads.Kit | None, drops: _Drops | None, units: loads.Units,
            info: list[str]) -> tuple[str, ...]:
    """How to load each bout, for the screen (empty without a load and a
    kit); ``info`` gets the plates of the first bout and the drops."""
    if drops is not None:
        loading: loads.Loading | None = drops.chain[0]  # the plates chosen so that each drop is a clean strip
        info.append("drops: " + " -> ".join(units.show(x) for x in drops.loads_kg) + "; "
                    + "; ".join(drops.strips))
    else:
        loading = kit.round(load_kg) if load_kg is not None and kit is not None else None
    if loading is not None:
        info.insert(len(info) - (1 if drops is not None and drops.strips else 0), loading.describe(units))
    if drops is not None and drops.chain:
        return tuple(x.layout(units) for x in drops.chain)
    return (loading.layout(units),) if loading is not None else ()


def _spotter(spec: MethodSpec, plan: Plan, ex: ExerciseLike | None) -> tuple[Plan, str]:
    """(the plan with the spotter rule applied, what stands in for the
    spotter or ""). Barbell (or unknown kind) drop sets ask for one; safety
    arms on the exercise stand in where the method allows it."""
    if not plan.spotter and guardrails.spotter_required(spec.name, ex.kind if ex is not None else None):
        plan = replace(plan, spotter=True)  # barbell (or unknown kind) drop sets
    if plan.spotter and ex is not None and ex.spotter == "arms" and spec.arms_replace_spotter:
        return replace(plan, spotter=False), "safety arms set: no spotter asked"
    return plan, ""


# ------------------------------------------------------------ small helpers


def counts_for_1rm(method: object) -> bool:
    """Whether a recorded set of ``method`` enters the 1RM estimate (forced
    negatives do not: eccentrics overestimate it)."""
    spec = PRESETS.get(method) if isinstance(method, str) else None
    return spec is None or spec.prepare.counts_for_1rm


def did_you_mean(name: str, names: list[str]) -> str:
    """" (did you mean X?)" for the nearest of ``names``, or ""."""
    near = difflib.get_close_matches(name, names, n=1)
    return f" (did you mean {near[0]}?)" if near else ""


def plan_summary(plan: Plan) -> str:
    """The plan's set parameters as "reps=2, sets=4", for the history."""
    return ", ".join(f"{k}={v}" for k, v in plan.params if v is not None)
