"""Guardrails that see the whole week, and spotter rules (pure: time is an argument).

Intensification methods are occasional tools (methods.md): every one of them
counts, per exercise and per muscle group (where the config names the
exercise's muscles), over the last ``overuse_days`` local days; more sets
than ``overuse_sessions`` earn a warning that names the sets and the days
counted. Each set counts: two drop sets on one day are two. A warning
informs; it never blocks a set. The rules and their sources are in
docs/advice.md.

Days are *training days*: local calendar dates (UTC plus ``utc_offset_s``),
so a set at 23:59 and one at 00:01 are on consecutive days.

A training block (``[training] block_weeks`` and ``block_start``) gives the
week the lifter is in; a drop set before the block's last four weeks gets the
article's note (drop sets added in the last four weeks of a ten-week program
promoted more growth; used all the time they added nothing). No block, no
note.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from station.core.methods import PRESETS, SPECS, preset

#: Methods that are drop sets; they get the end-of-training-block note
#: (each spec's guardrail class says so).
DROP_SET_METHODS = tuple(s.name for s in SPECS if s.guardrail.block_note)
#: Methods whose "again" on the summary asks first (a second heavy
#: failure-to-failure or supramaximal set on the same day).
CONFIRM_AGAIN_METHODS = tuple(s.name for s in SPECS if s.guardrail.confirm_again)
#: Drop sets belong in this many last weeks of a block (methods.md).
DROP_SET_LAST_WEEKS = 4

_OCCASIONAL = "these methods are occasional tools"
#: Characters per line on the rack's screen warning (800 px wide stays legible).
SCREEN_WIDTH = 40
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class PastSession:
    """A recorded set: ``started_at`` an aware UTC datetime."""

    started_at: datetime
    method: str
    exercise: str | None


@dataclass(frozen=True)
class Block:
    """A training block: ``weeks`` long, its first day ``start`` (local date)."""

    weeks: int
    start: date

    def week_of(self, day: date) -> int:
        """The week of the block ``day`` falls in: 1 on the first seven days;
        0 or less before the start, more than ``weeks`` after the end."""
        return (day - self.start).days // 7 + 1


@dataclass(frozen=True)
class OveruseWarning:
    """A guardrail warning with the facts it counted.

    ``rule``: "exercise" or "muscle" (too many intensification sets in the
    window, on this exercise or on one of its muscle groups), "consecutive"
    (yesterday too) or "block" (a drop set before the last weeks of the
    block). ``subject``: the exercise or muscle group counted (None: no
    exercise). ``sets``: the sets counted, oldest first, the one about to
    start last. ``days``: their local training days, oldest first. ``text``:
    one line for the history and the log. ``lines``: the same in short
    lines for the screen (see :func:`screen_lines`).
    """

    rule: str
    method: str
    subject: str | None
    sets: tuple[PastSession, ...]
    days: tuple[date, ...]
    text: str
    lines: tuple[str, ...] = ()

    @property
    def exercise(self) -> str | None:
        """The exercise the warning counted (None for a muscle group)."""
        return self.subject if self.rule != "muscle" else None


def _weekday(d: date) -> str:
    return _WEEKDAYS[d.weekday()]  # not %a: that follows the process locale


def _local_day(at: datetime, utc_offset_s: float) -> date:
    if at.tzinfo is None:
        raise ValueError(f"guardrails need aware datetimes, got naive {at.isoformat()}")
    return (at + timedelta(seconds=utc_offset_s)).date()


def lookback_start(now: datetime, utc_offset_s: float, overuse_days: int) -> datetime:
    """The earliest instant (aware UTC) a past session can matter to
    :func:`check_overuse`: local midnight starting the window (at least
    yesterday's, for the consecutive-day rule). For ``History.recent_all``."""
    today = _local_day(now, utc_offset_s)
    first = today - timedelta(days=max(overuse_days - 1, 1))
    midnight = datetime(first.year, first.month, first.day, tzinfo=UTC)
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
    muscles: Mapping[str, Iterable[str]] | None = None,
    block: Block | None = None,
) -> list[OveruseWarning]:
    """Warnings for starting ``method`` on ``exercise`` at ``now`` (aware).

    ``past``: recorded sets of any method and exercise, not including the one
    about to start (it is counted here, once). ``utc_offset_s``: local time
    minus UTC, s, for day boundaries. ``muscles``: exercise name -> its muscle
    groups, from the config. Warns when the intensification sets on this
    exercise, or on any exercise sharing one of its muscle groups, in the last
    ``overuse_days`` local days (today and this set included) number more
    than ``overuse_sessions``; if ``warn_consecutive_days``, when this
    exercise (or one of its muscle groups) was trained so yesterday; and for
    a drop set before the last :data:`DROP_SET_LAST_WEEKS` weeks of ``block``.
    """
    if overuse_sessions < 1 or overuse_days < 1:
        raise ValueError(f"guardrail thresholds must be >= 1: overuse_sessions={overuse_sessions},"
                         f" overuse_days={overuse_days}")
    muscles = {k: tuple(v) for k, v in (muscles or {}).items()}
    today = _local_day(now, utc_offset_s)
    first = today - timedelta(days=overuse_days - 1)
    this = PastSession(now, method, exercise)
    recent = sorted((s for s in past if first <= _local_day(s.started_at, utc_offset_s) <= today),
                    key=lambda s: s.started_at)
    yesterday = today - timedelta(days=1)

    def day(s: PastSession) -> date:
        return _local_day(s.started_at, utc_offset_s)

    groups: list[tuple[str, str | None, list[PastSession]]] = [
        ("exercise", exercise, [s for s in recent if s.exercise == exercise] + [this])]
    for m in muscles.get(exercise, ()) if exercise else ():
        groups.append(("muscle", m, [s for s in recent if m in muscles.get(s.exercise or "", ())]
                       + [this]))
    warnings: list[OveruseWarning] = []
    counted: set[tuple[PastSession, ...]] = set()
    for rule, subject, sets in groups:
        key = tuple(sets)
        if len(sets) <= overuse_sessions or key in counted:
            continue  # a muscle group trained only by this exercise repeats its warning
        counted.add(key)
        days = tuple(sorted({day(s) for s in sets}))
        name = subject or "no exercise"
        where = f"{name} (muscle group)" if rule == "muscle" else name
        listed = ", ".join(_set_name(s, rule, day(s), s is this) for s in sets)
        head = f"{name}{' muscles' if rule == 'muscle' else ''}: {len(sets)} sets in {overuse_days} days"
        warnings.append(OveruseWarning(
            rule, method, subject, key, days,
            f"{where}: {len(sets)} intensification sets in the last {overuse_days} days"
            f" on {_days(days)}: {listed} — {_OCCASIONAL}",
            (head, *_wrap(listed))))
    if warn_consecutive_days:
        for rule, subject, sets in groups:
            before = [s for s in sets if day(s) == yesterday]
            if before:
                name = subject or "no exercise"
                what = ", ".join(_set_name(s, rule, None, False) for s in before)
                warnings.append(OveruseWarning(
                    "consecutive", method, subject, tuple(before) + (this,), (yesterday, today),
                    f"{name}: also yesterday ({_weekday(yesterday)}: {what}) — {_OCCASIONAL};"
                    " give it a day or more to recover",
                    (f"{name}: also yesterday", *_wrap(f"{_weekday(yesterday)}: {what}"),
                     "give it a day or more to recover")))
                break  # one "yesterday" line is enough
    note = block_note(method, block, today)
    if note and block is not None:
        week, last = block.week_of(today), max(1, block.weeks - DROP_SET_LAST_WEEKS + 1)
        short = ((f"{method}: week {week} of {block.weeks}", f"drop sets fit best in weeks {last}-{block.weeks}",
                  "used all the time they add nothing") if 1 <= week < last
                 else tuple(_wrap(note, sep="; ")))
        warnings.append(OveruseWarning("block", method, exercise, (this,), (today,), note, short))
    return warnings


