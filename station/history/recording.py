"""Recording a session's events: the rows one set writes, as SQL on an open
connection inside the caller's transaction (:meth:`HistoryFile.write`).

Instants given here are station monotonic-clock seconds (``*_at``); they are
stored as UTC Unix seconds, ``wall_s = mono_s + offset_s``, ``offset_s``
being wall minus monotonic clock, s. Durations (``*_s``) are seconds; cue
lateness is stored in milliseconds.

Ending a session stores the median and worst cue lateness of the set; a
session interrupted before its first rep is not training: it stays in the
file with a ``not-training`` note (:data:`station.history.read.NOT_TRAINING`).
"""

from __future__ import annotations

import json
import sqlite3
import statistics

from station.core.events import END_STATUSES, Bout, Cue, SetChanged, SetStatus
from station.history.read import NOT_TRAINING


def wall(mono_s: float | None, offset_s: float) -> float | None:
    """A monotonic instant (s) as UTC Unix seconds; None stays None."""
    return None if mono_s is None else mono_s + offset_s


def insert_session(c: sqlite3.Connection, method: str, exercise: str | None, load_kg: float | None,
                   params: dict[str, object], plan_summary: str, at: float, offset_s: float) -> int:
    """A new running session begun at ``at`` (monotonic s); its id.
    ``params`` is stored as JSON (keys sorted, odd values as text)."""
    cur = c.execute(
        "INSERT INTO sessions (method, exercise, load_kg, params, plan_summary, started_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (method, exercise, load_kg, json.dumps(dict(params), sort_keys=True, default=str),
         plan_summary, wall(at, offset_s)),
    )
    assert cur.lastrowid is not None  # an INSERT always sets it
    return int(cur.lastrowid)


def put_bout(c: sqlite3.Connection, sid: int, b: Bout, offset_s: float) -> None:
    """Write bout ``b`` of session ``sid`` as it is now (its reps replaced)."""
    c.execute(
        "INSERT INTO bouts (session_id, idx, started_at, ended_at, load_kg, variation,"
        " rest_before_s, end_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (session_id, idx) DO UPDATE SET started_at = excluded.started_at,"
        " ended_at = excluded.ended_at, load_kg = excluded.load_kg,"
        " variation = excluded.variation, rest_before_s = excluded.rest_before_s,"
        " end_reason = excluded.end_reason",
        (sid, b.index, wall(b.started_at, offset_s), wall(b.ended_at, offset_s), b.load_kg,
         b.variation, b.rest_before_s, b.end_reason),
    )
    c.execute("DELETE FROM reps WHERE session_id = ? AND bout_idx = ?", (sid, b.index))
    lowered = b.lowered_s
    c.executemany(
        "INSERT INTO reps (session_id, bout_idx, n, at, lowered_s) VALUES (?, ?, ?, ?, ?)",
        [(sid, b.index, n, wall(t, offset_s), lowered[n] if n < len(lowered) else None)
         for n, t in enumerate(b.rep_times)],
    )


def remove_bout(c: sqlite3.Connection, sid: int, index: int) -> None:
    """Bout ``index`` (0-based) of session ``sid`` is taken back, its reps with it."""
    c.execute("DELETE FROM bouts WHERE session_id = ? AND idx = ?", (sid, index))


def put_set(c: sqlite3.Connection, sid: int, s: SetChanged, offset_s: float) -> None:
    """The set's start and spotter instants; its status once it has ended."""
    c.execute(
        "UPDATE sessions SET set_started_at = COALESCE(?, set_started_at),"
        " spotter_confirmed_at = COALESCE(?, spotter_confirmed_at) WHERE id = ?",
        (wall(s.started_at, offset_s), wall(s.spotter_confirmed_at, offset_s), sid),
    )
    if s.status in END_STATUSES:
        c.execute(
            "UPDATE sessions SET status = ?, ended_at = ?, done_reason = ? WHERE id = ?",
            (s.status, wall(s.ended_at, offset_s), s.done_reason, sid),
        )


