"""The only module that reads time or sleeps.

Station instants are ``time.monotonic()`` seconds. History wants wall-clock
UTC, so :class:`Clock` also gives the offset from monotonic to Unix time,
taken once at start (a later NTP step does not move recorded instants).
"""

from __future__ import annotations

import queue
import time
from datetime import UTC, datetime


class Clock:
    """Monotonic time, s. ``offset_s``: add to a station instant to get Unix time."""

    def __init__(self) -> None:
        self.offset_s = time.time() - time.monotonic()

    def now(self) -> float:
        return time.monotonic()

    def to_utc(self, at: float) -> datetime:
        """A station instant ``at`` (s) as an aware UTC datetime."""
        return datetime.fromtimestamp(at + self.offset_s, tz=UTC)

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)

    def get(self, q: queue.SimpleQueue, timeout: float | None) -> object:
        """``q.get`` waiting at most ``timeout`` s of this clock's time;
        raises ``queue.Empty`` when it passes. None waits for ever."""
        if timeout is None:
            return q.get()
        if timeout <= 0:
            return q.get_nowait()
        return q.get(timeout=timeout)


def __getattr__(name: str) -> object:
    # FakeClock lives with the other test doubles in station.testing; it is
    # still importable from here (lazily: station.testing imports Clock).
    if name == "FakeClock":
        from station.testing.clocks import FakeClock

        return FakeClock
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
