"""The pygame display on its own thread, so drawing never delays a cue.

The thread owns all of pygame's video (init, drawing, flipping, the event
pump). The main loop only calls :meth:`ScreenThread.present`, which stores the
latest data and returns: models are built from it at draw time with the
thread's own ``now``, so a countdown moves without the engine's help, at
``fps`` while something animates (10: a draining bar moves a few px a frame),
at ``count_in_fps`` during the count-in (30: its digits change with the
beeps and pulse), and on change otherwise.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from concurrent.futures import Future
from pathlib import Path
from typing import Callable

from . import view
from .presented import Presented

IDLE_POLL_S = 0.02  # how often the keyboard is read when nothing animates
FPS = 10.0  # frames a second while a bar moves (calm rest: no cue to keep pace with)
COUNT_IN_FPS = 30.0  # frames a second during the count-in (emphasised models)
DRAW_GUARD_S = 0.01  # no frame starts this close before a cue (the worst 1080p frame: ~8 ms)


def model_of(kind: str, data: dict, now: float, notes: tuple[str, ...]) -> view.Model:
    """The screen model for what the main loop presented (pure)."""
    if kind == "set":
        ctx = dataclasses.replace(data.get("context") or view.Context(), notes=notes)
        return view.model_for(data["snapshot"], now, ctx)
    if kind == "summary":
        ctx = dataclasses.replace(data.get("context") or view.Context(), notes=notes)
        return view.summary_model(data["snapshot"], ctx)
    if kind == "menu":
        return view.menu_model(tuple(data["items"]), tuple(data.get("details", ())),
                               int(data["selected"]), notes)  # type: ignore[arg-type]
    if kind == "warning":
        return view.warning_model(tuple(data.get("lines", ())), notes)  # type: ignore[arg-type]
    if kind == "message":
        return view.message_model(str(data.get("title", "")), tuple(data.get("lines", ())),  # type: ignore[arg-type]
                                  str(data.get("prompt", "")), notes)
    raise ValueError(f"nothing to draw for {kind!r}")


def frame_wait_s(model: view.Model | None, fps: float, count_in_fps: float) -> float:
    """How long the screen thread waits for new data before it builds the
    next frame, s: ``1 / count_in_fps`` in the count-in, ``1 / fps`` while a
    bar moves, :data:`IDLE_POLL_S` (reading the keyboard) otherwise."""
    if model is None or not view.needs_animation(model):
        return IDLE_POLL_S
    if isinstance(model, view.ScreenModel) and model.emphasised:
        return 1 / count_in_fps
    return 1 / fps


class ScreenThread(Presented):
    """``mode``: "fullscreen" or "window"; ``size``: the window size, px.
    ``now``: the station clock, s; ``post``: the main loop's queue put (key
    edges and Quit go there). Raises ``DisplayError`` when the display cannot
    open, so the caller can fall back. ``fps`` / ``count_in_fps``: frame
    rates while something animates / during the count-in, frames a second.
    ``on_frame(model, drawn_at)`` is called after each frame (benchmarks).
    ``next_deadline()``: the main loop's next cue instant, s, or None; no
    frame starts just before it (see ``_stand_clear``)."""

    def __init__(self, mode: str, size: tuple[int, int], now: Callable[[], float],
                 post: Callable[[object], None], *, fps: float = FPS,
                 count_in_fps: float = COUNT_IN_FPS,
                 on_frame: Callable[[object, float], None] | None = None,
                 next_deadline: Callable[[], float | None] | None = None) -> None:
        if fps <= 0 or count_in_fps <= 0:
            raise ValueError(f"frame rates must be positive, got fps={fps}, count_in_fps={count_in_fps}")
        self.now, self.post, self.fps, self.on_frame = now, post, fps, on_frame
        self.mode = mode  # "fullscreen" or "window"
        self.count_in_fps = count_in_fps
        self.next_deadline = next_deadline
        Presented.__init__(self)
        self._stop = False
        self._saves: list[tuple[Path, Future]] = []
        self.first_frame = threading.Event()
        self.frames = 0
        opened: Future = Future()
        self._thread = threading.Thread(target=self._run, args=(mode, size, opened),
                                        name="screen", daemon=True)
        self._thread.start()
        opened.result(timeout=15)  # re-raises DisplayError from the thread

    def save(self, path: Path, timeout: float = 5.0) -> None:
        """Write the next frame drawn to ``path`` as PNG (waits for it)."""
        fut: Future = Future()
        with self._cv:
            self._saves.append((Path(path), fut))
            self._dirty = True
            self._cv.notify()
        fut.result(timeout=timeout)

    def close(self) -> None:
        with self._cv:
            self._stop = True
            self._cv.notify()
        self._thread.join(timeout=3)

    def __enter__(self) -> "ScreenThread":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _run(self, mode: str, size: tuple[int, int], opened: Future) -> None:
        from ..loop import Quit
        from .display import DisplayError, PygameDisplay, Quit as DisplayQuit

        try:
            display = PygameDisplay(mode, size, clock=self.now)
        except BaseException as exc:  # DisplayError, or pygame missing a driver
            opened.set_exception(exc)
            return
        if _invisible():
            display.close()
            opened.set_exception(DisplayError(
                "SDL found no screen and fell back to its invisible 'offscreen' driver"))
            return
        opened.set_result(True)
        model = None
        try:
            while True:
                with self._cv:
                    if not self._dirty and not self._stop:
                        self._cv.wait(frame_wait_s(model, self.fps, self.count_in_fps))
                    if self._stop:
                        break
                    self._dirty = False
                    data, notes, saves = self._data, self._notes, self._saves
                    self._saves = []
                for item in display.poll():
                    self.post(Quit("window: q, Esc or closed") if isinstance(item, DisplayQuit) else item)
                if self._stand_clear():
                    with self._cv:  # what is due now may change the picture: take the newest
                        data, notes = self._data, self._notes
                if data is None:
                    continue
                model = model_of(data[0], data[1], self.now(), notes)
                if display.show(model):
                    self.frames += 1
                    if self.on_frame is not None:
                        self.on_frame(model, self.now())
                    self.first_frame.set()
                for path, fut in saves:
                    try:
                        display.save(path)
                        fut.set_result(path)
                    except Exception as exc:
                        fut.set_exception(exc)
        except Exception as exc:  # the display vanished mid-set: the set goes on
            self.post_note(f"display lost: {exc}")
        finally:
            display.close()

    def _stand_clear(self) -> bool:
        """Do not start a frame just before a cue is due: drawing holds the
        GIL in C for up to a few ms at 1080p (a new big digit, a rescale),
        and the countdown's digit changes at the very instant of each
        count-in cue. Wait until just past the deadline instead (the frame
        is late by that much, the cue is not). True if it waited."""
        if self.next_deadline is None:
            return False
        due = self.next_deadline()
        if due is None:
            return False
        ahead = due - self.now()
        if not 0 <= ahead < DRAW_GUARD_S:
            return False
        time.sleep(ahead + 0.001)
        return True

    def post_note(self, text: str) -> None:
        from ..loop import Note

        self.post(Note("display", text))


def _invisible() -> bool:
    """SDL opened its offscreen driver without being asked to: nobody sees it."""
    import os

    import pygame

    return (pygame.display.get_driver() == "offscreen"
            and os.environ.get("SDL_VIDEODRIVER", "") != "offscreen")
