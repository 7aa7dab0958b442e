"""Figures of ``station bench``: samples, their summary, targets and the table.

A :class:`Figure` is one line of the table: a name, a unit, the summary of
its samples (median, p99, max) and the targets it is held to. Everything is
plain values, so the same report prints as a table or as JSON.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0..1) of ``values``, nearest rank (no interpolation:
    p99 of 50 samples is the largest but one, a value that really happened)."""
    if not values:
        raise ValueError("percentile of no samples")
    if not 0 <= q <= 1:
        raise ValueError(f"quantile must be within 0..1, got {q}")
    s = sorted(values)
    return s[max(0, math.ceil(q * len(s)) - 1)]


@dataclass(frozen=True)
class Target:
    """``stat`` (median, p99, max, value) must be <= ``limit`` (in the figure's unit)."""

    stat: str
    limit: float

    def met(self, fig: Figure) -> bool | None:
        v = fig.stat(self.stat)
        return None if v is None else v <= self.limit + 1e-12

    def text(self) -> str:
        return f"{self.stat} <= {self.limit:g}"


@dataclass
class Figure:
    """One measured figure. ``samples`` in ``unit``; ``value`` for a single
    number (start-up, memory, CPU). ``note``: how it was measured or why
    there is no value."""

    name: str
    unit: str
    samples: list[float] = field(default_factory=list)
    value: float | None = None
    targets: tuple[Target, ...] = ()
    note: str = ""

    def stat(self, which: str) -> float | None:
        if which == "value":
            return self.value
        if not self.samples:
            return self.value if which == "max" else None
        if which == "median":
            return percentile(self.samples, 0.5)
        if which == "p99":
            return percentile(self.samples, 0.99)
        if which == "max":
            return max(self.samples)
        raise ValueError(f"unknown statistic {which!r}; known: median, p99, max, value")

    @property
    def verdict(self) -> str:
        """"pass", "MISS", "n/a" (nothing measured) or "" (no target)."""
        if not self.targets:
            return ""
        met = [t.met(self) for t in self.targets]
        if any(m is None for m in met):
            return "n/a"
        return "pass" if all(met) else "MISS"

    def as_dict(self) -> dict:
        return {
            "name": self.name, "unit": self.unit, "n": len(self.samples),
            "median": self.stat("median"), "p99": self.stat("p99"), "max": self.stat("max"),
            "value": self.value, "targets": [t.text() for t in self.targets],
            "verdict": self.verdict, "note": self.note,
        }


def _fmt(v: float | None) -> str:
    if v is None:
        return "-"
    if v == 0:
        return "0"
    return f"{v:.3g}" if abs(v) < 100 else f"{v:.0f}"


def table(figures: list[Figure]) -> str:
    """The figures as a fixed-width text table, one line each (notes below)."""
    head = ("figure", "unit", "n", "median", "p99", "max", "target", "result")
    rows = [head]
    for f in figures:
        single = not f.samples
        rows.append((
            f.name, f.unit, str(len(f.samples)) if f.samples else "1" if f.value is not None else "0",
            "-" if single else _fmt(f.stat("median")), "-" if single else _fmt(f.stat("p99")),
            _fmt(f.value) if single else _fmt(f.stat("max")),
            ", ".join(t.text() for t in f.targets), f.verdict))
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    notes = [f"  {f.name}: {f.note}" for f in figures if f.note]
    return "\n".join(lines + (["", "notes:"] + notes if notes else []))
