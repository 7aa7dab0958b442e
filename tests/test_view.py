"""Screen models from hand-built snapshots: the words, numbers and bars a lifter sees."""

from __future__ import annotations

import itertools
from dataclasses import replace

import pytest

from station.commands.gallery import method_scenes
from station.core.events import Bout, Phase
from station.core.methods import PRESETS
from station.core.snapshot import Snapshot
from station.testing import snapshot
from station.ui import view
from station.ui.view import (
    ConfirmModel,
    Context,
    ScreenModel,
    SummaryModel,
    contrast,
    model_for,
    screen_model,
    summary_model,
)

snap = snapshot  # a snapshot of cluster, WORK, bout 0, nothing yet; fields by name


def bout(i: int, times: tuple[float, ...], ended: float | None = None, rest: float | None = None,
         load: float | None = None) -> Bout:
    return Bout(index=i, started_at=times[0] if times else 0.0, load_kg=load, rest_before_s=rest,
                rep_times=times, ended_at=ended, end_reason=None if ended is None else "target")


B0 = bout(0, (0.0, 1.5, 3.2, 5.0, 7.0), ended=7.3, load=100.0)
B1 = bout(1, (22.3, 24.0, 25.9, 28.1, 30.5), ended=30.8, rest=15.0, load=100.0)


# ---------------------------------------------------------------- REST


def rest_snap(**kw) -> Snapshot:
    base = {"bout_index": 1, "bouts_planned": 10, "bouts": (B0, B1), "total_reps": 10,
                "phase_started_at": 30.8, "phase_ends_at": 45.8, "target_reps": 3, "load_kg": 70.0,
                "set_started_at": 0.0}
    base.update(kw)
    return snap("sport-cluster", Phase.REST, **base)


@pytest.mark.parametrize("now, shown", [(30.8, "15"), (31.0, "15"), (35.79, "11"), (35.8, "10"),
                                        (45.0, "1"), (45.8, "0"), (50.0, "0")])
def test_rest_countdown_is_whole_seconds_rounded_up(now, shown):
    m = screen_model(rest_snap(), now)
    assert m.word in ("REST", "GET READY")
    assert m.big == shown
    assert m.big_label == "s rest"


def test_rest_bar_drains_smoothly_from_full_to_empty():
    s = rest_snap()
    values = [screen_model(s, 30.8 + k * 0.5).progress for k in range(31)]
    assert values[0] == pytest.approx(1.0)
    assert values[-1] == pytest.approx(0.0)
    assert all(a > b for a, b in itertools.pairwise(values))  # strictly falling: smooth, not stepped
    assert values[15] == pytest.approx(0.5, abs=0.01)


def test_last_three_seconds_are_emphasised_with_another_colour_word_and_a_pulse():
    s = rest_snap()
    calm = screen_model(s, 40.0)  # 5.8 s left
    count = screen_model(s, 43.0)  # 2.8 s left: shows 3
    assert not calm.emphasised and count.emphasised
    assert calm.word == "REST" and count.word == "GET READY"
    assert calm.background != count.background
    # The two backgrounds differ in lightness too, not only in hue.
    assert contrast(calm.background, count.background) > 3
    just_changed = screen_model(s, 42.85)  # 2.95 left: "3" just appeared
    later = screen_model(s, 43.7)  # 2.1 left: about to change
    assert just_changed.big == later.big == "3"
    assert just_changed.pulse > later.pulse
    assert screen_model(s, 45.8).emphasised is False  # rest over


def test_rest_says_what_comes_next_and_what_was_done():
    m = screen_model(rest_snap(), 35.0)
    assert m.bout == "next: cluster 3 of 10"
    assert "next: 3 reps" in m.lines
    assert "reps 5 · 5" in m.lines
    assert "total 10" in m.lines


def test_rest_count_in_length_follows_the_context():
    m = screen_model(rest_snap(), 40.0, Context(count_in_s=6))  # 5.8 s left
    assert m.emphasised


