"""Opening the display: the wanted one, else the next one down
(fullscreen -> window -> terminal -> none), each failure noted; a wanted
graphical display that cannot open yet is tried again with backoff
(station.runtime.retry) while the fallback shows, and switched to as soon as
it opens (station.ui.switching).
"""

from __future__ import annotations

import glob
import os
import sys
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from station.runtime.loop import Note
from station.runtime.notes import Notes
from station.runtime.retry import Retrier
from station.ui.view.messages import Message

if TYPE_CHECKING:
    from station.ui.switching import SwitchingScreen

DISPLAYS = ("fullscreen", "window", "terminal", "none")


class _NoScreen:
    """``--display none``: nothing drawn, cues only."""

    def present(self, message: Message) -> None:
        pass

    def close(self) -> None:
        pass

    def __enter__(self) -> _NoScreen:
        return self

    def __exit__(self, *exc: object) -> None:
        pass


@dataclass
class Screens:
    """How to make each display: a pygame window (``window_size`` in px)
    drawn on the screen thread, or the terminal; ``now`` (s), ``post`` (to
    the loop's inbox) and ``next_deadline_at`` (the loop's next cue
    instant, s, or None) are what a screen needs of the loop."""

    window_size: tuple[int, int]
    now: Callable[[], float]
    post: Callable[[object], None]
    next_deadline_at: Callable[[], float | None]

    def pygame(self, mode: str) -> tuple[Any, str]:
        """(a ScreenThread, "") or (None, why it cannot open)."""
        if not screen_here():
            return None, (f"{mode} display unavailable: no screen here (no $DISPLAY, "
                          "$WAYLAND_DISPLAY or /dev/dri)")
        try:
            from station.ui.pygame.screen_thread import ScreenThread

            return ScreenThread(mode, self.window_size, self.now, self.post,
                                next_deadline=self.next_deadline_at), ""
        except Exception as exc:  # no video device, no pygame display...
            return None, f"{mode} display unavailable ({exc})"

    def terminal(self, stack: ExitStack) -> Any:
        """The terminal display. Under the unit stdout is the journal but
        stdin is the console (tty1, TTYPath=): draw there, where the screen
        shows it, not into the log. Not a terminal at all: one plain line per
        change (a log). The console's stream is closed with ``stack``."""
        from station.ui.terminal import TerminalScreen

        out = None
        try:
            if not sys.stdout.isatty() and sys.stdin is not None and sys.stdin.isatty():
                out = os.fdopen(os.dup(sys.stdin.fileno()), "w", encoding="utf-8",
                                errors="replace")
                stack.callback(out.close)
        except (OSError, ValueError):
            out = None
        return TerminalScreen(self.now, self.post, out=out)


def open_display(wanted: str, screens: Screens, notes: Notes, stack: ExitStack, retrier: Retrier,
                 late: list[Any]) -> tuple[Any, SwitchingScreen | None]:
    """(the screen that opened, the switching screen while the wanted one is
    retried or None). ``wanted``: one of DISPLAYS. Screens found by a retry
    go in ``late`` (closed with the rest)."""
    chain = DISPLAYS[DISPLAYS.index(wanted):]
    graphical = [m for m in chain if m in ("fullscreen", "window")]
    first_why = None
    for mode in chain:
        if mode in ("fullscreen", "window"):
            screen, why = screens.pygame(mode)
            if screen is not None:
                return screen, None
            first_why = first_why or why
            notes.note("display", why + ("; trying the next" if mode != chain[-1] else ""))
            continue
        screen = screens.terminal(stack) if mode == "terminal" else _NoScreen()
        if graphical and first_why:  # the wanted one's failure says most: on the screen, in STATUS=
            notes.problems["display"] = first_why
            notes.post(Note("display", first_why))
            return screen, _retry_display(graphical, screen, screens, notes, retrier, late)
        return screen, None
    return _NoScreen(), None


def _retry_display(modes: list[str], fallback: Any, screens: Screens, notes: Notes,
                   retrier: Retrier, late: list[Any]) -> SwitchingScreen:
    """Keep trying ``modes`` (the wanted display first) with backoff;
    switch to the first that opens. Meanwhile ``fallback`` shows."""
    from station.ui.switching import SwitchingScreen

    switching = SwitchingScreen(fallback)

    def attempt() -> bool:
        for mode in modes:
            screen, _ = screens.pygame(mode)
            if screen is not None:
                late.append(screen)
                switching.switch(screen)
                notes.fixed("display", f"{mode} display open (found on a later try)")
                return True
        return False

    retrier.add("display", attempt, notes.retrying("display", notes.problems.get("display", "display error")))
    return switching


def screen_here() -> bool:
    """Whether SDL can show a window anyone sees: an X or Wayland session, a
    DRM device (KMSDRM on a console-only Pi), or a driver chosen on purpose
    (SDL_VIDEODRIVER, e.g. dummy in tests). Without one SDL falls back to its
    invisible "offscreen" driver, and the terminal is the better display."""
    env = os.environ
    return bool(env.get("SDL_VIDEODRIVER") or env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")
                or glob.glob("/dev/dri/card*"))
