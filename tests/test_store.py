"""The history file: crash safety, bad files, migrations, history/export output."""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import textwrap
import types
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import station
from station.commands import export as export_cmd
from station.commands import history as history_cmd
from station.core.events import Bout, BoutChanged, BoutRemoved, Cue, SetChanged
from station.core.guardrails import lookback_start
from station.history.schema import MIGRATIONS, Migration, migrate
from station.history.store import History, HistoryError, NullHistory, open_history

# Monotonic second 100.0 is 2026-11-23 18:58:13.000 UTC.
T0 = datetime(2026, 11, 23, 18, 58, 13, tzinfo=UTC)
OFFSET_S = T0.timestamp() - 100.0
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
REPO = Path(station.__file__).resolve().parent.parent


def iso(mono_s: float) -> str:
    dt = T0 + timedelta(seconds=mono_s - 100.0)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def record_cluster(h: History, at: float = 100.0, method: str = "cluster",
                   exercise: str | None = "squat", reps=(5, 5, 4)) -> int:
    """A whole cluster set as the engine would emit it: bouts 2 s a rep, 15 s rests."""
    sid = h.begin_session(method, exercise, 100.0, {"reps": 5, "rest": 15.0},
                          "5 reps, 15 s rest", at=at)
    h.apply(SetChanged("running", at + 1.0))
    t = at + 1.0
    for i, n in enumerate(reps):
        start = t
        times: tuple[float, ...] = ()
        for _ in range(n):
            times += (t,)
            h.apply(BoutChanged(Bout(i, start, 100.0, rest_before_s=15.0 if i else None,
                                     rep_times=times)))
            h.apply(Cue("rep", t), actual_at=t + 0.003)
            t += 2.0
        h.apply(BoutChanged(Bout(i, start, 100.0, rest_before_s=15.0 if i else None,
                                 rep_times=times, ended_at=t - 2.0, end_reason="target")))
        h.apply(Cue("rest", t - 2.0), actual_at=t - 2.0 + 0.010)
        t += 13.0
    h.apply(SetChanged("completed", at + 1.0, ended_at=t - 15.0, done_reason="cap"))
    h.apply(Cue("done", t - 15.0), actual_at=t - 15.0 + 0.005)
    h.end_session()
    return sid


def made_connections(mp: pytest.MonkeyPatch) -> list[sqlite3.Connection]:
    """Every sqlite3 connection opened from now on, the History's first: the
    test made them (as the storage fault tests wrap theirs), so it may ask
    or set their per-connection pragmas."""
    made: list[sqlite3.Connection] = []
    real_connect = sqlite3.connect

    def connect(*args, **kwargs):
        made.append(real_connect(*args, **kwargs))
        return made[-1]

    mp.setattr(sqlite3, "connect", connect)
    return made


# ---------------------------------------------------------------- crash safety

