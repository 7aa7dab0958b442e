"""The main loop sleeps until something happens, and a timed cue does not
wait for a late wake-up.

- In the menu and in a rest with no deadline near, the real loop blocks in
  one wait that no timeout ends (it used to wake every 0.5 s to look for
  signals: 2 wake-ups a second of a resting station's CPU).
- A SIGTERM that the kernel hands to another thread ends the station at
  once: the signal itself wakes the loop's wait (it used to be seen only
  when that 0.5 s wait ran out).
- The wait for a deadline with cues ends a little early and polls the rest
  of the way: on a clock whose waits end 1 ms late (the kernel or the
  hypervisor waking the thread late), the count-in, the go and the cap
  still reach the buzzer at their due instant; a press in that last stretch
  is handled at once; other waits (the menu, a deadline with no cue) sleep
  as before. On the real clock: the cues in order, none early, none lost.
"""

from __future__ import annotations

import queue
import signal
import threading
import time

import pytest

from station.core.between import Between
from station.core.events import Phase, Rep
from station.core.methods import compile_plan
from station.runtime.app import STOP_SIGNALS, Options, Station
from station.runtime.loop import CUE_EARLY_S, MainLoop, Quit
from station.testing import CountingClock, CueLog, LateClock

#: How long the resting loop is watched, real s: the old loop woke at 0.5 s.
IDLE_S = 0.7
TIMED = {"count", "go", "cap"}


def station(tmp_path, clock) -> Station:
    cfg = tmp_path / "station.toml"
    cfg.write_text("")
    opts = Options(pins="mock", display="none", db=tmp_path / "h.sqlite3", config=cfg, sound=False)
    return Station(opts, clock=clock, out=lambda text: None)


def later(fn, *args) -> threading.Thread:
    t = threading.Thread(target=fn, args=args, daemon=True)
    t.start()
    return t


def test_a_rest_sleeps_until_its_count_in() -> None:
    clock = CountingClock()
    plan, _ = compile_plan("cluster")  # 5 reps, then a 15 s rest
    loop = MainLoop(clock)
    rest_began: list[float] = []
    resting = threading.Event()

    def seen(snap) -> None:
        if snap.phase is Phase.REST and not rest_began:
            rest_began.append(clock.now())
            resting.set()

    loop.watch_state(seen)

    def lifter() -> None:
        for _ in range(5):
            loop.post(Rep(clock.now()))
        resting.wait(30)
        time.sleep(IDLE_S)
        loop.post(Quit("end"))

    t = later(lifter)
    result = loop.run_set(plan)
    t.join(5)
    assert result.quit == Quit("end") and rest_began
    in_rest = [w for w in clock.waits if w.at >= rest_began[0]]
    # one wait, for the count-in 12 s away, ended by the Quit: nothing woke it before
    assert [w.outcome for w in in_rest] == ["item"], in_rest
    assert in_rest[0].timeout_s is not None and in_rest[0].timeout_s > 10


def test_the_menu_sleeps_until_something_comes(tmp_path) -> None:
    clock = CountingClock()
    with station(tmp_path, clock) as st:
        def lifter() -> None:
            clock.waiting.wait(30)
            time.sleep(IDLE_S)
            st.post(Quit("end"))

        t = later(lifter)
        assert st.run() == 0
        t.join(5)
    assert st.loop.quit == Quit("end")
    assert clock.waits and clock.ran_out() == [], clock.waits
    assert all(w.timeout_s is None for w in clock.waits)  # no watchdog here: nothing to wake for


@pytest.mark.timeout(30)
def test_sigterm_to_another_thread_ends_the_menu_at_once(tmp_path) -> None:
    clock = CountingClock()
    previous = {s: signal.getsignal(s) for s in STOP_SIGNALS}
    sent: list[float] = []
    try:
        with station(tmp_path, clock) as st:
            st.install_signals()

            def kill() -> None:
                clock.waiting.wait(30)
                sent.append(time.monotonic())
                # to this thread: only its C handler runs here, the Python one
                # waits for the main thread, which sleeps in the menu
                signal.pthread_kill(threading.get_ident(), signal.SIGTERM)

            t = later(kill)
            assert st.run() == 0
            ended = time.monotonic()
            t.join(5)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    assert st.loop.quit == Quit("SIGTERM")
    # the wait the signal came in did not have to run out first (it has no timeout)
    assert clock.ran_out() == [], clock.waits
    assert sent and ended - sent[0] < 5.0  # generous: a loaded machine


