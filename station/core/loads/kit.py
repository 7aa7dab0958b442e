"""What the lifter has for one exercise (:class:`Kit`: a bar and plates, a
dumbbell rack, a machine's stack) and the load it makes nearest a target
(:class:`Loading`).

Pure and stdlib only. All loads are in kg, rounded in whole grams so 1.25 kg
plates add up exactly; ties go to the lighter load.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from .plates import describe_plates, nearest, plate_grams, plate_sums
from .units import KG, LB_KG, Units, check_kg, grams, kilos

KINDS = ("barbell", "dumbbell", "machine")
# Plates available per side when nothing else is said (the config's default).
DEFAULT_BAR_KG = 20.0
DEFAULT_PLATES_KG: tuple[float, ...] = (25, 25, 25, 25, 20, 15, 10, 5, 2.5, 1.25)
#: A pound gym's kit when nothing else is said: a 45 lb bar and common plates per side.
DEFAULT_BAR_LB = 45.0
DEFAULT_PLATES_LB: tuple[float, ...] = (45, 45, 45, 45, 35, 25, 10, 5, 2.5)


@dataclass(frozen=True)
class Loading:
    """A load the kit can make.

    ``total_kg``: what is lifted (for dumbbells: one dumbbell).
    ``per_side``: the plates on each side of the bar, heaviest (innermost)
    first; empty for dumbbells and machines. ``bar_kg``: the bar.
    ``kind``: "barbell", "dumbbell" or "machine".
    """

    total_kg: float
    per_side: tuple[float, ...] = ()
    bar_kg: float = 0.0
    kind: str = "barbell"

    def describe(self, units: Units = KG) -> str:
        """One line: "102.5 kg: 20 kg bar + 25 + 15 + 1.25 kg each side";
        dumbbells: "22.5 kg per dumbbell (a pair)"."""
        if self.kind in ("dumbbell", "machine"):
            return self.layout(units)
        return f"{units.show(self.total_kg)}: {self.layout(units)}"

    def layout(self, units: Units = KG) -> str:
        """How to load it, for the screen: "20 kg bar + 25 + 15 + 1.25 kg
        each side", "the empty 20 kg bar", "22.5 kg per dumbbell (a pair)",
        "80 kg on the stack"."""
        total = units.show(self.total_kg)
        if self.kind == "dumbbell":
            return f"{total} per dumbbell (a pair)"
        if self.kind == "machine":
            return f"{total} on the stack"
        if not self.per_side:
            return f"the empty {units.show(self.bar_kg)} bar"
        return (f"{units.show(self.bar_kg)} bar + {describe_plates(self.per_side, units)}"
                " each side")


def round_barbell(target_kg: float, bar_kg: float, plates_per_side: Iterable[float]) -> Loading:
    """The achievable barbell load nearest ``target_kg`` (ties: the lighter).

    ``plates_per_side``: the plates available for each side (a multiset).
    A target below the bar gives the empty bar; above what the plates make,
    the heaviest loading.
    """
    check_kg("target", target_kg, allow_zero=True)
    bar_g = grams(check_kg("bar", bar_kg, allow_zero=True))
    sums = plate_sums(plate_grams(plates_per_side))
    side = nearest(sums, (grams(target_kg) - bar_g) / 2)  # type: ignore[arg-type]
    return barbell_loading(bar_g, sums[side])


def barbell_loading(bar_g: int, side_g: tuple[int, ...]) -> Loading:
    """The barbell Loading of a bar and one side's plates, both g."""
    side = tuple(sorted(side_g, reverse=True))
    return Loading(kilos(bar_g + 2 * sum(side)), tuple(kilos(p) for p in side), kilos(bar_g), "barbell")


def round_dumbbell(target_kg: float, available: Iterable[float]) -> Loading:
    """The dumbbell on the rack nearest ``target_kg`` (ties: the lighter)."""
    check_kg("target", target_kg, allow_zero=True)
    rack = {grams(check_kg("dumbbell", d)) for d in available}
    if not rack:
        raise ValueError("dumbbells: the rack is empty; list the dumbbell weights you have")
    return Loading(kilos(nearest(rack, grams(target_kg))), kind="dumbbell")


def round_machine(target_kg: float, increment_kg: float) -> Loading:
    """The stack setting nearest ``target_kg``: a multiple of ``increment_kg``,
    at least one increment (ties: the lighter)."""
    check_kg("target", target_kg, allow_zero=True)
    inc = grams(check_kg("increment", increment_kg))
    if inc < 1:
        raise ValueError(f"increment: expected at least 0.001 kg, got {increment_kg!r}")
    q, r = divmod(grams(target_kg), inc)
    steps = max(1, q + (2 * r > inc))  # exactly half way: the lighter
    return Loading(kilos(steps * inc), kind="machine")


class KitSource(Protocol):
    """What :meth:`Kit.of` reads: a config exercise (loads in kg)."""

    @property
    def kind(self) -> str: ...
    @property
    def bar_kg(self) -> float: ...
    @property
    def plates_kg(self) -> Iterable[float]: ...
    @property
    def dumbbells_kg(self) -> Iterable[float]: ...
    @property
    def increment_kg(self) -> float: ...