CHILD = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from station.core.events import Bout, BoutChanged, Cue, SetChanged
    from station.history.store import History

    h = History.open(Path(sys.argv[1]), 0.0)
    h.begin_session("rest-pause", "squat", 100.0, {}, "", at=1.0)
    h.apply(SetChanged("running", 1.0))
    times = ()
    for n in range(1, 100000):
        times += (1.0 + n,)
        h.apply(BoutChanged(Bout(0, 2.0, 100.0, rep_times=times)))
        h.apply(Cue("rep", 1.0 + n), actual_at=1.0 + n)
        print("rep", n, flush=True)
    """
)


def test_sigkill_mid_set_loses_nothing_printed_and_next_start_marks_it_interrupted(tmp_path):
    db = tmp_path / "history.sqlite3"
    env = dict(os.environ, PYTHONPATH=str(REPO))
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(db)], stdout=subprocess.PIPE,
                             text=True, env=env)
    try:
        for line in child.stdout:
            if line.strip() == "rep 25":
                child.send_signal(signal.SIGKILL)
                break
        rest = child.stdout.read()  # lines printed before the kill landed
    finally:
        child.kill()
        child.wait(timeout=10)
        child.stdout.close()
    assert child.returncode == -signal.SIGKILL
    printed = 25 + len(rest.splitlines())

    with History.open(db, 0.0) as h:
        [s] = h.sessions(5)
        assert s["status"] == "running"
        reps = s["bouts"][0]["reps"]
        # Every rep acknowledged was committed; at most the one in flight is extra.
        assert printed <= reps <= printed + 1
        assert h.mark_interrupted() == 1
        [s] = h.sessions(5)
        assert s["status"] == "interrupted"
        # It ends at its last recorded instant, not at the restart.
        assert s["ended_at"] == s["bouts"][0]["rep_times"][-1]
        assert s["lateness_ms"]["cues"] >= printed
        # ...and the station carries on.
        record_cluster(h, at=10_000.0)
        assert [x["status"] for x in h.sessions(5)] == ["completed", "interrupted"]
        assert h.mark_interrupted() == 0


def test_close_with_a_set_still_running_marks_it_interrupted(tmp_path):
    db = tmp_path / "h.sqlite3"
    with History.open(db, OFFSET_S) as h:
        h.begin_session("cluster", "squat", 100.0, {}, "", at=100.0)
        h.apply(BoutChanged(Bout(0, 101.0, rep_times=(101.0, 103.5))))
    with History.open(db, OFFSET_S) as h:
        [s] = h.sessions(1)
        assert (s["status"], s["ended_at"]) == ("interrupted", iso(103.5))
        assert h.mark_interrupted() == 0


def test_abandon_leaves_a_set_running_on_disk_as_a_crash_does(tmp_path):
    """abandon() closes the file as a crash would: the set stays running on
    disk until the next start marks it interrupted at its last instant."""
    db = tmp_path / "h.sqlite3"
    with History.open(db, OFFSET_S) as h:
        h.begin_session("cluster", "squat", 100.0, {}, "", at=100.0)
        h.apply(BoutChanged(Bout(0, 101.0, rep_times=(101.0, 103.5))))
        h.abandon()
        assert h.session_id is None
        h.apply(Cue("rep", 104.0), actual_at=104.0)  # closed: nothing more is written
    with History.open(db, OFFSET_S, readonly=True) as h:
        [s] = h.sessions(1)
        assert (s["status"], s["ended_at"], s["bouts"][0]["reps"]) == ("running", None, 2)
    with History.open(db, OFFSET_S) as h:
        assert h.mark_interrupted() == 1
        [s] = h.sessions(1)
        assert (s["status"], s["ended_at"]) == ("interrupted", iso(103.5))


def test_readers_of_other_tables_in_the_file_read_through_history_read(tmp_path, capsys):
    """History.read runs a reader's SELECTs on the open file (the coach's
    per-station query does); a History that is closed or off says so."""
    db = tmp_path / "h.sqlite3"
    with History.open(db, OFFSET_S) as h:
        record_cluster(h)
    with History.open(db, OFFSET_S, readonly=True) as h:
        assert h.read(lambda c: c.execute("SELECT COUNT(*) FROM reps").fetchone()[0]) == 14
    with pytest.raises(HistoryError, match="history off"):
        h.read(lambda c: c.execute("SELECT 1").fetchone())
    assert history_cmd.station_sessions(h, "rack-1", 5) == 2
    assert capsys.readouterr().err == f"station history: {db}: history off\n"


def test_every_event_is_committed_as_it_happens(tmp_path, monkeypatch):
    """Another connection sees each rep and cue as soon as apply returns."""
    db = tmp_path / "h.sqlite3"
    made = made_connections(monkeypatch)
    with History.open(db, OFFSET_S) as h:
        h.begin_session("cluster", "squat", 100.0, {}, "", at=100.0)
        h.apply(BoutChanged(Bout(0, 101.0, rep_times=(101.0,))))
        h.apply(Cue("rep", 101.0), actual_at=101.004)
        with sqlite3.connect(db) as other:
            assert other.execute("SELECT COUNT(*) FROM reps").fetchone() == (1,)
            assert other.execute("SELECT COUNT(*) FROM cues").fetchone() == (1,)
            assert other.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        other.close()
        # FULL: each commit syncs the WAL, so a power cut loses at most the event in flight.
        assert made[0].execute("PRAGMA synchronous").fetchone() == (2,)


# ---------------------------------------------------------------- bad files


def _no_side_files(db: Path) -> bool:
    return not any(Path(f"{db}{s}").exists() for s in ("-wal", "-shm", "-journal"))


def test_garbage_file_gives_null_history_and_is_left_untouched(tmp_path):
    db = tmp_path / "history.sqlite3"
    garbage = bytes(range(256)) * 40
    db.write_bytes(garbage)
    h = open_history(db, OFFSET_S)
    assert isinstance(h, NullHistory)
    assert str(db) in h.off_reason and "not an SQLite database" in h.off_reason
    # It accepts the whole set and records nothing.
    with h:
        assert h.mark_interrupted() == 0
        assert record_cluster(h) == 0
        h.record_spotter(101.0)
        h.record_warning("careful", 100.0)
        assert h.sessions(10) == [] and h.recent("cluster", "squat", T0) == []
    assert db.read_bytes() == garbage
    assert _no_side_files(db)


def test_sqlite_file_with_a_corrupt_body_is_left_untouched(tmp_path):
    db = tmp_path / "history.sqlite3"
    with History.open(db, OFFSET_S) as h:
        record_cluster(h)
    data = bytearray(db.read_bytes())
    data[100:] = b"\xa5" * (len(data) - 100)  # keep the header, smash every page
    db.write_bytes(bytes(data))
    h = open_history(db, OFFSET_S)
    assert isinstance(h, NullHistory)
    assert str(db) in h.off_reason
    assert db.read_bytes() == bytes(data)


def test_a_database_of_another_program_is_not_written_to(tmp_path):
    db = tmp_path / "other.sqlite3"
    with sqlite3.connect(db) as c:
        c.execute("CREATE TABLE contacts (name TEXT)")
    c.close()
    before = db.read_bytes()
    h = open_history(db, OFFSET_S)
    assert isinstance(h, NullHistory)
    assert "not a station history file" in h.off_reason and "contacts" in h.off_reason
    assert db.read_bytes() == before


def test_a_file_from_a_newer_station_is_not_touched(tmp_path):
    db = tmp_path / "h.sqlite3"
    History.open(db, OFFSET_S).close()
    with sqlite3.connect(db) as c:
        c.execute("PRAGMA user_version = 99")
    c.close()
    before = db.read_bytes()
    h = open_history(db, OFFSET_S)
    assert isinstance(h, NullHistory) and "newer" in h.off_reason
    assert db.read_bytes() == before


@pytest.fixture
def make_readonly():
    """Make a file or folder unwritable, even for root (chattr +i); undone after."""
    undo = []

    def make(path: Path) -> None:
        if os.geteuid() == 0:
            r = subprocess.run(["chattr", "+i", str(path)], capture_output=True)
            if r.returncode != 0:
                pytest.skip(f"running as root and chattr +i failed: {r.stderr!r}")
            undo.append(lambda: subprocess.run(["chattr", "-i", str(path)], check=True))
        else:
            mode = path.stat().st_mode
            path.chmod(0o555 if path.is_dir() else 0o444)
            undo.append(lambda: path.chmod(mode))

    yield make
    for u in reversed(undo):
        u()


def test_read_only_file_gives_null_history_and_is_left_untouched(tmp_path, make_readonly):
    db = tmp_path / "history.sqlite3"
    with History.open(db, OFFSET_S) as h:
        record_cluster(h)
    before = db.read_bytes()
    make_readonly(db)
    h = open_history(db, OFFSET_S)
    assert isinstance(h, NullHistory)
    assert h.off_reason == f"history off: {db}: file is read-only"
    assert record_cluster(h) == 0
    assert db.read_bytes() == before
    assert _no_side_files(db)


def test_read_only_folder_gives_null_history(tmp_path, make_readonly):
    folder = tmp_path / "data"
    folder.mkdir()
    make_readonly(folder)
    h = open_history(folder / "history.sqlite3", OFFSET_S)
    assert isinstance(h, NullHistory)
    assert "read-only" in h.off_reason and str(folder) in h.off_reason
    assert list(folder.iterdir()) == []


def test_folder_that_cannot_be_created_gives_null_history(tmp_path):
    blocker = tmp_path / "station"
    blocker.write_text("a file where the folder should be")
    h = open_history(blocker / "history.sqlite3", OFFSET_S)
    assert isinstance(h, NullHistory)
    assert "cannot create folder" in h.off_reason and str(blocker) in h.off_reason


def test_a_missing_folder_is_created(tmp_path):
    db = tmp_path / "deep" / "er" / "history.sqlite3"
    with open_history(db, OFFSET_S) as h:
        assert isinstance(h, History) and h.off_reason is None
    assert db.exists()


def test_a_write_failure_mid_set_turns_history_off_instead_of_stopping_the_set(tmp_path,
                                                                               monkeypatch):
    db = tmp_path / "h.sqlite3"
    made = made_connections(monkeypatch)
    with History.open(db, OFFSET_S) as h:
        h.begin_session("cluster", "squat", 100.0, {}, "", at=100.0)
        h.apply(BoutChanged(Bout(0, 101.0, rep_times=(101.0,))))
        # Simulate a full disk: the file may not grow any more.
        [conn] = made
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")
        for n in range(2, 3000):
            h.apply(Cue("warn", 100.0 + n, "x" * 500), actual_at=100.0 + n)
            if h.off_reason:
                break
        assert h.off_reason is not None and "full" in h.off_reason and str(db) in h.off_reason
        # Everything afterwards is accepted and ignored.
        h.apply(BoutChanged(Bout(0, 101.0, rep_times=(101.0, 103.0))))
        h.end_session("completed", 110.0)
        assert h.sessions(5) == []
    with History.open(db, OFFSET_S) as h:
        [s] = h.sessions(5)
        assert s["bouts"][0]["reps"] == 1  # what was committed before is kept


def test_misuse_is_a_loud_error(tmp_path):
    with History.open(tmp_path / "h.sqlite3", OFFSET_S) as h:
        with pytest.raises(RuntimeError, match="no session"):
            h.apply(Cue("rep", 1.0))
        h.begin_session("cluster", None, None, {}, "", at=1.0)
        with pytest.raises(RuntimeError, match="still running"):
            h.begin_session("cluster", None, None, {}, "", at=2.0)
        with pytest.raises(ValueError, match="no final SetChanged"):
            h.end_session()
        with pytest.raises(ValueError, match="'done'"):
            h.end_session("done", 3.0)


# ---------------------------------------------------------------- migrations


def test_a_version_0_file_is_migrated_to_the_current_schema(tmp_path):
    db = tmp_path / "h.sqlite3"
    with sqlite3.connect(db) as c:
        c.execute("VACUUM")  # a valid, empty database: user_version 0, no tables
    c.close()
    with History.open(db, OFFSET_S) as h:
        record_cluster(h)
    with sqlite3.connect(db) as c:
        assert c.execute("PRAGMA user_version").fetchone() == (MIGRATIONS[-1].to,)
    c.close()


NOW = len(MIGRATIONS)  # the schema version this station writes
V2 = Migration(NOW + 1, "test: perceived exertion per session", (
    "ALTER TABLE sessions ADD COLUMN rpe REAL",
    "UPDATE sessions SET rpe = 8 WHERE status = 'completed'",
))


def test_an_older_file_migrates_forward_keeping_its_data(tmp_path):
    db = tmp_path / "h.sqlite3"
    with History.open(db, OFFSET_S) as h:
        record_cluster(h)
    conn = sqlite3.connect(db, isolation_level=None)
    assert migrate(conn, MIGRATIONS + (V2,)) == (NOW, NOW + 1)
    assert conn.execute("PRAGMA user_version").fetchone() == (NOW + 1,)
    assert conn.execute("SELECT rpe, method FROM sessions").fetchall() == [(8.0, "cluster")]
    assert conn.execute("SELECT COUNT(*) FROM reps").fetchone() == (14,)
    assert migrate(conn, MIGRATIONS + (V2,)) == (NOW + 1, NOW + 1)  # nothing left to do
    conn.close()


def test_a_failing_migration_leaves_the_file_as_it_was(tmp_path):
    db = tmp_path / "h.sqlite3"
    with History.open(db, OFFSET_S) as h:
        record_cluster(h)
    broken = Migration(NOW + 1, "broken", ("ALTER TABLE sessions ADD COLUMN rpe REAL",
                                     "UPDATE no_such_table SET x = 1"))
    conn = sqlite3.connect(db, isolation_level=None)
    with pytest.raises(sqlite3.OperationalError, match="no_such_table"):
        migrate(conn, MIGRATIONS + (broken,))
    assert conn.execute("PRAGMA user_version").fetchone() == (NOW,)
    columns = [r[1] for r in conn.execute("PRAGMA table_info(sessions)")]
    assert "rpe" not in columns
    conn.close()
    with History.open(db, OFFSET_S) as h:
        assert len(h.sessions(5)) == 1


def test_migrations_must_be_numbered_in_order(tmp_path):
    conn = sqlite3.connect(tmp_path / "h.sqlite3", isolation_level=None)
    with pytest.raises(ValueError, match=f"numbered {NOW + 2}, expected {NOW + 1}"):
        migrate(conn, MIGRATIONS + (Migration(NOW + 2, "skips one", ()),))
    conn.close()


def first_start_cut_off(db: Path) -> None:
    """What a SIGKILL during the very first start leaves: the journal mode is
    in the header, the schema's transaction is cut off before its commit."""
    child = textwrap.dedent(f"""
        import os, signal, sqlite3
        from station.history.schema import MIGRATIONS
        c = sqlite3.connect({str(db)!r}, isolation_level=None)
        c.execute("PRAGMA journal_mode = WAL")
        c.execute("BEGIN IMMEDIATE")
        for sql in MIGRATIONS[0].statements[:3]:
            c.execute(sql)
        os.kill(os.getpid(), signal.SIGKILL)
        """)
    r = subprocess.run([sys.executable, "-c", child], env=dict(os.environ, PYTHONPATH=str(REPO)))
    assert r.returncode == -signal.SIGKILL


