"""`station`: the command line. Each subcommand lives in station/commands/."""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
from pathlib import Path
from typing import NoReturn

from station import __version__

#: Subcommand modules, in the order ``station --help`` lists them.
COMMANDS = ("run", "demo", "presets", "check", "history", "export", "load", "config_cmd",
            "gallery", "bench", "coach")

DESCRIPTION = """\
A rack-side appliance for cluster sets, rest-pause, myo-reps, drop sets and
forced negatives, run with one big button. Press after each rep; hold 1 s for
failure, 3 s to end the set; two quick presses undo a rep.
"""


class _Parser(argparse.ArgumentParser):
    """An argument parser whose refusal is one line on stderr, exit 2:
    "station load: argument --1rm: ... (see 'station load --help')"."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {_one_line(message)} (see '{self.prog} --help')\n")


def _one_line(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole command line; ``only``: register just that command (its
    module alone is imported: ``station run`` starts without the others)."""
    parser = _Parser(
        prog="station", description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Run 'station COMMAND --help' for the options of one command.")
    parser.add_argument("--version", action="version", version=f"station {__version__}")
    parser.add_argument("--config", type=Path, default=None, metavar="PATH",
                        help="config file (default: $XDG_CONFIG_HOME/station/station.toml, "
                             "then /etc/station/station.toml; none is fine)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS if only is None else (only,):
        try:
            mod = importlib.import_module(f".commands.{name}", __package__)
        except ModuleNotFoundError as exc:
            if exc.name and exc.name.endswith(f"commands.{name}"):
                continue  # a command not built yet
            raise
        p = mod.add_parser(sub)
        # --config may also come after the subcommand (unless it has its own)
        with contextlib.suppress(argparse.ArgumentError):
            p.add_argument("--config", type=Path, default=argparse.SUPPRESS, metavar="PATH",
                           help="config file (see 'station --help')")
    return parser


def _command_named(argv: list[str]) -> str | None:
    """The command ``argv`` names (its first word that is one, after the
    global options), or None (help, a typo: the full parser answers)."""
    words = iter(argv)
    for word in words:
        if word == "--config":
            next(words, None)
        elif not word.startswith("-"):
            return word if word in COMMANDS else None
    return None


def main(argv: list[str] | None = None) -> int:
    try:
        return _main(argv)
    except KeyboardInterrupt:  # Ctrl-C before the station's own handler is in place
        return 130


def _main(argv: list[str] | None) -> int:
    parser = build_parser(_command_named(sys.argv[1:] if argv is None else argv))
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 0
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug: one line, not a traceback (STATION_DEBUG=1 shows it)
        if os.environ.get("STATION_DEBUG"):
            raise
        print(f"station {args.command}: internal error: {type(exc).__name__}: "
              f"{_one_line(str(exc), 200)} (a bug; STATION_DEBUG=1 shows where)", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
