"""The training methods: one module per method, each defining one ``SPEC``
(:class:`MethodSpec`), and the registry every other part of the station
iterates (``station presets``, the CLI's options, the loads, the advice, the
guardrails, the screen's words, the gallery, the examples).

A new method is a new module here with its ``SPEC`` and one line in
:data:`SPECS`; nothing else in the station names it. :func:`register`
(or :func:`registered`) adds one at run time.

:func:`compile_plan` checks the parameters against the spec (out of range:
a warning naming the range; nonsense: a :class:`PlanError` naming the
parameter) and lets the spec's ``compile`` make the :class:`Plan`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

from .. import loads
from . import (
    cluster,
    drop_set,
    forced_negatives,
    mechanical_drop_set,
    myo_reps,
    rest_pause,
    sport_cluster,
    strength_rest_pause,
)
from .cluster import every_range
from .spec import (
    MAX_REST_S,
    REST,
    STRIP_LIMIT_S,
    AdviceRule,
    Compiling,
    Gallery,
    Guardrail,
    LoadRule,
    MethodSpec,
    Param,
    Plan,
    PlanError,
    Prepare,
    Preset,
    Words,
    _check,
    _fmt,  # noqa: F401  (the methods' modules share it)
)

__all__ = [
    "MAX_REST_S", "REST", "STRIP_LIMIT_S", "AdviceRule", "Compiling", "Gallery", "Guardrail",
    "LoadRule", "MethodSpec", "Param", "Plan", "PlanError", "Prepare", "Preset", "Words", "SPECS",
    "PRESETS", "compile_plan", "every_range", "preset", "register", "registered", "unregister",
]

#: The built-in methods, in the order ``station presets`` lists them.
SPECS: tuple[MethodSpec, ...] = (
    cluster.SPEC,
    sport_cluster.SPEC,
    rest_pause.SPEC,
    strength_rest_pause.SPEC,
    myo_reps.SPEC,
    drop_set.SPEC,
    mechanical_drop_set.SPEC,
    forced_negatives.SPEC,
)

#: Every method by name: the built-in ones and any :func:`register`-ed.
PRESETS: dict[str, MethodSpec] = {s.name: s for s in SPECS}
loads.LOAD_RULES.update((s.name, s.load) for s in SPECS)


def register(spec: MethodSpec) -> None:
    """Add ``spec`` to the methods; ValueError if its name is taken."""
    if spec.name in PRESETS:
        raise ValueError(f"method {spec.name!r} is already registered")
    if spec.load.method != spec.name:
        raise ValueError(f"{spec.name}: its load rule is for {spec.load.method!r}")
    PRESETS[spec.name] = spec
    loads.LOAD_RULES[spec.name] = spec.load


def unregister(name: str) -> None:
    """Remove a :func:`register`-ed method (the built-in ones stay)."""
    if any(s.name == name for s in SPECS):
        raise ValueError(f"{name!r} is a built-in method")
    PRESETS.pop(name, None)
    loads.LOAD_RULES.pop(name, None)


@contextmanager
def registered(spec: MethodSpec) -> Iterator[MethodSpec]:
    """``spec`` registered for the length of a ``with`` block."""
    register(spec)
    try:
        yield spec
    finally:
        unregister(spec.name)


def preset(name: str) -> MethodSpec:
    """The method called ``name``; PlanError listing the known ones if none."""
    try:
        return PRESETS[name]
    except KeyError:
        raise PlanError(f"unknown method {name!r}; known: {', '.join(PRESETS)}") from None


def compile_plan(
    name: str,
    overrides: dict[str, object] | None = None,
    load_kg: float | None = None,
    drop_loads_kg: tuple[float, ...] | None = None,
) -> tuple[Plan, list[str]]:
    """Compile method ``name`` with ``overrides`` (param name -> value).

    ``load_kg``: the starting load, kg (optional). ``drop_loads_kg``: the load
    of each bout of a drop set, already rounded to the plates; when None the
    drops are computed without rounding from ``drop-percent``.
    Returns the plan and the out-of-range warnings. Raises PlanError.
    """
    spec = preset(name)
    overrides = dict(overrides or {})
    warnings: list[str] = []
    values: dict[str, object] = {}
    for key in overrides:
        if key not in {p.name for p in spec.params}:
            raise PlanError(
                f"{name} has no parameter {key!r}; it takes: "
                f"{', '.join(p.name for p in spec.params)}"
            )
    for p in spec.params:
        values[p.name] = _check(p, overrides.get(p.name, p.default), warnings)
    if load_kg is not None and not 0 <= load_kg <= 1000:
        raise PlanError(f"load: {load_kg:g} kg is not a load (0-1000 kg)")
    loads = (float(load_kg),) if load_kg is not None else ()
    params = tuple(sorted(values.items()))
    plan = spec.compile(Compiling(name, values, overrides, load_kg, loads, drop_loads_kg, params,
                                  warnings))
    if spec.spotter and not plan.spotter:  # the spec's spotter rule holds whatever compile said
        plan = replace(plan, spotter=True)
    return plan, warnings
