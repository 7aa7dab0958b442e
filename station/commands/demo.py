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
import threading
from pathlib import Path

from station.core.events import Phase
from station.core.methods import compile_plan
from station.core.snapshot import Snapshot

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


class DemoLifter:
    """Presses the mock button like a lifter: a rep every ``cadence_s`` s,
    slowing with fatigue; holds it for failure after the planned reps.

    ``press(down_s)``: press and release the pin (blocking for ``down_s``).
    Watches snapshots given to :meth:`see`; acts on its own thread.
    """

    def __init__(self, pin, failure_reps: tuple[int, ...] | None, cadence_s: float = 1.1) -> None:
        self.pin = pin
        self.failure_reps = failure_reps
        self.cadence_s = cadence_s
        self._snap: Snapshot | None = None
        self._cv = threading.Condition()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="demo-lifter", daemon=True)
        self._thread.start()

    def see(self, snap: Snapshot) -> None:
        with self._cv:
            self._snap = snap
            self._cv.notify()

    def stop(self) -> None:
        self._stop.set()
        with self._cv:
            self._cv.notify()
        self._thread.join(timeout=3)

    def _press(self, down_s: float) -> None:
        self.pin.drive_low()
        self._stop.wait(down_s)
        self.pin.drive_high()

    def _run(self) -> None:
        while not self._stop.is_set():
            with self._cv:
                self._cv.wait(timeout=0.1)
                snap = self._snap
            if snap is None or snap.phase not in (Phase.READY, Phase.WORK, Phase.CONFIRM):
                continue
            if snap.phase is Phase.CONFIRM:
                self._stop.wait(1.5)
                self._press(0.15)
                continue
            fatigue = 1 + 0.08 * snap.reps_in_bout + 0.1 * snap.bout_index
            self._stop.wait(self.cadence_s * fatigue)
            with self._cv:
                now_snap = self._snap
            if now_snap is None or now_snap.phase not in (Phase.READY, Phase.WORK):
                continue
            goal = None
            if self.failure_reps is not None:
                goal = self.failure_reps[min(now_snap.bout_index, len(self.failure_reps) - 1)]
                if now_snap.phase is Phase.READY:
                    goal = self.failure_reps[0]
            if goal is not None and now_snap.reps_in_bout >= goal:
                self._press(1.3)  # held past 1 s: failure
                self._stop.wait(0.5)
            else:
                self._press(0.18)


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
            lifter = DemoLifter(station.button.pin, failure_reps)
            unwatch = station.loop.watch_state(lifter.see)
            station.say(f"station demo: {title}")
            try:
                station.run_set(plan, None, None)
            finally:
                lifter.stop()
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

