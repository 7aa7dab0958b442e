"""Synthesised cue tones: raw PCM in the mixer's own sample format.

No audio files are shipped and numpy is not needed: a pulse is a sine with a
soft third harmonic (it carries better on small speakers), faded in and out
against clicks; a steady tone repeats a block of whole cycles (the array
repeats in C, so start-up stays short on a small Pi).
"""

from __future__ import annotations

import array
import functools
import math
from types import MappingProxyType

from station.core.cues import Pattern

SAMPLE_RATE_HZ = 44100
"""The mixer's sample rate, Hz."""

TONE_AMPLITUDE = 0.6
"""Peak of a synthesised tone, as a fraction of full scale (before volume)."""

FADE_S = 0.004
"""Fade in and out of each pulse, s: long enough to avoid a click."""

#: mixer sample format (pygame.mixer.get_init()[1]) -> (array typecode, full scale, zero level)
FORMATS = MappingProxyType(
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
    if fmt not in FORMATS:
        raise ValueError(f"mixer sample format {fmt} not supported; known: {sorted(FORMATS)}")
    typecode, full_scale, zero = FORMATS[fmt]
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


@functools.lru_cache(maxsize=256)  # patterns share pulses: each is computed once
def _pulse(
    n: int, tone_hz: float, rate_hz: int, peak: float, typecode: str, zero: int
) -> array.array:
    """``n`` samples of tone with faded ends, as an array of ``typecode``
    (shared: the caller copies it, never changes it)."""
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


@functools.lru_cache(maxsize=256)
def _loop_length(tone_hz: float, rate_hz: int, n: int) -> int:
    """The shortest block length (samples, <= 4096) holding a whole number of
    cycles within :data:`LOOP_PHASE_ERROR`; ``n`` (no repeat) when none does."""
    cycles_per_sample = tone_hz / rate_hz
    for length in range(1, min(n, 4096) + 1):
        cycles = cycles_per_sample * length
        if cycles >= 1 and abs(cycles - round(cycles)) < LOOP_PHASE_ERROR:
            return length
    return max(n, 1)
