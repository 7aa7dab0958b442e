"""Draws screen models on a pygame Surface; decides nothing.

Every string, number and colour comes from the model (:mod:`station.ui.view`);
this module only fits them into the regions of :mod:`station.ui.view.layout`,
proportional to ``surface.get_size()``: the phase, summary, menu and message
screens, and the bottom strip of status notes. Text and big numbers are set by
:class:`~station.ui.pygame.text.Typesetter` (its caches are bounded in bytes),
the bar and icons by :mod:`station.ui.pygame.shapes`, the summary's charts by
:mod:`station.ui.pygame.charts`. Between two phase screens of the same colours
:meth:`Renderer.update` repaints only the regions that changed, the bar only
at its moving end (:meth:`Renderer.bar`), a new number over the old one's
ink rect, a changed line over its row's old text (not the whole 1080p box,
2.2-2.4 MB of pixels each).
"""

from __future__ import annotations

import dataclasses

import pygame

from station.ui.pygame.charts import bar_chart, cadence_chart
from station.ui.pygame.shapes import bar_fill_px, bar_geometry, draw_bar, draw_icon
from station.ui.pygame.text import (  # re-exported: the renderer's public limits
    BIG_CACHE_BYTES,
    MAX_BIG_FONTS,
    MAX_FONTS,
    TEXT_CACHE_BYTES,
    DrawnText,
    Typesetter,
)
from station.ui.view import layout as lay
from station.ui.view.colours import NOTE_BACKGROUND, NOTE_FOREGROUND, RGB, mix, readable_on
from station.ui.view.layout import Box
from station.ui.view.models import MenuModel, MessageModel, Model, ScreenModel, SummaryModel

__all__ = ["BIG_CACHE_BYTES", "MAX_BIG_FONTS", "MAX_FONTS", "PHASE_REGIONS", "TEXT_CACHE_BYTES",
           "DrawnText", "Renderer", "bar_fill_px", "bar_geometry", "draw_bar", "draw_icon"]

#: A phase screen's regions in drawing order; each has its own box in
#: :class:`~station.ui.view.layout.PhaseBoxes` (they never overlap).
PHASE_REGIONS = ("icon", "word", "bout", "big", "big_label", "bar", "lines", "notes")
#: The region that shows each model field (other fields change every region).
_REGION_OF_FIELD = {"shape": "icon", "word": "word", "bout": "bout", "big": "big", "pulse": "big",
                    "big_label": "big_label", "progress": "bar", "lines": "lines", "notes": "notes"}
#: The region of each :class:`DrawnText` role on a phase screen.
_REGION_OF_ROLE = {"word": "word", "bout": "bout", "big": "big", "label": "big_label",
                   "line": "lines", "notes": "notes"}


