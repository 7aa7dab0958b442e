"""The real main loop, in process, on a fake clock: mock pins, a pty remote.

A whole 4-minute cluster set is driven by REP lines over a pty, as a remote
would, with the virtual clock moved by the test: it runs in well under a
second and every cue and count is checked.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from scripting import run_script

from station.core.events import Rep
from station.core.methods import compile_plan
from station.history.store import History
from station.runtime.app import Options, Station
from station.runtime.loop import Quit
from station.testing import FakeClock, PtyRemote

#: The threaded tests run on a clock that stands still while the loop works
#: and on ones that move this much (s) on every read, as a Pi's does.
STEPS_S = (0.0, 0.0005, 0.001, 0.002, 0.005)


@pytest.fixture(params=STEPS_S, ids=lambda s: f"step-{s * 1000:g}ms")
def clock(request):
    return FakeClock(step_s=request.param)


@pytest.fixture
def remote():
    r = PtyRemote()
    yield r
    r.close()


def make_station(tmp_path: Path, clock: FakeClock, serial: str | None = None) -> Station:
    cfg = tmp_path / "station.toml"
    cfg.write_text("")  # hermetic: never the user's own config
    opts = Options(pins="mock", serial=serial, display="none", db=tmp_path / "h.sqlite3",
                   config=cfg, sound=False)
    return Station(opts, clock=clock, out=lambda text: None)


def run_in_thread(station: Station, plan) -> tuple[threading.Thread, list]:
    out: list = []
    t = threading.Thread(target=lambda: out.append(station.run_set(plan, "squat", 100.0)),
                         daemon=True)
    t.start()
    return t, out


def cues(lines: list[str]) -> list[str]:
    return [ln[4:] for ln in lines if ln.startswith("CUE ")]


@pytest.mark.slow
@pytest.mark.timeout(60)
def test_a_whole_cluster_set_driven_by_rep_lines(tmp_path, remote):
    clock = FakeClock()
    plan, _ = compile_plan("cluster")  # 5 reps, 15 s rests, 240 s cap
    with make_station(tmp_path, clock, remote.path) as station:
        assert remote.until("HELLO station")
        t, result = run_in_thread(station, plan)
        assert remote.until("STATE READY")[-1] == "STATE READY - 0 1"
        start = clock.now()
        for k in range(15):
            for _ in range(5):
                remote.send("REP")
            got = remote.until("STATE REST")
            assert cues(got) == ["rep"] * 5 + ["rest"], (k, got)
            assert got[-1] == f"STATE REST 15.0 5 {k + 1}"
            assert clock.now() == start + 15 * k  # virtual time stood still meanwhile
            clock.advance(12)
            for _ in range(2):  # count 3 at 12 s, count 2 at 13 s
                assert remote.until("CUE count")[-1] == "CUE count"
                clock.advance(1)
            assert remote.until("CUE count")[-1] == "CUE count"  # count 1 at 14 s
            clock.advance(1)  # the end of the rest: go
            got = remote.until("STATE WORK")
            # the 16th cluster starts at 225: no rest from then could end
            # before the 240 s cap, so its go is followed by "last one" (cap)
            assert cues(got) == (["go", "cap"] if k == 14 else ["go"])
            assert got[-1] == f"STATE WORK - 0 {k + 2}"
        for _ in range(5):
            remote.send("REP")
        got = remote.until("CUE done")
        assert cues(got) == ["rep"] * 5 + ["done"]  # no rest, no count-in to nothing
        t.join(timeout=10)
        assert not t.is_alive()
    snap = result[0].snapshot
    assert snap.reps_per_bout == (5,) * 16
    assert snap.done_reason == "cap"
    # every rep is on disk with the press instant the remote's line got
    with History.open(tmp_path / "h.sqlite3", clock.offset_s, readonly=True) as h:
        [session] = h.sessions()
    assert session["status"] == "completed"
    assert [b["reps"] for b in session["bouts"]] == [5] * 16
    assert session["exercise"] == "squat" and session["load_kg"] == 100.0


@pytest.mark.timeout(60)
@pytest.mark.parametrize("step_s", [pytest.param(s, marks=pytest.mark.slow) for s in STEPS_S[1:-1]]
                         + [STEPS_S[-1]], ids=lambda s: f"step-{s * 1000:g}ms")
def test_a_cluster_set_by_rep_lines_on_a_creeping_clock_sounds_what_the_engine_says(
        tmp_path, remote, step_s):
    # (3 s of real time each: the 5 ms step runs by default, the others with -m slow.)
    # Time moves on every read (the loop's, the serial reader's stamps): the
    # test moves it on to each instant the rest has something due, and at
    # the end the remote must have heard exactly the cues the pure engine
    # gives for the press instants on disk: none lost, doubled or reordered.
    clock = FakeClock(step_s=step_s)
    plan, _ = compile_plan("cluster")
    heard: list[str] = []
    with make_station(tmp_path, clock, remote.path) as station:
        remote.until("HELLO station")
        t, result = run_in_thread(station, plan)
        remote.until("STATE READY")
        done = False
        while not done:
            for _ in range(5):
                remote.send("REP")
            # the last cluster (no rest could end before the cap) ends the set
            got = remote.until(("STATE REST", "CUE done"))
            heard += cues(got)
            if got[-1].startswith("CUE done"):
                break
            snap = station.loop.last_snapshot
            rest_end, cap_at = snap.phase_ends_at, snap.cap_at
            for at, want in [(rest_end - 3, "CUE count"), (rest_end - 2, "CUE count"),
                             (rest_end - 1, "CUE count"), (rest_end, "STATE WORK")]:
                if cap_at <= at:
                    at, want, done = cap_at, "CUE done", True
                clock.set(max(at, clock.now()))
                heard += cues(remote.until(want))
                if done:
                    break
        t.join(timeout=10)
        assert not t.is_alive()
    set_state = result[0].session.set
    presses = [(at, Rep(at)) for b in set_state.bouts for at in b.rep_times]
    pure = run_script(plan, presses, until=set_state.set_ended_at + 1)
    assert heard == [name for name, _, _ in pure.cues]
    gos = [i for i, name in enumerate(heard) if name == "go"]
    assert len(gos) >= 14 and all(heard[i - 3:i] == ["count"] * 3 for i in gos)


@pytest.mark.timeout(30)
def test_gpio_button_edges_reach_the_engine_and_chatter_is_one_rep(tmp_path, clock):
    if getattr(clock, "step_s", 0.0) * 10 > 0.03:
        # the loop thread reads the same creeping clock meanwhile: on a loaded
        # machine its reads push one bounce past the 30 ms window (1 run in 3)
        pytest.skip("each mock-pin stamp reads the clock: 5 ms a read spreads 1 ms of chatter "
                    "past the 30 ms debounce window, which real edges never do")
    plan, _ = compile_plan("rest-pause")
    with make_station(tmp_path, clock) as station:
        pin = station.button.pin
        t, result = run_in_thread(station, plan)

        def wait_reps(n: int) -> None:
            end = time.monotonic() + 5
            while time.monotonic() < end:
                snap = station.loop.last_snapshot
                if snap is not None and snap.total_reps == n:
                    return
                time.sleep(0.005)
            raise AssertionError(f"expected {n} reps, have {station.loop.last_snapshot}")

        for n in range(1, 4):
            # a bouncing contact: four edges within a millisecond of virtual time
            pin.drive_low()
            pin.drive_high()
            pin.drive_low()
            clock.advance(0.001)
            pin.drive_high()
            pin.drive_low()
            clock.advance(0.2)
            pin.drive_high()
            clock.advance(0.5)
            wait_reps(n)
        # a hold: failure, not a rep
        pin.drive_low()
        clock.advance(1.2)
        pin.drive_high()
        end = time.monotonic() + 5
        while station.loop.last_snapshot.phase.value != "REST" and time.monotonic() < end:
            time.sleep(0.005)
        snap = station.loop.last_snapshot
        assert snap.phase.value == "REST" and snap.reps_per_bout == (3,)
        station.loop.post(Quit("test"))
        t.join(timeout=10)
    assert result[0].session.set.status == "interrupted"


@pytest.mark.timeout(30)
def test_cue_goes_at_the_sound_and_saved_only_once_committed(tmp_path):
    """A slow card holds a commit for a second: the remote hears ``CUE rep``
    as the rep sounds, and ``SAVED 1`` only once the rep is on disk."""
    from station.core.events import Rep
    from station.runtime.loop import MainLoop

    clock = FakeClock()
    lines: list[str] = []
    pending: list = []  # commits the "disk" has not finished
    loop = MainLoop(clock, on_cue=lambda c: lines.append(f"CUE {c.name}"),
                    on_saved=lambda n: lines.append(f"SAVED {n}"),
                    record=lambda effect, at: None,
                    after_records=lambda fn, unsaved=None: pending.append(fn))
    plan, _ = compile_plan("rest-pause")
    t = threading.Thread(target=lambda: loop.run_set(plan), daemon=True)
    t.start()
    loop.post(Rep(clock.now()))
    end = time.monotonic() + 5
    while "CUE rep" not in lines and time.monotonic() < end:
        time.sleep(0.005)
    assert lines == ["CUE rep"]  # not held back by the commit
    while not pending and time.monotonic() < end:
        time.sleep(0.005)
    for commit in list(pending):
        commit()  # the fsync returns
    assert lines[-1] == "SAVED 1"
    loop.post(Quit("test"))
    t.join(10)
