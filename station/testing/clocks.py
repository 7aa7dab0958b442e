"""Virtual clocks for tests and fast-forward runs (instants in s).

:class:`FakeClock` stands still until a test moves it. :class:`ScriptedClock`
is trio's "autojump" idea for the station: whenever the main loop waits,
virtual time jumps at once to the loop's own deadline or to the next scripted
input, whichever comes first, so a 4-minute set runs on one thread in
milliseconds, deterministically. :class:`CreepingClock` is a scripted clock
whose time also advances by ``step_s`` on every read, as real time moves
while the loop works: a loop that reads the clock twice and acts on the
difference (or drops what fell in between) shows it on this clock only.
:class:`LateClock` is a scripted clock whose waits end late (a late
wake-up of the thread). :class:`CountingClock` is the real clock, noting
each wait the loop blocks in (how often the loop wakes, and why).
"""

from __future__ import annotations

import math
import queue
import threading
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from station.runtime.clock import Clock
from station.runtime.inbox import Inbox

_SLICE_S = 0.002  # FakeClock: how often a waiting loop looks at virtual time (real s)


class FakeClock(Clock):
    """Virtual time for tests and fast-forward runs: moves only when told.

    ``sleep`` advances it at once. Starts at ``start`` s (default 1000, so an
    instant of 0 is never mistaken for "unset"). ``step_s``: how far time
    moves on every :meth:`now` (0: it stands still while the loop works).
    """

    def __init__(self, start: float = 1000.0, offset_s: float = 1.7e9,
                 step_s: float = 0.0) -> None:
        if step_s < 0:
            raise ValueError(f"step_s must be >= 0, got {step_s}")
        self._now = start
        self.offset_s = offset_s
        self.step_s = step_s
        self.reads = 0
        self._moved = threading.Condition()

    def now(self) -> float:
        self.reads += 1
        if self.step_s:
            with self._moved:
                self._now += self.step_s
        return self._now

    @property
    def at(self) -> float:
        """The virtual instant now, s, read without moving it: unlike
        :meth:`now` it neither creeps by ``step_s`` nor counts in ``reads``
        (for a test's own bookkeeping, which costs the loop nothing)."""
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

    def get(self, q: Inbox | queue.SimpleQueue, timeout: float | None) -> object:
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

    def get_sharp(self, q: Inbox | queue.SimpleQueue, timeout: float, early_s: float) -> object:
        """:meth:`get`: a virtual wake-up is never late, so nothing to poll."""
        return self.get(q, timeout)

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            self._now += seconds


class ScriptedClock(FakeClock):
    """Virtual time (s) that moves only when the main loop waits.

    ``script``: ``(at_s, item)`` pairs in any order; each item is handed to
    the waiting loop as if posted at ``at_s``; a callable item is called at
    ``at_s`` instead (e.g. a mock pin's ``drive_low``, whose callback posts).
    When the script is used up and the loop would wait for ever,
    ``on_empty()`` gives the item to return (e.g. a ``Quit``); None raises
    RuntimeError (a script that stalls). ``step_s``: how far time moves on
    every :meth:`now` (0: it stands still while the loop works).
    """

    def __init__(self, script: Iterable[tuple[float, object]] = (), start: float = 1000.0,
                 on_empty: Callable[[], object] | None = None, step_s: float = 0.0) -> None:
        super().__init__(start, step_s=step_s)
        self._script = deque(sorted(script, key=lambda p: p[0]))
        self._on_empty = on_empty

    def add(self, at: float, item: object) -> None:
        """Schedule ``item`` at ``at`` (s; one in the past is due at once)."""
        self._script.append((max(at, self._now), item))
        self._script = deque(sorted(self._script, key=lambda p: p[0]))

    def drop_pending(self) -> int:
        """Forget every scripted item not yet delivered (e.g. presses planned
        after a set's cap); returns how many were dropped."""
        n = len(self._script)
        self._script.clear()
        return n

    def next_at(self) -> float | None:
        """The instant (s) of the next scripted item, None when none is left."""
        return self._script[0][0] if self._script else None

    def get(self, q: Inbox | queue.SimpleQueue, timeout: float | None) -> object:
        until = None if timeout is None else self._now + max(timeout, 0.0)
        while True:
            try:
                return q.get_nowait()
            except queue.Empty:
                pass
            if not self._script or (until is not None and self._script[0][0] > until):
                break
            at, item = self._script.popleft()
            self.set(max(at, self._now))
            if not callable(item):
                return item
            item()
        if until is None:
            if self._on_empty is None:
                raise RuntimeError(f"the script ran out at {self._now} s with nothing to wait for")
            return self._on_empty()
        self.set(max(until, self._now))
        raise queue.Empty


