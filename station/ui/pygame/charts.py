"""The summary's charts on a pygame Surface: bars of reps or rest taken, and
the cadence of each bout as dots (the s between presses)."""

from __future__ import annotations

import pygame

from station.ui.pygame.text import DrawnText, Typesetter
from station.ui.view import layout as lay
from station.ui.view.colours import RGB
from station.ui.view.layout import Box
from station.ui.view.models import SummaryModel


def bar_chart(ts: Typesetter, surface: pygame.Surface, title: str, box: Box, values: tuple[float, ...],
               labels: tuple[str, ...], colour: RGB, fg: RGB, faint: RGB,
               mark: float | None) -> list[DrawnText]:
    cap, plot = lay.chart_boxes(box)
    out = [ts.text(surface, title, cap, fg, "caption")]
    x, y, w, h = plot
    pygame.draw.line(surface, faint, (x, y + h - 1), (x + w - 1, y + h - 1), max(1, h // 80))
    if not values:
        return [d for d in out if d]
    top = max(max(values), mark or 0) or 1
    label_h = max(4, round(h * 0.2))
    bar_area = h - label_h
    slots = lay.columns(plot, len(values), 0.25)
    size = ts.uniform_size(labels, tuple((sx, y, sw, label_h) for sx, _, sw, _ in slots))
    for v, lab, (sx, _, sw, _) in zip(values, labels, slots):
        bh = round(bar_area * v / top)
        if bh > 0:
            pygame.draw.rect(surface, colour, (sx, y + h - bh, sw, bh))
        out.append(ts.text(surface, lab, (sx, y + h - bh - label_h, sw, label_h), fg,
                             "value", align="center", size=size))
    if mark:
        my = y + h - round(bar_area * mark / top)
        dash = max(4, w // 60)
        for dx in range(x, x + w, dash * 2):
            pygame.draw.line(surface, fg, (dx, my), (min(x + w - 1, dx + dash), my),
                             max(2, h // 60))
    return [d for d in out if d]

def cadence_chart(ts: Typesetter, surface: pygame.Surface, m: SummaryModel, box: Box,
                   faint: RGB) -> list[DrawnText]:
    cap, plot = lay.chart_boxes(box)
    out = [ts.text(surface, m.titles[1], cap, m.foreground, "caption")]
    x, y, w, h = plot
    scale_w = round(w * 0.14)
    label = ts.text(surface, m.cadence_top_label, (x, y, scale_w, round(h * 0.2)),
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

