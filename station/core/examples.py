"""The article's example of each method, as a lifter at the rack would run it.

Pure: a script of ``(instant_s, event)`` per method (each method's spec
holds its own, built with :mod:`station.core.methods.scripts`), and
:func:`run` to play it through the engine. ``station gallery`` draws each method's summary from
these runs (so it shows the summary the station really gives), and the
table test in ``tests/test_method_examples.py`` checks loads, stops and cues
against them. Numbers follow docs/methods.md; instants are seconds from the
first press.
"""

from __future__ import annotations

from . import engine
from .engine import SetState
from .events import Effect, Tick
from .methods import PRESETS, SPECS, Plan
from .methods.scripts import Example, Script

__all__ = ["EXAMPLES", "Example", "Script", "example", "run"]

#: The examples of the built-in methods, in their order.
EXAMPLES: tuple[Example, ...] = tuple(s.example for s in SPECS if isinstance(s.example, Example))


def example(method: str) -> Example:
    """The example of ``method`` (its spec's); KeyError if there is none."""
    spec = PRESETS.get(method)
    if spec is None or not isinstance(spec.example, Example):
        raise KeyError(method)
    return spec.example


def run(plan: Plan, script: Script, until_s: float) -> tuple[SetState, list[Effect]]:
    """Play ``script`` through the engine (every deadline fires at its own
    instant) and tick to ``until_s``; the final state and every effect."""
    state = engine.new_set(plan)
    effects: list[Effect] = []
    for at, event in script:
        state, fx = engine.handle(state, event, at)
        effects.extend(fx)
    state, fx = engine.handle(state, Tick(until_s), until_s)
    effects.extend(fx)
    return state, effects
