"""Trying again for a device that was missing at start (a panel or a USB or
HDMI sound card that appears late), with backoff, on one background thread.

Each task is a callable that tries once and returns True when the device is
now in use (the task is then done) or False (tried again later). The delays
between tries double from ``first_s`` up to ``max_s`` and then stay there:
2, 4, 8, 16, 32, 60, 60... s by default. Nothing here touches the main loop:
a task hands its result over itself (e.g. by swapping a screen).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

FIRST_S = 2.0
MAX_S = 60.0


def backoff_delays(first_s: float = FIRST_S, max_s: float = MAX_S):
    """The waits before each try, s: ``first_s`` doubling, capped at ``max_s`` (endless)."""
    if not 0 < first_s <= max_s:
        raise ValueError(f"need 0 < first_s <= max_s, got {first_s}, {max_s}")
    delay = first_s
    while True:
        yield delay
        delay = min(delay * 2, max_s)


@dataclass
class _Task:
    name: str
    attempt: Callable[[], bool]
    on_wait: Callable[[float], None] | None
    delays: object = field(default=None)
    due_at: float = 0.0
    tries: int = 0


class Retrier:
    """Runs the tasks' tries on a daemon thread until each succeeds or
    :meth:`stop` is called. ``clock``: monotonic seconds (tests pass their own)."""

    def __init__(self, *, first_s: float | None = None, max_s: float | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._first_s = FIRST_S if first_s is None else first_s
        self._max_s = MAX_S if max_s is None else max_s
        self._clock = clock
        self._tasks: list[_Task] = []
        self._cv = threading.Condition()
        self._stopped = False
        self._thread: threading.Thread | None = None

    def add(self, name: str, attempt: Callable[[], bool],
            on_wait: Callable[[float], None] | None = None) -> None:
        """Try ``attempt`` after the first delay, then with backoff until it
        returns True. ``on_wait(delay_s)`` is called before each wait (to say
        when the next try is). An exception counts as a failed try."""
        delays = backoff_delays(self._first_s, self._max_s)
        task = _Task(name, attempt, on_wait, delays)
        self._schedule(task)
        with self._cv:
            self._tasks.append(task)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="retry", daemon=True)
                self._thread.start()
            self._cv.notify()

    @property
    def pending(self) -> list[str]:
        """The names of the tasks still being retried."""
        with self._cv:
            return [t.name for t in self._tasks]

    def stop(self, timeout_s: float = 5.0) -> None:
        """No more tries; waits up to ``timeout_s`` for a try in progress."""
        with self._cv:
            self._stopped = True
            self._cv.notify()
        if self._thread is not None:
            self._thread.join(timeout_s)

    def _schedule(self, task: _Task) -> None:
        delay = next(task.delays)  # type: ignore[call-overload]
        task.due_at = self._clock() + delay
        if task.on_wait is not None:
            try:
                task.on_wait(delay)
            except Exception:  # noqa: BLE001 - saying so must not stop the retries
                log.exception("retry %s: on_wait failed", task.name)

    def _run(self) -> None:
        while True:
            with self._cv:
                while not self._stopped:
                    now = self._clock()
                    due = [t for t in self._tasks if t.due_at <= now]
                    if due:
                        break
                    if not self._tasks:
                        return
                    self._cv.wait(min(t.due_at for t in self._tasks) - now)
                if self._stopped:
                    return
            for task in due:
                task.tries += 1
                try:
                    done = bool(task.attempt())
                except Exception as exc:  # noqa: BLE001 - a failed try, not a crash
                    log.debug("retry %s: %s", task.name, exc)
                    done = False
                with self._cv:
                    if self._stopped:
                        return
                    if done:
                        self._tasks.remove(task)
                if not done:
                    self._schedule(task)
