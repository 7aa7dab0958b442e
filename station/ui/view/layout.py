"""Screen regions as proportions of the surface size (pure arithmetic).

Every box is ``(x, y, w, h)`` in pixels. Regions of one screen never overlap,
so text fitted into its own box cannot overlap another's. A surface at least
1.15 times wider than tall is "landscape"; anything else stacks vertically
("portrait"). The status-note strip is always reserved at the bottom, so a
note that appears never moves or covers the big number.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

Box = tuple[int, int, int, int]

LANDSCAPE_RATIO = 1.15

#: The summary's text is never smaller than this share of the screen's
#: shorter side, in rendered line height (docs/screen.md: about 34 px on a
#: 7" 800x480 panel, capitals about 4 mm tall, readable from 2-3 m).
MIN_TEXT_FRACTION = 1 / 14


def min_text_px(size: tuple[int, int]) -> int:
    """The smallest rendered line height, px, of the summary's text on a
    screen of ``size`` px (:data:`MIN_TEXT_FRACTION` of its shorter side)."""
    return math.ceil(min(size) * MIN_TEXT_FRACTION - 1e-9)


def _box(x: float, y: float, w: float, h: float) -> Box:
    return (round(x), round(y), max(1, round(w)), max(1, round(h)))


def rows(box: Box, n: int, min_rows: int = 1, gap_frac: float = 0.12) -> tuple[Box, ...]:
    """``n`` equal rows from the top of ``box``; a row is never taller than
    ``box``'s height / ``min_rows`` (so two lines do not become huge)."""
    if n <= 0:
        return ()
    x, y, w, h = box
    step = h / max(n, min_rows)
    gap = step * gap_frac
    return tuple(_box(x, y + i * step, w, step - gap) for i in range(n))


def columns(box: Box, n: int, gap_frac: float = 0.2) -> tuple[Box, ...]:
    """``n`` equal columns across ``box`` with a gap of ``gap_frac`` of a slot."""
    if n <= 0:
        return ()
    x, y, w, h = box
    step = w / n
    gap = step * gap_frac
    return tuple(_box(x + i * step + gap / 2, y, step - gap, h) for i in range(n))


@dataclass(frozen=True)
class PhaseBoxes:
    icon: Box
    word: Box
    bout: Box
    big: Box
    big_label: Box
    bar: Box
    lines: Box
    notes: Box
    landscape: bool


@dataclass(frozen=True)
class SummaryBoxes:
    icon: Box
    word: Box
    headline: Box
    charts: tuple[Box, Box, Box]  # reps, cadence, rest
    lines: Box
    notes: Box
    landscape: bool


@dataclass(frozen=True)
class MessageBoxes:
    icon: Box
    word: Box
    lines: Box
    hint: Box
    notes: Box


@dataclass(frozen=True)
class MenuBoxes:
    icon: Box
    word: Box
    items: Box
    detail: Box
    hint: Box
    notes: Box


def _frame(size: tuple[int, int]) -> tuple[int, int, float, bool]:
    w, h = size
    if w < 64 or h < 64:
        raise ValueError(f"surface {w}x{h} is too small to draw a screen on")
    return w, h, 0.025 * min(w, h), w >= LANDSCAPE_RATIO * h


def _header(w: int, m: float, top: float, hh: float, word_right: float) -> tuple[Box, Box]:
    icon = _box(m, top + hh * 0.1, hh * 0.8, hh * 0.8)
    word = _box(m * 2 + hh * 0.8, top, word_right - (m * 2 + hh * 0.8), hh)
    return icon, word


@functools.lru_cache(maxsize=8)
def phase_boxes(size: tuple[int, int]) -> PhaseBoxes:
    """Regions of a phase screen (WORK, REST, STRIP, LOWER, READY); kept
    per size (frozen: each of a resting screen's frames asks for them)."""
    w, h, m, land = _frame(size)
    notes_h = 0.075 * h if land else 0.06 * h
    notes = _box(0, h - notes_h, w, notes_h)
    if land:
        hh = 0.15 * h
        icon, word = _header(w, m, m, hh, 0.56 * w)
        bout = _box(0.56 * w + m, m, 0.44 * w - 2 * m, hh * 0.8)
        top = m + hh + m
        bottom = h - notes_h - m
        bh = bottom - top
        left_w = 0.6 * w - 2 * m
        big = _box(m, top, left_w, 0.72 * bh)
        label = _box(m, top + 0.74 * bh, left_w, 0.12 * bh)
        bar = _box(m, top + 0.88 * bh, left_w, 0.12 * bh)
        lines = _box(0.6 * w + m, top, 0.4 * w - 2 * m, bh)
        return PhaseBoxes(icon, word, bout, big, label, bar, lines, notes, True)
    hh = 0.085 * h
    icon, word = _header(w, m, m, hh, w - m)
    y = m + hh + m * 0.5
    bout = _box(m, y, w - 2 * m, 0.045 * h)
    y += 0.045 * h + m
    big = _box(m, y, w - 2 * m, 0.47 * h)
    y += 0.47 * h + m * 0.5
    label = _box(m, y, w - 2 * m, 0.04 * h)
    y += 0.04 * h + m
    bar = _box(m, y, w - 2 * m, 0.04 * h)
    y += 0.04 * h + m
    lines = _box(m, y, w - 2 * m, h - notes_h - m - y)
    return PhaseBoxes(icon, word, bout, big, label, bar, lines, notes, False)


