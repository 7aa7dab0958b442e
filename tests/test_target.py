"""What the station does on the target that a unit test can still see: the
terminal fallback under the unit (stdout is the journal, stdin the console),
and alsa-lib's error lines switched off. The real thing: tools/nspawn-check.sh
and tools/vm-check.sh."""

from __future__ import annotations

import ctypes
import ctypes.util
import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def _read_until(fd: int, words: tuple[str, ...], timeout_s: float = 30.0) -> str:
    seen = b""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                seen += os.read(fd, 65536)
            except OSError:
                break
            text = seen.decode(errors="replace")
            if all(w in text for w in words):
                return text
    return seen.decode(errors="replace")


@pytest.mark.slow
def test_under_the_unit_a_display_that_cannot_open_is_shown_on_the_console(tmp_path):
    # As under station.service: stdin is tty1 (TTYPath=, StandardInput=tty), stdout
    # and stderr go to the journal. The fullscreen display cannot open.
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 25, 80, 0, 0))  # tty1's size
    env = dict(os.environ, SDL_VIDEODRIVER="nonexistent", XDG_CONFIG_HOME=str(tmp_path),
               XDG_DATA_HOME=str(tmp_path), PYGAME_HIDE_SUPPORT_PROMPT="1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "station", "run", "cluster", "--display", "fullscreen",
         "--pins", "mock", "--no-sound", "--db", str(tmp_path / "h.sqlite3")],
        stdin=slave, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=REPO)
    os.close(slave)
    try:
        console = _read_until(master, ("READY", "fullscreen display unavailable"))
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=30)
        os.close(master)
    assert "READY" in console and "fullscreen display unavailable" in console
    assert b"\x1b[" not in out  # the journal gets no screen drawing...
    assert "fullscreen display unavailable" in err.decode()  # ...but the error, once


@pytest.mark.skipif(ctypes.util.find_library("asound") is None, reason="no libasound here")
def test_alsa_lib_error_lines_are_off():
    # Every alsa-lib error goes through the handler "underrun occurred" uses: an
    # unknown PCM opened 50 times prints 50 lines by itself, none once quietened.
    probe = """
import ctypes, sys
if sys.argv[1] == "quiet":
    from station.hw.alsa_log import quiet_alsa_errors
    assert quiet_alsa_errors() and quiet_alsa_errors()
lib = ctypes.CDLL("libasound.so.2")
handle = ctypes.c_void_p()
for _ in range(50):
    assert lib.snd_pcm_open(ctypes.byref(handle), b"nosuchpcm", 0, 0) < 0
print("done")
"""
    runs = {mode: subprocess.run([sys.executable, "-c", probe, mode], capture_output=True,
                                 text=True, timeout=60, cwd=REPO)
            for mode in ("loud", "quiet")}
    assert len(runs["loud"].stderr.splitlines()) == 50  # what alsa-lib does by itself
    assert runs["quiet"].stdout == "done\n" and runs["quiet"].stderr == ""


def test_devices_are_retried_with_doubling_waits_up_to_a_minute():
    from itertools import islice

    from station.runtime.retry import backoff_delays

    assert list(islice(backoff_delays(), 8)) == [2.0, 4.0, 8.0, 16.0, 32.0, 60.0, 60.0, 60.0]
    with pytest.raises(ValueError):
        next(backoff_delays(0.0))
