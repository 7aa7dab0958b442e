"""``station bench --mqtt-blackhole``: the live run again, in the same
process, with ``[mqtt]`` pointing at a broker that accepts the connection,
answers the CONNECT and then never reads or answers again (a blackholed TCP
connection: the station's socket buffers fill and paho's keep-alive gives up
and reconnects). Cue lateness and press-to-ack are reported for both runs
side by side: the main loop must not notice the network.
"""

from __future__ import annotations

import socket
import threading
from pathlib import Path

from station.bench.stats import Figure, Target

MS = 1000.0
_CONNACK = b"\x20\x02\x00\x00"  # MQTT 3.1.1 CONNACK, accepted


class Blackhole:
    """A TCP server on a free loopback port: CONNACK to the first bytes of
    each connection, then silence (never reads again, never closes)."""

    def __init__(self) -> None:
        self._srv = socket.create_server(("127.0.0.1", 0))
        self.port = self._srv.getsockname()[1]
        self.connections = 0
        self.bytes_in = 0
        self._held: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="blackhole", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        self._srv.settimeout(0.2)
        while not self._stop.is_set():
            try:
                conn, _ = self._srv.accept()
            except OSError:
                continue
            self.connections += 1
            conn.settimeout(2.0)
            try:
                self.bytes_in += len(conn.recv(4096))
                conn.sendall(_CONNACK)
            except OSError:
                pass
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            self._held.append(conn)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        for c in self._held + [self._srv]:
            c.close()


def blackholed(opts, work: Path, config: Path, say, facts: dict) -> list[Figure]:
    """The live run with MQTT to a blackhole; figures named "... (MQTT blackholed)"."""
    from station.bench import live as bl

    hole = Blackhole()
    cfg = work / "station-mqtt.toml"
    cfg.write_text(config.read_text() + f'\n[mqtt]\nbroker = "mqtt://127.0.0.1:{hole.port}"\n'
                   'station_id = "bench"\nkeepalive_s = 5\n')
    say(f"bench: the same {opts.seconds:g} s live run, publishing to a blackholed MQTT broker")
    try:
        log = bl.run_live(opts.seconds, work / "live-mqtt.sqlite3", cfg, sound=opts.sound,
                          pins=opts.pins, say=lambda t: None)
    finally:
        hole.close()
    facts["mqtt_blackhole"] = {"connections": hole.connections, "bytes_in": hole.bytes_in,
                               "presses": len(log.presses), "reps": log.total_reps,
                               "notes": log.notes}
    from station.bench.run import LATENESS

    lat = LATENESS  # the same targets as the plain run's
    note = f"{hole.connections} connection(s) to the blackhole, same run as above"
    return [
        Figure("cue lateness, buzzer call (MQTT blackholed)", "ms",
               [v * MS for v in log.lateness.get("buzzer", [])], targets=lat, note=note),
        Figure("press to ack (MQTT blackholed)", "ms", [v * MS for v in bl.press_to_ack(log)],
               targets=(Target("p99", 1.0),), note=f"{len(log.presses)} presses, {log.total_reps} reps"),
    ]
