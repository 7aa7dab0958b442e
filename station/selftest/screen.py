"""The display step of ``station check``: which display is in use and
through which SDL video driver (KMSDRM on a console-only Pi); a fallback
from the display asked for is a failure."""

from __future__ import annotations

from station.selftest.report import FAILED, OK, SKIPPED
from station.selftest.walk import Walk


class ScreenSteps(Walk):
    """The display step."""

    def check_display(self) -> None:
        """Which display is in use and through which SDL driver (KMSDRM on a
        console-only Pi); a fallback from the wanted one is a failure."""
        screen = self.station.screen
        kind = type(screen).__name__
        problem = self.station.problems.get("display")
        if kind == "ScreenThread":
            self._add("display", OK, f"{getattr(screen, 'mode', 'pygame')}, SDL video driver "
                                     f"{_video_driver()}")
        elif problem:
            self._add("display", FAILED, f"{problem}; {kind.replace('Screen', '').lower()} "
                                         "display meanwhile")
        elif kind == "TerminalScreen":
            self._add("display", OK, "terminal, as asked")
        else:
            self._add("display", SKIPPED, "no display (--display none)")


def _video_driver() -> str:
    """SDL's video driver in use ("kmsdrm", "x11", "dummy"...)."""
    try:
        import pygame

        return pygame.display.get_driver()
    except Exception:  # noqa: BLE001 - only for the report
        return "unknown"
