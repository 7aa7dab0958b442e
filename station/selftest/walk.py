"""What every step of ``station check`` stands on: its settings, the main
loop's queue it waits on, the lines it prints and the screen it shows them
on, and the :class:`~station.selftest.report.Report` it fills.

:class:`Walk` reads the queue the main loop would (raw button edges, the
remote's gestures, notes, Quit): notes are shown, the first thing a remote
sends is remembered for the remote step, Quit (Esc, the window closed,
SIGINT) stops the check. All instants (``*_at``, ``until``) are
station-clock seconds; durations (``*_s``) are seconds.
"""

from __future__ import annotations

import queue
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from station.core.events import CUE_NAMES, End, Fail, Rep, Undo
from station.core.gestures import Edge
from station.runtime.loop import Note, Quit
from station.selftest.report import Item, Report
from station.ui.view.messages import Message, ShowMessage, ShowNotes


@dataclass(frozen=True)
class CheckSettings:
    """``timeout_s``: how long each step waits for a press (and for the
    remote), s. ``gap_s``: silence after each cue before the next, s.
    ``cues``: the cue names to play, in order (empty: skip the cue step)."""

    timeout_s: float = 20.0
    gap_s: float = 1.0
    cues: tuple[str, ...] = CUE_NAMES

    def __post_init__(self) -> None:
        if self.timeout_s <= 0:
            raise ValueError(f"timeout must be over 0 s, got {self.timeout_s}")
        if self.gap_s < 0:
            raise ValueError(f"gap must be 0 s or more, got {self.gap_s}")
        unknown = [c for c in self.cues if c not in CUE_NAMES]
        if unknown:
            raise ValueError(f"unknown cue(s) {', '.join(unknown)}; known: {', '.join(CUE_NAMES)}")


class Stopped(Exception):
    """The user quit (Esc, window closed, SIGINT): stop the check."""


class Walk:
    """The state and the means the steps share, on a built
    :class:`station.runtime.app.Station`.

    ``out(text)``: where each step's lines go (print). ``board_model()``: the
    board's name, or None off a Pi-like board.
    """

    def __init__(self, station, settings: CheckSettings, out: Callable[[str], None],
                 board_model: Callable[[], str | None]) -> None:
        self.station = station
        self.settings = settings
        self.out = out
        self.board_model = board_model
        self.loop = station.loop
        self.clock = station.clock
        self.report = Report()
        self._remote_seen: str | None = None  # first thing the remote sent

    # ------------------------------------------------------------ the queue

    def _take(self, until: float) -> list[object]:
        """Wait until ``until`` (s) for items on the main loop's queue, then
        drain it. Notes are shown, remote activity remembered, Quit raises
        :class:`Stopped`; everything else is returned."""
        items = []
        try:
            items.append(self.clock.get(self.loop.queue, max(0.0, until - self.clock.now())))
            while True:
                items.append(self.loop.queue.get_nowait())
        except queue.Empty:
            pass
        out = []
        for item in items:
            if isinstance(item, Quit):
                raise Stopped(item.why)
            if isinstance(item, Note):
                self._note(item)
                continue
            if self._remote_seen is None:
                self._remote_seen = _remote_activity(item)
            out.append(item)
        return out

    def _pause(self, seconds: float) -> None:
        """Let ``seconds`` s pass, still reading the queue (quit, notes)."""
        until = self.clock.now() + seconds
        while self.clock.now() < until:
            self._take(until)

    def _wait_for(self, done: Callable[[], bool], seconds: float) -> None:
        """Until ``done()`` or ``seconds`` s pass. ``done`` must only change
        when an item arrives (a remote's status change posts a note)."""
        until = self.clock.now() + seconds
        while not done() and self.clock.now() < until:
            self._take(until)

    def _note(self, item: Note) -> None:
        if item.text is None:
            self.loop.notes.pop(item.key, None)
        else:
            self.loop.notes[item.key] = item.text
            if (item.key, item.text) not in self.station.notes:  # the station said it already
                self.out(f"  note: {item.text}")
        self._present(ShowNotes(tuple(self.loop.notes.values())))

    # ------------------------------------------------------------ output

    def _add(self, name: str, status: str, detail: str) -> None:
        self.report.items.append(Item(name, status, detail))
        self.out(f"{name}: {status}" + (f" - {detail}" if detail else ""))

    def _show(self, title: str, lines: Iterable[str], prompt: str) -> None:
        """Print ``lines`` and the ``prompt`` (">> ..."); put them on the
        screen under the previous step's result, for whoever stands at it."""
        lines = tuple(lines)
        for line in lines:
            self.out(f"  {line}")
        if prompt:
            self.out(f"  >> {prompt}")
        if self.report.items:
            last = self.report.items[-1]
            lines = (f"{last.name}: {last.status}",) + lines
        self._present(ShowMessage(title, lines, prompt))

    def _present(self, message: Message) -> None:
        from station.ui.terminal import TerminalScreen

        # The terminal display would redraw over the printed steps: the
        # printed lines are the terminal view (its keys still work).
        if not isinstance(self.loop.screen, TerminalScreen):
            self.loop.present(message)

    def _note_text(self, key: str) -> str | None:
        texts = [text for k, text in self.station.notes if k == key]
        return texts[-1] if texts else None


def _remote_activity(item: object) -> str | None:
    """How to name ``item`` if only a remote sends it ("PRESS", "REP"...)."""
    if isinstance(item, Edge):
        return ("PRESS" if item.pressed else "RELEASE") if item.source == "remote" else None
    if isinstance(item, (Rep, Fail, Undo, End)):
        # A remote that decides its own gestures; the u/f/e keys of a display
        # post these too, but nobody types them while wiring a remote.
        return type(item).__name__.upper()
    return None