def test_a_first_start_cut_off_reads_as_an_empty_history_and_is_then_migrated(tmp_path, capsys):
    db = tmp_path / "h.sqlite3"
    first_start_cut_off(db)
    before = db.read_bytes()
    with History.open(db, OFFSET_S, readonly=True) as h:
        assert h.sessions(5) == [] and h.recent("cluster", "squat", T0) == []
    for argv, want in ((["history", "--db", str(db)], "no sets recorded yet\n"),
                       (["history", "--json", "--db", str(db)], "[]\n")):
        args = parse(history_cmd, argv)
        assert args.func(args) == 0
        assert capsys.readouterr().out == want
    args = parse(export_cmd, ["export", "--csv", "-", "--db", str(db)])
    assert args.func(args) == 0
    assert capsys.readouterr().out.strip() == ",".join(export_cmd.COLUMNS)
    assert db.read_bytes() == before  # reading never writes
    with History.open(db, OFFSET_S) as h:  # the station migrates it
        record_cluster(h)
    with History.open(db, OFFSET_S, readonly=True) as h:
        assert len(h.sessions(5)) == 1


def test_schema_creation_is_one_transaction(tmp_path):
    db = tmp_path / "h.sqlite3"
    broken = Migration(1, "v1 failing at its end", MIGRATIONS[0].statements + ("CREATE oops",))
    conn = sqlite3.connect(db, isolation_level=None)
    with pytest.raises(sqlite3.OperationalError):
        migrate(conn, (broken,))
    conn.close()
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT name FROM sqlite_master").fetchall() == []
    assert conn.execute("PRAGMA user_version").fetchone() == (0,)
    conn.close()
    with History.open(db, OFFSET_S) as h:
        record_cluster(h)


