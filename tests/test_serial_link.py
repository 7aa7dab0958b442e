"""The pyserial link with real ports: a pty pair (the remote is the master
side), ``loop://`` and a ``socket://`` server. Threads are real; every wait
is on a queue or a file descriptor with a timeout, never a sleep."""

from __future__ import annotations

import os
import queue
import socket
import threading
import time
from dataclasses import replace

import pytest
import serial

from station.core.events import End, Fail, Phase, Rep, Undo
from station.core.gestures import Edge
from station.core.snapshot import Snapshot
from station.hw.serial_link import GESTURE_BURST, GESTURES_PER_S, RemoteStatus, SerialRemote
from station.testing import PtyRemote, snapshot

WAIT_S = 3.0  # generous: only reached when something is broken


class Plug:
    """An ``open_fn`` whose device comes and goes: a fresh pty on each plug-in."""

    def __init__(self, plugged: bool = True) -> None:
        self.remote: PtyRemote | None = PtyRemote(WAIT_S) if plugged else None
        self.ports: list = []  # every port it opened, in order
        self._refused = 0
        self._changed = threading.Condition()

    def __call__(self, url: str, **kwargs):
        if self.remote is None:
            with self._changed:
                self._refused += 1
                self._changed.notify_all()
            raise serial.SerialException(f"could not open port {url}: no such device")
        self.ports.append(serial.serial_for_url(self.remote.path, **kwargs))
        return self.ports[-1]

    def wait_refused(self, n: int) -> None:
        """Wait until the link has tried (and failed) to open ``n`` times."""
        with self._changed:
            assert self._changed.wait_for(lambda: self._refused >= n, timeout=WAIT_S)

    def unplug(self) -> None:
        assert self.remote is not None
        self.remote.unplug()
        self.remote = None

    def replug(self) -> PtyRemote:
        self.remote = PtyRemote(WAIT_S)
        return self.remote

    def close(self) -> None:
        if self.remote is not None:
            self.remote.unplug()


def get(q: queue.Queue, timeout: float = WAIT_S):
    try:
        return q.get(timeout=timeout)
    except queue.Empty:
        raise AssertionError(f"nothing posted in {timeout} s") from None


def snap(phase: Phase = Phase.REST, seconds_left: float | None = 12.34, reps: int = 5) -> Snapshot:
    return snapshot(phase=phase, bout_index=1, reps_in_bout=reps, target_reps=5, total_reps=10,
                    phase_started_at=0.0, seconds_left=seconds_left, set_started_at=0.0)


@pytest.fixture
def plug():
    p = Plug()
    yield p
    p.close()


@pytest.fixture
def events() -> queue.Queue:
    return queue.Queue()


@pytest.fixture
def link(plug, events):
    remote = SerialRemote(
        "/dev/station-remote", events.put_nowait, time.monotonic,
        version="9.9", open_fn=plug, backoff_s=(0.02, 0.05),
    )  # fmt: skip
    with remote:
        yield remote


# ---------------------------------------------------------------- both ways over a pty


def test_hello_when_the_link_opens(link, plug):
    assert plug.remote.raw_line() == b"HELLO station 9.9"
    assert link.status == RemoteStatus(True, "remote connected")


def test_every_remote_command_reaches_the_main_loop_stamped_by_the_station_clock(plug, events):
    station_now = [100.0]  # the station's clock, moved by hand
    with SerialRemote("/dev/x", events.put_nowait, lambda: station_now[0], open_fn=plug):
        remote = plug.remote
        assert remote.raw_line().startswith(b"HELLO")
        expected = [
            (b"PRESS\n", Edge(True, 100.0, source="remote")),
            (b"RELEASE\r\n", Edge(False, 100.5, source="remote")),
            (b"REP\n", Rep(101.0)),
            (b"  fail  \n", Fail(101.5)),
            (b"UNDO\n", Undo(102.0)),
            (b"end\n", End(102.5)),
        ]
        for line, event in expected:
            remote.write(line)
            assert get(events) == event
            station_now[0] += 0.5
        assert events.empty()


