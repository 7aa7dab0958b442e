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

``python -m station.bench.peer rest|menu`` runs the loop in a child process
for the idle CPU figures (until SIGTERM), printing the bench's first-frame
line (:data:`station.bench.child.FIRST_FRAME`) to stderr.
"""

from __future__ import annotations

import math
import sys
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


def frame_cost(size: tuple[int, int], frames: int = 120, warm: int = 30) -> list[float]:
    """CPU s (``time.thread_time``) of each of ``frames`` peer frames of a
    rest countdown drawn at ``size`` px on a Surface (no flip), after
    ``warm`` frames that fill the text cache; as :func:`station.bench.offline.frame_cost`."""
    import pygame

    pygame.font.init()
    screen = PeerScreen(pygame.Surface(size))
    timer = PeerTimer(reps=5, rest_s=15.0, cap_s=None)
    timer.frame(0.0, 0.0, [0.0] * 5)
    out = []
    for n in range(warm + frames):
        timer.frame(1 / FPS, n / FPS)
        if timer.phase is not Phase.REST:
            timer = PeerTimer(reps=5, rest_s=15.0, cap_s=None)
            timer.frame(0.0, 0.0, [0.0] * 5)
        t0 = time.thread_time()
        screen.draw_set(timer)
        if n >= warm:
            out.append(time.thread_time() - t0)
    return out


def open_window(size: tuple[int, int]):
    import pygame

    pygame.display.init()
    pygame.font.init()
    surface = pygame.display.set_mode(size)
    pygame.display.set_caption("peer")
    return surface


def run_frames(timer: PeerTimer, screen: PeerScreen, *, sinks: list, take_presses: Callable[[], list[float]],
               seconds: float, log=None, on_phase: Callable[[Phase], None] | None = None,
               now: Callable[[], float] = time.monotonic, fps: int = FPS) -> list[int]:
    """The frame loop: ``Clock.tick(fps)``, events, presses, timers, cues,
    a full redraw and ``flip()``; until the set is DONE or ``seconds`` pass.
    ``log``: a :class:`station.bench.live.LiveLog` (calls, lateness, frames)
    plus ``frame_cpu_s`` (list: thread CPU of each draw + flip, s). Returns
    the frames' ``dt`` (ms), for :func:`replay_drift`."""
    import pygame

    clock = pygame.time.Clock()
    end = now() + seconds
    dts: list[int] = []
    phase = None
    while True:
        dt_ms = clock.tick(fps)
        dts.append(dt_ms)
        t = now()
        for ev in pygame.event.get():
            if ev.type == pygame.QUIT:
                return dts
        for cue in timer.frame(dt_ms / 1000.0, t, take_presses()):
            for sink in sinks:
                called, cpu0 = now(), time.thread_time()
                sink.play(cue)
                if log is not None:
                    log.play_cpu.append((sink.name, cue.name, time.thread_time() - cpu0))
                    log.calls.append((sink.name, cue, called))
                    log.lateness.setdefault(sink.name, []).append(called - cue.at)
        c0 = time.thread_time()
        screen.draw_set(timer)
        pygame.display.flip()
        if log is not None:
            log.frame_cpu_s.append(time.thread_time() - c0)
            log.frames.append((now(), timer.total))
        if timer.phase is not phase:
            phase = timer.phase
            if on_phase is not None:
                on_phase(phase)
        if timer.phase is Phase.DONE or t >= end:
            return dts


def run_live(seconds: float, size: tuple[int, int], *, every_s: float, reps: int, cap_s: float,
             sound: bool = True, say=lambda text: None):
    """The peer's real-time run, in this process, under the same conditions
    as :func:`station.bench.live.run_live`: the station's buzzer on mock
    pins and its mixer as cue sinks, a mock button pin polled at 100 Hz,
    the same :class:`~station.bench.live.SyntheticLifter`. Returns
    ``(log, dts_ms)``; ``log`` is a LiveLog with ``frame_cpu_s`` added."""
    import types

    from gpiozero import DigitalInputDevice

    from station.bench.live import LiveLog, SyntheticLifter
    from station.config import parse_config
    from station.hw.buzzer import BuzzerOutput
    from station.hw.pins import choose_pin_factory

    log = LiveLog()
    log.frame_cpu_s = []  # type: ignore[attr-defined]
    config = parse_config("")
    factory = choose_pin_factory("mock").factory
    sinks: list = []
    closers: list = []
    try:
        buzzer = BuzzerOutput.from_config(config, pin_factory=factory)
        closers.append(buzzer.close)
        sinks.append(_Named("buzzer", buzzer.play))
        if sound:
            from station.hw.speaker import Speaker

            speaker = Speaker.from_config(config)
            closers.append(speaker.close)
            if speaker.available:
                sinks.append(_Named("speaker", speaker.play))
            else:
                log.notes.append(f"no sound: {speaker.reason}")
        button = DigitalInputDevice(config.pins.button, pull_up=True, bounce_time=None,
                                    pin_factory=factory)
        closers.append(button.close)
        poller = PinPoller(lambda: button.value)
        closers.append(poller.close)
        screen = PeerScreen(open_window(size))
        closers.append(_close_display)
        timer = PeerTimer(reps=reps, every_s=every_s, cap_s=cap_s)
        now = time.monotonic
        cpu0, wall0 = time.process_time(), now()
        with SyntheticLifter(button.pin.drive_low, button.pin.drive_high, now, log) as lifter:
            dts = run_frames(timer, screen, sinks=sinks, take_presses=poller.take, seconds=seconds,
                             log=log, on_phase=lambda p: lifter.see(types.SimpleNamespace(phase=p)))  # type: ignore[arg-type]  # see() reads .phase only
        log.cpu_s, log.wall_s = time.process_time() - cpu0, now() - wall0
        log.total_reps = timer.total
        log.set_started_at = log.presses[0][0] if log.presses else None  # the lifter's own first press
        if log.total_reps != len(log.presses):
            log.notes.append(f"{len(log.presses)} presses counted as {log.total_reps} reps")
    finally:
        for close in reversed(closers):
            close()
    return log, dts


