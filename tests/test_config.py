"""The strict config: defaults, the example, one clear message per bad input,
where the file is looked for, and `station config check|example`."""

from __future__ import annotations

import argparse
import dataclasses
import tomllib
from pathlib import Path

import pytest

from station.commands import config_cmd
from station.config import (
    Config,
    ConfigError,
    default_db_path,
    example_config,
    find_config_path,
    load_config,
    parse_config,
    xdg_dir,
)

SECTIONS = ("pins", "gestures", "sound", "serial", "display", "history", "guardrails")


@pytest.fixture
def home(tmp_path: Path) -> Path:
    h = tmp_path / "home"
    h.mkdir()
    return h


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# -- defaults and the example ---------------------------------------------------


def test_no_config_file_means_the_documented_defaults(home: Path, tmp_path: Path) -> None:
    config = load_config(None, {"HOME": str(home)}, system_path=tmp_path / "absent.toml")
    assert config.source is None
    assert (config.pins.button, config.pins.buzzer, config.pins.spotter_button) == (17, 18, 0)
    assert (config.gestures.hold_s, config.gestures.end_hold_s, config.gestures.double_s) == (1.0, 3.0, 0.4)
    assert config.sound.volume == 0.8 and config.sound.buffer_samples == 512
    assert config.serial.url == "" and config.serial.baud == 115200
    assert config.serial.reconnect_max_s == 5.0
    assert config.display.mode == "auto" and config.display.window_size == (800, 480)
    assert config.history.db_path({"HOME": str(home)}) == home / ".local/share/station/history.sqlite3"
    assert (config.guardrails.overuse_sessions, config.guardrails.overuse_days) == (2, 7)
    assert dict(config.exercises) == {} and dict(config.presets) == {}


def _uncommented_example() -> str:
    """The example with its commented-out squat and preset tables switched on:
    from "# [exercises.squat]" / "# [presets." to the next blank line."""
    out, on = [], False
    for line in example_config().splitlines():
        on = on and bool(line.strip()) or line.startswith(("# [exercises.squat]", "# [presets."))
        out.append(line[2:] if on else line)
    return "\n".join(out) + "\n"


def test_the_commented_default_config_is_exactly_the_defaults() -> None:
    # The file install.sh writes must not switch on a 140 kg squat 1RM or a
    # preset that then shows in the menu and in load suggestions.
    config = parse_config(example_config())
    for section in SECTIONS:
        assert getattr(config, section) == getattr(Config(), section), section
    assert dict(config.exercises) == {} and dict(config.presets) == {}


def test_the_example_exercise_and_preset_work_once_uncommented() -> None:
    config = parse_config(_uncommented_example())
    squat = config.exercises["squat"]
    assert (squat.kind, squat.one_rm_kg, squat.bar_kg) == ("barbell", 140.0, 20.0)
    preset = config.presets["my-squat-clusters"]
    assert (preset.method, preset.exercise, preset.load_kg) == ("cluster", "squat", 100.0)
    plan, warnings = preset.compile()
    assert (plan.target_reps, plan.rest_s, plan.cap_s, plan.loads_kg) == (4, 15.0, 240.0, (100.0,))
    assert warnings == []


def test_the_example_shows_every_key() -> None:
    text = example_config()
    data = tomllib.loads(text)
    for section in SECTIONS:
        keys = {f.name for f in dataclasses.fields(getattr(Config(), section))}
        assert set(data[section]) == keys, section
    for key in ("dumbbells_kg", "increment_kg", "kind", "one_rm_kg", "bar_kg", "plates_kg"):
        assert f"{key} =" in text


def test_the_docs_show_the_current_example() -> None:
    doc = (Path(__file__).parents[1] / "docs" / "config.md").read_text(encoding="utf-8")
    assert f"```toml\n{example_config()}```" in doc


def test_config_is_immutable() -> None:
    config = parse_config(_uncommented_example())
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.pins.button = 5  # type: ignore[misc]
    with pytest.raises(TypeError):
        config.presets["other"] = config.presets["my-squat-clusters"]  # type: ignore[index]
    with pytest.raises(TypeError):
        config.presets["my-squat-clusters"].params["reps"] = 9  # type: ignore[index]
    assert isinstance(config.exercises["squat"].plates_kg, tuple)


