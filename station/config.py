"""The station's configuration: one TOML file read with tomllib into frozen
dataclasses, strictly.

Every section and key is optional (a missing one takes the default shown in
:func:`example_config`), but an unknown section or key, a value of the wrong
type or out of its range is a :class:`ConfigError` whose one-line message names
the file, the line (when known), the key path and what was expected versus
what was found. Only the first problem is reported.

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

from station.core.methods import PRESETS, Plan, PlanError, compile_plan
from .config_example import example_config  # noqa: F401  (re-exported: `station config example`)
from .config_lines import _find_line, key_path
from .config_net import CoachConfig, MqttConfig, coach_section, mqtt_section

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
    set; two presses within ``double_s`` are an undo."""

    debounce_s: float = 0.03
    hold_s: float = 1.0
    end_hold_s: float = 3.0
    double_s: float = 0.4


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
    if any)."""

    name: str
    kind: str = "barbell"
    one_rm_kg: float | None = None
    bar_kg: float = 20.0
    plates_kg: tuple[float, ...] = DEFAULT_PLATES_KG
    dumbbells_kg: tuple[float, ...] = ()
    increment_kg: float = 5.0
    muscles: tuple[str, ...] = ()
    variations: tuple[str, ...] = ()


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
    training: TrainingConfig = field(default_factory=TrainingConfig)
    units: str = "kg"
    exercises: Mapping[str, Exercise] = field(default_factory=lambda: MappingProxyType({}))
    presets: Mapping[str, UserPreset] = field(default_factory=lambda: MappingProxyType({}))
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
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        m = re.search(r"at line (\d+)", str(e))
        raise ConfigError(name, int(m.group(1)) if m else None, None, f"invalid TOML: {e}") from None
    try:
        return _build(data, source, os.environ if env is None else env)
    except _Problem as p:
        raise ConfigError(name, _find_line(text, p.path), key_path(p.path), p.text) from None


# -- checking values --------------------------------------------------------


class _Problem(Exception):
    """The first thing wrong, at ``path`` (TOML key parts)."""

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


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _unknown(path: tuple[str, ...], allowed: tuple[str, ...], what: str) -> _Problem:
    near = difflib.get_close_matches(path[-1], allowed, n=1)
    hint = f" (did you mean {near[0]}?)" if near else ""
    return _Problem(path, f"unknown {what}{hint}; expected one of {', '.join(allowed)}")


class _Table:
    """Typed, strict reads of one TOML table; unknown keys fail at once."""

    def __init__(self, data: Mapping[str, object], path: tuple[str, ...], allowed: tuple[str, ...]):
        for key in data:
            if key not in allowed:
                raise _unknown(path + (key,), allowed, "key")
        self.data, self.path = data, path

    def has(self, key: str) -> bool:
        return key in self.data

    def fail(self, key: str, expected: str) -> _Problem:
        return _Problem(self.path + (key,), f"expected {expected}, found {_found(self.data.get(key, _MISSING))}")

    def number(self, key: str, default: float | None, lo: float, hi: float, unit: str = "",
               lo_open: bool = False) -> float | None:
        """A finite int or float in [lo, hi] (lo excluded if ``lo_open``)."""
        if key not in self.data:
            return default
        value = self.data[key]
        low = f"over {_num(lo)} and at most" if lo_open else f"from {_num(lo)} to"
        expected = f"a number {low} {_num(hi)}{unit}"
        if not _is_number(value) or not math.isfinite(value):
            raise self.fail(key, expected)
        if not (lo < value if lo_open else lo <= value) or value > hi:
            raise self.fail(key, expected)
        return float(value)

    def whole(self, key: str, default: int, lo: int, hi: int, what: str = "a whole number") -> int:
        value = self.data.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or not lo <= value <= hi:
            raise self.fail(key, f"{what} from {lo} to {hi}")
        return value

    def flag(self, key: str, default: bool) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(key, "true or false")
        return value

    def text(self, key: str, default: str) -> str:
        value = self.data.get(key, default)
        if not isinstance(value, str):
            raise self.fail(key, "a string")
        return value

    def choice(self, key: str, default: str, choices: tuple[str, ...]) -> str:
        value = self.data.get(key, default)
        if not isinstance(value, str) or value not in choices:
            raise self.fail(key, "one of " + ", ".join(f'"{c}"' for c in choices))
        return value

    def weights(self, key: str, default: tuple[float, ...], hi: float,
                unit: str = "kg") -> tuple[float, ...]:
        """An array of positive weights, returned sorted heaviest first."""
        value = self.data.get(key, list(default))
        expected = f"an array of numbers over 0 and at most {_num(hi)} {unit}"
        if not isinstance(value, list):
            raise self.fail(key, expected)
        for i, item in enumerate(value):
            if not _is_number(item) or not math.isfinite(item) or not 0 < item <= hi:
                raise _Problem(self.path + (key,), f"expected {expected}, found {_found(item)} at item {i + 1}")
        return tuple(sorted((float(x) for x in value), reverse=True))


def _table(data: Mapping[str, object], key: str, path: tuple[str, ...] = ()) -> Mapping[str, object]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        where = key_path(path + (key,))
        raise _Problem(path + (key,), f"expected a table [{where}], found {_found(value)}")
    return value


# -- the sections -------------------------------------------------------------

_SECTIONS = ("units", "pins", "gestures", "sound", "serial", "display", "history", "guardrails",
             "training", "exercises", "presets", "mqtt", "coach")
#: One pound, kg (as station.core.loads.LB_KG).
_LB_KG = 0.45359237
#: Defaults in pounds when ``units = "lb"``: a 45 lb bar, common plates.
_LB_DEFAULTS = {"bar": 45.0, "plates": (45.0, 45.0, 45.0, 45.0, 35.0, 25.0, 10.0, 5.0, 2.5),
                "increment": 10.0}
_PIN_WHAT = "a BCM pin number"


def _pins(data: Mapping[str, object]) -> PinsConfig:
    t = _Table(data, ("pins",), ("factory", "button", "spotter_button", "buzzer", "buzzer_kind",
                                 "buzzer_active_high"))
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
        raise t.fail(blame, f"a pin other than {other}'s ({getattr(pins, other)})")
    if pins.spotter_button in (pins.button, pins.buzzer):
        raise t.fail("spotter_button", f"0 (none) or a pin other than button's ({pins.button}) "
                                       f"and buzzer's ({pins.buzzer})")
    return pins


def _gestures(data: Mapping[str, object]) -> GestureConfig:
    t = _Table(data, ("gestures",), ("debounce_s", "hold_s", "end_hold_s", "double_s"))
    d = GestureConfig()
    gestures = GestureConfig(
        debounce_s=t.number("debounce_s", d.debounce_s, 0.001, 0.2, " s"),
        hold_s=t.number("hold_s", d.hold_s, 0.3, 5, " s"),
        end_hold_s=t.number("end_hold_s", d.end_hold_s, 0, 10, " s", lo_open=True),
        double_s=t.number("double_s", d.double_s, 0.1, 1.0, " s"),
    )
    if gestures.end_hold_s <= gestures.hold_s:
        if t.has("end_hold_s"):
            raise t.fail("end_hold_s", f"a number over hold_s ({_num(gestures.hold_s)} s) and at most 10 s")
        raise t.fail("hold_s", f"a number under end_hold_s ({_num(gestures.end_hold_s)} s)")
    return gestures


def _sound(data: Mapping[str, object]) -> SoundConfig:
    t = _Table(data, ("sound",), ("volume", "quiet", "speech", "buffer_samples"))
    d = SoundConfig()
    buffer = t.data.get("buffer_samples", d.buffer_samples)
    if isinstance(buffer, bool) or not isinstance(buffer, int) or buffer not in {2**k for k in range(6, 13)}:
        raise t.fail("buffer_samples", "a power of two from 64 to 4096")
    return SoundConfig(
        volume=t.number("volume", d.volume, 0.0, 1.0),
        quiet=t.flag("quiet", d.quiet),
        speech=t.flag("speech", d.speech),
        buffer_samples=buffer,
    )


def _serial(data: Mapping[str, object]) -> SerialConfig:
    t = _Table(data, ("serial",), ("url", "baud"))
    d = SerialConfig()
    return SerialConfig(url=t.text("url", d.url), baud=t.whole("baud", d.baud, 50, 4_000_000))


def _display(data: Mapping[str, object]) -> DisplayConfig:
    t = _Table(data, ("display",), ("mode", "window_size"))
    d = DisplayConfig()
    size = t.data.get("window_size", list(d.window_size))
    if (not isinstance(size, list) or len(size) != 2
            or not all(isinstance(v, int) and not isinstance(v, bool) and 160 <= v <= 8192 for v in size)):
        raise t.fail("window_size", "[width, height] in pixels, each from 160 to 8192")
    mode = t.choice("mode", d.mode, ("auto", "fullscreen", "window", "terminal", "none"))
    return DisplayConfig(mode=mode, window_size=(size[0], size[1]))


def _history(data: Mapping[str, object], source: Path | None, env: Mapping[str, str]) -> HistoryConfig:
    t = _Table(data, ("history",), ("db",))
    db = t.text("db", "")
    if not db:
        return HistoryConfig(db="")
    path = _home(env) / db[2:] if db == "~" or db.startswith("~/") else Path(db)
    if not path.is_absolute() and source is not None:
        path = source.parent / path
    return HistoryConfig(db=str(path))


def _guardrails(data: Mapping[str, object]) -> GuardrailsConfig:
    t = _Table(data, ("guardrails",), ("overuse_sessions", "overuse_days", "warn_consecutive_days"))
    d = GuardrailsConfig()
    return GuardrailsConfig(
        overuse_sessions=t.whole("overuse_sessions", d.overuse_sessions, 0, 100),
        overuse_days=t.whole("overuse_days", d.overuse_days, 1, 365, "a number of days"),
        warn_consecutive_days=t.flag("warn_consecutive_days", d.warn_consecutive_days),
    )


_KIND_KEYS = (("barbell", ("bar", "plates")), ("dumbbell", ("dumbbells",)),
              ("machine", ("increment",)))


def _names(t: "_Table", key: str) -> tuple[str, ...]:
    value = t.data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise t.fail(key, "an array of names")
    return tuple(v.strip() for v in value)


def _exercise(name: str, data: Mapping[str, object], units: str = "kg") -> Exercise:
    other = "lb" if units == "kg" else "kg"
    for key in data:
        base, _, unit = key.rpartition("_")
        if unit == other and base in ("one_rm", "bar", "plates", "dumbbells", "increment"):
            raise _Problem(("exercises", name, key),
                           f'units is "{units}": give {base}_{units} (in {units})')
    u = lambda base: f"{base}_{units}"  # noqa: E731
    t = _Table(data, ("exercises", name), ("kind", u("one_rm"), u("bar"), u("plates"),
                                           u("dumbbells"), u("increment"), "muscles",
                                           "variations"))
    d = Exercise(name)
    kind = t.choice("kind", d.kind, tuple(k for k, _ in _KIND_KEYS))
    for other_kind, keys in _KIND_KEYS:
        for key in keys:
            if other_kind != kind and t.has(u(key)):
                raise _Problem(t.path + (u(key),), f'only for kind "{other_kind}", this exercise is "{kind}"')
    k = 1.0 if units == "kg" else 1 / _LB_KG  # kg limits in the file's units
    lim = lambda kg: round(kg * k)  # noqa: E731
    to_kg = (lambda x: x) if units == "kg" else (lambda x: x * _LB_KG)  # noqa: E731
    dflt = {"bar": d.bar_kg, "plates": d.plates_kg, "increment": d.increment_kg} if units == "kg" \
        else _LB_DEFAULTS
    one_rm = t.number(u("one_rm"), None, 0, lim(1000), f" {units}", lo_open=True)
    return Exercise(
        name=name,
        kind=kind,
        one_rm_kg=None if one_rm is None else to_kg(one_rm),
        bar_kg=to_kg(t.number(u("bar"), dflt["bar"], 0, lim(50), f" {units}")),
        plates_kg=tuple(to_kg(x) for x in t.weights(u("plates"), dflt["plates"], lim(50), units)),
        dumbbells_kg=tuple(to_kg(x) for x in t.weights(u("dumbbells"), d.dumbbells_kg, lim(200), units)),
        increment_kg=to_kg(t.number(u("increment"), dflt["increment"], 0, lim(50), f" {units}",
                                    lo_open=True)),
        muscles=_names(t, "muscles"),
        variations=_names(t, "variations"),
    )


def _training(data: Mapping[str, object]) -> TrainingConfig:
    t = _Table(data, ("training",), ("block_weeks", "block_start"))
    if not t.has("block_weeks") and not t.has("block_start"):
        return TrainingConfig()
    if not t.has("block_weeks"):
        raise t.fail("block_weeks", "the block's length in weeks (from 2 to 52) with block_start")
    weeks = t.whole("block_weeks", 10, 2, 52, "a number of weeks")
    start = t.data.get("block_start", _MISSING)
    if isinstance(start, datetime) or not isinstance(start, date):
        raise t.fail("block_start", "the block's first day as a TOML date, e.g. 2026-10-05")
    return TrainingConfig(weeks, start)


def _preset(name: str, data: Mapping[str, object], exercises: Mapping[str, Exercise],
            units: str = "kg") -> UserPreset:
    path = ("presets", name)
    if name in PRESETS:
        raise _Problem(path, f"expected a name that is not a built-in method ({', '.join(PRESETS)}), "
                             f"found {json.dumps(name)}")
    if not name or name.startswith("-") or any(c.isspace() for c in name):
        raise _Problem(path, f"expected a name usable as `station run <name>` (no spaces, not starting "
                             f"with '-'), found {json.dumps(name)}")
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
    t = _Table(data, path, own + method_params)
    exercise = data.get("exercise")
    if exercise is not None and (not isinstance(exercise, str) or exercise not in exercises):
        known = ", ".join(exercises) if exercises else "none defined"
        raise t.fail("exercise", f"the name of an [exercises.*] entry ({known})")
    load_kg = t.number(load_key, None, 0, 1000 if units == "kg" else round(1000 / _LB_KG), f" {units}")
    if load_kg is not None and units == "lb":
        load_kg *= _LB_KG
    params: dict[str, object] = {}
    for key in method_params:
        if not t.has(key):
            continue
        value, param = data[key], PRESETS[method].param(key)
        if param.kind == "list":
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise t.fail(key, "an array of strings")
            value = tuple(value)
        elif param.kind == "int" and (isinstance(value, bool) or not isinstance(value, int)):
            raise t.fail(key, f"a whole number of {param.unit or 'times'}")
        elif param.kind != "int" and (not _is_number(value) or not math.isfinite(value)):
            raise t.fail(key, f"a number{' of ' + _units(param.unit) if param.unit else ''}")
        params[key] = value
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


def _build(data: Mapping[str, object], source: Path | None, env: Mapping[str, str]) -> Config:
    for key in data:
        if key not in _SECTIONS:
            raise _unknown((key,), _SECTIONS, "section")
    units = data.get("units", "kg")
    if units not in ("kg", "lb"):
        raise _Problem(("units",), f'expected "kg" or "lb" (at the top of the file), found {_found(units)}')
    exercises: dict[str, Exercise] = {}
    for name in _table(data, "exercises"):
        exercises[name] = _exercise(name, _table(data["exercises"], name, ("exercises",)), units)
    presets: dict[str, UserPreset] = {}
    for name in _table(data, "presets"):
        presets[name] = _preset(name, _table(data["presets"], name, ("presets",)), exercises, units)
    return Config(
        pins=_pins(_table(data, "pins")),
        gestures=_gestures(_table(data, "gestures")),
        sound=_sound(_table(data, "sound")),
        serial=_serial(_table(data, "serial")),
        display=_display(_table(data, "display")),
        history=_history(_table(data, "history"), source, env),
        guardrails=_guardrails(_table(data, "guardrails")),
        training=_training(_table(data, "training")),
        units=units,
        exercises=MappingProxyType(exercises),
        presets=MappingProxyType(presets),
        source=source,
        mqtt=mqtt_section(_table(data, "mqtt") if "mqtt" in data else None, source),
        coach=coach_section(_table(data, "coach") if "coach" in data else None, source),
    )


# -- finding the line of a key ------------------------------------------------

