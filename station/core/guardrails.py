"""Overuse guardrails and spotter rules (pure: time is an argument).

Intensification methods are occasional tools (methods.md): running the same
method on the same exercise on many days of a week earns a visible warning.
A warning informs; it never blocks a set.

Days are *training days*: local calendar dates (UTC plus ``utc_offset_s``),
so two sets of the same method in one workout count once, and a set at 23:59
and one at 00:01 are on consecutive days.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from station.core.methods import preset

#: Methods that are drop sets; they get the end-of-training-block note.
DROP_SET_METHODS = ("drop-set", "mechanical-drop-set")

_OCCASIONAL = "these methods are occasional tools"
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_DROP_NOTE = "drop sets fit best near the end of a training block"


@dataclass(frozen=True)
class PastSession:
    """A recorded set: ``started_at`` an aware UTC datetime."""

    started_at: datetime
    method: str
    exercise: str | None


@dataclass(frozen=True)
class OveruseWarning:
    """A guardrail warning with the facts it counted.

    ``rule``: "overuse" (too many days in the window) or "consecutive"
    (yesterday too). ``days``: the local training days counted, oldest
    first, today (the set about to start) included. ``text``: one line for
    the screen and the history.
    """

    rule: str
    method: str
    exercise: str | None
    days: tuple[date, ...]
    text: str


def _label(method: str, exercise: str | None) -> str:
    return f"{method} for {exercise}" if exercise else method


def _weekday(d: date) -> str:
    return _WEEKDAYS[d.weekday()]  # not %a: that follows the process locale


def _local_day(at: datetime, utc_offset_s: float) -> date:
    if at.tzinfo is None:
        raise ValueError(f"guardrails need aware datetimes, got naive {at.isoformat()}")
    return (at + timedelta(seconds=utc_offset_s)).date()


def lookback_start(now: datetime, utc_offset_s: float, overuse_days: int) -> datetime:
    """The earliest instant (aware UTC) a past session can matter to
    :func:`check_overuse`: local midnight starting the window (at least
    yesterday's, for the consecutive-day rule). For ``History.recent``."""
    today = _local_day(now, utc_offset_s)
    first = today - timedelta(days=max(overuse_days - 1, 1))
    midnight = datetime(first.year, first.month, first.day, tzinfo=timezone.utc)
    return midnight - timedelta(seconds=utc_offset_s)


def check_overuse(
    past: Iterable[PastSession],
    method: str,
    exercise: str | None,
    now: datetime,
    utc_offset_s: float = 0.0,
    *,
    overuse_sessions: int = 2,
    overuse_days: int = 7,
    warn_consecutive_days: bool = True,
) -> list[OveruseWarning]:
    """Warnings for starting ``method`` on ``exercise`` at ``now`` (aware).

    ``past``: recorded sessions (any method; whether the one about to
    start is among them makes no difference: today counts once).
    ``utc_offset_s``: local time minus UTC, s, for day boundaries.
    Warns when the training days with this method and exercise in the last
    ``overuse_days`` local days (today, the set about to start, included)
    number more than ``overuse_sessions``, and, if ``warn_consecutive_days``,
    when it also ran yesterday.
    """
    if overuse_sessions < 1 or overuse_days < 1:
        raise ValueError(f"guardrail thresholds must be >= 1: overuse_sessions={overuse_sessions},"
                         f" overuse_days={overuse_days}")
    today = _local_day(now, utc_offset_s)
    first = today - timedelta(days=overuse_days - 1)
    ran_on = {
        _local_day(s.started_at, utc_offset_s)
        for s in past
        if s.method == method and s.exercise == exercise
    }
    days = sorted({d for d in ran_on if first <= d <= today} | {today})
    label = _label(method, exercise)
    note = f"; {_DROP_NOTE}" if method in DROP_SET_METHODS else ""
    warnings = []
    if len(days) > overuse_sessions:
        names = ", ".join(_weekday(d) for d in days)
        warnings.append(OveruseWarning(
            "overuse", method, exercise, tuple(days),
            f"{label}: {len(days)} sessions in the last {overuse_days} days ({names})"
            f" — {_OCCASIONAL}{note}",
        ))
    yesterday = today - timedelta(days=1)
    if warn_consecutive_days and yesterday in ran_on:
        warnings.append(OveruseWarning(
            "consecutive", method, exercise, (yesterday, today),
            f"{label}: also yesterday ({_weekday(yesterday)}) — {_OCCASIONAL};"
            f" give it a day or more to recover{note}",
        ))
    return warnings


def spotter_required(method: str, exercise_kind: str | None) -> bool:
    """Whether ``method`` on an exercise of ``exercise_kind`` ("barbell",
    "dumbbell", "machine" or None if unknown) calls for a spotter:
    strength rest-pause, forced negatives, and drop sets on a barbell.
    Raises PlanError for an unknown method."""
    if preset(method).spotter:
        return True
    return method == "drop-set" and exercise_kind == "barbell"
