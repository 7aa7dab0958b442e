"""The station's MQTT publisher: state, cues and finished sets, never in the
main loop's way.

The main loop's hooks (:meth:`Publisher.on_state`, :meth:`Publisher.on_cue`,
:meth:`Publisher.sets_changed`) only put a value on a queue. The publisher's
own thread turns values into payloads and hands them to paho, whose network
thread (``loop_start``) talks to the broker; nothing is published while the
broker has not answered the CONNECT (a blackholed broker costs nothing but a
socket). Finished sets go through the durable :class:`~station.net.outbox.Outbox`
and leave it on the broker's PUBACK. The station opens no listening socket.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from pathlib import Path

from station.config.net import MqttConfig
from station.core.events import Cue
from station.core.snapshot import Snapshot
from station.net import payloads
from station.net.client import make_client

_STOP = object()
#: QoS 1 messages paho may hold while the broker is away (sets, online).
MAX_QUEUED = 1000


class Publisher:
    """Publishes one station under ``<prefix>/<station_id>/``.

    ``db_path``: the history file holding the outbox (None: no sets).
    ``offset_s``: wall minus monotonic clock, s. ``now``: the station clock (s).
    ``say``: a one-line log (never given a secret).
    """

    def __init__(self, cfg: MqttConfig, *, db_path: Path | None, offset_s: float,
                 now: Callable[[], float], version: str = "",
                 say: Callable[[str], None] = lambda text: None) -> None:
        self.cfg, self.db_path, self.offset_s, self.now = cfg, db_path, offset_s, now
        self.version, self.say = version, say
        self.topics = payloads.topics(cfg.topic_prefix, cfg.station_id)
        self._q: queue.SimpleQueue = queue.SimpleQueue()
        self.connected = threading.Event()
        self.idle = threading.Event()  # the outbox is empty and nothing is in flight
        self._client = make_client(cfg, f"station-{cfg.station_id}", clean_session=True)
        self._client.max_queued_messages_set(MAX_QUEUED)
        self._client.will_set(self.topics["online"], b"false", qos=1, retain=True)
        self._client.on_connect = self._on_connect
        self._client.on_disconnect = self._on_disconnect
        self._client.on_connect_fail = lambda c, u: self._q.put(("down", "cannot connect"))
        self._client.on_publish = lambda c, u, mid, rc, props: self._q.put(("acked", mid))
        self._thread = threading.Thread(target=self._run, name="mqtt-publisher", daemon=True)
        self._exercise: str | None = None
        self._seq = 0
        self.sent = 0  # messages handed to paho (for benchmarks)
        self._linger_s = 0.5

    # ------------------------------------------------ hooks (any thread, never block)

    def on_state(self, snap: Snapshot) -> None:
        """MainLoop ``on_state``: a changed snapshot."""
        self._q.put(("state", snap, self.now()))

    def on_cue(self, cue: Cue) -> None:
        """MainLoop ``on_cue``: a cue that sounded."""
        self._q.put(("cue", cue))

    def context(self, exercise: str | None) -> None:
        """The exercise of the set about to start (for the state payload)."""
        self._q.put(("ctx", exercise))

    def sets_changed(self) -> None:
        """A set was ended and committed: look for it in the history."""
        self._q.put(("sets",))

    # ------------------------------------------------ life cycle

    def start(self) -> Publisher:
        self._thread.start()
        self._client.connect_async(self.cfg.host, self.cfg.port, keepalive=self.cfg.keepalive_s)
        self._client.loop_start()
        return self

    def close(self, timeout: float = 1.0) -> None:
        """Publish what is queued, wait for the PUBACKs of sets in flight, say
        offline (if connected) and disconnect; ``timeout`` s at most for each."""
        if self._thread.is_alive():
            self._linger_s = timeout / 2
            self._q.put(_STOP)
            self._thread.join(timeout + 0.5)
        try:
            self._client.disconnect()
        except Exception:
            pass
        stopper = threading.Thread(target=self._client.loop_stop, daemon=True)
        stopper.start()
        stopper.join(timeout)

    def __enter__(self) -> Publisher:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------ paho's thread

    def _on_connect(self, client, userdata, flags, reason, properties) -> None:
        if not reason.is_failure:
            self._q.put(("up",))
        else:
            self._q.put(("refused", str(reason)))

    def _on_disconnect(self, client, userdata, flags, reason, properties) -> None:
        self._q.put(("down", str(reason)))

    # ------------------------------------------------ the publisher's thread

    def _run(self) -> None:
        outbox = None
        if self.db_path is not None:
            from station.net.outbox import Outbox

            try:
                outbox = Outbox(self.db_path)
                outbox.queue_new()
            except Exception as exc:
                self.say(f"mqtt: outbox off, sets will not be published: {exc}")
                outbox = None
        self._outbox = outbox
        self._inflight: dict[int, int] = {}  # mid -> session id
        self._last_state: bytes | None = None
        self._told_down = False
        try:
            while True:
                item = self._q.get()
                if item is _STOP:
                    break
                self._safely(item)
            end = time.monotonic() + self._linger_s
            while self._inflight and self.connected.is_set() and time.monotonic() < end:
                try:  # a clean stop: the sets just sent leave the outbox now, not next start
                    self._safely(self._q.get(timeout=max(0.0, end - time.monotonic())))
                except queue.Empty:
                    break
            if self.connected.is_set():
                info = self._client.publish(self.topics["online"], b"false", qos=1, retain=True)
                try:
                    info.wait_for_publish(0.5)
                except Exception:
                    pass
        finally:
            if outbox is not None:
                outbox.close()

    def _safely(self, item: tuple) -> None:
        if item is _STOP:
            return
        try:
            self._handle(item)
        except Exception as exc:  # a bad value must not stop publishing
            self.say(f"mqtt: {type(exc).__name__}: {exc}")

    def _handle(self, item: tuple) -> None:
        kind = item[0]
        c, t = self._client, self.topics
        if kind == "state":
            _, snap, at = item
            self._seq += 1
            body = payloads.encode(payloads.state(
                snap, station_id=self.cfg.station_id, offset_s=self.offset_s, now=at,
                exercise=self._exercise, athlete=self.cfg.athlete, seq=self._seq))
            self._last_state = body
            if self.connected.is_set():
                c.publish(t["state"], body, qos=0, retain=True)
                self.sent += 1
        elif kind == "cue":
            cue = item[1]
            if self.connected.is_set():
                self.sent += 1
                c.publish(t["cue"], payloads.encode(payloads.cue(
                    cue.name, cue.value, cue.at, station_id=self.cfg.station_id,
                    offset_s=self.offset_s)), qos=0)
        elif kind == "ctx":
            self._exercise = item[1]
        elif kind == "sets":
            if self._outbox is not None:
                self._outbox.queue_new()
                self._send_sets()
        elif kind == "acked":
            sid = self._inflight.pop(item[1], None)
            if sid is not None and self._outbox is not None:
                self._outbox.acked(sid)
                self._check_idle()
        elif kind == "up":
            self.connected.set()
            self._told_down = False
            self.say(f"mqtt: connected to {self.cfg.broker} as {self.cfg.station_id}")
            c.publish(t["online"], b"true", qos=1, retain=True)
            if self.cfg.home_assistant:
                for topic, config in payloads.discovery(self.cfg.topic_prefix, self.cfg.station_id,
                                                        self.cfg.discovery_prefix, self.version):
                    c.publish(topic, payloads.encode(config), qos=1, retain=True)
            if self._last_state is not None:
                c.publish(t["state"], self._last_state, qos=0, retain=True)
            self._send_sets()
        elif kind in ("down", "refused"):
            self.connected.clear()
            if not self._told_down:
                what = ("refused the connection" if kind == "refused" else
                        "unreachable" if item[1] == "cannot connect" else "lost")
                self.say(f"mqtt: broker {self.cfg.broker} {what} ({item[1]}); retrying, "
                         "finished sets wait in the outbox")
                self._told_down = True

    def _send_sets(self) -> None:
        """Publish every queued set not already handed to paho (paho resends
        those itself after a reconnect)."""
        if not self.connected.is_set() or self._outbox is None:
            self._check_idle()
            return
        flying = set(self._inflight.values())
        for s in self._outbox.pending():
            if s["id"] in flying:
                continue
            body = payloads.encode(payloads.finished_set(s, station_id=self.cfg.station_id,
                                                         athlete=self.cfg.athlete))
            info = self._client.publish(self.topics["set"], body, qos=1)
            if info.rc == 0:
                self._inflight[info.mid] = s["id"]
        self._check_idle()

    def _check_idle(self) -> None:
        if self._outbox is not None and not self._inflight and self._outbox.count() == 0:
            self.idle.set()
        else:
            self.idle.clear()
