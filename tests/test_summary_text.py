"""The DONE summary's text column stays readable from the rack (docs/screen.md)."""

from __future__ import annotations

import math

import pygame
import pytest

from station.commands import gallery
from station.core.methods import PRESETS
from station.ui import view
from station.ui.pygame.render import Renderer

LEGEND = "press: again   hold: leave"


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    pygame.font.init()
    return Renderer()


def done_scene(method: str):
    name, snap, now, ctx = gallery.method_scenes(method)[-1]
    assert name == "done"
    return view.model_for(snap, now, ctx), ctx


def words(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("size", [(800, 480), (1024, 600), (720, 1280)])
@pytest.mark.parametrize("method", list(PRESETS))
def test_every_summary_line_is_at_least_a_14th_of_the_screen_and_keeps_advice_and_legend(
        renderer, method, size):
    model, ctx = done_scene(method)
    drawn = renderer.draw(pygame.Surface(size), model)
    rows = [d for d in drawn if d.role == "line"]
    floor = math.ceil(min(size) / 14)  # docs/screen.md: the summary's smallest text
    small = [(d.text, d.rect[3]) for d in rows if d.rect[3] < floor]
    assert not small, f"{method} at {size}: lines under {floor} px: {small}"
    shown = words(" ".join(d.text for d in rows))
    assert ctx.next_set, f"{method}: the gallery's summary has advice"
    assert words(ctx.next_set.splitlines()[0]) in shown
    assert words(LEGEND) in shown
    # whatever is dropped for room, every row shown is a whole part of a model line
    assert all(any(words(d.text) in words(line) for line in model.lines) for d in rows)


# ---------------------------------------------------------------- the column, without pygame

from station.ui.view.column import fit_column, wrap  # noqa: E402


def mono(text: str, size: int) -> int:
    """A monospaced font: every character is half the size wide."""
    return len(text) * size // 2


def line(size: int) -> int:
    return size


def test_a_column_that_fits_is_shown_whole_at_the_largest_size_up_to_the_ceiling():
    col = fit_column(("Drop set", "back squat"), (3, 2), (400, 400), 10, 40, mono, line, gap_frac=0.0)
    assert col.rows == ("Drop set", "back squat") and col.size == 40


def test_a_crowded_column_keeps_rank_0_lines_and_drops_the_least_important_first():
    lines = ("title", "rest avg 15 s", "next time the same", "why " * 6, "press: again")
    ranks = (3, 4, 0, 1, 0)
    # 10 px characters in 200 px: 20 a row; 5 rows of 20 px in 100 px (6 needed)
    col = fit_column(lines, ranks, (200, 100), 20, 20, mono, line, gap_frac=0.0)
    assert "next time the same" in col.rows and "press: again" in col.rows
    assert 1 not in col.kept  # rank 4 goes first
    assert col.kept == (0, 2, 3, 4)  # the why (2 rows) and the title still fit
    assert all(mono(r, col.size) <= 200 for r in col.rows)


def test_a_short_line_of_lower_importance_fills_the_room_a_long_one_does_not_fit():
    lines = ("keep", "a very long reason that takes three rows here", "short")
    col = fit_column(lines, (0, 1, 2), (200, 60), 20, 20, mono, line, gap_frac=0.0)
    assert col.kept == (0, 2)


def test_wrapping_keeps_a_number_with_its_unit_and_a_legend_s_wide_gaps():
    assert wrap("next time the same 100 kg", 22, len) == ("next time the", "same 100 kg")
    assert wrap("press: again   hold: leave", 30, len) == ("press: again   hold: leave",)
    assert wrap("press: again   hold: leave", 20, len) == ("press: again", "hold: leave")


def test_wrapping_never_splits_a_count_from_what_it_counts():
    # before: "first set 11 + 3" / "mini-sets in 1:23" read as three reps
    for text in ("first set 11 + 3 mini-sets in 1:23", "7 singles, 1 missed in 1:54",
                 "first variation 9 reps, a 10-12RM load makes 10-12"):
        for width in range(12, len(text)):
            rows = wrap(text, width, len)
            assert " ".join(rows) == text
            for row, after in zip(rows, rows[1:]):
                assert not row.endswith("+"), rows
                assert not (row[-1].isdigit() and after[0].isalpha()), (width, rows)
    assert wrap("first set 11 + 3 mini-sets in 1:23", 24, len) == ("first set 11", "+ 3 mini-sets in 1:23")


def test_the_summary_says_nothing_redundant():
    for method in PRESETS:
        model, _ = done_scene(method)
        assert "all bouts done" not in model.lines, method
        assert len(model.line_ranks) == len(model.lines)
    drop, _ = done_scene("drop-set")
    assert "back squat" in drop.lines and "100 > 80 > 64 kg" in drop.lines  # the load once, in the loads


def test_a_set_without_rests_shows_no_empty_rest_chart():
    model, _ = done_scene("forced-negatives")
    assert model.rest_taken_s == ()
    for size in ((800, 480), (720, 1280)):
        drawn = Renderer().draw(pygame.Surface(size), model)
        texts = {d.text for d in drawn}
        assert not any(t.startswith("rest taken") for t in texts), texts  # before: an empty chart
        assert "s between reps" in texts
    cluster, _ = done_scene("cluster")
    assert any(d.text.startswith("rest taken") for d in Renderer().draw(pygame.Surface((800, 480)), cluster))