class Renderer(Typesetter):
    """Draws models; holds the font and text caches (no other state)."""

    def __init__(self, max_texts: int = 512, text_bytes: int = TEXT_CACHE_BYTES,
                 big_bytes: int = BIG_CACHE_BYTES, legend: str | None = None) -> None:
        super().__init__(max_texts, text_bytes, big_bytes)
        #: A key legend drawn in the bottom strip of every screen (the
        #: window's keys), under the status notes when there are any.
        self.legend = legend

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
            size = self.uniform_size(groups, lay.rows(inner, len(groups), 1, gap_frac=0.05))
            if size > best[0]:
                best = (size, groups)
        out = []
        for text, row in zip(best[1], lay.rows(inner, len(best[1]), 1, gap_frac=0.05)):
            d = self.text(surface, text, row, NOTE_FOREGROUND, "notes", size=best[0])
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
            out.append(self.big(surface, m.big, b.big, m.foreground, scale=_big_scale(m),
                                background=m.background))
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
            if region == "big":
                rects.extend(self._new_big(surface, b, after, drawn, kept))
                continue
            if region == "lines":
                done = self._changed_lines(surface, b, before, after, drawn)
                if done is not None:
                    rects.extend(done[0])
                    kept.extend(done[1])
                    continue
            box = getattr(b, region)
            surface.fill(after.background, box)
            kept.extend(self._phase_region(surface, b, after, region))
            rects.append(pygame.Rect(box))
        return rects, kept

    def _new_big(self, surface: pygame.Surface, b: lay.PhaseBoxes, m: ScreenModel,
                 drawn: list[DrawnText], kept: list[DrawnText]) -> list[pygame.Rect]:
        """Replace the big number: the rest of its box is the background, so
        only the old number's rect is cleared (not the whole box: a 1080p box
        is 2.4 MB of pixels), the new one drawn; returns the rects changed."""
        was = [d for d in drawn if d.role == "big"]
        if len(was) == 1 and m.big and _big_scale(m) >= 1.0:
            done = self.big_changed(surface, was[0], m.big, b.big, m.foreground, m.background)
            if done is not None:  # only the digits that changed
                kept.append(done[0])
                return [done[1][0].unionall(done[1][1:])] if done[1] else []
        old = [pygame.Rect(d.rect) for d in was]
        if not old and m.big:  # nothing known of the old number: the whole box
            surface.fill(m.background, b.big)
            old = [pygame.Rect(b.big)]
        for r in old:
            surface.fill(m.background, r)
        new = self._phase_region(surface, b, m, "big")
        kept.extend(new)
        changed = old + [pygame.Rect(d.rect) for d in new]
        return [changed[0].unionall(changed[1:])] if changed else []

    def _changed_lines(self, surface: pygame.Surface, b: lay.PhaseBoxes, before: ScreenModel,
                       after: ScreenModel, drawn: list[DrawnText]
                       ) -> tuple[list[pygame.Rect], list[DrawnText]] | None:
        """Repaint only the rows of the line column whose text changed (a
        rest's "cap 2:50 left" each second), or every row when the column's
        type size changed, each over the old text's rect rather than the
        whole column (a 1080p column is 2.2 MB of pixels), when the column
        keeps its rows; None when it does not (then the whole column).
        Returns (the rects changed, the column's text boxes)."""
        n = len(after.lines)
        if len(before.lines) != n:
            return None
        boxes = lay.rows(b.lines, n, 5 if b.landscape else 4)
        size = self.uniform_size(after.lines, boxes)
        resized = size != self.uniform_size(before.lines, boxes)
        rects: list[pygame.Rect] = []
        out: list[DrawnText] = []
        for was, line, box in zip(before.lines, after.lines, boxes):
            row = pygame.Rect(box)
            old = [d for d in drawn if d.role == "line" and row.contains(pygame.Rect(d.rect))]
            if was == line and not resized:
                out.extend(old)
                continue
            erase = [pygame.Rect(d.rect) for d in old] if old or not was else [row]
            for r in erase:
                surface.fill(after.background, r)
            d = self.text(surface, line, box, after.foreground, "line", size=size)
            if d:
                out.append(d)
                erase.append(pygame.Rect(d.rect))
            if erase:
                rects.append(erase[0].unionall(erase[1:]))
        return rects, out

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
                             readable_on(m.accent, m.background, m.foreground), "hint", align="center"))
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
        size = self.uniform_size(tuple(m.items[i] for i in shown), inner)
        for i, box, ibox in zip(shown, boxes, inner):
            colour = m.foreground
            if i == m.selected:
                pygame.draw.rect(surface, m.accent, box, border_radius=max(2, box[3] // 6))
                colour = readable_on(m.accent, m.background, m.foreground)
            out.append(self.text(surface, m.items[i], ibox, colour, "item", size=size))
        detail = m.details[m.selected] if m.selected < len(m.details) else ""
        out.extend(self._wrapped(surface, detail, b.detail, m.foreground, "detail"))
        out.append(self.text(surface, m.hint, b.hint, m.foreground, "hint", align="center"))
        out.extend(self._notes(surface, m.notes, b.notes, m.foreground))
        return [d for d in out if d]

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
                            m.foreground, "headline", align="right", background=m.background))
        out.append(self.text(surface, m.headline_label, (hx + hw - label_w, hy + hh // 3,
                                                         label_w, hh * 2 // 3 - hh // 10),
                             m.foreground, "label"))
        faint = mix(m.background, m.foreground, 0.25)
        reps_box, cad_box, rest_box = b.charts
        out.extend(bar_chart(self, surface, m.titles[0], reps_box, m.bars, m.bar_labels,
                                   m.accent, m.foreground, faint, None))
        if m.rest_taken_s:
            out.extend(bar_chart(self, surface, m.titles[2], rest_box, m.rest_taken_s, m.rest_labels,
                                 m.second, m.foreground, faint, m.rest_planned_s))
        else:  # no rest was taken (forced negatives, one bout): no empty chart, a wider cadence
            cad_box = tuple(pygame.Rect(cad_box).union(rest_box))  # type: ignore[assignment]
        out.extend(cadence_chart(self, surface, m, cad_box, faint))
        out.extend(self._column(surface, m.lines, m.line_ranks, b.lines, m.foreground,
                                6 if b.landscape else 5, lay.min_text_px(surface.get_size())))
        out.extend(self._notes(surface, m.notes, b.notes, m.foreground))
        return [d for d in out if d]


def _big_scale(m: ScreenModel) -> float:
    """The big number's size, 0..1: the count-in digit pulses, full size just after it changes."""
    return 0.9 + 0.1 * m.pulse if m.emphasised else 1.0
