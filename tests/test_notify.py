"""sd_notify: what systemd receives on $NOTIFY_SOCKET, and when the watchdog is pinged."""

from __future__ import annotations

import os
import socket
import threading

import pytest

from station.runtime.notify import Notifier, WatchdogPinger

RECV_TIMEOUT_S = 2.0  # generous: a datagram already sent arrives at once
QUIET_WAIT_S = 0.2  # how long "nothing arrives" is watched for


@pytest.fixture
def listener(tmp_path):
    """A datagram socket standing in for systemd; yields (socket, path)."""
    path = tmp_path / "notify"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(path))
    sock.settimeout(RECV_TIMEOUT_S)
    yield sock, str(path)
    sock.close()


def received(sock: socket.socket) -> str:
    return sock.recv(4096).decode()


def nothing_arrives(sock: socket.socket) -> bool:
    sock.settimeout(QUIET_WAIT_S)
    try:
        sock.recv(4096)
    except TimeoutError:
        return True
    finally:
        sock.settimeout(RECV_TIMEOUT_S)
    return False


def test_ready_status_watchdog_stopping_arrive_as_datagrams(listener):
    sock, path = listener
    with Notifier({"NOTIFY_SOCKET": path}) as notifier:
        assert notifier.enabled
        assert notifier.ready()
        assert received(sock) == "READY=1"
        assert notifier.status("REST 12 s left")
        assert received(sock) == "STATUS=REST 12 s left"
        assert notifier.watchdog()
        assert received(sock) == "WATCHDOG=1"
        assert notifier.stopping()
        assert received(sock) == "STOPPING=1"


def test_status_is_one_line_and_not_repeated(listener):
    sock, path = listener
    with Notifier({"NOTIFY_SOCKET": path}) as notifier:
        notifier.status("WORK\nreps 3")
        assert received(sock) == "STATUS=WORK reps 3"
        assert not notifier.status(
            "WORK reps 3"
        )  # unchanged: the loop may call it every pass
        notifier.status("REST")
        assert received(sock) == "STATUS=REST"


def test_abstract_socket_name(tmp_path):
    name = f"station-test-{os.getpid()}-{tmp_path.name}"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind("\0" + name)
    sock.settimeout(RECV_TIMEOUT_S)
    try:
        with Notifier({"NOTIFY_SOCKET": "@" + name}) as notifier:
            notifier.ready()
            assert received(sock) == "READY=1"
    finally:
        sock.close()


def test_nothing_happens_without_notify_socket(listener):
    sock, _ = listener
    notifier = Notifier({})
    assert not notifier.enabled
    assert not notifier.ready()
    assert not notifier.status("WORK")
    assert not notifier.watchdog()
    assert notifier.watchdog_interval_s() is None
    assert not notifier.pinger().maybe_ping(0.0)
    notifier.close()
    assert nothing_arrives(sock)


def test_send_errors_never_raise(tmp_path):
    # systemd gone (socket path missing): the main loop carries on.
    with Notifier({"NOTIFY_SOCKET": str(tmp_path / "missing")}) as notifier:
        assert notifier.enabled
        assert not notifier.ready()
        assert not notifier.watchdog()


def test_closed_notifier_sends_nothing(listener):
    sock, path = listener
    notifier = Notifier({"NOTIFY_SOCKET": path})
    notifier.close()
    assert not notifier.enabled
    assert not notifier.ready()
    assert nothing_arrives(sock)


@pytest.mark.parametrize(
    ("env", "expected_s"),
    [
        ({"WATCHDOG_USEC": "10000000"}, 10.0),
        ({"WATCHDOG_USEC": "10000000", "WATCHDOG_PID": str(os.getpid())}, 10.0),
        ({"WATCHDOG_USEC": "10000000", "WATCHDOG_PID": str(os.getpid() + 1)}, None),
        ({"WATCHDOG_USEC": "0"}, None),
        ({"WATCHDOG_USEC": "ten"}, None),
        ({}, None),
    ],
)
def test_watchdog_interval_from_environment(env, expected_s):
    assert Notifier(env).watchdog_interval_s() == expected_s


