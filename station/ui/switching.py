"""A screen that can be replaced while the station runs: the fallback display
(terminal, or none) in use until the wanted one (fullscreen, window) opens on
a later try, then that one, showing the same thing at once."""

from __future__ import annotations

import threading
from typing import Protocol

from station.ui.view.messages import Message, Shown, ShowNotes


class ClosableScreen(Protocol):
    """A screen (see station.runtime.loop.Screen) that can be closed."""

    def present(self, message: Message) -> None: ...

    def close(self) -> None: ...


class SwitchingScreen:
    """Forwards ``present`` to the current screen and remembers the latest
    message shown and the notes, so a newly switched-in screen starts with
    them. Safe to call from the main loop and the retry thread."""

    def __init__(self, screen: ClosableScreen) -> None:
        self._lock = threading.Lock()
        self.current = screen
        self._last: Shown | None = None
        self._notes: ShowNotes | None = None

    def present(self, message: Message) -> None:
        with self._lock:
            if isinstance(message, ShowNotes):
                self._notes = message
            else:
                self._last = message
            self.current.present(message)

    def switch(self, screen: ClosableScreen) -> None:
        """Show on ``screen`` from now on; the old one is closed."""
        with self._lock:
            old, self.current = self.current, screen
            if self._notes is not None:
                screen.present(self._notes)
            if self._last is not None:
                screen.present(self._last)
        old.close()

    def close(self) -> None:
        with self._lock:
            screen = self.current
        screen.close()