def screen_lines(warnings: Iterable[OveruseWarning], width: int = SCREEN_WIDTH) -> tuple[str, ...]:
    """The warnings as short lines for the rack's screen (each at most about
    ``width`` characters, so the text stays big), with the reason they exist
    said once at the end."""
    out: list[str] = []
    overuse = False
    for w in warnings:
        out += [ln for part in (w.lines or (w.text,)) for ln in _wrap(part, width)]
        overuse = overuse or w.rule in ("exercise", "muscle")
    if overuse:
        out.append(_OCCASIONAL)
    return tuple(out)


def _wrap(text: str, width: int = SCREEN_WIDTH, sep: str = ", ") -> list[str]:
    """``text`` cut at ``sep`` (else at spaces) into lines of about ``width``."""
    parts = text.split(sep)
    lines: list[str] = []
    for i, part in enumerate(parts):
        piece = part + (sep.rstrip() if i < len(parts) - 1 else "")
        if lines and len(lines[-1]) + 1 + len(piece) <= width:
            lines[-1] += " " + piece
        else:
            lines.append(piece)
    final: list[str] = []
    for ln in lines:  # a single part longer than the width: cut at spaces
        while len(ln) > width and " " in ln[:width]:
            cut = ln.rfind(" ", 0, width + 1)
            final.append(ln[:cut])
            ln = ln[cut + 1:]
        final.append(ln)
    return final


