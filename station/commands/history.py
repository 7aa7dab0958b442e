"""``station history``: the recorded sets, as a table or as JSON.

Reads the history file read-only (it never creates, migrates or repairs it).
The JSON shape is documented in docs/history.md. A file that cannot be read
(damaged, foreign, too new) is one line on stderr and exit 2.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import datetime
from pathlib import Path

from station.core.loads import Units
from station.history.store import History, HistoryError

#: Exit code for a history file that cannot be read: bad input, as for a bad config.
BAD_FILE = 2


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected 1 or more, got {value}")
    if value > 1_000_000:
        shown = text if len(text) < 24 else text[:21] + "..."
        raise argparse.ArgumentTypeError(f"expected at most 1000000, got {shown}")
    return value


def resolve_db(args: argparse.Namespace) -> Path:
    """The history file: ``--db``, else ``[history] db`` from the config,
    else the default location. Raises ValueError naming a config problem."""
    if getattr(args, "db", None):
        return Path(args.db).expanduser()
    # Imported here: the history commands work with --db alone.
    from station import config as station_config

    cfg = station_config.load_config(getattr(args, "config", None))
    db = cfg.history.db
    if db and str(db) not in ("", "."):
        return Path(db).expanduser()
    return Path(station_config.default_db_path(os.environ))


def open_for_reading(
    args: argparse.Namespace, command: str
) -> tuple[Path | None, History | None | int]:
    """Open the history read-only: (path, a History), (path, None) if there
    is no file yet, or (path, exit code) after printing the problem to stderr."""
    try:
        path = resolve_db(args)
    except (ValueError, OSError, ImportError) as e:
        print(f"station {command}: {e}", file=sys.stderr)
        return None, 2
    if not path.exists():
        return path, None
    try:
        return path, History.open(path, 0.0, readonly=True)
    except HistoryError as e:
        print(f"station {command}: {e}", file=sys.stderr)
        return path, BAD_FILE


def read_sessions(history: History, command: str, limit: int | None,
                  everything: bool = False, hidden: list[int] | None = None) -> list[dict] | int:
    """``history.sessions(...)`` (and into ``hidden``, how many sessions are
    not training and left out), or the exit code after saying on stderr that
    a page read now turned out damaged. Closes ``history``."""
    try:
        with history:
            sessions = history.sessions(limit, everything=everything)
            if hidden is not None and not everything:
                hidden.append(history.not_training_count())
            return sessions
    except HistoryError as e:
        print(f"station {command}: {e}", file=sys.stderr)
        return BAD_FILE


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "history",
        help="show the recorded sets",
        description="Show the recorded sets, newest first.",
    )
    p.add_argument("--limit", type=positive_int, default=20, metavar="N",
                   help="show the newest N sessions (default 20)")
    p.add_argument("--json", action="store_true",
                   help="print a JSON array (see docs/history.md)")
    p.add_argument("--all", action="store_true",
                   help="include sessions interrupted before their first rep (not training)")
    p.add_argument("--db", type=Path, metavar="PATH",
                   help="history file (default: [history] db in the config)")
    add_station_option(p)
    p.set_defaults(func=run)
    return p


def add_station_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--station", metavar="ID",
                   help="only this station's sets, from the coach's history (--db of `station coach`)")


def station_sessions(history: History, station: str, limit: int | None,
                     command: str = "history") -> list[dict] | int:
    """One station's sessions from a coach history, or an exit code after
    saying why not."""
    from station.coach.store import CoachError, read_gym_sessions

    try:
        return history.read(lambda conn: read_gym_sessions(conn, station=station, limit=limit))
    except CoachError as e:
        print(f"station {command}: {history.path}: {e}", file=sys.stderr)
        return 2
    except HistoryError as e:  # off (nothing to read), or a page found damaged
        print(f"station {command}: {e}", file=sys.stderr)
        return 2


def _local(iso: str | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if iso is None:
        return "-"
    return datetime.fromisoformat(iso).astimezone().strftime(fmt)


def _num(x: float | None) -> str:
    if x is None:
        return "-"
    return f"{x:g}"


def _row(s: dict, units: str = "kg") -> list[str]:
    bouts = s["bouts"]
    reps = "+".join(str(b["reps"]) for b in bouts) or "0"
    total = sum(b["reps"] for b in bouts)
    if len(bouts) > 1:
        reps += f" ={total}"
    late = s["lateness_ms"]
    return [
        str(s["id"]),
        _local(s["started_at"]),
        s["method"],
        s["exercise"] or "-",
        "-" if s["load_kg"] is None else Units(units).show(s["load_kg"]),
        s["status"],
        reps,
        "yes" if s["spotter_confirmed"] else "-",
        "-" if late["max"] is None else f"{_num(late['median'])}/{_num(late['max'])}",
    ]


_HEADER = ["id", "started (local)", "method", "exercise", "load", "status", "reps per bout",
           "spotter", "cue late ms med/max"]


def format_table(sessions: list[dict], units: str = "kg") -> str:
    """A plain-text table, one line per session, columns aligned; loads in
    ``units`` ("kg" or "lb": the history keeps kg)."""
    rows = [_HEADER] + [_row(s, units) for s in sessions]
    widths = [max(len(r[i]) for r in rows) for i in range(len(_HEADER))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines += [f"  negatives of {s['id']}: {text}" for s in sessions if (text := lowered_line(s))]
    warnings = [(s["id"], w) for s in sessions for w in s["warnings"]]
    lines += [f"  note on {sid}: {w}" for sid, w in warnings]
    return "\n".join(lines)


def lowered_line(session: dict) -> str:
    """Forced negatives: each negative's lowering time, s, against the
    target: "lowered 6.1 / 5.4 / 3.8 s (target 5 s)" ("-" for one not
    measured, e.g. cut off by a failure); "" for a set with none."""
    times = [x for b in session["bouts"] for x in b.get("lowered_s", [])]
    if not times:
        return ""
    shown = " / ".join("-" if x is None else f"{x:.1f}" for x in times)
    target = session.get("params", {}).get("eccentric")
    return f"lowered {shown} s" + (f" (target {_num(target)} s)" if isinstance(target, (int, float)) else "")


def run(args: argparse.Namespace) -> int:
    path, history = open_for_reading(args, "history")
    if isinstance(history, int):
        return history
    if history is None:
        print("[]" if args.json else f"no history yet ({path})")
        return 0
    hidden: list[int] = []
    if getattr(args, "station", None):
        with history:
            sessions = station_sessions(history, args.station, args.limit)
    else:
        sessions = read_sessions(history, "history", args.limit, args.all, hidden)
    if isinstance(sessions, int):
        return sessions
    if args.json:
        print(json.dumps(sessions, indent=2, ensure_ascii=False))
        return 0
    if not sessions:
        print("no sets recorded yet")
    else:
        print(format_table(sessions, _units(args)))
    n = sum(hidden)
    if n:
        print(f"({n} set{'s' if n > 1 else ''} interrupted before the first rep not shown: --all)")
    return 0


def _units(args: argparse.Namespace) -> str:
    """The config's ``units`` for showing loads; kg when the config cannot be
    read (the history is shown anyway: --db works without a config)."""
    from station import config as station_config

    try:
        return station_config.load_config(getattr(args, "config", None)).units
    except Exception:
        return "kg"
