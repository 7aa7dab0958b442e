"""The screen thread wakes only for new data, a key, or a change of the
picture that is due: in the menu a window, the console and the dummy
driver all sleep until a press or a status change (issue 16)."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time

import pytest

from station.ui.pygame import wake
from station.ui.pygame.memory import give_back
from station.ui.view.messages import ShowMenu, ShowNotes

DEVICES = """I: Bus=0019 Vendor=0000 Product=0001 Version=0000
N: Name="Power Button"
H: Handlers=kbd event0

I: Bus=0003 Vendor=046d Product=c52b Version=0111
N: Name="Logitech USB Receiver Mouse"
H: Handlers=mouse0 event2

I: Bus=0003 Vendor=04d9 Product=0006 Version=0110
N: Name="USB Keyboard"
H: Handlers=sysrq kbd leds event3
"""


def test_the_keyboards_are_read_from_the_device_list():
    assert wake.keyboards(DEVICES) == ["event0", "event3"]
    assert wake.keyboards("I: Bus=0019\nH: Handlers=event0\n") == []


def test_each_driver_gets_a_sleeper_that_waits_for_its_input():
    assert type(wake.sleeper_for("dummy")) is wake.DataSleeper
    assert type(wake.sleeper_for("offscreen")) is wake.DataSleeper
    assert isinstance(wake.sleeper_for("mystery"), wake.PollSleeper)


def test_the_pygame_sdl_library_is_found_in_the_process_maps():
    import pygame  # noqa: F401  (loads SDL)

    lib = wake.sdl_library()
    assert lib is not None and lib.SDL_WaitEventTimeout is not None
    assert wake.sdl_library(["7f00-7f01 r-xp 0 08:01 1 /usr/lib/libSDL2_ttf-2.0.so.0"]) is None


def _slept(sleeper, timeout_s):
    """How long ``sleeper.sleep(timeout_s)`` took, s."""
    t = time.monotonic()
    sleeper.sleep(timeout_s)
    return time.monotonic() - t


def test_a_wake_before_the_sleep_ends_the_next_sleep_at_once():
    for sleeper in (wake.DataSleeper(), wake.PollSleeper(poll_s=30.0)):
        sleeper.wake()
        assert _slept(sleeper, 30.0) < 5.0  # at once, not at the timeout
        assert _slept(sleeper, 0.05) >= 0.04  # and only once


def test_the_sdl_sleeper_queues_one_wake_up_at_a_time():
    pushed, waits = [], []
    s = wake.SdlSleeper(waits.append, lambda: pushed.append(1))
    s.wake()
    s.wake()
    assert pushed == [1]  # the first is still queued
    s.sleep(None)
    s.sleep(0.0101)
    assert waits == [-1, 11]  # SDL's ms: -1 is no timeout
    s.wake()
    assert pushed == [1, 1]


def test_the_console_sleeper_wakes_on_a_key_and_on_new_data(tmp_path):
    listing = tmp_path / "devices"
    listing.write_text(DEVICES)
    ends = {}

    def open_device(name):
        r, w = os.pipe()
        os.set_blocking(r, False)
        ends[name] = w
        return r

    s = wake.EvdevSleeper(str(listing), open_device)
    try:
        assert sorted(ends) == ["event0", "event3"] and not s.blind
        os.write(ends["event3"], b"\x01" * 24)  # an input_event of the keyboard
        assert _slept(s, 30.0) < 5.0
        s.wake()
        assert _slept(s, 30.0) < 5.0
        # a regular file cannot signal a change: read again after RESCAN_S at most
        assert _slept(s, 0.05) >= 0.04
    finally:
        s.close()


def test_a_keyboard_that_cannot_be_opened_is_polled_for(tmp_path):
    listing = tmp_path / "devices"
    listing.write_text(DEVICES)

    def refuse(name):
        raise PermissionError(name)

    s = wake.EvdevSleeper(str(listing), refuse, poll_s=0.01)
    try:
        assert s.blind
        assert _slept(s, None) < 5.0  # no endless sleep: SDL may read what this cannot
    finally:
        s.close()


def test_memory_is_given_back_on_glibc():
    import platform

    assert give_back() is (platform.libc_ver()[0] == "glibc")


@pytest.fixture
def xvfb(monkeypatch):
    """A virtual X server; the test's pygame opens its window there."""
    if shutil.which("Xvfb") is None:
        pytest.skip("Xvfb is not installed (apt install xvfb)")
    number = 90 + os.getpid() % 500
    proc = subprocess.Popen(["Xvfb", f":{number}", "-screen", "0", "1024x768x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            if os.path.exists(f"/tmp/.X11-unix/X{number}"):
                break
            time.sleep(0.05)
        else:
            pytest.skip("Xvfb did not start")
        monkeypatch.setenv("DISPLAY", f":{number}")
        monkeypatch.setenv("SDL_VIDEODRIVER", "x11")
        yield f":{number}"
    finally:
        proc.terminate()
        proc.wait(5)


@pytest.mark.slow
def test_a_window_in_the_menu_sleeps_until_a_key_or_new_data(xvfb):
    from station.core.gestures import Edge
    from station.ui.pygame.screen_thread import ScreenThread

    posted = []
    keyed = threading.Event()

    def post(item):
        posted.append(item)
        if isinstance(item, Edge):
            keyed.set()

    with ScreenThread("window", (320, 200), time.monotonic, post) as screen:
        screen.present(ShowMenu(("cluster", "rest-pause")))
        assert screen.first_frame.wait(10)
        time.sleep(0.3)  # the first frame's window events (expose, focus) come and go
        before = screen.wakeups
        time.sleep(1.0)
        assert screen.wakeups == before  # before: 50 a second (the keyboard polled every 20 ms)
        frames = screen.frames
        screen.present(ShowNotes(("remote lost: retrying",)))
        for _ in range(100):
            if screen.frames > frames:
                break
            time.sleep(0.05)
        assert screen.frames == frames + 1  # a status change is drawn at once
        if shutil.which("xdotool"):
            subprocess.run(["xdotool", "key", "space"], env=dict(os.environ, DISPLAY=xvfb), check=True)
            assert keyed.wait(10), posted  # a key wakes it
            assert [e.pressed for e in posted if isinstance(e, Edge)][:1] == [True]


@pytest.mark.slow
def test_a_terminal_in_the_menu_draws_only_when_told():
    import io

    from station.ui.terminal import TerminalScreen

    class Out(io.StringIO):
        flushes = 0

        def flush(self):
            Out.flushes += 1

    out = Out()
    with TerminalScreen(time.monotonic, lambda item: None, out=out, keyboard=False) as screen:
        screen.present(ShowMenu(("cluster", "rest-pause")))
        for _ in range(100):
            if Out.flushes:
                break
            time.sleep(0.02)
        drawn = Out.flushes
        time.sleep(1.5)
        assert Out.flushes == drawn  # before: redrawn every second
