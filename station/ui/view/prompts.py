"""The screens that wait for a press: the spotter confirmation, an overuse
warning, a neutral message (self-test steps), the start menu; and
:func:`model_for`, the screen for a snapshot (pure)."""

from __future__ import annotations

from station.core.events import Phase
from station.core.snapshot import Snapshot
from station.ui.view.colours import AMBER, BLACK, PAPER, SLATE, VERMILLION, text_on
from station.ui.view.models import ConfirmModel, Context, MenuModel, MessageModel, Model, WarningModel
from station.ui.view.phase import screen_model
from station.ui.view.summary import summary_model
from station.ui.view.words import clean, method_title, what_line


def confirm_model(snap: Snapshot, ctx: Context | None = None) -> ConfirmModel:
    """"SPOTTER?": the set waits for a press that confirms a spotter is there."""
    ctx = ctx or Context()
    lines = clean("spotter required", method_title(snap.method, ctx), what_line(snap, ctx, snap.load_kg),
                   ctx.safety)
    return ConfirmModel("SPOTTER?", "alert", AMBER, text_on(AMBER), BLACK, lines,
                        "press to confirm", tuple(ctx.notes))


def warning_model(lines: tuple[str, ...] | list[str], notes: tuple[str, ...] = ()) -> WarningModel:
    """An overuse warning of a few lines; a press continues."""
    return WarningModel("WARNING", "alert", PAPER, text_on(PAPER), VERMILLION, tuple(lines),
                        "press to continue", tuple(notes))


def message_model(title: str, lines: tuple[str, ...] | list[str], prompt: str = "press to continue",
                  notes: tuple[str, ...] = ()) -> MessageModel:
    """A neutral screen of a title word, a few lines and a prompt (self-test steps)."""
    return MessageModel(title.upper(), "menu", SLATE, text_on(SLATE), AMBER, tuple(lines),
                        prompt, tuple(notes))


def menu_model(items: tuple[str, ...], details: tuple[str, ...], selected: int,
               notes: tuple[str, ...] = ()) -> MenuModel:
    """The start menu (see :mod:`station.ui.view.menu` for the pure menu state)."""
    if not items:
        raise ValueError("a menu needs at least one item")
    if not 0 <= selected < len(items):
        raise ValueError(f"selected {selected} is outside 0..{len(items) - 1}")
    return MenuModel("CHOOSE", "menu", SLATE, text_on(SLATE), AMBER, tuple(items), tuple(details),
                     selected, "press = next   hold = start", tuple(notes))


def model_for(snap: Snapshot, now: float, ctx: Context | None = None) -> Model:
    """The screen for ``snap`` at ``now`` (s): confirm, summary or phase screen."""
    if snap.phase == Phase.CONFIRM:
        return confirm_model(snap, ctx)
    if snap.phase == Phase.DONE:
        return summary_model(snap, ctx)
    return screen_model(snap, now, ctx)
