"""The bench's side-by-side with the peer design, its starvation run, its
costs in calibration units and the cost model's inputs.

Every phase here runs under the conditions of the station's own (same SDL
drivers, mock pins, window size, synthetic lifter, cluster set on the
clock); :func:`compare` lines the two up, figure by figure, with the ratio
station / peer.
"""

from __future__ import annotations

from statistics import median

from station.bench.stats import Figure, Target

MS = 1000.0

#: The side-by-side rows: (label, station figure, peer figure, statistics,
#: the most station / peer may be, or None).
ROWS = (
    ("idle CPU, resting", "idle CPU, resting", "idle CPU, resting", ("value",), 0.1),
    ("idle CPU, menu", "idle CPU, menu", "idle CPU, menu", ("value",), 0.1),
    ("CPU per second during a set", "CPU during the live run", "CPU during the live run",
     ("value",), None),
    ("cue lateness, buzzer call", "cue lateness, buzzer call", "cue lateness, buzzer call",
     ("median", "p99", "max"), None),
    ("cue lateness, speaker call", "cue lateness, speaker call", "cue lateness, speaker call",
     ("median", "p99", "max"), None),
    ("press to ack", "press to ack (edge -> buzzer call)", "press to ack (edge -> buzzer call)",
     ("median", "p99", "max"), None),
    ("press to screen", "press to screen (edge -> frame)", "press to screen (edge -> frame)",
     ("median", "p99", "max"), None),
    ("drift after 240 s", "drift, cap at 240 s (fast-forward)", "drift, cap at 240 s (replay)",
     ("value",), None),
    ("drift, real time", "drift, real time (go vs first rep + k*7 s)",
     "drift, real time (go vs first rep + k*7 s)", ("value",), None),
    ("cue lateness, CPU starved", "cue lateness under CPU starvation, buzzer call",
     "cue lateness under CPU starvation, buzzer call", ("median", "p99", "max"), None),
    ("frame 1920x1080 (render only)", "frame 1920x1080", "frame 1920x1080", ("median",), None),
    ("frame 800x480 (render only)", "frame 800x480", "frame 800x480", ("median",), None),
)


def live_figures(log, *, lateness_targets=(), suffix: str = "") -> list[Figure]:
    """The figures of one real-time run (a :class:`~station.bench.live.LiveLog`
    of the station or of the peer): cue lateness per sink, drift, press to
    ack and to screen, CPU. ``suffix`` is added to the names of the
    lateness figures (e.g. " under CPU starvation")."""
    from station.bench import live as bl

    out = []
    for sink in ("buzzer", "speaker"):
        samples = [v * MS for v in log.lateness.get(sink, [])]
        out.append(Figure(f"cue lateness{suffix}, {sink} call", "ms", samples,
                          targets=lateness_targets,
                          note="" if samples else f"no {sink} ({'; '.join(log.notes) or 'off'})"))
    if suffix:
        out.append(Figure(f"press to ack{suffix}", "ms", [v * MS for v in bl.press_to_ack(log)]))
        return out
    due, sounded = bl.realtime_drift(log)
    out.append(Figure("drift, real time (go vs first rep + k*7 s)", "ms",
                      value=max(due) * MS if due else None,
                      note=(f"{len(due)} go cues; the last sounded {sounded[-1] * MS:.1f} ms after "
                            f"its ideal instant, the first {sounded[0] * MS:.1f} ms"
                            if sounded else "no go cue (run longer)")))
    out.append(Figure("press to ack (edge -> buzzer call)", "ms", [v * MS for v in bl.press_to_ack(log)]))
    out.append(Figure("press to screen (edge -> frame)", "ms", [v * MS for v in bl.press_to_screen(log)]))
    out.append(Figure("CPU during the live run", "%", value=100 * log.cpu_s / max(log.wall_s, 1e-9),
                      note="this whole process, one core = 100 %"))
    return out


def _peer_set(opts, say, seconds: float):
    from station.bench import live as bl
    from station.bench.peer_run import run_live

    say(f"bench: the peer design, {seconds:g} s of the same set (Clock.tick({60}), "
        f"button polled at 100 Hz)")
    return run_live(seconds, opts.size, every_s=bl.EVERY_S, reps=bl.REPS,
                    cap_s=max(seconds - 2 * bl.CADENCE_S, 2.0), sound=opts.sound)


def peer_frames(opts, say) -> list[Figure]:
    """The peer's render-only frame cost at both sizes."""
    from station.bench.peer_run import frame_cost

    n = 60 if opts.quick else 300
    out = []
    for size in ((800, 480), (1920, 1080)):
        say(f"bench: the peer's frame cost at {size[0]}x{size[1]}")
        out.append(Figure(f"frame {size[0]}x{size[1]}", "ms", [s * MS for s in frame_cost(size, n)],
                          note="render only (PeerScreen.draw_set on a Surface), thread CPU"))
    return out