# ---------------------------------------------------------------- WORK / READY


def test_work_shows_the_rep_count_big_and_bout_k_of_n():
    running = bout(2, (46.0, 47.5))
    s = snap("sport-cluster", Phase.WORK, bout_index=2, bouts_planned=10, bouts=(B0, B1, running),
             reps_in_bout=2, total_reps=12, target_reps=3, load_kg=70.0)
    m = screen_model(s, 48.0, Context(exercise="power clean"))
    assert (m.word, m.shape, m.big, m.big_label) == ("WORK", "work", "2", "of 3 reps")
    assert m.bout == "cluster 3 of 10"
    assert m.progress is None
    assert "power clean  70 kg" in m.lines
    assert "reps 5 · 5" in m.lines  # finished bouts only
    assert "total 12" in m.lines


def test_open_ended_cluster_says_cluster_k_and_time_left_under_the_cap():
    running = bout(2, (46.0,))
    s = snap("cluster", Phase.WORK, bout_index=2, bouts=(B0, B1, running), reps_in_bout=1,
             total_reps=11, target_reps=5, set_started_at=0.0, cap_at=240.0, cap_left_s=193.5)
    m = screen_model(s, 46.5)
    assert m.bout == "cluster 3"
    assert "cap 3:14 left" in m.lines
    reached = screen_model(replace(s, cap_reached=True), 241.0)
    assert "time cap reached: last one" in reached.lines


def test_ready_shows_zero_reps_and_how_to_count():
    m = screen_model(snap("rest-pause", Phase.READY, bouts_planned=4), 0.0)
    assert (m.word, m.big, m.big_label) == ("READY", "0", "reps")
    assert m.bout == "mini-set 1 of 4"
    assert "press after each rep" in m.lines


# ---------------------------------------------------------------- STRIP / LOWER


def test_drop_set_strip_shows_next_load_and_what_to_strip_and_counts_up():
    s = snap("drop-set", Phase.STRIP, bout_index=0, bouts_planned=3, bouts=(B0,), total_reps=5,
             load_kg=100.0, next_load_kg=80.0, phase_started_at=7.3)
    m = screen_model(s, 11.9, Context(strip="strip 1 x 10 kg each side"))
    assert (m.word, m.shape) == ("STRIP", "strip")
    assert m.big == "4"  # whole seconds since the strip began
    assert m.lines[:2] == ("next: 80 kg", "strip 1 x 10 kg each side")
    assert m.bout == "drop 1 of 2"


def test_mechanical_drop_set_strip_reads_switch_with_the_next_variation():
    s = snap("mechanical-drop-set", Phase.STRIP, bout_index=0, bouts_planned=3, bouts=(B0,),
             total_reps=5, variation="lying overhead extension", next_variation="skull-crusher",
             phase_started_at=7.3)
    m = screen_model(s, 8.0)
    assert (m.word, m.shape) == ("SWITCH", "switch")
    assert m.lines[0] == "next: skull-crusher"
    assert m.bout == "variation 2 of 3"
    strip = screen_model(replace(s, method="drop-set"), 8.0)
    assert strip.background == m.background and strip.word != m.word  # the word tells them apart


def test_forced_negatives_lower_shows_the_lowering_count_and_a_filling_bar():
    running = bout(0, (0.0, 9.0))
    s = snap("forced-negatives", Phase.LOWER, bouts_planned=1, bouts=(running,), reps_in_bout=2,
             target_reps=3, total_reps=2, phase_started_at=9.0, phase_ends_at=14.0, lowering_s=3,
             load_kg=140.0, spotter_required=True, spotter_confirmed=True)
    m = screen_model(s, 12.5, Context(eccentric_s=5.0))
    assert (m.word, m.shape, m.big, m.big_label) == ("LOWER", "lower", "3", "of 5 s")
    assert m.progress == pytest.approx(0.7)
    assert m.bout == "negative 2 of 3"
    assert "lowering 3 / 5 s" in m.lines
    later = screen_model(replace(s, lowering_s=4), 13.5, Context(eccentric_s=5.0))
    assert later.progress > m.progress  # fills as the lowering goes on


