"""Give back to the system the memory the drawing has freed.

A 1080p frame allocates and frees surfaces of megabytes (a big number is
rendered whole, cropped to its ink, then scaled; the count-in pulse scales it
30 times a second). glibc's allocator keeps what is freed in its heaps for
the next allocation rather than returning it, so the station's resident
memory grew by the drawing's high-water mark and stayed there (17 MB of
freed memory held after every screen had been drawn once at 1920x1080).
:func:`give_back` asks the allocator to return free pages
(``malloc_trim(0)``: 0.1-1 ms); the screen thread calls it when the picture
has settled (an endless sleep, or one of at least a second, after a frame).
Elsewhere than glibc it does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
from collections.abc import Callable


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``, or None (looked up once: the C library never changes)."""
    try:
        trim = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim


def give_back() -> bool:
    """Return freed heap memory to the system; False where the C library
    has no ``malloc_trim`` (not glibc)."""
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True
