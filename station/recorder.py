"""History writes on their own thread, so a slow SD card never delays a cue.

The main loop calls :meth:`Recorder.record` (a queue put, never blocking);
the thread owns the sqlite3 connection and commits each record as it comes.
A kill loses at most what is still in the queue: the record in flight.
"""

from __future__ import annotations

import queue
import threading
from concurrent.futures import Future
from pathlib import Path
from typing import Any, Callable

from .store import NullHistory, open_history

_STOP = object()


class Recorder:
    """Owns a History (or a NullHistory when the file is unusable) on a thread.

    ``path``: the sqlite3 file. ``offset_s``: wall minus monotonic clock, s.
    ``off_reason``: None while recording, else why history is off (for the
    screen). Calls are carried out in order.
    """

    def __init__(self, path: Path | None, offset_s: float) -> None:
        self._q: queue.SimpleQueue = queue.SimpleQueue()
        self._ready: Future = Future()
        self.off_reason: str | None = None
        self._thread = threading.Thread(target=self._run, args=(path, offset_s),
                                        name="recorder", daemon=True)
        self._thread.start()
        history = self._ready.result(timeout=10)
        self.off_reason = getattr(history, "off_reason", None)

    def _run(self, path: Path | None, offset_s: float) -> None:
        if path is None:
            history: Any = NullHistory("history off: no database")
        else:
            try:
                history = open_history(path, offset_s)
            except Exception as exc:  # any surprise: record nothing, never stop a set
                history = NullHistory(f"history off: {path}: {exc}")
        self._ready.set_result(history)
        while True:
            item = self._q.get()
            if item is _STOP:
                break
            name, args, fut = item
            if name is None:  # after(): everything queued before is committed
                try:
                    args[0]()
                except Exception:  # a remote's send failing is its own business
                    pass
                continue
            try:
                result = getattr(history, name)(*args)
            except Exception as exc:  # a failing write must not kill the station
                self.off_reason = f"history off: {exc}"
                history = NullHistory(self.off_reason)
                result = None
            if fut is not None:
                fut.set_result(result)
            elif getattr(history, "off_reason", None) and not self.off_reason:
                self.off_reason = history.off_reason
        history.close()

    def call(self, name: str, *args: object) -> None:
        """Queue ``history.name(*args)``; returns at once."""
        self._q.put((name, args, None))

    def ask(self, name: str, *args: object, timeout: float = 5.0) -> Any:
        """``history.name(*args)`` and wait for its result (between sets only)."""
        fut: Future = Future()
        self._q.put((name, args, fut))
        return fut.result(timeout=timeout)

    def after(self, fn: Callable[[], object]) -> None:
        """Call ``fn`` on the recorder thread once every record queued before
        it is committed (it must not block: e.g. a serial send that queues)."""
        self._q.put((None, (fn,), None))

    def record(self, effect: object, actual_at: float | None) -> None:
        """For the main loop: an engine effect (and when its cue sounded, s)."""
        self._q.put(("apply", (effect, actual_at), None))

    def close(self, timeout: float = 5.0) -> None:
        self._q.put(_STOP)
        self._thread.join(timeout=timeout)

    def __enter__(self) -> "Recorder":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


Record = Callable[[object, float | None], None]
