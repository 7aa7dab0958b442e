"""The hand-off between the main loop and a screen's drawing thread."""

from __future__ import annotations

import threading


class Presented:
    """Holds the latest thing the main loop asked to show; ``present`` only
    stores it and wakes the drawing thread, so the loop never waits on a draw.

    ``_data``: (kind, data) or None; ``_notes``: the status notes; ``_dirty``:
    something new since the last draw. Guarded by ``_cv``.
    """

    def __init__(self) -> None:
        self._cv = threading.Condition()
        self._data: tuple[str, dict] | None = None
        self._notes: tuple[str, ...] = ()
        self._dirty = False

    def present(self, kind: str, **data: object) -> None:
        with self._cv:
            if kind == "notes":
                self._notes = tuple(data.get("notes", ()))  # type: ignore[arg-type]
            else:
                self._data = (kind, dict(data))
            self._dirty = True
            self._cv.notify()
