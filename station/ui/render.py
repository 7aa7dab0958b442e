"""Draws screen models on a pygame Surface; decides nothing.

Every string, number and colour comes from the model (:mod:`station.ui.view`);
this module only fits them into the regions of :mod:`station.ui.layout`,
proportional to ``surface.get_size()``. Text is shrunk to fit its box, never
clipped. Rendered text is kept in LRU caches keyed by text, size and colour,
so a frame that only moves a progress bar re-renders no glyphs; between two
phase screens of the same colours :meth:`Renderer.update` repaints only the
regions that changed, the bar only at its moving end (:meth:`Renderer.bar`).

Memory is bounded in bytes, not only in entries: the text and big-number
surface caches hold at most :data:`TEXT_CACHE_BYTES` and
:data:`BIG_CACHE_BYTES`, and at most :data:`MAX_FONTS` text fonts are open.

Big numbers use one font size per box height (:meth:`Renderer.digit_size`),
found from the font's digit metrics without rasterising; each big font stays
open (:data:`MAX_BIG_FONTS`) so SDL_ttf's glyph cache keeps its ten digits and
a new number costs one render, not a search over sizes. The count-in pulse
scales the cached unpulsed surface instead of rendering another size.
:meth:`Renderer.warm` renders the digits once when the screen opens.

Fonts: pygame's bundled default font (``pygame.font.Font(None, size)``).
"""

from __future__ import annotations

import dataclasses
import math
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

import pygame

from station.ui import layout as lay
from station.ui.column import fit_column
from station.ui.layout import Box
from station.ui.view import (
    NOTE_BACKGROUND,
    NOTE_FOREGROUND,
    RGB,
    MenuModel,
    MessageModel,
    Model,
    ScreenModel,
    SummaryModel,
    contrast,
)

V = TypeVar("V")

MIN_SQUEEZE = 0.78  # the big number may be narrowed to this share of its width
LINE_RATIO = 0.75  # rendered line height / font size, for the default font
DIGIT_INK_RATIO = 0.51  # ink height of a digit / font size, for the default font
DIGITS = "0123456789"
MEASURE_SIZE = 100  # text widths are measured once at this font size and scaled

MAX_FONTS = 8  # text fonts kept open (each holds FreeType's glyph cache)
MAX_BIG_FONTS = 3  # big-number fonts kept open: the phase screen, the summary, one spare
TEXT_CACHE_BYTES = 8 * 1024 * 1024  # rendered text surfaces, bytes
#: Big-number surfaces, bytes: the number shown and the one before (a 1080p one is
#: ~1.8 MB; the count-in pulse scales the current one 30 times a second). More
#: buys little: with the digits' glyphs warm a new number renders in ~0.4 ms at
#: 1080p (0.1 ms at 800x480), once a second, while each kept one is resident.
BIG_CACHE_BYTES = 4 * 1024 * 1024


#: A phase screen's regions in drawing order; each has its own box in
#: :class:`~station.ui.layout.PhaseBoxes` (they never overlap).
PHASE_REGIONS = ("icon", "word", "bout", "big", "big_label", "bar", "lines", "notes")
#: The region that shows each model field (other fields change every region).
_REGION_OF_FIELD = {"shape": "icon", "word": "word", "bout": "bout", "big": "big", "pulse": "big",
                    "big_label": "big_label", "progress": "bar", "lines": "lines", "notes": "notes"}
#: The region of each :class:`DrawnText` role on a phase screen.
_REGION_OF_ROLE = {"word": "word", "bout": "bout", "big": "big", "label": "big_label",
                   "line": "lines", "notes": "notes"}


@dataclass(frozen=True)
class DrawnText:
    """Where a text was drawn: ``rect`` is (x, y, w, h) in surface pixels."""

    role: str
    text: str
    rect: tuple[int, int, int, int]