def test_main_loop_pings_every_half_interval(listener):
    sock, path = listener
    env = {"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "10000000"}
    with Notifier(env) as notifier:
        pinger = notifier.pinger()
        assert pinger.period_s == 5.0
        # a loop pass every 0.5 s of fake time for 12 s
        pinged_at = [t / 2 for t in range(25) if pinger.maybe_ping(t / 2)]
        assert pinged_at == [0.0, 5.0, 10.0]
        assert [received(sock) for _ in pinged_at] == ["WATCHDOG=1"] * 3
        assert pinger.next_ping_at() == 15.0


def test_stalled_loop_stops_pings(listener):
    sock, path = listener
    env = {"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "200000"}  # 0.2 s watchdog
    threads_before = threading.active_count()
    with Notifier(env) as notifier:
        pinger = notifier.pinger()
        assert pinger.maybe_ping(100.0)
        assert received(sock) == "WATCHDOG=1"
        # The loop hangs: no more maybe_ping calls. Nothing pings behind its back.
        assert threading.active_count() == threads_before
        assert nothing_arrives(sock)
        # When the loop comes back it pings at once.
        assert pinger.maybe_ping(160.0)
        assert received(sock) == "WATCHDOG=1"


def test_pinger_with_fake_sender_and_no_watchdog():
    pings: list[None] = []
    disabled = WatchdogPinger(lambda: pings.append(None), None)
    assert not disabled.maybe_ping(0.0) and disabled.next_ping_at() is None
    assert pings == []
    with pytest.raises(ValueError, match="watchdog_s"):
        WatchdogPinger(lambda: None, 0.0)


# ---------------------------------------------------------------- the station under systemd

def _collect(sock: socket.socket, until, timeout_s: float = 20.0) -> list[str]:
    """Datagrams until ``until(message)`` is true (or the timeout passes)."""
    import time

    out: list[str] = []
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            message = received(sock)
        except TimeoutError:
            continue
        out.append(message)
        if until(message):
            break
    return out


def _wait_for(predicate, timeout_s: float = 20.0) -> bool:
    import time

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


@pytest.fixture
def station_env(listener, tmp_path, monkeypatch):
    """NOTIFY_SOCKET pointing at the listener; an empty config; a history file."""
    sock, path = listener
    monkeypatch.setenv("NOTIFY_SOCKET", path)
    cfg = tmp_path / "station.toml"
    cfg.write_text("[sound]\nspeech = false\n")
    return sock, cfg, tmp_path / "history.sqlite3"


def _run_menu(st):
    out: list[int] = []
    t = threading.Thread(target=lambda: out.append(st.run()), daemon=True)
    t.start()
    return t


def test_start_up_says_each_step_asks_for_time_and_is_ready_after_the_first_frame(station_env):
    from station.runtime.app import Options, Station
    from station.runtime.loop import Quit

    sock, cfg, db = station_env
    with Station(Options(pins="mock", display="window", sound=False, db=db, config=cfg),
                 out=lambda t: None) as st:
        t = _run_menu(st)
        got = _collect(sock, lambda m: m == "READY=1")
        assert got[-1] == "READY=1" and st.screen.first_frame.is_set()
        if not any(m.startswith("STATUS=menu: ") for m in got):
            got += _collect(sock, lambda m: m.startswith("STATUS=menu: "))
        st.loop.post(Quit("test"))
        t.join(10)
    starting = [m for m in got if m.startswith("STATUS=starting: ")]
    assert [m.split(": ", 1)[1] for m in starting][:2] == ["pins", "display"]
    assert "EXTEND_TIMEOUT_USEC=90000000" in got[:got.index("READY=1")]
    menu = [m for m in got if m.startswith("STATUS=menu: ")]
    assert menu and "hold: start" in menu[-1]


def test_a_display_that_cannot_open_is_in_status_and_is_retried_until_it_opens(
        station_env, monkeypatch):
    from station.runtime import retry
    from station.runtime.app import Options, Station
    from station.runtime.loop import Quit

    sock, cfg, db = station_env
    monkeypatch.setattr(retry, "FIRST_S", 0.05)
    monkeypatch.setenv("SDL_VIDEODRIVER", "nonexistent")  # no video device yet
    with Station(Options(pins="mock", display="window", sound=False, db=db, config=cfg),
                 out=lambda t: None) as st:
        assert type(st.screen).__name__ == "TerminalScreen"
        t = _run_menu(st)
        got = _collect(sock, lambda m: "next try in" in m and m.startswith("STATUS=menu"))
        assert "READY=1" in got
        assert "window display unavailable" in got[-1] and "nonexistent" in got[-1]
        monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")  # the panel appears
        assert _wait_for(lambda: type(st.screen).__name__ == "ScreenThread")
        got = _collect(sock, lambda m: m.startswith("STATUS=") and "display" not in m)
        assert got[-1].startswith("STATUS=menu: ")
        st.loop.post(Quit("test"))
        t.join(10)


def test_a_sound_card_that_appears_late_is_picked_up(station_env, monkeypatch):
    from station.runtime import retry
    from station.runtime.app import Options, Station
    from station.runtime.loop import Quit

    sock, cfg, db = station_env
    monkeypatch.setattr(retry, "FIRST_S", 0.05)
    monkeypatch.setenv("SDL_AUDIODRIVER", "nonexistent")  # no sound card yet
    said: list[str] = []
    with Station(Options(pins="mock", display="none", sound=True, db=db, config=cfg),
                 out=said.append) as st:
        assert [s.name for s in st.loop.sinks] == ["buzzer"]
        t = _run_menu(st)
        got = _collect(sock, lambda m: "next try in" in m)
        assert "no sound" in got[-1]
        monkeypatch.setenv("SDL_AUDIODRIVER", "dummy")  # the USB card is plugged in
        assert _wait_for(lambda: [s.name for s in st.loop.sinks] == ["buzzer", "speaker"])
        assert _wait_for(lambda: "station: sound card found: speaker on" in said)
        st.loop.post(Quit("test"))
        t.join(10)