# ---------------------------------------------------------------- not training


def test_the_demo_never_writes_into_the_users_history(tmp_path, monkeypatch):
    from station.commands import demo
    from station.runtime import app

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    seen = []
    real_station = app.Station

    class Spy(real_station):
        def __init__(self, opts, **kw):
            seen.append(opts.db)
            super().__init__(opts, out=lambda text: None, **kw)
            self.button = None  # the demo stops at once: no lifter needed

    monkeypatch.setattr(app, "Station", Spy)
    parser = argparse.ArgumentParser(prog="station")
    demo.add_parser(parser.add_subparsers())
    for argv in (["demo", "--display", "none", "--no-sound"],
                 ["demo", "--display", "none", "--no-sound", "--db", str(tmp_path / "mine.sqlite3")]):
        args = parser.parse_args(argv)
        args.func(args)
    throwaway, chosen = seen
    assert chosen == tmp_path / "mine.sqlite3" and chosen.exists()  # --db: that file
    assert not throwaway.exists() and not throwaway.parent.exists()  # deleted afterwards
    assert not (tmp_path / "data").exists()  # the user's default history was never made


def test_a_session_interrupted_before_its_first_rep_is_kept_marked_and_not_shown(tmp_path, capsys):
    db = tmp_path / "h.sqlite3"
    with History.open(db, OFFSET_S) as h:
        record_cluster(h, at=100.0)
        h.begin_session("rest-pause", "squat", 100.0, {}, "", at=500.0)  # quit at READY
        h.apply(Cue("warn", 500.5), actual_at=500.5)
        h.end_session("interrupted", 501.0)
        h.begin_session("cluster", "bench", 60.0, {}, "", at=600.0)  # cut off at READY
    with History.open(db, OFFSET_S) as h:
        assert h.mark_interrupted() == 0  # close() marked it
        h.begin_session("cluster", "row", 50.0, {}, "", at=700.0)  # an aborted set is shown
        h.apply(SetChanged("aborted", None, ended_at=701.0, done_reason="end"))
        h.end_session()
        shown = [(s["method"], s["status"]) for s in h.sessions(10)]
        everything = [(s["method"], s["status"]) for s in h.sessions(10, everything=True)]
    assert shown == [("cluster", "aborted"), ("cluster", "completed")]
    assert everything == [("cluster", "aborted"), ("cluster", "interrupted"),
                          ("rest-pause", "interrupted"), ("cluster", "completed")]
    with sqlite3.connect(db) as c:  # kept in the file, marked
        assert c.execute("SELECT COUNT(*) FROM sessions").fetchone() == (4,)
        assert c.execute("SELECT session_id, kind FROM notes ORDER BY session_id").fetchall() == [
            (2, "not-training"), (3, "not-training")]
    c.close()
    args = parse(history_cmd, ["history", "--json", "--db", str(db)])
    assert args.func(args) == 0
    assert [s["id"] for s in json.loads(capsys.readouterr().out)] == [4, 1]
    args = parse(history_cmd, ["history", "--db", str(db)])
    assert args.func(args) == 0
    table = capsys.readouterr().out.splitlines()
    assert len(table) == 2 + 2 + 1 and table[-1] == (
        "(2 sets interrupted before the first rep not shown: --all)")
    args = parse(history_cmd, ["history", "--all", "--json", "--db", str(db)])
    assert args.func(args) == 0
    assert [s["id"] for s in json.loads(capsys.readouterr().out)] == [4, 3, 2, 1]
    args = parse(export_cmd, ["export", "--csv", "-", "--db", str(db)])
    assert args.func(args) == 0
    rows = list(csv.DictReader(capsys.readouterr().out.splitlines()))
    assert {r["session_id"] for r in rows} == {"1"}