# ---------------------------------------------------------------- CONFIRM / DONE


def test_spotter_methods_ask_for_a_confirmation_press():
    s = snap("strength-rest-pause", Phase.CONFIRM, spotter_required=True, load_kg=120.0)
    m = model_for(s, 0.0, Context(exercise="bench press"))
    assert isinstance(m, ConfirmModel)
    assert m.word == "SPOTTER?"
    assert m.hint == "press to confirm"
    assert "spotter required" in m.lines
    assert "bench press  120 kg" in m.lines


def test_summary_has_reps_per_bout_cadence_rests_and_lateness():
    s = snap("cluster", Phase.DONE, bout_index=1, bouts=(B0, B1), total_reps=10, set_started_at=0.0,
             done_reason="cap")
    m = model_for(s, 40.0, Context(rest_s=15.0, lateness_ms=12.4))
    assert isinstance(m, SummaryModel)
    assert m.headline == "10" and m.bars == (5, 5) and m.bar_labels == ("5", "5")
    assert m.cadence_s[0] == pytest.approx((1.5, 1.7, 1.8, 2.0))
    assert m.cadence_s[1] == pytest.approx((1.7, 1.9, 2.2, 2.4))
    assert m.cadence_top_s == 3.0
    assert m.rest_taken_s == (15.0,) and m.rest_planned_s == 15.0
    # 12 ms is not noticeable: history keeps it, the lifter's summary does not
    assert not any("late" in line or "ms" in line for line in m.lines)
    assert "time cap reached" in m.lines
    assert "2 clusters in 0:31" in m.lines
    assert m.titles[0] == "reps per cluster"


def test_summary_warns_about_timing_only_when_a_cue_was_late_enough_to_notice():
    s = snap("cluster", Phase.DONE, bout_index=1, bouts=(B0, B1), total_reps=10, set_started_at=0.0,
             done_reason="cap")
    for ms in (None, 0.4, 12.0, 20.0):
        lines = model_for(s, 40.0, Context(rest_s=15.0, lateness_ms=ms)).lines
        assert not any("late" in line for line in lines), ms
    late = model_for(s, 40.0, Context(rest_s=15.0, lateness_ms=34.2)).lines
    assert "timing: a cue sounded 34 ms late" in late


PLATES = ("20 kg bar + 25 + 10 + 5 kg each side", "20 kg bar + 25 + 5 kg each side",
          "20 kg bar + 15 kg each side")


def test_ready_shows_how_to_load_the_bar():
    m = screen_model(snap("drop-set", Phase.READY, bouts_planned=3, load_kg=100.0), 0.0,
                     Context(exercise="back squat", plates=PLATES))
    assert m.lines[:2] == ("back squat  100 kg", "20 kg bar + 25 + 10 + 5 kg each side")


@pytest.mark.parametrize("k", [0, 1])
def test_each_strip_shows_the_plates_of_the_next_load(k):
    bouts = (B0,) if k == 0 else (B0, bout(1, (12.0, 13.0), ended=14.0, load=80.0))
    s = snap("drop-set", Phase.STRIP, bout_index=k, bouts_planned=3, bouts=bouts, total_reps=5,
             load_kg=100.0, next_load_kg=(80.0, 60.0)[k], phase_started_at=20.0)
    m = screen_model(s, 21.0, Context(strips=("take off 1 x 10 kg each side",
                                              "take off 1 x 10 kg + 1 x 5 kg each side"),
                                      plates=PLATES))
    assert PLATES[k + 1] in m.lines
    assert m.lines.index(PLATES[k + 1]) == 2  # under the next load and what to take off


