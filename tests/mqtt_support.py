"""Helpers for the gym-network tests: a private mosquitto, a collecting
subscriber, waiting on a condition with a generous real-time limit."""

from __future__ import annotations

import json
import threading
import time

import pytest

from station.net.broker import mosquitto_path


def need_mosquitto() -> None:
    if mosquitto_path() is None:
        pytest.skip("mosquitto is not installed (Debian package mosquitto; .ci/run installs it)")
    pytest.importorskip("paho.mqtt.client", reason="paho-mqtt missing: pip install -e '.[mqtt]'")


def wait_until(cond, timeout: float = 20.0, what: str = "condition") -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


class Collector:
    """A plain paho subscriber recording (topic, payload, retain) of ``pattern``."""

    def __init__(self, port: int, pattern: str = "#", tls_ca=None) -> None:
        import paho.mqtt.client as mqtt

        self.messages: list[tuple[str, object, bool]] = []
        self._lock = threading.Lock()
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="test-collector")
        if tls_ca is not None:
            import ssl

            self.client.tls_set_context(ssl.create_default_context(cafile=str(tls_ca)))
        self.client.on_connect = lambda c, u, f, r, p: c.subscribe(pattern, 1)
        self.client.on_message = self._on_message
        self.client.connect("127.0.0.1", port)
        self.client.loop_start()

    def _on_message(self, client, userdata, msg) -> None:
        try:
            payload = json.loads(msg.payload)
        except ValueError:
            payload = msg.payload.decode(errors="replace")
        with self._lock:
            self.messages.append((msg.topic, payload, bool(msg.retain)))

    def on(self, topic: str) -> list:
        with self._lock:
            return [p for t, p, _ in self.messages if t == topic]

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


def listening_ports_of_this_process() -> list[int]:
    """TCP ports this process listens on (Linux /proc), for "opens no listening socket"."""
    import os

    inodes = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    ports = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = open(table).read().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            f = line.split()
            if f[3] == "0A" and f[9] in inodes:  # LISTEN
                ports.append(int(f[1].rsplit(":", 1)[1], 16))
    return ports