def test_plates_in_any_order_are_stored_heaviest_first() -> None:
    config = parse_config("[exercises.bench]\nplates_kg = [1.25, 20, 5, 2.5, 20]\n")
    assert config.exercises["bench"].plates_kg == (20.0, 20.0, 5.0, 2.5, 1.25)


def test_dumbbell_and_machine_exercises() -> None:
    config = parse_config('[exercises.curl]\nkind = "dumbbell"\ndumbbells_kg = [5, 12.5, 10]\n'
                          '[exercises.press]\nkind = "machine"\nincrement_kg = 2.5\n')
    assert config.exercises["curl"].dumbbells_kg == (12.5, 10.0, 5.0)
    assert config.exercises["press"].increment_kg == 2.5


def test_user_preset_params_reach_the_plan() -> None:
    config = parse_config('[presets.long-myo]\nmethod = "myo-reps"\nreps = 4\nrest = 10\n"min-reps" = 2\n'
                          '[presets.triceps]\nmethod = "mechanical-drop-set"\n'
                          'variations = ["close-grip press", "push-up"]\n')
    plan, _ = config.presets["long-myo"].compile()
    assert (plan.target_reps, plan.rest_s, plan.min_reps) == (4, 10.0, 2)
    plan, _ = config.presets["triceps"].compile()
    assert plan.variations == ("close-grip press", "push-up")


def test_a_relative_db_path_is_relative_to_the_config_file(tmp_path: Path, home: Path) -> None:
    path = write(tmp_path / "conf" / "station.toml", '[history]\ndb = "data/h.sqlite3"\n')
    assert load_config(path, {"HOME": str(home)}).history.db_path() == tmp_path / "conf/data/h.sqlite3"
    write(path, '[history]\ndb = "~/h.sqlite3"\n')
    assert load_config(path, {"HOME": str(home)}).history.db_path() == home / "h.sqlite3"


# -- one message per bad input ------------------------------------------------------

BAD = [
    # (file text, line, key path or None, words the message must contain)
    ("[pins]\nbutton = 17\nbuzzer = \n", 3, None, ["invalid TOML", "line 3, column"]),
    ("[sound]\nvolume = 0.5\n\n[pinz]\nbutton = 3\n", 4, "pinz", ["unknown section", "pins"]),
    ("[pins]\nbuton = 3\n", 2, "pins.buton", ["unknown key", "did you mean button"]),
    ('[pins]\nbutton = "17"\n', 2, "pins.button", ["expected a BCM pin number from 2 to 27", 'found a string "17"']),
    ("[sound]\nvolume = true\n", 2, "sound.volume", ["expected a number from 0 to 1", "found true"]),
    ("[gestures]\nhold_s = 7\n", 2, "gestures.hold_s", ["from 0.3 to 5 s", "found 7"]),
    ("[sound]\nbuffer_samples = 100\n", 2, "sound.buffer_samples", ["power of two", "found 100"]),
    ("[display]\nmode = \"tv\"\n", 2, "display.mode", ['"fullscreen"', 'found a string "tv"']),
    ("[pins]\nbutton = 40\n", 2, "pins.button", ["from 2 to 27", "found 40"]),
    ("[exercises.bench]\nplates_kg = [20, 0]\n", 2, "exercises.bench.plates_kg", ["over 0", "found 0 at item 2"]),
    ('[exercises.curl]\nkind = "dumbbell"\nbar_kg = 10\n', 3, "exercises.curl.bar_kg", ['only for kind "barbell"']),
    ('[presets.my-squat]\nmethod = "cluster"\nrest = -5\n', 3, "presets.my-squat.rest", ["more than 0 s", "-5"]),
    ('[presets.my-squat]\nmethod = "cluster"\nreps = 0\n', 3, "presets.my-squat.reps", ["at least 1", "0"]),
    ('[presets.m]\nmethod = "myo-reps"\nreps = 3\n"min-reps" = 4\n', 4, "presets.m.min-reps", ["above the target"]),
    ('[presets.my-squat]\nmethod = "cluster"\nreps = "5"\n', 3, "presets.my-squat.reps",
     ["whole number", 'found a string "5"']),
    ('[presets.my-squat]\nmethod = "cluster"\npauses = 3\n', 3, "presets.my-squat.pauses",
     ["unknown key", "reps, rest"]),
    ('[presets.my-squat]\nmethod = "clusters"\n', 2, "presets.my-squat.method",
     ["cluster, sport-cluster", '"clusters"']),
    ("[presets.my-squat]\nreps = 5\n", 1, "presets.my-squat.method", ["expected a method", "found nothing"]),
    ('[exercises.squat]\n[presets.p]\nmethod = "cluster"\nexercise = "bench"\n', 4, "presets.p.exercise",
     ["[exercises.*]", "squat", 'found a string "bench"']),
    ('[presets.cluster]\nmethod = "cluster"\n', 1, "presets.cluster", ["not a built-in method"]),
    ("[gestures]\nhold_s = 2.0\nend_hold_s = 2.0\n", 3, "gestures.end_hold_s", ["over hold_s (2 s)", "found 2"]),
    ("[gestures]\nhold_s = 4\n", 2, "gestures.hold_s", ["under end_hold_s (3 s)", "found 4"]),
    ("[gestures]\nearly_start_after = 1.5\n", 2, "gestures.early_start_after", ["from 0 to 1", "found 1.5"]),
    ("[guardrails]\noveruse_sessions = 0\n", 2, "guardrails.overuse_sessions", ["from 1 to 100", "found 0"]),
    ("[pins]\nbutton = 5\nbuzzer = 5\n", 3, "pins.buzzer", ["other than button's (5)", "found 5"]),
    ("[pins]\nbutton = 18\n", 2, "pins.button", ["other than buzzer's (18)", "found 18"]),
    ("[pins]\nspotter_button = 17\n", 2, "pins.spotter_button", ["other than button's (17)"]),
    ('[sound]\nquiet = "yes"\n', 2, "sound.quiet", ["true or false"]),
    ("[serial]\nreconnect_max_s = 0\n", 2, "serial.reconnect_max_s", ["from 0.1 to 60 s"]),
    ("pins = 3\n", 1, "pins", ["expected a table [pins]", "found 3"]),
    ('presets.x.method = "cluster"\npresets.x.rest = 0\n', 2, "presets.x.rest", ["more than 0 s"]),
    ('[presets."my squat"]\nmethod = "cluster"\n', 1, 'presets."my squat"', ["no spaces"]),
]


