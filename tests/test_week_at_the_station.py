"""The week's guardrails as the lifter meets them at the station: warnings
from the whole recorded week and the config's muscle groups and block, and
"press: again" after a drop set asking first (station.runtime.app)."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from station.core.events import Bout, BoutChanged, SetChanged
from station.core.methods import compile_plan
from station.history.store import History
from station.runtime.app import Options, Station
from station.testing import FakeClock, ScreenLog
from station.ui.view.messages import ShowWarning, model_of

CONFIG = """
[guardrails]
warn_consecutive_days = false
[training]
block_weeks = 10
block_start = {start}
[exercises.squat]
muscles = ["quads", "glutes"]
[exercises.leg-press]
kind = "machine"
muscles = ["quads", "glutes"]
[exercises.lunge]
kind = "dumbbell"
dumbbells_kg = [10, 12.5, 15]
muscles = ["quads", "glutes"]
"""


def record(h: History, days_ago: float, method: str, exercise: str) -> None:
    at = -days_ago * 86400.0  # history offset: wall = time.time() + at
    h.begin_session(method, exercise, 100.0, {}, "", at=at)
    h.apply(SetChanged("running", at + 1))
    h.apply(BoutChanged(Bout(0, at + 1, 100.0, rep_times=(at + 1, at + 3), ended_at=at + 4,
                             end_reason="fail")))
    h.apply(SetChanged("completed", at + 1, ended_at=at + 5, done_reason="complete"))
    h.end_session()


def station(tmp_path: Path, block_start: date) -> tuple[Station, ScreenLog, list[str]]:
    cfg = tmp_path / "station.toml"
    cfg.write_text(CONFIG.format(start=block_start.isoformat()))
    said: list[str] = []
    opts = Options(pins="mock", display="none", db=tmp_path / "h.sqlite3", config=cfg, sound=False)
    st = Station(opts, clock=FakeClock(), out=said.append)
    screen = ScreenLog()
    st.loop.screen = screen
    return st, screen, said


@pytest.fixture
def week(tmp_path):
    # Earlier this week: drop sets on leg press and lunge, a cluster on squat; all today-ish
    # relative to the real clock (the guardrails use the wall-clock day).
    hour = 1 / 24
    with History.open(tmp_path / "h.sqlite3", time.time()) as h:
        record(h, 3 + hour, "drop-set", "leg-press")
        record(h, 2 + hour, "drop-set", "lunge")
        record(h, 1 + hour, "cluster", "squat")
    return tmp_path


def test_a_drop_set_on_squat_after_leg_drop_sets_warns_for_the_muscle_group_and_block(week):
    today = datetime.now().date()
    st, screen, said = station(week, today - timedelta(weeks=1))  # week 2 of 10
    with st:
        st.loop.wait_gesture = lambda until=None: "press"
        plan, _ = compile_plan("drop-set", {}, 100.0)
        assert st.warn_before(plan, "squat", []) is True  # informative: a press goes on
    shown = screen.shown[-1]
    assert isinstance(shown, ShowWarning) and shown.title == "WARNING"
    assert shown.lines[0] == "quads muscles: 4 sets in 7 days"  # short lines on the screen
    assert "drop-set: week 2 of 10" in shown.lines
    full = st.pending_warnings  # recorded in full with the set that follows
    assert any(ln.startswith("quads (muscle group): 4 intensification sets in the last 7 days")
               and "drop-set leg-press" in ln and "drop-set lunge" in ln and "cluster squat" in ln
               for ln in full), full
    assert any(ln.startswith("drop-set: week 2 of 10") for ln in full), full
    assert any("warning: quads (muscle group)" in s for s in said)


def test_again_after_a_drop_set_asks_first_and_names_the_set_of_the_day(week):
    st, screen, _ = station(week, datetime.now().date() - timedelta(weeks=8))
    with History.open(week / "h.sqlite3", time.time()) as h:
        record(h, 0.001, "drop-set", "squat")  # the set just finished
    with st:
        plan, _ = compile_plan("drop-set", {}, 100.0)
        st.loop.wait_gesture = lambda until=None: "hold"
        assert st.confirm_again(plan, "squat") is False  # a hold: no, leave
        shown = screen.shown[-1]
        assert isinstance(shown, ShowWarning) and shown.title == "AGAIN?"
        assert shown.lines[:2] == ("another drop-set on squat?", "it would be your 2nd today")
        assert shown.prompt == "press: yes   hold: leave"
        # the screen says so too, not "WARNING / press to continue"
        model = model_of(shown, 0.0, ())
        assert (model.word, model.hint) == ("AGAIN?", "press: yes   hold: leave")
        st.loop.wait_gesture = lambda until=None: "press"
        assert st.confirm_again(plan, "squat") is True
        cluster, _ = compile_plan("cluster", {}, 100.0)
        n = len(screen.shown)
        assert st.confirm_again(cluster, "squat") is True and len(screen.shown) == n  # no question


def test_station_history_shows_loads_in_the_configs_units(tmp_path, capsys):
    import argparse

    from station.commands import history as history_cmd

    with History.open(tmp_path / "h.sqlite3", time.time()) as h:
        h.begin_session("cluster", "squat", 102.0582, {}, "", at=-60.0)  # 225 lb, stored in kg
        h.apply(SetChanged("running", -59.0))
        h.apply(BoutChanged(Bout(0, -59.0, 102.0582, rep_times=(-59.0,))))
        h.end_session("completed", -50.0)
    cfg = tmp_path / "station.toml"
    cfg.write_text('units = "lb"\n')
    parser = argparse.ArgumentParser()
    history_cmd.add_parser(parser.add_subparsers())
    args = parser.parse_args(["history", "--db", str(tmp_path / "h.sqlite3")])
    args.config = cfg
    assert args.func(args) == 0
    out = capsys.readouterr().out
    assert "  225 lb  " in out and "kg" not in out


def test_press_again_after_a_drop_set_runs_another_only_when_confirmed(week):
    from station.core.prepare import prepare

    st, screen, _ = station(week, datetime.now().date() - timedelta(weeks=8))
    with st:
        prep = prepare(st.config, "drop-set", {}, 100.0, "squat")
        ran: list[str] = []

        def one_set(plan, exercise, load, prep=None):  # a set on disk, as run_set leaves it
            with History.open(week / "h.sqlite3", time.time()) as h:
                record(h, 0.0001, plan.method, exercise)
            ran.append(plan.method)

        st.run_set = one_set
        answers = iter(["press",            # the overuse warning (legs this week): go on
                        "press",            # the summary: again
                        "press", "press",   # AGAIN? yes; the warning: go on
                        "press", "hold"])   # the summary: again; AGAIN? no
        st.loop.wait_gesture = lambda until=None: next(answers)
        assert st.run_sets(prep) == 0
    assert ran == ["drop-set", "drop-set"]
    asked = [m.lines[1] for m in screen.shown if isinstance(m, ShowWarning) and m.title == "AGAIN?"]
    assert asked == ["it would be your 2nd today", "it would be your 3rd today"]
