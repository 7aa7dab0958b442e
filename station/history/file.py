"""One open history file: opening it, its integrity, its durability, and the
transactions every write is made in.

Opening: :func:`station.history.guard.check_file` refuses a file sqlite must
not touch; then ``PRAGMA quick_check`` reads every page before anything is
written (a damaged file raises :class:`DamagedHistory` and stays as it is);
then the journal is set to WAL with ``synchronous=FULL`` and the schema is
migrated. ``readonly`` opens an existing, current file without writing.

Durability: with ``NORMAL`` a WAL commit is only made durable at the next
checkpoint, and a power cut may roll back the last *several* reps; ``FULL``
syncs the WAL at every commit, which costs one small append-and-fsync per
event (a few per second at most). Every write is one committed transaction
(:meth:`HistoryFile.write`), or, inside a batch of the recorder's
(:meth:`HistoryFile.begin_batch` / :meth:`HistoryFile.commit_batch`), a
savepoint of the batch's one transaction: the slow part of a commit is the
card's sync, not the rows.

A write that fails on the disk's side (full, I/O error, remounted
read-only) turns the file off (``off_reason``): what was committed stays, the
connection is closed, every later write is a no-op. A programming error
(``ProgrammingError``, ``IntegrityError``) raises.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from station.history.guard import DamagedHistory, HistoryError, check_file
from station.history.schema import SchemaError, check_current, check_ours, migrate

_T = TypeVar("_T")


class HistoryFile:
    """An open history file's connection. Use :meth:`open`.

    ``path``: the file. ``empty``: a version-0 file opened read-only (a first
    start cut off before its tables were made): nothing to read.
    ``off_reason``: None while the file can be written, else why it stopped.
    One thread uses it (sqlite3's default check).
    """

    def __init__(self, conn: sqlite3.Connection, path: Path, *, empty: bool = False) -> None:
        self._conn: sqlite3.Connection | None = conn
        self.path = path
        self.empty = empty
        self.off_reason: str | None = None
        self._batch = False  # inside begin_batch()/commit_batch(): one transaction

    @classmethod
    def open(cls, path: Path, *, readonly: bool = False) -> HistoryFile:
        """Open (creating and migrating if needed) the history at ``path``;
        ``readonly``: an existing, current file, nothing written. Raises
        :class:`HistoryError` (:class:`DamagedHistory` for damaged pages)
        naming the file and the problem."""
        path = Path(path)
        check_file(path, readonly)
        conn = None
        empty = False
        try:
            if readonly:
                conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True,
                                       isolation_level=None)
                empty = check_current(conn) == 0  # a first start cut off: no tables yet
                quick_check(conn, path)
            else:
                conn = sqlite3.connect(path, isolation_level=None, timeout=1.0)
                check_ours(conn)  # reads only: a foreign or too-new file stays as it is
                quick_check(conn, path)  # before the first write: a damaged file stays as it is
                mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                if mode != "wal":
                    raise HistoryError(f"{path}: cannot use WAL journal (got {mode!r})")
                conn.execute("PRAGMA synchronous = FULL")
                migrate(conn)
            conn.execute("PRAGMA foreign_keys = ON")
        except sqlite3.DatabaseError as e:
            if conn is not None:
                conn.close()
            if is_damage(e):
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
        return cls(conn, path, empty=empty)

    @property
    def is_open(self) -> bool:
        """True until :meth:`close` or a failed write turned the file off."""
        return self._conn is not None

    def close(self) -> None:
        """Close the connection (what is not committed is rolled back)."""
        conn, self._conn, self._batch = self._conn, None, False
        if conn is not None:
            conn.close()

    # ------------------------------------------------------------ writing

    def write(self, fn: Callable[[sqlite3.Connection], _T], default: Any = None) -> _T:
        """Run ``fn`` in one committed transaction (a savepoint inside a
        batch) and return what it returns; ``default`` when the file is off
        or the write failed on the disk's side (which turns the file off)."""
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

    def begin_batch(self) -> None:
        """Start one transaction for the writes that follow (the recorder's
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
        is on disk, False when the file is (or has just turned) off."""
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

    def _turn_off(self, e: sqlite3.Error) -> None:
        """A failed write (full disk, I/O error, read-only remount): stop
        writing; what was committed before stays as it is."""
        conn, self._conn, self._batch = self._conn, None, False
        if is_damage(e):
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

    # ------------------------------------------------------------ reading

    def read(self, fn: Callable[[sqlite3.Connection], _T]) -> _T:
        """What ``fn`` (SELECTs only) reads from the open file. Raises
        :class:`HistoryError` when the file is off or closed, and
        :class:`DamagedHistory` for a page found damaged while reading."""
        if self._conn is None:
            raise HistoryError(self.off_reason or f"{self.path}: history off")
        try:
            return fn(self._conn)
        except sqlite3.DatabaseError as e:
            if is_damage(e):
                raise DamagedHistory(self.path, str(e)) from e
            raise


def quick_check(conn: sqlite3.Connection, path: Path) -> None:
    """Read every page once (``PRAGMA quick_check``): a damaged interior page
    raises :class:`DamagedHistory` before anything is written."""
    rows = [r[0] for r in conn.execute("PRAGMA quick_check(3)")]
    if rows != ["ok"]:
        raise DamagedHistory(path, "; ".join(rows))


def is_damage(e: sqlite3.Error) -> bool:
    """sqlite's words for a file whose pages are not what they should be."""
    text = str(e).lower()
    return isinstance(e, sqlite3.DatabaseError) and (
        "malformed" in text or "not a database" in text or "corrupt" in text)
