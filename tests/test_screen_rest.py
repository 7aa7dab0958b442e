"""What a resting screen does between the changes a lifter sees (issue 16:
the station <= 0.5 % of a core while it rests): a frame where only the bar
moved builds no model and sends only the bar; a new number or line repaints
only what changed; every such frame is the picture a full draw gives."""

from __future__ import annotations

import time
from dataclasses import replace

import pygame
import pytest

from station.commands.gallery import method_scenes
from station.ui import view
from station.ui.pygame import screen_thread
from station.ui.pygame.render import Renderer
from station.ui.pygame.screen_thread import BAR_STEPS, ScreenThread
from station.ui.view import layout
from station.ui.view.keys import KEY_LEGEND
from station.ui.view.messages import ShowSet


def _rest():
    name, snap, at, ctx = method_scenes("cluster")[2]
    assert name == "rest" and snap.cap_at is not None  # a countdown and the cap's clock, as in a set
    return snap, at, ctx


def _calm_instant(snap, at, ctx, room_s):
    """An instant from ``at`` on after which nothing but the bar changes for ``room_s``."""
    t = at
    for _ in range(10):
        until = view.bar_only_until(snap, t, ctx)
        assert until is not None
        if until - t >= room_s:
            return t
        t = until + 0.003
    raise AssertionError("no calm second in the rest")


def _same_pixels(a: pygame.Surface, b: pygame.Surface) -> bool:
    return pygame.image.tobytes(a, "RGB") == pygame.image.tobytes(b, "RGB")


def test_before_bar_only_until_the_rest_screen_changes_only_its_bar():
    snap, at, ctx = _rest()
    early = replace(snap, early_start_at=at + 0.17)  # the "started early?" line appears mid-second
    for s in (snap, early):
        t0 = at
        for _ in range(6):
            until = view.bar_only_until(s, t0, ctx)
            assert until is not None and t0 < until <= t0 + 1.0
            first = view.model_for(s, t0, ctx)
            for k in range(1, 9):
                t = t0 + (until - t0) * k / 9
                assert view.model_for(s, t, ctx) == replace(first, progress=view.bar_progress(s, t, ctx)), t
            after = view.model_for(s, until + 0.003, ctx)
            assert replace(after, progress=None) != replace(first, progress=None)  # something turned
            t0 = until + 0.003
    assert view.bar_only_until(early, at, ctx) == pytest.approx(at + 0.17 - 0.001)
    # The count-in pulses with its bar: no bar-only frames there; nor without a bar.
    countin = method_scenes("cluster")[3]
    assert countin[0] == "rest-countin" and view.bar_only_until(countin[1], countin[2], ctx) is None
    work = method_scenes("cluster")[1]
    assert view.bar_only_until(work[1], work[2], work[3]) is None


def _wait(cond, timeout_s=5.0):
    end = time.monotonic() + timeout_s
    while not cond() and time.monotonic() < end:
        time.sleep(0.005)
    return cond()


def test_a_bar_step_in_a_rest_builds_no_model_and_sends_only_the_bar(monkeypatch, tmp_path):
    size = (800, 480)
    snap, at, ctx = _rest()
    step = (snap.phase_ends_at - snap.phase_started_at) / BAR_STEPS
    t0 = _calm_instant(snap, at, ctx, 1.3 * step)
    built = []
    real_model_of = screen_thread.model_of
    monkeypatch.setattr(screen_thread, "model_of", lambda *a: built.append(a[1]) or real_model_of(*a))
    sent: list[list[pygame.Rect]] = []
    real_update = pygame.display.update
    monkeypatch.setattr(pygame.display, "update",
                        lambda rects: sent.append([pygame.Rect(r) for r in rects]) or real_update(rects))
    now = [t0]
    with ScreenThread("window", size, lambda: now[0], lambda item: None) as screen:
        screen.present(ShowSet(snap, ctx))
        assert _wait(lambda: screen.frames == 1)
        assert len(built) == 1
        now[0] = t0 + 1.05 * step  # a bar step within the same shown second: the thread wakes for it
        assert _wait(lambda: screen.frames == 2), "no frame for the bar step"
        screen.save(tmp_path / "bar.png")
    assert len(built) == 1, f"models built at {built}"  # before: one per frame
    bar = pygame.Rect(layout.phase_boxes(size).bar)
    assert len(sent) == 1 and all(len(rects) == 1 and bar.contains(rects[0]) for rects in sent), sent
    assert all(rects[0].w < bar.w / 4 for rects in sent)  # its moving end, not the whole bar
    full = pygame.Surface(size)
    Renderer(legend=KEY_LEGEND).draw(full, view.model_for(snap, now[0], ctx))
    assert _same_pixels(pygame.image.load(str(tmp_path / "bar.png")), full)