@dataclass(frozen=True)
class Kit:
    """What the lifter has for one exercise.

    ``kind``: "barbell" (``bar_kg`` and ``plates_kg``, the plates available
    per side), "dumbbell" (``dumbbells_kg``, the weights on the rack) or
    "machine" (``increment_kg``, the stack's step).
    """

    kind: str = "barbell"
    bar_kg: float = DEFAULT_BAR_KG
    plates_kg: tuple[float, ...] = DEFAULT_PLATES_KG
    dumbbells_kg: tuple[float, ...] = ()
    increment_kg: float = 5.0

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind: expected one of {', '.join(KINDS)}, got {self.kind!r}")
        if self.kind == "barbell":
            check_kg("bar", self.bar_kg, allow_zero=True)
            plate_grams(self.plates_kg)
        elif self.kind == "dumbbell":
            if not self.dumbbells_kg:
                raise ValueError("dumbbells: the rack is empty; list the dumbbell weights you have")
            for d in self.dumbbells_kg:
                check_kg("dumbbell", d)
        else:
            check_kg("increment", self.increment_kg)
            if grams(self.increment_kg) < 1:
                raise ValueError(f"increment: expected at least 0.001 kg, got {self.increment_kg!r}")

    @classmethod
    def default(cls, units: Units = KG) -> Kit:
        """The barbell kit assumed when none is configured, in ``units``'s plates."""
        if units.name == "lb":
            return cls(bar_kg=DEFAULT_BAR_LB * LB_KG, plates_kg=tuple(p * LB_KG for p in DEFAULT_PLATES_LB))
        return cls()

    @classmethod
    def of(cls, exercise: KitSource) -> Kit:
        """The kit of a config exercise: anything with ``kind``, ``bar_kg``,
        ``plates_kg``, ``dumbbells_kg`` and ``increment_kg``. ValueError if
        it cannot make a load (a dumbbell exercise with an empty rack)."""
        return cls(
            kind=exercise.kind,
            bar_kg=exercise.bar_kg,
            plates_kg=tuple(exercise.plates_kg),
            dumbbells_kg=tuple(exercise.dumbbells_kg),
            increment_kg=exercise.increment_kg,
        )

    def round(self, target_kg: float) -> Loading:
        """The achievable load nearest ``target_kg``, kg (ties: the lighter)."""
        if self.kind == "barbell":
            return round_barbell(target_kg, self.bar_kg, self.plates_kg)
        if self.kind == "dumbbell":
            return round_dumbbell(target_kg, self.dumbbells_kg)
        return round_machine(target_kg, self.increment_kg)

    @property
    def max_kg(self) -> float | None:
        """The heaviest load the kit makes, kg (None: a machine, no known top)."""
        if self.kind == "barbell":
            return kilos(grams(self.bar_kg) + 2 * sum(plate_grams(self.plates_kg)))
        if self.kind == "dumbbell":
            return kilos(max(grams(d) for d in self.dumbbells_kg))  # as round() gives it: whole grams
        return None

    @property
    def min_kg(self) -> float:
        """The lightest load the kit makes, kg: the bar, the lightest dumbbell,
        or one step of the stack."""
        if self.kind == "barbell":
            return kilos(grams(self.bar_kg))  # whole grams, as round() gives it
        if self.kind == "dumbbell":
            return kilos(min(grams(d) for d in self.dumbbells_kg))
        return kilos(grams(self.increment_kg))

    @property
    def step_kg(self) -> float:
        """The finest step between two loads the kit makes, kg: two of the
        smallest plates, the closest two dumbbells, or the stack's step."""
        if self.kind == "barbell":
            return 2 * min(self.plates_kg) if self.plates_kg else 0.0
        if self.kind == "dumbbell":
            rack = sorted({grams(d) for d in self.dumbbells_kg})
            return kilos(min((b - a for a, b in zip(rack, rack[1:])), default=rack[0]))
        return float(self.increment_kg)

    def edge(self, target_kg: float, units: Units = KG) -> str:
        """What to say when the kit cannot come near ``target_kg`` (more than
        half its finest step away): "the kit tops out at 20 kg", "the
        lightest the kit makes is 10 kg"; "" when it can."""
        got, top, slack = self.round(target_kg).total_kg, self.max_kg, self.step_kg / 2
        if top is not None and got == top and target_kg > top + slack:
            return f"the kit tops out at {units.show(top)}"
        if got == self.min_kg and target_kg < self.min_kg - slack:
            return f"the lightest the kit makes is {units.show(self.min_kg)}"
        return ""

    def out_of_reach(self, low_kg: float, high_kg: float, units: Units = KG) -> str:
        """Why no load of ``low_kg``-``high_kg`` can be made (both ends past
        the same edge of the kit), or "" when one can."""
        lo, hi = self.edge(low_kg, units), self.edge(high_kg, units)
        return lo if lo and lo == hi else ""

    def describe(self, units: Units = KG) -> str:
        """One line: the bar and plates, the rack, or the stack step."""
        if self.kind == "barbell":
            return (f"bar {units.show(self.bar_kg)}, plates per side "
                    f"{describe_plates(self.plates_kg, units)}")
        if self.kind == "dumbbell":
            return ("dumbbells " + ", ".join(units.num(d) for d in sorted(set(self.dumbbells_kg)))
                    + f" {units.name}; every load is per dumbbell")
        return f"machine stack in steps of {units.show(self.increment_kg)}"
