"""A board tile's big text, without a browser: the board's own JavaScript
run by node (tests/test_coach_board.py checks the same in chromium), and the
tile the server keeps for a station that went offline."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from station.coach.board import Board

BOARD_JS = Path(__file__).resolve().parent.parent / "station" / "coach" / "static" / "board.js"
REST = {"phase": "REST", "ends_at": "2026-12-01T10:00:15.000Z", "reps_in_bout": 0, "total_reps": 2,
        "reps_per_bout": [2], "bout": 1}
NOW_MS = datetime(2026, 12, 1, 10, 0, 5, tzinfo=UTC).timestamp() * 1000


def big_text(tile: dict, now_ms: float = NOW_MS) -> dict:
    node = shutil.which("node")
    if not node:
        pytest.skip("node (Debian package nodejs) is not installed; .ci/run installs it")
    script = (f"const b = require({json.dumps(str(BOARD_JS))});"
              f"process.stdout.write(JSON.stringify(b.bigText({json.dumps(tile)}, {now_ms})));")
    out = subprocess.run([node, "-e", script], capture_output=True, text=True, timeout=30,
                         env={"TZ": "UTC", "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_an_online_rest_tile_counts_down_from_its_end_instant():
    assert big_text({"station": "rack-1", "online": True, "state": REST}) == {"text": "10 s", "last3": False}


def test_an_offline_tile_shows_when_it_was_last_seen_not_a_stale_countdown():
    tile = {"station": "rack-1", "online": False, "state": REST, "seen_at": "2026-12-01T09:59:58.000Z"}
    assert big_text(tile) == {"text": "last seen 09:59", "last3": False}
    never = {"station": "rack-2", "online": False, "state": None}
    assert big_text(never) == {"text": "", "last3": False}


def test_the_server_keeps_when_an_offline_station_was_last_heard_from():
    board = Board(None)
    board.state("rack-1", REST)
    seen = board.snapshot()["tiles"][0]["seen_at"]
    board.online("rack-1", False)
    [tile] = board.snapshot()["tiles"]
    assert tile["online"] is False and tile["seen_at"] == seen and tile["state"] == REST
    assert abs(datetime.fromisoformat(seen.replace("Z", "+00:00")).timestamp()
               - datetime.now(UTC).timestamp()) < 60