def peer_live(opts, say, facts: dict) -> list[Figure]:
    """The peer's real-time run and its 240 s drift (replayed)."""
    from station.bench import live as bl
    from station.bench.peer_run import replay_drift

    log, dts = _peer_set(opts, say, opts.seconds)
    facts["peer_live"] = {"presses": len(log.presses), "reps": log.total_reps,
                          "frames": len(log.frames), "cpu_s": log.cpu_s, "wall_s": log.wall_s,
                          "frame_cpu_ms": median(log.frame_cpu_s) * MS if log.frame_cpu_s else None,
                          "play_cpu": _play_cpu_of_calls(log), "notes": log.notes,
                          "fps": len(dts) / max(log.wall_s, 1e-9)}
    out = live_figures(log)
    keep = replay_drift(dts, every_s=bl.EVERY_S, reps=bl.REPS)
    reset = replay_drift(dts, every_s=bl.EVERY_S, reps=bl.REPS, carry=False)
    out.append(Figure(
        "drift, cap at 240 s (replay)", "ms", value=keep["cap_s"] * MS if keep["cap_s"] is not None else None,
        note=(f"the peer's per-frame logic fed the {len(dts)} frame intervals of its live run, "
              f"repeated over a 240 s set ({keep['frames']} frames); the last go "
              f"{(keep['last_go_s'] or 0) * MS:.0f} ms late; with the common reset (left = every) "
              f"instead of carrying the overshoot: last go {(reset['last_go_s'] or 0) * MS:.0f} ms late")))
    facts["peer_live"]["replay"] = {"carry": keep, "reset": reset}
    return out


def _play_cpu_of_calls(log) -> dict[str, float]:
    by: dict[str, list[float]] = {}
    for sink, _, cpu in getattr(log, "play_cpu", []):
        by.setdefault(sink, []).append(cpu)
    return {k: median(v) for k, v in by.items()}


def starved(opts, work, config, say, facts: dict) -> tuple[list[Figure], list[Figure]]:
    """The set again (the station's, and the peer's with ``opts.peer``)
    while a :class:`~station.bench.starve.Hog` keeps every core busy."""
    from station.bench import live as bl
    from station.bench.starve import Hog

    seconds = min(opts.seconds, 20.0)
    suffix = " under CPU starvation"
    with Hog(nice=opts.hog_nice) as hog:
        say(f"bench: {seconds:g} s of the set again, {hog.n} processes spinning at "
            f"{'the same priority' if not hog.nice else f'nice +{hog.nice}'}")
        log = bl.run_live(seconds, work / "starved.sqlite3", config, sound=opts.sound,
                          pins=opts.pins, say=lambda t: None)
        station = live_figures(log, suffix=suffix)
        peer: list[Figure] = []
        if opts.peer:
            plog, _ = _peer_set(opts, say, seconds)
            peer = live_figures(plog, suffix=suffix)
    facts["starved"] = {"seconds": seconds, "hogs": hog.n, "hog_nice": hog.nice,
                        "presses": len(log.presses), "reps": log.total_reps,
                        "cpu_pct": 100 * log.cpu_s / max(log.wall_s, 1e-9)}
    for f in station + peer:
        f.note = (f.note + "; " if f.note else "") + (
            f"{hog.n} spinning processes at {'the same priority' if not hog.nice else f'nice +{hog.nice}'}")
    return station, peer


def peer_idle(opts, idle_s: float, env: dict, say, facts: dict) -> list[Figure]:
    """The peer's idle CPU, resting and in its menu, in child processes."""
    from station.bench.process import measure_peer
    from station.bench.run import _busiest

    a = measure_peer(idle_s=idle_s, size=opts.size, env=env, say=say)
    facts["peer_app"] = {"rest_threads": a["rest_threads"], "menu_threads": a["menu_threads"],
                         "startup_s": a["startup_s"]}
    return [
        Figure("idle CPU, resting", "%", value=a["rest_cpu_pct"],
               note=f"the peer, {idle_s:g} s of a rest, % of one core; " + _busiest(a["rest_threads"])),
        Figure("idle CPU, menu", "%", value=a["menu_cpu_pct"],
               note=f"the peer's menu, {idle_s:g} s; " + _busiest(a["menu_threads"])),
    ]