# ------------------------------------------------------------ point 2: late wake-ups

def cluster_on(clock, sinks, until_s: float = 60.0) -> MainLoop:
    """Three clusters of five reps (one a second) from t0 + 1 s."""
    plan, _ = compile_plan("cluster")
    t0 = clock.now()
    for k in range(3):
        for i in range(5):
            at = t0 + 1 + 20 * k + i
            clock.add(at, Rep(at))
    loop = MainLoop(clock, sinks=sinks)
    loop.run_set(plan, until=t0 + until_s)
    return loop


def test_the_late_clock_wakes_late() -> None:
    # the double does what it models: a plain wait that runs out ends late
    from station.runtime.inbox import Inbox

    clock = LateClock(late_s=0.001)
    t0 = clock.at
    with pytest.raises(queue.Empty):
        clock.get(Inbox(), 1.0)
    assert clock.at == pytest.approx(t0 + 1.001)


def test_a_late_wake_up_does_not_make_a_timed_cue_late() -> None:
    clock = LateClock(late_s=0.001, on_empty=lambda: Quit("end"))
    log = CueLog(clock.now)
    cluster_on(clock, [log])
    timed = [(c.name, called - c.at) for c, called in log.calls if c.name in TIMED]
    assert [n for n, _ in timed].count("go") >= 2 and [n for n, _ in timed].count("count") >= 6
    late = [(n, round(lag * 1000, 3)) for n, lag in timed if lag > 0.0001]
    assert late == [], f"timed cues late (name, ms): {late}"
    assert all(lag >= 0 for _, lag in timed)  # and none early
    # every polled wait ended at an instant with a cue due
    due = {c.at for c, _ in log.calls if c.name in TIMED}
    assert clock.sharp and all(any(abs(at + t - d) < 1e-6 for d in due) for at, t in clock.sharp)


def test_a_press_in_the_polled_stretch_is_handled_at_once() -> None:
    # the end of the first rest: the sleep before its go ends 1 ms late, 1 ms
    # before the go (2 ms early); the lifter starts 0.5 ms early, while the loop polls: the
    # rep ends the rest, and its go and rep go out as it comes, not at the
    # instant the loop was polling for
    probe_clock = LateClock(late_s=0.0)  # both start at 1000 s
    probe = CueLog(probe_clock.now)
    cluster_on(probe_clock, [probe], until_s=25)
    go_at = next(c.at for c, _ in probe.calls if c.name == "go")
    clock = LateClock(late_s=CUE_EARLY_S / 2, on_empty=lambda: Quit("end"))
    press_at = go_at - CUE_EARLY_S / 4
    clock.add(press_at, Rep(press_at))
    log = CueLog(clock.now)
    cluster_on(clock, [log], until_s=25)
    assert any(at <= press_at < at + t for at, t in clock.sharp)  # it came while polling
    heard = [(c.name, called) for c, called in log.calls if c.at == press_at]
    assert [n for n, _ in heard] == ["go", "rep"], log.cues
    assert all(called - press_at < 0.0002 for _, called in heard), heard


def test_between_sets_the_loop_sleeps_without_polling() -> None:
    clock = LateClock(on_empty=lambda: Quit("end"))
    loop = MainLoop(clock)
    assert loop.wait_gesture(until=clock.now() + 30) is Between.TIMEOUT
    assert clock.sharp == []


def test_real_clock_cues_in_order_none_early_none_lost() -> None:
    # a short real-time set: two reps, a 0.5 s rest, its go, the cap
    clock = CountingClock()
    plan, _ = compile_plan("cluster", {"reps": 2, "rest": 0.5, "duration": 1.0})
    log = CueLog(clock.now)
    loop = MainLoop(clock, sinks=[log])

    class QuitAtCap:
        name = "quitter"

        def play(self, cue) -> None:
            if cue.name == "cap":
                loop.post(Quit("end"))

    loop.sinks.append(QuitAtCap())
    t0 = clock.now()
    loop.post(Rep(t0))
    loop.post(Rep(clock.now()))
    loop.run_set(plan, until=t0 + 10)
    names = [c.name for c, _ in log.calls]
    assert "go" in names and "cap" in names, names
    assert [c.at for c, _ in log.calls] == sorted(c.at for c, _ in log.calls)
    assert all(called >= c.at for c, called in log.calls), log.heard
