"""Property: no config file and no command line makes a command crash or hang.

Hypothesis writes random config files (known sections and keys with values
of every TOML type, absurd numbers, control characters, nesting; unknown
keys; raw junk) and random command lines for every command, and runs them
in this process through the CLI's ``main()``. Each must exit 0 or 2, say
what is wrong in lines naming the problem (no traceback) and return (a hang
is caught by the hypothesis deadline, far above the milliseconds a run
takes). Commands that would wait for a lifter (run, check, demo) have their
waiting part replaced by an immediate return: everything before it (options,
config, the plan, opening every device) runs for real. ``gallery`` (writes
PNGs) and ``bench`` (measures for seconds) are fed bad options only.
"""

from __future__ import annotations

import json
import math
import os
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from station.cli import main
from station.core.methods import PRESETS

KEYS = {
    "pins": ["factory", "button", "spotter_button", "buzzer", "buzzer_kind", "buzzer_active_high"],
    "gestures": ["debounce_s", "hold_s", "end_hold_s", "double_s"],
    "sound": ["volume", "quiet", "speech", "buffer_samples"],
    "serial": ["url", "baud", "reconnect_max_s"],
    "display": ["mode", "window_size"],
    "history": ["db"],
    "guardrails": ["overuse_sessions", "overuse_days", "warn_consecutive_days"],
}
EXERCISE_KEYS = ["kind", "one_rm_kg", "bar_kg", "plates_kg", "dumbbells_kg", "increment_kg"]
PRESET_KEYS = ["method", "exercise", "load_kg", "reps", "rest", "duration", "every", "clusters",
               "pauses", "drops", "drop-percent", "eccentric", "variations", "min-reps", "mini-sets"]

WORDS = st.sampled_from(["auto", "mock", "gpio", "barbell", "dumbbell", "machine", "window",
                         "none", "loop://", "nosuch://x", "socket://localhost", "socket://127.0.0.1:1",
                         "/dev/null", "", "squat", *PRESETS])
NUMBERS = st.one_of(
    st.integers(), st.integers(-3, 300),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, -1, 0.0001, 1e-9, 1e308, 2**63, 160, 8192, 512, 17, 18, 0.5, 2.5, 100]),
)
SCALARS = st.one_of(NUMBERS, st.booleans(), WORDS, st.text(max_size=20))
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=6), max_leaves=30)


def toml_value(v: object) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf") if math.isinf(v) else repr(v)
    if isinstance(v, str):
        return json.dumps(v)  # a TOML basic string (or a TOML error, which is fine too)
    return "[" + ", ".join(toml_value(x) for x in v) + "]"  # type: ignore[union-attr]


@st.composite
def config_text(draw) -> str:
    if draw(st.integers(0, 9)) == 0:  # raw junk now and then
        return draw(st.text(max_size=200))
    lines: list[str] = []
    for section in draw(st.lists(st.sampled_from(list(KEYS) + ["bogus"]), max_size=4, unique=True)):
        lines.append(f"[{section}]")
        keys = KEYS.get(section, ["x"]) + ["unknown_key"]
        for key in draw(st.lists(st.sampled_from(keys), max_size=4, unique=True)):
            lines.append(f"{key} = {toml_value(draw(VALUES))}")
    for kind, keys in (("exercises", EXERCISE_KEYS), ("presets", PRESET_KEYS)):
        for name in draw(st.lists(st.one_of(st.sampled_from(["squat", "m", "cluster", "a b", "-x"]),
                                            st.text(max_size=8)), max_size=2, unique=True)):
            lines.append(f"[{kind}.{json.dumps(name)}]")
            for key in draw(st.lists(st.sampled_from(keys), max_size=5, unique=True)):
                lines.append(f"{json.dumps(key)} = {toml_value(draw(VALUES))}")
    if draw(st.integers(0, 19)) == 0:
        lines.append("deep = " + "[" * 3000 + "]" * 3000)
    return "\n".join(lines) + "\n"


ARG_VALUES = st.one_of(
    st.sampled_from(["0", "-1", "1", "5", "12", "1e308", "-1e308", "nan", "inf", "0.0001",
                     "99999999999999999999", "5x100", "5x1e308", "4x25,20,2.5", "100x0.37",
                     "rep,undo", "none", "bogus", "", "loop://", "nosuch://x", "socket://x",
                     "800x480", "1x1", "squat", "clustr", *PRESETS]),
    st.text(max_size=12).filter(lambda t: "\0" not in t),
)
OPTIONS = {
    "run": ["--reps", "--rest", "--duration", "--every", "--clusters", "--pauses", "--drops",
            "--drop-percent", "--eccentric", "--variations", "--min-reps", "--mini-sets",
            "--exercise", "--load", "--sets", "--serial"],
    "load": ["--1rm", "--set", "--reps", "--percent", "--bar", "--plates", "--dumbbells",
             "--increment", "--drops", "--drop-percent"],
    "history": ["--limit"],
    "presets": [],
    "check": ["--timeout", "--gap", "--cues", "--serial"],
    "demo": ["--serial"],
    "config check": [],
    "export": [],
    "gallery": ["--size"],
    "bench": ["--seconds", "--size", "--switch-interval"],
}
FLAGS = {"run": ["--no-sound"], "history": ["--json"], "check": ["--no-sound"],
         "demo": ["--no-sound"], "bench": ["--json", "--quick"], "load": [], "presets": [],
         "config check": [], "export": [], "gallery": []}
