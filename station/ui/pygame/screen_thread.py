"""The pygame display on its own thread, so drawing never delays a cue.

The thread owns all of pygame's video (init, drawing, flipping, the event
pump). The main loop only calls :meth:`ScreenThread.present`, which stores the
latest message and wakes the thread: models are built from it at draw time
with the thread's own ``now``, so a countdown moves without the engine's help.
The thread sleeps until the picture would change by itself (:func:`wait_s`):
the next whole second shown (a countdown digit, a cap clock), the bar moving a
visible step (1/:data:`BAR_STEPS` of its length, at most ``fps`` frames a
second), the count-in's pulse (``count_in_fps``); in the menu and on a
summary, not at all. A frame where only the bar has moved (no new data, before
:func:`station.ui.view.bar_only_until`: no second shown has turned) builds no
model: the last one gets the bar's new ``progress`` and only the bar's moving
end is repainted and sent. New data or a key ends the sleep
(:mod:`station.ui.pygame.wake` picks how for SDL's driver: a window waits in
SDL, the console in ``select()`` on the keyboards, the dummy driver has no
keys). When the picture has settled, memory the drawing freed is given back
to the system (:func:`station.ui.pygame.memory.give_back`).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path

from station.ui import view
from station.ui.presented import Presented
from station.ui.pygame.memory import give_back
from station.ui.pygame.wake import DataSleeper, Sleeper, sleeper_for
from station.ui.view.messages import Shown, ShowSet, model_of

#: Freed memory is given back before a sleep after a frame: an endless one
#: outside a set (menu, summary, a message), else one of at least SETTLED_S
#: (or endless) when GIVE_BACK_EVERY_S have passed since the last time (a set's
#: presses come every second or two), s.
SETTLED_S = 0.5
GIVE_BACK_EVERY_S = 5.0
GIVE_BACK_CLEAR_S = 0.25  # and only when no cue is due sooner than this, s
FPS = 10.0  # most frames a second while a bar moves (calm rest: no cue to keep pace with)
BAR_STEPS = 60  # a bar is redrawn when it has moved this fraction of its length (13 px at 800 wide)
TICK_AFTER_S = 0.002  # wake this long after a shown second turns, s (its ceil has changed)
COUNT_IN_FPS = 30.0  # frames a second during the count-in (emphasised models)
DRAW_GUARD_S = 0.01  # no frame starts this close before a cue (the worst 1080p frame: ~8 ms)


def next_change_s(message: Shown | None, now: float, fps: float = FPS,
                  bar_steps: int = BAR_STEPS) -> float | None:
    """s from ``now`` until what is presented would look different by time
    alone, or None when it never would (menu, summary, a phase screen with
    nothing counting). Every time shown on a phase screen is whole seconds
    from one of the snapshot's instants (:func:`station.ui.view.second_anchors`:
    in a rest only the countdown's end), so it changes just after one of
    them turns a second, or when the cap is reached; a bar (REST
    draining, LOWER filling over the phase) moves 1/``bar_steps`` of its length
    every ``duration / bar_steps`` s, no more often than ``fps``."""
    if not isinstance(message, ShowSet):
        return None
    snap = message.snapshot
    anchors = view.second_anchors(snap)
    if not anchors:
        return None
    wait = min((a - now) % 1.0 or 1.0 for a in anchors) + TICK_AFTER_S
    if snap.cap_at is not None and now < snap.cap_at:  # "time cap reached", once
        wait = min(wait, snap.cap_at - now + TICK_AFTER_S)
    if snap.phase_ends_at is not None and snap.phase_started_at is not None:
        step = (snap.phase_ends_at - snap.phase_started_at) / bar_steps
        if step > 0 and now < snap.phase_ends_at:
            wait = min(wait, max(step, 1 / fps))
    return wait


def wait_s(message: Shown | None, model: view.Model | None, now: float,
           fps: float, count_in_fps: float) -> float | None:
    """How long the screen thread sleeps unless new data or input comes, s,
    or None for until then: the count-in at ``count_in_fps``, else the next
    change of the picture (:func:`next_change_s`)."""
    if isinstance(model, view.ScreenModel) and model.emphasised and model.progress is not None:
        return 1 / count_in_fps
    return next_change_s(message, now, fps)


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
        self.wakeups = 0  # times the thread woke from a sleep (new data, input, a change due)
        self.bar_frames = 0  # models made from the last by moving its bar only (no words, no layout)
        self._sleeper: Sleeper = DataSleeper()  # until the display is open and its driver known
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
            self._wake()
        fut.result(timeout=timeout)

    def close(self) -> None:
        with self._cv:
            self._stop = True
            self._wake()
        self._thread.join(timeout=3)

    def _wake(self) -> None:
        self._cv.notify()
        self._sleeper.wake()

    def __enter__(self) -> ScreenThread:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _run(self, mode: str, size: tuple[int, int], opened: Future) -> None:
        from station.runtime.loop import Quit
        from station.ui.pygame.display import DisplayError, PygameDisplay
        from station.ui.pygame.display import Quit as DisplayQuit

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
        import pygame

        self._sleeper = sleeper_for(pygame.display.get_driver())
        opened.set_result(True)
        model = data = None
        built_for: tuple[object, object] = (None, None)  # the message and notes ``model`` was built from
        bar_only_until = -math.inf  # before this instant (s) only its bar moves (view.bar_only_until)
        self._settled = True  # no frame since memory was last given back
        given_back_at = time.monotonic()
        try:
            while True:
                with self._cv:
                    idle = not self._dirty and not self._stop
                    timeout = wait_s(data, model, self.now(), self.fps, self.count_in_fps) if idle else 0
                if idle and not self._settled and self._clear_of_cues() and (
                        (timeout is None and not isinstance(data, ShowSet))
                        or ((timeout is None or timeout >= SETTLED_S)
                            and time.monotonic() >= given_back_at + GIVE_BACK_EVERY_S)):
                    give_back()
                    self._settled, given_back_at = True, time.monotonic()
                if idle:
                    self._sleeper.sleep(timeout)
                    self.wakeups += 1
                with self._cv:
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
                now = self.now()
                if data is built_for[0] and notes is built_for[1] and now < bar_only_until \
                        and isinstance(model, view.ScreenModel) and isinstance(data, ShowSet):
                    # Only the bar has moved since the model was built: no words, lines, layout.
                    progress = view.bar_progress(data.snapshot, now, data.context)
                    moved = display.move_bar(progress) if progress is not None else None
                    if moved is not None:
                        model = moved[0]
                        if moved[1]:
                            self.bar_frames += 1
                            self._drawn(model)
                else:
                    model = model_of(data, now, notes)
                    built_for = (data, notes)
                    until = (view.bar_only_until(data.snapshot, now, data.context)
                             if isinstance(data, ShowSet) else None)
                    bar_only_until = -math.inf if until is None else until
                    if display.show(model):
                        self._drawn(model)
                for path, fut in saves:
                    try:
                        display.save(path)
                        fut.set_result(path)
                    except Exception as exc:
                        fut.set_exception(exc)
        except Exception as exc:  # the display vanished mid-set: the set goes on
            self.post_note(f"display lost: {exc}")
        finally:
            self._sleeper.close()
            display.close()

    def _drawn(self, model: object) -> None:
        """A frame went to the screen."""
        self._settled = False
        self.frames += 1
        if self.on_frame is not None:
            self.on_frame(model, self.now())
        if not self.first_frame.is_set():
            self.first_frame.set()

    def _clear_of_cues(self) -> bool:
        """No cue is due within :data:`GIVE_BACK_CLEAR_S`: giving memory back
        holds the allocator's locks for up to a millisecond, which the main
        loop would wait on while it sounds the cue."""
        due = self.next_deadline() if self.next_deadline is not None else None
        return due is None or due - self.now() >= GIVE_BACK_CLEAR_S

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
        from station.runtime.loop import Note

        self.post(Note("display", text))


def _invisible() -> bool:
    """SDL opened its offscreen driver without being asked to: nobody sees it."""
    import os

    import pygame

    return (pygame.display.get_driver() == "offscreen"
            and os.environ.get("SDL_VIDEODRIVER", "") != "offscreen")
