"""Crash-safe training history in one sqlite3 file: :class:`History`, what
the station records a set through and reads its history from.

:class:`History` owns the session being recorded (its id, the final status
the engine said) and turns each engine effect into rows
(:mod:`station.history.recording`), each call one committed transaction of
its :class:`~station.history.file.HistoryFile` (which owns opening, the
integrity check, WAL with ``synchronous=FULL`` and the recorder's batches),
so killing the process (even ``kill -9``) or cutting the power loses at most
what is in flight. Record effects after sounding their cue, so the sync never
delays a sound. Reads go to :mod:`station.history.read`.

Instants given to :class:`History` are station monotonic-clock seconds; it
stores them as UTC Unix seconds, ``wall_s = mono_s + offset_s``, with
``offset_s = time.time() - time.monotonic()`` taken by the shell at start.

:func:`open_history` never raises for a bad file: a corrupt, foreign,
too-new or unwritable database gives a :class:`NullHistory` that records
nothing and says why; the file is left untouched. A write that fails later
(a full disk, a card remounted read-only) turns the History off the same way
(``off_reason``) instead of stopping the set. Misuse (an effect with no
session begun, an unknown status) raises: that is a programming error.

A file whose header is fine but whose pages are damaged is found at open
(``PRAGMA quick_check``) and refused with :class:`DamagedHistory`, which
says how to keep a copy.

A session interrupted before its first rep is not training: it stays in the
file, marked with a ``not-training`` note, and :meth:`History.sessions`
leaves it out unless asked for everything.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from station.core.events import END_STATUSES, BoutChanged, BoutRemoved, Cue, SetChanged, SetStatus
from station.core.guardrails import PastSession
from station.history import read, recording
from station.history.file import HistoryFile
from station.history.guard import DamagedHistory, HistoryError, NullHistory

__all__ = ["DamagedHistory", "History", "HistoryError", "NullHistory", "open_history"]

# How a session can end: END_STATUSES (core.events.SetStatus); "running" is
# what an unfinished session holds.

_T = TypeVar("_T")


class History:
    """An open history file. Use :meth:`open`; ``with`` closes it.

    One thread uses a History (sqlite3's default check). ``off_reason`` is
    None while recording, else why recording stopped.
    """

    def __init__(self, file: HistoryFile, offset_s: float) -> None:
        self._file = file
        self.path = file.path
        self.offset_s = offset_s
        self._session: int | None = None
        self._final: tuple[SetStatus, float | None] | None = None  # from SetChanged

    # ------------------------------------------------------------ life cycle

    @classmethod
    def open(cls, path: Path, offset_s: float, *, readonly: bool = False) -> History:
        """Open (creating and migrating if needed) the history at ``path``.

        ``offset_s``: wall minus monotonic clock, s. ``readonly``: read an
        existing, current file without writing anything (for reports).
        Raises :class:`HistoryError` naming the file and the problem.
        """
        return cls(HistoryFile.open(path, readonly=readonly), offset_s)

    def close(self) -> None:
        """Close the file; a session still running is marked interrupted."""
        if not self._file.is_open:
            return
        if (running := self._session) is not None:
            self._file.write(lambda c: recording.interrupt(c, running))
            self._session = None
        self._file.close()

    def abandon(self) -> None:
        """Close the file leaving a running session as it is on disk,
        ``running``, as a crash or a power cut leaves it: the next start's
        :meth:`mark_interrupted` finds it. For crash drills and tests; the
        station itself always :meth:`close`\\ s."""
        self._session = None
        self._final = None
        self._file.close()

    def __enter__(self) -> History:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def off_reason(self) -> str | None:
        """None while recording, else why recording stopped ("history off: ...")."""
        return self._file.off_reason

    @property
    def session_id(self) -> int | None:
        """The id of the session being recorded, or None."""
        return self._session

    def begin_batch(self) -> None:
        """Start one transaction for the calls that follow (the recorder's
        group commit); :meth:`commit_batch` ends it."""
        self._file.begin_batch()

    def commit_batch(self) -> bool:
        """Commit the batch; True when everything since :meth:`begin_batch`
        is on disk, False when history is (or has just turned) off."""
        return self._file.commit_batch()

    def _need_session(self, what: str) -> int:
        if self._session is None:
            raise RuntimeError(f"History.{what}: no session begun")
        return self._session

    # ------------------------------------------------------------ recording

    def begin_session(
        self,
        method: str,
        exercise: str | None,
        load_kg: float | None,
        params: dict[str, object],
        plan_summary: str,
        at: float,
    ) -> int:
        """Start recording a set of ``method``; returns its id (0 if history is off).

        ``at``: monotonic instant, s. ``params``: the method's parameters (JSON-able).
        """
        if self._session is not None:
            raise RuntimeError(f"History.begin_session: session {self._session} still running")
        sid = self._file.write(lambda c: recording.insert_session(
            c, method, exercise, load_kg, params, plan_summary, at, self.offset_s), default=0)
        self._session = sid if self._file.is_open else None
        self._final = None
        return sid

    def apply(self, effect: object, actual_at: float | None = None) -> None:
        """Record an engine effect: BoutChanged, BoutRemoved, SetChanged or Cue.

        ``actual_at``: for a Cue, when the shell sounded it (monotonic s), or
        None if it was not sounded. Other effects are ignored.
        """
        if not self._file.is_open:
            return
        sid = self._need_session("apply")
        offset_s = self.offset_s
        if isinstance(effect, BoutChanged):
            self._file.write(lambda c: recording.put_bout(c, sid, effect.bout, offset_s))
        elif isinstance(effect, BoutRemoved):
            self._file.write(lambda c: recording.remove_bout(c, sid, effect.index))
        elif isinstance(effect, SetChanged):
            if effect.status in END_STATUSES:
                self._final = (effect.status, effect.ended_at)
            self._file.write(lambda c: recording.put_set(c, sid, effect, offset_s))
        elif isinstance(effect, Cue):
            self._file.write(lambda c: recording.put_cue(c, sid, effect, actual_at, offset_s))

    def record_spotter(self, at: float) -> None:
        """The spotter confirmed being present at ``at`` (monotonic s)."""
        if not self._file.is_open:
            return
        sid = self._need_session("record_spotter")
        self._file.write(lambda c: recording.put_spotter(c, sid, at, self.offset_s))

    def record_warning(self, text: str, at: float) -> None:
        """A warning shown to the lifter (e.g. a guardrail) at ``at`` (monotonic s)."""
        if not self._file.is_open:
            return
        sid = self._need_session("record_warning")
        self._file.write(lambda c: recording.put_warning(c, sid, text, at, self.offset_s))

    def end_session(self, status: SetStatus | None = None, at: float | None = None) -> None:
        """Finish the session: ``status`` one of END_STATUSES and ``at``
        (monotonic s) default to what the engine's final SetChanged said.
        Stores the median and worst cue lateness (ms) of the set.
        """
        if not self._file.is_open:
            self._session = None
            return
        sid = self._need_session("end_session")
        if status is None or at is None:
            if self._final is None:
                raise ValueError("History.end_session: no status/at given and no final SetChanged")
            status = status or self._final[0]
            at = at if at is not None else self._final[1]
        if status not in END_STATUSES:
            raise ValueError(f"History.end_session: status {status!r}; expected one of "
                             f"{', '.join(END_STATUSES)}")
        ended = SetStatus(status)
        self._file.write(lambda c: recording.finish(c, sid, ended, at, self.offset_s))
        self._session = None
        self._final = None

    def mark_interrupted(self) -> int:
        """Mark sessions left running by a crash or power cut ``interrupted``
        (ending at their last recorded instant); returns how many. Call once
        at start, before :meth:`begin_session`."""

        def write(c: sqlite3.Connection) -> int:
            ids = recording.running(c, but=self._session)
            for sid in ids:
                recording.interrupt(c, sid)
            return len(ids)

        return self._file.write(write, default=0)

    # ------------------------------------------------------------ reading

    def read(self, reader: Callable[[sqlite3.Connection], _T]) -> _T:
        """What ``reader`` (SELECTs only) reads from the file: for readers of
        other packages' tables in the same file (the coach's ``gym_sets``).
        Raises :class:`HistoryError` when history is off or closed, and
        :class:`DamagedHistory` for a page found damaged while reading."""
        return self._file.read(reader)

    def _readable(self) -> bool:
        return self._file.is_open and not self._file.empty

    def sessions(self, limit: int | None = 20, *, everything: bool = False) -> list[dict]:
        """The newest ``limit`` sessions, newest first, in the JSON shape of
        docs/history.md; sessions interrupted before their first rep only
        with ``everything``. Raises :class:`DamagedHistory` for a page found
        damaged while reading."""
        if not self._readable():
            return []
        return self._file.read(lambda c: read.read_sessions(c, limit, everything=everything))

    def not_training_count(self) -> int:
        """How many sessions are marked not training (interrupted before
        their first rep): kept in the file, left out of :meth:`sessions`."""
        if not self._readable():
            return 0
        return self._file.read(read.not_training_count)

    def recent(self, method: str, exercise: str | None, since_utc: datetime) -> list[PastSession]:
        """Sessions of ``method`` on ``exercise`` with at least one rep, begun
        at or after ``since_utc`` (aware datetime), oldest first: for guardrails."""
        if not self._readable():
            return []
        return self._file.read(lambda c: read.read_recent(c, method, exercise, since_utc))

    def recent_all(self, since_utc: datetime) -> list[PastSession]:
        """Sessions of every method and exercise with at least one rep, begun
        at or after ``since_utc`` (aware datetime), oldest first: for guardrails."""
        if not self._readable():
            return []
        return self._file.read(lambda c: read.read_recent_all(c, since_utc))


def open_history(path: Path, offset_s: float) -> History | NullHistory:
    """:meth:`History.open`, or a :class:`NullHistory` saying why not.

    The station keeps running either way; a bad file is never touched.
    """
    try:
        return History.open(path, offset_s)
    except HistoryError as e:
        return NullHistory(f"history off: {e}")