def test_summary_of_a_drop_set_lists_the_loads():
    b0 = bout(0, (0.0, 1.0), ended=2.0, load=100.0)
    b1 = bout(1, (10.0,), ended=11.0, load=80.0)
    m = summary_model(snap("drop-set", Phase.DONE, bouts=(b0, b1), total_reps=3))
    assert "100 > 80 kg" in m.lines


# ---------------------------------------------------------------- every method, every phase


@pytest.mark.parametrize("method", list(PRESETS))
def test_every_method_has_a_screen_for_each_of_its_phases(method):
    scenes = method_scenes(method)
    names = [n for n, *_ in scenes]
    assert {"ready", "work", "done"} <= set(names)
    if PRESETS[method].spotter:
        assert "confirm" in names
    for name, s, now, ctx in scenes:
        m = model_for(s, now, ctx)
        if name == "done":
            assert isinstance(m, SummaryModel) and m.headline == str(s.total_reps)
            continue
        if name == "confirm":
            assert m.word == "SPOTTER?"
            continue
        assert isinstance(m, ScreenModel)
        assert m.word and m.shape in view.SHAPES
        assert m.big.isdigit()
        assert contrast(m.foreground, m.background) >= 4.5  # readable on its background
        if name.startswith("rest"):
            assert 0 < m.progress < 1 and view.needs_animation(m)
            assert m.emphasised == (name == "rest-countin")
        elif name == "lower":
            assert view.needs_animation(m)
        else:
            assert not view.needs_animation(m)


def test_each_phase_has_its_own_word_and_shape():
    words = {}
    for method in PRESETS:
        for name, s, now, ctx in method_scenes(method):
            m = model_for(s, now, ctx)
            words[(m.word, m.shape)] = name.split("-")[0]
    shapes_by_word = {w: s for (w, s) in words}
    assert {"READY", "WORK", "REST", "GET READY", "STRIP", "SWITCH", "LOWER", "DONE", "SPOTTER?"} <= set(shapes_by_word)
    assert len({shapes_by_word[w] for w in ("READY", "WORK", "REST", "STRIP", "SWITCH", "LOWER", "DONE")}) == 7


def test_status_notes_pass_through_unchanged():
    notes = ("remote lost: retrying", "no sound")
    m = screen_model(snap(), 0.0, Context(notes=notes))
    assert m.notes == notes


def test_loads_and_clocks_are_written_the_way_a_lifter_reads_them():
    assert view.fmt_kg(100.0) == "100 kg"
    assert view.fmt_kg(62.5) == "62.5 kg"
    assert view.fmt_kg(61.25) == "61.25 kg"
    assert view.fmt_kg(None) == ""
    assert view.fmt_clock(59.2) == "1:00"
    assert view.fmt_clock(0.0) == "0:00"
    assert view.fmt_clock(125.0) == "2:05"


def test_work_waiting_for_the_first_press_of_a_bout_labels_that_bout():
    s = snap("strength-rest-pause", Phase.WORK, bout_index=1, bouts=(B0, B1), total_reps=10,
             target_reps=1)
    m = screen_model(s, 50.0)
    assert m.bout == "single 3"
    assert (m.big, m.big_label) == ("0", "of 1 rep")


def test_dumbbell_loads_say_per_dumbbell_and_a_pound_gym_sees_pounds():
    from station.core.events import Bout, Phase
    from station.core.snapshot import Snapshot
    from station.ui.view import Context, screen_model, summary_model

    bout = Bout(0, 0.0, 22.5, None, None, (0.0, 2.0), None, None)
    snap = Snapshot("rest-pause", Phase.WORK, 0, 4, 2, None, (bout,), 2, 0.0, None, None, 0.0,
                    None, None, False, 22.5, None, None, None, None, None, False, False)
    m = screen_model(snap, 3.0, Context(exercise="curl", per_dumbbell=True))
    assert "curl  22.5 kg per dumbbell" in m.lines
    lb = Context(exercise="squat", units="lb")
    heavy = Snapshot("rest-pause", Phase.DONE, 0, 4, 2, None, (Bout(0, 0.0, 102.0582, None, None,
                     (0.0, 2.0), 3.0, "fail"),), 2, 0.0, None, None, 0.0, None, None, False,
                     102.0582, None, None, None, None, "complete", False, False)
    assert "squat  225 lb" in summary_model(heavy, lb).lines


