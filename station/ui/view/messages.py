"""What the main loop and the commands ask a screen to show: one frozen
message per screen, handed to ``Screen.present(message)``.

Every screen (the pygame thread, the terminal, a test's log) gets these and
nothing else; :func:`model_of` turns one into the view model (pure), at the
drawing thread's own ``now`` (s), so a countdown moves without the engine.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from station.core.snapshot import Snapshot
from station.ui import view


@dataclass(frozen=True)
class ShowSet:
    """The set as it runs: the engine's snapshot and what the screen needs
    beyond it (exercise, strips, plates...)."""

    snapshot: Snapshot
    context: view.Context | None = None


@dataclass(frozen=True)
class ShowSummary:
    """The finished set: its last snapshot and context (lateness, next set)."""

    snapshot: Snapshot
    context: view.Context | None = None


@dataclass(frozen=True)
class ShowMenu:
    """The start menu: item labels, a detail line each, the selected index."""

    items: tuple[str, ...]
    details: tuple[str, ...] = ()
    selected: int = 0


@dataclass(frozen=True)
class ShowWarning:
    """A warning or a question before a set: a title word, short lines and
    what a press (or a hold) does."""

    lines: tuple[str, ...]
    title: str = "WARNING"
    prompt: str = "press to continue"


@dataclass(frozen=True)
class ShowMessage:
    """A neutral screen (self-test steps, the benchmark): a title, lines, a prompt."""

    title: str = ""
    lines: tuple[str, ...] = ()
    prompt: str = ""


@dataclass(frozen=True)
class ShowNotes:
    """The status notes (remote lost, no sound...), shown over whatever is on
    screen; they replace the previous notes and leave the screen as it is."""

    notes: tuple[str, ...] = ()


#: What a screen draws (everything but the notes, which go over it).
Shown = ShowSet | ShowSummary | ShowMenu | ShowWarning | ShowMessage
Message = Shown | ShowNotes


def model_of(message: Shown, now: float, notes: tuple[str, ...]) -> view.Model:
    """The screen model for ``message`` at ``now`` (s), with the status ``notes`` (pure)."""
    if isinstance(message, ShowSet):
        ctx = dataclasses.replace(message.context or view.Context(), notes=notes)
        return view.model_for(message.snapshot, now, ctx)
    if isinstance(message, ShowSummary):
        ctx = dataclasses.replace(message.context or view.Context(), notes=notes)
        return view.summary_model(message.snapshot, ctx)
    if isinstance(message, ShowMenu):
        return view.menu_model(message.items, message.details, message.selected, notes)
    if isinstance(message, ShowWarning):
        return dataclasses.replace(view.warning_model(message.lines, notes),
                                   word=message.title.upper(), hint=message.prompt)
    if isinstance(message, ShowMessage):
        return view.message_model(message.title, message.lines, message.prompt, notes)
    raise TypeError(f"nothing to draw for {message!r}")
