"""alsa-lib's own error lines, switched off: they flooded the journal.

alsa-lib prints every error to stderr ("ALSA lib pcm.c:8570:(snd_pcm_recover)
underrun occurred"), and an underrun happens every time SDL's audio thread is
late: on a busy or slow machine several lines a second (80 of 108 journal
lines in five minutes on the emulated arm64 VM), which hides everything else.
:func:`quiet_alsa_errors` replaces alsa-lib's error handler
(``snd_lib_error_set_handler``, process-wide, in the libasound.so.2 that SDL
dlopens) with a C function that does nothing.

Not a Python callback: alsa-lib calls its handler from SDL's audio and
hotplug threads, and a Python callback there needs the GIL, which a thread
waiting inside SDL for that very thread (opening or closing the mixer) may
hold: a deadlock (seen: the station hung in its start-up for good). What the
lifter needs to know is said by the station itself: "no sound: ..." when the
mixer cannot open.

No libasound (a PC without ALSA, macOS): nothing happens.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import threading

_lock = threading.Lock()
_done = False


def quiet_alsa_errors() -> bool:
    """Switch alsa-lib's error lines off for this process (idempotent).
    True when they are off, False without libasound."""
    global _done
    with _lock:
        if _done:
            return True
        name = ctypes.util.find_library("asound") or "libasound.so.2"
        try:
            lib = ctypes.CDLL(name)
            set_handler = lib.snd_lib_error_set_handler
            # A do-nothing C function as the handler: getpid() reads none of the
            # arguments alsa-lib passes (file, line, function, err, fmt, ...), and
            # on Linux's calling conventions extra arguments are harmless.
            do_nothing = ctypes.cast(ctypes.CDLL(None).getpid, ctypes.c_void_p).value
        except (OSError, AttributeError):
            return False
        set_handler.argtypes = [ctypes.c_void_p]
        set_handler.restype = ctypes.c_int
        if set_handler(do_nothing) != 0:
            return False
        _done = True
        return True
