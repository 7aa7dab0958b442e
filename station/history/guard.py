"""What keeps a bad history file from stopping a set: the checks made
before sqlite touches a file, and the History stand-in that records nothing."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from station.core.events import SetStatus
from station.core.guardrails import PastSession

_SQLITE_MAGIC = b"SQLite format 3\x00"


class HistoryError(Exception):
    """The history file cannot be used; the message names the file and why."""


class DamagedHistory(HistoryError):
    """The file is an SQLite database whose pages are damaged (a bad card, a
    power cut mid-write on a card that lies about syncing). The message says
    how to keep a copy; nothing is written to the file."""

    def __init__(self, path: Path, detail: str) -> None:
        self.path = Path(path)
        self.detail = detail
        super().__init__(
            f"{path}: the file is damaged ({detail}); it is left as it is: keep a copy "
            f"(cp -p {path}* to a safe place, with its -wal file if there is one), then "
            f"recover what you can with `sqlite3 {path} .recover` or move it aside for a new one")


def check_file(path: Path, readonly: bool) -> None:
    """Refuse, without opening it in sqlite, a file that is not a database or
    cannot be written; nothing is created next to a file refused here."""
    if path.is_dir():
        raise HistoryError(f"{path}: is a directory, not a history file")
    if path.exists():
        try:
            with path.open("rb") as f:
                head = f.read(len(_SQLITE_MAGIC))
        except OSError as e:
            raise HistoryError(f"{path}: cannot read: {e.strerror}") from e
        if head and head != _SQLITE_MAGIC:
            raise HistoryError(f"{path}: not an SQLite database (corrupt?); left as it is")
        if not readonly and not os.access(path, os.W_OK):
            raise HistoryError(f"{path}: file is read-only")
    elif readonly:
        raise HistoryError(f"{path}: no such file")
    if not readonly:
        parent = path.parent
        try:
            parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise HistoryError(f"{path}: cannot create folder {parent}: {e.strerror}") from e
        if not os.access(parent, os.W_OK | os.X_OK):
            # WAL needs the -wal and -shm files beside the database.
            raise HistoryError(f"{path}: folder {parent} is read-only")


class NullHistory:
    """History turned off: accepts every call, records nothing.

    ``off_reason``: why (shown on screen as "history off: ...").
    """

    session_id = None

    def __init__(self, reason: str) -> None:
        self.off_reason = reason

    def begin_session(self, *args: object, **kwargs: object) -> int:
        return 0

    def apply(self, effect: object, actual_at: float | None = None) -> None:
        pass

    def record_spotter(self, at: float) -> None:
        pass

    def record_warning(self, text: str, at: float) -> None:
        pass

    def end_session(self, status: SetStatus | None = None, at: float | None = None) -> None:
        pass

    def mark_interrupted(self) -> int:
        return 0

    def begin_batch(self) -> None:
        pass

    def commit_batch(self) -> bool:
        return False  # nothing is ever saved

    def sessions(self, limit: int | None = 20, *, everything: bool = False) -> list[dict]:
        return []

    def recent(self, method: str, exercise: str | None, since_utc: datetime) -> list[PastSession]:
        return []

    def recent_all(self, since_utc: datetime) -> list[PastSession]:
        return []

    def close(self) -> None:
        pass

    def __enter__(self) -> NullHistory:
        return self

    def __exit__(self, *exc: object) -> None:
        pass
