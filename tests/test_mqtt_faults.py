"""Broker faults at gym scale: 10 simulated stations (the real publisher,
outbox and history) run scripted sets while the broker is restarted 20 times
and the coach is killed mid-way; afterwards the coach's history holds every
set exactly once and every station's outbox is empty."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from mqtt_support import need_mosquitto, wait_until

from station.config import parse_config
from station.history.store import History
from station.net import payloads
from station.net.broker import Broker
from station.net.outbox import pending_count
from station.net.simulate import Gym, Script

pytestmark = pytest.mark.slow


def _coach(cfg_path):
    return subprocess.Popen([sys.executable, "-m", "station", "coach", "--config", str(cfg_path)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _coach_ids(db) -> list[str]:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            return [r[0] for r in conn.execute("SELECT set_id FROM gym_sets")]
        finally:
            conn.close()
    except sqlite3.Error:
        return []


@pytest.mark.timeout(300)
def test_every_set_reaches_the_coach_exactly_once_through_broker_restarts_and_a_coach_kill(tmp_path):
    need_mosquitto()
    pytest.importorskip("starlette")
    broker = Broker(tmp_path / "broker").start()
    text = (f'[mqtt]\nbroker = "{broker.url}"\ntopic_prefix = "gym"\n'
            f'[coach]\nlisten = "127.0.0.1:{broker.port + 1 if broker.port < 65535 else 1024}"\n'
            f'db = "coach.sqlite3"\n')
    cfg_path = tmp_path / "coach.toml"
    cfg_path.write_text(text)
    coach_db = tmp_path / "coach.sqlite3"
    coach = _coach(cfg_path)
    script = Script(params=(("reps", 2), ("rest", 1.0), ("duration", 3.5)), sets=4,
                    cadence_s=0.45, gap_s=0.8)
    gym = Gym(parse_config(text).mqtt, tmp_path / "stations", 10, script)
    try:
        wait_until(lambda: coach_db.exists(), what="the coach history")
        time.sleep(1.0)  # the coach's session is on the broker before the first set ends
        gym.start()
        for i in range(20):
            time.sleep(0.9)
            broker.restart()
            if i == 7:
                coach.send_signal(signal.SIGKILL)  # mid-way: no goodbye, its session stays
                coach.wait(10)
            if i == 12:
                coach = _coach(cfg_path)
        wait_until(lambda: gym.finished, timeout=120, what="every lifter's sets")
        wait_until(gym.drained, timeout=120, what="every outbox to empty")
        expected = []
        for st in gym.stations:
            with History.open(st.db, 0.0, readonly=True) as h:
                expected += [payloads.set_id(st.publisher.cfg.station_id, s) for s in h.sessions(None)]
        assert len(expected) == 40
        wait_until(lambda: len(_coach_ids(coach_db)) >= len(expected), timeout=120,
                   what="the coach to hold every set")
        time.sleep(1.0)  # a late duplicate would show now
    finally:
        gym.stop()
        coach.terminate()
        coach.wait(10)
        broker.stop()
    ids = _coach_ids(coach_db)
    assert sorted(ids) == sorted(expected)  # every set, exactly once
    for st in gym.stations:
        assert pending_count(st.db) == 0, st.db
    out = subprocess.run([sys.executable, "-m", "station", "history", "--json", "--db", str(coach_db),
                          "--station", "sim-003", "--limit", "100"], capture_output=True, text=True,
                         check=True).stdout
    import json
    assert len(json.loads(out)) == 4
