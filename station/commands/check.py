"""`station check`: a self-test for the person wiring the station.

Names the pin factory and the pins, plays every cue on the buzzer and the
speaker, asks for a press, a hold and a double press and says what the
gesture rules saw, lists the serial ports and tries the remote; then prints a
summary (OK / FAILED / SKIPPED per item). Exit 0 when nothing failed, 1 when
something did (or the check was stopped), 2 for a bad option.
The steps themselves live in :mod:`station.selftest`.
"""

from __future__ import annotations

import argparse
import signal
import sys

from station.core.events import CUE_NAMES


def _seconds(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected seconds, got {text!r}") from None
    if not 0 <= v <= 3600:
        raise argparse.ArgumentTypeError(f"{v:g} s is not within 0-3600 s")
    return v


def _cue_list(text: str) -> tuple[str, ...]:
    if text.strip().lower() == "none":
        return ()
    names = tuple(n.strip() for n in text.split(",") if n.strip())
    unknown = [n for n in names if n not in CUE_NAMES]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown cue(s) {', '.join(unknown) or repr(text)}; known: {', '.join(CUE_NAMES)}, "
            "or none")
    return names


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    from station.commands.run import add_device_options

    p = sub.add_parser(
        "check", help="self-test the wiring: pins, buzzer, speaker, button, remote",
        description="A step-by-step self-test for whoever wires the station: names the pin "
                    "factory and the pins, plays every cue on the buzzer and the speaker, asks "
                    "for a press, a hold and a double press on the button and says what it "
                    "saw, lists serial ports and tries the remote. Ends with a summary; exit "
                    "status 0 when nothing failed, 1 otherwise. Stop the station service "
                    "first: the pins can only be used by one program.",
        epilog="Esc (in the window), q or Ctrl-C stops the check.")
    p.add_argument("--timeout", type=_seconds, default=20.0, metavar="S",
                   help="how long each step waits for a press, and for the remote, s "
                        "(default: 20)")
    p.add_argument("--gap", type=_seconds, default=1.0, metavar="S",
                   help="silence after each cue before the next, s (default: 1)")
    p.add_argument("--cues", type=_cue_list, default=CUE_NAMES, metavar="A,B",
                   help="the cues to play, comma-separated, e.g. rep,undo (default: all "
                        "of them, see docs/sounds.md); none skips them")
    add_device_options(p)
    p.set_defaults(func=run)
    return p


def run(args: argparse.Namespace) -> int:
    from station.runtime.app import Options, Station
    from station.selftest import CheckSettings, SelfTest

    def say(text: str) -> None:
        print(text, flush=True)

    if args.timeout <= 0:
        print("station check: --timeout must be over 0 s", file=sys.stderr)
        return 2
    settings = CheckSettings(timeout_s=args.timeout, gap_s=args.gap, cues=tuple(args.cues))
    opts = Options(pins=args.pins, serial=args.serial, display=args.display, db=args.db,
                   config=getattr(args, "config", None), sound=args.sound)
    say("station check: step by step; Esc, q or Ctrl-C stops it")
    try:
        station = Station(opts, out=lambda text: say(f"  {text}"))
    except RuntimeError as exc:  # --pins gpio on a machine without GPIO
        say(f"pin factory: FAILED - {exc}")
        return 1
    except ValueError as exc:  # a malformed serial URL
        print(f"station check: serial url {opts.serial or '([serial] url)'}: {exc}",
              file=sys.stderr)
        return 2
    from station.runtime.app import STOP_SIGNALS

    previous = {s: signal.getsignal(s) for s in STOP_SIGNALS}
    try:
        with station:
            station.install_signals()
            report = SelfTest(station, settings, out=say).run()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    say("")
    say(report.table())
    return report.exit_code
