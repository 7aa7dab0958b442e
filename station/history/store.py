"""Crash-safe training history in one sqlite3 file.

Every call that records something is one committed transaction (or, inside
a batch of the recorder's, a savepoint of the batch's one transaction), so
killing the process (even ``kill -9``) or cutting the power loses at most
what is in flight. The journal is WAL with ``synchronous=FULL``: with ``NORMAL`` a
WAL commit is only made durable at the next checkpoint, and a power cut may
roll back the last *several* reps; ``FULL`` syncs the WAL at every commit,
which costs one small append-and-fsync per event (a few per second at most).
Record effects after sounding their cue, so the sync never delays a sound.

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
says how to keep a copy. The recorder thread groups what is queued into one
transaction (:meth:`History.begin_batch` / :meth:`History.commit_batch`):
the slow part of a commit is the card's sync, not the rows.

A session interrupted before its first rep is not training: it stays in the
file, marked with a ``not-training`` note, and :meth:`History.sessions`
leaves it out unless asked for everything.
"""

from __future__ import annotations

import json
import sqlite3
import statistics
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from station.core.events import END_STATUSES, BoutChanged, BoutRemoved, Cue, SetChanged, SetStatus
from station.core.guardrails import PastSession
from station.history.guard import DamagedHistory, HistoryError, NullHistory, check_file
from station.history.read import NOT_TRAINING, read_recent, read_recent_all, read_sessions
from station.history.schema import SchemaError, check_current, check_ours, migrate

# How a session can end: END_STATUSES (core.events.SetStatus); "running" is
# what an unfinished session holds.

_T = TypeVar("_T")


