"""Text on a pygame Surface, shrunk to fit its box and never clipped, and the
big numbers measured on their ink; fonts and rendered text are cached.

Rendered text is kept in LRU caches keyed by text, size and colour, so a frame
that only moves a progress bar re-renders no glyphs. Memory is bounded in
bytes, not only in entries: the text and big-number surface caches hold at most
:data:`TEXT_CACHE_BYTES` and :data:`BIG_CACHE_BYTES`, and at most
:data:`MAX_FONTS` text fonts are open.

Big numbers use one font size per box height (:meth:`Typesetter.digit_size`),
found from the font's digit metrics without rasterising; each big font stays
open (:data:`MAX_BIG_FONTS`) so SDL_ttf's glyph cache keeps its ten digits and
a new number costs one render, not a search over sizes. The count-in pulse
scales the cached unpulsed surface instead of rendering another size.
:meth:`Typesetter.warm` renders the digits once when the screen opens.

Fonts: pygame's bundled default font (``pygame.font.Font(None, size)``),
opened by its path where that gives the same font (:func:`open_font`):
``Font(None, ...)`` looks the file up through importlib's resources at each
open (0.15 ms against 0.03 ms), and a new screen opens several sizes.
"""

from __future__ import annotations

import functools
import math
import os
from dataclasses import dataclass

import pygame

from station.ui.pygame.cache import LRU, surface_bytes
from station.ui.view import layout as lay
from station.ui.view.colours import RGB
from station.ui.view.column import fit_column
from station.ui.view.layout import Box

MIN_SQUEEZE = 0.78  # the big number may be narrowed to this share of its width
LINE_RATIO = 0.75  # rendered line height / font size, for the default font
DIGIT_INK_RATIO = 0.51  # ink height of a digit / font size, for the default font
DIGITS = "0123456789"
MEASURE_SIZE = 100  # text widths are measured once at this font size and scaled

MAX_FONTS = 8  # text fonts kept open (each holds FreeType's glyph cache)
#: Big-number fonts kept open: the phase screen's and the summary's (each holds
#: its digits' glyphs, ~3 MB at 1080p; a third size never comes up).
MAX_BIG_FONTS = 2
#: Rendered text surfaces, bytes: the texts of the busiest screen at 1920x1080
#: (3.1 MB, a warning) fit, so a partial repaint of a region re-blits its other
#: lines from the cache; a text of a screen left behind is seldom shown again.
TEXT_CACHE_BYTES = 4 * 1024 * 1024
#: Big-number surfaces, bytes: the number shown (a 1080p one is up to ~1.8 MB;
#: the count-in pulse scales it 30 times a second). A number gone by is not
#: shown again soon (a countdown): with the digits' glyphs warm a new number
#: renders in ~0.4 ms at 1080p (0.1 ms at 800x480), once a second, while each
#: kept one is resident.
BIG_CACHE_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class Tabular:
    """Digits set in fixed cells: digit ``i`` of a number drawn at
    ``(x + i * cell, y)``, each glyph's rows cropped to the digits' ink.
    ``size``: the font size; ``cell``: every digit's advance, px; ``top``:
    the ink's top in a rendered line, px; ``ink_h``: px; ``ink_x``: digit
    ``d``'s ink from its cell's left, (left, right) px."""

    size: int
    cell: int
    top: int
    ink_h: int
    ink_x: tuple[tuple[int, int], ...] = ()  # each digit's ink left and right in its cell, px


@dataclass(frozen=True)
class DrawnText:
    """Where a text was drawn: ``rect`` is (x, y, w, h) in surface pixels."""

    role: str
    text: str
    rect: tuple[int, int, int, int]


