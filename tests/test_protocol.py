"""The serial remote's line protocol, without any port: framing, parsing, formatting."""

from __future__ import annotations

import ast
import inspect
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from station.core import protocol
from station.core.events import CUE_NAMES, Bout, End, Fail, Phase, Rep, Undo
from station.core.gestures import Edge
from station.core.protocol import (
    KINDS,
    MAX_LINE,
    Command,
    Dropped,
    Line,
    LineFramer,
    ProtocolError,
    RateLimiter,
    Reject,
    decode,
    parse_line,
    to_event,
)
from station.core.snapshot import Snapshot
from station.testing import snapshot


def frame(data: bytes) -> list[Line | Dropped]:
    return LineFramer().feed(data)


# ---------------------------------------------------------------- framing


def test_lines_end_at_newline_and_crlf_is_accepted():
    assert frame(b"PRESS\nRELEASE\r\nREP\n") == [Line("PRESS"), Line("RELEASE"), Line("REP")]


def test_a_partial_line_waits_for_the_rest():
    f = LineFramer()
    assert f.feed(b"PRE") == []
    assert f.feed(b"SS\r") == []
    assert f.feed(b"\nRE") == [Line("PRESS")]
    assert f.pending == 2


def test_a_bare_cr_is_not_a_terminator_and_the_line_is_dropped():
    out = frame(b"PRESS\rREP\n")
    assert out == [Dropped("non-printable byte 0x0d")]


def test_only_one_cr_before_newline_is_stripped():
    assert frame(b"PRESS\r\r\n") == [Dropped("non-printable byte 0x0d")]


def test_a_line_of_exactly_max_bytes_is_kept_even_with_crlf():
    text = "A" * MAX_LINE
    assert frame(text.encode() + b"\n") == [Line(text)]
    assert frame(text.encode() + b"\r\n") == [Line(text)]


def test_an_overlong_line_is_dropped_through_its_newline_and_the_next_line_is_fine():
    out = frame(b"B" * (MAX_LINE + 1) + b"\nPING\n")
    assert out == [Dropped("line too long (max 128 bytes)"), Line("PING")]
    # A valid command hidden at the end of an overlong line is not half-parsed.
    assert frame(b"x" * 500 + b"PRESS\nREP\n") == [Dropped("line too long (max 128 bytes)"), Line("REP")]


@pytest.mark.parametrize("noise", [b"\x00", b"\xff", b"\x1b[A", b"\t", b"\x7f", "é".encode()])
def test_binary_noise_drops_the_whole_line(noise: bytes):
    out = frame(b"RE" + noise + b"P\nREP\n")
    assert len(out) == 2
    assert isinstance(out[0], Dropped) and out[0].reason.startswith("non-printable byte 0x")
    assert out[1] == Line("REP")


def test_memory_stays_bounded_without_a_newline():
    f = LineFramer()
    for _ in range(1000):
        assert f.feed(b"z" * 1000) == []
        assert f.pending <= MAX_LINE + 1
    assert f.feed(b"\nEND\n") == [Dropped("line too long (max 128 bytes)"), Line("END")]


def test_a_flood_of_ten_thousand_lines_frames_in_one_pass():
    data = b"REP\n" * 5000 + b"\x00junk\n" * 5000
    out = frame(data)
    assert out.count(Line("REP")) == 5000
    assert len(out) == 10000


@st.composite
def chunked(draw):
    alphabet = st.sampled_from([b"\n", b"\r", b"\r\n", b"PRESS", b" rep ", b"\x00", b"\xfe", b"Z" * 60])
    data = b"".join(draw(st.lists(st.one_of(alphabet, st.binary(max_size=40)), max_size=40)))
    cuts = sorted(draw(st.lists(st.integers(0, len(data)), max_size=12)))
    bounds = [0, *cuts, len(data)]
    return data, [data[a:b] for a, b in itertools.pairwise(bounds)]


