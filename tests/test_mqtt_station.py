"""The station on the gym network, against a real mosquitto started by the
test on a free loopback port (plain and TLS): what a subscriber sees is what
the lifter did, and a finished set is what `station history --json` says."""

from __future__ import annotations

import json
import subprocess
import sys
import threading

import pytest
from mqtt_support import Collector, listening_ports_of_this_process, need_mosquitto, wait_until

from station.core.events import End, Rep
from station.core.methods import compile_plan
from station.net.broker import Broker, make_tls
from station.runtime.app import Options, Station
from station.testing import FakeClock

pytestmark = pytest.mark.slow


def _station(tmp_path, clock, mqtt_block: str) -> Station:
    cfg = tmp_path / "station.toml"
    cfg.write_text(mqtt_block)
    opts = Options(pins="mock", display="none", db=tmp_path / "h.sqlite3", config=cfg, sound=False)
    return Station(opts, clock=clock, out=lambda text: None)


def _one_set(station: Station, clock: FakeClock) -> None:
    plan, _ = compile_plan("rest-pause")
    t = threading.Thread(target=lambda: station.run_set(plan, "squat", 100.0), daemon=True)
    t.start()
    wait_until(lambda: station.loop.last_snapshot is not None
               and station.loop.last_snapshot.phase.value == "READY", what="READY")
    for n in range(1, 4):
        clock.advance(0.8)
        station.loop.post(Rep(clock.now()))
        wait_until(lambda n=n: station.loop.last_snapshot.total_reps == n, what=f"rep {n}")
    clock.advance(0.5)
    station.loop.post(End(clock.now()))
    t.join(timeout=20)
    assert not t.is_alive()


@pytest.mark.timeout(90)
@pytest.mark.parametrize("tls", [False, True], ids=["mqtt", "mqtts"])
def test_state_cues_and_the_finished_set_reach_a_subscriber(tmp_path, tls):
    need_mosquitto()
    certs = make_tls(tmp_path / "tls") if tls else None
    with Broker(tmp_path / "broker", tls=certs) as broker:
        sub = Collector(broker.port, "gym/#", tls_ca=certs[0] if certs else None)
        block = (f'[mqtt]\nbroker = "{broker.url}"\nstation_id = "rack-7"\ntopic_prefix = "gym"\n'
                 f'athlete = "Ada"\n' + (f'ca_file = "{certs[0]}"\n' if certs else ""))
        clock = FakeClock()
        try:
            with _station(tmp_path, clock, block) as station:
                wait_until(lambda: sub.on("gym/rack-7/online") == [True], what="online true")
                assert listening_ports_of_this_process() == []  # a client only, never a server
                _one_set(station, clock)
            # a clean stop right after the set: it went out and left the outbox first
            from station.net.outbox import pending_count
            assert pending_count(tmp_path / "h.sqlite3") == 0
            wait_until(lambda: sub.on("gym/rack-7/set"), what="the set")
            wait_until(lambda: sub.on("gym/rack-7/online")[-1:] == [False], what="online false")
        finally:
            sub.close()
    states = sub.on("gym/rack-7/state")
    phases = [s["phase"] for s in states]
    assert phases[0] == "READY" and "WORK" in phases and phases[-1] == "DONE"
    assert [s["total_reps"] for s in states if s["phase"] == "WORK"][-1] == 3
    assert all(s["station"] == "rack-7" and s["athlete"] == "Ada" and s["exercise"] == "squat"
               for s in states)
    assert all(s["at"].endswith("Z") and len(s["at"]) == 24 for s in states)  # ms, UTC
    assert [c["name"] for c in sub.on("gym/rack-7/cue")].count("rep") == 3
    [posted] = sub.on("gym/rack-7/set")
    jsonschema = pytest.importorskip("jsonschema")
    from station.net import schemas
    for kind, schema in schemas.ALL.items():
        for payload in sub.on(f"gym/rack-7/{kind}"):
            jsonschema.validate(payload, schema)
    out = subprocess.run([sys.executable, "-m", "station", "history", "--json", "--db",
                          str(tmp_path / "h.sqlite3")], capture_output=True, text=True, check=True)
    [recorded] = json.loads(out.stdout)
    extra = {k: posted.pop(k) for k in ("set_id", "station", "athlete", "v")}
    assert posted == recorded  # the same JSON as `station history --json`
    assert extra["station"] == "rack-7" and len(extra["set_id"]) == 36
    # the outbox is empty once the broker acknowledged
    from station.net.outbox import pending_count
    assert pending_count(tmp_path / "h.sqlite3") == 0


