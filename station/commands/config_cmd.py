"""`station config check [PATH]` and `station config example`.

``check`` validates the given file (else the global ``--config``, else the one
the search finds): "OK: <file>" and a one-line summary on stdout, exit 0; the
ConfigError on stderr (every problem in the file, one line each), exit 2. With no file anywhere it says the defaults are
in use (exit 0). Presets with values outside the recommended ranges are
accepted; their warnings go to stderr. ``example`` prints a commented config.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping
from pathlib import Path

from station.config import (
    SYSTEM_CONFIG_PATH,
    Config,
    ConfigError,
    example_config,
    find_config_path,
    key_path,
    load_config,
    search_paths,
)

EXIT_BAD_CONFIG = 2


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``config`` subcommand (with ``check`` and ``example``)."""
    parser = subparsers.add_parser(
        "config",
        help="check the config file or print an example",
        description="Check a station config file, or print a commented example config.",
    )
    sub = parser.add_subparsers(dest="config_command", metavar="{check,example}", required=True)
    check = sub.add_parser(
        "check",
        help="validate a config file",
        description="Validate PATH, or the config file the station would read.",
    )
    check.add_argument("path", nargs="?", type=Path, metavar="PATH",
                       help="the file to check (default: --config, else the search)")
    check.add_argument("--config", type=Path, default=argparse.SUPPRESS, metavar="PATH",
                       help="the file to check (as PATH)")
    example = sub.add_parser("example", help="print a commented config with every key at its default",
                             description="Print a commented config with every key at its default.")
    example.add_argument("--config", type=Path, default=argparse.SUPPRESS, metavar="PATH",
                         help="ignored (accepted after any command)")
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Run ``config check`` or ``config example``; returns the exit code."""
    if getattr(args, "config_command", "check") == "example":
        sys.stdout.write(example_config())
        return 0
    explicit = getattr(args, "path", None) or getattr(args, "config", None)
    return _check(explicit, os.environ, SYSTEM_CONFIG_PATH)


def _check(explicit: Path | None, env: Mapping[str, str], system_path: Path) -> int:
    try:
        path = find_config_path(explicit, env, system_path)
        if path is None:
            looked = ", ".join(str(p) for p in search_paths(env, system_path))
            print(f"no config file found, defaults in use (looked for {looked})")
            return 0
        config = load_config(path, env, system_path)
    except ConfigError as e:
        for err in e.errors:
            print(err, file=sys.stderr)
        if len(e.errors) > 1:
            print(f"{len(e.errors)} problems in {e.file}", file=sys.stderr)
        return EXIT_BAD_CONFIG
    print(f"OK: {path}")
    print(summary(config))
    from station.config.net import describe

    for line in describe(config.mqtt, config.coach):
        print(line)
    for name, preset in config.presets.items():
        for warning in preset.compile()[1]:
            print(f"warning: {path}: {key_path(('presets', name))}: {warning}", file=sys.stderr)
    return 0


def summary(config: Config) -> str:
    """One line: the exercises and presets a config defines."""

    def names(kind: str, items: list[str]) -> str:
        plural = kind if len(items) == 1 else kind + "s"
        return f"{len(items)} {plural}" + (f" ({', '.join(items)})" if items else "")

    return (f"{names('exercise', list(config.exercises))}, "
            f"{names('preset', list(config.presets))}")
