"""The main loop's inbox: a queue whose arrivals, and signals, can be waited on
in one ``select``.

Every thread posts to the loop with :meth:`Inbox.put` (a ``SimpleQueue`` put,
then a write to a wake-up fd: an ``eventfd``, a pipe where there is none).
:meth:`Inbox.watch_signals` (main thread, once) points
``signal.set_wakeup_fd`` at a second fd, so the C-level signal handler,
whichever thread it runs on, makes that fd readable. The real clock
(:meth:`station.runtime.clock.Clock.get`) waits on both fds: the loop sleeps
with no timeout but its own deadline, and a SIGTERM delivered to another
thread (or just before the wait, after Python's last look for pending
signals) ends the wait at once, so the main thread runs its Python handler,
which posts ``Quit``. Without this the loop had to wake every 0.5 s to look.

It is also a drop-in ``SimpleQueue`` for the test clocks (``get_nowait``,
``get``, ``empty``, ``qsize``): they never wait on the fds.
"""

from __future__ import annotations

import os
import queue
import signal
import socket
import threading


class Inbox:
    """A ``SimpleQueue`` with a wake-up fd written on each :meth:`put`, and
    (after :meth:`watch_signals`) a fd that a signal makes readable.
    :meth:`close` gives the signal wake-up back and closes the fds."""

    def __init__(self) -> None:
        self._q: queue.SimpleQueue = queue.SimpleQueue()
        if hasattr(os, "eventfd"):
            fd = os.eventfd(0, os.EFD_NONBLOCK | os.EFD_CLOEXEC)
            self._r, self._w = fd, fd
        else:  # no eventfd (not Linux): a non-blocking pipe does the same
            self._r, self._w = os.pipe()
            os.set_blocking(self._r, False)
            os.set_blocking(self._w, False)
        self._poke = b"\x00\x00\x00\x00\x00\x00\x00\x01" if self._r == self._w else b"\x01"
        self._signals: tuple[socket.socket, socket.socket] | None = None
        self._previous_wakeup_fd = -1
        # put (any thread, or a signal handler on the main thread: reentrant)
        # against close: no byte ever goes to a closed fd number reused elsewhere
        self._lock = threading.RLock()
        self.closed = False

    # ------------------------------------------------------------ the queue

    def put(self, item: object) -> None:
        """Thread-safe and non-blocking; safe from a signal handler too."""
        self._q.put(item)
        with self._lock:
            if self.closed:
                return  # nobody waits any more
            try:
                os.write(self._w, self._poke)
            except BlockingIOError:
                pass  # the fd is already readable (a full pipe): the waiter wakes anyway

    put_nowait = put

    def get_nowait(self) -> object:
        """An item or ``queue.Empty``."""
        return self._q.get_nowait()

    def get(self, block: bool = True, timeout: float | None = None) -> object:
        """``SimpleQueue.get``: blocks on the queue alone (not on signals)."""
        return self._q.get(block, timeout)

    def empty(self) -> bool:
        return self._q.empty()

    def qsize(self) -> int:
        return self._q.qsize()

    # ------------------------------------------------------------ waiting on it

    @property
    def wait_fds(self) -> tuple[int, ...]:
        """The fds to wait on for reading: arrivals, then signals (once watched)."""
        if self._signals is None:
            return (self._r,)
        return (self._r, self._signals[0].fileno())

    def woken_by_signal(self, ready: list[int]) -> bool:
        """Among ``ready`` fds is the signal one: drain it (True)."""
        if self._signals is None or self._signals[0].fileno() not in ready:
            return False
        try:
            while self._signals[0].recv(512):
                pass
        except (BlockingIOError, InterruptedError):
            pass
        return True

    def clear(self) -> None:
        """Forget past arrival wake-ups (read the fd empty), before looking in
        the queue: an item put after that look makes the fd readable again."""
        try:
            while os.read(self._r, 512):
                if self._r == self._w:
                    return  # an eventfd reads its whole count at once
        except BlockingIOError:
            pass

    # ------------------------------------------------------------ signals

    def watch_signals(self) -> None:
        """Have every signal make :attr:`wait_fds` readable
        (``signal.set_wakeup_fd``; main thread only, once)."""
        if self._signals is not None:
            return
        r, w = socket.socketpair()
        r.setblocking(False)
        w.setblocking(False)
        self._previous_wakeup_fd = signal.set_wakeup_fd(w.fileno(), warn_on_full_buffer=False)
        self._signals = (r, w)

    def close(self) -> None:
        """Give the signal wake-up fd back (from the main thread) and close
        the fds. Off the main thread the signal pair stays open (a closed fd
        number reused elsewhere must never get a signal's byte)."""
        with self._lock:
            if self.closed:
                return
            self.closed = True
            os.close(self._r)
            if self._w != self._r:
                os.close(self._w)
        if self._signals is not None:
            try:
                current = signal.set_wakeup_fd(self._previous_wakeup_fd)
            except ValueError:
                return  # not the main thread: leave the pair open
            if current != self._signals[1].fileno():
                signal.set_wakeup_fd(current)  # someone else's since: theirs stays
            for s in self._signals:
                s.close()
            self._signals = None
