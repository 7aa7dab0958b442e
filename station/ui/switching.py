"""A screen that can be replaced while the station runs: the fallback display
(terminal, or none) in use until the wanted one (fullscreen, window) opens on
a later try, then that one, showing the same thing at once."""

from __future__ import annotations

import threading


class SwitchingScreen:
    """Forwards ``present`` to the current screen and remembers the latest
    thing shown and the notes, so a newly switched-in screen starts with
    them. Safe to call from the main loop and the retry thread."""

    def __init__(self, screen: object) -> None:
        self._lock = threading.Lock()
        self.current = screen
        self._last: tuple[str, dict] | None = None
        self._notes: dict | None = None

    def present(self, kind: str, **data: object) -> None:
        with self._lock:
            if kind == "notes":
                self._notes = dict(data)
            else:
                self._last = (kind, dict(data))
            self.current.present(kind, **data)  # type: ignore[attr-defined]

    def switch(self, screen: object) -> None:
        """Show on ``screen`` from now on; the old one is closed."""
        with self._lock:
            old, self.current = self.current, screen
            if self._notes is not None:
                screen.present("notes", **self._notes)  # type: ignore[attr-defined]
            if self._last is not None:
                screen.present(self._last[0], **self._last[1])  # type: ignore[attr-defined]
        old.close()  # type: ignore[attr-defined]

    def close(self) -> None:
        with self._lock:
            screen = self.current
        screen.close()  # type: ignore[attr-defined]
