"""The shapes drawn on a pygame Surface: the progress bar and the phase icons."""

from __future__ import annotations

import pygame

from station.ui.view.colours import RGB
from station.ui.view.layout import Box


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
