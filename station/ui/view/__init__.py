"""The pure UI: what every screen shows, decided without pygame, threads or a clock.

Imports nothing of pygame (tests/test_ui_purity.py checks it); ``now`` is
passed in as station-clock seconds. The screen models and the functions that
build them are re-exported here (``from station.ui import view``;
``view.screen_model(snap, now, ctx)``); the other modules are imported by name:

- :mod:`~station.ui.view.models`: the frozen screen models and :class:`Context`;
- :mod:`~station.ui.view.colours`: the palette and contrast arithmetic;
- :mod:`~station.ui.view.words`: loads, clocks, bout labels, counts, reasons;
- :mod:`~station.ui.view.phase`: the phase screen of a running set;
- :mod:`~station.ui.view.summary`: the between-sets summary;
- :mod:`~station.ui.view.prompts`: confirm, warning, message and menu screens,
  and :func:`model_for`;
- :mod:`~station.ui.view.messages`: what the main loop asks a screen to show;
- :mod:`~station.ui.view.menu`: the start menu as a pure value;
- :mod:`~station.ui.view.layout`, :mod:`~station.ui.view.column`: the regions
  of a screen and the fitting of a text column (px arithmetic);
- :mod:`~station.ui.view.keys`: the key legend, and the terminal's space bar
  decoded into press/release edges.
"""

from station.ui.view.colours import (
    AMBER,
    BLACK,
    BLUE,
    GREEN,
    NIGHT,
    NOTE_BACKGROUND,
    NOTE_FOREGROUND,
    PAPER,
    PURPLE,
    RGB,
    SKY,
    SLATE,
    VERMILLION,
    WHITE,
    YELLOW,
    contrast,
    mix,
    readable_on,
    text_on,
)
from station.ui.view.models import (
    SHAPES,
    ConfirmModel,
    Context,
    MenuModel,
    MessageModel,
    Model,
    ScreenModel,
    SummaryModel,
    WarningModel,
    needs_animation,
)
from station.ui.view.phase import (
    PULSE_STEPS,
    bar_only_until,
    bar_progress,
    countdown_turned_at,
    screen_model,
    second_anchors,
)
from station.ui.view.prompts import confirm_model, menu_model, message_model, model_for, warning_model
from station.ui.view.summary import LATE_NOTICE_MS, cadence, summary_model
from station.ui.view.words import (
    DONE_REASONS,
    bout_label,
    count_line,
    fmt_clock,
    fmt_kg,
    fmt_load,
    method_title,
)

__all__ = [
    "AMBER", "BLACK", "BLUE", "DONE_REASONS", "GREEN", "LATE_NOTICE_MS", "NIGHT", "NOTE_BACKGROUND",
    "NOTE_FOREGROUND", "PAPER", "PULSE_STEPS", "PURPLE", "RGB", "SHAPES", "SKY", "SLATE", "VERMILLION",
    "WHITE", "YELLOW", "ConfirmModel", "Context", "MenuModel", "MessageModel", "Model", "ScreenModel",
    "SummaryModel", "WarningModel", "bar_only_until", "bar_progress", "bout_label", "cadence",
    "countdown_turned_at", "second_anchors",
    "confirm_model", "contrast", "count_line", "fmt_clock", "fmt_kg", "fmt_load", "menu_model",
    "message_model", "method_title", "mix",
    "model_for", "needs_animation", "readable_on", "screen_model", "summary_model", "text_on",
    "warning_model",
]