def test_ping_is_answered_by_the_link_and_not_posted(link, plug, events):
    remote = plug.remote
    assert remote.raw_line().startswith(b"HELLO")
    remote.write(b"PING\n")
    assert remote.raw_line() == b"PONG"
    remote.write(b"REP\n")
    assert isinstance(get(events), Rep)  # the first thing posted: PING posted nothing
    assert events.empty()


def test_garbage_and_overlong_lines_get_err_and_the_link_carries_on(link, plug, events):
    remote = plug.remote
    assert remote.raw_line().startswith(b"HELLO")
    remote.write(b"JUMP\n" + b"x" * 300 + b"PRESS\n" + b"RE\x00P\n\xff\xfe\n" + b"press 2\nREP\n")
    assert remote.raw_line() == b"ERR unknown command JUMP"
    assert remote.raw_line() == b"ERR line too long (max 128 bytes)"
    assert remote.raw_line() == b"ERR non-printable byte 0x00"
    assert remote.raw_line() == b"ERR non-printable byte 0xff"
    assert remote.raw_line() == b"ERR PRESS takes no argument"
    assert isinstance(get(events), Rep)  # the only event: nothing was half-parsed
    assert events.empty()


def test_cues_and_state_changes_reach_the_remote(link, plug):
    remote = plug.remote
    assert remote.raw_line().startswith(b"HELLO")
    link.send_cue("go")
    assert remote.raw_line() == b"CUE go"
    link.send_state(snap())
    assert remote.raw_line() == b"STATE REST 12.3 5 2"
    link.send_state(snap())  # no change: nothing sent
    link.send_state(snap(Phase.WORK, None, 0))
    assert remote.raw_line() == b"STATE WORK - 0 2"


def test_unplug_is_reported_once_and_replug_says_hello_and_the_latest_state(plug, events):
    station_now = [100.0]
    resting = replace(snap(seconds_left=10.0), phase_ends_at=110.0)  # a rest ending at 110 s
    with SerialRemote("/dev/x", events.put_nowait, lambda: station_now[0], version="9.9",
                      open_fn=plug, backoff_s=(0.02, 0.05)) as link:  # fmt: skip
        assert plug.remote.raw_line().startswith(b"HELLO")
        link.send_state(resting)
        assert plug.remote.raw_line() == b"STATE REST 10.0 5 2"

        plug.unplug()
        lost = get(events)
        assert isinstance(lost, RemoteStatus) and not lost.connected
        assert lost.detail.startswith("remote lost: ")
        assert not link.status.connected
        link.send_cue("rep")  # unplugged: dropped, and it must not block
        plug.wait_refused(3)  # it keeps retrying while unplugged

        station_now[0] = 106.0
        remote = plug.replug()
        assert get(events) == RemoteStatus(True, "remote back")  # nothing else posted meanwhile
        assert remote.raw_line() == b"HELLO station 9.9"
        assert remote.raw_line() == b"STATE REST 4.0 5 2"  # the rest as it is now; no stale cue
        link.send_cue("done")
        assert remote.raw_line() == b"CUE done"
        remote.write(b"PRESS\n")
        assert get(events) == Edge(True, 106.0, source="remote")
        assert events.empty()  # "remote lost" was posted once, not once per retry


def test_a_remote_missing_at_start_is_reported_and_found_later(events):
    plug = Plug(plugged=False)
    with SerialRemote("/dev/station-remote", events.put_nowait, time.monotonic,
                      open_fn=plug, backoff_s=(0.02,)) as link:  # fmt: skip
        missing = get(events)
        assert not missing.connected and missing.detail.startswith("remote unavailable: ")
        plug.wait_refused(3)
        remote = plug.replug()
        assert get(events) == RemoteStatus(True, "remote connected")
        assert remote.raw_line().startswith(b"HELLO station ")
        assert link.status.connected
    plug.close()


