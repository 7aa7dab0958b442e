"""The test doubles shipped in station.testing do what their docstrings say
(the suites that use them rely on it)."""

from __future__ import annotations

import os
import queue
import select
import tty

import pytest

from station.core.events import Cue
from station.testing import CreepingClock, CueLog, PtyRemote, ScriptedClock


def test_reading_at_neither_moves_a_creeping_clock_nor_counts_as_a_read():
    clock = CreepingClock(step_s=0.5, start=10.0)
    assert clock.at == 10.0 and clock.at == 10.0 and clock.reads == 0
    assert clock.now() == 10.5 and clock.reads == 1 and clock.at == 10.5


def test_drop_pending_forgets_what_the_script_has_not_handed_out():
    clock = ScriptedClock([(1.0, "a"), (2.0, "b")], start=0.0)
    q: queue.SimpleQueue = queue.SimpleQueue()
    assert clock.get(q, None) == "a"
    assert clock.drop_pending() == 1
    assert clock.next_at() is None
    with pytest.raises(queue.Empty):
        clock.get(q, 5.0)
    assert clock.at == 6.0  # "b" was not handed out at 2.0: the wait ran to its end


def test_cue_log_hears_each_cue_with_its_due_and_called_instants():
    clock = ScriptedClock(start=5.0)
    log = CueLog(clock.now)
    log.play(Cue("rep", 4.0))
    clock.set(7.0)
    log.play(Cue("go", 6.5))
    assert log.heard == [("rep", 4.0, 5.0), ("go", 6.5, 7.0)]
    assert log.named("go") == [("go", 6.5, 7.0)]


def test_pty_remote_bytes_and_lines_and_a_replug_behind_the_same_link(tmp_path):
    link = tmp_path / "remote"
    with PtyRemote(2.0, link=link) as remote:
        assert remote.path == str(link) and os.path.realpath(link) == os.ttyname(remote.slave)
        station = os.open(remote.path, os.O_RDWR | os.O_NOCTTY)  # the station's end
        tty.setraw(station)  # as pyserial sets it: no echo, no line editing
        try:
            remote.write(b"RE")
            remote.send("P")
            got = b""
            while not got.endswith(b"\n"):  # the kernel hands a pty's bytes on in its own time
                assert select.select([station], [], [], 5.0)[0], got
                got += os.read(station, 100)
            assert got == b"REP\n"
            os.write(station, b"HELLO station 1\r\nCUE go\nSTATE REST 1.0 2 0\nSAVED 2\npart")
            assert remote.raw_line() == b"HELLO station 1\r"
            assert remote.line() == "CUE go"
            assert remote.until("SAVED") == ["STATE REST 1.0 2 0", "SAVED 2"]
            with pytest.raises(TimeoutError, match="no line"):
                remote.line(0.05)
        finally:
            os.close(station)
        remote.unplug()
        assert not link.exists()
        remote.plug()
        assert os.path.realpath(link) == os.ttyname(remote.slave)
        assert remote.buf == b""  # nothing carries over a re-plug
    assert not link.exists()
