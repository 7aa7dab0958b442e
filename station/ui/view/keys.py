"""A terminal has no key-up events: rebuild press/release edges of the space
bar from the characters it sends (pure, time passed in, s).

Holding a key makes the terminal repeat it: the first repeat after an initial
delay (typically 0.25-0.66 s), then every ~30-50 ms. So:

- the first space is a press at once;
- a second space after a pause may be the first repeat or a second tap: it
  is a repeat if a third follows within ``repeat_gap_s``; else a tap, and the
  first press is released just before it (so two quick taps still make a
  double press for the gesture rules);
- no space for ``initial_gap_s`` (before any repeat) or ``repeat_gap_s``
  (once repeating) is a release.
"""

from __future__ import annotations

from dataclasses import dataclass

from station.core.gestures import Edge

TAP_S = 0.05  # the duration given to a tap whose real release is unknowable

#: The keys of the terminal display and of the window, as both show them.
KEY_LEGEND = ("space = rep (hold 1 s = failure, 3 s = end, 2 taps = undo) | u undo | f failure"
              " | e end | q quit")


@dataclass
class SpaceDecoder:
    """Feed ``key(at)`` for each space character and ``poll(now)`` regularly;
    both return the edges decided (instants in s)."""

    initial_gap_s: float = 0.7
    repeat_gap_s: float = 0.12
    source: str = "keyboard"
    _down: bool = False
    _first_at: float = 0.0
    _last_at: float = 0.0
    _repeating: bool = False
    _maybe_tap_at: float | None = None

    def key(self, at: float) -> list[Edge]:
        out = self.poll(at)
        if not self._down:
            self._press(at)
            return out + [Edge(True, at, self.source)]
        if self._repeating:
            self._last_at = at
        elif self._maybe_tap_at is None:
            self._maybe_tap_at = at
        else:
            self._repeating = True  # two quick ones after the first: the key is held
            self._maybe_tap_at = None
            self._last_at = at
        return out

    def _press(self, at: float) -> None:
        self._down, self._first_at, self._last_at = True, at, at
        self._repeating, self._maybe_tap_at = False, None

    def poll(self, now: float) -> list[Edge]:
        if not self._down:
            return []
        if self._maybe_tap_at is not None:
            if now - self._maybe_tap_at < self.repeat_gap_s:
                return []
            second = self._maybe_tap_at  # no third: it was a second tap
            release = min(self._first_at + TAP_S, second - 0.001)
            self._press(second)
            return [Edge(False, release, self.source), Edge(True, second, self.source)]
        gap = self.repeat_gap_s if self._repeating else self.initial_gap_s
        if now - self._last_at >= gap:
            self._down = False
            at = self._last_at + (0.03 if self._repeating else TAP_S)
            return [Edge(False, at, self.source)]
        return []

    def next_poll_at(self) -> float | None:
        """When :meth:`poll` may next decide something, s (None: nothing pending)."""
        if not self._down:
            return None
        if self._maybe_tap_at is not None:
            return self._maybe_tap_at + self.repeat_gap_s
        return self._last_at + (self.repeat_gap_s if self._repeating else self.initial_gap_s)
