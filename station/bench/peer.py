"""The peer design ``station bench --peer`` measures the station against.

Open-source Raspberry Pi rack and interval timers are built around one
pygame frame loop: ``Clock.tick(60)``, read the button, step the timers by
the frame's ``dt``, fire the cues that came due, redraw the whole screen,
``display.flip()``. The button is a GPIO read polled at 100 Hz. This module
is the best honest version of that design, so the comparison is with the
design and not with careless code:

- ``dt`` is ``Clock.tick``'s return value (integer ms of SDL's tick
  counter): the deltas telescope, so the sum of a set's ``dt`` is the real
  elapsed time to 1 ms and the timers do not drift with the frame rate;
- a timer that runs out keeps its overshoot (``left += every``, not
  ``left = every``): a cluster "on the clock" does not slip by a part of a
  frame at every go (:func:`replay_drift` also shows the common ``reset``
  variant, which does);
- the 100 Hz poller sleeps to absolute deadlines and stamps each press with
  the instant it saw it; text surfaces are rendered once and cached;
- the cues go to the station's own sinks (buzzer on the same pins, the
  same mixer) and the picture is comparable (phase, big number, bar, total).

What it keeps of the design: cues leave only from the frame loop (up to a
frame after they are due), presses wait for the next poll and then for the
next frame, and the whole screen is redrawn 60 times a second whatever it
shows, in a rest and in the menu.

This module is the design itself (its timers, its poller, its screen);
:mod:`station.bench.peer_run` runs it: its frame cost, its real-time set,
its drift replay and the child process for its idle CPU.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from station.core.events import Cue, Phase

FPS = 60
POLL_HZ = 100.0
COUNT_IN = 3  # count cues 3, 2, 1 s before a rest ends, as the station's


@dataclass
class _Countdown:
    """A timer stepped by frames: ``left_s`` s until it runs out."""

    left_s: float

    def step(self, dt_s: float) -> tuple[float, float]:
        """(left before, left after) this frame's ``dt_s``."""
        before = self.left_s
        self.left_s -= dt_s
        return before, self.left_s


class PeerTimer:
    """The set logic of a frame-driven timer, stepped once a frame; it reads
    no clock. A cluster set like the station's bench set: ``reps`` reps a
    cluster, then a rest: until the next multiple of ``every_s`` from the
    first rep ("on the clock") or ``rest_s`` from the last rep; a time cap
    ``cap_s`` from the first rep (the cluster running at the cap is the
    last; a cap in a rest ends the set). ``carry``: a timer that runs out
    keeps its overshoot (False: the common reset, which slips).

    :meth:`frame` returns the cues that came due in the frame, each with
    ``at`` = the instant the timer crossed (the frame's ``now_s`` minus the
    overshoot) or, for a rep, the instant the poller saw the press."""

    def __init__(self, *, reps: int = 5, every_s: float | None = None,
                 rest_s: float | None = None, cap_s: float | None = 240.0,
                 carry: bool = True) -> None:
        if (every_s is None) == (rest_s is None):
            raise ValueError("PeerTimer: give exactly one of every_s or rest_s")
        self.reps, self.every_s, self.rest_s, self.cap_s, self.carry = reps, every_s, rest_s, cap_s, carry
        self.phase = Phase.READY
        self.reps_in_bout = 0
        self.total = 0
        self.cap_reached = False
        self.clock: _Countdown | None = None  # to the next cluster start (every_s)
        self.rest: _Countdown | None = None  # to the end of this rest (rest_s)
        self.cap: _Countdown | None = None

    def rest_left_s(self) -> float | None:
        """Seconds left of the rest, or None outside one."""
        if self.phase is not Phase.REST:
            return None
        timer = self.clock if self.every_s is not None else self.rest
        return None if timer is None else max(0.0, timer.left_s)

    def frame(self, dt_s: float, now_s: float, presses: Iterable[float] = ()) -> list[Cue]:
        out: list[Cue] = []
        if self.phase is Phase.DONE:
            return out
        if self.cap is not None and not self.cap_reached:
            before, after = self.cap.step(dt_s)
            if before > 0 >= after:
                self.cap_reached = True
                out.append(Cue("cap", now_s + after))
                if self.phase is Phase.REST:
                    out.append(Cue("done", now_s + after, "cap"))
                    self.phase = Phase.DONE
                    return out
        timer = self.clock if self.every_s is not None else self.rest
        if timer is not None and (self.phase is Phase.REST or self.every_s is not None):
            before, after = timer.step(dt_s)
            if self.phase is Phase.REST:
                for k in range(COUNT_IN, 0, -1):
                    if before > k >= after:
                        out.append(Cue("count", now_s + (after - k), k))
            if before > 0 >= after:
                if self.phase is Phase.REST:
                    out.append(Cue("go", now_s + after))
                    self.phase, self.reps_in_bout = Phase.WORK, 0
                if self.every_s is not None:
                    timer.left_s = timer.left_s + self.every_s if self.carry else self.every_s
        for seen_at in presses:
            out += self._press(seen_at)
        return out

    def _press(self, seen_at: float) -> list[Cue]:
        if self.phase not in (Phase.READY, Phase.WORK):
            return [Cue("warn", seen_at)]
        if self.phase is Phase.READY:
            self.phase = Phase.WORK
            if self.every_s is not None:
                self.clock = _Countdown(self.every_s)
            if self.cap_s is not None:
                self.cap = _Countdown(self.cap_s)
        self.reps_in_bout += 1
        self.total += 1
        out = [Cue("rep", seen_at, self.reps_in_bout)]
        if self.reps_in_bout >= self.reps:
            if self.cap_reached:
                self.phase = Phase.DONE
                return out + [Cue("done", seen_at, "cap")]
            self.phase = Phase.REST
            if self.rest_s is not None:
                self.rest = _Countdown(self.rest_s)
            left = self.rest_left_s() or 0.0
            out.append(Cue("rest", seen_at, round(left)))
        return out


