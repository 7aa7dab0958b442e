"""`station bench`: the timing self-test (cue lateness, drift, press to
acknowledgement and to screen, frame cost, idle CPU, start-up, memory)."""

from __future__ import annotations

import argparse
import json
import sys


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT in px, e.g. 1920x1080, got {text!r}") from None
    if not (160 <= w <= 8192 and 160 <= h <= 8192):
        raise argparse.ArgumentTypeError(f"window {w}x{h}: each side must be 160-8192 px")
    return w, h


def _seconds(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected seconds, got {text!r}") from None
    if not 2 <= v <= 86400:
        raise argparse.ArgumentTypeError(f"{v:g} s: the run must last 2-86400 s")
    return v


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "bench", help="timing self-test: cue lateness, latency, frame cost, idle CPU, start-up",
        description="Run the real main loop, screen, buzzer (mock pins) and mixer with a "
                    "synthetic lifter and print each timing figure beside its target. Where "
                    "there is no screen or sound card, SDL's dummy drivers are used. Takes "
                    "about SECONDS + 75 s (--quick: about 15 s).")
    p.add_argument("--seconds", type=_seconds, default=30.0, metavar="S",
                   help="length of the real-time run with presses (default 30; 600 for a soak)")
    p.add_argument("--quick", action="store_true",
                   help="shorten every phase (CI): 1 s idle windows, memory read at once")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--size", type=_size, default=(1920, 1080), metavar="WxH",
                   help="window size while measuring (default 1920x1080)")
    p.add_argument("--no-sound", dest="sound", action="store_false", help="no mixer, buzzer only")
    p.add_argument("--no-app", dest="app", action="store_false",
                   help="skip the station run child processes (start-up, idle CPU, memory)")
    p.add_argument("--switch-interval", type=float, default=None, metavar="S",
                   help="sys.setswitchinterval for the run, s (default: what station run sets, 0.0005)")
    p.add_argument("--mqtt-blackhole", action="store_true",
                   help="repeat the live run publishing to a broker that accepts and then never "
                        "answers: cue lateness and press-to-ack side by side (needs paho-mqtt)")
    p.add_argument("--peer", action="store_true",
                   help="also run the peer design (a pygame loop at Clock.tick(60), the button "
                        "polled at 100 Hz) through the same phases, and compare (adds about "
                        "SECONDS + 40 s)")
    p.add_argument("--no-starve", dest="starve", action="store_false",
                   help="skip the set run again with every core kept busy")
    p.add_argument("--hog-nice", type=int, default=0, choices=range(0, 20), metavar="N",
                   help="in the starvation run, the spinning processes run N nice levels "
                        "below the bench (default 0: the same priority)")
    p.add_argument("--nice", type=int, default=0, choices=range(-20, 20), metavar="N",
                   help="run the whole bench (station, peer, their child processes) at nice N, "
                        "as the unit's Nice= runs the station (-10); below 0 needs root")
    p.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    p.set_defaults(func=run)
    return p


def costs_text(facts: dict) -> str:
    """The CPU costs in calibration units, and the cost model, as text."""
    c = facts.get("costs") or {}
    cal = facts.get("calibration") or {}
    lines = [f"costs in calibration units (1 cu = {cal.get('unit_ms', 0):.2f} ms of the fixed "
             f"workload here, median {cal.get('median_ms', 0):.2f} ms; station/bench/calib.py):"]
    rows = (("CPU per idle second, resting", "idle_rest_cu_per_s"),
            ("CPU per idle second, menu", "idle_menu_cu_per_s"),
            ("CPU per second of a set", "set_cu_per_s"), ("CPU per rep (set CPU / reps)", "rep_cu"))

    def f(v: object) -> str:
        return "-" if v is None else f"{v:.3g}"

    sides = [k for k in ("station", "peer") if k in c]
    for label, key in rows:
        lines.append(f"  {label}: " + ", ".join(f"{k} {f(c[k].get(key))} cu" for k in sides))
    for size in ("800x480", "1920x1080"):
        lines.append(f"  per frame {size} (render only): "
                     + ", ".join(f"{k} {f(c[k]['frame_cu'].get(size))} cu" for k in sides))
    for k in sides:
        cues = c[k].get("cue_cu") or {}
        if cues:
            lines.append(f"  per cue call, {k}: " + ", ".join(f"{s} {f(v)} cu" for s, v in cues.items()))
    m = facts.get("model") or {}
    if m.get("slowdown_at_1ms"):
        lines.append(f"cost model (docs/bench.md): a timed cue = wake-up (median {m['wake_median_ms']:.3f}, "
                     f"p99 {m['wake_p99_ms']:.3f} ms) + loop work (median {m['work_median_ms']:.3f}, p99 "
                     f"{m['work_p99_ms']:.3f} ms) (n={m['n']}); median wake + p99 work passes 1 ms at a CPU "
                     f"{m['slowdown_at_1ms']:.1f}x slower than this one "
                     f"({m['slowdown_at_1ms_all']:.1f}x if the wake-up scaled too)")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from station.bench.run import BenchOptions, report_json, run_bench
    from station.bench.stats import table

    if args.nice:
        import os

        try:  # before any thread starts: each thread and child inherits it
            os.setpriority(os.PRIO_PROCESS, 0, args.nice)
        except PermissionError:
            print(f"station bench: --nice {args.nice}: not permitted (below 0 needs root "
                  "or CAP_SYS_NICE)", file=sys.stderr)
            return 2
    seconds = 8.0 if args.quick and args.seconds == 30.0 else args.seconds
    opts = BenchOptions(seconds=seconds, quick=args.quick, size=args.size, sound=args.sound,
                        switch_interval_s=args.switch_interval, app=args.app,
                        mqtt_blackhole=args.mqtt_blackhole, peer=args.peer,
                        starve=args.starve, hog_nice=args.hog_nice)
    say = (lambda text: print(text, file=sys.stderr)) if not args.json else (lambda text: None)
    figures, facts = run_bench(opts, say)
    report = report_json(figures, facts)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        m = facts["machine"]
        print(f"station bench: {m['cores']} cores, {m['cpu']}, Python {m['python']}, "
              f"pygame-ce {m.get('pygame', '?')} (SDL {m.get('sdl', '?')}), switch interval "
              f"{m['switch_interval_s'] * 1000:g} ms, drivers {facts['drivers'] or 'real'}")
        print(f"nice {facts.get('nice')}, load average {facts.get('load_average')} before, "
              f"{facts.get('load_average_after')} after (absolute figures inflate with it)")
        print(table(figures))
        if "compare" in report:
            from station.bench.versus import compare_table

            print("\nside by side with the peer design (station/bench/peer.py):")
            print(compare_table(report["compare"]))
            print("\npeer notes:")
            for f in report["peer"]:
                if f["note"]:
                    print(f"  {f['name']}: {f['note']}")
        print("\n" + costs_text(facts))
        if report["missed"]:
            print("\nmissed: " + "; ".join(report["missed"]) + "  (see docs/bench.md)")
    return 1 if args.strict and report["missed"] else 0