def test_a_session_interrupted_after_a_rep_is_training(tmp_path):
    db = tmp_path / "h.sqlite3"
    with History.open(db, OFFSET_S) as h:
        h.begin_session("rest-pause", "squat", 100.0, {}, "", at=100.0)
        h.apply(BoutChanged(Bout(0, 101.0, rep_times=(101.0,))))
        h.end_session("interrupted", 102.0)
        [s] = h.sessions(5)
    assert s["status"] == "interrupted" and s["bouts"][0]["reps"] == 1


# ---------------------------------------------------------------- damaged files


@pytest.fixture(scope="module")
def damaged_bytes(tmp_path_factory) -> bytes:
    """A history with many sets, then one interior page (not the header's)
    overwritten with garbage, as a failing card does."""
    db = tmp_path_factory.mktemp("damaged") / "h.sqlite3"
    with pytest.MonkeyPatch.context() as mp:
        made = made_connections(mp)
        with History.open(db, OFFSET_S) as h:
            made[0].execute("PRAGMA synchronous = OFF")  # only to build it quickly
            for k in range(40):
                record_cluster(h, at=100.0 + 1000 * k)
    data = bytearray(db.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    assert len(data) // page > 10
    k = len(data) // page // 2
    data[k * page:(k + 1) * page] = bytes((i * 37 + 11) % 256 for i in range(page))
    return bytes(data)


def test_a_damaged_interior_page_is_found_at_open_and_the_file_left_alone(tmp_path,
                                                                          damaged_bytes):
    db = tmp_path / "h.sqlite3"
    db.write_bytes(damaged_bytes)
    h = open_history(db, OFFSET_S)
    assert isinstance(h, NullHistory)
    assert "damaged" in h.off_reason and str(db) in h.off_reason and "copy" in h.off_reason
    assert db.read_bytes() == damaged_bytes
    with pytest.raises(HistoryError, match="damaged"):
        History.open(db, OFFSET_S, readonly=True)


def test_station_history_says_a_damaged_file_is_damaged_and_how_to_keep_a_copy(tmp_path,
                                                                               damaged_bytes):
    db = tmp_path / "h.sqlite3"
    db.write_bytes(damaged_bytes)
    out = subprocess.run([sys.executable, "-m", "station", "history", "--db", str(db)],
                         capture_output=True, text=True, timeout=60,
                         env=dict(os.environ, PYTHONPATH=str(REPO)))
    assert out.returncode == 2, out
    assert "Traceback" not in out.stderr and out.stdout == ""
    [line] = out.stderr.splitlines()
    assert str(db) in line and "damaged" in line and "keep a copy" in line
    assert db.read_bytes() == damaged_bytes


@pytest.mark.parametrize("module, argv", [(history_cmd, ["history", "--json"]),
                                          (export_cmd, ["export", "--csv", "-"])])
def test_read_commands_refuse_a_damaged_file_with_exit_2(tmp_path, damaged_bytes, capsys,
                                                         module, argv):
    db = tmp_path / "h.sqlite3"
    db.write_bytes(damaged_bytes)
    args = parse(module, argv + ["--db", str(db)])
    assert args.func(args) == 2
    out = capsys.readouterr()
    assert out.out == "" and "damaged" in out.err and "keep a copy" in out.err
    assert db.read_bytes() == damaged_bytes


# ---------------------------------------------------------------- reading


def test_sessions_json_shape(tmp_path):
    db = tmp_path / "h.sqlite3"
    with History.open(db, OFFSET_S) as h:
        record_cluster(h, at=100.123)
        sid = h.begin_session("drop-set", "squat", 80.0, {"drops": 2}, "2 drops", at=500.0)
        h.apply(SetChanged("confirm", None))
        h.record_spotter(501.25)
        h.record_warning("drop-set for squat: also yesterday (Sun)", 500.0)
        h.apply(BoutChanged(Bout(0, 502.0, 80.0, rep_times=(502.0, 504.0))))
        h.apply(BoutChanged(Bout(0, 502.0, 80.0, rep_times=(502.0,))))  # a rep retracted
        h.apply(BoutChanged(Bout(1, 510.0, 64.0, variation=None, rep_times=(510.0,))))
        h.apply(BoutRemoved(1))  # that bout's only press was taken back
        h.apply(SetChanged("completed", 502.0, ended_at=506.0, spotter_confirmed_at=501.25))
        h.end_session()
        newest, older = h.sessions(10)
        assert h.sessions(1) == [newest]
    assert newest["id"] == sid and newest["method"] == "drop-set"
    assert newest["spotter_confirmed"] is True
    assert newest["warnings"] == ["drop-set for squat: also yesterday (Sun)"]
    assert [(b["index"], b["reps"]) for b in newest["bouts"]] == [(1, 1)]
    assert newest["lateness_ms"] == {"median": None, "max": None, "cues": 0}

    assert older["started_at"] == "2026-11-23T18:58:13.123Z"
    assert older["ended_at"] == iso(153.123)  # the last rep
    assert {k: older[k] for k in ("method", "exercise", "load_kg", "status",
                                  "spotter_confirmed")} == {
        "method": "cluster", "exercise": "squat", "load_kg": 100.0, "status": "completed",
        "spotter_confirmed": False}
    # 14 rep cues 3 ms late, 3 rest cues 10 ms late, the done cue 5 ms late.
    assert older["lateness_ms"] == {"median": 3.0, "max": 10.0, "cues": 18}
    b1, b2, b3 = older["bouts"]
    assert [b["index"] for b in older["bouts"]] == [1, 2, 3]
    assert [b["reps"] for b in older["bouts"]] == [5, 5, 4]
    assert (b1["rest_before_s"], b2["rest_before_s"]) == (None, 15.0)
    assert b1["rep_times"][:2] == [iso(101.123), iso(103.123)]
    assert b3["end_reason"] == "target" and b3["load_kg"] == 100.0 and b3["variation"] is None
    for b in older["bouts"]:
        for t in [b["started_at"], b["ended_at"], *b["rep_times"]]:
            assert ISO.match(t), t
    json.dumps(older)  # plain JSON values only


def test_recent_lists_sessions_with_reps_for_the_guardrails(tmp_path):
    with History.open(tmp_path / "h.sqlite3", OFFSET_S) as h:
        record_cluster(h, at=100.0)
        record_cluster(h, at=200.0, exercise="bench")
        record_cluster(h, at=300.0, method="drop-set")
        h.begin_session("cluster", "squat", 100.0, {}, "", at=400.0)  # aborted: no rep
        h.apply(SetChanged("aborted", None, ended_at=401.0))
        h.end_session()
        record_cluster(h, at=500.0)
        got = h.recent("cluster", "squat", lookback_start(T0, 0.0, 7))
        assert [s.started_at for s in got] == [T0, T0 + timedelta(seconds=400)]
        assert h.recent("cluster", "squat", T0 + timedelta(seconds=1)) == got[1:]


# ---------------------------------------------------------------- commands


def parse(module, argv):
    parser = argparse.ArgumentParser(prog="station")
    module.add_parser(parser.add_subparsers())
    args = parser.parse_args(argv)
    args.config = None
    return args


@pytest.fixture
def db_with_sets(tmp_path):
    db = tmp_path / "history.sqlite3"
    with History.open(db, OFFSET_S) as h:
        record_cluster(h, at=100.0)
        record_cluster(h, at=1000.0, method="myo-reps", reps=(12, 5, 4, 2))
    return db


def test_history_json_newest_first_with_limit(db_with_sets, capsys):
    args = parse(history_cmd, ["history", "--json", "--limit", "1", "--db", str(db_with_sets)])
    assert args.func(args) == 0
    [s] = json.loads(capsys.readouterr().out)
    assert s["method"] == "myo-reps" and [b["reps"] for b in s["bouts"]] == [12, 5, 4, 2]
    assert s["started_at"] == iso(1000.0)


def test_history_table(db_with_sets, capsys):
    args = parse(history_cmd, ["history", "--db", str(db_with_sets)])
    assert args.func(args) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:3] == ["id", "started", "(local)"]
    assert "myo-reps" in lines[2] and "12+5+4+2 =23" in lines[2] and "3/10" in lines[2]
    assert "cluster" in lines[3] and "5+5+4 =14" in lines[3] and "completed" in lines[3]


