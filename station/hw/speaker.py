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

No mixer (no audio device, no pygame) is not an error: ``available`` is False,
``reason`` says why, and ``play()`` does nothing.
"""

from __future__ import annotations

import array
import contextlib
import logging
import math
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections import deque
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, Self

from station.core.cues import (
    CHAIN_GAP_S,
    Pattern,
    all_patterns,
    all_phrases,
    phrase_for,
    queue_overflow,
    skip_queued,
    speaker_tone,
)
from station.core.events import CUE_NAMES, Cue

log = logging.getLogger(__name__)

SAMPLE_RATE_HZ = 44100
QUIET_VOLUME = 0.2
"""Quiet mode caps the volume at this (0..1)."""

TONE_AMPLITUDE = 0.6
"""Peak of a synthesised tone, as a fraction of full scale (before volume)."""

FADE_S = 0.004
"""Fade in and out of each pulse, s: long enough to avoid a click."""

POLL_S = 0.003
"""How often the chaining worker looks whether the channel fell silent, s
(pygame has no blocking wait on a channel)."""

ESPEAK = "espeak-ng"
ESPEAK_TIMEOUT_S = 10.0

# mixer format (pygame.mixer.get_init()[1]) -> (array typecode, full scale, zero level)
_FORMATS = MappingProxyType(
    {
        -8: ("b", 127, 0),
        8: ("B", 127, 128),
        -16: ("h", 32767, 0),
        16: ("H", 32767, 32768),
        -32: ("i", 2147483647, 0),
        32: ("f", 1.0, 0),
    }
)


LOOP_PHASE_ERROR = 5e-4
"""A steady tone is built by repeating a block of samples that holds a whole
number of cycles within this many cycles (an inaudible phase step): the
array repeats in C, so start-up stays short on a small Pi."""


def synthesize(
    pattern: Pattern, rate_hz: int, fmt: int, channels: int, amplitude: float = TONE_AMPLITUDE
) -> bytes:
    """Raw PCM of ``pattern`` in the mixer format ``(rate_hz, fmt, channels)``
    of ``pygame.mixer.get_init()``: each step's tone for ``on_s`` then
    silence for ``off_s`` (the last step's silence included). The tone is a
    sine with a soft third harmonic, which carries better on small speakers;
    each pulse fades in and out over :data:`FADE_S`. Raises ValueError for a
    sample format it does not know."""
    if fmt not in _FORMATS:
        raise ValueError(f"mixer sample format {fmt} not supported; known: {sorted(_FORMATS)}")
    typecode, full_scale, zero = _FORMATS[fmt]
    mono = array.array(typecode)
    for on_s, off_s, tone_hz in pattern:
        mono += _pulse(
            round(on_s * rate_hz), tone_hz, rate_hz, amplitude * full_scale, typecode, zero
        )
        mono += array.array(typecode, [zero]) * round(off_s * rate_hz)
    if channels == 1:
        return mono.tobytes()
    out = array.array(typecode, [zero]) * (len(mono) * channels)
    for channel in range(channels):
        out[channel::channels] = mono
    return out.tobytes()


def _pulse(
    n: int, tone_hz: float, rate_hz: int, peak: float, typecode: str, zero: int
) -> array.array:
    """``n`` samples of tone with faded ends, as an array of ``typecode``."""
    step = 2 * math.pi * tone_hz / rate_hz
    third = 3 * tone_hz < rate_hz / 2  # the harmonic only below Nyquist
    # sin(x) + sin(3x)/4 peaks at sqrt(7/12) * 7/6 (where sin(x)**2 = 7/12): scale to ``peak``
    scale = peak / (math.sqrt(7 / 12) * 7 / 6 if third else 1.0)
    sin = math.sin

    def level(i: int, envelope: float = 1.0) -> float | int:
        v = scale * envelope * (sin(step * i) + (0.25 * sin(3 * step * i) if third else 0.0))
        return v if typecode == "f" else zero + round(v)

    loop = _loop_length(tone_hz, rate_hz, n)
    block = array.array(typecode, [level(i) for i in range(loop)])
    reps, rest = divmod(n, loop)
    out = block * reps + block[:rest]
    n_fade = max(1, min(round(FADE_S * rate_hz), n // 2))
    for i in (*range(n_fade), *range(n - n_fade, n)):
        # i % loop: the same phase as the repeated block, so no step at the seam
        out[i] = level(i % loop, min(1.0, (i + 0.5) / n_fade, (n - i - 0.5) / n_fade))
    return out


def _loop_length(tone_hz: float, rate_hz: int, n: int) -> int:
    """The shortest block length (samples, <= 4096) holding a whole number of
    cycles within :data:`LOOP_PHASE_ERROR`; ``n`` (no repeat) when none does."""
    cycles_per_sample = tone_hz / rate_hz
    for length in range(1, min(n, 4096) + 1):
        cycles = cycles_per_sample * length
        if cycles >= 1 and abs(cycles - round(cycles)) < LOOP_PHASE_ERROR:
            return length
    return max(n, 1)


class Speaker:
    """Plays cues on the default audio output.

    ``volume``: 0..1. ``quiet``: tones only, volume at most
    :data:`QUIET_VOLUME`. ``speech``: spoken phrases when espeak-ng is
    installed. ``buffer_samples``: mixer buffer, a power of two 64..4096
    (smaller = lower latency; 512 at 44.1 kHz is 12 ms, and half the idle CPU of 256).

    Attributes: ``available`` (a mixer is open), ``reason`` (why not, "" when
    available), ``speech_available`` and ``speech_reason`` likewise for
    speech, ``speech_files`` (phrase -> pre-rendered WAV path, while open),
    ``startup_s`` (how long the constructor took, s).

    Create it before ``pygame.init()``: that call would open the mixer with
    pygame's default, larger buffer. A mixer someone else opened is used as
    it is and left open by ``close()``.
    """

    def __init__(
        self,
        volume: float = 0.8,
        quiet: bool = False,
        speech: bool = True,
        buffer_samples: int = 512,
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
        self._pygame: Any = None
        self._owns_mixer = False
        self._channel: Any = None
        self._tones: dict[Pattern, Any] = {}
        self._phrases: dict[str, Any] = {}
        self._speech_dir: Path | None = None
        self._closed = False
        self._cond = threading.Condition()
        self._waiting: deque[tuple[Cue, float]] = deque()  # (cue, queued at, monotonic s)
        self._worker: threading.Thread | None = None
        self.skipped: deque[Cue] = deque(maxlen=64)  # the latest cues not played (stale, overflow)
        try:
            self._open_mixer(buffer_samples)
            if self.available:
                self._prepare(speech and not quiet)
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
        cues before it (each in full). Returns at once. No-op when not
        available or closed; never raises for an audio problem (it is logged)."""
        if not self.available or self._closed:
            return
        with self._cond:
            try:
                if not self._waiting and not self._channel.get_busy():
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

    def _start(self, cue: Cue) -> None:
        """Put ``cue``'s tone (and phrase) on the channel. Lock held."""
        tone = self._tone(speaker_tone(cue, speech=self.speech_available))
        self._channel.play(tone)
        phrase = phrase_for(cue) if self.speech_available else None
        if phrase is not None and phrase in self._phrases:
            self._channel.queue(self._phrases[phrase])

    def _chain(self) -> None:
        """Worker: start each waiting cue once the channel has been silent
        for CHAIN_GAP_S, skipping stale count-ins and ticks."""
        silent_since: float | None = None
        with self._cond:
            while not self._closed:
                if not self._waiting:
                    silent_since = None
                    self._cond.wait()
                    continue
                try:
                    busy = self._channel.get_busy()
                except self._pygame.error as exc:
                    log.warning("speaker: cannot chain cues: %s", exc)
                    self._waiting.clear()
                    continue
                now = time.monotonic()
                if busy:
                    silent_since = None
                    self._cond.wait(POLL_S)
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

    @property
    def busy(self) -> bool:
        """True while a cue (tone or phrase) is sounding or waiting its turn."""
        if not self.available or self._closed:
            return False
        with self._cond:
            return bool(self._waiting) or bool(self._channel.get_busy())

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
        if self._channel is not None:
            with contextlib.suppress(self._pygame.error):  # the mixer may already be gone
                self._channel.stop()
        self._tones.clear()
        self._phrases.clear()
        self._channel = None
        if self._owns_mixer:
            self._pygame.mixer.quit()
        self.available = False
        if self._speech_dir is not None:
            shutil.rmtree(self._speech_dir, ignore_errors=True)
            self._speech_dir = None
        self.speech_files = MappingProxyType({})

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "available" if self.available else f"unavailable: {self.reason}"
        return f"Speaker({state}, speech={self.speech_available}, volume={self.volume})"

    # ------------------------------------------------------------ start-up

    def _open_mixer(self, buffer_samples: int) -> None:
        try:
            import pygame
        except ImportError as exc:
            self.reason = f"pygame not installed: {exc}"
            return
        self._pygame = pygame
        if pygame.mixer.get_init() is None:
            # pre_init before init: the small buffer is what keeps latency low.
            pygame.mixer.pre_init(SAMPLE_RATE_HZ, -16, 2, buffer_samples)
            try:
                with _quiet_stderr():  # libasound prints a page per missing card
                    pygame.mixer.init()
            except pygame.error as exc:
                self.reason = f"no audio device: {exc}"
                return
            self._owns_mixer = True
        init = pygame.mixer.get_init()
        if init is None:
            self.reason = "no audio device: the mixer did not open"
            return
        if init[1] not in _FORMATS:
            self.reason = f"mixer sample format {init[1]} not supported; known: {sorted(_FORMATS)}"
            if self._owns_mixer:
                pygame.mixer.quit()
                self._owns_mixer = False
            return
        pygame.mixer.set_num_channels(max(pygame.mixer.get_num_channels(), 2))
        pygame.mixer.set_reserved(1)  # channel 0 is ours; Sound.play() elsewhere never takes it
        self._channel = pygame.mixer.Channel(0)
        self.available = True

    def _prepare(self, speech: bool) -> None:
        renders: dict[str, tuple[Path, subprocess.Popen[bytes]]] = {}
        if not speech:
            self.speech_reason = "quiet mode" if self.quiet else "speech off"
        elif shutil.which(ESPEAK) is None:
            self.speech_reason = f"{ESPEAK} not found on PATH"
        else:
            renders = self._start_speech()
        # Synthesise while espeak-ng runs.
        cue_variants = [Cue(n, 0.0, v) for n in CUE_NAMES for v in (None, 1, 2, 3, "variation")]
        patterns = set(all_patterns())
        patterns |= {speaker_tone(c, speech=True) for c in cue_variants}
        for pattern in patterns:
            self._tone(pattern)
        if renders:
            self._finish_speech(renders)

    def _tone(self, pattern: Pattern) -> Any:
        sound = self._tones.get(pattern)
        if sound is None:
            rate_hz, fmt, channels = self._pygame.mixer.get_init()
            sound = self._pygame.mixer.Sound(buffer=synthesize(pattern, rate_hz, fmt, channels))
            sound.set_volume(self.volume)
            self._tones[pattern] = sound
        return sound

    def _start_speech(self) -> dict[str, tuple[Path, subprocess.Popen[bytes]]]:
        self._speech_dir = Path(tempfile.mkdtemp(prefix="station-speech-"))
        renders = {}
        for i, phrase in enumerate(all_phrases()):
            path = self._speech_dir / f"phrase-{i}.wav"
            # -z: no pause after the phrase, so the next cue is never queued behind silence.
            cmd = [ESPEAK, "-z", "-w", str(path), phrase]
            renders[phrase] = (
                path,
                subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE),
            )
        return renders

    def _finish_speech(self, renders: dict[str, tuple[Path, subprocess.Popen[bytes]]]) -> None:
        deadline = time.monotonic() + ESPEAK_TIMEOUT_S
        problem = ""
        for phrase, (path, proc) in renders.items():
            try:
                _, stderr = proc.communicate(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.communicate()
                problem = (
                    problem or f"{ESPEAK} took longer than {ESPEAK_TIMEOUT_S} s for {phrase!r}"
                )
                continue
            if proc.returncode != 0 or not path.is_file():
                detail = stderr.decode(errors="replace").strip() or f"exit status {proc.returncode}"
                problem = problem or f"{ESPEAK} failed for {phrase!r}: {detail}"
                continue
            if not problem:
                try:
                    sound = self._pygame.mixer.Sound(file=str(path))
                except self._pygame.error as exc:
                    problem = f"cannot load {ESPEAK} output {path.name} for {phrase!r}: {exc}"
                    continue
                sound.set_volume(self.volume)
                self._phrases[phrase] = sound
        if problem:
            self._phrases.clear()
            self.speech_reason = problem
            log.warning("speaker: no speech: %s", problem)
            return
        self.speech_available = True
        self.speech_files = MappingProxyType({p: path for p, (path, _) in renders.items()})


@contextlib.contextmanager
def _quiet_stderr():
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
