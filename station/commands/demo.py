"""`station demo`: a simulated lifter runs a short cluster set and a
rest-pause set (about a minute and a half) on the best display there is, with
sound: what the station does, with no hardware and no button.

The simulated lifter presses the real (mock) GPIO button pin, so every
press goes through the same debounce and gesture rules as a real one.

The demo's sets are not training: they go to a throwaway history file,
deleted afterwards, unless ``--db PATH`` names one.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from station.core.methods import compile_plan
from station.testing.lifter import SimulatedLifter

#: (method, overrides, reps per bout until failure, title shown)
DEMO_SETS: tuple[tuple[str, dict[str, object], tuple[int, ...] | None, str], ...] = (
    ("cluster", {"reps": 3, "rest": 5.0, "duration": 36.0}, None,
     "cluster set: 3 reps, 5 s rests, 36 s cap (shortened for the demo)"),
    ("rest-pause", {"pauses": 2, "rest": 5.0}, (6, 3, 1),
     "rest-pause: to failure, then 2 pauses of 5 s (shortened for the demo)"),
)


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    from station.commands.run import add_device_options

    p = sub.add_parser("demo", help="watch a simulated lifter run two short sets (no hardware needed)",
                       description="A simulated lifter runs a short cluster set and a rest-pause "
                                   "set (about 90 s) with mock pins, on the best display available "
                                   "and with sound. Esc, q or Ctrl-C ends it. Its sets go to a "
                                   "throwaway history, not yours, unless --db names a file.")
    add_device_options(p)
    p.set_defaults(func=run, pins="mock")
    return p


def demo_lifter(pin, failure_reps: tuple[int, ...] | None) -> SimulatedLifter:
    """A lifter on the mock button ``pin``: a rep about every 1.1 s, slowing
    with fatigue; fails (holds the button) after ``failure_reps`` per bout;
    confirms a spotter after 1.5 s."""
    return SimulatedLifter(pin.drive_low, pin.drive_high, rep_every_s=1.1, down_s=0.18,
                           fatigue_per_rep=0.08, fatigue_per_bout=0.1, failure_reps=failure_reps,
                           fail_hold_s=1.3, after_fail_s=0.5, confirm_after_s=1.5, confirm_down_s=0.15,
                           look_s=0.1, name="demo-lifter")


def run(args: argparse.Namespace) -> int:
    # Never the user's history: a simulated lifter's sets are not training.
    with tempfile.TemporaryDirectory(prefix="station-demo-") as scratch:
        db = args.db if args.db is not None else Path(scratch) / "demo-history.sqlite3"
        return _run(args, db)


def _run(args: argparse.Namespace, db: Path) -> int:
    from station.runtime.app import Options, Station

    opts = Options(pins="mock", serial=args.serial, display=args.display, db=db,
                   config=getattr(args, "config", None), sound=args.sound, sets=1)
    with Station(opts) as station:
        station.install_signals()
        if station.button is None:
            print("station demo: the mock button could not be opened")
            return 1
        station.say("station demo: a simulated lifter presses the button; Esc, q or Ctrl-C ends it")
        for method, overrides, failure_reps, title in DEMO_SETS:
            plan, _ = compile_plan(method, overrides)
            lifter = demo_lifter(station.button.pin, failure_reps)
            unwatch = station.loop.watch_state(lifter.see)
            station.say(f"station demo: {title}")
            try:
                station.run_set(plan, None, None)
            finally:
                lifter.close()
                unwatch()
            if station.loop.quit is not None:
                break
            station.loop.wait_gesture(until=station.clock.now() + 5.0)
            if station.loop.quit is not None:
                break
        summary = station.last_result.snapshot if hasattr(station, "last_result") else None
        if summary is not None:
            station.say(f"station demo: last set reps per bout {list(summary.reps_per_bout)}")
    return 0