@pytest.mark.parametrize("text, line, key, words", BAD, ids=[b[2] or "syntax" for b in BAD])
def test_bad_input_gives_one_line_naming_file_line_key_and_expectation(
    tmp_path: Path, text: str, line: int, key: str | None, words: list[str]
) -> None:
    path = write(tmp_path / "station.toml", text)
    with pytest.raises(ConfigError) as caught:
        load_config(path, {})
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{path}:{line}: " + (f"{key}: " if key else "")), message
    for word in words:
        assert word in message, message
    assert (caught.value.file, caught.value.line, caught.value.key) == (str(path), line, key)


def test_a_file_that_is_not_utf8_is_named(tmp_path: Path) -> None:
    path = tmp_path / "station.toml"
    path.write_bytes(b"[pins]\nbutton = 17 # \xff\n")
    with pytest.raises(ConfigError, match=r"station\.toml: not UTF-8"):
        load_config(path, {})


# -- where the file is looked for ---------------------------------------------------


def test_search_order_xdg_then_home_then_system(tmp_path: Path, home: Path) -> None:
    system = tmp_path / "etc" / "station.toml"
    xdg = tmp_path / "xdg"
    env = {"HOME": str(home), "XDG_CONFIG_HOME": str(xdg)}
    assert find_config_path(None, env, system) is None

    write(system, "[pins]\nbutton = 5\n")
    assert find_config_path(None, env, system) == system
    assert load_config(None, env, system).pins.button == 5

    in_home = write(home / ".config/station/station.toml", "")
    assert find_config_path(None, env, system) == system  # XDG_CONFIG_HOME set: ~/.config not used
    assert find_config_path(None, {"HOME": str(home)}, system) == in_home
    assert find_config_path(None, {"HOME": str(home), "XDG_CONFIG_HOME": "rel/dir"}, system) == in_home

    in_xdg = write(xdg / "station/station.toml", "[pins]\nbutton = 6\n")
    assert find_config_path(None, env, system) == in_xdg
    assert load_config(None, env, system).source == in_xdg