class PinPoller:
    """Reads ``level()`` (True = pressed) ``hz`` times a second on its own
    thread, to absolute deadlines; a press is a False -> True change,
    stamped with ``now()`` when seen. :meth:`take` hands the presses over."""

    def __init__(self, level: Callable[[], bool], hz: float = POLL_HZ,
                 now: Callable[[], float] = time.monotonic) -> None:
        self._level, self._period, self._now = level, 1.0 / hz, now
        self._presses: list[float] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="peer-poll", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        last = False
        next_at = self._now()
        while not self._stop.is_set():
            level = bool(self._level())
            if level and not last:
                seen = self._now()
                with self._lock:
                    self._presses.append(seen)
            last = level
            next_at += self._period
            wait = next_at - self._now()
            if wait < -self._period:  # fell behind (a starved CPU): no burst of catch-up reads
                next_at, wait = self._now(), 0.0
            if wait > 0:
                self._stop.wait(wait)

    def take(self) -> list[float]:
        with self._lock:
            out, self._presses = self._presses, []
        return out

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)


class PeerScreen:
    """Draws the whole screen every frame: background, title, big number,
    bar, one line (or the menu). Fonts are opened once and every text
    surface is rendered once (a bounded cache), as a careful peer would."""

    BG = {Phase.READY: (20, 20, 30), Phase.WORK: (10, 60, 20), Phase.REST: (20, 30, 80),
          Phase.DONE: (40, 40, 40)}

    def __init__(self, surface) -> None:
        import pygame

        self.pg, self.surface = pygame, surface
        w, h = surface.get_size()
        self.w, self.h = w, h
        self.big = pygame.font.Font(None, int(h * 0.62))
        self.small = pygame.font.Font(None, max(12, int(h * 0.09)))
        self._cache: dict[tuple[str, str], object] = {}

    def _text(self, font: str, text: str):
        key = (font, text)
        s = self._cache.get(key)
        if s is None:
            if len(self._cache) > 256:
                self._cache.clear()
            f = self.big if font == "big" else self.small
            s = self._cache[key] = f.render(text, True, (240, 240, 240))
        return s

    def draw_set(self, t: PeerTimer) -> None:
        pg, surf, w, h = self.pg, self.surface, self.w, self.h
        surf.fill(self.BG.get(t.phase, (0, 0, 0)))
        surf.blit(self._text("small", t.phase.value), (int(w * 0.04), int(h * 0.03)))
        left = t.rest_left_s()
        number = str(math.ceil(left)) if left is not None else str(t.reps_in_bout)
        big = self._text("big", number)
        surf.blit(big, big.get_rect(center=(w // 2, int(h * 0.45))))
        if left is not None:
            span = t.every_s or t.rest_s or 1.0
            pg.draw.rect(surf, (60, 60, 60), (int(w * 0.05), int(h * 0.80), int(w * 0.9), int(h * 0.05)))
            pg.draw.rect(surf, (240, 200, 40), (int(w * 0.05), int(h * 0.80),
                                                int(w * 0.9 * min(1.0, left / span)), int(h * 0.05)))
        surf.blit(self._text("small", f"total {t.total}"), (int(w * 0.04), int(h * 0.88)))

    def draw_menu(self, items: tuple[str, ...], selected: int) -> None:
        pg, surf, w, h = self.pg, self.surface, self.w, self.h
        surf.fill((20, 20, 30))
        line = int(h * 0.1)
        for i, item in enumerate(items):
            if i == selected:
                pg.draw.rect(surf, (60, 60, 120), (0, int(h * 0.05) + i * line, w, line))
            surf.blit(self._text("small", item), (int(w * 0.05), int(h * 0.06) + i * line))
