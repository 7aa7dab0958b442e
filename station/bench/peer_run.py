"""Running the peer design (:mod:`station.bench.peer`) for ``station bench --peer``:
its frame cost, its frame loop and real-time set with the station's own
sinks and synthetic lifter, the replay of its recorded frame intervals over
a 240 s set (:func:`replay_drift`), and its child process.

``python -m station.bench.peer_run rest|menu`` runs the loop in a child process
for the idle CPU figures (until SIGTERM), printing the bench's first-frame
line (:data:`station.bench.child.FIRST_FRAME`) to stderr.
"""

from __future__ import annotations

import math
import sys
import threading
import time
from collections.abc import Callable

from station.bench.peer import FPS, POLL_HZ, PeerScreen, PeerTimer, PinPoller
from station.core.events import Phase


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
        print("usage: python -m station.bench.peer_run rest|menu", file=sys.stderr)
        sys.exit(2)
    sys.exit(_child(sys.argv[1]))
