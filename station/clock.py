"""The only module that reads time or sleeps.

Station instants are ``time.monotonic()`` seconds. History wants wall-clock
UTC, so :class:`Clock` also gives the offset from monotonic to Unix time,
taken once at start (a later NTP step does not move recorded instants).
"""

from __future__ import annotations

import queue
import threading
import time
from datetime import datetime, timezone

_SLICE_S = 0.002  # FakeClock: how often a waiting loop looks at virtual time (real s)


class Clock:
    """Monotonic time, s. ``offset_s``: add to a station instant to get Unix time."""

    def __init__(self) -> None:
        self.offset_s = time.time() - time.monotonic()

    def now(self) -> float:
        return time.monotonic()

    def to_utc(self, at: float) -> datetime:
        """A station instant ``at`` (s) as an aware UTC datetime."""
        return datetime.fromtimestamp(at + self.offset_s, tz=timezone.utc)

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)

    def get(self, q: "queue.SimpleQueue", timeout: float | None) -> object:
        """``q.get`` waiting at most ``timeout`` s of this clock's time;
        raises ``queue.Empty`` when it passes. None waits for ever."""
        if timeout is None:
            return q.get()
        if timeout <= 0:
            return q.get_nowait()
        return q.get(timeout=timeout)


class FakeClock(Clock):
    """Virtual time for tests and fast-forward runs: moves only when told.

    ``sleep`` advances it at once. Starts at ``start`` s (default 1000, so an
    instant of 0 is never mistaken for "unset").
    """

    def __init__(self, start: float = 1000.0, offset_s: float = 1.7e9) -> None:
        self._now = start
        self.offset_s = offset_s
        self._moved = threading.Condition()

    def now(self) -> float:
        return self._now

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError(f"a clock cannot go back ({seconds} s)")
        self.set(self._now + seconds)

    def set(self, at: float) -> None:
        if at < self._now:
            raise ValueError(f"a clock cannot go back from {self._now} to {at}")
        with self._moved:
            self._now = at
            self._moved.notify_all()

    def get(self, q: "queue.SimpleQueue", timeout: float | None) -> object:
        """Wait for an item, or until the clock is *moved* past ``timeout``
        (by another thread, a test): virtual time never passes by itself."""
        until = None if timeout is None else self._now + timeout
        while True:
            try:
                return q.get_nowait()
            except queue.Empty:
                pass
            if until is not None and self._now >= until:
                raise queue.Empty
            with self._moved:
                self._moved.wait(_SLICE_S)

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            self._now += seconds
