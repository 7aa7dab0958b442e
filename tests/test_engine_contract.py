"""The new cues and records of the training rules fit the MQTT contract."""

from __future__ import annotations

import pytest
from scripting import presses, run_script

from station.core.events import CUE_NAMES
from station.core.methods import compile_plan
from station.history.store import History
from station.net import payloads, schemas

jsonschema = pytest.importorskip("jsonschema")


def _validate(payload: object, schema: dict) -> None:
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(payload)


@pytest.mark.parametrize("name, value", [("slower", 3.8), ("cap", "last"), ("go", "strip"),
                                         ("tempo", "bottom")])
def test_every_cue_of_the_rules_validates(name, value):
    assert name in CUE_NAMES
    _validate(payloads.cue(name, value, 14.0, station_id="rack-1", offset_s=1e9), schemas.CUE)


def test_a_forced_negatives_set_with_its_lowerings_validates(tmp_path):
    plan, _ = compile_plan("forced-negatives", load_kg=150)
    run = run_script(plan, presses(0, 2, 7.5, 10, 15.2, 18, 21), until=40)
    db = tmp_path / "h.sqlite3"
    with History.open(db, 1.7e9) as h:
        h.begin_session("forced-negatives", "bench", 150.0, dict(plan.params), "", 0.0)
        for e in run.effects:
            h.apply(e, getattr(e, "at", None))
        h.end_session("completed", 30.0)
    with History.open(db, 0.0, readonly=True) as h:
        [session] = h.sessions()
    assert session["bouts"][0]["lowered_s"] == pytest.approx([5.5, 5.2, 3.0], abs=0.01)
    _validate(payloads.finished_set(session, station_id="rack-2"), schemas.SET)
