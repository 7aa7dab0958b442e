"""The Pico remote's firmware logic, run on CPython against the station's own protocol code."""

from __future__ import annotations

import ast
import importlib
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from station.core import protocol
from station.core.events import CUE_NAMES

FIRMWARE = Path(__file__).resolve().parent.parent / "hardware" / "remote"
sys.path.insert(0, str(FIRMWARE))

from remote_logic import CUE_PATTERNS, MAX_LINE, Remote

DEBOUNCE_MS = 15


def kinds(lines: list[str]) -> list[str]:
    """Parse every line the remote sent with the station's parser."""
    out = []
    for line in lines:
        assert line.endswith("\n") and len(line.encode()) <= MAX_LINE + 1
        out.append(protocol.parse_line(line).kind)
    return out


def drive(
    remote: Remote, levels: list[bool], start_ms: int = 0
) -> list[tuple[int, str]]:
    """Sample ``levels`` one per ms from ``start_ms``; (ms, kind) of each line, PINGs left out."""
    sent = []
    for i, level in enumerate(levels):
        now = start_ms + i
        sent += [
            (now, kind) for kind in kinds(remote.update(now, level)) if kind != "PING"
        ]
    return sent


def bouncy_press(
    bounces_ms: list[int], hold_ms: int = 300, rest_ms: int = 300
) -> list[bool]:
    """Level samples (1 ms) of one press: flips after each bounce gap on the way
    down and on the way up, a steady hold, then a steady rest."""
    levels: list[bool] = []
    for edge_to in (True, False):
        level = edge_to
        for gap in bounces_ms:
            levels += [level] * gap
            level = not level
        levels += [edge_to] * (hold_ms if edge_to else rest_ms)
    return levels


def test_logic_imports_no_micropython_or_clock_module():
    tree = ast.parse((FIRMWARE / "remote_logic.py").read_text())
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for alias in node.names
    }
    assert not imported & {"machine", "utime", "time", "select", "sys", "micropython"}


def test_clean_press_sends_press_then_release():
    remote = Remote(debounce_ms=DEBOUNCE_MS)
    sent = drive(remote, [False] * 50 + [True] * 200 + [False] * 50)
    assert sent == [(50 + DEBOUNCE_MS, "PRESS"), (250 + DEBOUNCE_MS, "RELEASE")]


@settings(max_examples=60, deadline=None)
@given(
    presses=st.lists(
        st.lists(st.integers(min_value=1, max_value=DEBOUNCE_MS - 1), max_size=12),
        min_size=1,
        max_size=6,
    )
)
def test_bounce_never_yields_an_extra_press(presses):
    remote = Remote(debounce_ms=DEBOUNCE_MS)
    levels = [False] * 20
    for bounces in presses:
        levels += bouncy_press(bounces, hold_ms=40, rest_ms=40)
    sent = [kind for _, kind in drive(remote, levels)]
    assert sent == ["PRESS", "RELEASE"] * len(presses)


def test_press_is_sent_one_debounce_after_the_last_bounce():
    remote = Remote(debounce_ms=DEBOUNCE_MS)
    levels = [False] * 10 + bouncy_press([3, 2, 4, 1, 3, 2])
    settled_at = max(i for i in range(1, 100) if levels[i] != levels[i - 1])
    assert levels[settled_at] and all(levels[settled_at:100])
    assert drive(remote, levels)[0] == (settled_at + DEBOUNCE_MS, "PRESS")


def test_a_short_spike_is_not_a_press():
    remote = Remote(debounce_ms=DEBOUNCE_MS)
    # interference from a motor on the same circuit: 10 ms high, nothing else
    sent = drive(remote, [False] * 30 + [True] * 10 + [False] * 100)
    assert sent == []


def test_button_held_at_power_up_sends_nothing_until_pressed_again():
    remote = Remote(debounce_ms=DEBOUNCE_MS)
    sent = drive(remote, [True] * 100 + [False] * 100 + [True] * 100)
    assert [kind for _, kind in sent] == ["PRESS"]


