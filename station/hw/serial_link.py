"""The serial remote over pyserial: a reader thread, a writer thread, reconnect.

The protocol itself (framing, parsing, formatting) is the pure
:mod:`station.core.protocol`; opening, waking and closing a port is
:mod:`station.hw.serial_port`; this module moves bytes between them on two
threads, limits what a remote may cost, and reopens a port that went away.
See ``hardware/protocol.md`` for the contract a remote follows.

Threads never touch the engine: the reader stamps each framed line with the
station clock and hands the mapped event to ``post`` (a non-blocking queue
put owned by the caller). The main loop's :meth:`SerialRemote.send_cue` and
:meth:`SerialRemote.send_state` only append to a bounded queue that the
writer thread drains, so a stalled or unplugged remote never blocks it.
"""

from __future__ import annotations

import collections
import queue
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import serial

from station import __version__
from station.core import protocol
from station.core.snapshot import Snapshot
from station.hw.serial_port import WRITE_TIMEOUT_S, cancel_read, close_port, open_port

#: Most bytes taken from the port per read.
_READ_CHUNK = 4096
#: Lines waiting for the writer; beyond this new lines are dropped (the
#: remote is not reading, and stale cues are worse than none). A dropped or
#: timed-out STATE is owed: the latest state is written once the queue drains.
_OUT_MAX = 64
#: Decoded gestures (REP, FAIL, UNDO, END) a remote may send per second, and
#: at once: a human presses a few times a second at most; a flood beyond it
#: is dropped (with a note) so it never costs the main loop more than this.
GESTURES_PER_S = 8.0
GESTURE_BURST = 8
#: The least time between two "remote too fast" notes, s.
_FLOOD_NOTE_S = 5.0
_GESTURES = ("REP", "FAIL", "UNDO", "END")


@dataclass(frozen=True)
class RemoteStatus:
    """A change in the link, for the screen: ``detail`` is e.g.
    "remote lost: <why>", "remote back", "remote unavailable: <why>"."""

    connected: bool
    detail: str


def _aged(snapshot: Snapshot, now: float) -> Snapshot:
    """``snapshot`` with its seconds-left as of ``now`` (station s)."""
    if snapshot.phase_ends_at is None:
        return snapshot
    return replace(snapshot, seconds_left=max(0.0, snapshot.phase_ends_at - now))


