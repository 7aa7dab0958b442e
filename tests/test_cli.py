"""The command line as a user meets it: help, presets, refusals."""

from __future__ import annotations

import re
import sys

import pytest

from station.cli import COMMANDS, build_parser, main
from station.core.methods import PRESETS


def subcommands() -> list[str]:
    """The commands ``station --help`` lists, as a user reads them."""
    text = build_parser().format_help()
    block = text.split("  COMMAND\n", 1)[1].split("\n\n")[0]  # after "positional arguments: COMMAND"
    return re.findall(r"^ {4}([a-z][a-z-]*)(?: |$)", block, flags=re.M)


def test_every_command_is_listed_and_has_a_help_that_prints(capsys):
    names = subcommands()
    assert len(names) == len(COMMANDS)  # none failed to load
    for name in names:
        with pytest.raises(SystemExit) as done:
            main([name, "--help"])
        assert done.value.code == 0
        out = capsys.readouterr().out
        assert out.startswith(f"usage: station {name}"), name


def test_presets_lists_every_method_with_defaults_and_ranges(capsys):
    assert main(["presets"]) == 0
    out = capsys.readouterr().out
    for name, pre in PRESETS.items():
        assert f"{name}  —  {pre.title}" in out
    assert "--rest          15 s     (recommended 10-15 s)" in out  # cluster
    assert "[spotter required]" in out


def test_presets_shows_the_users_own(tmp_path, capsys):
    cfg = tmp_path / "station.toml"
    cfg.write_text('[presets.heavy]\nmethod = "rest-pause"\nrest = 20\n')
    assert main(["--config", str(cfg), "presets", "heavy"]) == 0
    assert "heavy  —  rest-pause  (rest=20" in capsys.readouterr().out


@pytest.mark.parametrize("argv, message", [
    (["run", "cluster", "--reps", "0"], "reps: must be at least 1, got 0"),
    (["run", "cluster", "--rest", "700"], "rest: 700 s is over the 10-minute limit"),
    (["run", "cluster", "--drops", "2"], "cluster has no parameter 'drops'"),
    (["run", "cluster", "--rest", "soon"], "--rest: expected a number of seconds, got 'soon'"),
    (["run", "clusterz"], "unknown method or preset 'clusterz' (did you mean cluster?); known: cluster"),
])
def test_run_refuses_nonsense_before_opening_anything(argv, message, tmp_path, capsys):
    cfg = tmp_path / "station.toml"
    cfg.write_text("")
    assert main(["--config", str(cfg)] + argv) == 2
    assert message in capsys.readouterr().err


# -- commands a user types (issue 10) -------------------------------------------------


def test_config_check_reports_every_problem_in_the_file(tmp_path, capsys):
    cfg = tmp_path / "station.toml"
    cfg.write_text('[sound]\nvolume = 7\nquiet = "x"\n[pins]\nbuton = 3\n'
                   '[presets.p]\nmethod = "cluster"\nreps = 0\n')
    assert main(["config", "check", str(cfg)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(f"{cfg}:2: sound.volume: expected a number from 0 to 1")
    assert err[1].startswith(f"{cfg}:3: sound.quiet: expected true or false")
    assert err[2].startswith(f"{cfg}:5: pins.buton: unknown key (did you mean button?)")
    assert err[3].startswith(f"{cfg}:8: presets.p.reps:")
    assert err[4] == f"4 problems in {cfg}"


def test_config_after_the_subcommand_is_the_file_checked(tmp_path, capsys):
    cfg = tmp_path / "mine.toml"
    cfg.write_text("[sound]\nvolume = 0.5\n")
    assert main(["config", "check", "--config", str(cfg)]) == 0
    assert capsys.readouterr().out.startswith(f"OK: {cfg}")
    cfg.write_text("[sound]\nvolume = 5\n")
    assert main(["config", "check", "--config", str(cfg)]) == 2
    assert "sound.volume" in capsys.readouterr().err


def test_a_misspelt_method_gets_a_suggestion(tmp_path, capsys):
    cfg = tmp_path / "station.toml"
    cfg.write_text("")
    assert main(["run", "clustr", "--config", str(cfg)]) == 2
    assert "unknown method or preset 'clustr' (did you mean cluster?)" in capsys.readouterr().err


@pytest.mark.slow  # the summary's "done" plays out in real time (1.5 s)
@pytest.mark.timeout(30)
def test_run_with_an_exercise_not_in_the_config_says_so_and_records_it(tmp_path):
    import threading

    from station.core.events import End, Rep
    from station.history.store import History
    from station.runtime.app import Options, Station
    from station.testing import FakeClock

    cfg = tmp_path / "station.toml"
    cfg.write_text('[exercises.squat]\nkind = "barbell"\n')
    said: list[str] = []
    clock = FakeClock()
    opts = Options(method="cluster", exercise="sqat", pins="mock", display="none",
                   db=tmp_path / "h.sqlite3", config=cfg, sound=False, sets=1)
    with Station(opts, clock=clock, out=said.append) as station:
        done: list[int] = []
        t = threading.Thread(target=lambda: done.append(station.run()), daemon=True)
        t.start()
        for _ in range(3):
            station.loop.post(Rep(clock.now()))
        station.loop.post(End(clock.now()))
        t.join(20)
        assert done == [0]
    assert any("exercise 'sqat' is not in the config" in s and "did you mean squat?" in s
               for s in said), said
    with History.open(tmp_path / "h.sqlite3", clock.offset_s, readonly=True) as h:
        [session] = h.sessions()
    assert session["exercise"] == "sqat"
    assert sum(b["reps"] for b in session["bouts"]) == 3


def test_station_run_starts_without_importing_the_other_commands():
    # start-up to the first frame: `station run` used to import all eleven
    # command modules (history, gallery, load, bench...) to build its parser
    import subprocess
    import sys

    code = ("import sys\nfrom station.cli import main\n"
            "try:\n    main(['--config', 'x.toml', 'run', '--help'])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in sys.modules if m.startswith('station.commands.')), file=sys.stderr)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stderr.strip().splitlines()[-1] == "['station.commands.run']"
    assert "usage: station run" in out.stdout


def test_what_the_station_says_reaches_the_log_as_whole_lines(monkeypatch):
    """Its notes go to stderr while the terminal screen's thread writes status
    lines to stdout; both often go to one log (the journal, a pipe). A line
    written in two parts let a status line in between: "9-11rest-pause DONE"."""
    import io

    from station.runtime.app import say_line

    writes: list[bytes] = []

    class Raw(io.RawIOBase):
        def writable(self):
            return True

        def write(self, b):
            writes.append(bytes(b))
            return len(b)

    # as CPython makes sys.stderr: each write goes straight to the file
    monkeypatch.setattr(sys, "stderr", io.TextIOWrapper(Raw(), write_through=True))
    say_line("next time lighter: first set 6 reps, a 10RM load makes 9-11")
    assert writes == [b"next time lighter: first set 6 reps, a 10RM load makes 9-11\n"]