def test_pedal_acts_as_the_same_button_by_default():
    remote = Remote(debounce_ms=DEBOUNCE_MS)
    sent = []
    for now in range(600):
        button = 100 <= now < 400
        pedal = 200 <= now < 500  # pressed while the button is held, released after it
        sent += kinds(remote.update(now, button, pedal))
    assert [k for k in sent if k != "PING"] == ["PRESS", "RELEASE"]


def test_pedal_with_a_command_sends_it_once_per_press():
    remote = Remote(debounce_ms=DEBOUNCE_MS, pedal_command="UNDO")
    sent = []
    for now in range(600):
        pedal = 100 <= now < 200 or 300 <= now < 302  # one press, one 2 ms glitch
        sent += kinds(remote.update(now, False, pedal))
    assert [k for k in sent if k != "PING"] == ["UNDO"]
    with pytest.raises(ValueError, match="pedal_command"):
        Remote(pedal_command="JUMP")


def test_every_station_cue_has_its_own_buzzer_pattern():
    assert set(CUE_PATTERNS) == set(CUE_NAMES)
    assert len(set(CUE_PATTERNS.values())) == len(CUE_PATTERNS)


def test_the_firmwares_copy_of_the_patterns_is_the_cue_table():
    """The remote keeps its own copy (MicroPython imports nothing of the
    station): it must be the station's one table of cue specs."""
    from station.core.cues import CUES

    assert CUE_PATTERNS == {spec.name: spec.remote_ms for spec in CUES}


def buzzer_runs(remote: Remote, start_ms: int, span_ms: int = 3000) -> tuple[int, ...]:
    """The buzzer's on/off run lengths, ms, from ``start_ms`` (first run on)."""
    runs: list[int] = []
    level = True
    for now in range(start_ms, start_ms + span_ms):
        on = remote.buzzer_on(now)
        if not runs and not on:
            break
        if runs and on == level:
            runs[-1] += 1
        elif not runs:
            runs.append(1)
        else:
            level = on
            runs.append(1)
    if runs and not level:
        runs.pop()  # the trailing silence
    return tuple(runs)


@pytest.mark.parametrize("name", CUE_NAMES)
def test_cue_line_plays_that_cues_pattern(name):
    remote = Remote()
    remote.receive(protocol.cue(name), 1000)
    assert buzzer_runs(remote, 1000) == CUE_PATTERNS[name]
    assert not remote.buzzer_on(999)


def test_a_new_cue_cuts_off_the_one_playing():
    remote = Remote()
    remote.receive(b"CUE go\n", 0)
    remote.receive(b"CUE rep\n", 100)
    assert remote.buzzer_on(120)
    assert not remote.buzzer_on(140)  # the rep tick is 40 ms; "go" would still sound


def test_unknown_cue_overlong_and_garbage_lines_are_ignored_and_never_answered():
    remote = Remote()
    remote.receive(
        b"CUE fanfare\n" + b"CUE " + b"x" * 200 + b"\n" + b"\xff\xfe\n" + b"ERR nope\n",
        0,
    )
    assert not remote.buzzer_on(10)
    remote.receive(b"CUE go\r\n", 20)  # and the link still works after them
    assert remote.buzzer_on(30)
    sent = kinds(remote.update(40, False))
    assert set(sent) <= {"PING"}


def test_ping_every_two_seconds_and_link_follows_the_station():
    remote = Remote(ping_ms=2000, link_timeout_ms=5000)
    pings = [
        now for now in range(0, 10_001, 10) if "PING\n" in remote.update(now, False)
    ]
    assert pings == [0, 2000, 4000, 6000, 8000, 10000]
    assert not remote.linked(10_000)  # nobody answered
    remote.receive(protocol.pong(), 10_000)
    assert remote.linked(10_000) and remote.linked(15_000)
    assert not remote.linked(15_001)


def test_hello_and_state_are_understood():
    remote = Remote()
    remote.receive(protocol.hello("1.2.3"), 0)
    assert remote.station_version == "1.2.3"
    assert remote.buzzer_on(5)  # a chirp: connected
    remote.receive(b"STATE REST 12.5 3 2\nSTATE WORK - 4 2\n", 100)
    assert remote.state == ("WORK", None, 4, 2)
    assert remote.linked(100)