# ---------------------------------------------------------------- the terminal display

REMOTE_LOST = ("remote lost: [Errno 2] could not open port /dev/serial/by-id/usb-Arduino_Nano_1234-if00: "
               "No such file or directory; retrying in 8 s")
CONFIG_ERROR = ("config error, defaults in use: /home/lifter/.config/station/station.toml line 4: "
                "unknown key 'rset_s' in [presets.squat] (did you mean 'rest_s'?)")


@pytest.mark.parametrize("cols", [40, 60, 80])
def test_the_terminal_never_cuts_a_note_it_wraps_it_on_its_own_lines(cols):
    from station.ui.terminal import fit_lines, model_lines

    s = snap("cluster", Phase.REST, bouts=(B0,), total_reps=5, phase_started_at=4.0,
             phase_ends_at=19.0, load_kg=100.0)
    m = screen_model(s, 10.0, Context(exercise="back squat", notes=(REMOTE_LOST, CONFIG_ERROR)))
    shown = fit_lines(model_lines(m), cols)
    assert all(len(line) <= cols for line in shown)
    text = "".join("".join(shown).split())  # a path longer than a line is broken, not cut
    for note in (REMOTE_LOST, CONFIG_ERROR):
        assert "!" + "".join(note.split()) in text  # every character, in order
    first = next(i for i, line in enumerate(shown) if line.strip().startswith("!"))
    assert first <= 2  # at the top, where a terminal is always in view


def test_a_terminal_log_prints_each_new_note_whole_on_its_own_line():
    import io
    import time

    from station.ui.terminal import TerminalScreen
    from station.ui.view.messages import ShowNotes, ShowSet

    out = io.StringIO()
    s = snap("cluster", Phase.READY)
    with TerminalScreen(lambda: 0.0, lambda item: None, out=out, keyboard=False) as screen:
        screen.present(ShowNotes((CONFIG_ERROR,)))
        screen.present(ShowSet(s, Context()))
        deadline = time.monotonic() + 5
        while CONFIG_ERROR not in out.getvalue() and time.monotonic() < deadline:
            time.sleep(0.01)
        screen.present(ShowNotes((CONFIG_ERROR, REMOTE_LOST)))
        while REMOTE_LOST not in out.getvalue() and time.monotonic() < deadline:
            time.sleep(0.01)
    lines = out.getvalue().splitlines()
    assert f"! {CONFIG_ERROR}" in lines and f"! {REMOTE_LOST}" in lines
    assert lines.count(f"! {CONFIG_ERROR}") == 1  # said once, not at every change


def test_a_terminal_log_writes_no_empty_line_for_a_screen_without_a_plain_line():
    """After the last set the summary followed the DONE line at once: the
    log got an empty line for it ("9-11" + blank + "station demo: ...")."""
    import io
    import time

    from station.ui.terminal import TerminalScreen
    from station.ui.view.messages import ShowMenu, ShowSet, ShowSummary

    out = io.StringIO()
    done = snap("cluster", Phase.DONE, total_reps=12)
    with TerminalScreen(lambda: 0.0, lambda item: None, out=out, keyboard=False) as screen:
        screen.present(ShowSet(done, Context()))
        deadline = time.monotonic() + 5
        while "DONE" not in out.getvalue() and time.monotonic() < deadline:
            time.sleep(0.01)
        for message in (ShowSummary(done, Context()), ShowMenu(("cluster",))):
            screen.present(message)
            time.sleep(0.2)
    lines = out.getvalue().split("\n")
    assert lines[-1] == "" and "" not in lines[:-1], lines
