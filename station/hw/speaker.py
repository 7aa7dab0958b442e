"""Cues on the speaker (pygame.mixer): synthesised tones and spoken phrases.

Everything is prepared at start, so ``play()`` only hands a ready ``Sound`` to
a reserved mixer channel (SDL mixes in its own thread; nothing here blocks):

- tones are synthesised into the mixer's own sample format (no audio files
  shipped, no numpy), each pulse with a few ms fade in and out against clicks;
- when ``espeak-ng`` is on PATH and speech is on, every phrase of
  :func:`station.core.cues.all_phrases` is rendered to a WAV file in a
  temporary directory (removed by ``close()``), all ``espeak-ng`` processes
  at once.

What a cue sounds like is decided in :func:`station.core.cues.speaker_tone`:
with speech, a short lead tone at once and the phrase right after it on the
same channel; without speech (quiet mode, speech off, no espeak-ng), the
cue's whole buzzer pattern as tones. A cue that comes while another is
sounding waits for it, as on the buzzer: a worker thread starts the next
:data:`~station.core.cues.CHAIN_GAP_S` after the channel falls silent, so
cues of one instant (``fail`` then ``rest``) are each heard in full, in
order; only a stale count-in or tempo tick is skipped.

Standby: SDL's audio thread wakes 90 times a second while the device is
open, silent or not (:mod:`station.hw.mixer`). The main loop tells the
speaker how long no timed cue is due (:meth:`Speaker.expect`); when that is
long, the device is closed :data:`IDLE_CLOSE_S` after the last sound and
reopened :meth:`Speaker.lead_s` before the next due instant (a margin of
several times the measured open time), so a timed cue always finds it open.
A cue that comes while it is closed (a press nobody expected) reopens it at
once on the worker thread; that wait is recorded (``cold_starts``).
The sounds are made in :mod:`station.hw.sounds` (synthesis in
:mod:`station.hw.tones`, speech rendering in :mod:`station.hw.speech`), the
device opened and closed in :mod:`station.hw.mixer`.

No mixer (no audio device, no pygame) is not an error: ``available`` is False,
``reason`` says why, and ``play()`` does nothing.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import deque
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, Self

from station.core.cues import (
    CHAIN_GAP_S,
    phrase_for,
    queue_overflow,
    skip_queued,
    speaker_tone,
)
from station.core.events import Cue
from station.hw.mixer import MixerDevice
from station.hw.sounds import CueSounds
from station.hw.tones import SAMPLE_RATE_HZ, TONE_AMPLITUDE, synthesize

__all__ = ["IDLE_CLOSE_S", "MIN_QUIET_S", "QUIET_VOLUME", "SAMPLE_RATE_HZ", "Speaker",
           "TONE_AMPLITUDE", "synthesize"]

log = logging.getLogger(__name__)

QUIET_VOLUME = 0.2
"""Quiet mode caps the volume at this (0..1)."""

POLL_S = 0.003
"""How often the chaining worker looks whether the channel fell silent, s
(pygame has no blocking wait on a channel); only while cues wait."""

IDLE_CLOSE_S = 1.0
"""Standby: the device closes this long after the last sound ended, s ..."""

MIN_QUIET_S = 2.0
"""... if no timed cue is due for at least this long after that, s, plus the
reopen lead. A shorter hint keeps the device open (a rest of 15 s closes it
for about 10 s; a set's work phase never)."""

REOPEN_LEAD_MIN_S = 0.25
REOPEN_LEAD_FACTOR = 4.0
"""The device reopens max(REOPEN_LEAD_MIN_S, REOPEN_LEAD_FACTOR x the
longest open measured) before a due instant: 0.25 s here, where an open
takes 0.1-1 ms with SDL's dummy driver (ALSA: tens of ms)."""

_AWAKE = -math.inf  # quiet until: a cue may come at any moment
_NOTHING_DUE = math.inf  # quiet until: no timed cue known


class Speaker:
    """Plays cues on the default audio output.

    ``volume``: 0..1. ``quiet``: tones only, volume at most
    :data:`QUIET_VOLUME`. ``speech``: spoken phrases when espeak-ng is
    installed. ``buffer_samples``: mixer buffer, a power of two 64..4096
    (smaller = lower latency; 512 at 44.1 kHz is 12 ms, and half the idle CPU of 256).
    ``idle_close_s``: standby closes the device this long after the last
    sound (:data:`IDLE_CLOSE_S`), when :meth:`expect` allows.

    Attributes: ``available`` (a mixer is open, or in standby), ``reason``
    (why not, "" when available), ``speech_available`` and ``speech_reason``
    likewise for speech, ``speech_files`` (phrase -> pre-rendered WAV path,
    while open), ``startup_s`` (how long the constructor took, s),
    ``cold_starts`` (the latest (cue, s from play() to its start) of cues
    that found the device closed), ``standbys`` (how many times it closed),
    ``device``: the :class:`~station.hw.mixer.MixerDevice` (``is_open``,
    ``open_s``).

    Create it before ``pygame.init()``: that call would open the mixer with
    pygame's default, larger buffer. A mixer someone else opened is used as
    it is, never put in standby, and left open by ``close()``.
    """

    name = "speaker"

    def __init__(
        self,
        volume: float = 0.8,
        quiet: bool = False,
        speech: bool = True,
        buffer_samples: int = 512,
        idle_close_s: float = IDLE_CLOSE_S,
    ) -> None:
        if not 0.0 <= volume <= 1.0:
            raise ValueError(f"sound volume must be within 0.0 .. 1.0, got {volume!r}")
        if not (64 <= buffer_samples <= 4096 and buffer_samples & (buffer_samples - 1) == 0):
            raise ValueError(
                f"sound buffer_samples must be a power of two within 64 .. 4096, got {buffer_samples!r}"
            )
        started_at = time.monotonic()
        self.quiet = quiet
        self.volume = min(volume, QUIET_VOLUME) if quiet else volume
        self.available = False
        self.reason = ""
        self.speech_available = False
        self.speech_reason = ""
        self.speech_files: Mapping[str, Path] = MappingProxyType({})
        self.startup_s = 0.0
        self.device = MixerDevice(buffer_samples)
        self._pygame: Any = None
        self._channel: Any = None
        self._sounds: CueSounds | None = None
        self._closed = False
        self._cond = threading.Condition()
        self._waiting: deque[tuple[Cue, float]] = deque()  # (cue, queued at, monotonic s)
        self._worker: threading.Thread | None = None
        self._open = False  # the device is open and the channel usable (False while it changes)
        self._quiet_until = _AWAKE  # monotonic s; see expect()
        self._sounding_until = 0.0  # when the last started cue ends, monotonic s
        self.idle_close_s = idle_close_s
        self.standbys = 0
        self.cold_starts: deque[tuple[Cue, float]] = deque(maxlen=64)
        self.skipped: deque[Cue] = deque(maxlen=64)  # the latest cues not played (stale, overflow)
        try:
            self.reason = self.device.open()
            if not self.reason:
                self._pygame = self.device.pygame
                self._channel = self.device.channel()
                self._open = self.available = True
                assert self.device.format is not None
                self._sounds = CueSounds(self._pygame, self.device.format, self.volume)
                self._sounds.prepare(speech and not quiet, "quiet mode" if quiet else "speech off")
                self.speech_available = self._sounds.speech_available
                self.speech_reason = self._sounds.speech_reason
                self.speech_files = self._sounds.speech_files
                self._worker = threading.Thread(target=self._chain, name="speaker", daemon=True)
                self._worker.start()
        except Exception:
            self.close()
            raise
        self.startup_s = time.monotonic() - started_at

    @classmethod
    def from_config(cls, config: Any) -> Speaker:
        """A speaker from a ``station.config.Config`` ([sound] section)."""
        s = config.sound
        return cls(s.volume, s.quiet, s.speech, s.buffer_samples)

    # ------------------------------------------------------------ public

    def play(self, cue: Cue) -> None:
        """Sound ``cue``: at once when the speaker is silent, else after the
        cues before it (each in full); in standby, as soon as the device is
        open again. Returns at once. No-op when not available or closed;
        never raises for an audio problem (it is logged)."""
        if not self.available or self._closed:
            return
        with self._cond:
            if self._open and not self._waiting:
                try:
                    if not self._sounding():
                        self._start(cue)
                        return
                except self._pygame.error as exc:  # e.g. the mixer was closed under us
                    log.warning("speaker: cannot play cue %r: %s", cue.name, exc)
                    return
            self._waiting.append((cue, time.monotonic()))
            drop = queue_overflow([c for c, _ in self._waiting])
            if drop is not None:  # bounded: a stale tick goes first (see queue_overflow)
                self.skipped.append(self._waiting[drop][0])
                del self._waiting[drop]
            self._cond.notify_all()

    def expect(self, quiet_for_s: float | None) -> None:
        """The main loop's hint: no timed cue is due for ``quiet_for_s`` s
        (``None``: none is known; 0: one may come at any moment, e.g. the
        lifter is at work). The device closes only when that leaves at least
        :data:`MIN_QUIET_S` plus the lead after the idle time. Cheap, never blocks for long; wakes the
        worker only when the plan changes."""
        if quiet_for_s is None:
            until = _NOTHING_DUE
        elif quiet_for_s <= 0:
            until = _AWAKE
        else:  # kept as an instant: as it nears, a closed device reopens lead_s() before it
            until = time.monotonic() + quiet_for_s
        with self._cond:
            old = self._quiet_until
            self._quiet_until = until
            same = (abs(until - old) < 0.005 if math.isfinite(until) and math.isfinite(old)
                    else until == old)
            if not same:
                self._cond.notify_all()

    def lead_s(self) -> float:
        """How long before a due instant the device reopens from standby, s."""
        return max(REOPEN_LEAD_MIN_S, REOPEN_LEAD_FACTOR * self.device.worst_open_s)

    @property
    def standing_by(self) -> bool:
        """True while the device is closed to save the audio thread's
        wake-ups, or closing, or opening again (a cue now waits for it)."""
        return self.available and not self._closed and not self._open

    def _start(self, cue: Cue) -> None:
        """Put ``cue``'s tone (and phrase) on the channel. Lock held."""
        assert self._sounds is not None
        tone = self._sounds.tone(speaker_tone(cue, speech=self.speech_available))
        self._channel.play(tone)
        length_s = tone.get_length()
        text = phrase_for(cue) if self.speech_available else None
        phrase = self._sounds.phrase(text) if text is not None else None
        if phrase is not None:
            self._channel.queue(phrase)
            length_s += phrase.get_length()
        self._sounding_until = max(self._sounding_until, time.monotonic() + length_s)

    def _chain(self) -> None:
        """Worker: start each waiting cue once the channel has been silent
        for CHAIN_GAP_S, skipping stale count-ins and ticks; open and close
        the device for standby (see :meth:`_standby`)."""
        silent_since: float | None = None
        with self._cond:
            while not self._closed:
                if not self._waiting:
                    silent_since = None
                    self._standby()
                    continue
                if not self._open:
                    self._set_open(True)
                    if not self._open:  # could not reopen: nothing can play
                        self.skipped.extend(c for c, _ in self._waiting)
                        self._waiting.clear()
                    continue
                try:
                    busy = self._sounding()
                except self._pygame.error as exc:
                    log.warning("speaker: cannot chain cues: %s", exc)
                    self._waiting.clear()
                    continue
                now = time.monotonic()
                if busy:  # sleep to the end it was started for, then poll
                    silent_since = None
                    self._cond.wait(max(POLL_S, self._sounding_until - now))
                    continue
                silent_since = now if silent_since is None else silent_since
                if now < silent_since + CHAIN_GAP_S:
                    self._cond.wait(silent_since + CHAIN_GAP_S - now)
                    continue
                cue, queued_at = self._waiting.popleft()
                if skip_queued(cue, now - queued_at, bool(self._waiting)):
                    self.skipped.append(cue)
                    continue
                try:
                    self._start(cue)
                except self._pygame.error as exc:
                    log.warning("speaker: cannot play cue %r: %s", cue.name, exc)
                silent_since = None

    def _standby(self) -> None:
        """Nothing waits: close the device when no timed cue is due for long
        (IDLE_CLOSE_S after the last sound), reopen it lead_s() before the
        next due instant; else sleep until the plan changes. Lock held."""
        now = time.monotonic()
        if self._open:
            close_at = self._sounding_until + self.idle_close_s
            quiet_s = self._quiet_until - max(now, close_at)
            if not self.device.can_close or quiet_s < MIN_QUIET_S + self.lead_s():
                self._cond.wait()  # expect() or play() notifies
            elif now < close_at:
                self._cond.wait(close_at - now)
            elif self._sounding():  # longer than its length said
                self._cond.wait(0.05)
            else:
                self._set_open(False)
            return
        reopen_at = self._quiet_until - self.lead_s()
        if now >= reopen_at:
            self._set_open(True)
        else:
            self._cond.wait(None if math.isinf(reopen_at) else reopen_at - now)

    def _set_open(self, value: bool) -> None:
        """Close or reopen the device with the lock released (a close takes
        20-35 ms); play() meanwhile queues its cue. Lock held on entry and exit."""
        self._open = False
        self._cond.release()
        try:
            if value:
                reason = self.device.open()
                channel = None if reason else self.device.channel()
            else:
                self.device.close()
        except Exception as exc:  # an audio problem must not end the worker
            log.warning("speaker: cannot %s the audio device: %s", "open" if value else "close", exc)
            reason, channel = str(exc), None
        finally:
            self._cond.acquire()
        if not value:
            self.standbys += 1
            self._channel = None
            return
        if reason:
            log.warning("speaker: cannot reopen the audio device: %s", reason)
            return
        self._channel, self._open = channel, True
        now = time.monotonic()
        for cue, queued_at in self._waiting:  # they waited for the device
            self.cold_starts.append((cue, now - queued_at))

    @property
    def busy(self) -> bool:
        """True while a cue (tone or phrase) is sounding or waiting its turn."""
        if not self.available or self._closed:
            return False
        with self._cond:
            return bool(self._waiting) or (self._open and self._sounding())

    def _sounding(self) -> bool:
        """The channel plays, or the cue started last has not had its time
        (between a tone and its queued phrase the channel is briefly idle
        while pygame's callback waits for the GIL). Lock held, device open."""
        return time.monotonic() < self._sounding_until or bool(self._channel.get_busy())

    def wait_idle(self, timeout_s: float) -> bool:
        """Wait up to ``timeout_s`` for the cue in progress to finish (e.g.
        "set done" before close()). True if idle. Polls every 5 ms: pygame
        offers no blocking wait."""
        deadline = time.monotonic() + timeout_s
        while self.busy:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.005)
        return True

    def close(self) -> None:
        """Stop sound, close the mixer if this speaker opened it, delete the
        pre-rendered speech. Safe to call twice."""
        if self._closed:
            return
        with self._cond:
            self._closed = True
            self._waiting.clear()
            self._cond.notify_all()
        if self._worker is not None:
            self._worker.join(timeout=2.0)
        if self._channel is not None and self._pygame is not None:
            try:
                self._channel.stop()
            except self._pygame.error:  # the mixer may already be gone
                pass
        if self._sounds is not None:
            self._sounds.clear()
        self._channel = None
        self._open = False
        self.device.close()
        self.available = False
        self.speech_files = MappingProxyType({})

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "available" if self.available else f"unavailable: {self.reason}"
        return f"Speaker({state}, speech={self.speech_available}, volume={self.volume})"
