"""`station bench`: its statistics, its virtual-time drift check, and the
command end to end (quick, in a child process)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from station.bench_offline import ScriptedClock, drift_fast_forward, frame_cost
from station.bench_stats import Figure, Target, percentile, table
from station.loop import Quit


def test_percentile_is_a_value_that_happened():
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 0.5) == 50.0
    assert percentile(values, 0.99) == 99.0
    assert percentile([3.0], 0.99) == 3.0
    with pytest.raises(ValueError, match="no samples"):
        percentile([], 0.5)


def test_a_figure_passes_only_when_every_target_is_met():
    lat = (Target("p99", 2.0), Target("max", 5.0))
    assert Figure("x", "ms", [1.0] * 99 + [4.0], targets=lat).verdict == "pass"
    assert Figure("x", "ms", [1.0] * 99 + [6.0], targets=lat).verdict == "MISS"
    assert Figure("x", "ms", [], targets=lat).verdict == "n/a"
    assert Figure("y", "%", value=2.5, targets=(Target("value", 2.0),)).verdict == "MISS"
    text = table([Figure("idle CPU", "%", value=2.5, targets=(Target("value", 2.0),), note="why")])
    assert "MISS" in text and "value <= 2" in text and "idle CPU: why" in text


def test_the_scripted_clock_jumps_to_the_next_input_or_the_loops_deadline():
    import queue

    clock = ScriptedClock([(1005.0, "b"), (1002.0, "a")], on_empty=lambda: Quit("end"))
    q: queue.SimpleQueue = queue.SimpleQueue()
    assert clock.get(q, None) == "a" and clock.now() == 1002.0
    with pytest.raises(queue.Empty):
        clock.get(q, 1.0)  # the deadline comes before the next input
    assert clock.now() == 1003.0
    assert clock.get(q, 10.0) == "b" and clock.now() == 1005.0
    assert clock.get(q, None) == Quit("end")


def test_a_240_s_cluster_set_through_the_real_loop_has_no_drift():
    d = drift_fast_forward()
    assert d["cap_drift_s"] == 0.0 and d["max_drift_s"] == 0.0
    assert d["cues"] > 40  # 11 rests x (3 counts + go) + the cap
    assert d["run_s"] < 5.0


def test_frame_cost_measures_each_frame_after_warming_the_caches():
    samples = frame_cost((320, 200), frames=20, warm=5)
    assert len(samples) == 20 and all(0 < s < 1.0 for s in samples)


@pytest.mark.timeout(120)
@pytest.mark.slow
def test_station_bench_quick_prints_every_figure_as_json(tmp_path):
    env = dict(os.environ, PYGAME_HIDE_SUPPORT_PROMPT="1", XDG_CONFIG_HOME=str(tmp_path),
               XDG_DATA_HOME=str(tmp_path))
    out = subprocess.run([sys.executable, "-m", "station", "bench", "--quick", "--no-app",
                          "--seconds", "3", "--json", "--size", "800x480"],
                         capture_output=True, text=True, env=env, timeout=110)
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    figs = {f["name"]: f for f in report["figures"]}
    lat = figs["cue lateness, buzzer call"]
    assert lat["n"] >= 3 and lat["max"] < 1000 and lat["targets"] == ["p99 <= 2", "max <= 5"]
    assert figs["press to ack (edge -> buzzer call)"]["n"] >= 2
    assert figs["drift, cap at 240 s (fast-forward)"]["value"] == 0
    assert report["facts"]["machine"]["cores"] == os.cpu_count()
    assert report["facts"]["live"]["presses"] == report["facts"]["live"]["reps"]