def test_an_explicit_path_wins_and_must_exist(tmp_path: Path, home: Path) -> None:
    write(home / ".config/station/station.toml", "")
    mine = write(tmp_path / "mine.toml", "")
    env = {"HOME": str(home)}
    assert find_config_path(mine, env) == mine
    missing = tmp_path / "nope.toml"
    with pytest.raises(ConfigError, match=r"nope\.toml: no such file"):
        find_config_path(missing, env)
    with pytest.raises(ConfigError, match=r"nope\.toml: no such file"):
        load_config(missing, env)


def test_default_db_path_follows_xdg_data_home(tmp_path: Path, home: Path) -> None:
    assert default_db_path({"HOME": str(home)}) == home / ".local/share/station/history.sqlite3"
    data = tmp_path / "data"
    assert default_db_path({"HOME": str(home), "XDG_DATA_HOME": str(data)}) == data / "station/history.sqlite3"


def test_the_coachs_history_follows_the_same_xdg_rule(tmp_path: Path, home: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from station.commands.coach import default_coach_db

    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert default_coach_db() == tmp_path / "data/station/coach.sqlite3"
    monkeypatch.setenv("XDG_DATA_HOME", "relative/data")  # the XDG spec: a relative value is ignored
    assert default_coach_db() == home / ".local/share/station/coach.sqlite3"
    assert xdg_dir({"HOME": str(home), "XDG_STATE_HOME": "rel"}, "XDG_STATE_HOME", ".local/state") \
        == home / ".local/state"


# -- station config check | example -----------------------------------------------


def parse_args(*argv: str, config: Path | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="station")
    sub = parser.add_subparsers(dest="command", required=True)
    config_cmd.add_parser(sub)
    args = parser.parse_args(list(argv))
    args.config = config
    return args


@pytest.fixture
def no_files(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, home: Path) -> None:
    """No config anywhere the search looks."""
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    monkeypatch.setattr(config_cmd, "SYSTEM_CONFIG_PATH", tmp_path / "etc" / "station.toml")


def test_check_a_good_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path / "station.toml", _uncommented_example())
    args = parse_args("config", "check", str(path))
    assert args.func(args) == 0
    out = capsys.readouterr()
    assert out.out.splitlines() == [f"OK: {path}", "1 exercise (squat), 1 preset (my-squat-clusters)"]
    assert out.err == ""


def test_check_a_bad_file_exits_2_with_the_message_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "station.toml", "[gestures]\nhold_s = 2\nend_hold_s = 1\n")
    args = parse_args("config", "check", str(path))
    assert config_cmd.run(args) == 2
    out = capsys.readouterr()
    assert out.out == ""
    assert out.err.strip() == (f"{path}:3: gestures.end_hold_s: expected a number over hold_s (2 s) "
                               "and at most 10 s, found 1")


def test_check_a_missing_explicit_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert config_cmd.run(parse_args("config", "check", str(tmp_path / "gone.toml"))) == 2
    assert "gone.toml: no such file" in capsys.readouterr().err


def test_check_uses_the_global_config_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path / "other.toml", '[exercises.bench]\n[exercises.row]\nkind = "machine"\n')
    assert config_cmd.run(parse_args("config", "check", config=path)) == 0
    assert capsys.readouterr().out.splitlines() == [f"OK: {path}", "2 exercises (bench, row), 0 presets"]


def test_check_with_no_file_anywhere_says_defaults(no_files: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert config_cmd.run(parse_args("config", "check")) == 0
    assert capsys.readouterr().out.startswith("no config file found, defaults in use")


def test_check_finds_the_searched_file(no_files: None, home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(home / ".config/station/station.toml", "[pins]\nbuzzer = 17\n")
    assert config_cmd.run(parse_args("config", "check")) == 2
    assert capsys.readouterr().err.startswith(f"{path}:2: pins.buzzer: ")


def test_check_warns_about_values_outside_the_recommended_range(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "station.toml", '[presets.slow]\nmethod = "cluster"\nrest = 45\n')
    assert config_cmd.run(parse_args("config", "check", str(path))) == 0
    out = capsys.readouterr()
    assert out.out.startswith(f"OK: {path}")
    assert "presets.slow: rest: 45 s is outside the recommended 10-15 s" in out.err


def test_example_prints_a_config_that_checks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert config_cmd.run(parse_args("config", "example")) == 0
    text = capsys.readouterr().out
    assert text == example_config()
    assert parse_config(text) == parse_config("")


def test_config_needs_a_subcommand() -> None:
    with pytest.raises(SystemExit) as exited:
        parse_args("config")
    assert exited.value.code == 2
