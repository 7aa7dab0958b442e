"""Guardrails that see the whole week, and spotter rules, on synthetic histories."""

from datetime import UTC, date, datetime, timedelta

import pytest

from station.core.guardrails import (
    Block,
    PastSession,
    again_prompt,
    check_overuse,
    lookback_start,
    screen_lines,
    sets_today,
    spotter_required,
)
from station.core.methods import PlanError

HOUR = 3600.0
# Local time is UTC+1 in most tests, so local and UTC dates differ around midnight.
OFFSET_S = 1 * HOUR


def local(y, mo, d, h, mi, offset_s=OFFSET_S):
    """An aware UTC datetime for local wall time y-mo-d h:mi."""
    return datetime(y, mo, d, h, mi, tzinfo=UTC) - timedelta(seconds=offset_s)


def past(*starts, method="drop-set", exercise="squat"):
    return [PastSession(s, method, exercise) for s in starts]


NOW = local(2026, 11, 27, 18, 0)  # Friday 18:00 local
MON, TUE, WED, THU = (local(2026, 11, d, 18, 0) for d in (23, 24, 25, 26))
LEGS = {"squat": ("quads", "glutes"), "leg-press": ("quads", "glutes"),
        "leg-extension": ("quads",), "lunge": ("quads", "glutes"), "hip-thrust": ("glutes",),
        "bench": ("chest",)}


def rules(warnings):
    return [w.rule for w in warnings]


def check(history, method="drop-set", exercise="squat", **kw):
    kw.setdefault("warn_consecutive_days", False)
    return check_overuse(history, method, exercise, NOW, OFFSET_S, **kw)


def test_a_third_intensification_set_on_an_exercise_in_a_week_warns_naming_sets_and_days():
    [w] = check(past(MON) + past(WED, method="cluster"))
    assert w.rule == "exercise"
    assert w.days == (date(2026, 11, 23), date(2026, 11, 25), date(2026, 11, 27))
    assert w.text == ("squat: 3 intensification sets in the last 7 days on 3 days (Mon, Wed, Fri):"
                      " drop-set Mon, cluster Wed, drop-set now — these methods are occasional tools")


def test_three_different_methods_on_squat_in_one_week_warn():
    history = past(MON, method="cluster") + past(WED, method="rest-pause")
    [w] = check(history, "forced-negatives")
    assert [s.method for s in w.sets] == ["cluster", "rest-pause", "forced-negatives"]


def test_two_sets_of_the_same_method_in_one_day_count_as_two():
    [w] = check(past(local(2026, 11, 27, 17, 0), local(2026, 11, 27, 17, 20)))
    assert len(w.sets) == 3 and w.days == (date(2026, 11, 27),)
    assert "3 intensification sets in the last 7 days on 1 day (Fri)" in w.text


def test_two_sets_in_a_week_is_fine():
    assert check(past(TUE)) == []


def test_drop_sets_on_four_leg_exercises_then_squat_warn_for_the_muscle_group():
    history = (past(MON, exercise="leg-press") + past(TUE, exercise="leg-extension")
               + past(WED, exercise="lunge") + past(THU, exercise="hip-thrust")
               + past(WED, exercise="bench"))
    ws = check(history, muscles=LEGS)
    assert rules(ws) == ["muscle", "muscle"]  # no exercise warning: squat itself ran once
    quads, glutes = ws
    assert quads.subject == "quads" and len(quads.sets) == 4
    assert quads.text.startswith(
        "quads (muscle group): 4 intensification sets in the last 7 days on 4 days"
        " (Mon, Tue, Wed, Fri): drop-set leg-press Mon, drop-set leg-extension Tue,"
        " drop-set lunge Wed, drop-set squat now")
    assert [s.exercise for s in glutes.sets] == ["leg-press", "lunge", "hip-thrust", "squat"]
    assert "bench" not in quads.text + glutes.text
    assert check(history) == []  # without muscle groups in the config, only the exercise counts


def test_a_muscle_group_trained_by_one_exercise_only_does_not_repeat_the_warning():
    assert rules(check(past(MON, WED), muscles=LEGS)) == ["exercise"]


def test_window_starts_at_local_midnight_seven_days_back():
    # Friday the 20th at 23:59 local is 8 local days ago: outside.
    assert check(past(local(2026, 11, 20, 23, 59), MON)) == []
    # Saturday the 21st at 00:01 local (still Friday in UTC) is inside.
    [w] = check(past(local(2026, 11, 21, 0, 1), MON))
    assert w.days == (date(2026, 11, 21), date(2026, 11, 23), date(2026, 11, 27))
    assert "(Sat, Mon, Fri)" in w.text


def test_yesterday_at_2359_is_consecutive_but_today_at_0001_is_not():
    now = local(2026, 11, 27, 9, 0)
    late_yesterday = past(local(2026, 11, 26, 23, 59), method="rest-pause")
    [w] = check_overuse(late_yesterday, "cluster", "squat", now, OFFSET_S)
    assert w.rule == "consecutive"
    assert w.days == (date(2026, 11, 26), date(2026, 11, 27))
    assert w.text.startswith("squat: also yesterday (Thu: rest-pause)")  # any method counts
    early_today = past(local(2026, 11, 27, 0, 1), method="cluster")
    assert check_overuse(early_today, "cluster", "squat", now, OFFSET_S) == []


def test_yesterday_on_another_exercise_of_the_same_muscle_group_is_consecutive():
    [w] = check_overuse(past(THU, exercise="leg-press"), "cluster", "squat", NOW, OFFSET_S,
                        muscles=LEGS)
    assert w.text.startswith("quads: also yesterday (Thu: drop-set leg-press)")


