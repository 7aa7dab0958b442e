"""The screen models: frozen values saying everything a screen shows (pure).

A renderer only lays a model out and draws it. Colour is never the only
carrier of meaning: every screen also has a word (WORK, REST, STRIP,
SWITCH...) and a shape (``shape``: an icon name the renderer draws next to
the word), so a colour-blind lifter loses nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from station.ui.view.colours import RGB

#: Icon names the renderer knows how to draw.
SHAPES = ("ready", "work", "rest", "strip", "switch", "lower", "done", "alert", "menu")


@dataclass(frozen=True)
class Context:
    """What the screen needs beyond the snapshot; all optional.

    - ``exercise``: e.g. "back squat".
    - ``title``: overrides the method's title (a user preset's name).
    - ``rest_s``: the planned rest between bouts, s (used when a rest's
      own start/end instants are not known, and for the summary).
    - ``eccentric_s``: forced negatives: the target lowering time per rep, s.
    - ``strip``: drop sets: what to take off, e.g. "strip 1 x 10 kg each side".
    - ``strips``: the same for each drop in order (the STRIP after bout k
      shows ``strips[k]``); wins over ``strip`` when it has that entry.
    - ``next_variation``: mechanical drop sets: overrides the snapshot's.
    - ``notes``: short status notes (remote lost, no sound, mock pins...).
    - ``plates``: how to load each bout ("20 kg bar + 25 + 10 + 5 kg each
      side"): READY shows ``plates[0]``, the STRIP after bout k ``plates[k + 1]``.
    - ``lateness_ms``: the worst cue lateness of the set so far, ms; the
      summary warns only above :data:`LATE_NOTICE_MS` (history keeps it all).
    - ``count_in_s``: the last this many s of a rest are emphasised.
    - ``next_set``: the summary's advice, one line per part, e.g.
      "next time 2.5 kg lighter (97.5 kg)\n1 of 5 clusters fell short of 5 reps".
    - ``units``: "kg" or "lb", how loads are shown (they stay kg inside).
    - ``per_dumbbell``: the exercise is a dumbbell one: every load is per
      dumbbell, and the screen says so.
    - ``safety``: a safety note shown before the set ("safety arms set").
    """

    exercise: str | None = None
    title: str | None = None
    rest_s: float | None = None
    eccentric_s: float | None = None
    strip: str | None = None
    strips: tuple[str, ...] = ()
    plates: tuple[str, ...] = ()
    next_variation: str | None = None
    notes: tuple[str, ...] = ()
    lateness_ms: float | None = None
    count_in_s: int = 3
    next_set: str | None = None
    units: str = "kg"
    per_dumbbell: bool = False
    safety: str = ""


@dataclass(frozen=True)
class ScreenModel:
    """A phase screen.

    - ``word``: the phase word; ``shape``: its icon (one of :data:`SHAPES`).
    - ``background`` / ``foreground`` / ``accent``: colours (accent: the
      progress bar's fill; ``track``: its empty part).
    - ``big``: the number that matters now; ``big_label``: its unit line.
    - ``progress``: 0..1 for the bar (REST: time left, draining; LOWER: time
      lowered, filling), or None for no bar.
    - ``emphasised``: the count-in (the last ``count_in_s`` of a rest).
    - ``pulse``: 0..1, 1 just after the count-in digit changed.
    - ``bout``: "cluster 3 of 10"; ``lines``: context, most important first.
    - ``notes``: status notes, drawn in their own strip.
    """

    word: str
    shape: str
    background: RGB
    foreground: RGB
    accent: RGB
    track: RGB
    big: str
    big_label: str
    progress: float | None = None
    emphasised: bool = False
    pulse: float = 0.0
    bout: str = ""
    lines: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class SummaryModel:
    """Between sets: what was done, as charts more than text.

    - ``headline``: total reps as a number; ``headline_label``: "reps".
    - ``bars``: reps per bout; ``bar_labels``: the numbers written on them.
    - ``cadence_s``: per bout, the s between consecutive presses.
    - ``cadence_top_s``: the cadence chart's top, s; ``cadence_top_label``.
    - ``rest_taken_s`` / ``rest_planned_s``: each rest taken, s, and the plan;
      ``rest_labels``: the numbers written on the rest bars.
    - ``titles``: captions of the three charts (reps, cadence, rest).
    - ``lines``: the text column (method, load, duration, reason, lateness,
      the advice, the press/hold legend).
    - ``line_ranks``: per line, how much it matters when the column is short
      of room: 0 is never dropped (the advice's first line, the legend), a
      higher rank goes first (see :mod:`station.ui.view.column`); missing ranks
      count as 1.
    """

    word: str
    shape: str
    background: RGB
    foreground: RGB
    accent: RGB
    second: RGB
    headline: str
    headline_label: str
    bars: tuple[int, ...]
    bar_labels: tuple[str, ...]
    cadence_s: tuple[tuple[float, ...], ...]
    cadence_top_s: float
    cadence_top_label: str
    rest_taken_s: tuple[float, ...]
    rest_planned_s: float | None
    rest_labels: tuple[str, ...]
    titles: tuple[str, str, str]
    lines: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    line_ranks: tuple[int, ...] = ()


@dataclass(frozen=True)
class MenuModel:
    """The start menu: ``items`` labels, ``selected`` index, ``hint``."""

    word: str
    shape: str
    background: RGB
    foreground: RGB
    accent: RGB
    items: tuple[str, ...]
    details: tuple[str, ...]
    selected: int
    hint: str
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class MessageModel:
    """A screen of a word, a few lines and a hint ("press to confirm")."""

    word: str
    shape: str
    background: RGB
    foreground: RGB
    accent: RGB
    lines: tuple[str, ...]
    hint: str
    notes: tuple[str, ...] = ()


class ConfirmModel(MessageModel):
    """The spotter confirmation screen: a press confirms."""


class WarningModel(MessageModel):
    """An overuse warning: a press continues."""


Model = ScreenModel | SummaryModel | MenuModel | MessageModel


def needs_animation(model: Model) -> bool:
    """True while the model changes with time alone (a draining/filling bar)."""
    return isinstance(model, ScreenModel) and model.progress is not None
