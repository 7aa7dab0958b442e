"""Frames drawn headless (SDL dummy driver), saved as PNGs and checked by their pixels."""

from __future__ import annotations

from dataclasses import replace

import pygame
import pytest

from station.commands import gallery
from station.core.events import End, Fail, Undo
from station.core.gestures import Edge
from station.ui import view
from station.ui.pygame import render
from station.ui.pygame.cache import LRU
from station.ui.pygame.display import DisplayError, PygameDisplay, Quit, needs_animation
from station.ui.pygame.render import DrawnText, Renderer
from station.ui.pygame.screen_thread import COUNT_IN_FPS, FPS, wait_s
from station.ui.pygame.text import digits_ink
from station.ui.view import MessageModel, ScreenModel, SummaryModel, layout
from station.ui.view.keys import KEY_LEGEND

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


def test_q_quits_and_u_f_e_are_undo_failure_end_as_in_the_terminal(display):
    key(pygame.KEYDOWN, pygame.K_q)
    key(pygame.KEYDOWN, pygame.K_u)
    key(pygame.KEYDOWN, pygame.K_f)
    key(pygame.KEYDOWN, pygame.K_e)
    assert display.poll() == [Quit(100.0), Undo(100.0), Fail(100.0), End(100.0)]


def test_the_window_shows_the_terminals_key_legend_under_the_notes(display, tmp_path):
    for stem in ("cluster-work", "status-notes", "cluster-done", "menu", "warning"):
        model = scene(stem)
        display.show(model)
        keys = [d for d in display.drawn if d.role == "keys"]
        assert [d.text for d in keys] == [KEY_LEGEND], stem
        x, y, w, h = keys[0].rect
        assert y >= 480 * 0.9 and w > 0.5 * 800 and h >= 8, (stem, keys[0].rect)  # bottom, readable
        for other in display.drawn:
            if other is not keys[0]:
                assert pygame.Rect(other.rect).colliderect(keys[0].rect) == 0, (stem, other)
    display.show(scene("status-notes"))
    display.save(tmp_path / "legend.png")
    assert any(d.role == "notes" for d in display.drawn)
    with PygameDisplay("fullscreen", clock=FakeClock()) as full:  # a rack screen: no keyboard
        full.show(scene("cluster-work"))
        assert not any(d.role == "keys" for d in full.drawn)


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


# ---------------------------------------------------------------- cost: bar-only frames, bounded caches


def same_pixels(a: pygame.Surface, b: pygame.Surface, rect: pygame.Rect | None = None) -> bool:
    if rect is not None:
        a, b = a.subsurface(rect), b.subsurface(rect)
    return pygame.image.tobytes(a, "RGB") == pygame.image.tobytes(b, "RGB")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("stem", ["cluster-rest", "cluster-rest-countin"])
def test_a_bar_only_update_repaints_the_bar_box_and_matches_a_full_draw(renderer, size, stem):
    before = replace(scene(stem), progress=0.83)
    after = replace(before, progress=0.31)
    full = pygame.Surface(size)
    renderer.draw(full, after)
    surface = pygame.Surface(size)
    renderer.draw(surface, before)
    bar = pygame.Rect(layout.phase_boxes(size).bar)
    # Mark everything outside the bar: a bar-only update must leave it alone.
    for r in (pygame.Rect(0, 0, size[0], bar.top), pygame.Rect(0, bar.bottom, size[0], size[1] - bar.bottom),
              pygame.Rect(0, bar.top, bar.left, bar.h), pygame.Rect(bar.right, bar.top, size[0] - bar.right, bar.h)):
        surface.fill((255, 0, 255), r)
    marked = surface.copy()
    rect = renderer.bar(surface, after)
    assert rect == bar
    assert same_pixels(surface, full, rect), "the bar box differs from a full draw of the same model"
    outside = marked.copy()
    outside.blit(surface, rect, rect)
    assert same_pixels(surface, outside), "a pixel outside the bar box changed"
    # And the whole frame is the full draw once the rest is there.
    surface = pygame.Surface(size)
    renderer.draw(surface, before)
    renderer.bar(surface, after)
    assert same_pixels(surface, full)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("stem", ["cluster-rest", "cluster-rest-countin", "forced-negatives-lower"])
