"""The history database's schema and its forward migrations.

The schema version lives in ``PRAGMA user_version`` (0 = a new, empty file);
``PRAGMA application_id`` marks the file as a station history so the station
never writes tables into some other program's database. Each migration takes
the file from version ``to - 1`` to ``to``; they run in order, all in one
transaction, so a failed migration leaves the file exactly as it was.

Instants are stored as UTC Unix seconds (REAL); durations in seconds.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

#: ``PRAGMA application_id`` of a station history file: "STAT" in ASCII.
APPLICATION_ID = 0x53544154


class SchemaError(Exception):
    """The file cannot be brought to this station's schema (names why)."""


@dataclass(frozen=True)
class Migration:
    """SQL statements that take the schema from version ``to - 1`` to ``to``."""

    to: int
    summary: str
    statements: tuple[str, ...]


_V1 = Migration(
    1,
    "first release: sessions, bouts, reps, cues, notes",
    (
        """CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            method TEXT NOT NULL,
            exercise TEXT,
            load_kg REAL,
            params TEXT NOT NULL DEFAULT '{}',      -- JSON object
            plan_summary TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL DEFAULT 'running'
                CHECK (status IN ('running', 'completed', 'aborted', 'interrupted')),
            started_at REAL NOT NULL,               -- when the session was begun
            set_started_at REAL,                    -- the set's start (engine)
            ended_at REAL,
            spotter_confirmed_at REAL,
            done_reason TEXT,
            lateness_median_ms REAL,                -- cue sounded minus cue due
            lateness_max_ms REAL,
            cues_measured INTEGER NOT NULL DEFAULT 0
        )""",
        "CREATE INDEX sessions_by_method ON sessions (method, exercise, started_at)",
        "CREATE INDEX sessions_by_status ON sessions (status)",
        """CREATE TABLE bouts (
            session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
            idx INTEGER NOT NULL,                   -- the engine's 0-based index
            started_at REAL NOT NULL,
            ended_at REAL,
            load_kg REAL,
            variation TEXT,
            rest_before_s REAL,
            end_reason TEXT,
            PRIMARY KEY (session_id, idx)
        )""",
        """CREATE TABLE reps (
            session_id INTEGER NOT NULL,
            bout_idx INTEGER NOT NULL,
            n INTEGER NOT NULL,                     -- 0-based within the bout
            at REAL NOT NULL,                       -- the press edge
            PRIMARY KEY (session_id, bout_idx, n),
            FOREIGN KEY (session_id, bout_idx) REFERENCES bouts (session_id, idx)
                ON DELETE CASCADE
        )""",
        """CREATE TABLE cues (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            value,                                  -- int, text or NULL, as emitted
            due_at REAL NOT NULL,                   -- when the engine scheduled it
            sounded_at REAL                         -- when the shell sounded it
        )""",
        "CREATE INDEX cues_by_session ON cues (session_id)",
        """CREATE TABLE notes (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
            kind TEXT NOT NULL,                     -- 'warning'
            text TEXT NOT NULL,
            at REAL NOT NULL
        )""",
    ),
)

_V2 = Migration(
    2,
    "MQTT outbox: finished sets waiting for the broker's PUBACK (station.net.outbox)",
    (
        """CREATE TABLE outbox (
            session_id INTEGER PRIMARY KEY REFERENCES sessions (id) ON DELETE CASCADE,
            queued_at REAL NOT NULL                 -- when the set was queued
        )""",
        """CREATE TABLE outbox_mark (
            one INTEGER PRIMARY KEY CHECK (one = 1),
            through_session INTEGER NOT NULL        -- sessions up to this id were queued
        )""",
    ),
)

_V3 = Migration(
    3,
    "forced negatives: how long each lowering took",
    ("ALTER TABLE reps ADD COLUMN lowered_s REAL",),  # top press to bottom press, s; NULL: not measured
)

#: Every migration ever released, in order. Append; never edit a released one.
MIGRATIONS: tuple[Migration, ...] = (_V1, _V2, _V3)


def latest_version(migrations: Sequence[Migration] = MIGRATIONS) -> int:
    return migrations[-1].to if migrations else 0


def migrate(
    conn: sqlite3.Connection, migrations: Sequence[Migration] = MIGRATIONS
) -> tuple[int, int]:
    """Bring the database on ``conn`` (autocommit mode) to the latest version.

    Returns (version found, version now). Raises :class:`SchemaError` for a
    file from a newer station or one that is not a station history, and
    sqlite3 errors (e.g. a read-only file) as they come; either way nothing
    is changed. Also a write probe: it always writes the header once.
    """
    for i, m in enumerate(migrations, start=1):
        if m.to != i:
            raise ValueError(f"migration {m.summary!r} is numbered {m.to}, expected {i}")
    latest = latest_version(migrations)
    conn.execute("BEGIN IMMEDIATE")
    try:
        found = check_ours(conn, latest)
        for m in migrations[found:]:
            for sql in m.statements:
                conn.execute(sql)
        # Written even when nothing changed: opening must prove the file is writable.
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version = {latest}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return found, latest


def check_ours(conn: sqlite3.Connection, latest: int | None = None) -> int:
    """The file's schema version, after checking (by reading only) that it is
    a station history this station can use; SchemaError if not."""
    if latest is None:
        latest = latest_version()
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    if version > latest:
        raise SchemaError(
            f"schema version {version} is newer than this station knows ({latest}); "
            "update the station software"
        )
    if version == 0:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )]
        if tables:
            raise SchemaError(
                f"not a station history file (it has tables {', '.join(sorted(tables))})"
            )
    elif app_id != APPLICATION_ID:
        raise SchemaError(f"not a station history file (application_id {app_id:#x})")
    return version


def check_current(conn: sqlite3.Connection, migrations: Sequence[Migration] = MIGRATIONS) -> int:
    """For a read-only connection: the file must already be at the latest
    version, or be a version-0 file with no tables at all (a first start cut
    off before its schema was committed: an empty history). Returns the version."""
    latest = latest_version(migrations)
    version = check_ours(conn, latest)
    if version == 0:
        return 0  # check_ours made sure it has no tables
    if version != latest:
        raise SchemaError(
            f"schema version {version}, this station reads {latest}: "
            "start the station once to migrate the file"
        )
    return version
