"""The coach's history: the station's own schema (so ``station history`` and
``station export`` read it) plus ``gym_sets``, one row per set id saying which
station (and athlete) a session came from. Adding a set twice changes nothing.

Instants arrive as ISO 8601 UTC strings and are stored as UTC Unix seconds,
as in a station's history.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from station.core.events import SetStatus
from station.history.guard import check_file
from station.history.read import read_sessions
from station.history.schema import check_current, migrate

GYM_SETS = """CREATE TABLE IF NOT EXISTS gym_sets (
    set_id TEXT PRIMARY KEY,                -- the station's stable set id
    station TEXT NOT NULL,
    athlete TEXT,
    session_id INTEGER NOT NULL UNIQUE REFERENCES sessions (id) ON DELETE CASCADE,
    received_at REAL NOT NULL               -- when the coach stored it
)"""


class CoachError(RuntimeError):
    pass


def _t(iso: str | None) -> float | None:
    if iso is None:
        return None
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


class CoachHistory:
    """The coach's history file at ``path`` (created and migrated). Safe to
    use from several threads (one connection behind a lock)."""

    def __init__(self, path: Path) -> None:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            check_file(path, False)
            conn = sqlite3.connect(path, isolation_level=None, timeout=5.0, check_same_thread=False)
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
            migrate(conn)
            conn.execute(GYM_SETS)
            conn.execute("CREATE INDEX IF NOT EXISTS gym_sets_by_station ON gym_sets (station)")
            conn.execute("PRAGMA foreign_keys = ON")
        except Exception as exc:
            raise CoachError(f"{path}: {exc}") from None
        self._conn, self.path, self._lock = conn, path, threading.Lock()

    def add(self, payload: dict, station: str | None = None) -> bool:
        """Store a ``set`` payload; False if its set id is already stored.
        ``station``: the id from the topic (a bridge may have renamed it),
        else the payload's. Raises ValueError for a payload that is not a set."""
        try:
            set_id, station = str(payload["set_id"]), str(station or payload["station"])
            bouts = payload["bouts"]
            started = _t(payload["started_at"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"not a set payload: {exc}") from None
        with self._lock:
            c = self._conn
            if c.execute("SELECT 1 FROM gym_sets WHERE set_id = ?", (set_id,)).fetchone():
                return False
            c.execute("BEGIN IMMEDIATE")
            try:
                late = payload.get("lateness_ms") or {}
                cur = c.execute(
                    "INSERT INTO sessions (method, exercise, load_kg, params, plan_summary, status,"
                    " started_at, ended_at, spotter_confirmed_at, done_reason, lateness_median_ms,"
                    " lateness_max_ms, cues_measured) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (payload["method"], payload.get("exercise"), payload.get("load_kg"),
                     json.dumps(payload.get("params") or {}, sort_keys=True),
                     payload.get("plan_summary") or "", payload.get("status") or SetStatus.INTERRUPTED,
                     started, _t(payload.get("ended_at")), _t(payload.get("spotter_confirmed_at")),
                     payload.get("done_reason"), late.get("median"), late.get("max"),
                     late.get("cues") or 0))
                sid = cur.lastrowid
                for b in bouts:
                    idx = int(b["index"]) - 1
                    c.execute("INSERT INTO bouts (session_id, idx, started_at, ended_at, load_kg,"
                              " variation, rest_before_s, end_reason) VALUES (?,?,?,?,?,?,?,?)",
                              (sid, idx, _t(b["started_at"]), _t(b.get("ended_at")), b.get("load_kg"),
                               b.get("variation"), b.get("rest_before_s"), b.get("end_reason")))
                    c.executemany("INSERT INTO reps (session_id, bout_idx, n, at) VALUES (?,?,?,?)",
                                  [(sid, idx, n, _t(t)) for n, t in enumerate(b.get("rep_times") or [])])
                for w in payload.get("warnings") or []:
                    c.execute("INSERT INTO notes (session_id, kind, text, at) VALUES (?, 'warning', ?, ?)",
                              (sid, str(w), started))
                c.execute("INSERT INTO gym_sets (set_id, station, athlete, session_id, received_at)"
                          " VALUES (?,?,?,?,?)", (set_id, station, payload.get("athlete"), sid, time.time()))
                c.execute("COMMIT")
            except BaseException:
                if c.in_transaction:
                    c.execute("ROLLBACK")
                raise
            return True

    def sets(self, *, station: str | None = None, since_utc: float | None = None,
             limit: int | None = None) -> list[dict]:
        """Sets newest first in the ``station history --json`` shape, each with
        ``station``, ``athlete`` and ``set_id``."""
        with self._lock:
            return read_gym_sessions(self._conn, station=station, since_utc=since_utc, limit=limit)

    def count(self) -> int:
        with self._lock:
            return self._conn.execute("SELECT COUNT(*) FROM gym_sets").fetchone()[0]

    def set_ids(self) -> list[str]:
        with self._lock:
            return [r[0] for r in self._conn.execute("SELECT set_id FROM gym_sets")]

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> CoachHistory:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def read_gym_sessions(conn: sqlite3.Connection, *, station: str | None = None,
                      since_utc: float | None = None, limit: int | None = None) -> list[dict]:
    """From a coach history: sessions (newest first) with their station,
    athlete and set id; only ``station``'s when given, only those begun at or
    after ``since_utc`` (Unix s) when given."""
    has = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'gym_sets'").fetchone()
    if not has:
        raise CoachError("not a coach history (no gym_sets table): --station reads the file "
                         "`station coach` keeps")
    sql = "SELECT g.session_id, g.station, g.athlete, g.set_id FROM gym_sets g JOIN sessions s" \
          " ON s.id = g.session_id WHERE 1"
    args: list[object] = []
    if station is not None:
        sql += " AND g.station = ?"
        args.append(station)
    if since_utc is not None:
        sql += " AND s.started_at >= ?"
        args.append(since_utc)
    meta = {sid: (st, ath, set_id) for sid, st, ath, set_id in conn.execute(sql, args)}
    out = read_sessions(conn, limit, ids=list(meta))
    for s in out:
        s["station"], s["athlete"], s["set_id"] = meta[s["id"]]
    return out


def open_readonly(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(f"{Path(path).absolute().as_uri()}?mode=ro", uri=True)
    check_current(conn)
    return conn


def week_counts(sets: list[dict], now_utc: datetime, days: int = 7) -> list[dict]:
    """Each athlete's (else station's) sets per method within ``days`` days
    before ``now_utc``, most first: the guardrail counts, gym-wide."""
    since = now_utc - timedelta(days=days)
    counts: dict[tuple[str, str], int] = {}
    for s in sets:
        if datetime.fromisoformat(s["started_at"].replace("Z", "+00:00")) < since:
            continue
        who = s.get("athlete") or s["station"]
        counts[(who, s["method"])] = counts.get((who, s["method"]), 0) + 1
    return [{"who": w, "method": m, "sets": n}
            for (w, m), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def utc_now() -> datetime:
    return datetime.now(UTC)