def test_repainting_only_the_moving_end_of_the_bar_gives_the_full_frame(renderer, size, stem):
    steps = [(0.83, 0.31), (0.31, 0.83), (0.5, 0.49), (1.0, 0.995), (0.06, 0.04), (0.04, 0.0),
             (0.0, 0.02), (0.02, 0.6), (0.6, 0.012)]
    base = scene(stem)
    for was, now in steps:
        full = pygame.Surface(size)
        renderer.draw(full, replace(base, progress=now))
        surface = pygame.Surface(size)
        renderer.draw(surface, replace(base, progress=was))
        before = surface.copy()
        rect = renderer.bar(surface, replace(base, progress=now), was=was)
        assert same_pixels(surface, full), f"{was} -> {now}: the frame differs from a full draw"
        assert pygame.Rect(layout.phase_boxes(size).bar).contains(rect)
        untouched = before.copy()
        untouched.blit(surface, rect, rect)
        assert same_pixels(surface, untouched), f"{was} -> {now}: a pixel outside {rect} changed"
    # Far apart on the screen, a small step repaints a small part of the bar.
    bar = layout.phase_boxes(size).bar
    assert renderer.bar(pygame.Surface(size), replace(base, progress=0.5), was=0.52).w < bar[2] / 4
    assert not renderer.bar(pygame.Surface(size), replace(base, progress=0.5), was=0.5 + 0.1 / bar[2])


def test_the_display_sends_only_what_changed(display, monkeypatch):
    calls = []
    monkeypatch.setattr(pygame.display, "flip", lambda: calls.append("flip"))
    monkeypatch.setattr(pygame.display, "update", lambda rects: calls.append([pygame.Rect(r) for r in rects]))
    rest = replace(scene("cluster-rest"), progress=0.9)
    assert display.show(rest) and calls == ["flip"]
    boxes = layout.phase_boxes(display.size)
    bar, big = pygame.Rect(boxes.bar), pygame.Rect(boxes.big)
    assert display.show(replace(rest, progress=0.5))
    assert len(calls) == 2 and len(calls[1]) == 1 and bar.contains(calls[1][0]) and calls[1][0].w < bar.w
    # A progress step smaller than a pixel changes no pixel: nothing drawn or sent.
    assert display.show(replace(rest, progress=0.5 + 0.1 / bar.w)) is False and len(calls) == 2
    # The countdown ticks: the old and new numbers' ink (inside the number's box) and the bar's end.
    tick = replace(rest, progress=0.45, big="7")
    assert display.show(tick) and big.contains(calls[2][0]) and bar.contains(calls[2][1])
    assert calls[2][0].w * calls[2][0].h < big.w * big.h
    assert [d for d in display.drawn if d.role == "big"] == [
        d for d in Renderer().draw(pygame.Surface(display.size), tick) if d.role == "big"]
    drawn = pygame.Surface(display.size)
    Renderer(legend=KEY_LEGEND).draw(drawn, tick)  # a window shows the key legend
    assert same_pixels(pygame.display.get_surface(), drawn)
    # Other colours (the count-in): everything.
    assert display.show(scene("cluster-rest-countin")) and calls[3] == "flip"


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_repainting_the_changed_regions_gives_the_full_frame(size):
    r = Renderer()
    rest, countin, work = scene("cluster-rest"), scene("cluster-rest-countin"), scene("cluster-work")
    changes = [
        (rest, replace(rest, big="7", progress=0.2)),
        (rest, replace(rest, lines=rest.lines[:-1] + ("cap 2:50 left",))),
        (rest, replace(rest, lines=rest.lines[:-1] + ("cap 2:50 left, and a line long enough to shrink all",))),
        (rest, replace(rest, lines=rest.lines + ("started early? press after the rep",))),
        (rest, replace(rest, big="", lines=("cap 2:50 left",) + rest.lines[1:])),
        (rest, replace(rest, notes=("remote lost: retrying",))),
        (replace(rest, notes=("no sound", "mock pins")), rest),
        (rest, replace(rest, bout="next: cluster 9", word="RESTING")),
        (countin, replace(countin, pulse=0.25, progress=0.1)),
        (countin, replace(countin, big="1", pulse=1.0)),
        (work, replace(work, big="12", lines=("reps 5 · 5 · 12",))),
    ]
    for before, after in changes:
        surface = pygame.Surface(size)
        drawn = r.draw(surface, before)
        rects, drawn = r.update(surface, before, after, drawn)
        full = pygame.Surface(size)
        full_drawn = r.draw(full, after)
        assert same_pixels(surface, full), f"{before} -> {after}"
        assert sorted(drawn, key=repr) == sorted(full_drawn, key=repr)
        assert rects and all(pygame.Rect((0, 0), size).contains(x) for x in rects)
    assert r.update(pygame.Surface(size), rest, countin, []) is None  # other colours: a full draw
    assert r.update(pygame.Surface(size), work, replace(work, progress=0.5), []) is None  # a bar appears


