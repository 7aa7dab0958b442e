"""Least-recently-used caches bounded in entries and in bytes, for rendered
surfaces and open fonts."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

import pygame

V = TypeVar("V")


class LRU(Generic[V]):
    """A small least-recently-used map, bounded by entries (``maxsize``) and,
    when ``max_bytes`` is given, by the sum of ``weigh(value)`` (bytes). The
    entry just put is always kept, even if it alone weighs more."""

    def __init__(self, maxsize: int, max_bytes: int | None = None,
                 weigh: Callable[[V], int] | None = None) -> None:
        if maxsize < 1:
            raise ValueError(f"LRU maxsize must be at least 1, got {maxsize}")
        if max_bytes is not None and (max_bytes < 1 or weigh is None):
            raise ValueError(f"LRU max_bytes must be at least 1 and needs weigh, got {max_bytes}")
        self.maxsize = maxsize
        self.max_bytes = max_bytes
        self._weigh = weigh
        self._d: OrderedDict[Hashable, tuple[V, int]] = OrderedDict()
        self.bytes = 0  # the sum of weigh() over the entries held (0 without weigh)
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> V | None:
        e = self._d.get(key)
        if e is None:
            self.misses += 1
            return None
        self.hits += 1
        self._d.move_to_end(key)
        return e[0]

    def put(self, key: Hashable, value: V) -> V:
        old = self._d.pop(key, None)
        if old is not None:
            self.bytes -= old[1]
        size = self._weigh(value) if self._weigh is not None else 0
        self._d[key] = (value, size)
        self.bytes += size
        while len(self._d) > self.maxsize or (
                self.max_bytes is not None and self.bytes > self.max_bytes and len(self._d) > 1):
            _, (_, gone) = self._d.popitem(last=False)
            self.bytes -= gone
        return value

    def __len__(self) -> int:
        return len(self._d)


def surface_bytes(s: pygame.Surface) -> int:
    """The pixel memory of ``s``, bytes: a subsurface's is its parent's,
    which it keeps alive."""
    p = s.get_abs_parent()
    return p.get_pitch() * p.get_height()

