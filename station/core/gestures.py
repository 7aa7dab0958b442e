"""Button gestures decided from raw edge timestamps (placeholder: Edge only)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Edge:
    """A raw contact edge. ``pressed``: True for press, False for release.
    ``at``: when the edge happened, station-clock s. ``source``: "gpio",
    "remote", "keyboard", "spotter"..."""

    pressed: bool
    at: float
    source: str = "gpio"
