"""The station's configuration: one TOML file read with tomllib into frozen
dataclasses, strictly.

Every section and key is optional (a missing one takes the default shown in
:func:`example_config`), but an unknown section or key, a value of the wrong
type or out of its range is a :class:`ConfigError` whose one-line message names
the file, the line (when known), the key path and what was expected versus
what was found. Every problem in the file is found: the error raised is the
first (in file order) and carries them all in ``errors``.

Where the file is looked for (:func:`find_config_path`): an explicit path, else
``$XDG_CONFIG_HOME/station/station.toml`` (``~/.config/...`` when unset), then
``/etc/station/station.toml``; with none, all defaults are used.

Durations are in seconds (``*_s``), loads in kilograms (``*_kg``).
"""

from __future__ import annotations

import difflib
import json
import math
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeGuard, overload

from station.config.lines import _find_line, key_path
from station.config.net import CoachConfig, MqttConfig, coach_section, mqtt_section
from station.core.methods import PRESETS, Plan, PlanError, compile_plan
from station.hw.serial_url import serial_url_problem

SYSTEM_CONFIG_PATH = Path("/etc/station/station.toml")
DEFAULT_PLATES_KG = (25.0, 25.0, 25.0, 25.0, 20.0, 15.0, 10.0, 5.0, 2.5, 1.25)


class ConfigError(ValueError):
    """A config file that cannot be used. ``str()`` is one line:
    ``<file>:<line>: <key path>: <expected, found>`` (line and key path are left
    out when unknown). The parts are kept as ``file``, ``line``, ``key``,
    ``problem``."""

    def __init__(self, file: str, line: int | None, key: str | None, problem: str) -> None:
        self.file, self.line, self.key, self.problem = file, line, key, problem
        where = f"{file}:{line}" if line is not None else file
        super().__init__(f"{where}: {key}: {problem}" if key else f"{where}: {problem}")
        #: every problem found in the file, in file order (this one first)
        self.errors: tuple[ConfigError, ...] = (self,)


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
    """Remote accessory: ``url`` a device path or pyserial URL ("" = none)."""

    url: str = ""
    baud: int = 115200


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


# -- where the files are ---------------------------------------------------


def _home(env: Mapping[str, str]) -> Path:
    return Path(env["HOME"]) if env.get("HOME") else Path.home()


def _xdg_dir(env: Mapping[str, str], var: str, fallback: str) -> Path:
    # The XDG spec says a relative value is invalid and must be ignored.
    value = env.get(var, "")
    return Path(value) if value and os.path.isabs(value) else _home(env) / fallback


def default_db_path(env: Mapping[str, str] | None = None) -> Path:
    """``$XDG_DATA_HOME/station/history.sqlite3`` (``~/.local/share`` when unset)."""
    env = os.environ if env is None else env
    return _xdg_dir(env, "XDG_DATA_HOME", ".local/share") / "station" / "history.sqlite3"


def search_paths(
    env: Mapping[str, str] | None = None, system_path: Path = SYSTEM_CONFIG_PATH
) -> tuple[Path, ...]:
    """The files looked for, in order: the user's, then the system one."""
    env = os.environ if env is None else env
    return (_xdg_dir(env, "XDG_CONFIG_HOME", ".config") / "station" / "station.toml", system_path)


def find_config_path(
    explicit: Path | None,
    env: Mapping[str, str] | None = None,
    system_path: Path = SYSTEM_CONFIG_PATH,
) -> Path | None:
    """The config file to read: ``explicit`` (a ConfigError if it does not
    exist), else the first of :func:`search_paths` that exists, else None."""
    if explicit is not None:
        explicit = Path(explicit)
        if not explicit.is_file():
            problem = "is not a file" if explicit.exists() else "no such file"
            raise ConfigError(str(explicit), None, None, problem)
        return explicit
    for candidate in search_paths(env, system_path):
        if candidate.is_file():
            return candidate
    return None