def compare(station: list[Figure], peer: list[Figure]) -> list[dict]:
    """The side-by-side rows: ``{"figure", "stat", "unit", "station",
    "peer", "ratio", "target", "verdict"}`` (ratio = station / peer)."""
    s_by = {f.name: f for f in station}
    p_by = {f.name: f for f in peer}
    rows = []
    for label, s_name, p_name, stats, limit in ROWS:
        s, p = s_by.get(s_name), p_by.get(p_name)
        if s is None or p is None:
            continue
        for stat in stats:
            sv, pv = s.stat(stat), p.stat(stat)
            ratio = None if sv is None or pv in (None, 0) else sv / pv
            row = {"figure": label, "stat": stat, "unit": s.unit, "station": sv, "peer": pv,
                   "ratio": ratio, "target": limit}
            if limit is not None:
                row["verdict"] = "n/a" if ratio is None else ("pass" if ratio <= limit else "MISS")
            rows.append(row)
    return rows


def compare_table(rows: list[dict]) -> str:
    from station.bench.stats import _fmt

    head = ("figure", "stat", "unit", "station", "peer", "station/peer", "target")
    out = [head]
    for r in rows:
        target = "" if r["target"] is None else f"<= {r['target']:g} {r.get('verdict', '')}"
        out.append((r["figure"], r["stat"], r["unit"], _fmt(r["station"]), _fmt(r["peer"]),
                    "-" if r["ratio"] is None else f"{r['ratio']:.3g}", target))
    widths = [max(len(x[i]) for x in out) for i in range(len(head))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(x, widths)).rstrip() for x in out]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def costs(station: list[Figure], peer: list[Figure], facts: dict, calib) -> dict:
    """CPU costs in calibration units (cu: one run of the calibration
    workload on this machine; see :mod:`station.bench.calib`): per idle
    second resting and in the menu, per second of a set, per rep, per
    frame at each size (render only, median), per cue call (median, per
    sink). ``None`` where not measured."""
    unit = calib.unit_s

    def cu(seconds: float | None) -> float | None:
        return None if seconds is None else seconds / unit

    def side(figs: list[Figure], live: dict | None, play_cpu: dict | None) -> dict:
        by = {f.name: f for f in figs}

        def pct(name: str) -> float | None:
            f = by.get(name)
            return None if f is None or f.value is None else f.value / 100

        frame = {}
        for size in ("800x480", "1920x1080"):
            f = by.get(f"frame {size}")
            median = None if f is None or not f.samples else f.stat("median")
            frame[size] = None if median is None else cu(median / MS)
        rep = None
        if live and live.get("reps"):
            rep = cu(live["cpu_s"] / live["reps"])
        return {"idle_rest_cu_per_s": cu(pct("idle CPU, resting")),
                "idle_menu_cu_per_s": cu(pct("idle CPU, menu")),
                "set_cu_per_s": cu(pct("CPU during the live run")),
                "rep_cu": rep, "frame_cu": frame,
                "cue_cu": {k: cu(v) for k, v in (play_cpu or {}).items()}}

    live = facts.get("live") or {}
    out = {"unit_ms": unit * MS,
           "station": side(station, live, live.get("play_cpu"))}
    if peer:
        pl = facts.get("peer_live") or {}
        out["peer"] = side(peer, pl, pl.get("play_cpu"))
        if pl.get("frame_cpu_ms") is not None:
            out["peer"]["live_frame_cu"] = cu(pl["frame_cpu_ms"] / MS)
    return out


def model(facts: dict) -> dict:
    """The cost model's inputs and result. A timed cue's lateness is the
    wake-up (due -> the loop's wait returns: the kernel's timer and
    scheduler, and the GIL; taken as not scaling with the CPU) plus the
    loop's own work (woke -> buzzer call: Python, scaling with it). On a
    shared machine the wake-up's tail is other processes' (a loaded
    scheduler), not the station's, so the model takes the typical wake-up
    (median) and the worst work (p99): ``slowdown_at_1ms`` is the CPU
    slowdown (relative to this machine) at which median wake + slowdown x
    p99 work passes 1 ms; ``slowdown_at_1ms_all``: the same if the wake-up
    scaled too (the pessimistic bound)."""
    path = (facts.get("live") or {}).get("path") or {}
    wake, work = path.get("wake_ms"), path.get("work_ms")
    if not wake or not work or work["p99"] <= 0:
        return {"n": path.get("n", 0)}
    out = {"n": path["n"], "wake_median_ms": wake["median"], "wake_p99_ms": wake["p99"],
           "work_median_ms": work["median"], "work_p99_ms": work["p99"],
           "work_cpu_p99_ms": (path.get("work_cpu_ms") or {}).get("p99")}
    out["slowdown_at_1ms"] = max(0.0, 1.0 - wake["median"]) / work["p99"]
    out["slowdown_at_1ms_all"] = 1.0 / (wake["median"] + work["p99"])
    return out


__all__ = ["ROWS", "Target", "compare", "compare_table", "costs", "live_figures", "model",
           "peer_frames", "peer_idle", "peer_live", "starved"]
