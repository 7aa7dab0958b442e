"""``station bench``: the station's timing self-test.

Runs the real main loop with the real pygame window (the dummy SDL driver
where there is no screen), the buzzer on mock pins, the mixer and the
history writer, presses the button with a synthetic lifter, and reports
each figure beside its target. See docs/bench.md for what each figure means,
how it is measured and the figures of a reference machine.

Phases, in order: frame cost (render only), drift on a jumping virtual clock,
the real-time run (``seconds`` s), then ``station run`` in child processes
(start-up, idle CPU while resting and in the menu, resident memory).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .bench_stats import Figure, Target

MS = 1000.0


@dataclass(frozen=True)
class BenchOptions:
    """``seconds``: the real-time run, s. ``quick``: shorten every phase (CI).
    ``size``: the window, px. ``idle_s``: each idle CPU window, s (None: 10,
    quick 1). ``memory_after_s``: when to read the station's memory, s after
    its start (None: 60, quick 0 = at once). ``switch_interval_s``: set
    ``sys.setswitchinterval`` in this process and the children (None: leave
    Python's default). ``app``: also measure the ``station run`` processes."""

    seconds: float = 30.0
    quick: bool = False
    size: tuple[int, int] = (1920, 1080)
    sound: bool = True
    pins: str = "mock"
    idle_s: float | None = None
    memory_after_s: float | None = None
    switch_interval_s: float | None = None
    app: bool = True
    mqtt_blackhole: bool = False  # also the live run publishing to a blackholed broker


def headless_env() -> dict[str, str]:
    """SDL drivers for a machine with no screen or no sound card: the dummy
    ones, unless the environment already chose. A Pi console (KMS) or a
    desktop session keeps the real ones."""
    env = {}
    has_screen = bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
                      or os.path.exists("/dev/dri/card0") or os.path.exists("/dev/dri/card1"))
    if not has_screen and "SDL_VIDEODRIVER" not in os.environ:
        env["SDL_VIDEODRIVER"] = "dummy"
    if not os.path.isdir("/dev/snd") and "SDL_AUDIODRIVER" not in os.environ:
        env["SDL_AUDIODRIVER"] = "dummy"
    return env


def machine() -> dict[str, object]:
    """What this ran on: cores, CPU model, Python, pygame/SDL."""
    model = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith(("model name", "Model")):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    info: dict[str, object] = {"cores": os.cpu_count(), "cpu": model,
                               "python": sys.version.split()[0],
                               "switch_interval_s": sys.getswitchinterval()}
    try:
        import pygame

        info["pygame"] = pygame.version.ver
        info["sdl"] = ".".join(map(str, pygame.get_sdl_version()))
    except ImportError:
        pass
    return info


def run_bench(opts: BenchOptions, say: Callable[[str], None] = lambda t: None) -> tuple[list[Figure], dict]:
    """Run every phase; returns (figures, machine and run facts)."""
    env = headless_env()
    os.environ.update(env)
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    from .app import SWITCH_INTERVAL_S

    # what `station run` uses, unless the option asks for another to compare
    sys.setswitchinterval(opts.switch_interval_s if opts.switch_interval_s is not None
                          else SWITCH_INTERVAL_S)
    idle_s = opts.idle_s if opts.idle_s is not None else (1.0 if opts.quick else 10.0)
    memory_after_s = (opts.memory_after_s if opts.memory_after_s is not None
                      else (0.0 if opts.quick else 60.0))
    facts: dict = {"drivers": env, "seconds": opts.seconds, "quick": opts.quick,
                   "size": list(opts.size)}
    figs: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="station-bench-") as tmp:
        work = Path(tmp)
        config = work / "station.toml"
        config.write_text(f"[display]\nwindow_size = [{opts.size[0]}, {opts.size[1]}]\n")
        figs += _frames(opts, say)
        figs += _drift_ff(say)
        figs += _live(opts, work, config, say, facts)
        if opts.mqtt_blackhole:
            from .bench_mqtt import blackholed

            figs += blackholed(opts, work, config, say, facts)
        if opts.app:
            figs += _app(opts, work, config, idle_s, memory_after_s, env, say, facts)
    facts["machine"] = machine()
    return figs, facts


def _frames(opts: BenchOptions, say) -> list[Figure]:
    from .bench_offline import frame_cost

    n = 60 if opts.quick else 300
    out = []
    for size in ((800, 480), (1920, 1080)):
        say(f"bench: frame cost at {size[0]}x{size[1]} ({n} frames of a rest countdown)")
        targets = (Target("median", 5.0),) if size == (1920, 1080) else ()
        out.append(Figure(f"frame {size[0]}x{size[1]}", "ms",
                          [s * MS for s in frame_cost(size, frames=n)], targets=targets,
                          note="" if targets else "render only (Renderer.draw on a Surface)"))
    return out