class Typesetter:
    """Draws text and big numbers; holds the font and text caches (no other state)."""

    def __init__(self, max_texts: int = 512, text_bytes: int = TEXT_CACHE_BYTES,
                 big_bytes: int = BIG_CACHE_BYTES) -> None:
        if not pygame.font.get_init():
            pygame.font.init()
        self.fonts: LRU[pygame.font.Font] = LRU(MAX_FONTS)
        self.big_fonts: LRU[pygame.font.Font] = LRU(MAX_BIG_FONTS)
        self.texts: LRU[pygame.Surface] = LRU(max_texts, text_bytes, surface_bytes)
        self._fits: LRU[int] = LRU(max_texts * 4)
        self.bigs: LRU[pygame.Surface] = LRU(64, big_bytes, surface_bytes)
        self._tabs: dict[tuple[str, int], Tabular | None] = {}

    def cache_bytes(self) -> int:
        """Bytes of rendered surfaces held by the caches (fonts not counted)."""
        return self.texts.bytes + self.bigs.bytes

    def warm(self, size: tuple[int, int]) -> None:
        """Open the big-number font of a phase screen of ``size`` px and
        render the ten digits once, so that the first frame showing a new
        number finds its glyphs in SDL_ttf's cache. Call when the screen
        opens (about 10 ms at 1920x1080). One digit at a time: the ten in
        one line would be a 13 MB surface at 1080p, freed at once but raising
        the C allocator's threshold for giving memory back to the system."""
        font = self._big_font(self.digit_size(lay.phase_boxes(size).big[3]))
        for digit in DIGITS:
            font.render(digit, True, (255, 255, 255))


    def _font(self, size: int) -> pygame.font.Font:
        f = self.fonts.get(size)
        return f if f is not None else self.fonts.put(size, open_font(size))

    def _big_font(self, size: int) -> pygame.font.Font:
        f = self.big_fonts.get(size)
        return f if f is not None else self.big_fonts.put(size, open_font(size))

    def fit_size(self, text: str, w: int, h: int) -> int:
        """The largest font size at which ``text`` fits in ``w`` x ``h`` px
        (at most :func:`_top_size` of ``h``)."""
        key = (text, w, h)
        n = self._fits.get(key)
        if n is not None:
            return n
        return self._fits.put(key, self._largest([(text, w, h)]))

    def _largest(self, texts: list[tuple[str, int, int]]) -> int:
        """The largest font size at which every (text, w, h) fits its box.
        The width measured once at :data:`MEASURE_SIZE` and scaled gives the
        first size tried; then one size at a time, each measured with the
        real font (hinting does not scale exactly). Each size tried is a font
        opened and its glyphs loaded (0.3-0.5 ms at 1080p, cold), so a
        first guess close to the answer is what makes a new screen cheap."""
        top = min(_top_size(h) for _, _, h in texts)
        guesses = [top] + [int(w * MEASURE_SIZE / ref) for t, w, _ in texts if (ref := self._measure_w(t)) > 0]
        n = max(1, min(guesses))

        def fits(size: int) -> bool:
            f = self._font(size)
            return f.get_linesize() <= min(h for _, _, h in texts) and all(
                f.size(t)[0] <= w for t, w, _ in texts)

        if fits(n):
            while n < top and fits(n + 1):
                n += 1
            return n
        while n > 1 and not fits(n):
            n -= 1
        return n

    def _measure_w(self, text: str) -> int:
        """``text``'s width at :data:`MEASURE_SIZE`, px (kept per text)."""
        key = ("w", text)
        ref = self._fits.get(key)
        return ref if ref is not None else self._fits.put(key, self._font(MEASURE_SIZE).size(text)[0])

    def _surface(self, text: str, size: int, colour: RGB) -> pygame.Surface:
        key = (text, size, colour)
        s = self.texts.get(key)
        if s is None:
            s = self.texts.put(key, self._font(size).render(text, True, colour))
        return s

    def text(self, surface: pygame.Surface, text: str, box: Box, colour: RGB,
             role: str, align: str = "left", size: int | None = None) -> DrawnText | None:
        """Draw ``text`` shrunk to fit ``box`` (or at ``size`` if that fits),
        vertically centred; ``align``: "left", "center" or "right"."""
        if not text:
            return None
        x, y, w, h = box
        if size is not None and size <= _top_size(h) and self._fits_at(text, w, h, size):
            n = size  # a column's size that fits this line: no search
        else:
            n = self.fit_size(text, w, h) if size is None else min(size, self.fit_size(text, w, h))
        s = self._surface(text, n, colour)
        sw, sh = s.get_size()
        sw, sh = min(sw, w), min(sh, h)
        if align == "center":
            tx = x + (w - sw) // 2
        elif align == "right":
            tx = x + w - sw
        else:
            tx = x
        ty = y + (h - sh) // 2
        surface.blit(s, (tx, ty), (0, 0, sw, sh))
        return DrawnText(role, text, (tx, ty, sw, sh))

    def uniform_size(self, texts: tuple[str, ...], boxes: tuple[Box, ...]) -> int:
        """One font size for a column of lines: the smallest any line needs."""
        todo = tuple((t, b[2], b[3]) for t, b in zip(texts, boxes) if t)
        if not todo:
            return 1
        key = ("uniform", todo)
        n = self._fits.get(key)
        return n if n is not None else self._fits.put(key, self._largest(list(todo)))

    def _fits_at(self, text: str, w: int, h: int, size: int) -> bool:
        f = self._font(size)
        return f.get_linesize() <= h and f.size(text)[0] <= w

    def big(self, surface: pygame.Surface, text: str, box: Box, colour: RGB,
            role: str = "big", align: str = "center", scale: float = 1.0,
            background: RGB | None = None) -> DrawnText | None:
        """Draw ``text`` (digits) as large as ``box`` allows, measured on its
        ink, narrowing it down to :data:`MIN_SQUEEZE` before shrinking it.
        ``scale`` (0..1) draws it that much smaller about the same centre
        (the count-in pulse), scaled from the cached full-size surface.
        A number that fits unnarrowed is set in the font's tabular cells
        (:meth:`tabular`), one cached glyph per digit, so its digits keep
        their places as it counts; on a known ``background`` (the box's
        colour) each glyph is rendered onto it (8-bit, opaque: a copy, no
        blending, and a new number costs a fifth of a blended one)."""
        if not text:
            return None
        x, y, w, h = box
        placed = self.tabular(text, box, align) if scale >= 1.0 else None
        if placed is not None:
            tab, tx, ty = placed
            for i, ch in enumerate(text):
                surface.blit(self._digit(ch, tab, colour, background), (tx + i * tab.cell, ty))
            return DrawnText(role, text, (tx, ty, len(text) * tab.cell, tab.ink_h))
        s = self._big_cached(text, w, h, colour)
        if scale < 1.0:
            sw, sh = s.get_size()
            s = pygame.transform.smoothscale(s, (max(1, round(sw * scale)), max(1, round(sh * scale))))
        sw, sh = s.get_size()
        tx = x + w - sw if align == "right" else x + (w - sw) // 2
        ty = y + (h - sh) // 2
        surface.blit(s, (tx, ty))
        return DrawnText(role, text, (tx, ty, sw, sh))

    def big_changed(self, surface: pygame.Surface, old: DrawnText, text: str, box: Box,
                    colour: RGB, background: RGB, align: str = "center"
                    ) -> tuple[DrawnText, list[pygame.Rect]] | None:
        """Turn the big number ``old`` drawn on ``surface`` (by :meth:`big`
        on ``background``) into ``text`` by repainting only the tabular
        cells whose digit changed (a countdown's second: one digit of two),
        or None when the two are not set in the same cells (then clear the
        old and draw the new). Returns the new text box and the rects
        repainted."""
        was, now = self.tabular(old.text, box, align), self.tabular(text, box, align)
        if was is None or now is None or was != now or len(old.text) != len(text) \
                or old.rect[:2] != now[1:]:
            return None
        tab, tx, ty = now
        rects = []
        for i, (a, b) in enumerate(zip(old.text, text)):
            if a != b:  # the glyph is opaque on the background: it covers its cell
                cell = pygame.Rect(tx + i * tab.cell, ty, tab.cell, tab.ink_h)
                surface.blit(self._digit(b, tab, colour, background), cell.topleft)
                rects.append(cell)
        return DrawnText(old.role, text, (tx, ty, len(text) * tab.cell, tab.ink_h)), rects

    def tabular(self, text: str, box: Box, align: str = "center") -> tuple[Tabular, int, int] | None:
        """Where ``text`` (digits) is set in tabular cells in ``box``: (the
        cells, the first cell's left, the ink's top), px. Two or more digits
        are placed by their cells, so each keeps its place as the number
        counts; a single digit is centred on its own ink. None for text that
        is not digits, a font whose digits are not all one advance, or a
        number too wide for the box unnarrowed (then it is measured on its
        ink: :meth:`_big_surface`)."""
        if not text or text.strip(DIGITS):
            return None
        x, y, w, h = box
        tab = self._tabular(self.digit_size(h))
        width = len(text) * tab.cell if tab is not None else w + 1
        if tab is None or width > w or tab.ink_h > h:
            return None
        if len(text) == 1:
            left, right = tab.ink_x[int(text)]
            tx = x + w - right if align == "right" else x + (w - (right - left)) // 2 - left
        else:
            tx = x + w - width if align == "right" else x + (w - width) // 2
        return tab, tx, y + (h - tab.ink_h) // 2

    def _tabular(self, size: int) -> Tabular | None:
        key = ("tabular", size)
        if key in self._tabs:
            return self._tabs[key]
        font = self._big_font(size)
        m = [g for g in font.metrics(DIGITS) if g is not None]
        cell = m[0][4] if len(m) == len(DIGITS) and len({g[4] for g in m}) == 1 else 0
        tab = None
        if cell > 0 and all(font.size(d)[0] <= cell for d in DIGITS):  # every glyph within its cell
            ascent = font.get_ascent()
            top, bottom = ascent - max(g[3] for g in m), ascent - min(g[2] for g in m)
            tab = Tabular(size, cell, top, bottom - top, tuple((g[0], g[1]) for g in m))
        self._tabs[key] = tab
        return tab

    def _digit(self, ch: str, tab: Tabular, colour: RGB, background: RGB | None = None) -> pygame.Surface:
        """Digit ``ch``'s glyph in ``colour``, its rows cropped to the digits'
        ink: blended (per-pixel alpha), or rendered onto ``background``
        (8-bit, opaque)."""
        key = ("digit", ch, tab.size, colour, background)
        s = self.bigs.get(key)
        if s is None:
            g = self._big_font(tab.size).render(ch, True, colour, background)
            s = g.subsurface((0, tab.top, g.get_width(), tab.ink_h))
            s = self.bigs.put(key, s.copy() if background is not None else s)  # 8-bit: the copy is small
        return s

    def _big_cached(self, text: str, w: int, h: int, colour: RGB) -> pygame.Surface:
        key = (text, w, h, colour)
        s = self.bigs.get(key)
        return s if s is not None else self.bigs.put(key, self._big_surface(text, w, h, colour))

    def digit_size(self, h: int) -> int:
        """The font size whose digits' ink (from the font's metrics: no
        rasterising) is at most ``h`` px tall."""
        key = ("digits", h)
        n = self._fits.get(key)
        if n is not None:
            return n

        def ink(size: int) -> int:
            m = [g for g in open_font(size).metrics(DIGITS) if g]
            return max(1, max(g[3] for g in m) - min(g[2] for g in m))

        n = max(2, int(h / DIGIT_INK_RATIO))
        n = max(2, int(n * h / ink(n)))
        while n > 2 and ink(n) > h:
            n -= 1
        return self._fits.put(key, n)

    def _big_surface(self, text: str, w: int, h: int, colour: RGB) -> pygame.Surface:
        """A number set in tabular cells (:meth:`tabular`) as :meth:`big`
        draws it, or one render at :meth:`digit_size`, cropped to its ink,
        then at most one smoothscale: narrowed to ``w`` (down to
        :data:`MIN_SQUEEZE`), shrunk further when even that is too wide or
        the ink is taller than ``h`` (characters other than digits)."""
        placed = self.tabular(text, (0, 0, w, h))
        if placed is not None and len(text) == 1:  # its ink, across the digits' rows
            tab = placed[0]
            left, right = tab.ink_x[int(text)]
            return self._digit(text, tab, colour).subsurface((left, 0, right - left, tab.ink_h))
        if placed is not None:
            tab = placed[0]
            out = pygame.Surface((len(text) * tab.cell, tab.ink_h), pygame.SRCALPHA)
            out.fill((*colour, 0))
            for i, ch in enumerate(text):
                out.blit(self._digit(ch, tab, colour), (i * tab.cell, 0), special_flags=pygame.BLEND_RGBA_MAX)
            return out
        font = self._big_font(self.digit_size(h))
        s = font.render(text, True, colour)
        r = digits_ink(font, text, s.get_size()) or s.get_bounding_rect()
        if r.w and r.h:
            s = s.subsurface(r)  # the ink, not a copy of it (a 1080p number: 1.6 MB)
        sw, sh = s.get_size()
        k = min(1.0, h / sh, w / (sw * MIN_SQUEEZE))
        tw, th = min(w, max(1, round(sw * k))), max(1, round(sh * k))
        if (tw, th) != (sw, sh):
            s = pygame.transform.smoothscale(s, (tw, th))
        return s

    def _lines(self, surface: pygame.Surface, lines: tuple[str, ...], box: Box, colour: RGB,
               min_rows: int, role: str = "line") -> list[DrawnText]:
        boxes = lay.rows(box, len(lines), min_rows)
        size = self.uniform_size(lines, boxes)
        out = []
        for line, b in zip(lines, boxes):
            d = self.text(surface, line, b, colour, role, size=size)
            if d:
                out.append(d)
        return out

    def _line_h(self, size: int) -> int:
        """The rendered height of one line at font ``size``, px."""
        key = ("line_h", size)
        n = self._fits.get(key)
        return n if n is not None else self._fits.put(key, self._font(size).get_linesize())

    def _size_for_line_h(self, px: float, at_least: bool) -> int:
        """The smallest font size whose lines are at least ``px`` tall
        (``at_least``), or the largest whose lines are at most ``px`` tall."""
        n = max(1, int(px / LINE_RATIO) - 2)
        if at_least:
            while self._line_h(n) < px:
                n += 1
            return n
        while n > 1 and self._line_h(n) > px:
            n -= 1
        while self._line_h(n + 1) <= px:
            n += 1
        return n

    def _text_w(self, text: str, size: int) -> int:
        """``text``'s width at font ``size``, px, scaled from one measure at
        :data:`MEASURE_SIZE` (2 % to spare, so no fitted row is shrunk)."""
        return math.ceil(self._measure_w(text) * size / MEASURE_SIZE * 1.02)

    def _column(self, surface: pygame.Surface, lines: tuple[str, ...], ranks: tuple[int, ...],
                box: Box, colour: RGB, min_rows: int, floor_px: int) -> list[DrawnText]:
        """A text column: lines wrapped, as large as fits up to ``box``'s
        height / ``min_rows`` per row and never under ``floor_px`` tall,
        dropping lines by rank when even that does not fit
        (:func:`station.ui.view.column.fit_column`)."""
        x, y, w, h = box
        gap = 0.12
        floor = self._size_for_line_h(floor_px, at_least=True)
        ceiling = self._size_for_line_h(h / min_rows * (1 - gap), at_least=False)
        col = fit_column(lines, ranks, (w, h), floor, ceiling, self._text_w, self._line_h, gap)
        if len(col.rows) * col.row_h > h + 0.5:  # the lines kept always do not fit: shrink, never cut
            return self._lines(surface, col.rows, box, colour, min_rows)
        out = []
        row_h = max(1, math.floor(col.row_h * (1 - gap) + 0.5))
        for i, row in enumerate(col.rows):
            d = self.text(surface, row, (x, math.floor(y + i * col.row_h), w, row_h), colour, "line",
                          size=col.size)
            if d:
                out.append(d)
        return out


    def _wrapped(self, surface: pygame.Surface, text: str, box: Box, colour: RGB,
                 role: str, max_lines: int = 3) -> list[DrawnText]:
        """``text`` broken into the 1..``max_lines`` lines that give the largest type."""
        words = text.split()
        if not words:
            return []
        best: tuple[int, tuple[str, ...]] = (0, ())
        for k in range(1, min(max_lines, len(words)) + 1):
            chunk = _split_even(words, k)
            boxes = lay.rows(box, k, 1, gap_frac=0.05)
            size = self.uniform_size(chunk, boxes)
            if size > best[0]:
                best = (size, chunk)
        chunk = best[1]
        boxes = lay.rows(box, len(chunk), 1, gap_frac=0.05)
        out = []
        for line, bx in zip(chunk, boxes):
            d = self.text(surface, line, bx, colour, role, size=best[0])
            if d:
                out.append(d)
        return out