def load_config(
    path: Path | None = None,
    env: Mapping[str, str] | None = None,
    system_path: Path = SYSTEM_CONFIG_PATH,
) -> Config:
    """Read and check the config at ``path``, or the one found by the search
    (all defaults when there is none). Raises ConfigError."""
    env = os.environ if env is None else env
    found = find_config_path(path, env, system_path)
    if found is None:
        return Config()
    try:
        text = found.read_bytes().decode("utf-8")
    except OSError as e:
        raise ConfigError(str(found), None, None, f"cannot read: {e.strerror or e}") from None
    except UnicodeDecodeError as e:
        raise ConfigError(str(found), None, None, f"not UTF-8 text (byte {e.start})") from None
    return parse_config(text, found, env)


def parse_config(text: str, source: Path | None = None, env: Mapping[str, str] | None = None) -> Config:
    """Check TOML ``text`` (read from ``source``, for messages and relative
    paths) and build the Config. Raises ConfigError."""
    name = str(source) if source is not None else "<string>"
    if text.startswith("\ufeff"):
        text = text[1:]  # a byte-order mark (Windows editors write one): not part of the TOML
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        m = re.search(r"at line (\d+)", str(e))
        raise ConfigError(name, int(m.group(1)) if m else None, None, f"invalid TOML: {e}") from None
    except RecursionError:
        raise ConfigError(name, None, None, "invalid TOML: arrays or tables nested too deeply") from None
    problems: list[_Problem] = []
    config = _build(data, source, os.environ if env is None else env, problems)
    if problems:
        errors = [ConfigError(name, _find_line(text, p.path), key_path(p.path), p.text)
                  for p in problems]
        errors.sort(key=lambda e: (e.line is None, e.line or 0))
        first = errors[0]
        first.errors = tuple(errors)
        raise first
    return config


# -- checking values --------------------------------------------------------


class _Problem(Exception):
    """One thing wrong, at ``path`` (TOML key parts). Raised where a whole
    entry cannot be read on; otherwise appended to the problems list and
    the default used, so that every problem in a file is found."""

    def __init__(self, path: tuple[str, ...], text: str) -> None:
        super().__init__(text)
        self.path, self.text = path, text


_MISSING = object()


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() and abs(x) < 1e15 else f"{x:g}"


def _found(value: object) -> str:
    if value is _MISSING:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return _num(value)
    if isinstance(value, str):
        shown = json.dumps(value, ensure_ascii=False)
        return f"a string {shown if len(shown) <= 40 else shown[:37] + '...'}"
    if isinstance(value, list):
        return f"an array of {len(value)} item{'' if len(value) == 1 else 's'}"
    if isinstance(value, dict):
        return "a table"
    return f"a date/time {value}"


