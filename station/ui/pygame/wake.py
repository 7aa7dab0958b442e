"""How the screen thread sleeps: until new data, a key, or the next instant
the picture must change by itself, and not a moment more often.

``sleep(timeout_s)`` returns on whichever comes first; ``wake()`` (any
thread, after new data is stored) ends a sleep at once or, if none is under
way, the next one. Which sleeper fits depends on SDL's video driver
(:func:`sleeper_for`):

- :class:`DataSleeper`: no input can come (SDL's ``dummy``/``offscreen``
  drivers have no keyboard): a ``threading.Event``.
- :class:`SdlSleeper`: SDL itself blocks until input (``x11``, ``wayland``,
  ``windows``, ``cocoa``): ``SDL_WaitEventTimeout(NULL, ms)`` through ctypes,
  the event left in the queue for ``pygame.event.get()``; ``wake()`` pushes
  an event. ``pygame.event.wait(timeout)`` is no help: pygame-ce polls
  every 1 ms inside it (about 900 wake-ups a second, under any driver).
- :class:`EvdevSleeper`: the console (``kmsdrm``), where SDL reads the
  keyboards' ``/dev/input/event*`` itself but its own wait polls every 1 ms:
  ``select()`` on the same devices (each reader gets every event; ours are
  read and dropped), on ``/proc/bus/input/devices`` (readable when a device
  comes or goes) and on a pipe that ``wake()`` writes.
- :class:`PollSleeper`: where none of these can be had (a keyboard that
  cannot be opened, SDL's library not found): a sleep of at most
  ``poll_s`` between reads of SDL's events.
"""

from __future__ import annotations

import ctypes
import math
import os
import re
import select
import threading
from collections.abc import Callable, Iterable
from typing import Protocol

#: SDL video drivers whose own event wait blocks until input (SDL >= 2.0.16).
SDL_WAITS = ("x11", "wayland", "windows", "cocoa")
#: SDL video drivers that deliver no input at all.
NO_INPUT = ("dummy", "offscreen")
POLL_S = 0.02  # how often SDL's events are read where nothing else can wait for them, s
RESCAN_S = 2.0  # how often the device list is read where the kernel cannot signal a change, s
DEVICES = "/proc/bus/input/devices"


class Sleeper(Protocol):
    def sleep(self, timeout_s: float | None) -> None: ...

    def wake(self) -> None: ...

    def close(self) -> None: ...


class DataSleeper:
    """Sleeps until :meth:`wake` or the timeout (s; None: until woken).

    A bare lock, held while no wake-up is pending: a sleep is one acquire
    with a timeout (one futex wait), not an Event's Condition, which makes
    and drops a lock and a waiter list at each of a resting screen's
    several wake-ups a second."""

    def __init__(self) -> None:
        self._idle = threading.Lock()
        self._idle.acquire()

    def sleep(self, timeout_s: float | None) -> None:
        self._idle.acquire(timeout=-1 if timeout_s is None else max(0.0, timeout_s))

    def wake(self) -> None:
        try:
            self._idle.release()
        except RuntimeError:  # a wake-up is already pending
            pass

    def close(self) -> None:
        self.wake()


class PollSleeper(DataSleeper):
    """Sleeps as :class:`DataSleeper`, but at most ``poll_s`` s (reading input)."""

    def __init__(self, poll_s: float = POLL_S) -> None:
        super().__init__()
        self.poll_s = poll_s

    def sleep(self, timeout_s: float | None) -> None:
        super().sleep(self.poll_s if timeout_s is None else min(timeout_s, self.poll_s))


class SdlSleeper:
    """``wait(ms)``: SDL's ``SDL_WaitEventTimeout(NULL, ms)`` (ms -1: no
    timeout), which returns when an event is queued, leaving it there;
    ``push()``: queue an event from any thread (``pygame.event.post``).
    At most one wake-up event is queued at a time."""

    def __init__(self, wait: Callable[[int], object], push: Callable[[], object]) -> None:
        self._wait, self._push = wait, push
        self._lock = threading.Lock()
        self._pending = False

    def sleep(self, timeout_s: float | None) -> None:
        ms = -1 if timeout_s is None else max(0, math.ceil(timeout_s * 1000))
        self._wait(ms)
        with self._lock:  # before the caller reads its data: a wake() from now on pushes again
            self._pending = False

    def wake(self) -> None:
        with self._lock:
            if self._pending:
                return
            self._pending = True
        try:
            self._push()
        except Exception:  # the display is closing or gone: nobody sleeps in it any more
            pass

    def close(self) -> None:
        pass


def keyboards(devices: str) -> list[str]:
    """The event handlers (``event3``) of the keyboards in ``devices`` (the
    text of ``/proc/bus/input/devices``)."""
    out = []
    for block in devices.split("\n\n"):
        m = re.search(r"^H: Handlers=(.*)$", block, re.M)
        if m and "kbd" in m.group(1).split():
            out += [h for h in m.group(1).split() if h.startswith("event")]
    return out


