"""`station bench --mqtt-blackhole`: the same live run publishing to a broker
that accepts and then never answers; both runs' figures are reported (what
they are is for the bench to say, not a pass/fail test)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from station.bench.mqtt import Blackhole


def test_the_blackhole_accepts_answers_the_connect_then_goes_silent() -> None:
    import socket

    hole = Blackhole()
    try:
        c = socket.create_connection(("127.0.0.1", hole.port), timeout=5)
        c.sendall(b"\x10\x0c\x00\x04MQTT\x04\x02\x00\x3c\x00\x00")  # CONNECT
        assert c.recv(4) == b"\x20\x02\x00\x00"  # CONNACK, accepted
        c.settimeout(0.2)
        c.sendall(b"\xc0\x00")  # PINGREQ: never answered
        with pytest.raises(socket.timeout):
            c.recv(1)
        c.close()
    finally:
        hole.close()
    assert hole.connections == 1


@pytest.mark.timeout(150)
@pytest.mark.slow
def test_station_bench_with_a_blackholed_broker_reports_both_runs(tmp_path):
    pytest.importorskip("paho.mqtt.client")
    env = dict(os.environ, PYGAME_HIDE_SUPPORT_PROMPT="1", XDG_CONFIG_HOME=str(tmp_path),
               XDG_DATA_HOME=str(tmp_path))
    out = subprocess.run([sys.executable, "-m", "station", "bench", "--quick", "--no-app",
                          "--seconds", "3", "--json", "--size", "800x480", "--mqtt-blackhole"],
                         capture_output=True, text=True, env=env, timeout=140)
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    figs = {f["name"]: f for f in report["figures"]}
    plain, holed = figs["cue lateness, buzzer call"], figs["cue lateness, buzzer call (MQTT blackholed)"]
    assert plain["n"] >= 3 and holed["n"] >= 3 and holed["targets"] == plain["targets"]
    assert figs["press to ack (MQTT blackholed)"]["n"] >= 2
    facts = report["facts"]["mqtt_blackhole"]
    assert facts["connections"] >= 1 and facts["bytes_in"] > 0  # the station did try
    assert facts["presses"] == facts["reps"]  # every press still counted
