"""The terminal display: a small full-terminal view, the keyboard as the button.

Keys: space = the button (a tap is a rep, held 1 s = failure, 3 s = end;
two quick taps = undo), u = undo, f = failure, e = end the set, q or Esc =
quit. On a stream that is not a terminal it prints one plain status line
per change instead (logs, tests).

Drawing and key reading run on their own threads: ``present`` only stores
the latest data and wakes the drawer, so the main loop never waits on a
slow terminal.
"""

from __future__ import annotations

import os
import select
import sys
import textwrap
import threading
from collections.abc import Callable
from typing import TextIO

from station.core.events import End, Fail, Phase, Undo
from station.core.snapshot import Snapshot
from station.ui import view
from station.ui.presented import Presented
from station.ui.view.keys import KEY_LEGEND, SpaceDecoder
from station.ui.view.messages import Shown, ShowSet, model_of

_FONT = {  # 3x5 block digits
    "0": ["███", "█ █", "█ █", "█ █", "███"],
    "1": [" █ ", "██ ", " █ ", " █ ", "███"],
    "2": ["███", "  █", "███", "█  ", "███"],
    "3": ["███", "  █", "███", "  █", "███"],
    "4": ["█ █", "█ █", "███", "  █", "  █"],
    "5": ["███", "█  ", "███", "  █", "███"],
    "6": ["███", "█  ", "███", "█ █", "███"],
    "7": ["███", "  █", "  █", "  █", "  █"],
    "8": ["███", "█ █", "███", "█ █", "███"],
    "9": ["███", "█ █", "███", "  █", "███"],
    "-": ["   ", "   ", "███", "   ", "   "],
    " ": ["   ", "   ", "   ", "   ", "   "],
}
_COLOURS = {  # ANSI background per phase (the word carries the meaning too)
    Phase.CONFIRM: "45", Phase.READY: "44", Phase.WORK: "42", Phase.REST: "43",
    Phase.STRIP: "45", Phase.LOWER: "46", Phase.DONE: "47",
}
KEY_HELP = KEY_LEGEND


def big(text: str) -> list[str]:
    """``text`` (digits, '-', ' ') in a 5-row block font, doubled in width."""
    rows = ["", "", "", "", ""]
    for ch in text:
        glyph = _FONT.get(ch, _FONT[" "])
        for i in range(5):
            rows[i] += "".join(c * 2 for c in glyph[i]) + "  "
    return rows


class TerminalScreen(Presented):
    """``now``: station clock (s). ``post``: the main loop's queue put."""

    def __init__(self, now: Callable[[], float], post: Callable[[object], None], *,
                 out: TextIO | None = None, keyboard: bool = True, fps: float = 10.0) -> None:
        self.now = now
        self.post = post
        self.out = out or sys.stdout
        self.tty = self.out.isatty()
        self.fps = fps
        Presented.__init__(self)
        self._stop = threading.Event()
        self._last_line = ""
        self._said_notes: tuple[str, ...] = ()
        self._term_attrs = None
        self._keys_thread = None
        if keyboard and sys.stdin.isatty():
            import termios
            import tty

            fd = sys.stdin.fileno()
            self._term_attrs = termios.tcgetattr(fd)
            tty.setcbreak(fd)
            self._keys_thread = threading.Thread(target=self._read_keys, name="keys", daemon=True)
            self._keys_thread.start()
        if self.tty:
            self.out.write("\x1b[?25l\x1b[2J")  # hide the cursor, clear
        self._draw_thread = threading.Thread(target=self._draw_loop, name="terminal", daemon=True)
        self._draw_thread.start()

    # ---------------------------------------------------------------- API

    def close(self) -> None:
        self._stop.set()
        with self._cv:
            self._cv.notify()
        self._draw_thread.join(timeout=1)
        if self._keys_thread is not None:
            self._keys_thread.join(timeout=1)
        if self._term_attrs is not None:
            import termios

            termios.tcsetattr(sys.stdin.fileno(), termios.TCSADRAIN, self._term_attrs)
        if self.tty:
            self.out.write("\x1b[0m\x1b[?25h\n")
            self.out.flush()

    def __enter__(self) -> TerminalScreen:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---------------------------------------------------------------- drawing

    def _animating(self) -> bool:
        if not isinstance(self._data, ShowSet):
            return False
        snap = self._data.snapshot
        return snap.phase_ends_at is not None or snap.cap_at is not None

    def _wait_s(self) -> float | None:
        """s until the text would change by itself: a countdown or a cap
        at ``fps``, a phase screen each second (a strip counts up), and the
        menu, a summary or a message never (only new data redraws them)."""
        if self._animating():
            return 1 / self.fps
        return 1.0 if isinstance(self._data, ShowSet) else None

    def _draw_loop(self) -> None:
        while not self._stop.is_set():
            with self._cv:
                if not self._dirty:
                    self._cv.wait(timeout=self._wait_s())
                self._dirty = False
                data, notes = self._data, self._notes
            if data is not None and not self._stop.is_set():
                try:
                    self._draw(data, notes)
                except (OSError, ValueError):
                    return  # the terminal went away; the set goes on

    def _draw(self, message: Shown, notes: tuple[str, ...]) -> None:
        lines = self._lines(message, notes)
        if self.tty:
            cols = os.get_terminal_size(self.out.fileno()).columns if self.out.isatty() else 80
            cols = cols or 80  # a console that reports no size (0x0): a serial line, a bare VT
            colour = _COLOURS.get(message.snapshot.phase, "0") if isinstance(message, ShowSet) else "0"
            lines = fit_lines(lines, cols)
            body = "".join(f"\x1b[{colour};30m{line.ljust(cols)}\x1b[0m\n" for line in lines[:-1])
            self.out.write("\x1b[H" + body + lines[-1] + "\x1b[J")
            self.out.flush()
        else:
            # A log: each new status note on its own line, whole; then the state.
            for note in notes:
                if note not in self._said_notes:
                    self.out.write(f"! {note}\n")
            self._said_notes = notes
            line = " | ".join(x.strip() for x in lines if x.strip() and not x.startswith(("█", " ")))
            if isinstance(message, ShowSet):
                line = _plain(message.snapshot, self.now())
            if line and line != self._last_line:  # a screen with no plain line writes none
                self._last_line = line
                self.out.write(line + "\n")
            self.out.flush()

    def _lines(self, message: Shown, notes: tuple[str, ...]) -> list[str]:
        """The screen as text lines, from the same view models as the pygame screen."""
        return model_lines(model_of(message, self.now(), notes))

    # ---------------------------------------------------------------- keys

    def _read_keys(self) -> None:
        decoder = SpaceDecoder()
        fd = sys.stdin.fileno()
        while not self._stop.is_set():
            due = decoder.next_poll_at()
            timeout = 0.2 if due is None else max(0.0, min(0.2, due - self.now()))
            ready, _, _ = select.select([fd], [], [], timeout)
            now = self.now()
            for edge in decoder.poll(now):
                self.post(edge)
            if not ready:
                continue
            chars = os.read(fd, 64).decode(errors="ignore")
            for ch in chars:
                if ch == " ":
                    for edge in decoder.key(now):
                        self.post(edge)
                elif ch in "uU":
                    self.post(Undo(now))
                elif ch in "fF":
                    self.post(Fail(now))
                elif ch in "eE":
                    self.post(End(now))
                elif ch in "qQ\x1b":
                    from station.runtime.loop import Quit

                    self.post(Quit("key q"))