class EvdevSleeper:
    """Sleeps until a key (or any event of a keyboard), a device plugged or
    unplugged, :meth:`wake`, or the timeout. ``devices``: the path of the
    input device list; ``open_device(name)`` opens ``/dev/input/<name>``
    non-blocking for reading. A keyboard that cannot be opened makes it poll
    at ``poll_s``, as SDL can read what this cannot."""

    def __init__(self, devices: str = DEVICES, open_device: Callable[[str], int] | None = None,
                 poll_s: float = POLL_S) -> None:
        self._devices_path = devices
        self._open = open_device or _open_input
        self.poll_s = poll_s
        self._r, self._w = os.pipe()
        os.set_blocking(self._r, False)
        os.set_blocking(self._w, False)
        self._list_fd: int | None = None
        self._keys: list[int] = []
        self._list_signals = True  # the device list's fd turns readable on a change
        self.blind = False  # a keyboard could not be opened: poll
        self._rescan()

    def _rescan(self) -> None:
        for fd in self._keys:
            os.close(fd)
        self._keys, self.blind = [], False
        if self._list_fd is None:
            try:
                self._list_fd = os.open(self._devices_path, os.O_RDONLY | os.O_NONBLOCK)
            except OSError:
                self.blind = True
                return
        try:
            text = os.pread(self._list_fd, 1 << 20, 0).decode(errors="replace")
        except OSError:
            self.blind = True
            return
        select.select([self._list_fd], [], [], 0)  # marks the list as seen: readable again on a change
        if select.select([self._list_fd], [], [], 0)[0]:  # a kernel that cannot tell: read it every RESCAN_S
            self._list_signals = False
        for name in keyboards(text):
            try:
                self._keys.append(self._open(name))
            except OSError:
                self.blind = True

    def sleep(self, timeout_s: float | None) -> None:
        if self.blind:
            timeout_s = self.poll_s if timeout_s is None else min(timeout_s, self.poll_s)
        if not self._list_signals:
            timeout_s = RESCAN_S if timeout_s is None else min(timeout_s, RESCAN_S)
        watched = [self._r, *self._keys]
        if self._list_fd is not None and self._list_signals:
            watched.append(self._list_fd)
        ready, _, _ = select.select(watched, [], [], timeout_s)
        if not ready and not self._list_signals:
            self._rescan()
        for fd in ready:
            if fd == self._list_fd:
                self._rescan()
            else:
                _drain(fd)

    def wake(self) -> None:
        try:
            os.write(self._w, b"x")
        except (BlockingIOError, OSError):  # the pipe is full (already woken) or closed
            pass

    def close(self) -> None:
        self.wake()
        for fd in [*self._keys, self._r, self._w] + ([self._list_fd] if self._list_fd is not None else []):
            try:
                os.close(fd)
            except OSError:
                pass
        self._keys, self._list_fd = [], None


def _drain(fd: int) -> None:
    try:
        while os.read(fd, 4096):
            pass
    except (BlockingIOError, OSError):
        pass


def _open_input(name: str) -> int:
    return os.open(f"/dev/input/{name}", os.O_RDONLY | os.O_NONBLOCK)


def sdl_library(maps: Iterable[str] | None = None) -> ctypes.CDLL | None:
    """The SDL2 library this process has loaded (pygame's), from
    ``/proc/self/maps``, or None when it is not found."""
    try:
        lines = maps if maps is not None else open("/proc/self/maps").read().splitlines()
    except OSError:
        return None
    for line in lines:
        path = line.split(maxsplit=5)[-1] if line.count(" ") >= 5 else ""
        if re.search(r"/libSDL2(-2\.0)?[-.][^/]*so", path) and "mixer" not in path and "ttf" not in path \
                and "image" not in path:
            try:
                lib = ctypes.CDLL(path)
            except OSError:
                return None
            lib.SDL_WaitEventTimeout.argtypes = [ctypes.c_void_p, ctypes.c_int]
            lib.SDL_WaitEventTimeout.restype = ctypes.c_int
            return lib
    return None


def sleeper_for(driver: str) -> Sleeper:
    """The sleeper for SDL video driver ``driver``; pygame's display must be open."""
    if driver in NO_INPUT:
        return DataSleeper()
    if driver in SDL_WAITS:
        lib = sdl_library()
        if lib is not None:
            import pygame

            kind = pygame.event.custom_type()
            return SdlSleeper(lambda ms: lib.SDL_WaitEventTimeout(None, ms),
                              lambda: pygame.event.post(pygame.event.Event(kind)))
        return PollSleeper()
    if driver == "kmsdrm":
        return EvdevSleeper()
    return PollSleeper()
