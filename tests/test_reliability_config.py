"""Reliability: a bad config file never crash-loops the appliance.

``station run`` with a broken config starts, says what is wrong (file, key,
expected value) and runs a set with the defaults; SIGTERM then ends it
cleanly. (Parsing and messages in detail: tests/test_config.py.)
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time

import pytest

BAD = {
    "syntax": ("[sound\nvolume = 0.5\n", ["line"]),
    "unknown key": ("[sound]\nloudness = 3\n", ["loudness"]),
    "bad value": ("[sound]\nvolume = 7.5\n", ["volume", "7.5"]),
    "wrong type": ('[display]\nwindow_size = "big"\n', ["window_size", "width"]),
}


def read_until(fd: int, want: bytes, timeout: float) -> bytes:
    buf, end = b"", time.monotonic() + timeout
    while want not in buf:
        left = end - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"no {want!r} within {timeout} s; got {buf[-300:]!r}")
        if select.select([fd], [], [], left)[0]:
            buf += os.read(fd, 4096)
    return buf


@pytest.mark.timeout(60)
@pytest.mark.parametrize("kind", list(BAD))
def test_station_run_with_a_bad_config_starts_says_why_and_uses_defaults(tmp_path, kind):
    text, words = BAD[kind]
    cfg = tmp_path / "bad.toml"
    cfg.write_text(text)
    master, slave = os.openpty()
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "station", "run", "cluster", "--display", "none", "--pins",
             "mock", "--no-sound", "--config", str(cfg), "--sets", "1",
             "--db", str(tmp_path / "h.sqlite3"), "--serial", os.ttyname(slave)],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env=dict(os.environ, PYGAME_HIDE_SUPPORT_PROMPT="1"))
        # the default cluster (5 reps, 15 s rest) is running: READY, bout 1
        seen = read_until(master, b"STATE READY - 0 1", timeout=20)
        assert b"HELLO" in seen
        assert proc.poll() is None  # running, not crash-looping
        os.write(master, b"REP\n")
        read_until(master, b"CUE rep", timeout=5)
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=5)
    finally:
        os.close(master)
        os.close(slave)
    assert proc.returncode == 0, err
    notes = [ln for ln in err.decode().splitlines() if "config" in ln]
    assert len(notes) == 1, err.decode()  # one clear message
    assert str(cfg) in notes[0] and "defaults in use" in notes[0]
    for w in words:
        assert w in notes[0], (w, notes[0])
    assert "Traceback" not in err.decode()


@pytest.mark.timeout(120)
@pytest.mark.slow
def test_sigterm_always_ends_station_run_within_2_s(tmp_path):
    for attempt in range(8):
        master, slave = os.openpty()
        try:
            proc = subprocess.Popen(
                [sys.executable, "-m", "station", "run", "cluster", "--display", "none",
                 "--pins", "mock", "--no-sound", "--config", os.devnull, "--sets", "1",
                 "--db", str(tmp_path / "h.sqlite3"), "--serial", os.ttyname(slave)],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            read_until(master, b"STATE READY", timeout=20)
            proc.send_signal(signal.SIGTERM)
            try:
                assert proc.wait(2) == 0
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
                pytest.fail(f"attempt {attempt}: SIGTERM did not end station run within 2 s")
        finally:
            os.close(master)
            os.close(slave)


# -- bad input never crashes or hangs (in-process: the CLI's main()) -------------------

from station.cli import main  # noqa: E402


def cli(argv: list[str], capsys) -> tuple[int, str, str]:
    """Run ``station ARGV`` in this process: (exit code, stdout, stderr)."""
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's refusals
        code = exc.code if isinstance(exc.code, int) else 2
    out, err = capsys.readouterr()
    return code, out, err


def one_line_refusal(code: int, err: str, *words: str) -> str:
    assert code == 2, err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    for w in words:
        assert w in lines[0], (w, lines[0])
    return lines[0]


BAD_FILES = {
    "unknown serial scheme": ('[serial]\nurl = "nosuch://x"\n', ["serial.url", "nosuch"]),
    "socket without port": ('[serial]\nurl = "socket://localhost"\n', ["serial.url", "port"]),
    "tiny machine step": ('[exercises.m]\nkind = "machine"\nincrement_kg = 0.0001\n',
                          ["exercises.m.increment_kg", "0.1"]),
    "100 distinct plates": ("[exercises.b]\nplates_kg = [" + ", ".join(f"{0.3 + i * 0.37:.2f}" for i in range(100))
                            + "]\n", ["exercises.b.plates_kg", "at most 40"]),
    "deep nesting": ("x = " + "[" * 5000 + "]" * 5000 + "\n", ["nested too deeply"]),
    "NUL in a name": ('[exercises."a\\u0000b"]\n', ['exercises."a\\u0000b"', "printable"]),
    "newline in a name": ('[exercises."a\\nb"]\n', ["printable"]),
    "absurd window": ("[display]\nwindow_size = [100000, 480]\n", ["window_size", "100000 for the width"]),
}


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_a_bad_file_is_one_clear_line_from_config_check(kind, tmp_path, capsys):
    text, words = BAD_FILES[kind]
    cfg = tmp_path / "station.toml"
    cfg.write_text(text)
    code, _, err = cli(["config", "check", str(cfg)], capsys)
    one_line_refusal(code, err, str(cfg), *words)


@pytest.mark.parametrize("kind", ["unknown serial scheme", "tiny machine step", "deep nesting"])
def test_every_command_survives_a_bad_file(kind, tmp_path, capsys):
    cfg = tmp_path / "station.toml"
    cfg.write_text(BAD_FILES[kind][0])
    db = str(tmp_path / "h.sqlite3")
    for argv in (["load", "m", "--reps", "5"], ["history", "--db", db], ["presets"],
                 ["run", "clusterz"], ["export", "--db", db]):
        code, _, err = cli(["--config", str(cfg)] + argv, capsys)
        assert code in (0, 2), (argv, err)
        assert "Traceback" not in err and "Error:" not in err, (argv, err)


def test_a_utf8_bom_is_not_a_syntax_error(tmp_path, capsys):
    cfg = tmp_path / "station.toml"
    cfg.write_bytes(b"\xef\xbb\xbf[sound]\nvolume = 0.5\n")
    code, out, err = cli(["config", "check", str(cfg)], capsys)
    assert code == 0, err
    assert out.startswith(f"OK: {cfg}")


@pytest.mark.parametrize("argv, words", [
    (["load", "--1rm", "1e308"], ["--1rm", "at most 2500"]),
    (["load", "--set", "5x1e308"], ["--set", "at most 2500"]),
    (["load", "--1rm", "100", "--drops", "100000"], ["--drops", "1 to 20"]),
    (["load", "--1rm", "100", "--increment", "0.0001"], ["--increment", "0.1 to 110"]),
    (["history", "--limit", "99999999999999999999"], ["--limit", "at most 1000000"]),
    (["run", "cluster", "--sets", "0"], ["--sets", "1 to 1000"]),
    (["run", "cluster", "--sets", "-1"], ["--sets", "1 to 1000"]),
    (["run", "cluster", "--serial", "nosuch://x"], ["--serial", "nosuch"]),
    (["check", "--serial", "nosuch://x"], ["--serial", "nosuch"]),
    (["run", "cluster", "--duration", "1e308"], ["duration", "1e+308 s is over the 10-minute limit"]),
])
def test_absurd_command_lines_are_one_clear_line(argv, words, tmp_path, capsys):
    cfg = tmp_path / "station.toml"
    cfg.write_text("")
    code, _, err = cli(["--config", str(cfg)] + argv + (["--db", str(tmp_path / "h")]
                                                        if argv[0] == "history" else []), capsys)
    line = one_line_refusal(code, err, *words)
    assert len(line) < 400


@pytest.mark.timeout(30)
def test_the_plate_search_is_bounded_for_the_biggest_kit_the_config_accepts():
    """40 plates per side of 16 odd weights (a mixed kg/lb gym and then some):
    the loads are found, and a drop set too, where the search was exponential
    (27 s for 100 plates; a 31-plate bar's drop chain took 50 s)."""
    from station.core import loads

    weights = [0.57 + 3.13 * i for i in range(16)]
    kit = loads.Kit(plates_kg=tuple(sorted((weights * 3)[:40], reverse=True)))
    for target in (60.0, 300.0, 1000.0):
        got = kit.round(target)
        assert abs(got.total_kg - min(target, kit.max_kg)) < 2.0
    light = loads.Kit(plates_kg=(1.25,) * 20 + (2.5,) * 10 + (0.5,) * 10)
    chain = loads.drop_loads(light.round(150), 5, 10, kit=light)
    assert [c.total_kg for c in chain] == sorted((c.total_kg for c in chain), reverse=True)
    assert len(set(c.total_kg for c in chain)) == 6