def test_a_malformed_url_is_a_configuration_error(events):
    link = SerialRemote("nonsense://x", events.put_nowait, time.monotonic)
    with pytest.raises(ValueError, match="nonsense"):
        link.start()
    link.close()


def test_reconnect_max_s_caps_every_wait_between_reopen_attempts(events):
    plug = Plug(plugged=False)
    with SerialRemote("/dev/x", events.put_nowait, time.monotonic, open_fn=plug,
                      backoff_s=(30.0,), reconnect_max_s=0.1):  # fmt: skip
        assert not get(events).connected
        plug.wait_refused(3)  # within WAIT_S: not 30 s apart
        remote = plug.replug()
        assert get(events) == RemoteStatus(True, "remote connected")
        assert remote.raw_line().startswith(b"HELLO station ")
    plug.close()


@pytest.mark.parametrize("bad", [0.0, -1.0, float("nan")])
def test_a_reconnect_max_s_that_is_not_positive_is_refused(events, bad):
    with pytest.raises(ValueError, match="reconnect_max_s"):
        SerialRemote("/dev/x", events.put_nowait, time.monotonic, reconnect_max_s=bad)


def test_close_is_prompt_while_waiting_to_reconnect(events):
    plug = Plug(plugged=False)
    link = SerialRemote("/dev/x", events.put_nowait, time.monotonic, open_fn=plug, backoff_s=(30.0,))
    link.start()
    assert not get(events).connected
    started = time.monotonic()
    link.close()
    assert time.monotonic() - started < 0.5


def test_close_is_prompt_while_reading(link, plug):
    assert plug.remote.raw_line().startswith(b"HELLO")
    started = time.monotonic()
    link.close()
    assert time.monotonic() - started < 0.5
    link.send_cue("go")  # after close: ignored, no error


def test_sends_never_block_when_the_remote_stops_reading(link, plug):
    # Nobody reads the pty: its buffer fills and the writer's writes time out.
    started = time.monotonic()
    for i in range(5000):
        link.send_state(snap(seconds_left=i / 10))
        link.send_cue("tempo")
    assert time.monotonic() - started < 0.5  # the main loop would not notice
    started = time.monotonic()
    link.close()
    assert time.monotonic() - started < 0.8  # one write timeout at worst


# ---------------------------------------------------------------- flood


def test_a_flood_of_garbage_is_answered_with_few_errs_and_real_commands_still_count(events):
    plug = Plug()
    with SerialRemote("/dev/x", events.put_nowait, time.monotonic, open_fn=plug):
        remote = plug.remote
        assert remote.raw_line().startswith(b"HELLO")
        started = time.monotonic()
        remote.write((b"\x00garbage!\n" * 9 + b"REP\n") * 1000 + b"PING\n")
        errs = 0
        while (line := remote.raw_line()) != b"PONG":
            assert line.startswith(b"ERR ")
            errs += 1
        elapsed = time.monotonic() - started
    plug.close()
    assert errs <= 5 + 20 * elapsed + 1  # burst + rate: the writer never backs up
    items = [events.get_nowait() for _ in range(events.qsize())]
    reps = [r for r in items if isinstance(r, Rep)]
    # 1000 REPs in a few ms are no lifter: a human's rate counts, the rest is dropped, with a note
    assert 1 <= len(reps) <= GESTURE_BURST + GESTURES_PER_S * elapsed + 1
    notes = [i for i in items if isinstance(i, RemoteStatus)]
    assert len(notes) == 1 and "too fast" in notes[0].detail


# ---------------------------------------------------------------- other transports


class Recorder:
    """Wraps a port and records what the station writes to it."""

    def __init__(self, port) -> None:
        self.port = port
        self.written: queue.Queue[bytes] = queue.Queue()

    def write(self, data: bytes) -> int:
        self.written.put(bytes(data))
        return self.port.write(data)

    def __getattr__(self, name: str):
        return getattr(self.port, name)