class CreepingClock(ScriptedClock):
    """A :class:`ScriptedClock` whose time advances ``step_s`` (default
    0.5 ms) on every read: the loop's own work takes time, as on a Pi."""

    def __init__(self, step_s: float = 0.0005, script: Iterable[tuple[float, object]] = (),
                 start: float = 1000.0, on_empty: Callable[[], object] | None = None) -> None:
        super().__init__(script, start=start, on_empty=on_empty, step_s=step_s)


class LateClock(ScriptedClock):
    """A :class:`ScriptedClock` on which the kernel wakes the thread late:
    every wait that runs out its timeout ends ``late_s`` s after it, and
    time moves ``step_s`` on every read (real time passes while the loop
    polls). :meth:`get_sharp` is the real clock's (it polls its last
    stretch, see :meth:`station.runtime.clock.Clock.get_sharp`); each of
    its calls is noted in :attr:`sharp` as ``(called_at_s, timeout_s)``."""

    def __init__(self, late_s: float = 0.001, step_s: float = 0.00001,
                 script: Iterable[tuple[float, object]] = (), start: float = 1000.0,
                 on_empty: Callable[[], object] | None = None) -> None:
        super().__init__(script, start=start, on_empty=on_empty, step_s=step_s)
        self.late_s = late_s
        self.sharp: list[tuple[float, float]] = []

    def get(self, q: Inbox | queue.SimpleQueue, timeout: float | None) -> object:
        if timeout is None or timeout <= 0:
            return super().get(q, timeout)
        try:
            return super().get(q, timeout)
        except queue.Empty:
            self.set(self._now + self.late_s)  # the wake-up comes late
            raise

    def get_sharp(self, q: Inbox | queue.SimpleQueue, timeout: float, early_s: float) -> object:
        self.sharp.append((self.at, timeout))
        return Clock.get_sharp(self, q, timeout, early_s)


@dataclass(frozen=True)
class Wait:
    """One blocking wait on a :class:`CountingClock`: from ``at`` (s), for at
    most ``timeout_s`` (None: no limit), ``waited_s`` long; ``outcome`` is
    "item", "ran out" (the timeout passed) or "cut short" (a signal)."""

    at: float
    timeout_s: float | None
    waited_s: float
    outcome: str


class CountingClock(Clock):
    """The real clock, noting every wait the main loop blocks in (a
    :meth:`get` with a timeout over 0 or none) in :attr:`waits`;
    :attr:`waiting` is set as each one begins. Real time: for tests that
    count wake-ups, never for timing thresholds."""

    def __init__(self) -> None:
        super().__init__()
        self.waits: list[Wait] = []
        self.waiting = threading.Event()

    def get(self, q: Inbox | queue.SimpleQueue, timeout: float | None) -> object:
        if timeout is not None and timeout <= 0:
            return super().get(q, timeout)
        at = self.now()
        self.waiting.set()
        outcome = "item"
        try:
            return super().get(q, timeout)
        except queue.Empty:
            waited = self.now() - at
            outcome = "ran out" if timeout is not None and waited >= timeout else "cut short"
            raise
        finally:
            self.waits.append(Wait(at, timeout, self.now() - at, outcome))
            self.waiting.clear()

    def ran_out(self, since: float = -math.inf) -> list[Wait]:
        """The waits begun at or after ``since`` (s) that ended by their timeout."""
        return [w for w in self.waits if w.at >= since and w.outcome == "ran out"]
