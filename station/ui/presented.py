"""The hand-off between the main loop and a screen's drawing thread."""

from __future__ import annotations

import threading

from station.ui.view.messages import Message, Shown, ShowNotes


class Presented:
    """Holds the latest thing the main loop asked to show; ``present`` only
    stores it and wakes the drawing thread, so the loop never waits on a draw.

    ``_data``: the latest message shown (not notes) or None; ``_notes``: the status notes; ``_dirty``:
    something new since the last draw. Guarded by ``_cv``.
    """

    def __init__(self) -> None:
        self._cv = threading.Condition()
        self._data: Shown | None = None
        self._notes: tuple[str, ...] = ()
        self._dirty = False

    def present(self, message: Message) -> None:
        with self._cv:
            if isinstance(message, ShowNotes):
                self._notes = message.notes
            else:
                self._data = message
            self._dirty = True
            self._wake()

    def _wake(self) -> None:
        """Wake the drawing thread (called with ``_cv`` held)."""
        self._cv.notify()
