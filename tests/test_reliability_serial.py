"""Reliability: the serial remote abused, with the whole station on the real
clock (mock pins, no display, no sound): garbage, a flood, unplug/re-plug.

The remote is a pty reached through a symlink, so "re-plug" is a new pty
behind the same name, as a USB device coming back under /dev/serial/by-id.
"""

from __future__ import annotations

import random
import threading
import time
from pathlib import Path

import pytest

from station.core.methods import compile_plan
from station.runtime.app import Options, Station
from station.testing import PtyRemote


@pytest.fixture
def remote(tmp_path):
    r = PtyRemote(5.0, link=tmp_path / "remote")
    yield r
    r.unplug()


def station(tmp_path: Path, serial: str, config: str = "") -> Station:
    cfg = tmp_path / "station.toml"
    cfg.write_text(config)
    return Station(Options(pins="mock", serial=serial, display="none", sound=False,
                           db=tmp_path / "h.sqlite3", config=cfg), out=lambda t: None)


def cues_recorded(db: Path) -> list[tuple[str, float, float | None]]:
    """(name, due_at, sounded_at) of every cue in the history, in order
    (the ``cues`` table of docs/history.md; instants UTC s)."""
    import sqlite3

    c = sqlite3.connect(f"{db.absolute().as_uri()}?mode=ro", uri=True)
    try:
        return c.execute("SELECT name, due_at, sounded_at FROM cues ORDER BY id").fetchall()
    finally:
        c.close()


def run_set(st: Station, plan):
    out: list = []
    t = threading.Thread(target=lambda: out.append(st.run_set(plan, None, None)), daemon=True)
    t.start()
    return t, out


@pytest.mark.timeout(30)
def test_garbage_nul_bytes_cr_only_and_overlong_lines_never_stop_the_counting(tmp_path, remote):
    rng = random.Random(3)
    plan, _ = compile_plan("rest-pause")
    with station(tmp_path, remote.path) as st:
        remote.until("HELLO")
        t, out = run_set(st, plan)
        remote.until("STATE READY")
        junk = [bytes(rng.randrange(256) for _ in range(rng.randint(1, 300))) + b"\n"
                for _ in range(50)]
        junk += [b"\x00" * 40 + b"\n", b"REP\x00\n", b"X" * 10000 + b"\n", b"REP\rREP\rREP\r\n"]
        for chunk in junk:
            remote.write(chunk.replace(b"REP\n", b"XXX\n"))  # no accidental REP line
        for _ in range(3):
            remote.write(b"REP\n")
        got = remote.until("STATE WORK - 3")
        st.loop.post(__import__("station.runtime.loop", fromlist=["Quit"]).Quit("test"))
        t.join(5)
    assert [ln for ln in got if ln.startswith("CUE ")].count("CUE rep") == 3
    assert out[0].snapshot.total_reps == 3


@pytest.mark.timeout(30)
@pytest.mark.slow
def test_a_flood_of_10000_lines_a_second_keeps_cue_timing_and_counts(tmp_path, remote):
    plan, _ = compile_plan("cluster", {"reps": 2, "rest": 1.0, "duration": 1.6})
    stop = threading.Event()

    def flood() -> None:  # 10,000 lines a second of noise (and PINGs the station answers)
        line = b"NOISE 123\nPING\n" * 50
        while not stop.is_set():
            t0 = time.monotonic()
            try:
                remote.write(line)
            except OSError:
                return
            stop.wait(max(0.0, 0.01 - (time.monotonic() - t0)))

    def reader() -> None:  # keep the pty drained as a remote would
        while not stop.is_set():
            remote.drain(0.05)

    with station(tmp_path, remote.path) as st:
        remote.until("HELLO")
        threads = [threading.Thread(target=f, daemon=True) for f in (flood, reader)]
        for th in threads:
            th.start()
        try:
            t, out = run_set(st, plan)
            time.sleep(0.3)  # let the flood build up before the set's first rep
            for pause_s in (0.1, 1.8, 0.1, 0.1):  # 2 reps, the rest and the cap pass, 2 more
                remote.write(b"REP\n")
                time.sleep(pause_s)
            t.join(10)
        finally:
            stop.set()
            for th in threads:
                th.join(2)
    res = out[0]
    assert res.snapshot.reps_per_bout == (2, 2)
    assert res.snapshot.done_reason == "cap"
    # Every cue sounded, in order, none skipped as stale (> 1 s late) under the flood.
    # (How late, in ms, is a timing figure: `station bench`, docs/bench.md.)
    heard = cues_recorded(tmp_path / "h.sqlite3")
    assert [n for n, _, _ in heard if n != "count"] == [
        "rep", "rep", "rest", "go", "cap", "rep", "rep", "done"], heard
    assert all(sounded is not None for _, _, sounded in heard)


@pytest.mark.timeout(30)
@pytest.mark.slow
def test_unplug_and_replug_during_a_rest_the_rest_still_ends_on_time(tmp_path, remote):
    plan, _ = compile_plan("cluster", {"reps": 2, "rest": 2.0, "duration": 60.0})
    # reconnect promptly (the default backs off to 5 s)
    with station(tmp_path, remote.path, "[serial]\nreconnect_max_s = 0.1\n") as st:
        assert not st.notes, st.notes  # the config was taken as it is
        remote.until("HELLO")
        t, out = run_set(st, plan)
        remote.until("STATE READY")
        remote.write(b"REP\nREP\n")
        remote.until("CUE rest")
        remote.unplug()
        time.sleep(0.5)
        remote.plug()
        got = remote.until("STATE WORK", timeout=5)  # HELLO, the rest's state, then the go
        assert got[0].startswith("HELLO")
        remote.write(b"REP\nREP\n")
        remote.until("CUE rest")
        from station.runtime.loop import Quit

        st.loop.post(Quit("test"))
        t.join(5)
        notes = dict(st.loop.notes)
    res = out[0]
    assert res.snapshot.reps_per_bout[:2] == (2, 2)
    # The unplug did not move the rest: the go was due exactly 2.0 s after the rest
    # began, and it sounded (how late in ms is for `station bench`).
    heard = cues_recorded(tmp_path / "h.sqlite3")
    rest_at = next(due for n, due, _ in heard if n == "rest")
    go_due, go_sounded = next((due, sounded) for n, due, sounded in heard if n == "go")
    assert go_due == pytest.approx(rest_at + 2.0, abs=1e-6) and go_sounded is not None
    assert "remote" in notes


@pytest.mark.timeout(30)
def test_remote_lost_and_back_reach_stderr_once_per_change(tmp_path, remote):
    """The journal (stderr under systemd) hears each change of the link once,
    not only the screen."""
    from station.runtime.app import Options, Station
    from station.testing import FakeClock

    cfg = tmp_path / "station.toml"
    cfg.write_text("")
    said: list[str] = []
    opts = Options(pins="mock", display="none", db=tmp_path / "h.sqlite3", config=cfg,
                   sound=False, serial=remote.path)
    with Station(opts, clock=FakeClock(), out=said.append):
        remote.unplug()
        deadline = time.monotonic() + 10
        while not any("remote lost" in s for s in said) and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.7)  # a reopen attempt (after 0.5 s) fails meanwhile: nothing more is said
    remote_lines = [s for s in said if "remote" in s]
    assert len(remote_lines) == 1 and remote_lines[0].startswith("station: remote lost: "), said
