"""History writes on their own thread, so a slow SD card never delays a cue.

The main loop calls :meth:`Recorder.record` (a queue put, never blocking).
The thread takes everything waiting in the queue and commits it as one
transaction (a group commit): the slow part of a commit is the card's sync,
not the rows, so a slow card makes the batches bigger instead of letting a
backlog grow. A kill loses at most the batch in flight.

:meth:`Recorder.after` callbacks learn whether the records queued before
them were committed, so the remote is told a rep is saved only once it is.
The first commit that fails (a full disk, an I/O error, a card remounted
read-only) turns history off for the rest of the run and calls ``on_off``
once with the reason; the set goes on.
"""

from __future__ import annotations

import queue
import threading
from collections import deque
from concurrent.futures import Future
from pathlib import Path
from typing import Any, Callable

from .core.events import Cue
from .store import NullHistory, open_history

_STOP = object()
_AFTER = "after"

#: How long :meth:`Recorder.close` waits for the last commit at a stop, s.
#: A commit costs one or two syncs of the card (a slow card: up to ~1 s), the
#: last batch holds everything still queued, and closing the file adds a
#: checkpoint. The whole stop must fit the unit's TimeoutStopSec=
#: (systemd/station.service): this, [mqtt]'s flush (up to 4 s, during which
#: the card goes on writing) and about 1 s for the other devices.
STOP_BUDGET_S = 3.0
#: At most this many queued calls go into one transaction.
MAX_BATCH = 1000


class Recorder:
    """Owns a History (or a NullHistory when the file is unusable) on a thread.

    ``path``: the sqlite3 file. ``offset_s``: wall minus monotonic clock, s.
    ``on_off(reason)``: called once, on the recorder thread, when a write
    fails and history turns off (not when it was off from the start: see
    ``off_reason`` after construction). ``off_reason``: None while
    recording, else why history is off. Calls are carried out in order.
    """

    def __init__(self, path: Path | None, offset_s: float,
                 on_off: Callable[[str], None] | None = None) -> None:
        self._q: queue.SimpleQueue = queue.SimpleQueue()
        self._ready: Future = Future()
        self._on_off = on_off
        self.off_reason: str | None = None
        # What is queued and not yet committed (appended here, popped by the
        # thread after each commit): what a stop that runs out of time loses.
        self._unsaved: deque = deque()
        self.commits = 0  # transactions committed (for tests and the bench)
        self._thread = threading.Thread(target=self._run, args=(path, offset_s),
                                        name="recorder", daemon=True)
        self._thread.start()
        history = self._ready.result(timeout=10)
        self.off_reason = getattr(history, "off_reason", None)

    # ------------------------------------------------------------ the thread

    def _run(self, path: Path | None, offset_s: float) -> None:
        if path is None:
            history: Any = NullHistory("history off: no database")
        else:
            try:
                history = open_history(path, offset_s)
            except Exception as exc:  # any surprise: record nothing, never stop a set
                history = NullHistory(f"history off: {path}: {exc}")
        self._ready.set_result(history)
        stop = False
        while not stop:
            batch = [self._q.get()]
            while len(batch) < MAX_BATCH:
                try:
                    batch.append(self._q.get_nowait())
                except queue.Empty:
                    break
            if _STOP in batch:
                stop = True
                batch = batch[:batch.index(_STOP)]
            history = self._commit(history, batch)
        try:
            history.close()
        except Exception:  # the data is committed already; closing only tidies up
            pass

    def _commit(self, history: Any, batch: list) -> Any:
        """Carry out ``batch`` in one transaction, then answer its futures
        and after() callbacks. Returns the history to use from now on."""
        results: list[tuple[Future, object]] = []
        afters: list[tuple[Callable[[], object], Callable[[], object] | None]] = []
        history.begin_batch()
        for name, args, fut in batch:
            if name == _AFTER:
                afters.append(args)
                continue
            try:
                result = getattr(history, name)(*args)
            except Exception as exc:  # a failing write must not kill the station
                history.commit_batch()
                history.close()
                history = NullHistory(f"history off: {exc}")
                history.begin_batch()
                result = None
            if fut is not None:
                results.append((fut, result))
        saved = history.commit_batch()
        if saved:
            self.commits += 1
        for _ in batch:
            self._unsaved.popleft()
        reason = getattr(history, "off_reason", None)
        if reason and not self.off_reason:
            self.off_reason = reason
            if self._on_off is not None:
                _quietly(self._on_off, reason)
        for fut, result in results:
            fut.set_result(result)
        for fn, unsaved in afters:
            if saved:
                _quietly(fn)
            elif unsaved is not None:
                _quietly(unsaved)
        return history

    # ------------------------------------------------------------ callers

    def _put(self, item: tuple) -> None:
        self._unsaved.append(item)
        self._q.put(item)

    def call(self, name: str, *args: object) -> None:
        """Queue ``history.name(*args)``; returns at once."""
        self._put((name, args, None))

    def ask(self, name: str, *args: object, timeout: float = 5.0) -> Any:
        """``history.name(*args)`` and wait for its result (between sets only)."""
        fut: Future = Future()
        self._put((name, args, fut))
        return fut.result(timeout=timeout)

    def after(self, fn: Callable[[], object],
              unsaved: Callable[[], object] | None = None) -> None:
        """Call ``fn`` on the recorder thread once every record queued before
        it is committed, or ``unsaved`` instead when they were not (history
        off). Neither may block: e.g. a serial send that queues."""
        self._put((_AFTER, (fn, unsaved), None))

    def record(self, effect: object, actual_at: float | None) -> None:
        """For the main loop: an engine effect (and when its cue sounded, s)."""
        self._put(("apply", (effect, actual_at), None))

    def close(self, timeout: float = STOP_BUDGET_S) -> str | None:
        """Commit what is queued (one transaction) and close the file, waiting
        at most ``timeout`` s. Returns None when everything queued was
        committed (or history was off anyway), else what was not saved."""
        self._q.put(_STOP)
        self._thread.join(timeout=timeout)
        if not self._thread.is_alive() or self.off_reason:
            return None
        left = list(self._unsaved)
        if not left:
            return None  # committed; only the file's tidy close is still running
        return describe_unsaved(left, timeout)

    def __enter__(self) -> "Recorder":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def describe_unsaved(items: list[tuple], waited_s: float) -> str:
    """One line saying what the queued calls ``items`` would have saved."""
    reps = sum(1 for name, args, _ in items
               if name == "apply" and isinstance(args[0], Cue) and args[0].name == "rep")
    ends = sum(1 for name, _, _ in items if name == "end_session")
    begins = sum(1 for name, _, _ in items if name == "begin_session")
    other = sum(1 for name, _, _ in items if name != _AFTER) - reps - ends - begins
    parts = []
    if begins:
        parts.append(f"{begins} set start(s)")
    if reps:
        parts.append(f"{reps} rep(s)")
    if ends:
        parts.append("the end of the set (the next start marks it interrupted)")
    if other:
        parts.append(f"{other} other record(s)")
    return (f"history: the card did not finish writing within {waited_s:g} s of the stop; "
            f"not saved: {', '.join(parts) or 'nothing'}")


def _quietly(fn: Callable[..., object], *args: object) -> None:
    try:
        fn(*args)
    except Exception:  # a remote's send or a note failing is its own business
        pass


Record = Callable[[object, float | None], None]