def test_history_without_a_file_says_so_and_creates_nothing(tmp_path, capsys):
    db = tmp_path / "none.sqlite3"
    args = parse(history_cmd, ["history", "--json", "--db", str(db)])
    assert args.func(args) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert not db.exists()


def test_history_of_a_corrupt_file_fails_naming_it(tmp_path, capsys):
    db = tmp_path / "h.sqlite3"
    db.write_bytes(b"not a database at all" * 100)
    args = parse(history_cmd, ["history", "--db", str(db)])
    assert args.func(args) == 2
    assert str(db) in capsys.readouterr().err
    assert db.read_bytes() == b"not a database at all" * 100


def test_history_limit_must_be_positive(capsys):
    with pytest.raises(SystemExit):
        parse(history_cmd, ["history", "--limit", "0"])
    assert "expected 1 or more" in capsys.readouterr().err


def test_default_db_comes_from_the_config(tmp_path, monkeypatch, db_with_sets, capsys):
    configured = types.SimpleNamespace(history=types.SimpleNamespace(db=str(db_with_sets)))
    unset = types.SimpleNamespace(history=types.SimpleNamespace(db=""))
    import station.config as real

    monkeypatch.setattr(real, "load_config",
                        lambda path: configured if path == Path("set.toml") else unset)
    monkeypatch.setattr(real, "default_db_path",
                        lambda env=None: Path((env or os.environ)["XDG_DATA_HOME"]) / "station/history.sqlite3")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    args = parse(history_cmd, ["history"])
    assert history_cmd.resolve_db(args) == tmp_path / "xdg/station/history.sqlite3"
    args.config = Path("set.toml")
    assert history_cmd.resolve_db(args) == db_with_sets