def test_day_boundaries_follow_the_local_offset_not_utc():
    # 23:30 UTC on Thursday is Friday 00:30 at UTC+1: the same day as now, not yesterday.
    thu_late_utc = datetime(2026, 11, 26, 23, 30, tzinfo=UTC)
    now = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
    history = past(thu_late_utc, method="cluster")
    assert check_overuse(history, "cluster", "squat", now, OFFSET_S) == []
    assert rules(check_overuse(history, "cluster", "squat", now, 0.0)) == ["consecutive"]


def test_consecutive_days_can_be_switched_off():
    history = past(THU, method="cluster")
    assert rules(check_overuse(history, "cluster", "squat", NOW, OFFSET_S)) == ["consecutive"]
    assert check(history, "cluster") == []


def test_thresholds_come_from_the_config():
    history = past(local(2026, 11, 21, 18, 0), MON, WED)
    assert rules(check(history)) == ["exercise"]
    assert check(history, overuse_sessions=4) == []
    # A 5-day window holds Mon, Wed and today only: 3 sets, still more than 2.
    [w] = check(history, overuse_days=5)
    assert "3 intensification sets in the last 5 days on 3 days (Mon, Wed, Fri)" in w.text
    assert check(history, overuse_days=3) == []
    with pytest.raises(ValueError, match="overuse_days=0"):
        check(history, overuse_days=0)


def test_other_exercises_without_shared_muscles_do_not_count():
    history = past(MON, exercise="bench") + past(TUE, exercise=None) + past(WED, exercise="bench")
    assert check(history) == []
    [w] = check(past(MON, WED, exercise=None), exercise=None)
    assert w.text.startswith("no exercise: 3 intensification sets")


def test_drop_sets_before_the_last_four_weeks_of_a_block_get_the_articles_note():
    block = Block(10, date(2026, 10, 5))  # Mon 5 Oct: Fri 27 Nov is in week 8
    assert check([], block=block) == []  # weeks 7-10: the right time
    early = Block(10, date(2026, 11, 9))  # week 3
    [w] = check([], block=early)
    assert w.rule == "block"
    assert w.text == ("drop-set: week 3 of 10 — drop sets fit best in the last 4 weeks of a block;"
                      " weeks 7-10 here; used all the time they add nothing")
    assert check([], "cluster", block=early) == []  # only drop sets
    assert rules(check([], "mechanical-drop-set", block=early)) == ["block"]


def test_without_a_block_drop_sets_get_no_block_note():
    ws = check(past(MON, WED))
    assert rules(ws) == ["exercise"] and all("block" not in w.text for w in ws)


def test_the_week_of_a_block_counts_from_its_start_date():
    b = Block(10, date(2026, 11, 2))
    assert [b.week_of(date(2026, 11, d)) for d in (2, 8, 9, 27)] == [1, 1, 2, 4]
    assert "has ended" in check([], block=Block(4, date(2026, 9, 1)))[0].text


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="naive"):
        check_overuse([], "cluster", None, datetime(2026, 11, 27, 18, 0))


def test_lookback_start_is_local_midnight_of_the_first_day_in_the_window():
    assert lookback_start(NOW, OFFSET_S, 7) == local(2026, 11, 21, 0, 0)
    # The consecutive-day rule needs yesterday even with a one-day window.
    assert lookback_start(NOW, OFFSET_S, 1) == local(2026, 11, 26, 0, 0)


def test_again_after_a_drop_set_or_negatives_asks_and_names_the_set_of_the_day():
    today = past(local(2026, 11, 27, 17, 0)) + past(MON)
    n = sets_today(today, "drop-set", "squat", NOW, OFFSET_S)
    assert n == 1
    assert again_prompt("drop-set", "squat", n)[:2] == ("another drop-set on squat?",
                                                         "it would be your 2nd today")
    assert again_prompt("forced-negatives", None, 2)[:2] == ("another forced-negatives?",
                                                             "it would be your 3rd today")
    assert again_prompt("cluster", "squat", 1) is None


@pytest.mark.parametrize(
    "method, kind, required",
    [
        ("strength-rest-pause", "barbell", True),
        ("strength-rest-pause", "machine", True),
        ("forced-negatives", "dumbbell", True),
        ("forced-negatives", None, True),
        ("drop-set", "barbell", True),
        ("drop-set", "machine", False),
        ("drop-set", "dumbbell", False),
        ("drop-set", None, True),  # the kind is unknown: the safe side
        ("mechanical-drop-set", "barbell", False),
        ("cluster", "barbell", False),
        ("rest-pause", "barbell", False),
        ("myo-reps", "barbell", False),
    ],
)
def test_spotter_required(method, kind, required):
    assert spotter_required(method, kind) is required


def test_spotter_required_names_an_unknown_method():
    with pytest.raises(PlanError, match="no-such-method"):
        spotter_required("no-such-method", "barbell")


def test_the_screen_gets_short_lines_and_the_reason_once():
    history = (past(MON, exercise="leg-press") + past(TUE, exercise="leg-extension")
               + past(WED, exercise="lunge"))
    ws = check(history, muscles=LEGS, block=Block(10, date(2026, 11, 9)))
    lines = screen_lines(ws)
    assert all(len(ln) <= 40 for ln in lines), lines
    assert lines[0] == "quads muscles: 4 sets in 7 days"
    assert lines[-1] == "these methods are occasional tools"
    assert lines.count("these methods are occasional tools") == 1
    assert "drop-set: week 3 of 10" in lines
    assert "drop-set leg-press Mon, drop-set" in " ".join(lines)
