"""The command line as a user meets it: help, presets, refusals."""

from __future__ import annotations

import pytest

from station.cli import COMMANDS, build_parser, main
from station.core.methods import PRESETS


def subcommands() -> list[str]:
    parser = build_parser()
    action = next(a for a in parser._actions if a.dest == "command")
    return list(action.choices)


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
    (["run", "clusterz"], "unknown method or preset 'clusterz'; known: cluster"),
])
def test_run_refuses_nonsense_before_opening_anything(argv, message, tmp_path, capsys):
    cfg = tmp_path / "station.toml"
    cfg.write_text("")
    assert main(["--config", str(cfg)] + argv) == 2
    assert message in capsys.readouterr().err