def test_export_csv_one_row_per_bout_oldest_first(db_with_sets, tmp_path, capsys):
    out = tmp_path / "bouts.csv"
    args = parse(export_cmd, ["export", "--csv", str(out), "--db", str(db_with_sets)])
    assert args.func(args) == 0
    assert "wrote 7 bout rows" in capsys.readouterr().err
    with out.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == list(export_cmd.COLUMNS)
    assert [(r["method"], r["bout"], r["reps"]) for r in rows] == [
        ("cluster", "1", "5"), ("cluster", "2", "5"), ("cluster", "3", "4"),
        ("myo-reps", "1", "12"), ("myo-reps", "2", "5"), ("myo-reps", "3", "4"),
        ("myo-reps", "4", "2"),
    ]
    first, second = rows[0], rows[1]
    assert first["session_started_at"] == iso(100.0)
    assert first["started_at"] == iso(101.0) and first["ended_at"] == iso(109.0)
    assert first["duration_s"] == "8.000"
    assert first["rep_offsets_s"] == "0.000 2.000 4.000 6.000 8.000"
    assert (first["rest_before_s"], second["rest_before_s"]) == ("", "15.0")
    assert (first["load_kg"], first["status"], first["end_reason"]) == (
        "100.0", "completed", "target")


def test_export_without_a_file_fails(tmp_path, capsys):
    args = parse(export_cmd, ["export", "--csv", "-", "--db", str(tmp_path / "none.sqlite3")])
    assert args.func(args) == 1
    assert "no history file" in capsys.readouterr().err