def summary_boxes(size: tuple[int, int]) -> SummaryBoxes:
    """Regions of the between-sets summary: three charts and a text column."""
    w, h, m, land = _frame(size)
    notes_h = 0.075 * h if land else 0.06 * h
    notes = _box(0, h - notes_h, w, notes_h)
    hh = (0.14 if land else 0.08) * h
    icon, word = _header(w, m, m, hh, 0.5 * w)
    headline = _box(0.5 * w + m, m, 0.5 * w - 2 * m, hh)
    top = m + hh + m
    bottom = h - notes_h - m
    bh = bottom - top
    if land:
        cw = 0.5 * w - 2 * m
        reps = _box(m, top, cw, bh * 0.5 - m / 2)
        half = (cw - m) / 2
        cad = _box(m, top + bh * 0.5 + m / 2, half, bh * 0.5 - m / 2)
        rest = _box(m + half + m, top + bh * 0.5 + m / 2, half, bh * 0.5 - m / 2)
        lines = _box(0.5 * w + m, top, 0.5 * w - 2 * m, bh)
        return SummaryBoxes(icon, word, headline, (reps, cad, rest), lines, notes, True)
    cw = w - 2 * m
    ch = bh * 0.5
    reps = _box(m, top, cw, ch * 0.4 - m / 2)
    cad = _box(m, top + ch * 0.4 + m / 2, cw, ch * 0.3 - m)
    rest = _box(m, top + ch * 0.7 + m / 2, cw, ch * 0.3 - m)
    lines = _box(m, top + ch + m, cw, bh - ch - m)
    return SummaryBoxes(icon, word, headline, (reps, cad, rest), lines, notes, False)


def chart_boxes(chart: Box) -> tuple[Box, Box]:
    """A chart's caption row and its plot area."""
    x, y, w, h = chart
    cap_h = min(0.2 * h, 0.08 * w + 8)
    return _box(x, y, w, cap_h), _box(x, y + cap_h * 1.15, w, h - cap_h * 1.15)


def message_boxes(size: tuple[int, int]) -> MessageBoxes:
    """Regions of a confirm or warning screen: a big word, lines, a hint."""
    w, h, m, land = _frame(size)
    notes_h = 0.075 * h if land else 0.06 * h
    notes = _box(0, h - notes_h, w, notes_h)
    hh = (0.24 if land else 0.12) * h
    icon, word = _header(w, m, m, hh, w - m)
    top = m + hh + m
    hint_h = (0.13 if land else 0.07) * h
    hint = _box(m, h - notes_h - m - hint_h, w - 2 * m, hint_h)
    lines = _box(m, top, w - 2 * m, hint[1] - m - top)
    return MessageBoxes(icon, word, lines, hint, notes)


def menu_boxes(size: tuple[int, int]) -> MenuBoxes:
    """Regions of the start menu: a list, the chosen item's detail, a hint."""
    w, h, m, land = _frame(size)
    notes_h = 0.075 * h if land else 0.06 * h
    notes = _box(0, h - notes_h, w, notes_h)
    hh = (0.13 if land else 0.07) * h
    icon, word = _header(w, m, m, hh, w - m)
    top = m + hh + m
    hint_h = (0.09 if land else 0.05) * h
    hint = _box(m, h - notes_h - m - hint_h, w - 2 * m, hint_h)
    detail_h = (0.15 if land else 0.1) * h
    detail = _box(m, hint[1] - m - detail_h, w - 2 * m, detail_h)
    items = _box(m, top, w - 2 * m, detail[1] - m - top)
    return MenuBoxes(icon, word, items, detail, hint, notes)
