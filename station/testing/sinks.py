"""A cue output for tests: notes each cue with the clock's instant of the call."""

from __future__ import annotations

from collections.abc import Callable

from station.core.events import Cue


class CueLog:
    """A :class:`~station.runtime.loop.CueSink` that keeps ``(cue, called_at_s)`` pairs.

    ``now``: the clock to stamp calls with (s); ``name``: the sink's name in
    lateness figures ("buzzer", "speaker").
    """

    def __init__(self, now: Callable[[], float], name: str = "buzzer") -> None:
        self.name = name
        self._now = now
        self.calls: list[tuple[Cue, float]] = []

    def play(self, cue: Cue) -> None:
        self.calls.append((cue, self._now()))

    @property
    def cues(self) -> list[tuple[str, float, object]]:
        """``(name, due instant s, value)`` of every cue played, in order."""
        return [(c.name, c.at, c.value) for c, _ in self.calls]

    @property
    def heard(self) -> list[tuple[str, float, float]]:
        """``(name, due instant s, called instant s)`` of every cue played, in order."""
        return [(c.name, c.at, called_at) for c, called_at in self.calls]

    def named(self, name: str) -> list[tuple[str, float, float]]:
        """:attr:`heard`, for the cues called ``name`` only."""
        return [h for h in self.heard if h[0] == name]