@pytest.mark.parametrize("size", [(1920, 1080), (720, 1280)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_caches_stay_within_their_byte_bounds(size):
    r = Renderer()
    r.warm(size)
    surface = pygame.Surface(size)
    rest, countin, work = scene("cluster-rest"), scene("cluster-rest-countin"), scene("cluster-work")
    for k in range(301):
        r.draw(surface, replace(work if k % 2 else rest, big=str(k)))
    for k in (3, 2, 1):
        for step in range(view.PULSE_STEPS + 1):
            r.draw(surface, replace(countin, big=str(k), pulse=step / view.PULSE_STEPS))
    assert r.bigs.bytes <= render.BIG_CACHE_BYTES
    assert r.texts.bytes <= render.TEXT_CACHE_BYTES
    assert len(r.fonts) <= render.MAX_FONTS
    # One font size for every number and pulse step of the phase screen.
    assert len(r.big_fonts) == 1 and r.big_fonts.misses == 1


def test_after_warming_a_new_number_opens_no_font(renderer):
    size = (1920, 1080)
    r = Renderer()
    r.warm(size)
    opened = r.big_fonts.misses
    surface = pygame.Surface(size)
    for k in range(31):
        r.draw(surface, replace(scene("cluster-work"), big=str(k)))
        r.draw(surface, replace(scene("cluster-rest-countin"), big=str(k), pulse=0.25))
    assert r.big_fonts.misses == opened


def test_the_byte_bounded_lru_evicts_the_oldest_and_keeps_the_newest():
    lru = LRU(10, max_bytes=100, weigh=len)
    lru.put("a", "x" * 40)
    lru.put("b", "x" * 40)
    assert lru.get("a") is not None  # "b" is now the oldest
    lru.put("c", "x" * 40)
    assert lru.get("b") is None and lru.get("a") and lru.get("c") and lru.bytes == 80
    lru.put("huge", "x" * 500)  # alone above the bound: kept, everything else goes
    assert len(lru) == 1 and lru.get("huge") and lru.bytes == 500
    with pytest.raises(ValueError, match="max_bytes"):
        LRU(10, max_bytes=100)


def test_a_draining_bar_animates_slower_than_the_count_in():
    from station.ui.view.messages import ShowSet

    short = ShowSet(_rest_snapshot(started=0.0, ends=1.0))  # the bar would step every 17 ms
    assert wait_s(short, scene("cluster-rest"), 0.5, FPS, COUNT_IN_FPS) == pytest.approx(1 / FPS)
    assert wait_s(short, scene("cluster-rest-countin"), 0.5, FPS, COUNT_IN_FPS) == pytest.approx(1 / 30)
    assert FPS < COUNT_IN_FPS
    work = ShowSet(replace(_rest_snapshot(), phase_started_at=None, phase_ends_at=None))
    assert wait_s(work, scene("cluster-work"), 0.5, FPS, COUNT_IN_FPS) is None  # nothing counts
    assert wait_s(None, None, 0.5, FPS, COUNT_IN_FPS) is None
    # At that rate a 15 s rest's bar moves at most a few px a frame on the Pi's screen.
    bar_w = layout.phase_boxes((800, 480)).bar[2]
    assert bar_w / 15 / FPS <= 4


@pytest.mark.parametrize("size", [1058, 468, 97])
def test_the_ink_box_of_digits_from_metrics_is_the_pixels_bounding_box(size):
    font = pygame.font.Font(None, size)
    for text in [str(k) for k in range(0, 120)] + ["188", "300"]:
        s = font.render(text, True, (255, 255, 255))
        assert digits_ink(font, text, s.get_size()) == s.get_bounding_rect(), text
    assert digits_ink(font, "1.5", (500, 500)) is None  # not only digits: scan the pixels


def test_the_screen_sleeps_until_the_picture_would_change():
    from station.ui.pygame.screen_thread import BAR_STEPS, TICK_AFTER_S, next_change_s, wait_s
    from station.ui.view.messages import ShowMenu, ShowSet

    # a rest started at 0 whose bar moves every 0.9 s, 30.4 s in: the digit turns at 31.0
    s = _rest_snapshot(started=0.0, ends=0.9 * BAR_STEPS)
    assert next_change_s(ShowSet(s), 30.4) == pytest.approx(0.6 + TICK_AFTER_S)
    assert next_change_s(ShowSet(s), 30.0 + TICK_AFTER_S) == pytest.approx(0.9)
    # a short rest's bar would step every 0.05 s: no more often than FPS
    short = _rest_snapshot(started=0.0, ends=BAR_STEPS / FPS / 2)
    assert next_change_s(ShowSet(short), 1.5) == pytest.approx(1 / FPS)
    s10 = _rest_snapshot(started=0.0, ends=10.0)
    # nothing moves by itself in the menu: no wake-up but new data or a key (tests/test_screen_wake.py)
    menu = ShowMenu(("cluster",))
    assert next_change_s(menu, 5.0) is None
    assert wait_s(menu, None, 5.0, FPS, COUNT_IN_FPS) is None
    # the count-in keeps its pace (its digits change with the beeps and pulse)
    assert wait_s(ShowSet(s10), scene("cluster-rest-countin"), 8.0, FPS,
                  COUNT_IN_FPS) == pytest.approx(1 / COUNT_IN_FPS)


def _rest_snapshot(started: float = 0.0, ends: float = 90.0):
    from station.core.events import Phase
    from station.core.snapshot import Snapshot

    return Snapshot(
        method="cluster", phase=Phase.REST, bout_index=1, bouts_planned=None,
        reps_in_bout=5, target_reps=5, bouts=(), total_reps=5,
        phase_started_at=started, phase_ends_at=ends, seconds_left=ends - started,
        set_started_at=None, cap_at=None, cap_left_s=None, cap_reached=False,
        load_kg=None, variation=None, next_load_kg=None, next_variation=None,
        lowering_s=None, done_reason=None, spotter_required=False, spotter_confirmed=False,
    )  # fmt: skip


def test_a_long_rest_at_1080p_leaves_a_few_mb_of_big_numbers_resident():
    # every second of a 90 s rest shows a new number; keeping them all cost
    # the resting station ~16 MB of its 64 MB; the glyphs stay warm instead
    r = Renderer()
    r.warm((1920, 1080))
    surface = pygame.Surface((1920, 1080))
    rest = scene("cluster-rest")
    for k in range(90, 0, -1):
        r.draw(surface, replace(rest, big=str(k)))
    assert r.bigs.bytes <= 4 * 1024 * 1024


def test_text_is_set_at_the_largest_size_that_fits_its_box():
    """Read from the rack: a line is as large as its box allows (the old
    search jumped below the answer for some lines: 'leg press  180 kg' one
    size smaller than fits), found trying few sizes (each is a font opened
    and its glyphs loaded: a new screen's cost)."""
    import pygame

    from station.ui.pygame.text import LINE_RATIO, Typesetter

    pygame.font.init()
    texts = ("leg press  180 kg", "Rest-pause (hypertrophy)", "reps 11 · 4", "total 16", "cap 2:59 left",
             "REST")
    boxes = ((714, 133), (380, 44), (212, 40))

    def brute(text, w, h):  # every size from the largest tried down
        for n in range(int(h / LINE_RATIO) + 2, 1, -1):
            f = pygame.font.Font(None, n)
            if f.size(text)[0] <= w and f.get_linesize() <= h:
                return n
        return 1

    ts = Typesetter()
    for text in texts:
        for w, h in boxes:
            assert ts.fit_size(text, w, h) == brute(text, w, h), (text, w, h)
    lines, rows = texts[:4], tuple((0, 0, 714, 133) for _ in range(4))
    assert ts.uniform_size(lines, rows) == min(brute(t, 714, 133) for t in lines)


def test_fonts_are_opened_by_path_as_the_same_font_pygame_gives_for_none():
    import pygame

    from station.ui.pygame import text

    pygame.font.init()
    assert text._default_font_path() is not None  # else each open looks the file up again (0.15 ms)
    for n in (2, 9, 40, 114, 171, 533, 1058):
        a, b = pygame.font.Font(None, n), text.open_font(n)
        probe = "cap 2:59 left · 0123456789"
        assert (a.size(probe), a.get_linesize(), a.metrics("48")) == (b.size(probe), b.get_linesize(),
                                                                     b.metrics("48")), n
