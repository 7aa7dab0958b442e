"""Frames drawn headless (SDL dummy driver), saved as PNGs and checked by their pixels."""

from __future__ import annotations

from dataclasses import replace

import pygame
import pytest

from station.commands import gallery
from station.core.gestures import Edge
from station.ui import layout, view
from station.ui.display import DisplayError, PygameDisplay, Quit, needs_animation
from station.ui.render import DrawnText, Renderer
from station.ui.view import MessageModel, ScreenModel, SummaryModel

SIZES = [(800, 480), (1024, 600), (1280, 720), (720, 1280), (1920, 1080)]
SCENES = gallery.scenes()


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    pygame.font.init()
    return Renderer()


def scene(stem: str):
    return dict(SCENES)[stem]


def overlaps(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return pygame.Rect(a).colliderect(pygame.Rect(b))


def assert_clean_layout(drawn: list[DrawnText], size: tuple[int, int], where: str) -> None:
    screen = pygame.Rect((0, 0), size)
    for d in drawn:
        assert d.rect[2] > 0 and d.rect[3] > 0, f"{where}: empty box for {d.text!r}"
        assert screen.contains(pygame.Rect(d.rect)), f"{where}: {d.text!r} at {d.rect} is off-screen"
    for i, a in enumerate(drawn):
        for b in drawn[i + 1:]:
            assert not overlaps(a.rect, b.rect), f"{where}: {a.text!r} {a.rect} overlaps {b.text!r} {b.rect}"


def ink_box(with_text: pygame.Surface, without: pygame.Surface) -> pygame.Rect:
    """The bounding box of the pixels that differ between two frames."""
    a = with_text.copy()
    a.blit(without, (0, 0), special_flags=pygame.BLEND_RGB_SUB)
    b = without.copy()
    b.blit(with_text, (0, 0), special_flags=pygame.BLEND_RGB_SUB)
    a.blit(b, (0, 0), special_flags=pygame.BLEND_RGB_ADD)
    same = pygame.mask.from_threshold(a, (0, 0, 0), (1, 1, 1, 255))
    same.invert()
    rects = same.get_bounding_rects()
    assert rects, "no pixel differs"
    return rects[0].unionall(rects[1:])


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_screen_fits_without_clipping_or_overlap(renderer, size):
    surface = pygame.Surface(size)
    for stem, model in SCENES:
        drawn = renderer.draw(surface, model)
        assert drawn, stem
        assert_clean_layout(drawn, size, f"{stem} at {size}")
        texts = {d.text for d in drawn}
        word = model.word
        assert word in texts, f"{stem}: the phase word {word!r} is not drawn"


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("stem", ["cluster-work", "cluster-rest", "cluster-rest-countin",
                                  "forced-negatives-lower", "drop-set-strip", "sport-cluster-ready"])
def test_phase_colour_fills_the_background(renderer, tmp_path, size, stem):
    model = scene(stem)
    surface = pygame.Surface(size)
    renderer.draw(surface, model)
    path = tmp_path / f"{stem}.png"
    pygame.image.save(surface, str(path))
    img = pygame.image.load(str(path))
    w, h = size
    for x, y in [(0, 0), (w - 1, 0), (0, h - 1), (w - 1, h - 1), (0, h // 2), (w - 1, h // 2),
                 (w // 2, 0), (w // 2, h - 1)]:
        assert tuple(img.get_at((x, y)))[:3] == model.background, f"pixel {(x, y)} of {stem}"


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("digits", ["88", "10", "5"])
@pytest.mark.parametrize("stem", ["cluster-rest", "cluster-work", "cluster-rest-countin"])
def test_big_digits_are_at_least_40_percent_of_the_screen_height(renderer, tmp_path, size, stem, digits):
    model = replace(scene(stem), big=digits)
    if model.emphasised:
        model = replace(model, pulse=0.0)  # the smallest moment of the pulse
    with_digits = pygame.Surface(size)
    renderer.draw(with_digits, model)
    pygame.image.save(with_digits, str(tmp_path / "digits.png"))
    loaded = pygame.image.load(str(tmp_path / "digits.png"))
    without = pygame.Surface(size)
    renderer.draw(without, replace(model, big=""))
    box = ink_box(loaded, without)
    assert box.height >= 0.4 * size[1], f"digits {box.height} px tall on a {size[1]} px screen"
    assert pygame.Rect((0, 0), size).contains(box)


def test_count_in_digit_pulses_larger_just_after_it_changes(renderer):
    size = (800, 480)
    base = scene("cluster-rest-countin")
    heights = []
    for pulse in (0.0, 1.0):
        surf, blank = pygame.Surface(size), pygame.Surface(size)
        renderer.draw(surf, replace(base, pulse=pulse))
        renderer.draw(blank, replace(base, pulse=pulse, big=""))
        heights.append(ink_box(surf, blank).height)
    assert heights[1] > heights[0] * 1.07


def test_count_in_bar_is_thicker_than_the_calm_rest_bar(renderer):
    size = (800, 480)
    calm = replace(scene("cluster-rest"), progress=1.0)
    count = replace(scene("cluster-rest-countin"), progress=1.0)
    bar = layout.phase_boxes(size).bar
    x = bar[0] + bar[2] // 2

    def thickness(model: ScreenModel) -> int:
        s = pygame.Surface(size)
        renderer.draw(s, model)
        return sum(tuple(s.get_at((x, y)))[:3] == model.accent for y in range(bar[1], bar[1] + bar[3]))

    assert thickness(count) > thickness(calm) * 1.5


def test_rest_bar_length_follows_progress(renderer):
    size = (1280, 720)
    bar = layout.phase_boxes(size).bar
    y = bar[1] + bar[3] // 2

    def filled(progress: float) -> int:
        model = replace(scene("cluster-rest"), progress=progress)
        s = pygame.Surface(size)
        renderer.draw(s, model)
        return sum(tuple(s.get_at((x, y)))[:3] == model.accent for x in range(bar[0], bar[0] + bar[2]))

    assert filled(1.0) == pytest.approx(bar[2], abs=3)
    assert filled(0.5) == pytest.approx(bar[2] / 2, abs=3)
    assert filled(0.0) == 0


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_status_notes_sit_in_their_own_strip_below_the_number(renderer, size):
    model = scene("status-notes")
    assert isinstance(model, ScreenModel) and model.notes
    surface = pygame.Surface(size)
    drawn = renderer.draw(surface, model)
    notes = [d for d in drawn if d.role == "notes"]
    big = [d for d in drawn if d.role == "big"]
    assert 1 <= len(notes) <= 2 and len(big) == 1
    shown = " ".join(d.text for d in notes)
    assert all(n in shown for n in model.notes)
    strip = layout.phase_boxes(size).notes
    assert all(pygame.Rect(strip).contains(pygame.Rect(d.rect)) for d in notes)
    assert big[0].rect[1] + big[0].rect[3] <= strip[1]
    assert tuple(surface.get_at((1, size[1] - 2)))[:3] == view.NOTE_BACKGROUND


def test_long_strings_shrink_to_fit_instead_of_being_cut(renderer):
    model = replace(
        scene("cluster-work"),
        lines=("a very long exercise name: single-leg Bulgarian split squat with a pause  102.5 kg",
               "reps 5 · 5 · 5 · 5 · 5 · 5 · 5 · 5 · 5 · 5 · 5 · 5"),
        notes=tuple(f"note {i}: something went wrong with a peripheral" for i in range(5)),
    )
    for size in SIZES:
        surface = pygame.Surface(size)
        drawn = renderer.draw(surface, model)
        assert_clean_layout(drawn, size, f"long strings at {size}")
        assert {d.text for d in drawn} >= set(model.lines)


def test_a_summary_with_many_bouts_and_no_rests_still_fits(renderer):
    many = replace(scene("cluster-done"), bars=tuple(range(1, 21)),
                   bar_labels=tuple(str(i) for i in range(1, 21)),
                   cadence_s=tuple((1.0, 1.2, 1.5) for _ in range(20)), rest_taken_s=(), rest_labels=())
    empty = replace(many, bars=(), bar_labels=(), cadence_s=())
    for model in (many, empty):
        for size in SIZES:
            surface = pygame.Surface(size)
            assert_clean_layout(renderer.draw(surface, model), size, f"summary at {size}")


def test_a_warm_frame_renders_no_new_text(renderer):
    surface = pygame.Surface((1920, 1080))
    model = scene("cluster-rest")
    renderer.draw(surface, model)
    before = renderer.texts.misses
    renderer.draw(surface, replace(model, progress=0.3))  # only the bar moved
    assert renderer.texts.misses == before


# ---------------------------------------------------------------- the display


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def display():
    clock = FakeClock()
    d = PygameDisplay("window", (800, 480), clock=clock)
    d.clock = clock
    pygame.event.clear()
    yield d
    d.close()


def key(kind: int, k: int) -> None:
    pygame.event.post(pygame.event.Event(kind, key=k, mod=0, unicode=" ", scancode=0))


def test_space_and_enter_are_one_button_with_the_clock_time(display):
    clock = display.clock
    key(pygame.KEYDOWN, pygame.K_SPACE)
    assert display.poll() == [Edge(pressed=True, at=100.0, source="keyboard")]
    clock.now = 100.4
    key(pygame.KEYDOWN, pygame.K_SPACE)  # a repeat while held: ignored
    key(pygame.KEYDOWN, pygame.K_RETURN)  # a second button key while held: still one button
    key(pygame.KEYUP, pygame.K_SPACE)
    assert display.poll() == []
    clock.now = 100.9
    key(pygame.KEYUP, pygame.K_RETURN)
    assert display.poll() == [Edge(pressed=False, at=100.9, source="keyboard")]


def test_escape_and_closing_the_window_quit(display):
    key(pygame.KEYDOWN, pygame.K_ESCAPE)
    pygame.event.post(pygame.event.Event(pygame.QUIT))
    key(pygame.KEYDOWN, pygame.K_a)  # other keys mean nothing
    assert display.poll() == [Quit(100.0), Quit(100.0)]


def test_show_draws_only_when_the_model_changes_and_saves_a_png(display, tmp_path):
    work = scene("cluster-work")
    assert display.show(work) is True
    assert display.show(replace(work)) is False  # equal model: nothing to draw
    assert not display.needs_animation()
    rest = scene("cluster-rest")
    assert display.show(rest) is True
    assert display.needs_animation() and needs_animation(rest)
    path = tmp_path / "frame.png"
    display.save(path)
    img = pygame.image.load(str(path))
    assert img.get_size() == (800, 480)
    assert tuple(img.get_at((0, 0)))[:3] == rest.background
    assert any(d.role == "big" and d.text == rest.big for d in display.drawn)


def test_menu_warning_and_confirm_are_shown_too(display):
    for stem in ("menu", "warning", "strength-rest-pause-confirm"):
        model = scene(stem)
        assert display.show(model)
        assert not display.needs_animation()
    assert isinstance(scene("warning"), MessageModel)
    assert isinstance(scene("cluster-done"), SummaryModel)


def test_fullscreen_takes_the_screen_size():
    with PygameDisplay("fullscreen", clock=FakeClock()) as d:
        w, h = d.size
        assert w > 0 and h > 0
        assert d.show(scene("cluster-work"))


def test_an_unusable_video_driver_raises_a_display_error(monkeypatch):
    monkeypatch.setenv("SDL_VIDEODRIVER", "no-such-driver")
    with pytest.raises(DisplayError, match="no-such-driver"):
        PygameDisplay("window", clock=FakeClock())


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="mode"):
        PygameDisplay("tv", clock=FakeClock())
    with pytest.raises(ValueError, match="clock"):
        PygameDisplay("window")
