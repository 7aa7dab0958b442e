"""The coach's MQTT side: one persistent session (``clean_session`` false,
fixed client id) subscribed to every station under the prefix, so the broker
keeps the sets (QoS 1) that arrive while the coach is down.

A set is acknowledged (PUBACK, manual) only once it is stored in the coach
history: a crash or a failed write in between gets it again from the broker;
the set id makes the second copy harmless.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable

from station.coach.board import Board
from station.coach.store import CoachHistory
from station.config.net import MqttConfig
from station.net.client import make_client


class Subscriber:
    def __init__(self, cfg: MqttConfig, client_id: str, history: CoachHistory | None, board: Board,
                 say: Callable[[str], None] = lambda text: None) -> None:
        self.cfg, self.history, self.board, self.say = cfg, history, board, say
        self.prefix = cfg.topic_prefix
        self.client = make_client(cfg, client_id, clean_session=False, manual_ack=True)
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.on_message = self._on_message
        self.stored = 0
        self.duplicates = 0
        self._was_up = False

    def start(self) -> Subscriber:
        self.client.connect_async(self.cfg.host, self.cfg.port, keepalive=self.cfg.keepalive_s)
        self.client.loop_start()
        return self

    def close(self) -> None:
        try:
            self.client.disconnect()
        finally:
            self.client.loop_stop()

    def _on_connect(self, client, userdata, flags, reason, properties) -> None:
        if reason.is_failure:
            self.say(f"coach: broker {self.cfg.broker} refused the connection ({reason})")
            return
        self.say(f"coach: connected to {self.cfg.broker}, "
                 f"{'session resumed' if flags.session_present else 'new session'}")
        self._was_up = True
        p = self.prefix
        client.subscribe([(f"{p}/+/state", 0), (f"{p}/+/online", 1), (f"{p}/+/set", 1)])

    def _on_disconnect(self, client, userdata, flags, reason, properties) -> None:
        if self._was_up:
            self.say(f"coach: broker lost ({reason}); reconnecting")
            self._was_up = False

    def _on_message(self, client, userdata, msg) -> None:
        if self._handle(msg) and msg.qos:
            client.ack(msg.mid, msg.qos)

    def _handle(self, msg) -> bool:
        """True when the message may be acknowledged (stored, or never storable)."""
        parts = msg.topic[len(self.prefix) + 1:].split("/")
        if not msg.topic.startswith(self.prefix + "/") or len(parts) != 2:
            return True
        station, kind = parts
        try:
            payload = json.loads(msg.payload)
        except ValueError:
            self.say(f"coach: {msg.topic}: not JSON, ignored")
            return True
        if kind == "state" and isinstance(payload, dict):
            self.board.state(station, payload)
        elif kind == "online":
            self.board.online(station, payload is True)
        elif kind == "set" and isinstance(payload, dict):
            if self.history is None:
                return True
            try:
                if self.history.add(payload, station):
                    self.stored += 1
                    self.board.new_set(dict(payload, station=station))
                else:
                    self.duplicates += 1
            except ValueError as exc:
                self.say(f"coach: {msg.topic}: {exc}; ignored")
            except sqlite3.Error as exc:  # not acknowledged: the broker sends it again
                self.say(f"coach: {msg.topic}: not stored ({exc}); the broker keeps it")
                return False
        return True