def block_note(method: str, block: Block | None, today: date) -> str | None:
    """The drop-set note for ``today`` in ``block``, or None: only drop sets
    (the methods whose guardrail class has the block note),
    only with a block, only before its last :data:`DROP_SET_LAST_WEEKS` weeks."""
    spec = PRESETS.get(method)
    if block is None or spec is None or not spec.guardrail.block_note:
        return None
    week = block.week_of(today)
    last = max(1, block.weeks - DROP_SET_LAST_WEEKS + 1)
    if week < 1:
        return (f"{method}: your {block.weeks}-week block starts on {block.start.isoformat()};"
                f" drop sets fit best in its last {DROP_SET_LAST_WEEKS} weeks"
                f" (weeks {last}-{block.weeks})")
    if week > block.weeks:
        return (f"{method}: the {block.weeks}-week block that began {block.start.isoformat()}"
                " has ended (set [training] block_start for the next one)")
    if week >= last:
        return None
    return (f"{method}: week {week} of {block.weeks} — drop sets fit best in the last"
            f" {DROP_SET_LAST_WEEKS} weeks of a block; weeks {last}-{block.weeks} here; used all"
            " the time they add nothing")


def sets_today(past: Iterable[PastSession], method: str, exercise: str | None, now: datetime,
               utc_offset_s: float = 0.0) -> int:
    """How many sets of ``method`` on ``exercise`` were recorded on ``now``'s
    local day."""
    today = _local_day(now, utc_offset_s)
    return sum(1 for s in past if s.method == method and s.exercise == exercise
               and _local_day(s.started_at, utc_offset_s) == today)


def again_prompt(method: str, exercise: str | None, done_today: int) -> tuple[str, ...] | None:
    """What the summary's "press: again" asks first, for the methods whose
    guardrail class confirms again (None for the others): the lines of a
    confirmation screen naming the set it would be today."""
    spec = PRESETS.get(method)
    if spec is None or not spec.guardrail.confirm_again:
        return None
    on = f" on {exercise}" if exercise else ""
    nth = _ordinal(done_today + 1)
    return (f"another {method}{on}?", f"it would be your {nth} today",
            "and counts toward this week's sets", "press: yes   hold: leave")


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _days(days: tuple[date, ...]) -> str:
    n = len(days)
    return f"{n} day{'s' if n != 1 else ''} ({', '.join(_weekday(d) for d in days)})"


def _set_name(s: PastSession, rule: str, d: date | None, now: bool) -> str:
    on = f" {s.exercise}" if rule == "muscle" and s.exercise else ""
    when = "" if d is None else (" now" if now else f" {_weekday(d)}")
    return f"{s.method}{on}{when}"


def spotter_required(method: str, exercise_kind: str | None) -> bool:
    """Whether ``method`` on an exercise of ``exercise_kind`` ("barbell",
    "dumbbell", "machine" or None if unknown) calls for a spotter:
    strength rest-pause, forced negatives, and drop sets on a barbell or on
    an exercise of unknown kind (the safe side): each spec's spotter rule.
    Raises PlanError for an unknown method."""
    return preset(method).spotter_required(exercise_kind)
