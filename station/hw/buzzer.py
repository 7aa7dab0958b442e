"""Cues on a GPIO buzzer (gpiozero), without blocking the main loop.

``play()`` switches the first step on at once (a pin write takes microseconds,
so the press-to-acknowledgement latency is the loop's, not a thread's); one
long-lived worker thread plays the rest of the pattern on absolute deadlines
(``time.monotonic`` instants computed from the moment ``play()`` started it,
so small wake-up delays never add up; a large one shifts the rest of the
pattern rather than cutting a pulse short, see :func:`rebased_start`). A cue
that comes while another is playing waits for it: cues are chained, each
played in full and in order, :data:`CHAIN_GAP_S` apart (``fail`` and ``rest``
of one failure hold are both heard). Only a stale count-in or tempo tick is
skipped (:func:`station.core.cues.skip_queued`).

An active buzzer (``kind="active"``, gpiozero ``Buzzer``) has one pitch and
plays the rhythm; a passive piezo (``kind="tonal"``, gpiozero ``TonalBuzzer``
on a PWM pin) also plays each step's pitch.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Any, Self

from gpiozero import Buzzer, TonalBuzzer
from gpiozero.tones import Tone

from station.core.cues import (
    CHAIN_GAP_S,
    TONAL_MID_HZ,
    TONAL_OCTAVES,
    Pattern,
    pattern_for,
    queue_overflow,
    skip_queued,
)
from station.core.events import Cue

KINDS = ("active", "tonal")

REBASE_LATE_S = 0.015
"""An edge applied later than this shifts the rest of its pattern by as much, s."""


def rebased_start(start_at: float, due_at: float, applied_at: float) -> float:
    """The start instant (s) a pattern's later edges are scheduled from, after
    an edge due at ``due_at`` was applied at ``applied_at``.

    Lateness up to :data:`REBASE_LATE_S` is absorbed: the next edges keep
    their absolute deadlines, so small delays never add up. A bigger delay
    (a starved CPU) shifts the rest of the pattern, so a pulse is never cut
    short or lost: the rhythm is what tells cues apart.
    """
    late_s = applied_at - due_at
    return start_at + late_s if late_s > REBASE_LATE_S else start_at


def pattern_edges(pattern: Pattern) -> tuple[tuple[float, float | None], ...]:
    """The pin changes of ``pattern``: ``(offset_s, tone_hz or None for off)``,
    offsets in s from the pattern's start. Steps without a gap between them
    change pitch without switching off."""
    edges: list[tuple[float, float | None]] = []
    offset_s = 0.0
    for i, (on_s, off_s, tone_hz) in enumerate(pattern):
        edges.append((offset_s, tone_hz))
        offset_s += on_s
        if off_s > 0 or i == len(pattern) - 1:
            edges.append((offset_s, None))
        offset_s += off_s
    return tuple(edges)


@dataclass
class _Job:
    """A pattern being played: ``edges`` offsets are from ``start_at``
    (monotonic s); ``next`` is the index of the first edge not yet applied."""

    edges: tuple[tuple[float, float | None], ...]
    start_at: float
    next: int = 0


@dataclass(frozen=True)
class _Queued:
    """A cue waiting for the one in progress; ``queued_at``: monotonic s."""

    cue: Cue
    queued_at: float


class BuzzerOutput:
    """Plays cues on a buzzer on BCM ``pin``.

    ``kind``: "active" or "tonal". ``active_high``: False when the buzzer is
    wired between 3V3 and the pin (active buzzers only; a passive piezo is
    driven by a square wave either way). ``muted``: quiet mode, play() does
    nothing and the pin stays off. ``pin_factory``: a gpiozero pin factory
    (e.g. ``MockFactory()``; for a tonal buzzer it needs PWM pins,
    ``MockFactory(pin_class=MockPWMPin)``); None = gpiozero's default.
    Errors opening the pin (pin in use, no GPIO) are raised from here.
    """

    def __init__(
        self,
        pin: int = 18,
        kind: str = "active",
        *,
        pin_factory: Any = None,
        active_high: bool = True,
        muted: bool = False,
    ) -> None:
        if kind not in KINDS:
            raise ValueError(f"buzzer kind must be one of {', '.join(KINDS)}, got {kind!r}")
        self.kind = kind
        self.muted = muted
        self._device: Buzzer | TonalBuzzer
        if kind == "active":
            self._device = Buzzer(
                pin, active_high=active_high, initial_value=False, pin_factory=pin_factory
            )
        else:
            self._device = TonalBuzzer(
                pin,
                mid_tone=Tone(frequency=TONAL_MID_HZ),
                octaves=TONAL_OCTAVES,
                pin_factory=pin_factory,
            )
        self._job: _Job | None = None
        self._waiting: deque[_Queued] = deque()
        self.skipped: deque[Cue] = deque(maxlen=64)  # the latest cues not played (stale, overflow)
        self._closed = False
        self._cond = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="buzzer", daemon=True)
        self._thread.start()

    @classmethod
    def from_config(cls, config: Any, *, pin_factory: Any = None) -> BuzzerOutput:
        """A buzzer from a ``station.config.Config`` ([pins] buzzer, buzzer_kind,
        buzzer_active_high; muted in [sound] quiet mode)."""
        return cls(
            config.pins.buzzer,
            config.pins.buzzer_kind,
            pin_factory=pin_factory,
            active_high=config.pins.buzzer_active_high,
            muted=config.sound.quiet,
        )

    # ------------------------------------------------------------ public

    def play(self, cue: Cue) -> None:
        """Play ``cue``: at once when nothing is playing (the first step is
        already sounding when this returns), else after the cues before it,
        :data:`CHAIN_GAP_S` after the previous one ends. Returns at once.
        No-op when muted or closed."""
        if self.muted:
            return
        with self._cond:
            if self._closed:
                return
            now = time.monotonic()
            if self._job is None and not self._waiting:
                edges = pattern_edges(pattern_for(cue))
                self._write(edges[0][1])
                self._job = _Job(edges, start_at=now, next=1)
            else:
                self._waiting.append(_Queued(cue, now))
                drop = queue_overflow([q.cue for q in self._waiting])
                if drop is not None:  # bounded: a stale tick goes first (see queue_overflow)
                    self.skipped.append(self._waiting[drop].cue)
                    del self._waiting[drop]
            self._cond.notify_all()

    @property
    def busy(self) -> bool:
        """True while a pattern is in progress or a cue is waiting."""
        with self._cond:
            return self._job is not None or bool(self._waiting)

    def wait_idle(self, timeout_s: float) -> bool:
        """Wait up to ``timeout_s`` for the pattern in progress and every cue
        queued behind it to finish (e.g. "done" before close()). True if idle."""
        deadline = time.monotonic() + timeout_s
        with self._cond:
            while (self._job is not None or self._waiting) and not self._closed:
                remaining_s = deadline - time.monotonic()
                if remaining_s <= 0:
                    return False
                self._cond.wait(remaining_s)
            return True

    def close(self) -> None:
        """Switch the buzzer off, stop the worker and release the pin.
        Cuts a pattern in progress short (see :meth:`wait_idle`)."""
        with self._cond:
            if self._closed:
                return
            self._closed = True
            self._job = None
            self._waiting.clear()
            self._write(None)
            self._cond.notify_all()
        self._thread.join(timeout=2.0)
        self._device.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"BuzzerOutput(kind={self.kind!r}, muted={self.muted}, closed={self._closed})"

    # ------------------------------------------------------------ worker

    def _write(self, tone_hz: float | None) -> None:
        """Set the pin: sound ``tone_hz`` (pitch used by a tonal buzzer), or
        off for None. Called with the lock held."""
        if self.kind == "active":
            if tone_hz is None:
                self._device.off()
            else:
                self._device.on()
        elif tone_hz is None:
            self._device.stop()
        else:
            device = self._device
            low, high = device.min_tone.frequency, device.max_tone.frequency
            device.play(Tone(frequency=min(max(tone_hz, low), high)))

    def _run(self) -> None:
        with self._cond:
            while not self._closed:
                job = self._job
                if job is None:
                    self._cond.wait()
                    continue
                offset_s, tone_hz = job.edges[job.next]
                remaining_s = job.start_at + offset_s - time.monotonic()
                if remaining_s > 0:
                    # Wakes early on pre-emption or close(); the loop re-reads the job.
                    self._cond.wait(remaining_s)
                    continue
                self._write(tone_hz)
                job.start_at = rebased_start(
                    job.start_at, job.start_at + offset_s, time.monotonic()
                )
                job.next += 1
                if job.next == len(job.edges):
                    self._job = self._next_job(job.start_at + job.edges[-1][0] + CHAIN_GAP_S)
                    self._cond.notify_all()

    def _next_job(self, start_at: float) -> _Job | None:
        """The first queued cue not skipped, to start at ``start_at`` (s)
        (later if the worker is already past it). Called with the lock held."""
        while self._waiting:
            item = self._waiting.popleft()
            begins_at = max(start_at, time.monotonic())
            if skip_queued(item.cue, begins_at - item.queued_at, bool(self._waiting)):
                self.skipped.append(item.cue)
                continue
            return _Job(pattern_edges(pattern_for(item.cue)), start_at=begins_at)
        return None