def test_each_forced_negatives_lowering_time_is_on_disk(tmp_path):
    from station.core.events import Bout, BoutChanged, SetChanged
    db = tmp_path / "h.sqlite3"
    with History.open(db, OFFSET_S) as h:
        h.begin_session("forced-negatives", "bench", 155.0, {}, "", 0.0)
        h.apply(SetChanged("running", 1.0))
        h.apply(BoutChanged(Bout(0, 1.0, 155.0, rep_times=(1.0, 10.0, 20.0),
                                 lowered_s=(6.1, 3.8, None))))
        h.end_session("completed", 30.0)
    with History.open(db, OFFSET_S, readonly=True) as h:
        [s] = h.sessions()
    assert s["bouts"][0]["lowered_s"] == [6.1, 3.8, None]


def test_a_version_1_file_gains_the_lowering_column(tmp_path):
    db = tmp_path / "h.sqlite3"
    conn = sqlite3.connect(db, isolation_level=None)
    migrate(conn, MIGRATIONS[:1])
    conn.close()
    with History.open(db, OFFSET_S) as h:
        record_cluster(h)
        assert len(h.sessions(5)) == 1


def test_history_table_shows_each_negatives_lowering_time_against_its_target(tmp_path, capsys):
    db = tmp_path / "h.sqlite3"
    with History.open(db, OFFSET_S) as h:
        sid = h.begin_session("forced-negatives", "bench", 155.0, {"reps": 3, "eccentric": 5.0}, "", 0.0)
        h.apply(SetChanged("running", 1.0))
        h.apply(BoutChanged(Bout(0, 1.0, 155.0, rep_times=(1.0, 10.0, 20.0),
                                 lowered_s=(6.1, 5.42, None))))
        h.end_session("completed", 30.0)
    args = parse(history_cmd, ["history", "--db", str(db)])
    assert args.func(args) == 0
    out = capsys.readouterr().out
    assert f"negatives of {sid}: lowered 6.1 / 5.4 / - s (target 5 s)" in out
