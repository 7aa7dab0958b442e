"""`station run METHOD`: run sets at the rack."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from station.core.methods import PRESETS, Param

#: CLI option -> preset parameter name; the help says which methods take it.
#: A parameter of a method not listed here gets an option from its spec
#: (:func:`method_options`).
METHOD_OPTIONS = {
    "reps": ("N", int, "reps per cluster / mini-set target / number of negatives"),
    "rest": ("S", float, "rest between bouts, s"),
    "duration": ("S", float, "time cap from the first rep, s"),
    "every": ("S", float, "cluster on the clock: a cluster starts every S s"),
    "clusters": ("N", int, "number of clusters (sport-cluster)"),
    "pauses": ("N", int, "pauses after the first set (rest-pause)"),
    "total": ("N", int, "rest-pause to a total: 20 s pauses until N reps in all (Marshall 2012: 20)"),
    "drops": ("N", int, "number of drops (drop-set)"),
    "drop-percent": ("P", float, "load taken off at each drop, %%"),
    "eccentric": ("S", float, "target lowering time per negative, s"),
    "variations": ("A,B,C", lambda v: tuple(x.strip() for x in v.split(",")),
                   "mechanical drop set variations, in order"),
    "min-reps": ("N", int, "myo-reps: a mini-set below this ends the set"),
    "mini-sets": ("N", int, "myo-reps: most mini-sets"),
}


def _spec_option(p: Param, method: str) -> tuple[str, object, str]:
    """The CLI option of a spec's parameter: (metavar, parse, help)."""
    if p.kind == "list":
        return ("A,B,C", lambda v: tuple(x.strip() for x in v.split(",")), f"{method}: {p.help}")
    meta = "N" if p.kind == "int" else "S" if p.unit == "s" else "P" if p.unit == "%" else "X"
    unit = {"S": ", s", "P": ", %%"}.get(meta, "")
    return (meta, int if p.kind == "int" else float, f"{method}: {p.help}{unit}")


def method_options() -> dict[str, tuple[str, object, str]]:
    """Every method option: :data:`METHOD_OPTIONS`, then one per parameter
    of a registered method that none of them names."""
    out = dict(METHOD_OPTIONS)
    for name, spec in PRESETS.items():
        for p in spec.params:
            out.setdefault(p.name, _spec_option(p, name))  # type: ignore[arg-type]
    return out


def _kg(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a load in kg, got {text!r}") from None
    if not 0 <= v <= 1000:
        raise argparse.ArgumentTypeError(f"{v:g} kg is not a load (0-1000 kg)")
    return v


def _serial_url(text: str) -> str:
    from station.hw.serial_url import serial_url_problem

    problem = serial_url_problem(text)
    if problem is not None:
        raise argparse.ArgumentTypeError(problem)
    return text


def _sets(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number of sets, got {text[:24]!r}") from None
    if not 1 <= n <= 1000:
        raise argparse.ArgumentTypeError(f"expected 1 to 1000 sets, got {text[:24]}")
    return n


def add_device_options(p: argparse.ArgumentParser) -> None:
    """The options every command that runs the station shares."""
    p.add_argument("--pins", choices=("auto", "gpio", "mock"), default=None,
                   help="GPIO pins: the Pi's (gpio) or gpiozero's mock pins (mock); "
                        "default: the config's, else gpio where there is GPIO, else mock")
    p.add_argument("--serial", metavar="URL", default=None, type=_serial_url,
                   help="serial remote: a device (/dev/ttyACM0) or pyserial URL (loop://, "
                        "socket://host:port)")
    p.add_argument("--display", choices=("fullscreen", "window", "terminal", "none"), default=None,
                   help="where to draw (falls back fullscreen -> window -> terminal -> none); "
                        "default: fullscreen on a Pi, window on a desktop")
    p.add_argument("--db", type=Path, default=None, metavar="PATH",
                   help="history database (default: the config's, else "
                        "$XDG_DATA_HOME/station/history.sqlite3)")
    p.add_argument("--no-sound", dest="sound", action="store_false",
                   help="no speaker (the buzzer still sounds)")


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "run", help="run sets at the rack (no method: the start menu)",
        description="Run a method at the rack. Press the button after each rep; hold it 1 s "
                    "for failure (end of a mini-set), 3 s to end the set; two quick presses "
                    "undo the last rep. Values outside a method's recommended range run with "
                    "a warning; nonsense is refused.",
        epilog="methods: " + ", ".join(PRESETS) + " (or a user preset from the config). "
               "See 'station presets' for every default and range.")
    p.add_argument("method", nargs="?", help="a method or a user preset; none: the start menu")
    g = p.add_argument_group("method options (override the preset)")
    for name, (meta, _, help_) in method_options().items():
        g.add_argument(f"--{name}", dest=f"opt_{name}", metavar=meta, default=None, help=help_)
    p.add_argument("--exercise", metavar="NAME", help="the exercise (an [exercises.NAME] of the config)")
    p.add_argument("--load", type=_kg, metavar="KG", dest="load_kg",
                   help="the starting load, in the config's units (kg unless units = \"lb\")")
    p.add_argument("--sets", type=_sets, metavar="N", default=None,
                   help="stop after N sets (default: press for another set until quit)")
    add_device_options(p)
    p.set_defaults(func=run)
    return p


def overrides_from(args: argparse.Namespace) -> dict[str, object]:
    """The method options given on the command line, parsed. Raises
    ValueError naming the option."""
    out: dict[str, object] = {}
    options = method_options()
    for name, (_, conv, _) in options.items():
        raw = getattr(args, f"opt_{name}", None)
        if raw is None:
            continue
        try:
            out[name] = conv(raw)  # type: ignore[operator]
        except ValueError:
            what = {"N": "a whole number", "S": "a number of seconds", "P": "a percentage"}
            meta = options[name][0]
            raise ValueError(f"--{name}: expected {what.get(meta, meta)}, got {raw!r}") from None
    return out


def run(args: argparse.Namespace) -> int:
    from station.core.methods import PlanError
    from station.runtime.app import Options, Station

    try:
        overrides = overrides_from(args)
    except ValueError as exc:
        print(f"station run: {exc}", file=sys.stderr)
        return 2
    from station.core.prepare import prepare
    from station.runtime.options import load_config_or_defaults

    config, _ = load_config_or_defaults(getattr(args, "config", None))
    if args.load_kg is not None:  # given in the config's units; kg from here on
        from station.core.loads import Units

        args.load_kg = Units(config.units).to_kg(args.load_kg)
    if args.method is not None:  # refuse nonsense before opening any device
        try:
            prepare(config, args.method, overrides, args.load_kg, args.exercise)
        except PlanError as exc:
            print(f"station run: {exc}", file=sys.stderr)
            return 2
    opts = Options(method=args.method, overrides=overrides, exercise=args.exercise,
                   load_kg=args.load_kg, pins=args.pins, serial=args.serial,
                   display=args.display, db=args.db, config=getattr(args, "config", None),
                   sound=args.sound, sets=args.sets)
    try:
        with Station(opts) as station:
            station.install_signals()
            return station.run()
    except PlanError as exc:
        print(f"station run: {exc}", file=sys.stderr)
        return 2
    except RuntimeError as exc:  # e.g. --pins gpio on a machine without GPIO
        print(f"station run: {exc}", file=sys.stderr)
        return 2
