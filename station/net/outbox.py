"""The durable outbox: finished sets waiting for the broker's PUBACK, kept in
the history database (tables ``outbox`` and ``outbox_mark``, schema v2).

A set is queued in the same transaction that moves the mark past it, so a
crash either queues it or leaves it to be found again at the next start; its
row is deleted only when the broker has acknowledged the message (QoS 1). The
result is at least once: a set may go out twice (after a crash between the
PUBACK and the delete), never zero times; its ``set_id`` makes the duplicate
harmless. Sets recorded before MQTT was first configured are not published.

One thread uses an Outbox (its own sqlite3 connection, not the recorder's).
Transactions are a few statements long: the recorder waits for them at most
that long (its busy timeout is 1 s).
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from station.core.events import SetStatus
from station.history.read import read_sessions
from station.history.schema import check_current


class Outbox:
    """``path``: the station's history file (already migrated by the recorder)."""

    def __init__(self, path: Path) -> None:
        self._conn = sqlite3.connect(path, isolation_level=None, timeout=5.0)
        try:
            check_current(self._conn)
            self._conn.execute("PRAGMA synchronous = FULL")
        except BaseException:
            self._conn.close()
            raise

    def queue_new(self) -> int:
        """Queue every ended set past the mark; returns how many were queued.
        The first call on a file sets the mark at its newest set."""
        c = self._conn
        c.execute("BEGIN IMMEDIATE")
        try:
            row = c.execute("SELECT through_session FROM outbox_mark").fetchone()
            if row is None:
                ended = c.execute("SELECT COALESCE(MAX(id), 0) FROM sessions"
                                  " WHERE status != ?", (SetStatus.RUNNING,)).fetchone()[0]
                c.execute("INSERT INTO outbox_mark (one, through_session) VALUES (1, ?)", (ended,))
                c.execute("COMMIT")
                return 0
            mark = row[0]
            ids = [i for (i,) in c.execute(
                "SELECT id FROM sessions WHERE id > ? AND status != ? ORDER BY id",
                (mark, SetStatus.RUNNING))]
            running = c.execute("SELECT MIN(id) FROM sessions WHERE id > ? AND status = ?",
                                (mark, SetStatus.RUNNING)).fetchone()[0]
            # the mark never passes a set still running: it is queued when it ends
            through = max(ids, default=mark) if running is None else min(running - 1, max(ids, default=mark))
            queued = [i for i in ids if i <= through]
            now = time.time()
            c.executemany("INSERT OR IGNORE INTO outbox (session_id, queued_at) VALUES (?, ?)",
                          [(i, now) for i in queued])
            c.execute("UPDATE outbox_mark SET through_session = ?", (max(through, mark),))
            c.execute("COMMIT")
            return len(queued)
        except BaseException:
            if c.in_transaction:
                c.execute("ROLLBACK")
            raise

    def pending(self) -> list[dict]:
        """The queued sets, oldest first, in the ``station history --json`` shape."""
        ids = [i for (i,) in self._conn.execute("SELECT session_id FROM outbox ORDER BY session_id")]
        if not ids:
            return []
        return sorted(read_sessions(self._conn, None, ids=ids), key=lambda s: s["id"])

    def count(self) -> int:
        return self._conn.execute("SELECT COUNT(*) FROM outbox").fetchone()[0]

    def acked(self, session_id: int) -> None:
        """The broker acknowledged this set: it leaves the outbox."""
        self._conn.execute("DELETE FROM outbox WHERE session_id = ?", (session_id,))

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Outbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def pending_count(path: Path) -> int:
    """How many sets wait in the outbox of the history at ``path`` (read-only)."""
    conn = sqlite3.connect(f"{Path(path).absolute().as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT COUNT(*) FROM outbox").fetchone()[0]
    finally:
        conn.close()