class LRU(Generic[V]):
    """A small least-recently-used map, bounded by entries (``maxsize``) and,
    when ``max_bytes`` is given, by the sum of ``weigh(value)`` (bytes). The
    entry just put is always kept, even if it alone weighs more."""

    def __init__(self, maxsize: int, max_bytes: int | None = None,
                 weigh: Callable[[V], int] | None = None) -> None:
        if maxsize < 1:
            raise ValueError(f"LRU maxsize must be at least 1, got {maxsize}")
        if max_bytes is not None and (max_bytes < 1 or weigh is None):
            raise ValueError(f"LRU max_bytes must be at least 1 and needs weigh, got {max_bytes}")
        self.maxsize = maxsize
        self.max_bytes = max_bytes
        self._weigh = weigh
        self._d: OrderedDict[Hashable, tuple[V, int]] = OrderedDict()
        self.bytes = 0  # the sum of weigh() over the entries held (0 without weigh)
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> V | None:
        e = self._d.get(key)
        if e is None:
            self.misses += 1
            return None
        self.hits += 1
        self._d.move_to_end(key)
        return e[0]

    def put(self, key: Hashable, value: V) -> V:
        old = self._d.pop(key, None)
        if old is not None:
            self.bytes -= old[1]
        size = self._weigh(value) if self._weigh is not None else 0
        self._d[key] = (value, size)
        self.bytes += size
        while len(self._d) > self.maxsize or (
                self.max_bytes is not None and self.bytes > self.max_bytes and len(self._d) > 1):
            _, (_, gone) = self._d.popitem(last=False)
            self.bytes -= gone
        return value

    def __len__(self) -> int:
        return len(self._d)


def surface_bytes(s: pygame.Surface) -> int:
    """The pixel memory of ``s``, bytes."""
    return s.get_pitch() * s.get_height()


