"""``station coach``: the gym's live board and history (docs/mqtt.md);
``station coach bench --stations N``: its latency at gym scale."""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path


def _listen(text: str) -> str:
    if not re.fullmatch(r"\[?[^\[\]]+?\]?:\d{1,5}", text):
        raise argparse.ArgumentTypeError(f'expected HOST:PORT, e.g. 127.0.0.1:8080, got {text!r}')
    return text


def _stations(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if not 1 <= n <= 2000:
        raise argparse.ArgumentTypeError(f"{n}: from 1 to 2000 stations")
    return n


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "coach", help="the gym's live board and one history for every station (MQTT)",
        description="Subscribe to every station under [mqtt] topic_prefix, keep every finished set "
                    "in the coach history and serve a read-only live board (default "
                    "http://127.0.0.1:8080/). Needs [mqtt] in the config; see docs/mqtt.md.")
    p.add_argument("--listen", type=_listen, metavar="HOST:PORT",
                   help="address of the board (default: [coach] listen, else 127.0.0.1:8080); "
                        "any but loopback needs [coach] token")
    p.add_argument("--db", type=Path, metavar="PATH",
                   help="coach history (default: [coach] db, else $XDG_DATA_HOME/station/coach.sqlite3)")
    cs = p.add_subparsers(dest="coach_command", metavar="{bench}")
    b = cs.add_parser("bench", help="latency from a station's change to the board, at gym scale",
                      description="N simulated stations (the real publishing code, simulated "
                                  "lifters) against a private mosquitto and a `station coach` "
                                  "process on loopback: board latency median/p99, messages per "
                                  "second, broker and coach CPU and memory.")
    b.add_argument("--stations", type=_stations, default=200, metavar="N",
                   help="simulated stations (default 200)")
    b.add_argument("--seconds", type=float, default=30.0, metavar="S",
                   help="length of the measured run (default 30)")
    b.add_argument("--json", action="store_true", help="print the report as JSON")
    b.set_defaults(func=run_bench)
    p.set_defaults(func=run)
    return p


def _config(args: argparse.Namespace):
    from station.config import ConfigError, load_config

    try:
        return load_config(getattr(args, "config", None))
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return None


def default_coach_db() -> Path:
    from station.config import xdg_dir

    return xdg_dir(os.environ, "XDG_DATA_HOME", ".local/share") / "station" / "coach.sqlite3"


def run(args: argparse.Namespace) -> int:
    from station.config.net import CoachConfig

    cfg = _config(args)
    if cfg is None:
        return 2
    if cfg.mqtt is None:
        where = cfg.source or "no config file"
        print(f"station coach: {where}: no [mqtt] section; the coach needs the broker "
              "(see docs/mqtt.md)", file=sys.stderr)
        return 2
    coach = cfg.coach or CoachConfig()
    host, port = coach.host, coach.port
    if args.listen:
        host, _, p = args.listen.rpartition(":")
        host, port = host.strip("[]"), int(p)
    try:
        from station.coach.web import check_listen, make_app, serve
        check_listen(host, coach.token)
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401

        from station.net.client import paho
        paho()
    except ValueError as exc:
        print(f"station coach: {exc}", file=sys.stderr)
        return 2
    except ImportError as exc:
        print(f"station coach: {exc.name or exc} is missing: pip install 'station[coach]'",
              file=sys.stderr)
        return 2
    except RuntimeError as exc:
        print(f"station coach: {exc}", file=sys.stderr)
        return 2
    from station.coach.board import Board
    from station.coach.store import CoachError, CoachHistory
    from station.coach.subscriber import Subscriber

    db = args.db or (Path(coach.db) if coach.db else default_coach_db())
    try:
        history = CoachHistory(db)
    except CoachError as exc:
        print(f"station coach: {exc}", file=sys.stderr)
        return 1
    say = lambda text: print(f"station {text}", file=sys.stderr, flush=True)  # noqa: E731
    board = Board(history)
    sub = Subscriber(cfg.mqtt, coach.client_id, history, board, say).start()
    say(f"coach: board on http://{host}:{port}/ (read-only), history {db}")
    try:
        serve(make_app(board, coach.token), host, port, coach.token)
    except OSError as exc:
        print(f"station coach: cannot listen on {host}:{port}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    finally:
        sub.close()
        history.close()
    return 0


def run_bench(args: argparse.Namespace) -> int:
    from station.coach.bench import print_report
    from station.coach.bench import run as bench

    report = bench(args.stations, args.seconds, say=lambda t: print(t, file=sys.stderr, flush=True))
    print_report(report, as_json=args.json)
    return 0
