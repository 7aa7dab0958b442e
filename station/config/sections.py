"""The readers of every section of the config, and the Config built from them.

:func:`build_config` checks a parsed TOML document section by section
(``[pins]``, ``[gestures]``, ... ``[exercises.*]``, ``[presets.*]``; ``[mqtt]``
and ``[coach]`` are :mod:`~station.config.net`'s), appending every problem
found to a list and going on with the default, so that one run names them
all. Weights in a ``units = "lb"`` file are given in pounds and kept in kg.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

from station.config.checks import MISSING, Table, fmt_num, found_text, is_number, sub_table, unknown_name
from station.config.errors import Problem
from station.config.model import (
    MAX_DUMBBELLS,
    MAX_PLATE_WEIGHTS,
    MAX_PLATES,
    MIN_INCREMENT_KG,
    Config,
    DisplayConfig,
    Exercise,
    GestureConfig,
    GuardrailsConfig,
    HistoryConfig,
    PinsConfig,
    SerialConfig,
    SoundConfig,
    TrainingConfig,
    UserPreset,
)
from station.config.net import coach_section, mqtt_section
from station.config.paths import home
from station.core.loads.units import LB_KG as _LB_KG  # one pound, kg
from station.core.methods import PRESETS, PlanError, compile_plan
from station.hw.serial_url import serial_url_problem

_SECTIONS = ("units", "pins", "gestures", "sound", "serial", "display", "history", "guardrails",
             "training", "exercises", "presets", "mqtt", "coach")
#: Defaults in pounds when ``units = "lb"``: a 45 lb bar, common plates.
_LB_DEFAULTS: dict[str, Any] = {"bar": 45.0, "plates": (45.0, 45.0, 45.0, 45.0, 35.0, 25.0, 10.0, 5.0, 2.5),
                                "increment": 10.0}
_PIN_WHAT = "a BCM pin number"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _pins(data: Mapping[str, object], ps: list[Problem]) -> PinsConfig:
    t = Table(data, ("pins",), ("factory", "button", "spotter_button", "buzzer", "buzzer_kind",
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


def _gestures(data: Mapping[str, object], ps: list[Problem]) -> GestureConfig:
    t = Table(data, ("gestures",), ("debounce_s", "hold_s", "end_hold_s", "double_s",
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
            ps.append(t.fail("end_hold_s", f"a number over hold_s ({fmt_num(gestures.hold_s)} s) and at most 10 s"))
        else:
            ps.append(t.fail("hold_s", f"a number under end_hold_s ({fmt_num(gestures.end_hold_s)} s)"))
    return gestures


def _sound(data: Mapping[str, object], ps: list[Problem]) -> SoundConfig:
    t = Table(data, ("sound",), ("volume", "quiet", "speech", "buffer_samples"), ps)
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


def _serial(data: Mapping[str, object], ps: list[Problem]) -> SerialConfig:
    t = Table(data, ("serial",), ("url", "baud", "reconnect_max_s"), ps)
    d = SerialConfig()
    url = t.text("url", d.url)
    problem = serial_url_problem(url) if url else None
    if problem is not None:
        ps.append(Problem(("serial", "url"), problem))
        url = d.url
    return SerialConfig(url=url, baud=t.whole("baud", d.baud, 50, 4_000_000),
                        reconnect_max_s=t.number("reconnect_max_s", d.reconnect_max_s, 0.1, 60.0, " s"))


def _display(data: Mapping[str, object], ps: list[Problem]) -> DisplayConfig:
    t = Table(data, ("display",), ("mode", "window_size"), ps)
    d = DisplayConfig()
    size = t.data.get("window_size", list(d.window_size))
    expected = "[width, height] in pixels, each from 160 to 8192"
    if not isinstance(size, list) or len(size) != 2:
        size = t.bad("window_size", expected, d.window_size)
    else:
        for what, v in zip(("width", "height"), size):
            if not (isinstance(v, int) and not isinstance(v, bool) and 160 <= v <= 8192):
                ps.append(Problem(("display", "window_size"),
                                   f"expected {expected}, found {found_text(v)} for the {what}"))
                size = d.window_size
                break
    mode = t.choice("mode", d.mode, ("auto", "fullscreen", "window", "terminal", "none"))
    return DisplayConfig(mode=mode, window_size=(size[0], size[1]))


def _history(data: Mapping[str, object], source: Path | None, env: Mapping[str, str],
             ps: list[Problem]) -> HistoryConfig:
    t = Table(data, ("history",), ("db",), ps)
    db = t.text("db", "")
    if db and "\0" in db:
        ps.append(t.fail("db", "a file path (no NUL character)"))
        db = ""
    if not db:
        return HistoryConfig(db="")
    path = home(env) / db[2:] if db == "~" or db.startswith("~/") else Path(db)
    if not path.is_absolute() and source is not None:
        path = source.parent / path
    return HistoryConfig(db=str(path))


def _guardrails(data: Mapping[str, object], ps: list[Problem]) -> GuardrailsConfig:
    t = Table(data, ("guardrails",), ("overuse_sessions", "overuse_days", "warn_consecutive_days"), ps)
    d = GuardrailsConfig()
    return GuardrailsConfig(
        overuse_sessions=t.whole("overuse_sessions", d.overuse_sessions, 1, 100),
        overuse_days=t.whole("overuse_days", d.overuse_days, 1, 365, "a number of days"),
        warn_consecutive_days=t.flag("warn_consecutive_days", d.warn_consecutive_days),
    )


_KIND_KEYS = (("barbell", ("bar", "plates")), ("dumbbell", ("dumbbells",)),
              ("machine", ("increment",)))


def _names(t: Table, key: str) -> tuple[str, ...]:
    value = t.data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        return t.bad(key, "an array of names", ())
    return tuple(v.strip() for v in value)


def _check_name(path: tuple[str, ...], name: str) -> None:
    """A table name shown on screen and typed on the command line: printable."""
    if not name.strip() or _CONTROL.search(name) or len(name) > 64:
        raise Problem(path, f"expected a name of 1 to 64 printable characters, found {json.dumps(name)}")


def _exercise(name: str, data: Mapping[str, object], ps: list[Problem], units: str = "kg") -> Exercise:
    _check_name(("exercises", name), name)
    other = "lb" if units == "kg" else "kg"
    for key in data:
        base, _, unit = key.rpartition("_")
        if unit == other and base in ("one_rm", "bar", "plates", "dumbbells", "increment"):
            ps.append(Problem(("exercises", name, key),
                               f'units is "{units}": give {base}_{units} (in {units})'))
    u = lambda base: f"{base}_{units}"  # noqa: E731
    t = Table({k: v for k, v in data.items() if not k.endswith("_" + other)}, ("exercises", name),
               ("kind", u("one_rm"), u("bar"), u("plates"), u("dumbbells"), u("increment"),
                "muscles", "variations", "spotter"), ps)
    d = Exercise(name)
    kind = t.choice("kind", d.kind, tuple(k for k, _ in _KIND_KEYS))
    for other_kind, keys in _KIND_KEYS:
        for key in keys:
            if other_kind != kind and t.has(u(key)):
                ps.append(Problem(t.path + (u(key),),
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


def _training(data: Mapping[str, object], ps: list[Problem]) -> TrainingConfig:
    t = Table(data, ("training",), ("block_weeks", "block_start"), ps)
    if not t.has("block_weeks") and not t.has("block_start"):
        return TrainingConfig()
    if not t.has("block_weeks"):
        ps.append(t.fail("block_weeks", "the block's length in weeks (from 2 to 52) with block_start"))
        return TrainingConfig()
    weeks = t.whole("block_weeks", 10, 2, 52, "a number of weeks")
    start = t.data.get("block_start", MISSING)
    if isinstance(start, datetime) or not isinstance(start, date):
        ps.append(t.fail("block_start", "the block's first day as a TOML date, e.g. 2026-10-05"))
        return TrainingConfig()
    return TrainingConfig(weeks, start)


def _preset(name: str, data: Mapping[str, object], exercises: Mapping[str, Exercise],
            ps: list[Problem], units: str = "kg") -> UserPreset:
    path = ("presets", name)
    if name in PRESETS:
        raise Problem(path, f"expected a name that is not a built-in method ({', '.join(PRESETS)}), "
                             f"found {json.dumps(name)}")
    if (not name or name.startswith("-") or any(c.isspace() for c in name)
            or _CONTROL.search(name) or len(name) > 64):
        raise Problem(path, f"expected a name usable as `station run <name>` (no spaces, not starting "
                             f"with '-', at most 64 characters), found {json.dumps(name)}")
    method = data.get("method", MISSING)
    if not isinstance(method, str) or method not in PRESETS:
        raise Problem(path + ("method",), f"expected a method, one of {', '.join(PRESETS)}; "
                                           f"found {found_text(method)}")
    load_key = f"load_{units}"
    if f"load_{'lb' if units == 'kg' else 'kg'}" in data:
        raise Problem(path + (f"load_{'lb' if units == 'kg' else 'kg'}",),
                       f'units is "{units}": give {load_key} (in {units})')
    own = ("method", "exercise", load_key)
    method_params = tuple(p.name for p in PRESETS[method].params)
    t = Table(data, path, own + method_params, ps)
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
        elif param.kind != "int" and (not is_number(value) or not math.isfinite(value)):
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
                raise Problem(path + (key,), rest) from None
            raise Problem(path, msg) from None
    return UserPreset(name, method, exercise, load_kg, MappingProxyType(params))


def _units(unit: str) -> str:
    return {"s": "seconds", "%": "percent"}.get(unit, unit)


def build_config(data: Mapping[str, object], source: Path | None, env: Mapping[str, str],
                 ps: list[Problem]) -> Config:
    """The Config of a parsed TOML document ``data`` (read from ``source``,
    for relative paths; ``env`` for ``~``). Every problem is appended to
    ``ps`` and the default taken instead: the Config is only good when
    ``ps`` is left empty."""
    for key in data:
        if key not in _SECTIONS:
            ps.append(unknown_name((key,), _SECTIONS, "section"))
    units = data.get("units", "kg")
    if units not in ("kg", "lb"):
        ps.append(Problem(("units",), f'expected "kg" or "lb" (at the top of the file), found {found_text(units)}'))
        units = "kg"
    exercises: dict[str, Exercise] = {}
    for name in (tables := sub_table(data, "exercises", (), ps)):
        try:
            exercises[name] = _exercise(name, sub_table(tables, name, ("exercises",), ps), ps,
                                        units)
        except Problem as p:
            ps.append(p)
    presets: dict[str, UserPreset] = {}
    for name in (tables := sub_table(data, "presets", (), ps)):
        try:
            presets[name] = _preset(name, sub_table(tables, name, ("presets",), ps), exercises, ps,
                                    units)
        except Problem as p:
            ps.append(p)
    return Config(
        pins=_pins(sub_table(data, "pins", (), ps), ps),
        gestures=_gestures(sub_table(data, "gestures", (), ps), ps),
        sound=_sound(sub_table(data, "sound", (), ps), ps),
        serial=_serial(sub_table(data, "serial", (), ps), ps),
        display=_display(sub_table(data, "display", (), ps), ps),
        history=_history(sub_table(data, "history", (), ps), source, env, ps),
        guardrails=_guardrails(sub_table(data, "guardrails", (), ps), ps),
        training=_training(sub_table(data, "training", (), ps), ps),
        units=units,
        exercises=MappingProxyType(exercises),
        presets=MappingProxyType(presets),
        source=source,
        mqtt=_network(mqtt_section, data, "mqtt", source, ps),
        coach=_network(coach_section, data, "coach", source, ps),
    )


_Section = TypeVar("_Section")


def _network(section: Callable[[Mapping[str, object], Path | None], _Section | None],
             data: Mapping[str, object], key: str, source: Path | None,
             ps: list[Problem]) -> _Section | None:
    """[mqtt] / [coach] (station.config.net): its first problem, if any."""
    if key not in data:
        return None
    table = sub_table(data, key, (), ps)
    try:
        return section(table, source)
    except Problem as p:
        ps.append(p)
        return None