@settings(max_examples=300, deadline=None)
@given(chunked())
def test_random_bytes_in_random_chunks_frame_the_same_and_safely(case):
    data, chunks = case
    f = LineFramer()
    pieces: list[Line | Dropped] = []
    for chunk in chunks:
        pieces.extend(f.feed(chunk))
        assert f.pending <= MAX_LINE + 1
    assert pieces == frame(data)  # chunking never changes the result
    assert len(pieces) == data.count(b"\n")  # one item per line, none lost or invented
    for item in pieces:
        if isinstance(item, Line):
            raw = item.text.encode("ascii")
            assert len(raw) <= MAX_LINE
            assert all(0x20 <= b <= 0x7E for b in raw)
        decode(item)  # never raises


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300), st.sampled_from(KINDS))
def test_any_garbage_line_never_hides_the_next_command(garbage, kind):
    out = frame(garbage.replace(b"\n", b"") + b"\n" + kind.encode() + b"\r\n")
    assert decode(out[-1]) == Command(kind)


# ---------------------------------------------------------------- parsing


@pytest.mark.parametrize("kind", KINDS)
def test_every_command_parses_from_text_and_bytes(kind):
    assert parse_line(kind) == Command(kind)
    assert parse_line(kind.encode() + b"\r\n") == Command(kind)


@pytest.mark.parametrize("text", ["  PRESS  ", "press", "Press", "ping"])
def test_commands_are_lenient_about_spaces_and_case(text):
    assert parse_line(text).kind == text.strip().upper()


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty line"),
        ("   ", "empty line"),
        ("JUMP", "unknown command JUMP"),
        ("PRESS 3", "PRESS takes no argument"),
        ("HELLO station 1.0", "unexpected HELLO: the station sends it"),
        ("A" * 60, "unknown command " + "A" * 21 + "..."),
        ("PRE\x00SS", "non-printable byte 0x00"),
        ("RÉP", "non-ASCII text"),
        ("R" * (MAX_LINE + 1), "line too long (max 128 bytes)"),
    ],
)
def test_bad_lines_raise_a_short_reason(text, reason):
    with pytest.raises(ProtocolError) as e:
        parse_line(text)
    assert e.value.reason == reason
    assert len(protocol.err(e.value.reason)) <= MAX_LINE + 1


def test_decode_ignores_blank_lines_and_incoming_errors():
    assert decode(Line("")) is None
    assert decode(Line("   ")) is None
    assert decode(Line("ERR unknown command PONG")) is None  # no ERR ping-pong between peers
    assert decode(Line("rep")) == Command("REP")
    assert decode(Line("CUE go")) == Reject("unexpected CUE: the station sends it")
    assert decode(Dropped("line too long (max 128 bytes)")) == Reject("line too long (max 128 bytes)")


def test_command_kind_is_checked():
    with pytest.raises(ValueError, match="BOUNCE"):
        Command("BOUNCE")


# ---------------------------------------------------------------- events


def test_commands_map_to_what_the_main_loop_receives():
    at = 12.5
    assert to_event(Command("PRESS"), at) == Edge(True, at, source="remote")
    assert to_event(Command("RELEASE"), at) == Edge(False, at, source="remote")
    assert to_event(Command("REP"), at) == Rep(at)
    assert to_event(Command("FAIL"), at) == Fail(at)
    assert to_event(Command("UNDO"), at) == Undo(at)
    assert to_event(Command("END"), at) == End(at)
    assert to_event(Command("PING"), at) is None


# ---------------------------------------------------------------- formatting


def snap(phase=Phase.REST, seconds_left=12.34, reps=5, bout_index=1, bouts=()) -> Snapshot:
    return snapshot(phase=phase, bout_index=bout_index, reps_in_bout=reps, target_reps=5, bouts=bouts,
                    total_reps=10, phase_started_at=0.0, seconds_left=seconds_left, set_started_at=0.0)


