"""`station bench`: its statistics, its virtual-time drift check, and the
command end to end (quick, in a child process)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from station.bench.offline import ScriptedClock, drift_fast_forward, frame_cost
from station.bench.stats import Figure, Target, percentile, table
from station.runtime.loop import Quit


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
    assert lat["n"] >= 3 and lat["max"] < 1000 and lat["targets"] == ["p99 <= 1", "max <= 3"]
    assert figs["press to ack (edge -> buzzer call)"]["n"] >= 2
    assert figs["drift, cap at 240 s (fast-forward)"]["value"] == 0
    assert report["facts"]["machine"]["cores"] == os.cpu_count()
    assert report["facts"]["live"]["presses"] == report["facts"]["live"]["reps"]


# ---------------------------------------------------------------- the peer design


def _run_peer(timer, seconds, dt_ms=16, presses=()):
    """Step a PeerTimer frame by frame; ``presses``: instants (s). Returns
    [(cue name, due at, fired at)]."""
    out, t, pending = [], 0.0, sorted(presses)
    while t < seconds:
        t += dt_ms / 1000
        taken = [p for p in pending if p <= t]
        pending = [p for p in pending if p > t]
        out += [(c.name, c.at, t) for c in timer.frame(dt_ms / 1000, t, taken)]
    return out


def test_the_peer_fires_a_cue_at_the_first_frame_past_its_instant_and_says_when_it_was_due():
    from station.bench.peer import PeerTimer

    timer = PeerTimer(reps=5, every_s=7.0, cap_s=60.0)
    cues = _run_peer(timer, 8.5, presses=[1.0, 1.6, 2.2, 2.8, 3.4])
    names = [n for n, _, _ in cues]
    assert names == ["rep"] * 4 + ["rep", "rest", "count", "count", "count", "go"]
    go = cues[-1]
    first_rep_frame = 1.008  # the first press is taken at the first frame after it
    assert go[1] == pytest.approx(first_rep_frame + 7.0, abs=1e-9)  # due: 7 s of frames later
    assert 0 <= go[2] - go[1] < 0.016  # fired at the first frame past it: up to a frame late


def test_the_peer_carries_the_overshoot_the_common_reset_slips_a_part_of_a_frame_per_cluster():
    from station.bench.peer_run import replay_drift

    dts = [16, 17, 17, 18, 16, 17]  # ms, what Clock.tick(60) returns
    keep = replay_drift(dts)
    reset = replay_drift(dts, carry=False)
    assert keep["last_go_s"] < 0.05 and keep["cap_s"] < 0.05
    assert reset["last_go_s"] > 5 * keep["last_go_s"]  # 34 clusters of up to a frame each


def test_the_peer_refuses_a_timer_without_exactly_one_kind_of_rest():
    from station.bench.peer import PeerTimer

    with pytest.raises(ValueError, match="exactly one"):
        PeerTimer(every_s=7.0, rest_s=15.0)


def test_the_calibration_workload_is_fixed_and_its_unit_is_its_best_time():
    from station.bench.calib import CHECKSUM, calibrate, workload

    assert workload() == CHECKSUM
    c = calibrate(runs=3)
    assert 0 < c.unit_s <= c.median_s
    assert c.in_units(2 * c.unit_s) == pytest.approx(2.0)


def test_the_side_by_side_gives_the_ratio_and_judges_idle_cpu_against_a_tenth_of_the_peer():
    from station.bench.versus import compare

    station = [Figure("idle CPU, resting", "%", value=0.5), Figure("idle CPU, menu", "%", value=0.2),
               Figure("cue lateness, buzzer call", "ms", [0.5, 0.6])]
    peer = [Figure("idle CPU, resting", "%", value=8.0), Figure("idle CPU, menu", "%", value=1.0),
            Figure("cue lateness, buzzer call", "ms", [10.0, 20.0])]
    rows = {(r["figure"], r["stat"]): r for r in compare(station, peer)}
    assert rows[("idle CPU, resting", "value")]["ratio"] == pytest.approx(0.0625)
    assert rows[("idle CPU, resting", "value")]["verdict"] == "pass"
    assert rows[("idle CPU, menu", "value")]["verdict"] == "MISS"  # 0.2 > 1.0 / 10
    assert rows[("cue lateness, buzzer call", "max")]["ratio"] == pytest.approx(0.03)


def test_a_hog_keeps_every_core_busy_and_leaves_no_process_behind():
    from station.bench.starve import Hog

    with Hog(n=1) as hog:
        pid = hog.procs[0].pid
        assert hog.procs[0].poll() is None
    assert not os.path.exists(f"/proc/{pid}") or open(f"/proc/{pid}/stat").read().split()[2] == "Z"


def test_a_hog_ends_when_the_bench_is_killed():
    """A bench killed with SIGKILL left its spinning processes behind: both
    cores busy for every later measurement on the machine."""
    import signal
    import time

    code = ("import os, sys\nfrom station.bench.starve import Hog\nh = Hog(n=2).__enter__()\n"
            "print(' '.join(str(p.pid) for p in h.procs), flush=True)\nos.kill(os.getpid(), 9)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30)
    assert out.returncode == -signal.SIGKILL
    pids = [int(p) for p in out.stdout.split()]
    assert len(pids) == 2

    def alive(pid):
        try:
            return open(f"/proc/{pid}/stat").read().split()[2] != "Z"
        except OSError:
            return False

    end = time.monotonic() + 10
    while any(alive(p) for p in pids) and time.monotonic() < end:
        time.sleep(0.02)
    left = [p for p in pids if alive(p)]
    for p in left:
        os.kill(p, signal.SIGKILL)
    assert not left, "the hogs outlived the bench"


@pytest.mark.timeout(170)
@pytest.mark.slow
def test_station_bench_peer_prints_both_columns_and_the_ratios(tmp_path):
    env = dict(os.environ, PYGAME_HIDE_SUPPORT_PROMPT="1", XDG_CONFIG_HOME=str(tmp_path),
               XDG_DATA_HOME=str(tmp_path))
    out = subprocess.run([sys.executable, "-m", "station", "bench", "--quick", "--peer",
                          "--seconds", "3", "--json", "--size", "800x480"],
                         capture_output=True, text=True, env=env, timeout=160)
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    rows = {(r["figure"], r["stat"]): r for r in report["compare"]}
    for key in [("idle CPU, resting", "value"), ("idle CPU, menu", "value"),
                ("CPU per second during a set", "value"), ("cue lateness, buzzer call", "p99"),
                ("press to ack", "p99"), ("press to screen", "p99"), ("drift after 240 s", "value"),
                ("cue lateness, CPU starved", "p99")]:
        assert rows[key]["station"] is not None and rows[key]["peer"] is not None, key
    assert rows[("idle CPU, resting", "value")]["target"] == 0.1
    costs = report["facts"]["costs"]
    assert costs["unit_ms"] > 0 and costs["peer"]["idle_rest_cu_per_s"] > 0
    assert report["facts"]["load_average"] is not None


def test_thread_stats_names_each_thread_of_a_process_with_its_cpu_and_switches():
    import threading

    from station.bench.process import cpu_s, thread_stats

    ready, stop = threading.Event(), threading.Event()
    t = threading.Thread(target=lambda: (ready.set(), stop.wait()), name="probe")
    t.start()
    ready.wait()
    try:
        stats = thread_stats(os.getpid())
        assert threading.get_native_id() in stats and t.native_id in stats
        name, cpu, switches, _ = stats[threading.get_native_id()]
        assert cpu > 0 and switches >= 0 and name
        assert cpu_s(os.getpid()) >= cpu
    finally:
        stop.set()
        t.join()
