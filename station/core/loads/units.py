"""How loads are kept and shown: kg inside, in whole grams for sums, kg or lb
to the lifter (:class:`Units`).

Pure and stdlib only. :func:`grams`/:func:`kilos` are the whole-gram
arithmetic the kit and drop searches share (1.25 kg plates add up exactly);
:func:`check_kg` is their one check of a load given in kg.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


def check_kg(name: str, kg: float, *, allow_zero: bool = False) -> float:
    """``kg`` as a float; ValueError naming ``name`` unless it is a finite
    number of kg over 0 (or 0 with ``allow_zero``)."""
    if isinstance(kg, bool) or not isinstance(kg, (int, float)) or not math.isfinite(kg):
        raise ValueError(f"{name}: expected a finite number of kg, got {kg!r}")
    if kg < 0 or (kg == 0 and not allow_zero):
        raise ValueError(f"{name}: must be more than 0 kg, got {kg:g}")
    return float(kg)


def grams(kg: float) -> int:
    """``kg`` in whole grams (the unit every sum of plates is made in)."""
    return round(kg * 1000)


def kilos(g: int) -> float:
    """``g`` grams, kg."""
    return g / 1000


def fmt_kg(kg: float) -> str:
    """``kg`` without trailing zeros: 100 -> "100", 2.5 -> "2.5", 1.25 -> "1.25"."""
    return f"{round(kg, 3):g}"


#: One pound, kg (exact, by definition).
LB_KG = 0.45359237
UNIT_NAMES = ("kg", "lb")


@dataclass(frozen=True)
class Units:
    """How loads are shown to the lifter: "kg" or "lb". Loads are always
    kept (and stored) in kg; this converts at the edges only."""

    name: str = "kg"

    def __post_init__(self) -> None:
        if self.name not in UNIT_NAMES:
            raise ValueError(f"units: expected one of {', '.join(UNIT_NAMES)}, got {self.name!r}")

    def of_kg(self, kg: float) -> float:
        """``kg`` in these units."""
        return kg if self.name == "kg" else kg / LB_KG

    def to_kg(self, value: float) -> float:
        """``value`` in these units, as kg."""
        return value if self.name == "kg" else value * LB_KG

    def num(self, kg: float) -> str:
        """``kg`` as a number in these units, without trailing zeros. Pounds
        to the nearest 0.05 lb: the kit works in whole grams, so a 45 lb
        plate is 20412 g (0.34 g over) and nine of them would show 405.01 lb
        at 0.01 lb; at 0.05 lb it takes some 70 plates to show an error, and
        1.25 and 0.25 lb plates still show as they are."""
        if self.name == "kg":
            return fmt_kg(kg)
        return f"{round(round(kg / LB_KG * 20) / 20, 2):g}"

    def show(self, kg: float) -> str:
        """``kg`` with its unit: "102.5 kg", "225 lb"."""
        return f"{self.num(kg)} {self.name}"


KG = Units("kg")
LB = Units("lb")