@pytest.mark.parametrize("size", [(800, 480), (1920, 1080), (720, 1280)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_a_new_second_repaints_the_number_and_the_changed_line_only(size):
    snap, at, ctx = _rest()
    t0 = _calm_instant(snap, at, ctx, 0.1)
    r = Renderer()
    before = view.model_for(snap, t0, ctx)
    surface = pygame.Surface(size)
    drawn = r.draw(surface, before)
    # One second on: a new countdown number, a new cap line ("cap 3:03 left"), the bar's end.
    t1 = t0 + 1.0
    after = view.model_for(snap, t1, ctx)
    assert after.big != before.big and after.lines[-1] != before.lines[-1]
    assert after.lines[:-1] == before.lines[:-1]
    rects, drawn = r.update(surface, before, after, drawn)
    full = pygame.Surface(size)
    r.draw(full, after)
    assert _same_pixels(surface, full)
    b = layout.phase_boxes(size)
    big, lines = pygame.Rect(b.big), pygame.Rect(b.lines)
    rows = layout.rows(b.lines, len(after.lines), 5 if b.landscape else 4)
    in_lines = [x for x in rects if lines.contains(x)]
    in_big = [x for x in rects if big.contains(x)]
    # before: the whole column and the whole number box
    assert in_lines and all(pygame.Rect(rows[-1]).contains(x) for x in in_lines), (in_lines, rows[-1])
    assert len(in_big) == 1
    if b.landscape:  # a portrait screen's number fills its box's width
        assert in_big[0].w * in_big[0].h < 0.8 * big.w * big.h
    assert all(big.contains(x) or lines.contains(x) or pygame.Rect(b.bar).contains(x) for x in rects)


def _turns(snap, ctx, start, end, step=0.005):
    """The instants (s, every ``step``) at which the rest screen's words or
    numbers (not its bar) differ from ``step`` s before."""
    out, last = [], None
    t = start
    while t < end:
        m = replace(view.model_for(snap, t, ctx), progress=None)
        if last is not None and m != last:
            out.append(t)
        last, t = m, t + step
    return out


def test_a_resting_screen_turns_once_a_second_the_cap_clock_with_the_countdown():
    snap, at, ctx = _rest()
    # the cap 0.37 s out of step with the rest, as when the rest began mid-second of the set
    snap = replace(snap, cap_at=snap.cap_at + 0.37, set_started_at=snap.set_started_at + 0.37)
    end = snap.phase_ends_at
    turns = _turns(snap, ctx, at, min(end - ctx.count_in_s, at + 5.0))
    caps = {view.model_for(snap, t, ctx).lines[-1] for t in turns}
    assert len(caps) >= 4, caps  # the cap's clock still counts down, a second at a time
    for t in turns:  # before: twice a second, the cap's line 0.37 s off the countdown's turn
        d = (t - end) % 1.0
        assert min(d, 1.0 - d) < 0.006, (t, end)
    # and it never reads ahead of the cap: at most a second behind
    for t in turns:
        shown = view.model_for(snap, t, ctx).lines[-1]
        m, s = shown.split()[1].split(":")
        assert 0 <= (int(m) * 60 + int(s)) - (snap.cap_at - t) < 1.0, (shown, snap.cap_at - t)


def test_a_resting_screen_wakes_for_its_countdown_and_its_bar_steps_only():
    snap, at, ctx = _rest()
    snap = replace(snap, cap_at=snap.cap_at + 0.37, set_started_at=snap.set_started_at + 0.37)
    msg = ShowSet(snap, ctx)
    rest_s = snap.phase_ends_at - snap.phase_started_at
    t, wakes, until = at, 0, snap.phase_ends_at - ctx.count_in_s
    while True:
        t += screen_thread.next_change_s(msg, t)
        if t >= until:
            break
        wakes += 1
    per_s = wakes / (until - at)
    bar_steps_per_s = BAR_STEPS / rest_s
    # the countdown's turn and the bar's steps (the turn's frame moves the bar too); before: +1 for the cap
    assert per_s <= bar_steps_per_s + 0.1, (per_s, bar_steps_per_s)


def test_a_countdown_second_repaints_only_the_digit_that_changed_and_the_others_stay_put():
    size = (1920, 1080)
    snap, at, ctx = _rest()
    end = snap.phase_ends_at
    r = Renderer()
    surface = pygame.Surface(size)
    before = view.model_for(snap, end - 13.5, ctx)
    after = view.model_for(snap, end - 12.5, ctx)
    assert (before.big, after.big) == ("14", "13")
    drawn = r.draw(surface, before)
    old = surface.copy()
    rects, _ = r.update(surface, before, after, drawn)
    full = pygame.Surface(size)
    r.draw(full, after)
    assert _same_pixels(surface, full)
    b = layout.phase_boxes(size)
    in_big = [x for x in rects if pygame.Rect(b.big).contains(x)]
    number = next(d for d in drawn if d.role == "big")
    tens = pygame.Rect(number.rect[0], number.rect[1], number.rect[2] // 2, number.rect[3])
    # only the ones digit's cell is repainted (before: the whole number), and the "1" is where it was
    assert len(in_big) == 1 and not in_big[0].colliderect(tens), (in_big, tens)
    assert in_big[0].w <= number.rect[2] // 2 + 1
    assert _same_pixels(old.subsurface(tens), full.subsurface(tens))