def model_lines(m: view.Model) -> list[str]:
    """A screen model as terminal lines (the big number in block digits).
    Status notes come first, each on its own line: a remote that is missing
    or a config error is the message that matters, and the top of a
    terminal is always in view."""
    lines: list[str] = [""]
    if m.notes:
        lines += [f"  ! {note}" for note in m.notes] + [""]
    if isinstance(m, view.ScreenModel):
        lines += [f"  {m.word}   {m.bout}", ""]
        if len(m.big) <= 4:
            lines += ["  " + r for r in big(m.big)]
        else:
            lines += [f"  {m.big}"]
        lines += [f"  {m.big_label}", ""]
        if m.progress is not None:
            n = round(40 * m.progress)
            lines += ["  [" + "#" * n + "-" * (40 - n) + "]"]
        lines += [f"  {x}" for x in m.lines]
    elif isinstance(m, view.SummaryModel):
        lines += [f"  {m.word}   {m.headline} {m.headline_label}", ""]
        top = max(m.bars, default=0) or 1
        for i, (n, lab) in enumerate(zip(m.bars, m.bar_labels)):
            lines.append(f"  {i + 1:>2} {'#' * round(30 * n / top):<30} {lab}")
        if m.rest_taken_s:
            lines.append("  rests taken: " + " ".join(m.rest_labels))
        lines += [""] + [f"  {x}" for x in m.lines]
    elif isinstance(m, view.MenuModel):
        lines += [f"  {m.word}   ({m.hint})", ""]
        lines += [("  > " if i == m.selected else "    ") + x for i, x in enumerate(m.items)]
    else:
        lines += [f"  {m.word}", ""] + [f"  {x}" for x in m.lines] + ["", f"  {m.hint}"]
    lines += ["", "  " + KEY_HELP]
    return lines


def _graphic(line: str) -> bool:
    """Block digits or a progress bar: drawn, not read."""
    return "█" in line or line.lstrip().startswith("[")


def fit_lines(lines: list[str], cols: int) -> list[str]:
    """``lines`` for a terminal ``cols`` wide: text is wrapped (indent kept,
    continuations indented two more), never cut; only block digits and the
    bar are cut to the width, as pictures."""
    out: list[str] = []
    for line in lines:
        if len(line) <= cols or _graphic(line):
            out.append(line[:cols])
            continue
        indent = line[:len(line) - len(line.lstrip())]
        if len(indent) + 10 > cols:
            indent = ""
        out += textwrap.wrap(line.strip(), width=max(10, cols), initial_indent=indent,
                             subsequent_indent=indent + "  ", break_on_hyphens=False)
    return out


def _plain(s: Snapshot, now: float) -> str:
    left = "" if s.seconds_left is None else f" {max(0.0, (s.phase_ends_at or now) - now):.0f}s"
    return (f"{s.method} {s.phase.value}{left} bout {s.bout_index + 1} reps {s.reps_in_bout} "
            f"per-bout {list(s.reps_per_bout)} total {s.total_reps}")
