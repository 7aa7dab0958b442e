"""The screen's colours, and the contrast arithmetic that picks text colours (pure).

Okabe-Ito based: distinct for protan/deutan/tritan viewers, and distinct in
lightness too, so even a grey-scale view tells REST from its count-in.
"""

from __future__ import annotations

RGB = tuple[int, int, int]

BLACK: RGB = (12, 12, 14)
WHITE: RGB = (250, 250, 250)
SLATE: RGB = (44, 48, 58)
GREEN: RGB = (0, 114, 82)
BLUE: RGB = (0, 84, 150)
YELLOW: RGB = (240, 228, 66)
VERMILLION: RGB = (213, 94, 0)
PURPLE: RGB = (204, 121, 167)
NIGHT: RGB = (26, 28, 34)
AMBER: RGB = (230, 159, 0)
PAPER: RGB = (232, 232, 226)
SKY: RGB = (86, 180, 233)

#: The status-note strip looks the same on every screen: it means "status".
NOTE_BACKGROUND: RGB = (16, 16, 18)
NOTE_FOREGROUND: RGB = AMBER


def _luminance(c: RGB) -> float:
    def lin(v: int) -> float:
        s = v / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (lin(v) for v in c)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: RGB, b: RGB) -> float:
    """WCAG contrast ratio of two colours (1..21)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_on(bg: RGB) -> RGB:
    """Black or white, whichever reads better on ``bg``."""
    return BLACK if contrast(BLACK, bg) >= contrast(WHITE, bg) else WHITE


def mix(a: RGB, b: RGB, t: float) -> RGB:
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b))  # type: ignore[return-value]



def readable_on(accent: RGB, background: RGB, foreground: RGB) -> RGB:
    """``background`` or ``foreground``, whichever stands out on ``accent``."""
    return background if contrast(background, accent) >= contrast(foreground, accent) else foreground