@pytest.mark.timeout(90)
def test_a_set_finished_while_the_broker_is_down_goes_out_after_a_restart(tmp_path):
    """Never lost: the set waits in the outbox across a station restart and
    a broker outage, and leaves it only on the broker's PUBACK."""
    need_mosquitto()
    from station.net.outbox import pending_count

    broker = Broker(tmp_path / "broker")
    block = f'[mqtt]\nbroker = "{broker.url}"\nstation_id = "rack-1"\n'
    clock = FakeClock()
    with _station(tmp_path, clock, block) as station:  # first start: no broker at all
        _one_set(station, clock)
        wait_until(lambda: pending_count(tmp_path / "h.sqlite3") == 1, what="the set queued")
    assert pending_count(tmp_path / "h.sqlite3") == 1  # on disk, waiting
    with broker:
        sub = Collector(broker.port, "station/rack-1/set")
        try:
            with _station(tmp_path, FakeClock(), block) as station:  # the station restarts
                wait_until(lambda: sub.on("station/rack-1/set"), what="the set after restart")
                wait_until(lambda: station.mqtt.idle.is_set(), what="PUBACK")
        finally:
            sub.close()
    assert pending_count(tmp_path / "h.sqlite3") == 0
    [s] = sub.on("station/rack-1/set")
    assert s["status"] == "completed" and [b["reps"] for b in s["bouts"]] == [3]


@pytest.mark.timeout(90)
def test_the_example_acl_lets_a_station_write_only_its_own_topics(tmp_path):
    """docs/mosquitto/station.acl with a password file: rack-1 publishes its
    state and Home Assistant discovery; what it tries to write as rack-2 never
    arrives; the coach cannot write; Home Assistant reads it all."""
    need_mosquitto()
    import shutil
    from pathlib import Path

    acl = Path(__file__).parents[1] / "docs" / "mosquitto" / "station.acl"
    passwd = tmp_path / "station.passwd"
    tool = shutil.which("mosquitto_passwd")
    if tool is None:
        pytest.skip("mosquitto_passwd (Debian package mosquitto) is missing")
    for user, pw in (("rack-1", "pw-rack-1-secret"), ("coach", "pw-coach-secret"),
                     ("homeassistant", "pw-ha-secret")):
        subprocess.run([tool, "-b", *(["-c"] if not passwd.exists() else []), str(passwd), user, pw],
                       check=True, capture_output=True)
    extra = f"password_file {passwd}\nacl_file {acl}\n"
    with Broker(tmp_path / "broker", extra=extra, anonymous=False) as broker:
        import paho.mqtt.client as mqtt

        got: list[str] = []
        bodies: list[tuple[str, bytes]] = []
        ha = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="ha")
        ha.username_pw_set("homeassistant", "pw-ha-secret")
        ha.on_connect = lambda c, u, f, r, p: c.subscribe([("station/#", 1), ("homeassistant/#", 1)])
        ha.on_message = lambda c, u, m: (got.append(m.topic), bodies.append((m.topic, m.payload)))
        ha.connect("127.0.0.1", broker.port)
        ha.loop_start()
        coach = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="coach")
        coach.username_pw_set("coach", "pw-coach-secret")
        coach.connect("127.0.0.1", broker.port)
        coach.loop_start()
        # a device that has rack-1's password (a stolen one): the ACL still binds it to rack-1's topics
        rogue = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="rogue")
        rogue.username_pw_set("rack-1", "pw-rack-1-secret")
        rogue.connect("127.0.0.1", broker.port)
        rogue.loop_start()
        block = (f'[mqtt]\nbroker = "{broker.url}"\nstation_id = "rack-1"\nusername = "rack-1"\n'
                 f'password = "pw-rack-1-secret"\nhome_assistant = true\n')
        clock = FakeClock()
        try:
            wait_until(lambda: coach.is_connected() and ha.is_connected(), what="the readers")
            with _station(tmp_path, clock, block) as station:
                wait_until(lambda: "station/rack-1/online" in got, what="rack-1 online")
                _one_set(station, clock)
                wait_until(lambda: "station/rack-1/set" in got, what="rack-1's set")
                # rack-1 pretending to be rack-2, and the coach trying to write: both dropped
                rogue.publish("station/rack-2/state", b"{}", qos=1).wait_for_publish(5)
                coach.publish("station/rack-1/state", b"{}", qos=1).wait_for_publish(5)
                rogue.publish("station/rack-1/cue", b"{}", qos=1).wait_for_publish(5)
                wait_until(lambda: got.count("station/rack-1/cue") >= 4, what="the marker cue")
        finally:
            for c in (coach, ha, rogue):
                c.disconnect()
                c.loop_stop()
    assert "station/rack-2/state" not in got
    assert got.count("station/rack-1/state") >= 3
    assert ("station/rack-1/state", b"{}") not in bodies  # the coach's write was dropped
    assert "homeassistant/sensor/station_rack-1/phase/config" in got
