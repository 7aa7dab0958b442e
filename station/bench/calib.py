"""A fixed pure-Python workload, so CPU costs travel between machines.

Absolute CPU times do not carry from one machine to another (a Pi core runs
Python several times slower than a desktop's). :func:`calibrate` times one
fixed, deterministic piece of plain Python (:func:`workload`: integer
arithmetic, dict and list updates, attribute access, calls, string
formatting: what the station's main loop and view do between C calls); its
best time is one *calibration unit* (cu) on this machine. A cost divided by
it (:func:`in_units`) is roughly the same number on a Pi, so a figure
measured there can be compared with one from here.

The workload never changes: changing it breaks every recorded figure.
Version it (:data:`VERSION`) if it ever must.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

VERSION = 1
_N = 20_000


class _Point:
    __slots__ = ("x", "y")

    def __init__(self, x: int, y: int) -> None:
        self.x, self.y = x, y

    def moved(self, dx: int) -> _Point:
        return _Point(self.x + dx, self.y - dx)


def workload(n: int = _N) -> int:
    """The fixed workload; returns a checksum (so nothing is optimised away)."""
    counts: dict[int, int] = {}
    items: list[int] = []
    p = _Point(0, 0)
    total = 0
    for i in range(n):
        k = i % 97
        counts[k] = counts.get(k, 0) + i
        total += (i * 7) ^ (i >> 3)
        if i % 5 == 0:
            items.append(k)
        p = p.moved(k & 3)
        total += len(f"{k}:{p.x}")
    items.sort()
    return total + sum(counts.values()) + sum(items) + p.y


#: :func:`workload`'s checksum: a different value means the workload changed.
CHECKSUM = workload()


@dataclass(frozen=True)
class Calibration:
    """``unit_s``: one run of :func:`workload`, s (the best of ``runs``);
    ``median_s``: their median (how loaded the machine was: median/best)."""

    unit_s: float
    median_s: float
    runs: int
    version: int = VERSION

    def in_units(self, cpu_s: float) -> float:
        """``cpu_s`` of CPU as calibration units (cu)."""
        return cpu_s / self.unit_s

    def as_dict(self) -> dict:
        return {"unit_ms": self.unit_s * 1000, "median_ms": self.median_s * 1000,
                "runs": self.runs, "version": self.version}


def calibrate(runs: int = 15) -> Calibration:
    """Time :func:`workload` ``runs`` times on this thread's CPU clock
    (``time.thread_time``: time waiting for a core on a loaded machine is
    not counted); the best is the unit."""
    if workload() != CHECKSUM:  # pragma: no cover - a changed interpreter, not a changed workload
        raise RuntimeError("the calibration workload gave another checksum")
    times = []
    for _ in range(runs):
        t0 = time.thread_time()
        workload()
        times.append(time.thread_time() - t0)
    times.sort()
    return Calibration(unit_s=times[0], median_s=times[len(times) // 2], runs=runs)