def test_saved_is_kept_and_a_reconnect_forgets_it():
    remote = Remote()
    remote.receive(protocol.hello("1.2.3"), 0)
    remote.receive(protocol.cue("rep") + protocol.saved(1), 10)
    assert remote.saved_reps == 1
    remote.receive(protocol.hello("1.2.3"), 20)  # the station restarted: nothing carries over
    assert remote.saved_reps is None and remote.state is None


def test_led_steady_when_linked_blinking_when_not():
    remote = Remote()
    assert [remote.led_on(t) for t in (50, 500, 1050, 1500)] == [
        True,
        False,
        True,
        False,
    ]
    remote.receive(b"PONG\n", 2000)
    assert all(remote.led_on(t) for t in (2050, 2500, 3050, 3500))


# ---------------------------------------------------------------- main.py, on fakes


class FakePin:
    """machine.Pin with a level and a history of what was written."""

    IN, OUT, PULL_UP = "in", "out", "pull_up"

    def __init__(self, name, mode, pull=None, value=None):
        self.name = name
        self.level = 1 if pull == self.PULL_UP else (value or 0)
        self.history: list[int] = []

    def value(self, level=None):
        if level is None:
            return self.level
        self.level = level
        self.history.append(level)
        return None


def fake_machine(board: dict[object, FakePin]) -> type:
    """A ``machine`` module whose Pin(...) calls land in ``board`` by pin name."""

    def pin(name, mode, pull=None, value=None):
        board[name] = FakePin(name, mode, pull, value)
        return board[name]

    pin.IN, pin.OUT, pin.PULL_UP = FakePin.IN, FakePin.OUT, FakePin.PULL_UP
    return type("machine", (), {"Pin": staticmethod(pin)})


class FakeTime:
    """ticks_ms that wraps at 2**30 like MicroPython's, starting just before the wrap."""

    PERIOD = 1 << 30

    def __init__(self, script):
        self.ms = self.PERIOD - 50
        self.script = script  # called with elapsed ms before each sleep

    def ticks_ms(self):
        return self.ms % self.PERIOD

    def ticks_diff(self, a, b):
        return ((a - b + self.PERIOD // 2) % self.PERIOD) - self.PERIOD // 2

    def sleep_ms(self, ms):
        self.ms += ms
        self.script(self.ms - (self.PERIOD - 50))


class FakeStream:
    def __init__(self):
        self.incoming = bytearray()
        self.written = bytearray()
        self.buffer = self

    def read(self, n):
        data, self.incoming[:n] = bytes(self.incoming[:n]), b""
        return data

    def write(self, data):
        self.written += data


class FakePoll:
    def __init__(self, stream):
        self.stream = stream

    def register(self, *_):
        pass

    def poll(self, _timeout):
        return [(self.stream, 1)] if self.stream.incoming else []


def test_main_shell_wires_pins_serial_and_buzzer(monkeypatch):
    stream = FakeStream()
    board: dict[object, FakePin] = {}

    def script(elapsed_ms):
        button = board[15]
        button.level = 0 if 100 <= elapsed_ms < 400 else 1  # pressed = pulled low
        if elapsed_ms == 500:
            stream.incoming += b"CUE go\n"

    fake_time = FakeTime(script)
    monkeypatch.setitem(sys.modules, "machine", fake_machine(board))
    monkeypatch.setitem(sys.modules, "utime", fake_time)
    monkeypatch.setitem(
        sys.modules,
        "select",
        type("select", (), {"poll": lambda: FakePoll(stream), "POLLIN": 1}),
    )
    monkeypatch.delitem(sys.modules, "main", raising=False)
    main = importlib.import_module("main")
    monkeypatch.setattr(
        main, "sys", type("sys", (), {"stdin": stream, "stdout": stream})
    )
    main.run(max_passes=300)  # 2 ms a pass: 600 ms across a ticks_ms wrap

    assert kinds(stream.written.decode().splitlines(keepends=True)) == [
        "PING",
        "PRESS",
        "RELEASE",
    ]
    assert 1 in board[16].history  # the buzzer sounded the "go" cue
    assert board[16].level == 0  # and is off when the loop stops
