"""The main loop's seams: what is posted to it besides input (:class:`Quit`,
:class:`Note`), the outputs it drives (:class:`CueSink`, :class:`Screen`),
and what a set leaves (:class:`SetResult`). :mod:`station.runtime.loop`
re-exports them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from station.core import session
from station.core.events import Cue
from station.core.snapshot import Snapshot
from station.ui.view.messages import Message


@dataclass(frozen=True)
class Quit:
    """Leave: Esc, window closed, SIGINT/SIGTERM. ``why`` is shown and logged."""

    why: str = "quit"


@dataclass(frozen=True)
class Note:
    """A status note for the screen (remote lost/back, no sound...).
    ``key`` groups notes so a newer one replaces an older (e.g. "remote")."""

    key: str
    text: str | None  # None clears the note


class CueSink(Protocol):
    """A cue output. It may also have ``expect(quiet_for_s)``: before each
    wait the loop says how long (s) no timed cue is due (``None``: none is
    known, between sets; 0: the lifter is at work, a cue may come any
    moment), so a device can rest meanwhile (:class:`station.hw.speaker.Speaker`)."""

    name: str

    def play(self, cue: Cue) -> None: ...


class Screen(Protocol):
    """Shows one :mod:`station.ui.view.messages` message; never blocks."""

    def present(self, message: Message) -> None: ...


@dataclass
class SetResult:
    """What a finished set leaves behind. ``lateness``: s per sink name,
    from each cue's due instant to the loop's call of that output (a cue
    queued behind another one on the output starts later by design: that
    wait is not lateness)."""

    session: session.Session
    snapshot: Snapshot
    lateness: dict[str, list[float]] = field(default_factory=dict)
    quit: Quit | None = None

    @property
    def worst_lateness_s(self) -> float | None:
        values = [v for vs in self.lateness.values() for v in vs]
        return max(values) if values else None