def put_cue(c: sqlite3.Connection, sid: int, cue: Cue, sounded_at: float | None,
            offset_s: float) -> None:
    """Cue ``cue`` was due at ``cue.at`` and sounded at ``sounded_at``
    (monotonic s; None: not sounded)."""
    c.execute(
        "INSERT INTO cues (session_id, name, value, due_at, sounded_at) VALUES (?, ?, ?, ?, ?)",
        (sid, cue.name, cue.value, wall(cue.at, offset_s), wall(sounded_at, offset_s)),
    )


def put_spotter(c: sqlite3.Connection, sid: int, at: float, offset_s: float) -> None:
    """The spotter confirmed being present at ``at`` (monotonic s)."""
    c.execute("UPDATE sessions SET spotter_confirmed_at = ? WHERE id = ?",
              (wall(at, offset_s), sid))


def put_warning(c: sqlite3.Connection, sid: int, text: str, at: float, offset_s: float) -> None:
    """A warning shown to the lifter at ``at`` (monotonic s)."""
    c.execute("INSERT INTO notes (session_id, kind, text, at) VALUES (?, 'warning', ?, ?)",
              (sid, text, wall(at, offset_s)))


def finish(c: sqlite3.Connection, sid: int, status: SetStatus, at: float | None,
           offset_s: float) -> None:
    """Session ``sid`` ended with ``status`` at ``at`` (monotonic s; None
    keeps the end already stored); its cue lateness stored."""
    c.execute("UPDATE sessions SET status = ?, ended_at = COALESCE(?, ended_at) WHERE id = ?",
              (status, wall(at, offset_s), sid))
    store_lateness(c, sid)
    if status is SetStatus.INTERRUPTED:
        mark_if_no_reps(c, sid)


def running(c: sqlite3.Connection, but: int | None = None) -> list[int]:
    """The ids of the sessions still marked running, but ``but`` (the one
    being recorded now, if any)."""
    return [sid for (sid,) in c.execute(
        "SELECT id FROM sessions WHERE status = ? AND id IS NOT ?", (SetStatus.RUNNING, but))]


def interrupt(c: sqlite3.Connection, sid: int) -> None:
    """Session ``sid`` was cut off (a stop, a crash, a power cut): it is
    ``interrupted``, ending at its last recorded instant if no end is stored."""
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
    store_lateness(c, sid)
    mark_if_no_reps(c, sid)


def store_lateness(c: sqlite3.Connection, sid: int) -> None:
    """The median and worst lateness (sounded minus due, ms, 0.1 ms) of the
    session's sounded cues, and how many were measured."""
    late_ms = [(sounded - due) * 1000.0 for due, sounded in c.execute(
        "SELECT due_at, sounded_at FROM cues WHERE session_id = ? AND sounded_at IS NOT NULL",
        (sid,))]
    median = round(statistics.median(late_ms), 1) if late_ms else None
    worst = round(max(late_ms), 1) if late_ms else None
    c.execute("UPDATE sessions SET lateness_median_ms = ?, lateness_max_ms = ?,"
              " cues_measured = ? WHERE id = ?", (median, worst, len(late_ms), sid))


def mark_if_no_reps(c: sqlite3.Connection, sid: int) -> None:
    """An interrupted session without a rep is not training: mark it (once)."""
    c.execute(
        "INSERT INTO notes (session_id, kind, text, at)"
        " SELECT id, ?, 'interrupted before the first rep', COALESCE(ended_at, started_at)"
        " FROM sessions s WHERE id = ?"
        " AND NOT EXISTS (SELECT 1 FROM reps r WHERE r.session_id = s.id)"
        " AND NOT EXISTS (SELECT 1 FROM notes n WHERE n.session_id = s.id AND n.kind = ?)",
        (NOT_TRAINING, sid, NOT_TRAINING))