def _drift_ff(say) -> list[Figure]:
    from .bench_offline import drift_fast_forward

    say("bench: drift, a 240 s cluster set through the main loop on a jumping clock")
    d = drift_fast_forward()
    return [Figure("drift, cap at 240 s (fast-forward)", "ms", value=d["cap_drift_s"] * MS,
                   targets=(Target("value", 0.0),),
                   note=f"{d['cues']} timed cues, worst {d['max_drift_s'] * MS:g} ms off their "
                        f"ideal instants; ran in {d['run_s'] * MS:.0f} ms")]


def _live(opts: BenchOptions, work: Path, config: Path, say, facts: dict) -> list[Figure]:
    from . import bench_live as bl

    say(f"bench: {opts.seconds:g} s of a cluster set on the clock, window "
        f"{opts.size[0]}x{opts.size[1]}, synthetic presses every {bl.CADENCE_S} s")
    log = bl.run_live(opts.seconds, work / "live.sqlite3", config, sound=opts.sound,
                      pins=opts.pins, say=lambda t: None)
    facts["live"] = {"presses": len(log.presses), "reps": log.total_reps,
                     "frames": len(log.frames), "cpu_pct": 100 * log.cpu_s / max(log.wall_s, 1e-9),
                     "notes": log.notes}
    lat = Target("p99", 2.0), Target("max", 5.0)
    out = []
    for sink in ("buzzer", "speaker"):
        samples = [v * MS for v in log.lateness.get(sink, [])]
        out.append(Figure(f"cue lateness, {sink} call", "ms", samples, targets=lat,
                          note="" if samples else f"no {sink} ({'; '.join(log.notes) or 'off'})"))
    due, sounded = bl.realtime_drift(log)
    out.append(Figure("drift, real time (go vs first rep + k*7 s)", "ms",
                      value=max(due) * MS if due else None, targets=(Target("value", 0.0),),
                      note=(f"{len(due)} go cues; the last sounded {sounded[-1] * MS:.2f} ms after "
                            f"its ideal instant, the first {sounded[0] * MS:.2f} ms (no accumulation)"
                            if sounded else "no go cue (run longer)")))
    out.append(Figure("press to ack (edge -> buzzer call)", "ms",
                      [v * MS for v in bl.press_to_ack(log)], targets=(Target("p99", 3.0),)))
    out.append(Figure("press to screen (edge -> frame)", "ms",
                      [v * MS for v in bl.press_to_screen(log)], targets=(Target("p99", 20.0),)))
    out.append(Figure("CPU during the live run", "%", value=facts["live"]["cpu_pct"],
                      note="this whole process, one core = 100 %"))
    return out


def _app(opts: BenchOptions, work: Path, config: Path, idle_s: float, memory_after_s: float,
         env: dict[str, str], say, facts: dict) -> list[Figure]:
    from .bench_app import measure_app

    from .bench_child import SWITCH_ENV

    child_env = dict(env)
    if opts.switch_interval_s is not None:
        child_env[SWITCH_ENV] = repr(opts.switch_interval_s)
    a = measure_app(work, config, idle_s=idle_s, memory_after_s=memory_after_s, env=child_env,
                    say=say)
    facts["app"] = {"exit_codes": a["exit_codes"], "stderr": a["stderr"]}
    return [
        Figure("start-up (process start -> first frame)", "s", a["startup_s"],
               targets=(Target("max", 1.0),), note="station run with sound, window at the bench size"),
        Figure("idle CPU, resting", "%", value=a["rest_cpu_pct"], targets=(Target("value", 2.0),),
               note=f"station run, {idle_s:g} s of a rest countdown, % of one core"),
        Figure("idle CPU, menu", "%", value=a["menu_cpu_pct"], targets=(Target("value", 2.0),),
               note=f"station run (start menu), {idle_s:g} s"),
        Figure("resident memory", "MB", value=a["rss_mb"], targets=(Target("value", 80.0),),
               note=f"VmRSS of station run {a['rss_after_s']:.0f} s after its start"),
    ]


def report_json(figures: list[Figure], facts: dict) -> dict:
    """The report as JSON-ready values."""
    return {"figures": [f.as_dict() for f in figures], "facts": facts,
            "missed": [f.name for f in figures if f.verdict == "MISS"],
            "at": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
