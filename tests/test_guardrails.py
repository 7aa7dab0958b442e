"""Overuse warnings and spotter rules on synthetic histories."""

from datetime import UTC, date, datetime, timedelta

import pytest

from station.core.guardrails import (
    PastSession,
    check_overuse,
    lookback_start,
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


def rules(warnings):
    return [w.rule for w in warnings]


def test_third_training_day_in_a_week_warns_with_the_days_counted():
    history = past(local(2026, 11, 23, 18, 0), local(2026, 11, 25, 18, 0))  # Mon, Wed
    [w] = check_overuse(history, "drop-set", "squat", NOW, OFFSET_S)
    assert w.rule == "overuse"
    assert w.days == (date(2026, 11, 23), date(2026, 11, 25), date(2026, 11, 27))
    assert w.text.startswith(
        "drop-set for squat: 3 sessions in the last 7 days (Mon, Wed, Fri)"
        " — these methods are occasional tools"
    )
    assert "end of a training block" in w.text  # drop sets get the block note


def test_two_training_days_in_a_week_is_fine():
    history = past(local(2026, 11, 24, 18, 0))  # Tue
    assert check_overuse(history, "drop-set", "squat", NOW, OFFSET_S) == []


def test_several_sets_in_one_workout_count_as_one_training_day():
    history = past(local(2026, 11, 24, 18, 0), local(2026, 11, 24, 18, 20),
                   local(2026, 11, 27, 17, 0), local(2026, 11, 27, 17, 30))
    assert check_overuse(history, "drop-set", "squat", NOW, OFFSET_S) == []


def test_window_starts_at_local_midnight_seven_days_back():
    mon, wed = local(2026, 11, 23, 18, 0), local(2026, 11, 25, 18, 0)
    # Friday the 20th at 23:59 local is 8 local days ago: outside.
    outside = past(local(2026, 11, 20, 23, 59), mon) + past(method="cluster")
    assert check_overuse(outside, "drop-set", "squat", NOW, OFFSET_S) == []
    # Saturday the 21st at 00:01 local (still Friday in UTC) is inside.
    inside = past(local(2026, 11, 21, 0, 1), mon)
    [w] = check_overuse(inside, "drop-set", "squat", NOW, OFFSET_S)
    assert w.days == (date(2026, 11, 21), date(2026, 11, 23), date(2026, 11, 27))
    assert "(Sat, Mon, Fri)" in w.text
    assert check_overuse(past(wed), "drop-set", "squat", NOW, OFFSET_S) == []


def test_yesterday_at_2359_is_consecutive_but_today_at_0001_is_not():
    now = local(2026, 11, 27, 9, 0)
    late_yesterday = past(local(2026, 11, 26, 23, 59), method="cluster")
    [w] = check_overuse(late_yesterday, "cluster", "squat", now, OFFSET_S)
    assert w.rule == "consecutive"
    assert w.days == (date(2026, 11, 26), date(2026, 11, 27))
    assert w.text.startswith("cluster for squat: also yesterday (Thu)")
    assert "training block" not in w.text  # only drop sets get that note
    early_today = past(local(2026, 11, 27, 0, 1), method="cluster")
    assert check_overuse(early_today, "cluster", "squat", now, OFFSET_S) == []


def test_day_boundaries_follow_the_local_offset_not_utc():
    # 23:30 UTC on Thursday is Friday 00:30 at UTC+1: the same day as now, not yesterday.
    thu_late_utc = datetime(2026, 11, 26, 23, 30, tzinfo=UTC)
    now = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
    history = past(thu_late_utc, method="cluster")
    assert check_overuse(history, "cluster", "squat", now, OFFSET_S) == []
    assert rules(check_overuse(history, "cluster", "squat", now, 0.0)) == ["consecutive"]


def test_consecutive_days_can_be_switched_off():
    history = past(local(2026, 11, 26, 18, 0), method="cluster")
    assert rules(check_overuse(history, "cluster", "squat", NOW, OFFSET_S)) == ["consecutive"]
    assert check_overuse(history, "cluster", "squat", NOW, OFFSET_S,
                         warn_consecutive_days=False) == []


def test_both_rules_can_fire_together():
    history = past(local(2026, 11, 24, 18, 0), local(2026, 11, 26, 18, 0))
    assert rules(check_overuse(history, "drop-set", "squat", NOW, OFFSET_S)) == [
        "overuse", "consecutive"
    ]


def test_thresholds_come_from_the_config():
    history = past(local(2026, 11, 21, 18, 0), local(2026, 11, 23, 18, 0),
                   local(2026, 11, 25, 18, 0))
    assert rules(check_overuse(history, "drop-set", "squat", NOW, OFFSET_S)) == ["overuse"]
    assert check_overuse(history, "drop-set", "squat", NOW, OFFSET_S, overuse_sessions=4) == []
    # A 5-day window holds Mon, Wed and today only: 3 days, still more than 2.
    [w] = check_overuse(history, "drop-set", "squat", NOW, OFFSET_S, overuse_days=5)
    assert "3 sessions in the last 5 days (Mon, Wed, Fri)" in w.text
    assert check_overuse(history, "drop-set", "squat", NOW, OFFSET_S, overuse_days=3) == []
    with pytest.raises(ValueError, match="overuse_days=0"):
        check_overuse(history, "drop-set", "squat", NOW, OFFSET_S, overuse_days=0)


def test_other_methods_and_exercises_do_not_count():
    history = (past(local(2026, 11, 23, 18, 0), method="cluster")
               + past(local(2026, 11, 24, 18, 0), exercise="bench")
               + past(local(2026, 11, 25, 18, 0), exercise=None)
               + past(local(2026, 11, 26, 12, 0), method="rest-pause"))
    assert check_overuse(history, "drop-set", "squat", NOW, OFFSET_S) == []
    [w] = check_overuse(past(local(2026, 11, 26, 18, 0), exercise=None), "drop-set", None,
                        NOW, OFFSET_S)
    assert w.text.startswith("drop-set: also yesterday (Thu)")


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="naive"):
        check_overuse([], "cluster", None, datetime(2026, 11, 27, 18, 0))


def test_lookback_start_is_local_midnight_of_the_first_day_in_the_window():
    assert lookback_start(NOW, OFFSET_S, 7) == local(2026, 11, 21, 0, 0)
    # The consecutive-day rule needs yesterday even with a one-day window.
    assert lookback_start(NOW, OFFSET_S, 1) == local(2026, 11, 26, 0, 0)


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
        ("drop-set", None, False),
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
