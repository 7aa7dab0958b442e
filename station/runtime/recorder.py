"""History writes on their own thread, so a slow SD card never delays a cue.

The main loop calls :meth:`Recorder.record` (a queue put, never blocking);
the shell sends the other writes and reads as frozen requests
(:class:`BeginSession`, :class:`EndSession`, :class:`MarkInterrupted`...),
each of which knows the one History call it stands for.
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
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol, TypeVar, Union

from station.core.events import Cue, SetStatus
from station.core.guardrails import PastSession
from station.history.store import NullHistory, open_history

_STOP = object()
_R = TypeVar("_R", covariant=True)
_T = TypeVar("_T")


class Request(Protocol[_R]):
    """One History call, as a value: ``run(history)`` carries it out."""

    def run(self, history: Any) -> _R: ...


@dataclass(frozen=True)
class BeginSession:
    """Start recording a set. ``at``: monotonic s; ``params``: JSON-able.
    Answers the session id (0 when history is off)."""

    method: str
    exercise: str | None
    load_kg: float | None
    params: dict[str, object]
    plan_summary: str
    at: float

    def run(self, history: Any) -> int:
        return history.begin_session(self.method, self.exercise, self.load_kg, dict(self.params),
                                     self.plan_summary, self.at)


@dataclass(frozen=True)
class RecordWarning:
    """A warning shown to the lifter before the set, in full; ``at``: monotonic s."""

    text: str
    at: float

    def run(self, history: Any) -> None:
        history.record_warning(self.text, self.at)


@dataclass(frozen=True)
class EndSession:
    """Finish the session: ``status`` (one of END_STATUSES) and ``at``
    (monotonic s) default to what the engine's final SetChanged said."""

    status: SetStatus | None = None
    at: float | None = None

    def run(self, history: Any) -> None:
        history.end_session(self.status, self.at)


@dataclass(frozen=True)
class Apply:
    """An engine effect, and when its cue sounded (monotonic s, or None)."""

    effect: object
    actual_at: float | None = None

    def run(self, history: Any) -> None:
        history.apply(self.effect, self.actual_at)


@dataclass(frozen=True)
class MarkInterrupted:
    """Mark the sets a crash or power cut left running; answers how many."""

    def run(self, history: Any) -> int:
        return int(history.mark_interrupted())


@dataclass(frozen=True)
class Sessions:
    """The latest ``limit`` sessions (newest first), as ``History.sessions``."""

    limit: int | None = 20
    everything: bool = False

    def run(self, history: Any) -> list[dict]:
        return history.sessions(self.limit, everything=self.everything)


@dataclass(frozen=True)
class RecentAll:
    """Every session since ``since_utc`` (aware UTC), for the guardrails."""

    since_utc: datetime

    def run(self, history: Any) -> list[PastSession]:
        return history.recent_all(self.since_utc)


@dataclass(frozen=True)
class _After:
    """Not a History call: ``fn`` once what came before is committed, else ``unsaved``."""

    fn: Callable[[], object]
    unsaved: Callable[[], object] | None = field(default=None)


_Queued = tuple[Union["Request[Any]", _After], Future | None]

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
        afters: list[_After] = []
        history.begin_batch()
        for request, fut in batch:
            if isinstance(request, _After):
                afters.append(request)
                continue
            try:
                result = request.run(history)
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
        for after in afters:
            if saved:
                _quietly(after.fn)
            elif after.unsaved is not None:
                _quietly(after.unsaved)
        return history

    # ------------------------------------------------------------ callers

    def _put(self, item: _Queued) -> None:
        self._unsaved.append(item)
        self._q.put(item)

    def send(self, request: Request[Any]) -> None:
        """Queue ``request`` (e.g. :class:`BeginSession`); returns at once."""
        self._put((request, None))

    def ask(self, request: Request[_T], *, timeout: float = 5.0) -> _T:
        """Carry out ``request`` and wait for its answer (between sets only)."""
        fut: Future = Future()
        self._put((request, fut))
        return fut.result(timeout=timeout)

    def after(self, fn: Callable[[], object],
              unsaved: Callable[[], object] | None = None) -> None:
        """Call ``fn`` on the recorder thread once every record queued before
        it is committed, or ``unsaved`` instead when they were not (history
        off). Neither may block: e.g. a serial send that queues."""
        self._put((_After(fn, unsaved), None))

    def record(self, effect: object, actual_at: float | None) -> None:
        """For the main loop: an engine effect (and when its cue sounded, s)."""
        self._put((Apply(effect, actual_at), None))

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

    def __enter__(self) -> Recorder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def describe_unsaved(items: list[_Queued], waited_s: float) -> str:
    """One line saying what the queued requests ``items`` would have saved."""
    requests = [r for r, _ in items if not isinstance(r, _After)]
    reps = sum(1 for r in requests
               if isinstance(r, Apply) and isinstance(r.effect, Cue) and r.effect.name == "rep")
    ends = sum(1 for r in requests if isinstance(r, EndSession))
    begins = sum(1 for r in requests if isinstance(r, BeginSession))
    other = len(requests) - reps - ends - begins
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
