"""The configuration as frozen dataclasses, one per section, and its limits.

:class:`Config` is the whole file; every field has the default a missing
key or section takes (:func:`~station.config.example.example_config` shows
them). The limits (:data:`MAX_PLATES` ...) are shared with ``station load``'s
options. Reading and checking a file is :mod:`~station.config.parse`.

Durations are in seconds (``*_s``), loads in kilograms (``*_kg``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import MappingProxyType

from station.config.net import CoachConfig, MqttConfig
from station.config.paths import default_db_path
from station.core.methods import Plan, compile_plan

#: The plates per side a barbell exercise has when it lists none, kg.
DEFAULT_PLATES_KG = (25.0, 25.0, 25.0, 25.0, 20.0, 15.0, 10.0, 5.0, 2.5, 1.25)
#: Most plates per side / dumbbells on the rack, and most different weights among
#: them: a whole gym's worth, and what keeps the plate search quick (docs/reliability.md).
MAX_PLATES = 40
MAX_PLATE_WEIGHTS = 16
MAX_DUMBBELLS = 100
#: The finest machine stack step, kg (a micro-weight add-on is 0.25-1.25 kg).
MIN_INCREMENT_KG = 0.1


@dataclass(frozen=True)
class PinsConfig:
    """GPIO wiring (BCM pin numbers). ``spotter_button`` 0 = none.
    ``factory``: "auto" | "gpio" | "mock"; ``buzzer_kind``: "active" | "tonal"."""

    factory: str = "auto"
    button: int = 17
    spotter_button: int = 0
    buzzer: int = 18
    buzzer_kind: str = "active"
    buzzer_active_high: bool = True


@dataclass(frozen=True)
class GestureConfig:
    """Button timing, s: presses shorter than ``debounce_s`` apart are bounce; a
    hold of ``hold_s`` is a failure / end of mini-set, of ``end_hold_s`` ends the
    set; two presses within ``double_s`` are an undo. ``early_start_after``:
    the fraction (0-1) of a rest during which a press is a warning and starts
    nothing; after it a press is "go" and the first rep of the next bout."""

    debounce_s: float = 0.03
    hold_s: float = 1.0
    end_hold_s: float = 3.0
    double_s: float = 0.4
    early_start_after: float = 0.5


@dataclass(frozen=True)
class SoundConfig:
    """``volume`` 0..1; ``quiet``: tones at low volume only, buzzer muted;
    ``speech``: spoken cues when espeak-ng is installed; ``buffer_samples``:
    mixer buffer (a power of two)."""

    volume: float = 0.8
    quiet: bool = False
    speech: bool = True
    buffer_samples: int = 512


@dataclass(frozen=True)
class SerialConfig:
    """Remote accessory: ``url`` a device path or pyserial URL ("" = none);
    ``reconnect_max_s``: the longest wait between attempts to reopen a
    remote that went away, s (a re-plugged remote is found within it)."""

    url: str = ""
    baud: int = 115200
    reconnect_max_s: float = 5.0


@dataclass(frozen=True)
class DisplayConfig:
    """``mode``: "auto" | "fullscreen" | "window" | "terminal" | "none";
    ``window_size``: (width, height) in pixels for mode "window"."""

    mode: str = "auto"
    window_size: tuple[int, int] = (800, 480)


@dataclass(frozen=True)
class HistoryConfig:
    """``db``: the history database file; "" = :func:`default_db_path`. A
    relative path in a file is taken relative to that file's directory."""

    db: str = ""

    def db_path(self, env: Mapping[str, str] | None = None) -> Path:
        """The database file to open (``env`` default: ``os.environ``)."""
        return Path(self.db) if self.db else default_db_path(env)


@dataclass(frozen=True)
class GuardrailsConfig:
    """Warn when the same method + exercise ran more than ``overuse_sessions``
    sessions within ``overuse_days`` days; warn on consecutive training days."""

    overuse_sessions: int = 2
    overuse_days: int = 7
    warn_consecutive_days: bool = True


@dataclass(frozen=True)
class TrainingConfig:
    """A training block: ``block_weeks`` long from ``block_start`` (a local
    date); both None = no block configured."""

    block_weeks: int | None = None
    block_start: date | None = None


@dataclass(frozen=True)
class Exercise:
    """An exercise and the equipment its loads are rounded to, kg (always kg
    here, whatever the file's ``units``).
    ``kind``: "barbell" | "dumbbell" | "machine". ``plates_kg``: plates
    available per side (barbell) and ``dumbbells_kg``, both sorted descending;
    ``increment_kg``: a machine's stack step. ``muscles``: the muscle groups
    it trains (guardrails count per group). ``variations``: a mechanical drop
    set's variations in order (empty: the built-in list for this exercise,
    if any). ``spotter``: "ask" (the
    station asks for a spotter where the method calls for one) or "arms"
    (safety arms are set: strength rest-pause and barbell drop sets show it
    instead of asking; forced negatives still need a spotter)."""

    name: str
    kind: str = "barbell"
    one_rm_kg: float | None = None
    bar_kg: float = 20.0
    plates_kg: tuple[float, ...] = DEFAULT_PLATES_KG
    dumbbells_kg: tuple[float, ...] = ()
    increment_kg: float = 5.0
    muscles: tuple[str, ...] = ()
    variations: tuple[str, ...] = ()
    spotter: str = "ask"


@dataclass(frozen=True)
class UserPreset:
    """A named method with the user's parameters (preset param name -> value),
    run as ``station run <name>``. ``load_kg``: starting load, kg."""

    name: str
    method: str
    exercise: str | None = None
    load_kg: float | None = None
    params: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))

    def compile(self, drop_loads_kg: tuple[float, ...] | None = None) -> tuple[Plan, list[str]]:
        """The plan and its out-of-range warnings (see ``compile_plan``)."""
        return compile_plan(self.method, dict(self.params), self.load_kg, drop_loads_kg)


@dataclass(frozen=True)
class Config:
    """The whole configuration; ``source`` is the file read (None: defaults)."""

    pins: PinsConfig = field(default_factory=PinsConfig)
    gestures: GestureConfig = field(default_factory=GestureConfig)
    sound: SoundConfig = field(default_factory=SoundConfig)
    serial: SerialConfig = field(default_factory=SerialConfig)
    display: DisplayConfig = field(default_factory=DisplayConfig)
    history: HistoryConfig = field(default_factory=HistoryConfig)
    guardrails: GuardrailsConfig = field(default_factory=GuardrailsConfig)
    exercises: Mapping[str, Exercise] = field(default_factory=lambda: MappingProxyType({}))
    presets: Mapping[str, UserPreset] = field(default_factory=lambda: MappingProxyType({}))
    training: TrainingConfig = field(default_factory=TrainingConfig)
    units: str = "kg"
    source: Path | None = None
    mqtt: MqttConfig | None = None  # None: no [mqtt], nothing on the network
    coach: CoachConfig | None = None