POSITIONAL = {"run": True, "load": True, "presets": True, "config check": False}


@st.composite
def command_line(draw) -> tuple[str, list[str]]:
    cmd = draw(st.sampled_from(list(OPTIONS)))
    argv = cmd.split()
    if POSITIONAL.get(cmd) and draw(st.booleans()):
        argv.append(draw(ARG_VALUES.filter(lambda t: not t.startswith("-"))))
    for opt in draw(st.lists(st.sampled_from(OPTIONS[cmd] or ["--help"]), max_size=4)):
        if opt == "--help":
            continue
        argv += [opt, draw(ARG_VALUES)]
    argv += draw(st.lists(st.sampled_from(FLAGS[cmd] or ["--x"]), max_size=1, unique=True))
    return cmd, argv


@pytest.fixture
def sandbox(tmp_path, monkeypatch):
    """No command waits for a lifter, touches real pins or draws."""
    from station import selftest
    from station.commands import demo
    from station.runtime.app import Station

    monkeypatch.setattr(Station, "run", lambda self: 0)
    monkeypatch.setattr(Station, "install_signals", lambda self: None)
    monkeypatch.setattr(selftest.SelfTest, "run", lambda self: selftest.Report())
    monkeypatch.setattr(demo, "DEMO_SETS", ())
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    return tmp_path


def run_cli(argv: list[str], capsys) -> tuple[int, str]:
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 2
    _, err = capsys.readouterr()
    return code, err


def assert_clean(code: int, err: str, argv: list[str]) -> None:
    assert code in (0, 2), (argv, code, err)
    assert "Traceback" not in err and "internal error" not in err, (argv, err)
    if code == 2:
        lines = err.strip().splitlines()
        assert lines, argv  # a refusal says why
        assert all(0 < len(ln) < 1200 for ln in lines), (argv, err)


DEVICES = ["--pins", "mock", "--display", "none"]

#: Examples per property: 40 in the default suite (about 3 s each here); the
#: slow run (-m slow) and STATION_EXAMPLES=N try more.
EXAMPLES = int(os.environ.get("STATION_EXAMPLES", "40"))
PROPERTY = settings(max_examples=EXAMPLES, deadline=timedelta(seconds=20),
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


@PROPERTY
@given(text=config_text(), cmd=st.sampled_from(["config check", "run", "load", "history",
                                                "presets", "check"]))
def test_random_config_files_never_crash_a_command(sandbox: Path, capsys, text: str, cmd: str):
    cfg = sandbox / "station.toml"
    cfg.write_text(text, encoding="utf-8", errors="surrogatepass")
    db = str(sandbox / "h.sqlite3")
    argv = {"config check": ["config", "check", str(cfg)],
            "run": ["run", "cluster", "--db", db, "--no-sound", *DEVICES],
            "load": ["load", "squat", "--reps", "5"],
            "history": ["history", "--db", db],
            "presets": ["presets"],
            "check": ["check", "--db", db, "--no-sound", *DEVICES]}[cmd]
    code, err = run_cli(["--config", str(cfg)] + argv, capsys)
    assert_clean(code, err, argv)
    if cmd == "config check" and code == 2:
        assert all(ln.startswith(str(cfg)) or "problems in" in ln
                   for ln in err.strip().splitlines()), err


@PROPERTY
@given(line=command_line())
def test_random_command_lines_never_crash(sandbox: Path, capsys, line):
    cmd, argv = line
    cfg = sandbox / "station.toml"
    cfg.write_text('[exercises.squat]\none_rm_kg = 140\n[exercises.m]\nkind = "machine"\n')
    extra = ["--config", str(cfg)]
    if cmd in ("run", "check", "demo"):
        extra += ["--db", str(sandbox / "h.sqlite3"), *DEVICES]
    if cmd == "history":
        extra += ["--db", str(sandbox / "h.sqlite3")]
    if cmd == "export":
        extra += ["--db", str(sandbox / "h.sqlite3"), "--csv", str(sandbox / "out.csv")]
    if cmd in ("gallery", "bench") and "--size" not in argv and "--seconds" not in argv:
        argv += ["--size", "1x1"]  # bad options only: the real runs are slow
    if cmd == "gallery":
        argv.append(str(sandbox / "png"))
    if cmd == "bench" and not any(a in argv for a in ("--size",)):
        return
    if cmd in ("gallery", "bench") and not _refused(argv):
        return
    code, err = run_cli(argv + extra, capsys)
    assert_clean(code, err, argv)
    if code == 2 and cmd not in ("run", "check", "demo"):  # those say what they opened first
        assert len(err.strip().splitlines()) == 1, (argv, err)
        assert err.startswith("station"), (argv, err)


def _refused(argv: list[str]) -> bool:
    """Whether the parser alone refuses ``argv`` (gallery and bench only run then)."""
    import contextlib
    import io

    from station.cli import build_parser

    try:
        with contextlib.redirect_stderr(io.StringIO()):
            build_parser().parse_args(argv)
    except SystemExit:
        return True
    return False


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_many_more_random_inputs(tmp_path):
    """The two properties with 500 examples each, in a fresh process."""
    import subprocess
    import sys

    env = dict(os.environ, STATION_EXAMPLES="500")
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", __file__,
                           "-k", "never_crash", "-o", "addopts="], env=env, capture_output=True,
                          text=True, cwd=Path(__file__).parent.parent)
    assert done.returncode == 0, done.stdout[-3000:]