class SerialRemote:
    """A remote on ``url``: a device path or any pyserial URL (``loop://``,
    ``socket://host:port``), opened with ``open_fn`` at ``baud`` 8N1.

    ``post(item)``: called from the reader thread with an
    :class:`~station.core.gestures.Edge`, a Rep/Fail/Undo/End event or a
    :class:`RemoteStatus`; it must not block. ``clock()``: the station's
    monotonic clock, s. ``version``: sent in ``HELLO``. ``backoff_s``: the
    waits between reopen attempts, s; the last one repeats. ``reconnect_max_s``:
    the longest of those waits, s (``[serial] reconnect_max_s``): a
    re-plugged remote is found within it.
    ``err_per_s``: the most ``ERR`` replies per second to a flood of garbage.

    :meth:`start` (or entering the context) opens the port and starts the
    threads; :meth:`close` stops them within about 0.5 s (a read timeout
    plus a write timeout at worst).
    """

    def __init__(
        self,
        url: str,
        post: Callable[[object], None],
        clock: Callable[[], float],
        *,
        baud: int = 115200,
        version: str = __version__,
        open_fn: Callable[..., Any] = serial.serial_for_url,
        backoff_s: Sequence[float] = (0.5, 1.0, 2.0, 5.0),
        reconnect_max_s: float = 5.0,
        err_per_s: float = 20.0,
    ) -> None:
        if not backoff_s or any(b < 0 for b in backoff_s):
            raise ValueError(f"backoff_s must be non-empty and non-negative, got {backoff_s!r}")
        if not reconnect_max_s > 0:
            raise ValueError(f"reconnect_max_s must be over 0 s, got {reconnect_max_s!r}")
        self.url = url
        self.baud = baud
        self._post = post
        self._clock = clock
        self._hello = protocol.hello(version)
        self._open_fn = open_fn
        self._backoff_s = tuple(min(b, reconnect_max_s) for b in backoff_s)
        self._errs = protocol.RateLimiter(err_per_s, burst=5)
        self._gestures = protocol.RateLimiter(GESTURES_PER_S, burst=GESTURE_BURST)
        self._flood_noted_at: float | None = None
        self._closing = threading.Event()
        self._lock = threading.Lock()  # guards the fields below; never held during I/O
        self._ready = threading.Condition(self._lock)
        self._io_lock = threading.Lock()  # a write in flight vs closing its port
        self._port: Any = None
        self._out: collections.deque[bytes] = collections.deque()
        self._write_error: str | None = None
        self._last_state: bytes | None = None  # the last STATE line queued
        self._last_snapshot: Snapshot | None = None  # what it was made from
        self._state_owed = False  # the latest STATE was dropped: write it once the queue drains
        self._status = RemoteStatus(False, "remote not started")
        self._threads: list[threading.Thread] = []

    # ------------------------------------------------------------ life cycle

    @property
    def status(self) -> RemoteStatus:
        """Whether the port is open now, and why not."""
        with self._lock:
            return self._status

    def start(self) -> None:
        """Open the port and start the threads (once).

        A port that cannot be opened now (unplugged) is not an error: a
        ``RemoteStatus(False, "remote unavailable: ...")`` is posted and the
        reader keeps trying with the backoff. A malformed URL (``ValueError``
        from pyserial) is a configuration error and raises.
        """
        if self._threads:
            return
        port = None
        try:
            port = self._open()
        except (serial.SerialException, OSError) as e:
            self._set_status(RemoteStatus(False, f"remote unavailable: {e}"))
        if port is not None:
            self._went_up(port, "remote connected")
        self._threads = [
            threading.Thread(target=self._read_loop, args=(port,), name="remote-reader", daemon=True),
            threading.Thread(target=self._write_loop, name="remote-writer", daemon=True),
        ]
        for t in self._threads:
            t.start()

    def close(self) -> None:
        """Stop both threads and close the port. Safe to call twice."""
        self._closing.set()
        with self._ready:
            port = self._port
            self._ready.notify_all()
        if port is not None:
            # Wake a reader blocked in read() at once; only the reader closes
            # the port, under _io_lock, so it is still open if is_open says so.
            if self._io_lock.acquire(timeout=WRITE_TIMEOUT_S * 2):
                try:
                    cancel_read(port)
                finally:
                    self._io_lock.release()
        for t in self._threads:
            t.join(timeout=1.0)

    def __enter__(self) -> SerialRemote:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------ main-loop side

    def send_cue(self, name: str) -> None:
        """Queue ``CUE <name>``; never blocks; dropped while unplugged."""
        self._send(protocol.cue(name))

    def send_saved(self, total_reps: int) -> None:
        """Queue ``SAVED <total_reps>``; never blocks; dropped while unplugged."""
        self._send(protocol.saved(total_reps))

    def send_note(self, text: str) -> None:
        """Queue ``NOTE <text>``; never blocks; dropped while unplugged."""
        self._send(protocol.note(text))

    def send_state(self, snapshot: Snapshot) -> None:
        """Queue ``STATE ...`` when it differs from the last one; never blocks.

        The latest state is also sent right after every reconnect, with its
        seconds-left brought up to date from ``phase_ends_at``.
        """
        line = protocol.state(snapshot)
        with self._lock:
            self._last_snapshot = snapshot
            if line == self._last_state:
                return
            self._last_state = line
        self._send(line)

    def _send(self, line: bytes) -> None:
        with self._ready:
            if self._port is None or self._closing.is_set():
                return
            if len(self._out) >= _OUT_MAX:
                if line.startswith(b"STATE "):
                    self._state_owed = True
                    self._ready.notify()
                return
            self._out.append(line)
            self._ready.notify()

    # ------------------------------------------------------------ reader thread

    def _open(self) -> Any:
        return open_port(self.url, self.baud, self._open_fn)

    def _read_loop(self, port: Any) -> None:
        attempt = 0
        ever_up = port is not None
        up_at = self._clock()
        framer = protocol.LineFramer()
        while not self._closing.is_set():
            if port is None:
                wait_s = self._backoff_s[min(attempt, len(self._backoff_s) - 1)]
                if self._closing.wait(wait_s):
                    break
                attempt += 1
                try:
                    port = self._open()
                except (serial.SerialException, OSError):
                    continue  # still unplugged; already said so
                if self._closing.is_set():
                    break  # closed while opening: do not announce a port being closed
                up_at = self._clock()
                framer = protocol.LineFramer()  # nothing carries over a reconnect
                self._went_up(port, "remote back" if ever_up else "remote connected")
                self._deliver(self.status)
                ever_up = True
                continue
            failure = None
            try:
                waiting = port.in_waiting
                data = port.read(min(max(waiting, 1), _READ_CHUNK))
            except (serial.SerialException, OSError) as e:
                data, failure = b"", str(e) or type(e).__name__
            if data:
                self._on_bytes(framer.feed(data))
            with self._lock:
                failure = failure or self._write_error
            if failure is not None and not self._closing.is_set():
                self._went_down(port, failure)
                port = None
                if self._clock() - up_at >= max(self._backoff_s):
                    attempt = 0  # it had settled; a port that fails at once keeps backing off
        with self._lock:
            self._port = None
            self._out.clear()
            self._status = RemoteStatus(False, "remote closed")
        if port is not None:
            self._close_port(port)

    def _on_bytes(self, items: list[protocol.Line | protocol.Dropped]) -> None:
        for item in items:
            at = self._clock()
            decoded = protocol.decode(item)
            if decoded is None:
                continue
            if isinstance(decoded, protocol.Reject):
                if self._errs.allow(at):
                    self._send(protocol.err(decoded.reason))
                continue
            if decoded.kind in _GESTURES and not self._gestures.allow(at):
                self._too_fast(at)
                continue
            event = protocol.to_event(decoded, at)
            if event is None:
                self._send(protocol.pong())
            else:
                self._deliver(event)

    def _too_fast(self, at: float) -> None:
        """A gesture over the human rate was dropped: say so, now and then."""
        if self._errs.allow(at):
            self._send(protocol.err(f"too fast: over {GESTURES_PER_S:g} gestures a second are ignored"))
        if self._flood_noted_at is None or at - self._flood_noted_at >= _FLOOD_NOTE_S:
            self._flood_noted_at = at
            self._deliver(RemoteStatus(True, f"remote too fast: gestures over {GESTURES_PER_S:g} "
                                             "a second ignored"))

    def _deliver(self, item: object) -> None:
        try:
            self._post(item)
        except queue.Full:
            pass  # the caller's queue is bounded and full: a flood, drop it

    def _went_up(self, port: Any, detail: str) -> None:
        now = self._clock()
        with self._ready:
            self._port = port
            self._write_error = None
            self._out.clear()
            self._out.append(self._hello)
            self._state_owed = False
            if self._last_snapshot is not None:
                self._last_state = protocol.state(_aged(self._last_snapshot, now))
                self._out.append(self._last_state)
            self._status = RemoteStatus(True, detail)
            self._ready.notify()

    def _went_down(self, port: Any, why: str) -> None:
        lost = RemoteStatus(False, f"remote lost: {why}")
        with self._ready:
            self._port = None
            self._out.clear()
            self._write_error = None
            self._status = lost
        self._close_port(port)
        self._deliver(lost)

    def _close_port(self, port: Any) -> None:
        close_port(port, self._io_lock)

    def _set_status(self, status: RemoteStatus) -> None:
        with self._lock:
            self._status = status
        self._deliver(status)

    # ------------------------------------------------------------ writer thread

    def _write_loop(self) -> None:
        while True:
            with self._ready:
                while (not self._out and not (self._state_owed and self._port is not None)
                       and not self._closing.is_set()):
                    self._ready.wait()
                if self._closing.is_set():
                    return
                port = self._port
                if self._out:
                    line = self._out.popleft()
                else:  # drained: the latest state, which a full queue or a timeout dropped
                    self._state_owed = False
                    snapshot = self._last_snapshot
                    latest = (protocol.state(_aged(snapshot, self._clock())) if snapshot is not None
                              else self._last_state)
                    if latest is None:
                        continue
                    self._last_state = line = latest
            if port is None:
                continue
            with self._io_lock:
                try:
                    if port.is_open:
                        port.write(line)
                except serial.SerialTimeoutException:
                    # the remote is not reading: drop this line; a state is owed again
                    if line.startswith(b"STATE "):
                        with self._lock:
                            self._state_owed = self._port is port
                    continue
                except (serial.SerialException, OSError) as e:
                    with self._lock:
                        wake = self._port is port and self._write_error is None
                        if wake:
                            self._write_error = f"write failed: {e}"
                    if wake:
                        cancel_read(port)  # the reader may be blocked in read(): it reports it
