"""Reliability: a display or audio device missing at start, or the display
vanishing mid-set. The station degrades and says so; a set is never stopped."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading

import pytest

from station.core.events import Rep
from station.core.methods import compile_plan
from station.runtime.app import Options, Station
from station.runtime.loop import Quit

PROBE = """
import json
from station.runtime.app import Options, Station
with Station(Options(pins="mock", display="window", sound=True, db=None, config=None),
             out=lambda t: None) as st:
    print(json.dumps({"screen": type(st.screen).__name__, "sinks": [s.name for s in st.loop.sinks],
                      "notes": st.notes}))
"""


@pytest.mark.timeout(60)
def test_no_video_and_no_audio_driver_at_start_falls_back_with_notes(tmp_path):
    env = dict(os.environ, SDL_VIDEODRIVER="nonexistent", SDL_AUDIODRIVER="nonexistent",
               XDG_CONFIG_HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path),
               PYGAME_HIDE_SUPPORT_PROMPT="1")
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["screen"] in ("TerminalScreen", "_NoScreen")  # the window could not open
    assert got["sinks"] == ["buzzer"]  # no mixer: buzzer only
    display = " ".join(text for key, text in got["notes"] if key == "display")
    sound = " ".join(text for key, text in got["notes"] if key == "sound")
    assert "window display unavailable" in display and "nonexistent" in display
    assert "buzzer only" in sound


@pytest.mark.timeout(30)
def test_the_display_failing_mid_set_leaves_the_set_running_and_notes_it(tmp_path, monkeypatch):
    from station.ui.pygame import display

    shown = []
    real_show = display.PygameDisplay.show

    def show(self, model):
        shown.append(model)
        if len(shown) >= 3:
            raise OSError("the HDMI cable was pulled")
        return real_show(self, model)

    monkeypatch.setattr(display.PygameDisplay, "show", show)
    cfg = tmp_path / "station.toml"
    cfg.write_text("")
    plan, _ = compile_plan("rest-pause", {"pauses": 2, "rest": 10.0})
    with Station(Options(pins="mock", display="window", sound=False, db=tmp_path / "h.sqlite3",
                         config=cfg), out=lambda t: None) as st:
        assert type(st.screen).__name__ == "ScreenThread"
        lost = threading.Event()
        loop = st.loop
        real_note = loop.note
        loop.note = lambda item: (real_note(item), item.key == "display" and lost.set())
        out: list = []
        t = threading.Thread(target=lambda: out.append(st.run_set(plan, None, None)), daemon=True)
        t.start()
        for _ in range(2):
            loop.post(Rep(st.clock.now()))
        assert lost.wait(5), "the main loop got no note"  # the display died mid-set
        for _ in range(3):  # the set goes on: these reps count too
            loop.post(Rep(st.clock.now()))
        loop.post(Quit("test"))
        t.join(5)
        notes = dict(loop.notes)
    assert out and out[0].snapshot.total_reps == 5
    assert "HDMI" in notes["display"]
