"""The pygame window: shows screen models, turns keys into button edges.

``PygameDisplay("fullscreen")`` takes the whole screen (KMSDRM on a
console-only Pi, X11/Wayland on a desktop) and hides the mouse cursor;
``"window"`` opens a window of ``size``. If SDL cannot open a display,
:class:`DisplayError` says why, so the caller can fall back to the terminal.

``show(model)`` draws only when the model differs from the last one shown.
A model with a moving bar changes with time alone: :func:`needs_animation`
tells the main loop to build a new model at a modest frame rate then (e.g.
10 fps during REST), and only on change otherwise. Between two phase
screens with the same colours only the regions that changed are repainted
and sent to the screen (``pygame.display.update(rects)``): a moving bar
repaints its moving end (nothing when its length in px is the same), a
countdown its number. A resting screen costs a small fraction of a full frame.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Self

import pygame

from station.core.events import End, Fail, Undo
from station.core.gestures import Edge
from station.ui import view
from station.ui.pygame.render import DrawnText, Renderer
from station.ui.view import Model, ScreenModel
from station.ui.view.keys import KEY_LEGEND

BUTTON_KEYS = (pygame.K_SPACE, pygame.K_RETURN, pygame.K_KP_ENTER)
#: Keys that are one event each, as in the terminal display (see KEY_LEGEND).
EVENT_KEYS: dict[int, type[Undo] | type[Fail] | type[End]] = {pygame.K_u: Undo, pygame.K_f: Fail,
                                                               pygame.K_e: End}
MODES = ("fullscreen", "window")


class DisplayError(RuntimeError):
    """The display cannot be opened (no video device, no permission...)."""


@dataclass(frozen=True)
class Quit:
    """The user asked to quit (Esc, or the window was closed). ``at``: s."""

    at: float


def needs_animation(model: Model | None) -> bool:
    """True while ``model`` changes with time alone (redraw at a frame rate)."""
    return model is not None and view.needs_animation(model)


class PygameDisplay:
    """A pygame display. ``clock``: returns station-clock seconds, used to
    stamp key edges. ``size``: the window size in px (fullscreen uses the
    screen's own size). ``legend``: the key legend at the bottom of every
    screen; by default the terminal's in a window, none fullscreen (a rack
    screen has a button, seldom a keyboard)."""

    def __init__(self, mode: str = "fullscreen", size: tuple[int, int] = (800, 480),
                 clock: Callable[[], float] | None = None, title: str = "station",
                 legend: str | None = "") -> None:
        if mode not in MODES:
            raise ValueError(f"display mode must be one of {', '.join(MODES)}, got {mode!r}")
        if clock is None:
            raise ValueError("PygameDisplay needs a clock callable returning seconds")
        self.mode = mode
        self._clock = clock
        if legend == "":
            legend = KEY_LEGEND if mode == "window" else None
        self._renderer = Renderer(legend=legend)
        self._last: Model | None = None
        self._keys_down: set[int] = set()
        self.drawn: list[DrawnText] = []
        try:
            pygame.display.init()
            pygame.font.init()
            if mode == "fullscreen":
                self._surface = pygame.display.set_mode((0, 0), pygame.FULLSCREEN)
                pygame.mouse.set_visible(False)
            else:
                self._surface = pygame.display.set_mode(size)
            pygame.display.set_caption(title)
        except pygame.error as e:
            driver = _driver()
            pygame.display.quit()
            raise DisplayError(
                f"cannot open a {mode} display (SDL video driver {driver!r}): {e}"
            ) from e
        pygame.key.set_repeat()  # no key repeat: one key down is one press
        self._renderer.warm(self.size)  # the digits' glyphs, before any number is shown

    @property
    def size(self) -> tuple[int, int]:
        """The drawing surface's size, px."""
        return self._surface.get_size()

    def show(self, model: Model) -> bool:
        """Draw ``model`` if it differs from the last one; True if drawn.
        A phase screen that differs from the last only in some regions
        (the number, a line, the bar...) repaints only those; the bar only
        at its moving end, and not at all if its length in px is the same."""
        if model == self._last:
            return False
        last = self._last
        if isinstance(last, ScreenModel) and isinstance(model, ScreenModel):
            done = self._renderer.update(self._surface, last, model, self.drawn)
            if done is not None:
                rects, self.drawn = done
                self._last = model
                if not rects:
                    return False
                pygame.display.update(rects)
                return True
        self.drawn = self._renderer.draw(self._surface, model)
        pygame.display.flip()
        self._last = model
        return True

    def move_bar(self, progress: float) -> tuple[ScreenModel, bool] | None:
        """The phase screen last shown, its bar at ``progress`` (0..1) and
        nothing else changed (a resting frame between two turns of a second):
        only the bar's moving end is repainted and sent, with no look at the
        other fields. Returns the model now shown and whether a pixel
        changed; None when the last picture has no bar (then :meth:`show`)."""
        last = self._last
        if not isinstance(last, ScreenModel) or last.progress is None:
            return None
        model = dataclasses.replace(last, progress=progress)
        rect = self._renderer.bar(self._surface, model, was=last.progress)
        self._last = model
        if rect.w:
            pygame.display.update([rect])
        return model, bool(rect.w)

    def needs_animation(self, model: Model | None = None) -> bool:
        """See :func:`needs_animation`; defaults to the model last shown."""
        return needs_animation(self._last if model is None else model)

    def poll(self) -> list[Edge | Undo | Fail | End | Quit]:
        """Pending input: Space/Enter down/up as keyboard :class:`Edge` values
        (key repeat ignored; several button keys act as one button), u / f /
        e as Undo / Fail / End, q, Esc or closing the window as :class:`Quit`."""
        out: list[Edge | Undo | Fail | End | Quit] = []
        for ev in pygame.event.get():
            if ev.type == pygame.QUIT:
                out.append(Quit(self._clock()))
            elif ev.type == pygame.KEYDOWN:
                if ev.key in (pygame.K_ESCAPE, pygame.K_q):
                    out.append(Quit(self._clock()))
                elif ev.key in EVENT_KEYS:
                    out.append(EVENT_KEYS[ev.key](self._clock()))
                elif ev.key in BUTTON_KEYS and ev.key not in self._keys_down:
                    if not self._keys_down:
                        out.append(Edge(pressed=True, at=self._clock(), source="keyboard"))
                    self._keys_down.add(ev.key)
            elif ev.type == pygame.KEYUP and ev.key in self._keys_down:
                self._keys_down.discard(ev.key)
                if not self._keys_down:
                    out.append(Edge(pressed=False, at=self._clock(), source="keyboard"))
            elif ev.type in (pygame.WINDOWEXPOSED, pygame.VIDEOEXPOSE) and self._last is not None:
                last, self._last = self._last, None
                self.show(last)
        return out

    def save(self, path: str | Path) -> None:
        """Write the current frame as a PNG to ``path``."""
        pygame.image.save(self._surface, str(path))

    def close(self) -> None:
        """Close the window (safe to call twice)."""
        if pygame.display.get_init():
            pygame.mouse.set_visible(True)
            pygame.display.quit()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _driver() -> str:
    try:
        return pygame.display.get_driver()
    except pygame.error:
        return os.environ.get("SDL_VIDEODRIVER", "default")
