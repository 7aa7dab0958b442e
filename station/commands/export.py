"""``station export --csv FILE``: one row per bout, oldest first, for a spreadsheet.

Reads the history file read-only. ``FILE`` ``-`` writes to standard output.
"""

from __future__ import annotations

import argparse
import csv
import sys
from datetime import datetime
from pathlib import Path
from typing import TextIO

from station.commands.history import add_station_option, open_for_reading, read_sessions, station_sessions

#: The CSV columns, in order (documented in docs/history.md).
COLUMNS = (
    "session_id", "session_started_at", "local_date", "local_time", "method", "exercise",
    "status", "spotter_confirmed", "bout", "reps", "load_kg", "variation", "started_at",
    "ended_at", "duration_s", "rest_before_s", "end_reason", "rep_offsets_s",
    "lateness_median_ms", "lateness_max_ms",
)


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "export",
        help="export the recorded bouts as CSV",
        description="Write one CSV row per bout (oldest first) for a spreadsheet.",
    )
    p.add_argument("--csv", required=True, metavar="FILE",
                   help="the CSV file to write ('-' for standard output)")
    p.add_argument("--db", type=Path, metavar="PATH",
                   help="history file (default: [history] db in the config)")
    add_station_option(p)
    p.set_defaults(func=run)
    return p


def _seconds(iso: str | None) -> float | None:
    return None if iso is None else datetime.fromisoformat(iso).timestamp()


def _seconds_of(iso: str) -> float:
    """``iso`` (an instant the history always holds) in s since the epoch."""
    return datetime.fromisoformat(iso).timestamp()


def _blank(x: object) -> object:
    return "" if x is None else x


def bout_rows(sessions: list[dict]) -> list[dict[str, object]]:
    """CSV rows (dicts keyed by COLUMNS) for ``sessions`` as History.sessions gives them."""
    rows = []
    for s in sorted(sessions, key=lambda s: (s["started_at"], s["id"])):
        started = datetime.fromisoformat(s["started_at"]).astimezone()
        for b in s["bouts"]:
            b_start, b_end = _seconds_of(b["started_at"]), _seconds(b["ended_at"])
            offsets = [f"{_seconds_of(t) - b_start:.3f}" for t in b["rep_times"]]
            row = {
                "session_id": s["id"],
                "session_started_at": s["started_at"],
                "local_date": f"{started:%Y-%m-%d}",
                "local_time": f"{started:%H:%M:%S}",
                "method": s["method"],
                "exercise": s["exercise"],
                "status": s["status"],
                "spotter_confirmed": "yes" if s["spotter_confirmed"] else "no",
                "bout": b["index"],
                "reps": b["reps"],
                "load_kg": b["load_kg"],
                "variation": b["variation"],
                "started_at": b["started_at"],
                "ended_at": b["ended_at"],
                "duration_s": None if b_end is None else f"{b_end - b_start:.3f}",
                "rest_before_s": b["rest_before_s"],
                "end_reason": b["end_reason"],
                "rep_offsets_s": " ".join(offsets),
                "lateness_median_ms": s["lateness_ms"]["median"],
                "lateness_max_ms": s["lateness_ms"]["max"],
            }
            rows.append({k: _blank(v) for k, v in row.items()})
    return rows


def write_csv(rows: list[dict[str, object]], out: TextIO) -> None:
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)


def run(args: argparse.Namespace) -> int:
    path, history = open_for_reading(args, "export")
    if isinstance(history, int):
        return history
    if history is None:
        print(f"station export: no history file yet ({path})", file=sys.stderr)
        return 1
    if getattr(args, "station", None):
        with history:
            sessions = station_sessions(history, args.station, None, "export")
    else:
        sessions = read_sessions(history, "export", None)
    if isinstance(sessions, int):
        return sessions
    rows = bout_rows(sessions)
    if args.csv == "-":
        write_csv(rows, sys.stdout)
        return 0
    try:
        with open(args.csv, "w", newline="", encoding="utf-8") as f:
            write_csv(rows, f)
    except OSError as e:
        print(f"station export: {args.csv}: {e.strerror}", file=sys.stderr)
        return 1
    print(f"wrote {len(rows)} bout rows to {args.csv}", file=sys.stderr)
    return 0
