"""ALSA's error lines, rate-limited: underruns one line a minute with a count,
every other kind of error once.

alsa-lib prints every error to stderr ("ALSA lib pcm.c:8570:(snd_pcm_recover)
underrun occurred"), and an underrun happens every time SDL's audio thread is
late: on a busy or slow machine that is several lines a second, which floods
the journal and hides everything else. :func:`quiet_alsa_errors` installs an
error handler (``snd_lib_error_set_handler``) in the process's libasound (the
one SDL dlopens as libasound.so.2) that prints the first underrun and then, at
most once per :data:`WINDOW_S`, how many more there were; any other error
(the configuration probing a mixer open does) the first time only.

No libasound (a PC without ALSA, macOS): nothing happens.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
import threading
import time
from collections.abc import Callable
from typing import TextIO

WINDOW_S = 60.0
"""The journal gets at most one line per kind of ALSA error per this many s."""

# void (*)(const char *file, int line, const char *function, int err, const char *fmt, ...)
# The varargs are not read: on Linux (x86-64, arm64, arm) a variadic call
# passes the fixed arguments exactly as a plain one does.
_HANDLER = ctypes.CFUNCTYPE(None, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                            ctypes.c_int, ctypes.c_char_p)

_lock = threading.Lock()
_installed: object = None  # the ctypes callback, kept alive while installed


class RateLimiter:
    """Decides which error lines get printed. ``clock``: s; ``out``: where."""

    def __init__(self, out: Callable[[], TextIO] = lambda: sys.stderr,
                 clock: Callable[[], float] = time.monotonic, window_s: float = WINDOW_S) -> None:
        self._out, self._clock, self._window_s = out, clock, window_s
        self._kinds: dict[str, list[float | int]] = {}  # kind -> [window start s, suppressed]

    def error(self, kind: str, text: str, repeats: bool = True) -> None:
        """One ALSA error of ``kind`` (the alsa-lib function), printed as
        ``text``. ``repeats``: one that keeps coming (an underrun) is counted
        and said again once per window; any other is said once."""
        now = self._clock()
        with _lock:
            state = self._kinds.get(kind)
            if state is None:
                self._kinds[kind] = [now, 0]
                line = f"{text} (more of these: one line a minute)" if repeats else text
            elif not repeats:
                return
            elif now - state[0] >= self._window_s:
                more = int(state[1]) + 1
                state[0], state[1] = now, 0
                line = f"{text} ({more} in the last {self._window_s:g} s)"
            else:
                state[1] = int(state[1]) + 1
                return
        try:
            out = self._out()
            out.write(line + "\n")
            out.flush()
        except (OSError, ValueError):
            pass


def quiet_alsa_errors(limiter: RateLimiter | None = None) -> bool:
    """Rate-limit alsa-lib's error lines for this process (idempotent).
    True when the handler is in place, False without libasound."""
    global _installed
    if _installed is not None:
        return True
    name = ctypes.util.find_library("asound") or "libasound.so.2"
    try:
        lib = ctypes.CDLL(name)
        set_handler = lib.snd_lib_error_set_handler
    except (OSError, AttributeError):
        return False
    limiter = limiter or RateLimiter()

    def handler(file: bytes | None, line: int, function: bytes | None, err: int,
                fmt: bytes | None) -> None:
        try:
            func = (function or b"?").decode(errors="replace")
            what = (fmt or b"").decode(errors="replace")
            recover = func == "snd_pcm_recover"
            if recover:
                what = "underrun (or overrun): the sound thread was late"
            where = (file or b"?").decode(errors="replace")
            limiter.error(f"{where}:{line}", f"station: ALSA {where}:{line}:({func}) {what}",
                          repeats=recover)
        except Exception:  # noqa: BLE001 - never raise into C
            pass

    callback = _HANDLER(handler)
    set_handler.argtypes = [_HANDLER]
    set_handler.restype = ctypes.c_int
    if set_handler(callback) != 0:
        return False
    _installed = callback
    return True