def _is_number(value: object) -> TypeGuard[float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _unknown(path: tuple[str, ...], allowed: tuple[str, ...], what: str) -> _Problem:
    near = difflib.get_close_matches(path[-1], allowed, n=1)
    hint = f" (did you mean {near[0]}?)" if near else ""
    return _Problem(path, f"unknown {what}{hint}; expected one of {', '.join(allowed)}")


class _Table:
    """Typed, strict reads of one TOML table. A bad value or an unknown key
    is appended to ``problems`` and the read returns the default."""

    def __init__(self, data: Mapping[str, object], path: tuple[str, ...], allowed: tuple[str, ...],
                 problems: list[_Problem] | None = None):
        self.problems = problems  # None: the first problem is raised (station.config.net)
        for key in data:
            if key not in allowed:
                self._note(_unknown(path + (key,), allowed, "key"))
        self.data = {k: v for k, v in data.items() if k in allowed}
        self.path = path

    def has(self, key: str) -> bool:
        return key in self.data

    def fail(self, key: str, expected: str) -> _Problem:
        return _Problem(self.path + (key,), f"expected {expected}, found {_found(self.data.get(key, _MISSING))}")

    def bad(self, key: str, expected: str, default):  # type: ignore[no-untyped-def]
        """Note that ``key`` is not ``expected``; the default to go on with."""
        self._note(self.fail(key, expected))
        return default

    def _note(self, problem: _Problem) -> None:
        if self.problems is None:
            raise problem
        self.problems.append(problem)

    @overload
    def number(self, key: str, default: float, lo: float, hi: float, unit: str = "",
               lo_open: bool = False) -> float: ...
    @overload
    def number(self, key: str, default: float | None, lo: float, hi: float, unit: str = "",
               lo_open: bool = False) -> float | None: ...
    def number(self, key: str, default: float | None, lo: float, hi: float, unit: str = "",
               lo_open: bool = False) -> float | None:
        """A finite int or float in [lo, hi] (lo excluded if ``lo_open``)."""
        if key not in self.data:
            return default
        value = self.data[key]
        low = f"over {_num(lo)} and at most" if lo_open else f"from {_num(lo)} to"
        expected = f"a number {low} {_num(hi)}{unit}"
        if not _is_number(value) or not math.isfinite(value):
            return self.bad(key, expected, default)
        if not (lo < value if lo_open else lo <= value) or value > hi:
            return self.bad(key, expected, default)
        return float(value)

    def whole(self, key: str, default: int, lo: int, hi: int, what: str = "a whole number") -> int:
        value = self.data.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or not lo <= value <= hi:
            return self.bad(key, f"{what} from {lo} to {hi}", default)
        return value

    def flag(self, key: str, default: bool) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            return self.bad(key, "true or false", default)
        return value

    def text(self, key: str, default: str) -> str:
        value = self.data.get(key, default)
        if not isinstance(value, str):
            return self.bad(key, "a string", default)
        return value

    def choice(self, key: str, default: str, choices: tuple[str, ...]) -> str:
        value = self.data.get(key, default)
        if not isinstance(value, str) or value not in choices:
            return self.bad(key, "one of " + ", ".join(f'"{c}"' for c in choices), default)
        return value

    def weights(self, key: str, default: tuple[float, ...], hi: float, most: int,
                distinct: int, unit: str = "kg") -> tuple[float, ...]:
        """An array of at most ``most`` positive weights (``distinct``
        different ones at most), returned sorted heaviest first."""
        value = self.data.get(key, list(default))
        expected = f"an array of numbers over 0 and at most {_num(hi)} {unit}"
        if not isinstance(value, list):
            return self.bad(key, expected, default)
        for i, item in enumerate(value):
            if not _is_number(item) or not math.isfinite(item) or not 0 < item <= hi:
                self._note(_Problem(self.path + (key,),
                                    f"expected {expected}, found {_found(item)} at item {i + 1}"))
                return default
        if len(value) > most:
            return self.bad(key, f"at most {most} weights", default)
        if len({round(float(x) * 1000) for x in value}) > distinct:
            return self.bad(key, f"at most {distinct} different weights", default)
        return tuple(sorted((float(x) for x in value), reverse=True))


def _table(data: Mapping[str, object], key: str, path: tuple[str, ...] = (),
           problems: list[_Problem] | None = None) -> Mapping[str, object]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        where = key_path(path + (key,))
        problem = _Problem(path + (key,), f"expected a table [{where}], found {_found(value)}")
        if problems is None:
            raise problem
        problems.append(problem)
        return {}
    return value


# -- the sections -------------------------------------------------------------

_SECTIONS = ("units", "pins", "gestures", "sound", "serial", "display", "history", "guardrails",
             "training", "exercises", "presets", "mqtt", "coach")
#: One pound, kg (as station.core.loads.LB_KG).
_LB_KG = 0.45359237
#: Defaults in pounds when ``units = "lb"``: a 45 lb bar, common plates.
_LB_DEFAULTS: dict[str, Any] = {"bar": 45.0, "plates": (45.0, 45.0, 45.0, 45.0, 35.0, 25.0, 10.0, 5.0, 2.5),
                                "increment": 10.0}
_PIN_WHAT = "a BCM pin number"
#: Most plates per side / dumbbells on the rack, and most different weights among
#: them: a whole gym's worth, and what keeps the plate search quick (docs/reliability.md).
MAX_PLATES = 40
MAX_PLATE_WEIGHTS = 16
MAX_DUMBBELLS = 100
#: The finest machine stack step, kg (a micro-weight add-on is 0.25-1.25 kg).
MIN_INCREMENT_KG = 0.1
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _pins(data: Mapping[str, object], ps: list[_Problem]) -> PinsConfig:
    t = _Table(data, ("pins",), ("factory", "button", "spotter_button", "buzzer", "buzzer_kind",
                                 "buzzer_active_high"), ps)
    d = PinsConfig()
    spotter = t.data.get("spotter_button", 0)
    if not (spotter == 0 and type(spotter) is int):
        spotter = t.whole("spotter_button", 0, 2, 27, "0 (none) or a BCM pin number")
    pins = PinsConfig(
        factory=t.choice("factory", d.factory, ("auto", "gpio", "mock")),
        button=t.whole("button", d.button, 2, 27, _PIN_WHAT),
        spotter_button=spotter,
        buzzer=t.whole("buzzer", d.buzzer, 2, 27, _PIN_WHAT),
        buzzer_kind=t.choice("buzzer_kind", d.buzzer_kind, ("active", "tonal")),
        buzzer_active_high=t.flag("buzzer_active_high", d.buzzer_active_high),
    )
    if pins.button == pins.buzzer:
        blame, other = ("buzzer", "button") if t.has("buzzer") else ("button", "buzzer")
        ps.append(t.fail(blame, f"a pin other than {other}'s ({getattr(pins, other)})"))
    if pins.spotter_button in (pins.button, pins.buzzer):
        ps.append(t.fail("spotter_button", f"0 (none) or a pin other than button's ({pins.button}) "
                                           f"and buzzer's ({pins.buzzer})"))
    return pins


def _gestures(data: Mapping[str, object], ps: list[_Problem]) -> GestureConfig:
    t = _Table(data, ("gestures",), ("debounce_s", "hold_s", "end_hold_s", "double_s",
                                     "early_start_after"), ps)
    d = GestureConfig()
    gestures = GestureConfig(
        debounce_s=t.number("debounce_s", d.debounce_s, 0.001, 0.2, " s"),
        hold_s=t.number("hold_s", d.hold_s, 0.3, 5, " s"),
        end_hold_s=t.number("end_hold_s", d.end_hold_s, 0, 10, " s", lo_open=True),
        double_s=t.number("double_s", d.double_s, 0.1, 1.0, " s"),
        early_start_after=t.number("early_start_after", d.early_start_after, 0, 1),
    )
    if gestures.end_hold_s <= gestures.hold_s:
        if t.has("end_hold_s"):
            ps.append(t.fail("end_hold_s", f"a number over hold_s ({_num(gestures.hold_s)} s) and at most 10 s"))
        else:
            ps.append(t.fail("hold_s", f"a number under end_hold_s ({_num(gestures.end_hold_s)} s)"))
    return gestures


def _sound(data: Mapping[str, object], ps: list[_Problem]) -> SoundConfig:
    t = _Table(data, ("sound",), ("volume", "quiet", "speech", "buffer_samples"), ps)
    d = SoundConfig()
    buffer = t.data.get("buffer_samples", d.buffer_samples)
    if isinstance(buffer, bool) or not isinstance(buffer, int) or buffer not in {2**k for k in range(6, 13)}:
        buffer = t.bad("buffer_samples", "a power of two from 64 to 4096", d.buffer_samples)
    return SoundConfig(
        volume=t.number("volume", d.volume, 0.0, 1.0),
        quiet=t.flag("quiet", d.quiet),
        speech=t.flag("speech", d.speech),
        buffer_samples=buffer,
    )


def _serial(data: Mapping[str, object], ps: list[_Problem]) -> SerialConfig:
    t = _Table(data, ("serial",), ("url", "baud"), ps)
    d = SerialConfig()
    url = t.text("url", d.url)
    problem = serial_url_problem(url) if url else None
    if problem is not None:
        ps.append(_Problem(("serial", "url"), problem))
        url = d.url
    return SerialConfig(url=url, baud=t.whole("baud", d.baud, 50, 4_000_000))


def _display(data: Mapping[str, object], ps: list[_Problem]) -> DisplayConfig:
    t = _Table(data, ("display",), ("mode", "window_size"), ps)
    d = DisplayConfig()
    size = t.data.get("window_size", list(d.window_size))
    expected = "[width, height] in pixels, each from 160 to 8192"
    if not isinstance(size, list) or len(size) != 2:
        size = t.bad("window_size", expected, d.window_size)
    else:
        for what, v in zip(("width", "height"), size):
            if not (isinstance(v, int) and not isinstance(v, bool) and 160 <= v <= 8192):
                ps.append(_Problem(("display", "window_size"),
                                   f"expected {expected}, found {_found(v)} for the {what}"))
                size = d.window_size
                break
    mode = t.choice("mode", d.mode, ("auto", "fullscreen", "window", "terminal", "none"))
    return DisplayConfig(mode=mode, window_size=(size[0], size[1]))


def _history(data: Mapping[str, object], source: Path | None, env: Mapping[str, str],
             ps: list[_Problem]) -> HistoryConfig:
    t = _Table(data, ("history",), ("db",), ps)
    db = t.text("db", "")
    if db and "\0" in db:
        ps.append(t.fail("db", "a file path (no NUL character)"))
        db = ""
    if not db:
        return HistoryConfig(db="")
    path = _home(env) / db[2:] if db == "~" or db.startswith("~/") else Path(db)
    if not path.is_absolute() and source is not None:
        path = source.parent / path
    return HistoryConfig(db=str(path))


def _guardrails(data: Mapping[str, object], ps: list[_Problem]) -> GuardrailsConfig:
    t = _Table(data, ("guardrails",), ("overuse_sessions", "overuse_days", "warn_consecutive_days"), ps)
    d = GuardrailsConfig()
    return GuardrailsConfig(
        overuse_sessions=t.whole("overuse_sessions", d.overuse_sessions, 1, 100),
        overuse_days=t.whole("overuse_days", d.overuse_days, 1, 365, "a number of days"),
        warn_consecutive_days=t.flag("warn_consecutive_days", d.warn_consecutive_days),
    )


_KIND_KEYS = (("barbell", ("bar", "plates")), ("dumbbell", ("dumbbells",)),
              ("machine", ("increment",)))


def _names(t: _Table, key: str) -> tuple[str, ...]:
    value = t.data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        return t.bad(key, "an array of names", ())
    return tuple(v.strip() for v in value)


def _check_name(path: tuple[str, ...], name: str) -> None:
    """A table name shown on screen and typed on the command line: printable."""
    if not name.strip() or _CONTROL.search(name) or len(name) > 64:
        raise _Problem(path, f"expected a name of 1 to 64 printable characters, found {json.dumps(name)}")


def _exercise(name: str, data: Mapping[str, object], ps: list[_Problem], units: str = "kg") -> Exercise:
    _check_name(("exercises", name), name)
    other = "lb" if units == "kg" else "kg"
    for key in data:
        base, _, unit = key.rpartition("_")
        if unit == other and base in ("one_rm", "bar", "plates", "dumbbells", "increment"):
            ps.append(_Problem(("exercises", name, key),
                               f'units is "{units}": give {base}_{units} (in {units})'))
    u = lambda base: f"{base}_{units}"  # noqa: E731
    t = _Table({k: v for k, v in data.items() if not k.endswith("_" + other)}, ("exercises", name),
               ("kind", u("one_rm"), u("bar"), u("plates"), u("dumbbells"), u("increment"),
                "muscles", "variations", "spotter"), ps)
    d = Exercise(name)
    kind = t.choice("kind", d.kind, tuple(k for k, _ in _KIND_KEYS))
    for other_kind, keys in _KIND_KEYS:
        for key in keys:
            if other_kind != kind and t.has(u(key)):
                ps.append(_Problem(t.path + (u(key),),
                                   f'only for kind "{other_kind}", this exercise is "{kind}"'))
    k = 1.0 if units == "kg" else 1 / _LB_KG  # kg limits in the file's units
    lim = lambda kg: round(kg * k)  # noqa: E731
    to_kg = (lambda x: x) if units == "kg" else (lambda x: x * _LB_KG)  # noqa: E731
    dflt: dict[str, Any] = {"bar": d.bar_kg, "plates": d.plates_kg, "increment": d.increment_kg} \
        if units == "kg" \
        else _LB_DEFAULTS
    step_lo = MIN_INCREMENT_KG if units == "kg" else round(MIN_INCREMENT_KG / _LB_KG, 1)
    one_rm = t.number(u("one_rm"), None, 0, lim(1000), f" {units}", lo_open=True)
    return Exercise(
        name=name,
        kind=kind,
        one_rm_kg=None if one_rm is None else to_kg(one_rm),
        bar_kg=to_kg(t.number(u("bar"), dflt["bar"], 0, lim(50), f" {units}")),
        plates_kg=tuple(to_kg(x) for x in t.weights(u("plates"), dflt["plates"], lim(50), MAX_PLATES,
                                                     MAX_PLATE_WEIGHTS, units)),
        dumbbells_kg=tuple(to_kg(x) for x in t.weights(u("dumbbells"), d.dumbbells_kg, lim(200),
                                                        MAX_DUMBBELLS, MAX_DUMBBELLS, units)),
        increment_kg=to_kg(t.number(u("increment"), dflt["increment"], step_lo, lim(50), f" {units}")),
        muscles=_names(t, "muscles"),
        variations=_names(t, "variations"),
        spotter=t.choice("spotter", d.spotter, ("ask", "arms")),
    )


def _training(data: Mapping[str, object], ps: list[_Problem]) -> TrainingConfig:
    t = _Table(data, ("training",), ("block_weeks", "block_start"), ps)
    if not t.has("block_weeks") and not t.has("block_start"):
        return TrainingConfig()
    if not t.has("block_weeks"):
        ps.append(t.fail("block_weeks", "the block's length in weeks (from 2 to 52) with block_start"))
        return TrainingConfig()
    weeks = t.whole("block_weeks", 10, 2, 52, "a number of weeks")
    start = t.data.get("block_start", _MISSING)
    if isinstance(start, datetime) or not isinstance(start, date):
        ps.append(t.fail("block_start", "the block's first day as a TOML date, e.g. 2026-10-05"))
        return TrainingConfig()
    return TrainingConfig(weeks, start)


def _preset(name: str, data: Mapping[str, object], exercises: Mapping[str, Exercise],
            ps: list[_Problem], units: str = "kg") -> UserPreset:
    path = ("presets", name)
    if name in PRESETS:
        raise _Problem(path, f"expected a name that is not a built-in method ({', '.join(PRESETS)}), "
                             f"found {json.dumps(name)}")
    if (not name or name.startswith("-") or any(c.isspace() for c in name)
            or _CONTROL.search(name) or len(name) > 64):
        raise _Problem(path, f"expected a name usable as `station run <name>` (no spaces, not starting "
                             f"with '-', at most 64 characters), found {json.dumps(name)}")
    method = data.get("method", _MISSING)
    if not isinstance(method, str) or method not in PRESETS:
        raise _Problem(path + ("method",), f"expected a method, one of {', '.join(PRESETS)}; "
                                           f"found {_found(method)}")
    load_key = f"load_{units}"
    if f"load_{'lb' if units == 'kg' else 'kg'}" in data:
        raise _Problem(path + (f"load_{'lb' if units == 'kg' else 'kg'}",),
                       f'units is "{units}": give {load_key} (in {units})')
    own = ("method", "exercise", load_key)
    method_params = tuple(p.name for p in PRESETS[method].params)
    t = _Table(data, path, own + method_params, ps)
    exercise = t.data.get("exercise")
    if exercise is not None and (not isinstance(exercise, str) or exercise not in exercises):
        known = ", ".join(exercises) if exercises else "none defined"
        exercise = t.bad("exercise", f"the name of an [exercises.*] entry ({known})", None)
    load_kg = t.number(load_key, None, 0, 1000 if units == "kg" else round(1000 / _LB_KG), f" {units}")
    if load_kg is not None and units == "lb":
        load_kg *= _LB_KG
    params: dict[str, object] = {}
    before = len(ps)
    for key in method_params:
        if not t.has(key):
            continue
        value, param = t.data[key], PRESETS[method].param(key)
        if param.kind == "list":
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                ps.append(t.fail(key, "an array of strings"))
                continue
            value = tuple(value)
        elif param.kind == "int" and (isinstance(value, bool) or not isinstance(value, int)):
            ps.append(t.fail(key, f"a whole number of {param.unit or 'times'}"))
            continue
        elif param.kind != "int" and (not _is_number(value) or not math.isfinite(value)):
            ps.append(t.fail(key, f"a number{' of ' + _units(param.unit) if param.unit else ''}"))
            continue
        params[key] = value
    if len(ps) == before:  # the plan's own checks, on values that are each readable
        try:
            compile_plan(method, params, load_kg)
        except PlanError as e:
            msg = str(e)
            head, _, rest = msg.partition(": ")
            key = {"load": load_key}.get(head, head)
            if rest and (key in params or key == load_key):
                raise _Problem(path + (key,), rest) from None
            raise _Problem(path, msg) from None
    return UserPreset(name, method, exercise, load_kg, MappingProxyType(params))


def _units(unit: str) -> str:
    return {"s": "seconds", "%": "percent"}.get(unit, unit)


def _build(data: Mapping[str, object], source: Path | None, env: Mapping[str, str],
           ps: list[_Problem]) -> Config:
    for key in data:
        if key not in _SECTIONS:
            ps.append(_unknown((key,), _SECTIONS, "section"))
    units = data.get("units", "kg")
    if units not in ("kg", "lb"):
        ps.append(_Problem(("units",), f'expected "kg" or "lb" (at the top of the file), found {_found(units)}'))
        units = "kg"
    exercises: dict[str, Exercise] = {}
    for name in (tables := _table(data, "exercises", (), ps)):
        try:
            exercises[name] = _exercise(name, _table(tables, name, ("exercises",), ps), ps,
                                        units)
        except _Problem as p:
            ps.append(p)
    presets: dict[str, UserPreset] = {}
    for name in (tables := _table(data, "presets", (), ps)):
        try:
            presets[name] = _preset(name, _table(tables, name, ("presets",), ps), exercises, ps,
                                    units)
        except _Problem as p:
            ps.append(p)
    return Config(
        pins=_pins(_table(data, "pins", (), ps), ps),
        gestures=_gestures(_table(data, "gestures", (), ps), ps),
        sound=_sound(_table(data, "sound", (), ps), ps),
        serial=_serial(_table(data, "serial", (), ps), ps),
        display=_display(_table(data, "display", (), ps), ps),
        history=_history(_table(data, "history", (), ps), source, env, ps),
        guardrails=_guardrails(_table(data, "guardrails", (), ps), ps),
        training=_training(_table(data, "training", (), ps), ps),
        units=units,
        exercises=MappingProxyType(exercises),
        presets=MappingProxyType(presets),
        source=source,
        mqtt=_network(mqtt_section, data, "mqtt", source, ps),
        coach=_network(coach_section, data, "coach", source, ps),
    )


def _network(section, data: Mapping[str, object], key: str, source: Path | None,
             ps: list[_Problem]):  # type: ignore[no-untyped-def]
    """[mqtt] / [coach] (station.config.net): its first problem, if any."""
    if key not in data:
        return None
    table = _table(data, key, (), ps)
    try:
        return section(table, source)
    except _Problem as p:
        ps.append(p)
        return None


# -- finding the line of a key ------------------------------------------------

