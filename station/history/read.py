"""Reading the history database into plain values (JSON-ready dicts).

Instants come out as ISO 8601 UTC strings with milliseconds
(``2026-11-23T18:58:13.123Z``); durations as seconds (float).
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime

from station.core.guardrails import PastSession

#: ``notes.kind`` marking a session that is not training (interrupted before
#: its first rep): kept in the file, left out of reports.
NOT_TRAINING = "not-training"


def iso_utc(wall_s: float | None) -> str | None:
    """UTC Unix seconds -> ``YYYY-MM-DDTHH:MM:SS.mmmZ`` (None stays None)."""
    if wall_s is None:
        return None
    ms = round(wall_s * 1000)
    dt = datetime.fromtimestamp(ms // 1000, UTC)
    return f"{dt:%Y-%m-%dT%H:%M:%S}.{ms % 1000:03d}Z"


def _bouts(conn: sqlite3.Connection, session_id: int) -> list[dict]:
    reps: dict[int, list[float]] = {}
    lowered: dict[int, list[float | None]] = {}
    for bout_idx, at, low in conn.execute(
        "SELECT bout_idx, at, lowered_s FROM reps WHERE session_id = ? ORDER BY bout_idx, n",
        (session_id,),
    ):
        reps.setdefault(bout_idx, []).append(at)
        lowered.setdefault(bout_idx, []).append(None if low is None else round(low, 3))
    out = []
    for idx, started, ended, load, variation, rest_before, reason in conn.execute(
        "SELECT idx, started_at, ended_at, load_kg, variation, rest_before_s, end_reason "
        "FROM bouts WHERE session_id = ? ORDER BY idx",
        (session_id,),
    ):
        times = reps.get(idx, [])
        out.append(
            {
                "index": idx + 1,
                "reps": len(times),
                "load_kg": load,
                "variation": variation,
                "started_at": iso_utc(started),
                "ended_at": iso_utc(ended),
                "rest_before_s": None if rest_before is None else round(rest_before, 3),
                "end_reason": reason,
                "rep_times": [iso_utc(t) for t in times],
                **({"lowered_s": lowered[idx]} if any(x is not None for x in lowered.get(idx, []))
                   else {}),
            }
        )
    return out


_SESSION_COLUMNS = (
    "id, method, exercise, load_kg, params, plan_summary, status, started_at, ended_at, "
    "spotter_confirmed_at, done_reason, lateness_median_ms, lateness_max_ms, cues_measured"
)


def read_sessions(conn: sqlite3.Connection, limit: int | None = None, *,
                  ids: list[int] | None = None, everything: bool = False) -> list[dict]:
    """The newest ``limit`` sessions (all if None), newest first, as JSON-ready
    dicts: those with an id in ``ids`` when given (the MQTT outbox, the
    coach's per-station history: asked for by id, returned whatever they
    are), else every session but those marked not training (unless
    ``everything``)."""
    if ids is not None:
        where = f" WHERE id IN ({','.join(str(int(i)) for i in ids)})"
    elif not everything:
        where = (f" WHERE NOT EXISTS (SELECT 1 FROM notes n WHERE n.session_id = s.id"
                 f" AND n.kind = '{NOT_TRAINING}')")
    else:
        where = ""
    sql = f"SELECT {_SESSION_COLUMNS} FROM sessions s{where} ORDER BY started_at DESC, id DESC"
    rows = conn.execute(sql + " LIMIT ?", (limit,)) if limit is not None else conn.execute(sql)
    out = []
    for (sid, method, exercise, load, params, summary, status, started, ended, spotter,
         reason, med, worst, measured) in rows.fetchall():
        warnings = [t for (t,) in conn.execute(
            "SELECT text FROM notes WHERE session_id = ? AND kind = 'warning' ORDER BY id", (sid,)
        )]
        out.append(
            {
                "id": sid,
                "method": method,
                "exercise": exercise,
                "load_kg": load,
                "status": status,
                "started_at": iso_utc(started),
                "ended_at": iso_utc(ended),
                "spotter_confirmed": spotter is not None,
                "spotter_confirmed_at": iso_utc(spotter),
                "done_reason": reason,
                "lateness_ms": {"median": med, "max": worst, "cues": measured},
                "plan_summary": summary,
                "params": json.loads(params),
                "warnings": warnings,
                "bouts": _bouts(conn, sid),
            }
        )
    return out


def read_recent(
    conn: sqlite3.Connection, method: str, exercise: str | None, since: datetime
) -> list[PastSession]:
    """Sessions of ``method`` on ``exercise`` begun at or after ``since`` (aware
    datetime) in which at least one rep was counted, oldest first."""
    rows = conn.execute(
        "SELECT started_at, method, exercise FROM sessions s "
        "WHERE method = ? AND exercise IS ? AND started_at >= ? "
        "AND EXISTS (SELECT 1 FROM reps r WHERE r.session_id = s.id) "
        "ORDER BY started_at",
        (method, exercise, since.timestamp()),
    )
    return [PastSession(datetime.fromtimestamp(at, UTC), m, e) for at, m, e in rows]


def read_recent_all(conn: sqlite3.Connection, since: datetime) -> list[PastSession]:
    """Sessions of any method and exercise begun at or after ``since`` (aware
    datetime) in which at least one rep was counted, oldest first: what the
    guardrails count across methods and muscle groups."""
    rows = conn.execute(
        "SELECT started_at, method, exercise FROM sessions s "
        "WHERE started_at >= ? AND EXISTS (SELECT 1 FROM reps r WHERE r.session_id = s.id) "
        "ORDER BY started_at",
        (since.timestamp(),),
    )
    return [PastSession(datetime.fromtimestamp(at, UTC), m, e) for at, m, e in rows]


def not_training_count(conn: sqlite3.Connection) -> int:
    """How many sessions are marked not training (interrupted before their
    first rep): kept in the file, left out of :func:`read_sessions`."""
    return conn.execute("SELECT COUNT(DISTINCT session_id) FROM notes WHERE kind = ?",
                        (NOT_TRAINING,)).fetchone()[0]