class _Named:
    def __init__(self, name: str, play) -> None:
        self.name, self.play = name, play


def _close_display() -> None:
    import pygame

    pygame.display.quit()


def replay_drift(dts_ms: list[int], *, duration_s: float = 240.0, every_s: float = 7.0,
                 reps: int = 5, cadence_s: float = 0.6, first_after_s: float = 0.45,
                 poll_s: float = 1.0 / POLL_HZ, carry: bool = True) -> dict:
    """The peer's drift over a ``duration_s`` set, without waiting for it:
    its per-frame logic (:class:`PeerTimer`) is fed the frame intervals of
    a real run (``dts_ms``, repeated), and a lifter who presses
    ``first_after_s`` after each go (then every ``cadence_s``), seen at the
    next poll (``poll_s`` grid) and handed over at the next frame.

    Returns ``{"cap_s", "last_go_s", "worst_go_s", "frames"}``: how late (s)
    the cap cue and the go cues were fired against the ideal instants
    ``first press + duration_s`` and ``first press + k * every_s``."""
    if not dts_ms:
        raise ValueError("replay_drift needs the frame intervals of a real run")
    timer = PeerTimer(reps=reps, every_s=every_s, cap_s=duration_s, carry=carry)
    t, i = 0.0, 0
    next_press: float | None = first_after_s  # READY is on the first frame
    pending: list[float] = []  # seen by the poller, not yet taken by a frame
    presses: list[float] = []
    gos: list[float] = []
    cap_at = None
    while timer.phase is not Phase.DONE and t < duration_s + 60:
        dt_s = dts_ms[i % len(dts_ms)] / 1000.0
        t += dt_s
        i += 1
        while next_press is not None and next_press <= t:
            presses.append(next_press)
            pending.append(math.ceil(next_press / poll_s - 1e-9) * poll_s)
            next_press += cadence_s
        taken = [p for p in pending if p <= t]
        pending = [p for p in pending if p > t]
        was = timer.phase
        for cue in timer.frame(dt_s, t, taken):
            if cue.name == "go":
                gos.append(t)
            elif cue.name == "cap":
                cap_at = t
        if timer.phase is Phase.REST:
            next_press = None  # the lifter waits for the go
        elif timer.phase is Phase.WORK and was is Phase.REST:
            next_press = t + first_after_s
    first = presses[0]
    go_drift = [at - (first + round((at - first) / every_s) * every_s) for at in gos]
    return {"cap_s": None if cap_at is None else cap_at - (first + duration_s),
            "last_go_s": go_drift[-1] if go_drift else None,
            "worst_go_s": max(go_drift) if go_drift else None, "frames": i}


# ---------------------------------------------------------------- child process


def _child(kind: str) -> int:
    """Run the peer loop (``rest``: a long rest; ``menu``: the start menu)
    with the station's sinks open, until SIGTERM."""
    import os
    import signal

    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    from gpiozero import DigitalInputDevice

    from station.bench.child import FIRST_FRAME, SWITCH_ENV, install_thread_names
    from station.config import parse_config
    from station.core.methods import PRESETS
    from station.hw.buzzer import BuzzerOutput
    from station.hw.pins import choose_pin_factory
    from station.hw.speaker import Speaker
    from station.runtime.app import SWITCH_INTERVAL_S

    # the station's child processes run with what `station run` sets: the same here
    sys.setswitchinterval(float(os.environ.get(SWITCH_ENV) or SWITCH_INTERVAL_S))
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *a: stop.set())
    install_thread_names()
    config = parse_config("")
    factory = choose_pin_factory("mock").factory
    size = tuple(int(v) for v in os.environ.get("STATION_BENCH_PEER_SIZE", "1920x1080").split("x"))
    with BuzzerOutput.from_config(config, pin_factory=factory) as buzzer, \
            Speaker.from_config(config) as speaker, \
            DigitalInputDevice(config.pins.button, pull_up=True, pin_factory=factory) as button:
        poller = PinPoller(lambda: button.value)
        screen = PeerScreen(open_window(size))  # type: ignore[arg-type]
        import pygame

        clock = pygame.time.Clock()
        timer = PeerTimer(reps=5, rest_s=24 * 3600.0, cap_s=None)
        if kind == "rest":
            timer.frame(0.0, time.monotonic(), [time.monotonic()] * 5)
        items = tuple(PRESETS)
        first = True
        sinks = [buzzer.play] + ([speaker.play] if speaker.available else [])
        while not stop.is_set():
            dt_ms = clock.tick(FPS)
            pygame.event.get()
            presses = poller.take()
            if kind == "rest":
                for cue in timer.frame(dt_ms / 1000.0, time.monotonic(), presses):
                    for play in sinks:
                        play(cue)
                screen.draw_set(timer)
            else:
                screen.draw_menu(items, len(presses) % len(items))
            pygame.display.flip()
            if first:
                first = False
                print(f"{FIRST_FRAME}{time.monotonic():.6f}", file=sys.stderr, flush=True)
        poller.close()
        pygame.display.quit()
    return 0


if __name__ == "__main__":  # pragma: no cover
    if len(sys.argv) != 2 or sys.argv[1] not in ("rest", "menu"):
        print("usage: python -m station.bench.peer rest|menu", file=sys.stderr)
        sys.exit(2)
    sys.exit(_child(sys.argv[1]))
