"""The only module that reads time or sleeps.

Station instants are ``time.monotonic()`` seconds. History wants wall-clock
UTC, so :class:`Clock` also gives the offset from monotonic to Unix time,
taken once at start (a later NTP step does not move recorded instants).

The main loop waits here: :meth:`Clock.get` on its
:class:`~station.runtime.inbox.Inbox` sleeps in ``select`` on the inbox's
fds (an item posted, a signal), with no timeout but the one it is given;
:meth:`Clock.get_sharp` is the wait for an instant that must not be missed
(a timed cue), which does not trust the kernel to wake the thread on time.
"""

from __future__ import annotations

import queue
import select
import time
from datetime import UTC, datetime

from station.runtime.inbox import Inbox


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

    def get(self, q: Inbox | queue.SimpleQueue, timeout: float | None) -> object:
        """``q.get`` waiting at most ``timeout`` s of this clock's time;
        raises ``queue.Empty`` when it passes. None waits for ever.

        On an :class:`~station.runtime.inbox.Inbox` whose signals are
        watched, a signal also ends the wait, with ``queue.Empty`` (the
        queue drained of nothing): the caller runs Python code again, so
        the signal's handler runs and posts what it posts, and the next
        wait finds it. A pending handler is never slept through."""
        if timeout is not None and timeout <= 0:
            return q.get_nowait()
        if not isinstance(q, Inbox):
            return q.get() if timeout is None else q.get(timeout=timeout)
        end = None if timeout is None else time.monotonic() + timeout
        fds = q.wait_fds
        while True:
            q.clear()  # before the look: an item put after it wakes the select
            try:
                return q.get_nowait()
            except queue.Empty:
                pass
            left = None if end is None else end - time.monotonic()
            if left is not None and left <= 0:
                raise queue.Empty
            ready, _, _ = select.select(fds, (), (), left)
            if q.woken_by_signal(ready):
                raise queue.Empty  # its handler runs as this returns
            if not ready:
                raise queue.Empty

    def get_sharp(self, q: Inbox | queue.SimpleQueue, timeout: float, early_s: float) -> object:
        """:meth:`get` for an instant that must not be missed: the sleep ends
        ``early_s`` s before ``timeout`` passes, and the last stretch polls
        ``q`` and the clock without sleeping, so a late wake-up of the thread
        (the kernel, a hypervisor) costs nothing up to ``early_s``. An item
        is returned as soon as it is seen; ``queue.Empty`` once ``timeout``
        has passed, or at once if the sleep was cut short by a signal (as
        :meth:`get`).

        The stretch never gives anything up on purpose: a thread that wants
        the GIL gets it after the interpreter's switch interval (0.5 ms in
        the station, ``sys.setswitchinterval``), as from any Python code.
        ``time.sleep(0)`` would sleep the timer slack and may itself be
        woken late; ``os.sched_yield`` hands the CPU to any other runnable
        process (measured, 2 ms stretches: back after the instant median
        15 us, max 1.9-3 ms with ``sleep(0)``; under two spinning processes
        median 1.5 ms with ``sched_yield``; 1-2 us with neither)."""
        start = self.now()
        end = start + timeout
        if timeout > early_s:
            try:
                return self.get(q, timeout - early_s)
            except queue.Empty:
                if self.now() < end - early_s:
                    raise  # a signal, not the time: the caller runs its handler
        while True:
            try:
                return self.get(q, 0.0)
            except queue.Empty:
                pass
            if self.now() >= end:
                raise queue.Empty


def __getattr__(name: str) -> object:
    # FakeClock lives with the other test doubles in station.testing; it is
    # still importable from here (lazily: station.testing imports Clock).
    if name == "FakeClock":
        from station.testing.clocks import FakeClock

        return FakeClock
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