def _split_even(words: list[str], k: int) -> tuple[str, ...]:
    """``words`` in ``k`` lines of about equal length (greedy on characters)."""
    total = sum(len(w) + 1 for w in words)
    target = total / k
    lines: list[list[str]] = [[]]
    used = 0
    for w in words:
        if lines[-1] and used + len(w) / 2 > target * len(lines) and len(lines) < k:
            lines.append([])
        lines[-1].append(w)
        used += len(w) + 1
    return tuple(" ".join(line) for line in lines if line)



def digits_ink(font: pygame.font.Font, text: str, size: tuple[int, int]) -> pygame.Rect | None:
    """The ink box of ``text`` rendered by ``font`` into a surface of ``size``
    px, from the glyph metrics (the same box as ``get_bounding_rect``, for
    digits, without scanning a megabyte of pixels), or None for other text."""
    if not text or text.strip(DIGITS):
        return None
    metrics = font.metrics(text)
    m = [g for g in metrics if g is not None]
    if len(m) != len(metrics):
        return None
    ascent = font.get_ascent()
    top, bottom = ascent - max(g[3] for g in m), ascent - min(g[2] for g in m)
    left, right = m[0][0], size[0] - (m[-1][4] - m[-1][1])
    r = pygame.Rect(left, top, right - left, bottom - top)
    return r if r.w > 0 and r.h > 0 and pygame.Rect((0, 0), size).contains(r) else None