class History:
    """An open history file. Use :meth:`open`; ``with`` closes it.

    One thread uses a History (sqlite3's default check). ``off_reason`` is
    None while recording, else why recording stopped.
    """

    def __init__(self, conn: sqlite3.Connection, path: Path, offset_s: float) -> None:
        self._conn: sqlite3.Connection | None = conn
        self.path = path
        self.offset_s = offset_s
        self.off_reason: str | None = None
        self._session: int | None = None
        self._final: tuple[SetStatus, float | None] | None = None  # from SetChanged
        self._batch = False  # inside begin_batch()/commit_batch(): one transaction
        self._empty = False  # a version-0 file read read-only: no tables yet

    # ------------------------------------------------------------ life cycle

    @classmethod
    def open(cls, path: Path, offset_s: float, *, readonly: bool = False) -> History:
        """Open (creating and migrating if needed) the history at ``path``.

        ``offset_s``: wall minus monotonic clock, s. ``readonly``: read an
        existing, current file without writing anything (for reports).
        Raises :class:`HistoryError` naming the file and the problem.
        """
        path = Path(path)
        check_file(path, readonly)
        conn = None
        empty = False
        try:
            if readonly:
                conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True,
                                       isolation_level=None)
                empty = check_current(conn) == 0  # a first start cut off: no tables yet
                _quick_check(conn, path)
            else:
                conn = sqlite3.connect(path, isolation_level=None, timeout=1.0)
                check_ours(conn)  # reads only: a foreign or too-new file stays as it is
                _quick_check(conn, path)  # before the first write: a damaged file stays as it is
                mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                if mode != "wal":
                    raise HistoryError(f"{path}: cannot use WAL journal (got {mode!r})")
                conn.execute("PRAGMA synchronous = FULL")
                migrate(conn)
            conn.execute("PRAGMA foreign_keys = ON")
        except sqlite3.DatabaseError as e:
            if conn is not None:
                conn.close()
            if _is_damage(e):
                raise DamagedHistory(path, str(e)) from e
            raise HistoryError(f"{path}: {e}") from e
        except (sqlite3.Error, SchemaError) as e:
            if conn is not None:
                conn.close()
            raise HistoryError(f"{path}: {e}") from e
        except BaseException:
            if conn is not None:
                conn.close()
            raise
        history = cls(conn, path, offset_s)
        history._empty = empty
        return history

    def close(self) -> None:
        """Close the file; a session still running is marked interrupted."""
        if self._conn is None:
            return
        if (running := self._session) is not None:
            self._guard(lambda c: self._interrupt(c, running))
            self._session = None
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __enter__(self) -> History:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def session_id(self) -> int | None:
        """The id of the session being recorded, or None."""
        return self._session

    # ------------------------------------------------------------ internals

    def _wall(self, mono_s: float | None) -> float | None:
        return None if mono_s is None else mono_s + self.offset_s

    def _guard(self, fn: Callable[[sqlite3.Connection], _T], default: Any = None) -> _T:
        """Run ``fn`` in one transaction (a savepoint inside a batch); an I/O
        failure turns history off."""
        if self._conn is None:
            return default
        conn = self._conn
        begin, commit, undo = (("SAVEPOINT one", "RELEASE one", "ROLLBACK TO one")
                               if self._batch else ("BEGIN IMMEDIATE", "COMMIT", "ROLLBACK"))
        try:
            conn.execute(begin)
            try:
                result = fn(conn)
                conn.execute(commit)
            except BaseException:
                if conn.in_transaction:
                    conn.execute(undo)
                    if self._batch:
                        conn.execute(commit)
                raise
            return result
        except (sqlite3.ProgrammingError, sqlite3.IntegrityError):
            raise  # our bug, not the disk's
        except sqlite3.Error as e:
            self._turn_off(e)
            return default

    def _turn_off(self, e: sqlite3.Error) -> None:
        """A failed write (full disk, I/O error, read-only remount): stop
        recording; what was committed before stays as it is."""
        conn, self._conn, self._batch = self._conn, None, False
        if _is_damage(e):
            self.off_reason = f"history off: {DamagedHistory(self.path, str(e))}"
        else:
            self.off_reason = f"history off: {self.path}: {e}"
        if conn is not None:
            try:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass
            try:
                conn.close()
            except sqlite3.Error:
                pass

    def begin_batch(self) -> None:
        """Start one transaction for the calls that follow (the recorder's
        group commit); :meth:`commit_batch` ends it."""
        if self._conn is None or self._batch:
            return
        try:
            self._conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as e:
            self._turn_off(e)
            return
        self._batch = True

    def commit_batch(self) -> bool:
        """Commit the batch; True when everything since :meth:`begin_batch`
        is on disk, False when history is (or has just turned) off."""
        if self._conn is None:
            return False
        if not self._batch:
            return True
        self._batch = False
        try:
            self._conn.execute("COMMIT")
        except sqlite3.Error as e:
            self._turn_off(e)
            return False
        return True

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
        params_json = json.dumps(dict(params), sort_keys=True, default=str)

        def write(c: sqlite3.Connection) -> int:
            cur = c.execute(
                "INSERT INTO sessions (method, exercise, load_kg, params, plan_summary, started_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (method, exercise, load_kg, params_json, plan_summary, self._wall(at)),
            )
            assert cur.lastrowid is not None  # an INSERT always sets it
            return int(cur.lastrowid)

        sid = self._guard(write, default=0)
        self._session = sid if self._conn is not None else None
        self._final = None
        return sid

    def apply(self, effect: object, actual_at: float | None = None) -> None:
        """Record an engine effect: BoutChanged, BoutRemoved, SetChanged or Cue.

        ``actual_at``: for a Cue, when the shell sounded it (monotonic s), or
        None if it was not sounded. Other effects are ignored.
        """
        if self._conn is None:
            return
        sid = self._need_session("apply")
        if isinstance(effect, BoutChanged):
            self._guard(lambda c: self._put_bout(c, sid, effect))
        elif isinstance(effect, BoutRemoved):
            self._guard(lambda c: c.execute(
                "DELETE FROM bouts WHERE session_id = ? AND idx = ?", (sid, effect.index)))
        elif isinstance(effect, SetChanged):
            self._guard(lambda c: self._put_set(c, sid, effect))
        elif isinstance(effect, Cue):
            self._guard(lambda c: c.execute(
                "INSERT INTO cues (session_id, name, value, due_at, sounded_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (sid, effect.name, effect.value, self._wall(effect.at), self._wall(actual_at)),
            ))

    def _put_bout(self, c: sqlite3.Connection, sid: int, change: BoutChanged) -> None:
        b = change.bout
        c.execute(
            "INSERT INTO bouts (session_id, idx, started_at, ended_at, load_kg, variation,"
            " rest_before_s, end_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (session_id, idx) DO UPDATE SET started_at = excluded.started_at,"
            " ended_at = excluded.ended_at, load_kg = excluded.load_kg,"
            " variation = excluded.variation, rest_before_s = excluded.rest_before_s,"
            " end_reason = excluded.end_reason",
            (sid, b.index, self._wall(b.started_at), self._wall(b.ended_at), b.load_kg,
             b.variation, b.rest_before_s, b.end_reason),
        )
        c.execute("DELETE FROM reps WHERE session_id = ? AND bout_idx = ?", (sid, b.index))
        lowered = b.lowered_s
        c.executemany(
            "INSERT INTO reps (session_id, bout_idx, n, at, lowered_s) VALUES (?, ?, ?, ?, ?)",
            [(sid, b.index, n, self._wall(t), lowered[n] if n < len(lowered) else None)
             for n, t in enumerate(b.rep_times)],
        )

    def _put_set(self, c: sqlite3.Connection, sid: int, s: SetChanged) -> None:
        c.execute(
            "UPDATE sessions SET set_started_at = COALESCE(?, set_started_at),"
            " spotter_confirmed_at = COALESCE(?, spotter_confirmed_at) WHERE id = ?",
            (self._wall(s.started_at), self._wall(s.spotter_confirmed_at), sid),
        )
        if s.status in END_STATUSES:
            self._final = (s.status, s.ended_at)
            c.execute(
                "UPDATE sessions SET status = ?, ended_at = ?, done_reason = ? WHERE id = ?",
                (s.status, self._wall(s.ended_at), s.done_reason, sid),
            )

    def record_spotter(self, at: float) -> None:
        """The spotter confirmed being present at ``at`` (monotonic s)."""
        if self._conn is None:
            return
        sid = self._need_session("record_spotter")
        self._guard(lambda c: c.execute(
            "UPDATE sessions SET spotter_confirmed_at = ? WHERE id = ?", (self._wall(at), sid)))

    def record_warning(self, text: str, at: float) -> None:
        """A warning shown to the lifter (e.g. a guardrail) at ``at`` (monotonic s)."""
        if self._conn is None:
            return
        sid = self._need_session("record_warning")
        self._guard(lambda c: c.execute(
            "INSERT INTO notes (session_id, kind, text, at) VALUES (?, 'warning', ?, ?)",
            (sid, text, self._wall(at))))

    def end_session(self, status: SetStatus | None = None, at: float | None = None) -> None:
        """Finish the session: ``status`` one of END_STATUSES and ``at``
        (monotonic s) default to what the engine's final SetChanged said.
        Stores the median and worst cue lateness (ms) of the set.
        """
        if self._conn is None:
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
        status = SetStatus(status)

        def write(c: sqlite3.Connection) -> None:
            c.execute("UPDATE sessions SET status = ?, ended_at = COALESCE(?, ended_at)"
                      " WHERE id = ?", (status, self._wall(at), sid))
            _store_lateness(c, sid)
            if status is SetStatus.INTERRUPTED:
                _mark_if_no_reps(c, sid)

        self._guard(write)
        self._session = None
        self._final = None

    def mark_interrupted(self) -> int:
        """Mark sessions left running by a crash or power cut ``interrupted``
        (ending at their last recorded instant); returns how many. Call once
        at start, before :meth:`begin_session`."""

        def write(c: sqlite3.Connection) -> int:
            ids = [sid for (sid,) in c.execute(
                "SELECT id FROM sessions WHERE status = ? AND id IS NOT ?",
                (SetStatus.RUNNING, self._session))]
            for sid in ids:
                self._interrupt(c, sid)
            return len(ids)

        return self._guard(write, default=0)

    @staticmethod
    def _interrupt(c: sqlite3.Connection, sid: int) -> None:
        last = c.execute(
            "SELECT MAX(t) FROM (SELECT started_at AS t FROM sessions WHERE id = :s"
            " UNION ALL SELECT set_started_at FROM sessions WHERE id = :s"
            " UNION ALL SELECT MAX(started_at, COALESCE(ended_at, 0))"
            "  FROM bouts WHERE session_id = :s"
            " UNION ALL SELECT at FROM reps WHERE session_id = :s"
            " UNION ALL SELECT MAX(due_at, COALESCE(sounded_at, 0))"
            "  FROM cues WHERE session_id = :s)",
            {"s": sid},
        ).fetchone()[0]
        c.execute("UPDATE sessions SET status = ?, ended_at = COALESCE(ended_at, ?)"
                  " WHERE id = ?", (SetStatus.INTERRUPTED, last, sid))
        _store_lateness(c, sid)
        _mark_if_no_reps(c, sid)

    # ------------------------------------------------------------ reading

    def sessions(self, limit: int | None = 20, *, everything: bool = False) -> list[dict]:
        """The newest ``limit`` sessions, newest first, in the JSON shape of
        docs/history.md; sessions interrupted before their first rep only
        with ``everything``. Raises :class:`DamagedHistory` for a page found
        damaged while reading."""
        if self._conn is None or self._empty:
            return []
        try:
            return read_sessions(self._conn, limit, everything=everything)
        except sqlite3.DatabaseError as e:
            if _is_damage(e):
                raise DamagedHistory(self.path, str(e)) from e
            raise

    def not_training_count(self) -> int:
        """How many sessions are marked not training (interrupted before
        their first rep): kept in the file, left out of :meth:`sessions`."""
        if self._conn is None or self._empty:
            return 0
        return self._conn.execute(
            "SELECT COUNT(DISTINCT session_id) FROM notes WHERE kind = ?",
            (NOT_TRAINING,)).fetchone()[0]

    def recent(self, method: str, exercise: str | None, since_utc: datetime) -> list[PastSession]:
        """Sessions of ``method`` on ``exercise`` with at least one rep, begun
        at or after ``since_utc`` (aware datetime), oldest first: for guardrails."""
        if self._conn is None or self._empty:
            return []
        return read_recent(self._conn, method, exercise, since_utc)

    def recent_all(self, since_utc: datetime) -> list[PastSession]:
        """Sessions of every method and exercise with at least one rep, begun
        at or after ``since_utc`` (aware datetime), oldest first: for guardrails."""
        if self._conn is None or self._empty:
            return []
        return read_recent_all(self._conn, since_utc)