def test_loop_round_trip_answers_and_never_trades_errors_with_itself(events):
    ports: list[Recorder] = []

    def open_loop(url: str, **kwargs) -> Recorder:
        ports.append(Recorder(serial.serial_for_url(url, **kwargs)))
        return ports[-1]

    with SerialRemote("loop://", events.put_nowait, time.monotonic, open_fn=open_loop) as link:
        port = ports[0]
        written = [get(port.written), get(port.written)]
        port.port.write(b"PING\n")  # as if from a remote
        written += [get(port.written), get(port.written)]
        port.port.write(b"PRESS\n")
        pressed = get(events)
        link.send_cue("done")
        written += [get(port.written), get(port.written)]
    assert written == [
        b"HELLO station 0.1.0\n",
        b"ERR unexpected HELLO: the station sends it\n",  # its own HELLO came back
        b"PONG\n",
        b"ERR unexpected PONG: the station sends it\n",
        b"CUE done\n",  # no ERR about an ERR in between: no ping-pong
        b"ERR unexpected CUE: the station sends it\n",
    ]
    assert isinstance(pressed, Edge) and pressed.pressed and pressed.source == "remote"


def test_socket_remote_unplugged_and_back(events):
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(WAIT_S)
    host, port = server.getsockname()
    try:
        with SerialRemote(f"socket://{host}:{port}", events.put_nowait, time.monotonic,
                          version="1.2", backoff_s=(0.02,)):  # fmt: skip
            conn, _ = server.accept()
            with conn.makefile("rb") as f:
                assert f.readline() == b"HELLO station 1.2\n"
            conn.close()  # the remote goes away (EOF)
            lost = get(events)
            assert not lost.connected and lost.detail.startswith("remote lost: ")
            conn, _ = server.accept()
            assert get(events) == RemoteStatus(True, "remote back")
            with conn, conn.makefile("rwb") as f:
                assert f.readline() == b"HELLO station 1.2\n"
                f.write(b"UNDO\r\n")
                f.flush()
                assert isinstance(get(events), Undo)
    finally:
        server.close()


# ---------------------------------------------------------------- ports and states (issue 11)


def test_a_port_another_program_holds_is_named_and_taken_once_free(events):
    import fcntl

    plug = Plug()
    other = os.open(plug.remote.path, os.O_RDWR | os.O_NOCTTY)
    fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)  # e.g. a serial terminal that locks it
    try:
        with SerialRemote("/dev/x", events.put_nowait, time.monotonic, open_fn=plug,
                          backoff_s=(0.02,)) as link:
            status = get(events)
            assert not status.connected
            assert "another program holds /dev/x" in status.detail, status.detail
            fcntl.flock(other, fcntl.LOCK_UN)
            os.close(other)
            other = None
            assert get(events).detail == "remote connected"
            assert link.status.connected
    finally:
        if other is not None:
            os.close(other)
        plug.close()


def test_the_open_tty_is_exclusive(link, plug):
    import fcntl
    import struct

    TIOCGEXCL = 0x80045440  # Linux: read the tty's exclusive flag
    assert plug.remote.raw_line().startswith(b"HELLO")
    port = plug.ports[-1]  # the port the link opened
    flag = fcntl.ioctl(port.fileno(), TIOCGEXCL, struct.pack("i", 0))
    assert struct.unpack("i", flag)[0] == 1  # a second (non-root) open gets EBUSY


class StallingPort:
    """A port whose writes time out while ``stalled`` (a remote that stopped
    reading), then go through; what went through is in ``written``."""

    def __init__(self) -> None:
        self.stalled = threading.Event()
        self.written: list[bytes] = []
        self.is_open = True
        self.in_waiting = 0
        self._lock = threading.Lock()

    def write(self, data: bytes) -> int:
        if self.stalled.is_set():
            time.sleep(0.01)
            raise serial.SerialTimeoutException("write timeout")
        with self._lock:
            self.written.append(bytes(data))
        return len(data)

    def read(self, n: int) -> bytes:
        time.sleep(0.02)
        return b""

    def close(self) -> None:
        self.is_open = False

    def lines(self) -> list[bytes]:
        with self._lock:
            return list(self.written)


