"""Reliability: signals. SIGHUP (the unit owns tty1, and a hang-up sends it)
ends the station like SIGTERM: the set recorded as interrupted, exit 0. A
Ctrl-C at any moment of the start, even before the station's own handler is
in place, never prints a traceback."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from test_reliability_config import read_until

from station.history.store import History
from station.runtime.app import STOP_SIGNALS, Options, Station
from station.runtime.loop import Quit
from station.testing import FakeClock


def test_sighup_is_a_clean_stop_like_sigterm(tmp_path):
    cfg = tmp_path / "station.toml"
    cfg.write_text("")
    opts = Options(pins="mock", display="none", db=tmp_path / "h.sqlite3", config=cfg, sound=False)
    previous = {s: signal.getsignal(s) for s in STOP_SIGNALS}
    try:
        with Station(opts, clock=FakeClock(), out=lambda text: None) as station:
            station.install_signals()
            os.kill(os.getpid(), signal.SIGHUP)
            time.sleep(0)  # the handler runs between bytecodes of this thread
            item = station.loop.queue.get(timeout=5)
            while not isinstance(item, Quit):
                item = station.loop.queue.get(timeout=5)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    assert item == Quit("SIGHUP")


def test_the_cli_turns_an_early_ctrl_c_into_exit_130(monkeypatch, capsys):
    from station import cli

    def interrupted(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "build_parser", interrupted)  # Ctrl-C while the commands load
    assert cli.main(["presets"]) == 130
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_sighup_mid_set_records_it_interrupted_and_exits_0(tmp_path):
    master, slave = os.openpty()
    db = tmp_path / "h.sqlite3"
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "station", "run", "cluster", "--display", "none", "--pins",
             "mock", "--no-sound", "--config", os.devnull, "--db", str(db), "--serial",
             os.ttyname(slave)],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env=dict(os.environ, PYGAME_HIDE_SUPPORT_PROMPT="1"))
        read_until(master, b"STATE READY", timeout=30)
        os.write(master, b"REP\n")
        read_until(master, b"CUE rep", timeout=10)
        proc.send_signal(signal.SIGHUP)
        _, err = proc.communicate(timeout=10)
    finally:
        os.close(master)
        os.close(slave)
    assert proc.returncode == 0, err.decode()
    with History.open(db, 0.0, readonly=True) as h:
        [session] = h.sessions()
    assert session["status"] == "interrupted"
    assert session["bouts"][0]["reps"] == 1


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_ctrl_c_in_the_first_moments_never_prints_a_traceback(tmp_path):
    codes = []
    for i in range(16):
        proc = subprocess.Popen(
            [sys.executable, "-m", "station", "run", "cluster", "--display", "none", "--pins",
             "mock", "--no-sound", "--config", os.devnull, "--db", str(tmp_path / "h.sqlite3")],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env=dict(os.environ, PYGAME_HIDE_SUPPORT_PROMPT="1"))
        time.sleep(0.01 * i)  # 0 to 0.15 s after the start
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
        if b"init_import_site" in err:
            continue  # Python's own start-up (site), before any code of the station runs
        assert b"Traceback" not in err, (i, err.decode())
        codes.append(proc.returncode)
    assert set(codes) <= {0, 130, -signal.SIGINT}, codes
