"""Typed, strict reads of TOML values, shared by every section reader
(:mod:`~station.config.sections`, :mod:`~station.config.net`).

:class:`Table` reads one TOML table: an unknown key or a value of the wrong
type or out of range is a :class:`~station.config.errors.Problem`, either
collected (the read returns the default, so every problem in a file is
found) or raised (the section cannot be read on). :func:`found_text` says how
a bad value is shown in a message ("a string \"x\"", "an array of 2 items").
"""

from __future__ import annotations

import difflib
import json
import math
from collections.abc import Mapping
from typing import TypeGuard, overload

from station.config.errors import Problem
from station.config.lines import key_path

#: A key that is not there (``found_text`` says "nothing").
MISSING = object()


def fmt_num(x: float) -> str:
    """``x`` as a message shows it: 10 -> "10", 0.03 -> "0.03"."""
    return str(int(x)) if float(x).is_integer() and abs(x) < 1e15 else f"{x:g}"


def found_text(value: object) -> str:
    """What a message says was found: "nothing", "true", "3", "a string \"x\"",
    "an array of 2 items", "a table", "a date/time ..."."""
    if value is MISSING:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return fmt_num(value)
    if isinstance(value, str):
        shown = json.dumps(value, ensure_ascii=False)
        return f"a string {shown if len(shown) <= 40 else shown[:37] + '...'}"
    if isinstance(value, list):
        return f"an array of {len(value)} item{'' if len(value) == 1 else 's'}"
    if isinstance(value, dict):
        return "a table"
    return f"a date/time {value}"


def is_number(value: object) -> TypeGuard[float]:
    """An int or float, not a bool (TOML's true is no number)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def unknown_name(path: tuple[str, ...], allowed: tuple[str, ...], what: str) -> Problem:
    """The problem of an unknown ``what`` ("key", "section") at ``path``,
    naming the nearest allowed one and all of them."""
    near = difflib.get_close_matches(path[-1], allowed, n=1)
    hint = f" (did you mean {near[0]}?)" if near else ""
    return Problem(path, f"unknown {what}{hint}; expected one of {', '.join(allowed)}")


class Table:
    """Typed, strict reads of one TOML table at ``path``. A bad value or an
    unknown key is appended to ``problems`` and the read returns the default;
    with ``problems`` None it is raised instead (``[mqtt]``, ``[coach]``)."""

    def __init__(self, data: Mapping[str, object], path: tuple[str, ...], allowed: tuple[str, ...],
                 problems: list[Problem] | None = None):
        self.problems = problems  # None: the first problem is raised (station.config.net)
        for key in data:
            if key not in allowed:
                self._note(unknown_name(path + (key,), allowed, "key"))
        self.data = {k: v for k, v in data.items() if k in allowed}
        self.path = path

    def has(self, key: str) -> bool:
        return key in self.data

    def fail(self, key: str, expected: str) -> Problem:
        return Problem(self.path + (key,), f"expected {expected}, found {found_text(self.data.get(key, MISSING))}")

    def bad(self, key: str, expected: str, default):  # type: ignore[no-untyped-def]
        """Note that ``key`` is not ``expected``; the default to go on with."""
        self._note(self.fail(key, expected))
        return default

    def _note(self, problem: Problem) -> None:
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
        low = f"over {fmt_num(lo)} and at most" if lo_open else f"from {fmt_num(lo)} to"
        expected = f"a number {low} {fmt_num(hi)}{unit}"
        if not is_number(value) or not math.isfinite(value):
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
        expected = f"an array of numbers over 0 and at most {fmt_num(hi)} {unit}"
        if not isinstance(value, list):
            return self.bad(key, expected, default)
        for i, item in enumerate(value):
            if not is_number(item) or not math.isfinite(item) or not 0 < item <= hi:
                self._note(Problem(self.path + (key,),
                                    f"expected {expected}, found {found_text(item)} at item {i + 1}"))
                return default
        if len(value) > most:
            return self.bad(key, f"at most {most} weights", default)
        if len({round(float(x) * 1000) for x in value}) > distinct:
            return self.bad(key, f"at most {distinct} different weights", default)
        return tuple(sorted((float(x) for x in value), reverse=True))


def sub_table(data: Mapping[str, object], key: str, path: tuple[str, ...] = (),
              problems: list[Problem] | None = None) -> Mapping[str, object]:
    """The table ``data[key]`` (at ``path``), empty when missing. Not a table:
    a problem, appended to ``problems`` (an empty table read on) or raised
    when ``problems`` is None."""
    value = data.get(key, {})
    if not isinstance(value, dict):
        where = key_path(path + (key,))
        problem = Problem(path + (key,), f"expected a table [{where}], found {found_text(value)}")
        if problems is None:
            raise problem
        problems.append(problem)
        return {}
    return value