def test_the_latest_state_always_reaches_the_remote_once_the_link_drains(events):
    port = StallingPort()
    with SerialRemote("loop://", events.put_nowait, time.monotonic,
                      open_fn=lambda url, **kw: port) as link:
        deadline = time.monotonic() + WAIT_S
        while not port.lines() and time.monotonic() < deadline:
            time.sleep(0.01)
        port.stalled.set()  # the remote stops reading; the station holds 70 reps meanwhile
        for reps in range(1, 71):
            link.send_state(snap(phase=Phase.WORK, seconds_left=None, reps=reps))
            link.send_cue("rep")
        time.sleep(0.1)
        port.stalled.clear()  # it reads again
        want = b"STATE WORK - 70 2\n"
        while want not in port.lines() and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.1)
    states = [ln for ln in port.lines() if ln.startswith(b"STATE")]
    assert states and states[-1] == want, port.lines()[-5:]


def test_a_flood_of_reps_costs_the_main_loop_no_more_than_a_human_could(events):
    plug = Plug()
    with SerialRemote("/dev/x", events.put_nowait, time.monotonic, open_fn=plug):
        remote = plug.remote
        assert remote.raw_line().startswith(b"HELLO")
        started = time.monotonic()
        remote.write(b"REP\n" * 7000 + b"PING\n")
        while remote.raw_line() != b"PONG":
            pass
        elapsed = time.monotonic() - started
        time.sleep(1.0 / GESTURES_PER_S * 2)  # a lifter's next rep, at a human pace, counts
        remote.write(b"REP\n")
        deadline = time.monotonic() + WAIT_S
        while events.qsize() == 0 and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.1)
    plug.close()
    items = [events.get_nowait() for _ in range(events.qsize())]
    reps = [r for r in items if isinstance(r, Rep)]
    assert len(reps) <= GESTURE_BURST + GESTURES_PER_S * (elapsed + 0.5) + 2
    assert isinstance(items[-1], Rep)  # the human rep after the flood counted
    assert sum(isinstance(i, RemoteStatus) for i in items) == 1


# ---------------------------------------------------------------- idle


class CountingPlug(Plug):
    """A Plug whose ports count the reader's read() calls."""

    def __init__(self) -> None:
        super().__init__()
        self.reads = 0

    def __call__(self, url: str, **kwargs):
        port = super().__call__(url, **kwargs)
        read, plug = port.read, self

        def counted(n: int = 1) -> bytes:
            plug.reads += 1
            return read(n)

        port.read = counted
        return port


@pytest.mark.slow
def test_a_quiet_remote_does_not_wake_the_reader_and_commands_and_unplug_still_arrive(events):
    plug = CountingPlug()
    with SerialRemote("/dev/x", events.put_nowait, time.monotonic, open_fn=plug,
                      backoff_s=(0.02,)):  # fmt: skip
        assert plug.remote.raw_line().startswith(b"HELLO")
        before = plug.reads
        time.sleep(1.0)  # the remote says nothing for a second
        assert plug.reads - before <= 1  # the read in progress, no timeout poll (was 5 a second)
        plug.remote.write(b"REP\n")
        assert isinstance(get(events), Rep)
        plug.unplug()
        lost = get(events)
        assert isinstance(lost, RemoteStatus) and not lost.connected


def test_a_write_that_fails_wakes_a_blocked_reader_and_the_link_reconnects(events):
    plug = CountingPlug()
    with SerialRemote("/dev/x", events.put_nowait, time.monotonic, open_fn=plug,
                      backoff_s=(0.02,)) as link:  # fmt: skip
        assert plug.remote.raw_line().startswith(b"HELLO")
        port = plug.ports[-1]

        def broken(data: bytes) -> int:
            raise serial.SerialException("write failed: I/O error")

        port.write = broken
        link.send_cue("go")
        lost = get(events)
        while not (isinstance(lost, RemoteStatus) and not lost.connected):
            lost = get(events)
        assert "write failed" in lost.detail
        back = get(events)
        assert back == RemoteStatus(True, "remote back")
