"""Each method's starting-load rule (:class:`LoadRule`) and the starting load
it gives for a 1RM (:func:`starting_load`).

Pure and stdlib only. All loads are in kg. The rules are not written here:
each method's spec in :mod:`station.core.methods` holds its own, and that
package fills :data:`LOAD_RULES` as it registers the methods.
"""

from __future__ import annotations

from dataclasses import dataclass

from .rm import MAX_REPS, MIN_REPS, load_for_reps
from .units import check_kg


@dataclass(frozen=True)
class LoadRule:
    """A method's starting-load rule: ``low``-``high`` in ``unit`` ("RM": reps
    at that RM, "%": % of 1RM), the ``suggested`` value, and why."""

    method: str
    unit: str
    low: int
    high: int
    suggested: int
    note: str = ""

    @property
    def text(self) -> str:
        """As methods.md says it: "10-15RM", "10RM", "40-60 % 1RM"."""
        span = str(self.low) if self.low == self.high else f"{self.low}-{self.high}"
        return f"{span}RM" if self.unit == "RM" else f"{span} % 1RM"


#: Every method's starting-load rule by method name, in the methods' order.
#: Each method's spec holds its own; :mod:`station.core.methods` fills this
#: table as it registers them (this package imports only the stdlib).
LOAD_RULES: dict[str, LoadRule] = {}


def load_rule(method: str) -> LoadRule:
    """The starting-load rule of ``method``; ValueError listing the known ones."""
    try:
        return LOAD_RULES[method]
    except KeyError:
        raise ValueError(f"unknown method {method!r}; known: {', '.join(LOAD_RULES)}") from None


@dataclass(frozen=True)
class StartingLoad:
    """A method's starting load for one 1RM, kg, unrounded.

    ``low_kg``/``high_kg``: the lighter and heavier end of the rule's range;
    ``suggested_kg``: where to start; ``suggested``: that as a rule ("12RM",
    "50 % 1RM"); ``extrapolated``: some of it lies past the formula's 1-12
    reps; ``note``: why the suggestion, and any caveat.
    """

    method: str
    rule: str
    low_kg: float
    high_kg: float
    suggested_kg: float
    suggested: str
    extrapolated: bool = False
    note: str = ""


def starting_load(method: str, one_rm_kg: float) -> StartingLoad:
    """The starting load of ``method`` (a PRESETS name) for a 1RM, kg."""
    rule = load_rule(method)
    check_kg("1RM", one_rm_kg)
    notes = [rule.note] if rule.note else []
    if rule.unit == "%":
        low, high, sug = (one_rm_kg * p / 100 for p in (rule.low, rule.high, rule.suggested))
        return StartingLoad(
            method, rule.text, low, high, sug, f"{rule.suggested} % 1RM", note="; ".join(notes)
        )
    extrapolated = rule.high > MAX_REPS
    if extrapolated:
        notes.append(
            f"{max(MAX_REPS + 1, rule.low)}-{rule.high}RM lies past the formula's {MIN_REPS}-{MAX_REPS} reps: "
            "extrapolated"
        )
    return StartingLoad(
        method,
        rule.text,
        load_for_reps(one_rm_kg, rule.high, extrapolate=True),  # more reps, lighter
        load_for_reps(one_rm_kg, rule.low, extrapolate=True),
        load_for_reps(one_rm_kg, rule.suggested, extrapolate=True),
        f"{rule.suggested}RM",
        extrapolated,
        "; ".join(notes),
    )
