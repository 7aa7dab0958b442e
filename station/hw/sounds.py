"""Every sound a cue can make, made ready before the first cue: the tones
(:mod:`station.hw.tones`) for every pattern of :mod:`station.core.cues`, and
with speech the phrases rendered by espeak-ng (:mod:`station.hw.speech`),
as ``pygame.mixer.Sound`` objects at the speaker's volume.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from station.core.cues import Pattern, all_patterns, all_phrases, speaker_tone
from station.core.events import CUE_NAMES, Cue
from station.hw import speech
from station.hw.tones import synthesize


class CueSounds:
    """Sounds in the mixer format ``fmt`` (``pygame.mixer.get_init()``) at
    ``volume`` (0..1). After :meth:`prepare`: ``speech_available``,
    ``speech_reason`` (why not, "" when available) and ``speech_files``
    (phrase -> WAV path, until :meth:`clear`)."""

    def __init__(self, pygame: Any, fmt: tuple[int, int, int], volume: float) -> None:
        self._pygame = pygame
        self.format = fmt
        self.volume = volume
        self.speech_available = False
        self.speech_reason = ""
        self.speech_files: Mapping[str, Path] = MappingProxyType({})
        self._tones: dict[Pattern, Any] = {}
        self._phrases: dict[str, Any] = {}
        self._speech_dir: Path | None = None

    def prepare(self, want_speech: bool, why_not: str = "speech off") -> None:
        """Every tone, and the phrases when ``want_speech`` and espeak-ng is
        there (``why_not``: the reason when not wanted). The tones are made
        while espeak-ng runs (on this thread: another would get its own
        malloc arena from glibc, +0.9 MB resident)."""
        renders: speech.Renders = {}
        if not want_speech:
            self.speech_reason = why_not
        elif missing := speech.espeak_missing():
            self.speech_reason = missing
        else:
            self._speech_dir, renders = speech.start(all_phrases())
        cue_variants = [Cue(n, 0.0, v) for n in CUE_NAMES for v in (None, 1, 2, 3, "variation")]
        patterns = set(all_patterns())
        patterns |= {speaker_tone(c, speech=True) for c in cue_variants}
        for pattern in patterns:
            self.tone(pattern)
        if renders:
            self._finish_speech(renders)

    def tone(self, pattern: Pattern) -> Any:
        """The Sound of ``pattern`` (made now if it was not yet)."""
        sound = self._tones.get(pattern)
        if sound is None:
            rate_hz, fmt, channels = self.format
            sound = self._pygame.mixer.Sound(buffer=synthesize(pattern, rate_hz, fmt, channels))
            sound.set_volume(self.volume)
            self._tones[pattern] = sound
        return sound

    def phrase(self, text: str) -> Any | None:
        """The spoken ``text``, or None (no speech, or not a known phrase)."""
        return self._phrases.get(text)

    def clear(self) -> None:
        """Drop every sound and delete the rendered speech files."""
        self._tones.clear()
        self._phrases.clear()
        speech.remove(self._speech_dir)
        self._speech_dir = None
        self.speech_files = MappingProxyType({})

    def _finish_speech(self, renders: speech.Renders) -> None:
        def load(path: Path) -> Any:
            sound = self._pygame.mixer.Sound(file=str(path))
            sound.set_volume(self.volume)
            return sound

        self._phrases, problem = speech.finish(renders, load, self._pygame.error)
        if problem:
            import logging

            self.speech_reason = problem
            logging.getLogger("station.hw.speaker").warning("speaker: no speech: %s", problem)
            return
        self.speech_available = True
        self.speech_files = MappingProxyType({p: path for p, (path, _) in renders.items()})