def _top_size(h: int) -> int:
    """The largest font size tried for a box ``h`` px tall (lines are about
    :data:`LINE_RATIO` of their size)."""
    return max(1, int(h / LINE_RATIO) + 2)


#: pygame opens its default font (``Font(None, size)``) at this share of the size asked for.
NONE_SCALE = 0.6875


def open_font(size: int) -> pygame.font.Font:
    """``pygame.font.Font(None, size)``, opened by the default font's path."""
    path = _default_font_path()
    if path is None:
        return pygame.font.Font(None, size)
    return pygame.font.Font(path, max(1, int(size * NONE_SCALE)))


@functools.cache
def _default_font_path() -> str | None:
    """The file of pygame's default font, if opening it by path at
    :data:`NONE_SCALE` of a size gives the font ``Font(None, size)`` gives
    (checked once, on its metrics); else None."""
    path = os.path.join(os.path.dirname(pygame.__file__), pygame.font.get_default_font())
    if not os.path.isfile(path):
        return None
    probe = "Rest 0123456789 kg"
    a, b = pygame.font.Font(None, 100), pygame.font.Font(path, int(100 * NONE_SCALE))
    same = (a.size(probe), a.get_linesize(), a.get_ascent()) == (b.size(probe), b.get_linesize(), b.get_ascent())
    return path if same else None
