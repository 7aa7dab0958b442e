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
    p.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    p.set_defaults(func=run)
    return p


def run(args: argparse.Namespace) -> int:
    from ..bench import BenchOptions, report_json, run_bench
    from ..bench_stats import table

    seconds = 8.0 if args.quick and args.seconds == 30.0 else args.seconds
    opts = BenchOptions(seconds=seconds, quick=args.quick, size=args.size, sound=args.sound,
                        switch_interval_s=args.switch_interval, app=args.app,
                        mqtt_blackhole=args.mqtt_blackhole)
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
        print(table(figures))
        if report["missed"]:
            print("\nmissed: " + "; ".join(report["missed"]) + "  (see docs/bench.md)")
    return 1 if args.strict and report["missed"] else 0
