"""The audio device behind ``pygame.mixer``, which the speaker may close
while nothing is due and open again ahead of the next cue.

SDL2's audio thread runs the mixer callback every buffer (512 samples at
44.1 kHz: 86-90 wake-ups a second) whether anything plays or not, paused
or silent; only closing the device stops it. Sounds made from buffers
(``pygame.mixer.Sound``) are plain memory in the device's format and
survive a close and a reopen in the same format. Each open is timed
(:attr:`MixerDevice.open_s`) so the speaker can reopen with a margin.
"""

from __future__ import annotations

import contextlib
import os
import time
from typing import Any

from station.hw.tones import FORMATS, SAMPLE_RATE_HZ


class MixerDevice:
    """``pygame.mixer`` opened at :data:`SAMPLE_RATE_HZ`, 16-bit stereo,
    ``buffer_samples`` a buffer. After :meth:`open`, ``reason`` is "" when
    the device is open, else why not. ``owned``: this object opened it (a
    mixer someone else opened is used as it is and never closed here).
    ``open_s``: how long each open took, s (the first and every reopen)."""

    def __init__(self, buffer_samples: int) -> None:
        self.buffer_samples = buffer_samples
        self.pygame: Any = None
        self.owned = False
        self.is_open = False
        self.reason = ""
        self.format: tuple[int, int, int] | None = None  # (rate Hz, sample format, channels)
        self.open_s: list[float] = []

    def open(self) -> str:
        """Open (or adopt) the mixer and reserve channel 0; returns the
        reason it is not available, "" when it is."""
        if self.pygame is None:
            try:
                import pygame
            except ImportError as exc:
                self.reason = f"pygame not installed: {exc}"
                return self.reason
            self.pygame = pygame
        pygame = self.pygame
        started = time.monotonic()
        if pygame.mixer.get_init() is None:
            # pre_init before init: the small buffer is what keeps latency low.
            pygame.mixer.pre_init(SAMPLE_RATE_HZ, -16, 2, self.buffer_samples)
            try:
                with quiet_stderr():  # libasound prints a page per missing card
                    pygame.mixer.init()
            except pygame.error as exc:
                self.reason = f"no audio device: {exc}"
                return self.reason
            self.owned = True
        init = pygame.mixer.get_init()
        if init is None:
            self.reason = "no audio device: the mixer did not open"
            return self.reason
        if self.format is not None and tuple(init) != self.format:
            self.close()  # the sounds are in the first format: never play them in another
            self.reason = f"the mixer reopened as {init}, not {self.format}"
            return self.reason
        if init[1] not in FORMATS:
            self.reason = f"mixer sample format {init[1]} not supported; known: {sorted(FORMATS)}"
            self.close()
            return self.reason
        rate_hz, fmt, channels = init
        self.format = (rate_hz, fmt, channels)
        pygame.mixer.set_num_channels(max(pygame.mixer.get_num_channels(), 2))
        pygame.mixer.set_reserved(1)  # channel 0 is ours; Sound.play() elsewhere never takes it
        self.open_s.append(time.monotonic() - started)
        self.is_open, self.reason = True, ""
        return ""

    def channel(self) -> Any:
        """The reserved channel (valid until :meth:`close`)."""
        return self.pygame.mixer.Channel(0)

    @property
    def can_close(self) -> bool:
        """True when :meth:`close` would close the device (this object opened it)."""
        return self.owned and self.is_open

    def close(self) -> None:
        """Close the device if this object opened it (it releases the GIL
        while SDL joins its audio thread: 20-35 ms)."""
        if self.owned and self.pygame is not None:
            self.pygame.mixer.quit()
            self.owned = False
        self.is_open = False

    @property
    def worst_open_s(self) -> float:
        """The longest open so far, s (0 before any)."""
        return max(self.open_s, default=0.0)


@contextlib.contextmanager
def quiet_stderr():
    """Silence file descriptor 2 for C libraries that write to it directly
    (ALSA's "cannot find card" lines); SDL's own error still comes back as
    the exception message we show."""
    try:
        saved = os.dup(2)
    except OSError:
        yield
        return
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
