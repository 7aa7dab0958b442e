"""``station bench``: the station's timing self-test.

Runs the real main loop with the real pygame window (the dummy SDL driver
where there is no screen), the buzzer on mock pins, the mixer and the
history writer, presses the button with a synthetic lifter, and reports
each figure beside its target. See docs/bench.md for what each figure means,
how it is measured and the figures of a reference machine.

Phases, in order: the calibration workload, frame cost (render only), drift
on a jumping virtual clock, the real-time run (``seconds`` s), the same run
again with every core kept busy (CPU starvation), then ``station run`` in
child processes (start-up, idle CPU while resting and in the menu, resident
memory). With ``peer``, the peer design (:mod:`station.bench.peer`) runs
through the same phases and the report compares the two.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from station.bench.stats import Figure, Target

MS = 1000.0
#: Targets of issue 16, all in one run on the reference machine.
LATENESS = (Target("p99", 1.0), Target("max", 3.0))
IDLE_PCT = 0.5


@dataclass(frozen=True)
class BenchOptions:
    """``seconds``: the real-time run, s. ``quick``: shorten every phase (CI).
    ``size``: the window, px. ``idle_s``: each idle CPU window, s (None: 10,
    quick 1). ``memory_after_s``: when to read the station's memory, s after
    its start (None: 60, quick 0 = at once). ``switch_interval_s``: set
    ``sys.setswitchinterval`` in this process and the children (None: leave
    Python's default). ``app``: also measure the ``station run`` processes.
    ``peer``: also measure the peer design and compare. ``starve``: run the
    set again while :class:`~station.bench.starve.Hog` keeps every core busy,
    its processes ``hog_nice`` nice levels below this one (0: the same)."""

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
    peer: bool = False
    starve: bool = True
    hog_nice: int = 0


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
    from station.runtime.app import SWITCH_INTERVAL_S

    # what `station run` uses, unless the option asks for another to compare
    sys.setswitchinterval(opts.switch_interval_s if opts.switch_interval_s is not None
                          else SWITCH_INTERVAL_S)
    idle_s = opts.idle_s if opts.idle_s is not None else (1.0 if opts.quick else 10.0)
    memory_after_s = (opts.memory_after_s if opts.memory_after_s is not None
                      else (0.0 if opts.quick else 60.0))
    facts: dict = {"drivers": env, "seconds": opts.seconds, "quick": opts.quick,
                   "size": list(opts.size)}
    figs: list[Figure] = []
    peer: list[Figure] = []
    from station.bench.calib import calibrate

    say("bench: calibration workload (fixed pure Python)")
    calib = calibrate()
    facts["calibration"] = calib.as_dict()
    facts["load_average"] = _load_average()
    facts["nice"] = os.getpriority(os.PRIO_PROCESS, 0)  # the bench's own (`--nice`)
    with tempfile.TemporaryDirectory(prefix="station-bench-") as tmp:
        work = Path(tmp)
        config = work / "station.toml"
        config.write_text(f"[display]\nwindow_size = [{opts.size[0]}, {opts.size[1]}]\n")
        figs += _frames(opts, say)
        figs += _drift_ff(say)
        figs += _live(opts, work, config, say, facts)
        if opts.sound:
            figs += _standby(say, facts)
        if opts.mqtt_blackhole:
            from station.bench.mqtt import blackholed

            figs += blackholed(opts, work, config, say, facts)
        if opts.peer:
            from station.bench.versus import peer_frames, peer_live

            peer += peer_frames(opts, say)
            peer += peer_live(opts, say, facts)
        if opts.starve:
            from station.bench.versus import starved

            s_figs, p_figs = starved(opts, work, config, say, facts)
            figs += s_figs
            peer += p_figs
        if opts.app:
            figs += _app(opts, work, config, idle_s, memory_after_s, env, say, facts)
            if opts.peer:
                from station.bench.versus import peer_idle

                peer += peer_idle(opts, idle_s, env, say, facts)
    facts["load_average_after"] = _load_average()
    facts["machine"] = machine()
    from station.bench.versus import costs, model

    facts["costs"] = costs(figs, peer, facts, calib)
    facts["model"] = model(facts)
    facts["_peer"] = peer
    return figs, facts


def _load_average() -> list[float] | None:
    """The 1, 5 and 15 min load averages (``os.getloadavg``): a loaded
    machine inflates every absolute figure."""
    try:
        return [round(v, 2) for v in os.getloadavg()]
    except OSError:
        return None


def _frames(opts: BenchOptions, say) -> list[Figure]:
    from station.bench.offline import frame_cost

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
    from station.bench.offline import drift_fast_forward

    say("bench: drift, a 240 s cluster set through the main loop on a jumping clock")
    d = drift_fast_forward()
    return [Figure("drift, cap at 240 s (fast-forward)", "ms", value=d["cap_drift_s"] * MS,
                   targets=(Target("value", 0.0),),
                   note=f"{d['cues']} timed cues, worst {d['max_drift_s'] * MS:g} ms off their "
                        f"ideal instants; ran in {d['run_s'] * MS:.0f} ms")]


def _live(opts: BenchOptions, work: Path, config: Path, say, facts: dict) -> list[Figure]:
    from station.bench import live as bl

    say(f"bench: {opts.seconds:g} s of a cluster set on the clock, window "
        f"{opts.size[0]}x{opts.size[1]}, synthetic presses every {bl.CADENCE_S} s")
    log = bl.run_live(opts.seconds, work / "live.sqlite3", config, sound=opts.sound,
                      pins=opts.pins, say=lambda t: None)
    facts["live"] = {"presses": len(log.presses), "reps": log.total_reps,
                     "frames": len(log.frames), "cpu_pct": 100 * log.cpu_s / max(log.wall_s, 1e-9),
                     "cpu_s": log.cpu_s, "wall_s": log.wall_s,
                     "notes": log.notes}
    lat = LATENESS
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
                      [v * MS for v in bl.press_to_ack(log)], targets=(Target("p99", 1.0),)))
    out.append(Figure("press to screen (edge -> frame)", "ms",
                      [v * MS for v in bl.press_to_screen(log)], targets=(Target("p99", 16.7),)))
    out.append(Figure("CPU during the live run", "%", value=facts["live"]["cpu_pct"],
                      note="this whole process, one core = 100 %"))
    facts["live"]["play_cpu"] = _play_cpu(log)
    facts["live"]["path"] = _path(log)
    return out


def _standby(say, facts: dict) -> list[Figure]:
    from station.bench.standby import ROUNDS, measure

    say(f"bench: the speaker's standby, {ROUNDS} cues while the audio device rests")
    m = measure()
    facts["standby"] = m
    opens = m["open_ms"]
    note = (f"play() to the cue on the channel, the device closed (or closing, every other one); "
            f"an open takes {min(opens):.2f}-{max(opens):.2f} ms; a timed cue finds it open: it "
            f"reopens {m['lead_s']:g} s ahead" if opens else f"no mixer: {m['reason']}")
    return [Figure("speaker: an unexpected cue waits for the device", "ms", m["cold_ms"], note=note)]


def _play_cpu(log) -> dict[str, float]:
    """Median thread CPU of one cue call per sink, s."""
    from statistics import median

    by: dict[str, list[float]] = {}
    for sink, _, cpu in log.play_cpu:
        by.setdefault(sink, []).append(cpu)
    return {k: median(v) for k, v in by.items()}


def _path(log) -> dict:
    """A timed cue's lateness split (buzzer, ms): due -> woke, woke -> call,
    and the loop thread's CPU woke -> call (median, p99, max of each)."""
    from station.bench.stats import percentile

    rows = [r for r in log.path if r[0] == "buzzer"]
    out: dict = {"n": len(rows)}
    for i, key in ((1, "wake_ms"), (2, "work_ms"), (3, "work_cpu_ms")):
        vals = [r[i] * MS for r in rows]
        out[key] = ({"median": percentile(vals, 0.5), "p99": percentile(vals, 0.99), "max": max(vals)}
                    if vals else None)
    # the polled last stretch before each deadline with cues (station.runtime.loop.CUE_EARLY_S)
    spin = [v * MS for v in log.sharp_cpu]
    out["sharp_n"] = len(spin)
    out["sharp_cpu_ms"] = ({"median": percentile(spin, 0.5), "p99": percentile(spin, 0.99),
                            "max": max(spin)} if spin else None)
    return out


def _app(opts: BenchOptions, work: Path, config: Path, idle_s: float, memory_after_s: float,
         env: dict[str, str], say, facts: dict) -> list[Figure]:
    from station.bench.child import SWITCH_ENV
    from station.bench.process import SETTLE_S, measure_app

    child_env = dict(env)
    if opts.switch_interval_s is not None:
        child_env[SWITCH_ENV] = repr(opts.switch_interval_s)
    a = measure_app(work, config, idle_s=idle_s, memory_after_s=memory_after_s, env=child_env,
                    say=say)
    facts["app"] = {"exit_codes": a["exit_codes"], "stderr": a["stderr"],
                    "rest_from_cue_pct": a["rest_from_cue_pct"],
                    "rest_threads": a["rest_threads"], "menu_threads": a["menu_threads"]}
    return [
        Figure("start-up (process start -> first frame)", "s", a["startup_s"],
               targets=(Target("max", 0.5),), note="station run with sound, window at the bench size"),
        Figure("idle CPU, resting", "%", value=a["rest_cpu_pct"], targets=(Target("value", IDLE_PCT),),
               note=f"station run, {idle_s:g} s of a rest countdown from {SETTLE_S:g} s after its "
                    f"first frame, % of one core (from the CUE rest line, that frame included: "
                    f"{a['rest_from_cue_pct']:.2f} %); " + _busiest(a["rest_threads"])),
        Figure("idle CPU, menu", "%", value=a["menu_cpu_pct"], targets=(Target("value", IDLE_PCT),),
               note=f"station run (start menu), {idle_s:g} s; " + _busiest(a["menu_threads"])),
        Figure("resident memory", "MB", value=a["rss_mb"], targets=(Target("value", 64.0),),
               note=f"VmRSS of station run {a['rss_after_s']:.0f} s after its start"),
    ]


def _busiest(threads: list[dict], n: int = 4) -> str:
    """The threads that woke most, for a note: "screen 10/s 0.6 %, ..."."""
    return "wake-ups: " + ", ".join(f"{t['name']} {t['wakeups_per_s']:.0f}/s {t['cpu_pct']:.2f} %"
                                    for t in threads[:n] if t["wakeups_per_s"] >= 0.5)


def report_json(figures: list[Figure], facts: dict) -> dict:
    """The report as JSON-ready values; with the peer, also its figures
    (``peer``) and the side-by-side rows (``compare``)."""
    peer = facts.get("_peer") or []
    out: dict = {"figures": [f.as_dict() for f in figures],
                 "facts": {k: v for k, v in facts.items() if not k.startswith("_") and k != "peer_figures"},
                 "missed": [f.name for f in figures if f.verdict == "MISS"],
                 "at": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    if peer:
        from station.bench.versus import compare

        out["peer"] = [f.as_dict() for f in peer]
        out["compare"] = compare(figures, peer)
        out["missed"] += [f"{r['figure']} ({r['stat']}) station/peer <= {r['target']:g}"
                          for r in out["compare"] if r.get("verdict") == "MISS"]
    return out