def _store_lateness(c: sqlite3.Connection, sid: int) -> None:
    late_ms = [(sounded - due) * 1000.0 for due, sounded in c.execute(
        "SELECT due_at, sounded_at FROM cues WHERE session_id = ? AND sounded_at IS NOT NULL",
        (sid,))]
    median = round(statistics.median(late_ms), 1) if late_ms else None
    worst = round(max(late_ms), 1) if late_ms else None
    c.execute("UPDATE sessions SET lateness_median_ms = ?, lateness_max_ms = ?,"
              " cues_measured = ? WHERE id = ?", (median, worst, len(late_ms), sid))


def _mark_if_no_reps(c: sqlite3.Connection, sid: int) -> None:
    """An interrupted session without a rep is not training: mark it (once)."""
    c.execute(
        "INSERT INTO notes (session_id, kind, text, at)"
        " SELECT id, ?, 'interrupted before the first rep', COALESCE(ended_at, started_at)"
        " FROM sessions s WHERE id = ?"
        " AND NOT EXISTS (SELECT 1 FROM reps r WHERE r.session_id = s.id)"
        " AND NOT EXISTS (SELECT 1 FROM notes n WHERE n.session_id = s.id AND n.kind = ?)",
        (NOT_TRAINING, sid, NOT_TRAINING))


def _quick_check(conn: sqlite3.Connection, path: Path) -> None:
    """Read every page once (``PRAGMA quick_check``): a damaged interior page
    raises :class:`DamagedHistory` before anything is written."""
    rows = [r[0] for r in conn.execute("PRAGMA quick_check(3)")]
    if rows != ["ok"]:
        raise DamagedHistory(path, "; ".join(rows))


def _is_damage(e: sqlite3.Error) -> bool:
    """sqlite's words for a file whose pages are not what they should be."""
    text = str(e).lower()
    return isinstance(e, sqlite3.DatabaseError) and (
        "malformed" in text or "not a database" in text or "corrupt" in text)


def open_history(path: Path, offset_s: float) -> History | NullHistory:
    """:meth:`History.open`, or a :class:`NullHistory` saying why not.

    The station keeps running either way; a bad file is never touched.
    """
    try:
        return History.open(path, offset_s)
    except HistoryError as e:
        return NullHistory(f"history off: {e}")