class Renderer:
    """Draws models; holds the font and text caches (no other state)."""

    def __init__(self, max_texts: int = 512, text_bytes: int = TEXT_CACHE_BYTES,
                 big_bytes: int = BIG_CACHE_BYTES, legend: str | None = None) -> None:
        #: A key legend drawn in the bottom strip of every screen (the
        #: window's keys), under the status notes when there are any.
        self.legend = legend
        if not pygame.font.get_init():
            pygame.font.init()
        self.fonts: LRU[pygame.font.Font] = LRU(MAX_FONTS)
        self.big_fonts: LRU[pygame.font.Font] = LRU(MAX_BIG_FONTS)
        self.texts: LRU[pygame.Surface] = LRU(max_texts, text_bytes, surface_bytes)
        self._fits: LRU[int] = LRU(max_texts * 4)
        self.bigs: LRU[pygame.Surface] = LRU(64, big_bytes, surface_bytes)

    def cache_bytes(self) -> int:
        """Bytes of rendered surfaces held by the caches (fonts not counted)."""
        return self.texts.bytes + self.bigs.bytes

    def warm(self, size: tuple[int, int]) -> None:
        """Open the big-number font of a phase screen of ``size`` px and
        render the ten digits once, so that the first frame showing a new
        number finds its glyphs in SDL_ttf's cache. Call when the screen
        opens (about 10 ms at 1920x1080)."""
        font = self._big_font(self.digit_size(lay.phase_boxes(size).big[3]))
        font.render(DIGITS, True, (255, 255, 255))

    # ------------------------------------------------------------ entry

    def draw(self, surface: pygame.Surface, model: Model) -> list[DrawnText]:
        """Draw ``model`` over all of ``surface``; return the text boxes drawn."""
        if isinstance(model, ScreenModel):
            return self._phase(surface, model)
        if isinstance(model, SummaryModel):
            return self._summary(surface, model)
        if isinstance(model, MenuModel):
            return self._menu(surface, model)
        if isinstance(model, MessageModel):
            return self._message(surface, model)
        raise TypeError(f"cannot draw a {type(model).__name__}")

    # ------------------------------------------------------------ text

    def _font(self, size: int) -> pygame.font.Font:
        f = self.fonts.get(size)
        return f if f is not None else self.fonts.put(size, pygame.font.Font(None, size))

    def _big_font(self, size: int) -> pygame.font.Font:
        f = self.big_fonts.get(size)
        return f if f is not None else self.big_fonts.put(size, pygame.font.Font(None, size))

    def fit_size(self, text: str, w: int, h: int) -> int:
        """The largest font size at which ``text`` fits in ``w`` x ``h`` px."""
        key = (text, w, h)
        n = self._fits.get(key)
        if n is not None:
            return n
        n = max(1, int(h / LINE_RATIO) + 2)  # the ratio is not exact: start above, step down
        tw = self._font(n).size(text)[0]
        if tw > w:
            n = max(1, int(n * w / tw))
        while n > 1:
            f = self._font(n)
            tw, _ = f.size(text)
            if tw <= w and f.get_linesize() <= h:
                break
            n -= 1
        return self._fits.put(key, n)

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
        fit = self.fit_size(text, w, h)
        n = fit if size is None else min(size, fit)
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

    def _uniform(self, texts: tuple[str, ...], boxes: tuple[Box, ...]) -> int:
        """One font size for a column of lines: the smallest any line needs."""
        sizes = [self.fit_size(t, b[2], b[3]) for t, b in zip(texts, boxes) if t]
        return min(sizes) if sizes else 1

    def big(self, surface: pygame.Surface, text: str, box: Box, colour: RGB,
            role: str = "big", align: str = "center", scale: float = 1.0) -> DrawnText | None:
        """Draw ``text`` (digits) as large as ``box`` allows, measured on its
        ink, narrowing it down to :data:`MIN_SQUEEZE` before shrinking it.
        ``scale`` (0..1) draws it that much smaller about the same centre
        (the count-in pulse), scaled from the cached full-size surface."""
        if not text:
            return None
        x, y, w, h = box
        s = self._big_cached(text, w, h, colour)
        if scale < 1.0:
            sw, sh = s.get_size()
            s = pygame.transform.smoothscale(s, (max(1, round(sw * scale)), max(1, round(sh * scale))))
        sw, sh = s.get_size()
        tx = x + w - sw if align == "right" else x + (w - sw) // 2
        ty = y + (h - sh) // 2
        surface.blit(s, (tx, ty))
        return DrawnText(role, text, (tx, ty, sw, sh))

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
            m = [g for g in pygame.font.Font(None, size).metrics(DIGITS) if g]
            return max(1, max(g[3] for g in m) - min(g[2] for g in m))

        n = max(2, int(h / DIGIT_INK_RATIO))
        n = max(2, int(n * h / ink(n)))
        while n > 2 and ink(n) > h:
            n -= 1
        return self._fits.put(key, n)

    def _big_surface(self, text: str, w: int, h: int, colour: RGB) -> pygame.Surface:
        """One render at :meth:`digit_size`, cropped to its ink, then at most
        one smoothscale: narrowed to ``w`` (down to :data:`MIN_SQUEEZE`),
        shrunk further when even that is too wide or the ink is taller than
        ``h`` (characters other than digits)."""
        font = self._big_font(self.digit_size(h))
        s = font.render(text, True, colour)
        r = _digits_ink(font, text, s.get_size()) or s.get_bounding_rect()
        if r.w and r.h:
            s = s.subsurface(r).copy()
        sw, sh = s.get_size()
        k = min(1.0, h / sh, w / (sw * MIN_SQUEEZE))
        tw, th = min(w, max(1, round(sw * k))), max(1, round(sh * k))
        if (tw, th) != (sw, sh):
            s = pygame.transform.smoothscale(s, (tw, th))
        return s

    # ------------------------------------------------------------ parts

    def _notes(self, surface: pygame.Surface, notes: tuple[str, ...], box: Box,
               colour: RGB) -> list[DrawnText]:
        """The bottom strip: status notes, and the key legend (in ``colour``
        on the screen's own background when there is no note) below them."""
        if not self.legend:
            return self._note_rows(surface, notes, box)
        x, y, w, h = box
        legend_h = round(h * 0.4)
        legend_box = (x + max(2, h // 10) * 3, y + h - legend_h, w - max(2, h // 10) * 6, legend_h)
        out = []
        if notes:
            surface.fill(NOTE_BACKGROUND, box)
            out = self._note_rows(surface, notes, (x, y, w, h - legend_h))
            colour = NOTE_FOREGROUND
        d = self.text(surface, self.legend, legend_box, colour, "keys", align="center")
        return out + ([d] if d else [])

    def _note_rows(self, surface: pygame.Surface, notes: tuple[str, ...], box: Box) -> list[DrawnText]:
        if not notes:
            return []
        surface.fill(NOTE_BACKGROUND, box)
        x, y, w, h = box
        pad = max(2, h // 10)
        inner = (x + pad * 3, y + pad, w - pad * 6, h - 2 * pad)
        # One row, or two when that gives larger type; a note is never split.
        best: tuple[int, tuple[str, ...]] = (0, ())
        for k in range(1, min(2, len(notes)) + 1):
            per = -(-len(notes) // k)
            groups = tuple("   ·   ".join(notes[i:i + per]) for i in range(0, len(notes), per))
            size = self._uniform(groups, lay.rows(inner, len(groups), 1, gap_frac=0.05))
            if size > best[0]:
                best = (size, groups)
        out = []
        for text, row in zip(best[1], lay.rows(inner, len(best[1]), 1, gap_frac=0.05)):
            d = self.text(surface, text, row, NOTE_FOREGROUND, "notes", size=best[0])
            if d:
                out.append(d)
        return out

    def _lines(self, surface: pygame.Surface, lines: tuple[str, ...], box: Box, colour: RGB,
               min_rows: int, role: str = "line") -> list[DrawnText]:
        boxes = lay.rows(box, len(lines), min_rows)
        size = self._uniform(lines, boxes)
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
        key = ("w", text)
        ref = self._fits.get(key)
        if ref is None:
            ref = self._fits.put(key, self._font(MEASURE_SIZE).size(text)[0])
        return math.ceil(ref * size / MEASURE_SIZE * 1.02)

    def _column(self, surface: pygame.Surface, lines: tuple[str, ...], ranks: tuple[int, ...],
                box: Box, colour: RGB, min_rows: int, floor_px: int) -> list[DrawnText]:
        """A text column: lines wrapped, as large as fits up to ``box``'s
        height / ``min_rows`` per row and never under ``floor_px`` tall,
        dropping lines by rank when even that does not fit
        (:func:`station.ui.column.fit_column`)."""
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

    # ------------------------------------------------------------ screens

    def _phase(self, surface: pygame.Surface, m: ScreenModel) -> list[DrawnText]:
        b = lay.phase_boxes(surface.get_size())
        surface.fill(m.background)
        out: list[DrawnText] = []
        for region in PHASE_REGIONS:
            out.extend(self._phase_region(surface, b, m, region))
        return out

    def _phase_region(self, surface: pygame.Surface, b: lay.PhaseBoxes, m: ScreenModel,
                      region: str) -> list[DrawnText]:
        """Draw one region of a phase screen over its background."""
        out: list[DrawnText | None] = []
        if region == "icon":
            draw_icon(surface, m.shape, b.icon, m.foreground)
        elif region == "word":
            out.append(self.text(surface, m.word, b.word, m.foreground, "word"))
        elif region == "bout" and m.bout:
            out.append(self.text(surface, m.bout, b.bout, m.foreground, "bout",
                                 align="right" if b.landscape else "left"))
        elif region == "big":
            # The count-in digit pulses: full size just after it changes.
            k = 0.9 + 0.1 * m.pulse if m.emphasised else 1.0
            out.append(self.big(surface, m.big, b.big, m.foreground, scale=k))
        elif region == "big_label":
            out.append(self.text(surface, m.big_label, b.big_label, m.foreground, "label", align="center"))
        elif region == "bar":
            self._bar(surface, b.bar, m)
        elif region == "lines":
            out.extend(self._lines(surface, m.lines, b.lines, m.foreground, 5 if b.landscape else 4))
        elif region == "notes":
            out.extend(self._notes(surface, m.notes, b.notes, m.foreground))
        return [d for d in out if d]

    def update(self, surface: pygame.Surface, before: ScreenModel, after: ScreenModel,
               drawn: list[DrawnText]) -> tuple[list[pygame.Rect], list[DrawnText]] | None:
        """Turn ``surface``, showing phase screen ``before`` (whose text boxes
        are ``drawn``), into ``after`` by repainting only the regions whose
        fields changed (the bar: only its moving end). Returns (the rects
        repainted, the text boxes of ``after``), or None when colours, the
        count-in emphasis or any other field changed: then :meth:`draw`."""
        changed = {f.name for f in dataclasses.fields(ScreenModel)
                   if getattr(before, f.name) != getattr(after, f.name)}
        if not changed <= _REGION_OF_FIELD.keys():
            return None
        if "progress" in changed and (before.progress is None or after.progress is None):
            return None
        regions = {_REGION_OF_FIELD[f] for f in changed}
        b = lay.phase_boxes(surface.get_size())
        rects: list[pygame.Rect] = []
        kept = [d for d in drawn if _REGION_OF_ROLE.get(d.role) not in regions]
        for region in PHASE_REGIONS:
            if region not in regions:
                continue
            if region == "bar":
                r = self.bar(surface, after, was=before.progress)
                if r:
                    rects.append(r)
                continue
            box = getattr(b, region)
            surface.fill(after.background, box)
            kept.extend(self._phase_region(surface, b, after, region))
            rects.append(pygame.Rect(box))
        return rects, kept

    def bar(self, surface: pygame.Surface, m: ScreenModel, was: float | None = None) -> pygame.Rect:
        """Repaint only the bar of phase screen ``m``, with the same pixels
        :meth:`draw` gives there; return the rect repainted, for
        ``pygame.display.update``. ``was``: the ``progress`` on the surface
        now (the rest of ``m`` already drawn): then only the columns where
        the two bars differ are repainted (the moving end and its rounded
        corners), and nothing (an empty rect) when they fill the same px."""
        box = lay.phase_boxes(surface.get_size()).bar
        area = pygame.Rect(box)
        if was is not None and m.progress is not None:
            a, b = sorted((bar_fill_px(box, was), bar_fill_px(box, m.progress)))
            if a == b:
                return pygame.Rect(box[0], box[1], 0, 0)
            corner = bar_geometry(box, m.emphasised)[3] + 1
            # A fill narrower than its two corners is drawn with smaller ones.
            lo = a - corner if a > 2 * corner else 0
            area = pygame.Rect(box[0] + lo, box[1], b + 1 - lo, box[3]).clip(area)
        clip = surface.get_clip()
        surface.set_clip(area)
        try:
            surface.fill(m.background, area)
            self._bar(surface, box, m)
        finally:
            surface.set_clip(clip)
        return area

    @staticmethod
    def _bar(surface: pygame.Surface, box: Box, m: ScreenModel) -> None:
        if m.progress is not None:
            draw_bar(surface, box, m.progress, m.accent, m.track, thick=m.emphasised)

    def _message(self, surface: pygame.Surface, m: MessageModel) -> list[DrawnText]:
        b = lay.message_boxes(surface.get_size())
        surface.fill(m.background)
        out: list[DrawnText | None] = []
        draw_icon(surface, m.shape, b.icon, m.foreground)
        out.append(self.text(surface, m.word, b.word, m.foreground, "word"))
        out.extend(self._lines(surface, m.lines, b.lines, m.foreground, 4))
        x, y, w, h = b.hint
        pygame.draw.rect(surface, m.accent, b.hint, border_radius=max(2, h // 5))
        pad = max(2, h // 6)
        out.append(self.text(surface, m.hint, (x + pad * 2, y + pad, w - pad * 4, h - pad * 2),
                             _readable_on(m.accent, m.background, m.foreground), "hint", align="center"))
        out.extend(self._notes(surface, m.notes, b.notes, m.foreground))
        return [d for d in out if d]

    def _menu(self, surface: pygame.Surface, m: MenuModel) -> list[DrawnText]:
        b = lay.menu_boxes(surface.get_size())
        surface.fill(m.background)
        out: list[DrawnText | None] = []
        draw_icon(surface, m.shape, b.icon, m.foreground)
        out.append(self.text(surface, m.word, b.word, m.foreground, "word"))
        visible = 5
        n = len(m.items)
        first = 0 if n <= visible else min(max(0, m.selected - visible // 2), n - visible)
        shown = tuple(range(first, min(n, first + visible)))
        boxes = lay.rows(b.items, len(shown), visible, gap_frac=0.1)
        pad_x = max(4, b.items[2] // 60)
        inner = tuple((x + pad_x, y, w - 2 * pad_x, h) for x, y, w, h in boxes)
        size = self._uniform(tuple(m.items[i] for i in shown), inner)
        for i, box, ibox in zip(shown, boxes, inner):
            colour = m.foreground
            if i == m.selected:
                pygame.draw.rect(surface, m.accent, box, border_radius=max(2, box[3] // 6))
                colour = _readable_on(m.accent, m.background, m.foreground)
            out.append(self.text(surface, m.items[i], ibox, colour, "item", size=size))
        detail = m.details[m.selected] if m.selected < len(m.details) else ""
        out.extend(self._wrapped(surface, detail, b.detail, m.foreground, "detail"))
        out.append(self.text(surface, m.hint, b.hint, m.foreground, "hint", align="center"))
        out.extend(self._notes(surface, m.notes, b.notes, m.foreground))
        return [d for d in out if d]

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
            size = self._uniform(chunk, boxes)
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

    def _summary(self, surface: pygame.Surface, m: SummaryModel) -> list[DrawnText]:
        b = lay.summary_boxes(surface.get_size())
        surface.fill(m.background)
        out: list[DrawnText | None] = []
        draw_icon(surface, m.shape, b.icon, m.foreground)
        out.append(self.text(surface, m.word, b.word, m.foreground, "word"))
        hx, hy, hw, hh = b.headline
        label_w = round(hw * 0.35)
        gap = max(4, hh // 8)
        ink_h = round(hh * 0.8)
        out.append(self.big(surface, m.headline, (hx, hy + (hh - ink_h) // 2, hw - label_w - gap, ink_h),
                            m.foreground, "headline", align="right"))
        out.append(self.text(surface, m.headline_label, (hx + hw - label_w, hy + hh // 3,
                                                         label_w, hh * 2 // 3 - hh // 10),
                             m.foreground, "label"))
        faint = _mix(m.background, m.foreground, 0.25)
        reps_box, cad_box, rest_box = b.charts
        out.extend(self._bar_chart(surface, m.titles[0], reps_box, m.bars, m.bar_labels,
                                   m.accent, m.foreground, faint, None))
        out.extend(self._cadence_chart(surface, m, cad_box, faint))
        out.extend(self._bar_chart(surface, m.titles[2], rest_box, m.rest_taken_s, m.rest_labels,
                                   m.second, m.foreground, faint, m.rest_planned_s))
        out.extend(self._column(surface, m.lines, m.line_ranks, b.lines, m.foreground,
                                6 if b.landscape else 5, lay.min_text_px(surface.get_size())))
        out.extend(self._notes(surface, m.notes, b.notes, m.foreground))
        return [d for d in out if d]

    def _bar_chart(self, surface: pygame.Surface, title: str, box: Box, values: tuple[float, ...],
                   labels: tuple[str, ...], colour: RGB, fg: RGB, faint: RGB,
                   mark: float | None) -> list[DrawnText]:
        cap, plot = lay.chart_boxes(box)
        out = [self.text(surface, title, cap, fg, "caption")]
        x, y, w, h = plot
        pygame.draw.line(surface, faint, (x, y + h - 1), (x + w - 1, y + h - 1), max(1, h // 80))
        if not values:
            return [d for d in out if d]
        top = max(max(values), mark or 0) or 1
        label_h = max(4, round(h * 0.2))
        bar_area = h - label_h
        slots = lay.columns(plot, len(values), 0.25)
        size = self._uniform(labels, tuple((sx, y, sw, label_h) for sx, _, sw, _ in slots))
        for v, lab, (sx, _, sw, _) in zip(values, labels, slots):
            bh = round(bar_area * v / top)
            if bh > 0:
                pygame.draw.rect(surface, colour, (sx, y + h - bh, sw, bh))
            out.append(self.text(surface, lab, (sx, y + h - bh - label_h, sw, label_h), fg,
                                 "value", align="center", size=size))
        if mark:
            my = y + h - round(bar_area * mark / top)
            dash = max(4, w // 60)
            for dx in range(x, x + w, dash * 2):
                pygame.draw.line(surface, fg, (dx, my), (min(x + w - 1, dx + dash), my),
                                 max(2, h // 60))
        return [d for d in out if d]

    def _cadence_chart(self, surface: pygame.Surface, m: SummaryModel, box: Box,
                       faint: RGB) -> list[DrawnText]:
        cap, plot = lay.chart_boxes(box)
        out = [self.text(surface, m.titles[1], cap, m.foreground, "caption")]
        x, y, w, h = plot
        scale_w = round(w * 0.14)
        label = self.text(surface, m.cadence_top_label, (x, y, scale_w, round(h * 0.2)),
                          m.foreground, "scale")
        out.append(label)
        px, pw = x + scale_w + 4, w - scale_w - 4
        pygame.draw.line(surface, faint, (px, y + h - 1), (px + pw - 1, y + h - 1), max(1, h // 80))
        pygame.draw.line(surface, faint, (px, y + round(h * 0.1)), (px + pw - 1, y + round(h * 0.1)), 1)
        series = m.cadence_s
        if not series:
            return [d for d in out if d]
        top = m.cadence_top_s or 1.0
        usable = h * 0.9
        slots = lay.columns((px, y, pw, h), len(series), 0.2)
        for gaps, (sx, _, sw, _) in zip(series, slots):
            if not gaps:
                continue
            r = max(3, min(h // 40, round(sw / len(gaps) / 2.2)))
            pts = []
            for j, g in enumerate(gaps):
                gx = sx + (sw * (j + 0.5) / len(gaps))
                gy = y + h - 1 - usable * min(g, top) / top
                pts.append((round(gx), round(gy)))
            if len(pts) > 1:
                pygame.draw.lines(surface, m.accent, False, pts, max(2, r // 2))
            for p in pts:
                pygame.draw.circle(surface, m.foreground, p, r)
        return [d for d in out if d]


# ---------------------------------------------------------------- shapes


def _mix(a: RGB, b: RGB, t: float) -> RGB:
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b))  # type: ignore[return-value]


def _readable_on(accent: RGB, background: RGB, foreground: RGB) -> RGB:
    """The model's background or foreground, whichever stands out on ``accent``."""
    return background if contrast(background, accent) >= contrast(foreground, accent) else foreground


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


def draw_bar(surface: pygame.Surface, box: Box, progress: float, fill: RGB, track: RGB,
             thick: bool = False) -> None:
    """A horizontal bar ``progress`` (0..1) full, in ``box``; ``thick`` uses all
    of the box's height (the count-in), else 55 % of it."""
    x, by, bh, radius = bar_geometry(box, thick)
    w = box[2]
    pygame.draw.rect(surface, track, (x, by, w, bh), border_radius=radius)
    fw = bar_fill_px(box, progress)
    if fw > 0:
        pygame.draw.rect(surface, fill, (x, by, fw, bh), border_radius=radius)


def _digits_ink(font: pygame.font.Font, text: str, size: tuple[int, int]) -> pygame.Rect | None:
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


def bar_geometry(box: Box, thick: bool) -> tuple[int, int, int, int]:
    """(x, y, height, corner radius) of the bar drawn in ``box``, px."""
    x, y, _, h = box
    bh = h if thick else max(2, round(h * 0.55))
    return x, y + (h - bh) // 2, bh, max(1, bh // 3)


def bar_fill_px(box: Box, progress: float) -> int:
    """How many px of ``box``'s width a bar ``progress`` (0..1) full fills."""
    return round(box[2] * min(1.0, max(0.0, progress)))


def draw_icon(surface: pygame.Surface, shape: str, box: Box, colour: RGB) -> None:
    """The phase's shape, so the meaning never rests on colour alone."""
    x, y, s, _ = box
    lw = max(2, s // 9)

    def p(u: float, v: float) -> tuple[int, int]:
        return (round(x + u * s), round(y + v * s))

    if shape == "work":  # play
        pygame.draw.polygon(surface, colour, [p(0.18, 0.08), p(0.92, 0.5), p(0.18, 0.92)])
    elif shape == "rest":  # pause
        pygame.draw.rect(surface, colour, (*p(0.15, 0.1), round(0.25 * s), round(0.8 * s)))
        pygame.draw.rect(surface, colour, (*p(0.6, 0.1), round(0.25 * s), round(0.8 * s)))
    elif shape == "strip":  # arrow down: take weight off
        pygame.draw.rect(surface, colour, (*p(0.38, 0.05), round(0.24 * s), round(0.5 * s)))
        pygame.draw.polygon(surface, colour, [p(0.08, 0.5), p(0.92, 0.5), p(0.5, 0.95)])
    elif shape == "switch":  # two opposite arrows
        pygame.draw.rect(surface, colour, (*p(0.05, 0.2), round(0.6 * s), round(0.14 * s)))
        pygame.draw.polygon(surface, colour, [p(0.6, 0.05), p(0.95, 0.27), p(0.6, 0.49)])
        pygame.draw.rect(surface, colour, (*p(0.35, 0.66), round(0.6 * s), round(0.14 * s)))
        pygame.draw.polygon(surface, colour, [p(0.4, 0.51), p(0.05, 0.73), p(0.4, 0.95)])
    elif shape == "lower":  # chevrons down
        for v in (0.1, 0.45):
            pygame.draw.lines(surface, colour, False, [p(0.1, v), p(0.5, v + 0.4), p(0.9, v)], lw + 2)
    elif shape == "done":  # check mark
        pygame.draw.lines(surface, colour, False, [p(0.08, 0.55), p(0.38, 0.85), p(0.92, 0.15)], lw + 2)
    elif shape == "alert":  # triangle with "!"
        pygame.draw.polygon(surface, colour, [p(0.5, 0.04), p(0.97, 0.93), p(0.03, 0.93)], lw)
        pygame.draw.rect(surface, colour, (*p(0.45, 0.33), max(2, round(0.1 * s)), round(0.33 * s)))
        pygame.draw.rect(surface, colour, (*p(0.45, 0.73), max(2, round(0.1 * s)), max(2, round(0.1 * s))))
    elif shape == "menu":  # three lines
        for v in (0.15, 0.45, 0.75):
            pygame.draw.rect(surface, colour, (*p(0.08, v), round(0.84 * s), max(2, round(0.12 * s))))
    else:  # "ready" and anything unknown: a ring
        pygame.draw.circle(surface, colour, p(0.5, 0.5), round(0.42 * s), lw)