def test_station_lines():
    assert protocol.hello("0.1.0") == b"HELLO station 0.1.0\n"
    assert protocol.pong() == b"PONG\n"
    assert protocol.cue("go") == b"CUE go\n"
    assert protocol.err("unknown command X") == b"ERR unknown command X\n"


def test_state_line_has_one_decimal_a_dash_when_untimed_and_a_one_based_bout():
    assert protocol.state(snap()) == b"STATE REST 12.3 5 2\n"
    assert protocol.state(snap(Phase.WORK, None, 3, 0)) == b"STATE WORK - 3 1\n"
    assert protocol.state(snap(seconds_left=9.96)) == b"STATE REST 10.0 5 2\n"
    assert protocol.state(snap(seconds_left=-0.01)) == b"STATE REST 0.0 5 2\n"


def test_during_a_rest_the_state_line_shows_the_reps_of_the_bout_just_finished():
    done = Bout(0, 1.0, rep_times=(1.0, 2.0, 3.0), ended_at=3.0, end_reason="target")
    # The snapshot says 0 reps "in bout" while resting; the remote sees bout 1's 3.
    assert protocol.state(snap(Phase.REST, 9.0, reps=0, bout_index=0, bouts=(done,))) == (
        b"STATE REST 9.0 3 1\n"
    )
    running = Bout(1, 20.0, rep_times=(21.0,))
    assert protocol.state(snap(Phase.WORK, None, 1, 1, (done, running))) == b"STATE WORK - 1 2\n"


def test_every_cue_name_formats_and_unknown_ones_are_refused():
    for name in CUE_NAMES:
        assert protocol.cue(name) == f"CUE {name}\n".encode()
    with pytest.raises(ValueError, match="beep"):
        protocol.cue("beep")


def test_hello_refuses_a_version_that_would_break_the_line():
    for bad in ("", "1.0 beta", "1.0\n", "1.0é"):
        with pytest.raises(ValueError, match="version"):
            protocol.hello(bad)


def test_err_reason_is_made_printable_and_cut_to_one_line():
    line = protocol.err("bad\nthing\x00" + "y" * 500)
    assert line.startswith(b"ERR bad?thing?yyy")
    assert line.endswith(b"\n") and line.count(b"\n") == 1
    assert len(line) == MAX_LINE + 1


def test_station_lines_frame_back_as_single_lines():
    for line in (protocol.hello("0.1.0"), protocol.state(snap()), protocol.err("x" * 999)):
        (item,) = frame(line)
        assert isinstance(item, Line)


# ---------------------------------------------------------------- flood control


def test_rate_limiter_allows_a_burst_then_the_rate():
    r = RateLimiter(rate_per_s=20.0, burst=5)
    assert [r.allow(0.0) for _ in range(7)] == [True] * 5 + [False] * 2
    assert r.allow(0.01) is False  # 0.2 of a token
    assert r.allow(0.05) is True  # one token after 50 ms
    allowed = sum(r.allow(1.0 + i / 10_000) for i in range(10_000))  # a 1-s flood
    assert allowed <= 5 + 20 + 1
    assert r.suppressed > 9000


# ---------------------------------------------------------------- purity


def test_protocol_module_imports_no_clock_thread_or_port():
    tree = ast.parse(inspect.getsource(protocol))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add((node.module or "").split(".")[0])
    assert not names & {"time", "threading", "serial", "socket", "os", "pygame", "gpiozero"}


def test_saved_names_the_reps_on_disk_and_an_echo_of_it_is_refused():
    assert protocol.saved(0) == b"SAVED 0\n"
    assert protocol.saved(70) == b"SAVED 70\n"
    with pytest.raises(ValueError):
        protocol.saved(-1)
    reject = protocol.decode(protocol.Line("SAVED 3"))
    assert reject == protocol.Reject("unexpected SAVED: the station sends it")
