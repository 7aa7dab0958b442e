"""What the station says about itself while it starts and runs: each note on
stderr (the journal) and on the screen (a :class:`Note` to the loop), what
is degraded in systemd's STATUS= line, and READY=1 once the first frame is up.

Under systemd (Type=notify) the start-up says what it is doing in STATUS=
and asks for more time (EXTEND_TIMEOUT_USEC) before each slow step; READY=1
comes once the first frame is drawn, however long that takes; every
degradation (mock pins, a fallback display, no sound) stays in STATUS= after
the phase, so `systemctl status station` shows it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from station.runtime.loop import Note

if TYPE_CHECKING:
    from station.runtime.notify import Notifier

#: More time asked of systemd before each start-up step, s: the slowest step
#: (synthesising and speaking every cue) took 20-30 s on an emulated arm64 VM.
STEP_BUDGET_S = 90.0
#: While waiting for the first frame: ask for more time this often, s...
READY_POLL_S = 5.0
#: ...and give up (no READY: systemd's start timeout restarts us) after this, s.
FIRST_FRAME_MAX_S = 300.0
#: The keys of notes that mean the station is degraded (kept in STATUS=).
#: (History off has its own: Devices.status_text.)
DEGRADED = ("config", "pins", "display", "sound", "button", "buzzer")
#: How long a "works now" note stays on the screen, s.
FIXED_SHOWN_S = 5.0


class Notes:
    """The station's notes (``notes``: (key, text) in order), what is
    degraded now (``problems``: key -> text) and the STATUS= line.

    ``say``: one line to stderr; ``post``: to the loop's inbox."""

    def __init__(self, say: Callable[[str], None], post: Callable[[object], None],
                 notifier: Notifier) -> None:
        self.say = say
        self.post = post
        self.notifier = notifier
        self.notes: list[tuple[str, str]] = []
        self.problems: dict[str, str] = {}  # what is degraded, for STATUS=
        self.base: str | None = None  # the last STATUS= text before the problems

    def note(self, key: str, text: str) -> None:
        """Say it on stderr now, and on the screen once the loop runs."""
        self.notes.append((key, text))
        if key in DEGRADED:
            self.problems[key] = text
        self.say(f"station: {text}")
        self.post(Note(key, text))

    def fixed(self, key: str, text: str) -> None:
        """A degraded device works now: say so (journal, screen for a few
        seconds) and drop it from STATUS=."""
        self.problems.pop(key, None)
        self.say(f"station: {text}")
        self.post(Note(key, text))
        timer = threading.Timer(FIXED_SHOWN_S, lambda: self.post(Note(key, None))
                                if key not in self.problems else None)
        timer.daemon = True
        timer.start()
        self.status(self.base or "ready")

    def retrying(self, key: str, first_why: str) -> Callable[[float], None]:
        """The retrier's ``waiting`` callback for ``key``: STATUS= says why
        it is degraded and when the next try is."""
        def waiting(delay_s: float) -> None:
            self.problems[key] = f"{first_why}; next try in {delay_s:g} s"
            if self.base:
                self.status(self.base)

        return waiting

    def status(self, text: str) -> None:
        """STATUS= for `systemctl status`: ``text`` and what is degraded."""
        self.base = text
        problems = "; ".join(self.problems.values())
        self.notifier.status(f"{text} | {problems}" if problems else text)

    def starting(self, step: str) -> None:
        """Before a start-up step: say it, and ask systemd for time for it."""
        self.notifier.status(f"starting: {step}")
        self.notifier.extend_timeout(STEP_BUDGET_S)

    def ready(self) -> None:
        """READY=1, with what is degraded in STATUS= from the start."""
        self.notifier.ready()
        if self.problems:
            self.status(self.base or "ready")

    def ready_after(self, first_frame: threading.Event, stopped: Callable[[], bool]) -> None:
        """READY=1 once ``first_frame`` is set; until then ask systemd for
        more time every READY_POLL_S. No READY (systemd's start timeout
        restarts the station) if nothing is drawn in FIRST_FRAME_MAX_S or
        the station is ``stopped()`` first."""
        waited_s = 0.0
        while not first_frame.wait(READY_POLL_S):
            waited_s += READY_POLL_S
            if stopped() or waited_s >= FIRST_FRAME_MAX_S:
                self.say(f"station: no frame drawn in {waited_s:g} s: not ready")
                return
            self.notifier.status(f"starting: waiting for the first frame ({waited_s:g} s)")
            self.notifier.extend_timeout(READY_POLL_S * 3)
        self.ready()
