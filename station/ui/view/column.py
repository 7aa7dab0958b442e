"""Fit a column of text lines into a box at a readable size (pure arithmetic).

The summary's text column has more to say than fits at a size readable from
the rack. :func:`fit_column` finds the largest font size at which every line,
wrapped at word boundaries to the box's width, fits the box's height, never
going under a floor size. When even the floor does not fit, it keeps the
lines of rank 0 (never dropped) and adds the others, the most important
(lowest rank, then the first) first, each that still fits at the floor.

Text is measured through callbacks, so this module needs no pygame:
``width(text, size)`` is the px width of ``text`` at font ``size`` and
``height(size)`` the px height of one rendered line.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

#: Rank of a line that is never dropped (the advice's first line, the legend).
KEEP = 0


@dataclass(frozen=True)
class Column:
    """A fitted column: ``size`` (font size), ``rows`` (the wrapped lines, top
    to bottom), ``kept`` (the indices of the input lines shown) and
    ``row_h`` (the px pitch of one row)."""

    size: int
    rows: tuple[str, ...]
    kept: tuple[int, ...]
    row_h: float


#: A word of these is kept on the row of the number before it ("100 kg", "5 %").
UNITS = frozenset({"kg", "lb", "s", "ms", "%", "reps"})


def wrap(text: str, max_w: int, width: Callable[[str], int]) -> tuple[str, ...]:
    """``text`` broken at spaces into lines at most ``max_w`` px wide
    (greedy). The spaces between words on one row are the text's own (a
    legend's wide gaps stay wide); a count stays with what it counts
    (:func:`_keeps_with`); a word wider than ``max_w`` stays whole on its
    own line."""
    words: list[tuple[str, str]] = []  # (the spaces before, the word)
    for match in re.finditer(r"( *)(\S+)", text):
        sep, word = match.group(1), match.group(2)
        if words and _keeps_with(words[-1][1], word):
            words[-1] = (words[-1][0], words[-1][1] + sep + word)
        else:
            words.append((sep, word))
    rows = _greedy(words, max_w, width)
    if len(rows) > 1:  # balance the rows: no lone word on the last one
        limit = max_w
        while limit > 1:
            narrower = _greedy(words, int(limit * 0.96), width)
            if len(narrower) > len(rows):
                break
            rows, limit = narrower, int(limit * 0.96)
    return rows


def _keeps_with(before: str, word: str) -> bool:
    """``word`` stays on the row of ``before``: a unit or a word after its
    number ("100 kg", "3 mini-sets"), anything after a "+" ("+ 3 mini-sets":
    a count is never split from what it counts)."""
    if before.endswith("+"):
        return True
    return before[-1:].isdigit() and (word in UNITS or word[:1].isalpha())


def _greedy(words: list[tuple[str, str]], max_w: int, width: Callable[[str], int]) -> tuple[str, ...]:
    rows: list[str] = []
    for sep, word in words:
        if rows and width(rows[-1] + sep + word) <= max_w:
            rows[-1] += sep + word
        else:
            rows.append(word)
    return tuple(rows)


def fit_column(lines: tuple[str, ...], ranks: tuple[int, ...], box_wh: tuple[int, int],
               floor: int, ceiling: int, width: Callable[[str, int], int],
               height: Callable[[int], int], gap_frac: float = 0.12) -> Column:
    """The largest font size in ``floor..ceiling`` at which ``lines`` wrapped
    to ``box_wh[0]`` px fit ``box_wh[1]`` px (rows of one line height plus a
    gap of ``gap_frac`` of a row), dropping lines by ``ranks`` (missing ranks
    count as 1) until they fit at ``floor``: then the rank-0 lines and every
    other line that still fits, the most important (lowest rank, then first)
    first. If the rank-0 lines alone do not fit at ``floor``, they are
    returned at ``floor`` anyway (taller than the box)."""
    w, h = box_wh
    ceiling = max(floor, ceiling)
    rank = [ranks[i] if i < len(ranks) else 1 for i in range(len(lines))]

    def largest(kept: list[int]) -> Column | None:
        for size in range(ceiling, floor - 1, -1):
            rows = _rows(lines, kept, w, size, width)
            pitch = height(size) / (1 - gap_frac)
            if len(rows) * pitch <= h + 0.5:
                return Column(size, rows, tuple(kept), pitch)
        return None

    shown = [i for i, line in enumerate(lines) if line.strip()]
    col = largest(shown)
    if col is not None:
        return col
    # Crowded: the rank-0 lines, then every other line that still fits at
    # the floor, the most important first (a short line of a higher rank
    # may fit where a long one of a lower rank does not).
    kept = [i for i in shown if rank[i] == KEEP]
    for i in sorted((i for i in shown if rank[i] != KEEP), key=lambda i: (rank[i], i)):
        trial = sorted(kept + [i])
        if _fits(lines, trial, w, h, floor, width, height, gap_frac):
            kept = trial
    col = largest(kept)
    if col is not None:
        return col
    return Column(floor, _rows(lines, kept, w, floor, width), tuple(kept), height(floor) / (1 - gap_frac))


def _fits(lines: tuple[str, ...], kept: list[int], w: int, h: int, size: int,
          width: Callable[[str, int], int], height: Callable[[int], int], gap_frac: float) -> bool:
    return len(_rows(lines, kept, w, size, width)) * height(size) / (1 - gap_frac) <= h + 0.5


def _rows(lines: tuple[str, ...], kept: list[int], w: int, size: int,
          width: Callable[[str, int], int]) -> tuple[str, ...]:
    out: list[str] = []
    for i in kept:
        out.extend(wrap(lines[i], w, lambda t: width(t, size)))
    return tuple(out)
