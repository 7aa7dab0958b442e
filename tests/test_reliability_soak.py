"""Reliability: 8 hours of back-to-back sets through the real main loop on a
jumping virtual clock, with mock GPIO pins and the history writer thread.
Nothing may grow: Python memory (tracemalloc), open files, threads. Then the
real appliance (recorder on a sqlite file, window display on SDL's dummy
driver, speaker on SDL's dummy audio, a pty remote) for hours of fast time,
reporting its memory. (A 10-minute real-time soak is
``station bench --seconds 600``: docs/bench.md.)"""

from __future__ import annotations

import gc
import os
import select
import threading
import tracemalloc

import pytest
from gpiozero.pins.mock import MockFactory

from station.bench.offline import cluster_script
from station.core.events import Cue
from station.core.methods import compile_plan
from station.hw.buttons import ButtonInput
from station.runtime.loop import MainLoop, Quit
from station.runtime.recorder import Recorder
from station.testing.clocks import ScriptedClock

SET_S = 240.0
PERIOD_S = 4 + 15 + 1.5  # one cluster of the scripted lifter


class CountingSink:
    name = "buzzer"

    def __init__(self) -> None:
        self.n = 0

    def play(self, cue: Cue) -> None:
        self.n += 1


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_eight_hours_of_sets_leave_no_growth(tmp_path):
    clock = ScriptedClock(on_empty=lambda: Quit("script ended"))
    sink = CountingSink()
    recorder = Recorder(None, clock.offset_s)  # the writer thread, history off
    loop = MainLoop(clock, sinks=[sink], record=recorder.record)
    factory = MockFactory()
    button = ButtonInput(17, loop.post, clock.now, pin_factory=factory)
    plan, _ = compile_plan("cluster")
    sets = int(8 * 3600 // (SET_S + 2 * PERIOD_S))
    pin = button.pin

    def one_set() -> None:
        first = clock.now() + 1.0
        for at, edge in cluster_script(first, int(SET_S // PERIOD_S) + 2):
            clock.add(at, pin.drive_low if edge.pressed else pin.drive_high)
        res = loop.run_set(plan, until=first + SET_S + 2 * PERIOD_S)
        assert res.snapshot.done_reason == "cap", res.snapshot
        assert res.snapshot.total_reps >= 55
        clock.set(first + SET_S + 2 * PERIOD_S)
        clock.drop_pending()  # presses of the last cluster after the cap
        pin.clear_states()  # a mock pin keeps every state change for tests to inspect

    try:
        half = sets - 16
        for _ in range(half):  # untraced (tracemalloc is slow); the last hour traced
            one_set()
        gc.collect()
        tracemalloc.start()
        fds, threads = open_fds(), threading.active_count()
        base = tracemalloc.take_snapshot()
        for _ in range(sets - half):
            one_set()
        gc.collect()
        diffs = tracemalloc.take_snapshot().compare_to(base, "lineno")
        grown = sum(d.size_diff for d in diffs)
        tracemalloc.stop()
        assert clock.now() - 1000.0 >= 8 * 3600 - 2 * (SET_S + 2 * PERIOD_S)
        assert sink.n > sets * 100  # every set sounded its cues
        assert grown < 64_000, (f"memory grew by {grown} bytes over {sets - half} sets: "
                                + "; ".join(map(str, diffs[:3])))
        assert open_fds() == fds
        assert threading.active_count() == threads
    finally:
        recorder.close()
        button.close()
        factory.close()


def rss_kib() -> int:
    """This process's resident memory, KiB (Python, SDL, sqlite: everything)."""
    with open("/proc/self/status") as f:
        return next(int(ln.split()[1]) for ln in f if ln.startswith("VmRSS:"))


#: Not counted in the heap: what the buzzer and speaker hold (they play every
#: cue in full, in real time, so in fast time cues pile up behind them: a
#: backlog of fast time, reported apart) and the engine's cue values they hold
#: (the engine itself is soaked above without real outputs).
_OUTPUTS = [tracemalloc.Filter(False, f"*/station/{m}") for m in
            ("hw/buzzer.py", "hw/speaker.py", "core/engine.py")]


def heap_bytes() -> int:
    """Python memory in use, outputs' backlog left out (see _OUTPUTS), bytes."""
    snap = tracemalloc.take_snapshot().filter_traces(_OUTPUTS)
    return sum(t.size for t in snap.traces)


def backlog(st) -> int:
    """Cues queued behind the one playing, buzzer and speaker together."""
    return sum(len(getattr(dev, "_waiting", ())) for dev in (st.buzzer, st.speaker) if dev)


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_the_real_appliance_runs_hours_of_sets_in_fast_time_without_growing(tmp_path, capsys):
    """The whole station as it runs at the rack: the real recorder on a real
    sqlite file, the window display (SDL dummy video), the speaker (SDL dummy
    audio), mock GPIO, a pty remote reading every line; virtual time jumps.
    Reports memory over the run (``-s`` shows it)."""
    from station.history.store import History
    from station.runtime.app import Options, Station

    clock = ScriptedClock(on_empty=lambda: Quit("script ended"))
    cfg = tmp_path / "station.toml"
    cfg.write_text("")
    master, slave = os.openpty()
    got = {"CUE": 0, "STATE": 0}
    reading = threading.Event()
    reading.set()

    def drain() -> None:  # the remote reads every line, as a Pico would
        buf = b""
        while reading.is_set():
            if select.select([master], [], [], 0.1)[0]:
                try:
                    buf += os.read(master, 65536)
                except OSError:
                    return
                *lines, buf = buf.split(b"\n")
                for ln in lines:
                    word = ln.split(b" ", 1)[0].decode(errors="replace")
                    if word in got:
                        got[word] += 1

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    hours = float(os.environ.get("STATION_SOAK_HOURS", "2"))
    sets = int(hours * 3600 // (SET_S + 2 * PERIOD_S))
    opts = Options(pins="mock", serial=os.ttyname(slave), display="window", sound=True,
                   db=tmp_path / "h.sqlite3", config=cfg)
    report: list[tuple[int, int, int]] = []
    plan, _ = compile_plan("cluster")
    try:
        with Station(opts, clock=clock, out=lambda text: None) as st:
            assert type(st.screen).__name__ == "ScreenThread"
            assert [s.name for s in st.loop.sinks] == ["buzzer", "speaker"]
            pin = st.button.pin
            tracemalloc.start()
            for n in range(sets):
                first = clock.now() + 1.0
                for at, edge in cluster_script(first, int(SET_S // PERIOD_S) + 2):
                    clock.add(at, pin.drive_low if edge.pressed else pin.drive_high)
                res = st.run_set(plan, "squat", 100.0)
                assert res.snapshot.done_reason == "cap", res.snapshot
                clock.set(first + SET_S + 2 * PERIOD_S)
                clock.drop_pending()  # presses of the last cluster after the cap
                for mock_pin in st.pin_choice.factory.pins.values():
                    mock_pin.clear_states()  # button and buzzer: mock pins keep their history
                if n % max(1, sets // 8) == 0 or n == sets - 1:
                    gc.collect()
                    report.append((n + 1, rss_kib(), heap_bytes(), backlog(st)))
            tracemalloc.stop()
            assert st.recorder.off_reason is None
    finally:
        reading.clear()
        reader.join(2)
        os.close(master)
        os.close(slave)
    with History.open(tmp_path / "h.sqlite3", 0.0, readonly=True) as h:
        recorded = h.sessions(None)
    with capsys.disabled():
        print(f"\nsoak of the real appliance: {sets} sets, {hours:g} h of virtual time")
        for n, rss, heap, waiting in report:
            print(f"  after set {n:4d}: RSS {rss / 1024:7.1f} MiB, Python heap {heap / 1024:8.1f} KiB,"
                  f" {waiting} cues waiting to play")
    assert len(recorded) == sets and all(s["status"] == "completed" for s in recorded)
    assert all(sum(b["reps"] for b in s["bouts"]) >= 55 for s in recorded)
    assert got["CUE"] > sets * 60 and got["STATE"] > sets * 30  # the remote heard the sets
    # after the first eighth: the Python heap does not grow
    (_, rss_early, heap_early, _), (_, rss_end, heap_end, _) = report[1], report[-1]
    assert heap_end - heap_early < 256 * 1024, report
    # the process may grow while the renderer's surface caches fill, up to their bound
    from station.ui.pygame.render import BIG_CACHE_BYTES, TEXT_CACHE_BYTES

    assert rss_end - rss_early < (TEXT_CACHE_BYTES + BIG_CACHE_BYTES) // 1024 + 8 * 1024, report
