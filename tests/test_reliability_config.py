"""Reliability: a bad config file never crash-loops the appliance.

``station run`` with a broken config starts, says what is wrong (file, key,
expected value) and runs a set with the defaults; SIGTERM then ends it
cleanly. (Parsing and messages in detail: tests/test_config.py.)
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time

import pytest

BAD = {
    "syntax": ("[sound\nvolume = 0.5\n", ["line"]),
    "unknown key": ("[sound]\nloudness = 3\n", ["loudness"]),
    "bad value": ("[sound]\nvolume = 7.5\n", ["volume", "7.5"]),
    "wrong type": ('[display]\nwindow_size = "big"\n', ["window_size", "width"]),
}


def read_until(fd: int, want: bytes, timeout: float) -> bytes:
    buf, end = b"", time.monotonic() + timeout
    while want not in buf:
        left = end - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"no {want!r} within {timeout} s; got {buf[-300:]!r}")
        if select.select([fd], [], [], left)[0]:
            buf += os.read(fd, 4096)
    return buf


@pytest.mark.timeout(60)
@pytest.mark.parametrize("kind", list(BAD))
def test_station_run_with_a_bad_config_starts_says_why_and_uses_defaults(tmp_path, kind):
    text, words = BAD[kind]
    cfg = tmp_path / "bad.toml"
    cfg.write_text(text)
    master, slave = os.openpty()
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "station", "run", "cluster", "--display", "none", "--pins",
             "mock", "--no-sound", "--config", str(cfg), "--sets", "1",
             "--db", str(tmp_path / "h.sqlite3"), "--serial", os.ttyname(slave)],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env=dict(os.environ, PYGAME_HIDE_SUPPORT_PROMPT="1"))
        # the default cluster (5 reps, 15 s rest) is running: READY, bout 1
        seen = read_until(master, b"STATE READY - 0 1", timeout=20)
        assert b"HELLO" in seen
        assert proc.poll() is None  # running, not crash-looping
        os.write(master, b"REP\n")
        read_until(master, b"CUE rep", timeout=5)
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=5)
    finally:
        os.close(master)
        os.close(slave)
    assert proc.returncode == 0, err
    notes = [ln for ln in err.decode().splitlines() if "config" in ln]
    assert len(notes) == 1, err.decode()  # one clear message
    assert str(cfg) in notes[0] and "defaults in use" in notes[0]
    for w in words:
        assert w in notes[0], (w, notes[0])
    assert "Traceback" not in err.decode()


@pytest.mark.timeout(120)
@pytest.mark.slow
def test_sigterm_always_ends_station_run_within_2_s(tmp_path):
    for attempt in range(8):
        master, slave = os.openpty()
        try:
            proc = subprocess.Popen(
                [sys.executable, "-m", "station", "run", "cluster", "--display", "none",
                 "--pins", "mock", "--no-sound", "--config", os.devnull, "--sets", "1",
                 "--db", str(tmp_path / "h.sqlite3"), "--serial", os.ttyname(slave)],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            read_until(master, b"STATE READY", timeout=20)
            proc.send_signal(signal.SIGTERM)
            try:
                assert proc.wait(2) == 0
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
                pytest.fail(f"attempt {attempt}: SIGTERM did not end station run within 2 s")
        finally:
            os.close(master)
            os.close(slave)
