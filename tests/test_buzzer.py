"""The buzzer plays each cue's pattern on the pin, without blocking, on time."""

from __future__ import annotations

import threading
import time
from types import SimpleNamespace

import pytest
from gpiozero.pins.mock import MockFactory, MockPWMPin

from station.config import PinsConfig, SoundConfig
from station.core.cues import CHAIN_GAP_S, MAX_QUEUED, pattern_duration_s, pattern_for
from station.core.events import CUE_NAMES, Cue
from station.hw.buzzer import (
    REBASE_LATE_S,
    BuzzerOutput,
    pattern_edges,
    rebased_start,
)

PIN = 18
# Generous: a loaded 2-core machine may wake the worker late. Small delays do
# not add up (absolute deadlines); a large one shifts the rest of the pattern
# and keeps the rhythm, so each pulse and gap is checked on its own.
TOLERANCE_S = 0.03
IDLE_TIMEOUT_S = 5.0


class RecordingPWMPin(MockPWMPin):
    """A mock PWM pin that also records each frequency set (None = off)."""

    def __init__(self, factory, info):
        super().__init__(factory, info)
        self.frequencies: list[float | None] = []

    def _set_frequency(self, value):
        super()._set_frequency(value)
        self.frequencies.append(value)


@pytest.fixture
def factory():
    f = MockFactory()
    yield f
    f.reset()


@pytest.fixture
def pwm_factory():
    f = MockFactory(pin_class=RecordingPWMPin)
    yield f
    f.reset()


def edge_times(pin) -> list[tuple[float, object]]:
    """Pin changes after the first one as (s since the first change, state)."""
    states = pin.states[1:]
    t, out = 0.0, []
    for i, s in enumerate(states):
        t += s.timestamp if i else 0.0
        out.append((t, s.state))
    return out


def expected(pattern, on_state) -> list[tuple[float, object]]:
    """The pin changes ``pattern`` should make, as (offset s, state)."""
    off_state = 0.0 if on_state == 0.5 else False
    return [
        (offset_s, off_state if hz is None else on_state) for offset_s, hz in pattern_edges(pattern)
    ]


def assert_edges(actual, wanted, what: str = "") -> None:
    """Same edges in the same order, exactly; the time between consecutive
    edges (a pulse or a gap: the rhythm) within TOLERANCE_S."""
    assert [s for _, s in actual] == [s for _, s in wanted], (what, actual, wanted)
    for (t0, _), (t1, _), (w0, _), (w1, _) in zip(actual, actual[1:], wanted, wanted[1:]):
        assert t1 - t0 == pytest.approx(w1 - w0, abs=TOLERANCE_S), (what, actual, wanted)


def play_and_wait(buzzer: BuzzerOutput, cue: Cue) -> None:
    buzzer.play(cue)
    assert buzzer.wait_idle(IDLE_TIMEOUT_S)


@pytest.mark.realtime
def test_active_buzzer_pin_follows_each_cue_pattern(factory) -> None:
    # One buzzer per cue on its own pin, all at once: the suite waits for the
    # longest pattern (1.2 s), not for all of them in turn.
    cues = [Cue(name, 0.0, 2 if name == "count" else None) for name in CUE_NAMES]
    pins = range(5, 5 + len(cues))
    buzzers = [BuzzerOutput(pin, pin_factory=factory) for pin in pins]
    try:
        for pin in pins:
            factory.pin(pin).clear_states()
        for buzzer, cue in zip(buzzers, cues):
            buzzer.play(cue)
        for buzzer in buzzers:
            assert buzzer.wait_idle(IDLE_TIMEOUT_S)
        for pin, cue in zip(pins, cues):
            assert_edges(edge_times(factory.pin(pin)), expected(pattern_for(cue), True), cue.name)
    finally:
        for buzzer in buzzers:
            buzzer.close()


def test_edges_of_a_pattern_alternate_on_and_off() -> None:
    pattern = pattern_for(Cue("done", 0.0))
    edges = pattern_edges(pattern)
    assert [hz is None for _, hz in edges] == [False, True] * 3
    assert edges[-1][0] == pytest.approx(0.4 + 0.1 + 0.12 + 0.1 + 0.4)


def test_a_small_delay_is_absorbed_and_a_large_one_shifts_the_rest_of_the_pattern() -> None:
    # an edge due at 10.1 s of a pattern started at 10.0 s
    assert rebased_start(10.0, 10.1, 10.1 + REBASE_LATE_S / 2) == 10.0
    assert rebased_start(10.0, 10.1, 10.18) == pytest.approx(10.08)  # next pulse keeps its length


def test_play_returns_at_once_with_the_first_step_already_sounding(factory) -> None:
    with BuzzerOutput(PIN, pin_factory=factory) as buzzer:
        pin = factory.pin(PIN)
        started = time.monotonic()
        buzzer.play(Cue("fail", 0.0))  # a 1.2 s pattern
        took_s = time.monotonic() - started
        assert pin.state is True and buzzer.busy
        assert took_s < 0.02


@pytest.mark.realtime
def test_tonal_buzzer_plays_pitch_and_rhythm(pwm_factory) -> None:
    cue = Cue("rest", 0.0)
    with BuzzerOutput(PIN, "tonal", pin_factory=pwm_factory) as buzzer:
        pin = pwm_factory.pin(PIN)
        pin.clear_states()
        pin.frequencies.clear()
        play_and_wait(buzzer, cue)
        assert_edges(edge_times(pin), expected(pattern_for(cue), 0.5))
        played = [round(f) for f in pin.frequencies if f is not None]
        assert played == [round(hz) for _, _, hz in pattern_for(cue)]  # falling: 1760, 1175


def chained(*cues: Cue, on_state=True) -> list[tuple[float, object]]:
    """The pin changes of ``cues`` played one after the other, each in full,
    CHAIN_GAP_S apart, as (offset s, state)."""
    out, start = [], 0.0
    for cue in cues:
        out += [(start + t, st) for t, st in expected(pattern_for(cue), on_state)]
        start += pattern_duration_s(pattern_for(cue)) + CHAIN_GAP_S
    return out


def play_together(buzzers_and_cues, factory) -> None:
    """Each buzzer gets its cues at one instant (as the loop hands over the
    cues of one instant); all buzzers at once, so the test waits for the
    longest chain only. The first cue sounds before play() returns."""
    for _buzzer, pin, _ in buzzers_and_cues:
        factory.pin(pin).clear_states()
    for buzzer, pin, cues in buzzers_and_cues:
        for cue in cues:
            buzzer.play(cue)
        assert factory.pin(pin).state  # the first cue at once: its lateness is unchanged
    for buzzer, _, _ in buzzers_and_cues:
        assert buzzer.wait_idle(IDLE_TIMEOUT_S)


@pytest.mark.realtime
def test_cues_of_one_instant_are_each_heard_in_full_in_order(pwm_factory) -> None:
    # the fifth rep of a cluster: rep and rest at one instant; the newer used
    # to cut the older off. On an active and on a tonal buzzer.
    rep, rest = Cue("rep", 0.0, 5), Cue("rest", 0.0, 15)
    with BuzzerOutput(5, pin_factory=pwm_factory) as active, \
            BuzzerOutput(6, "tonal", pin_factory=pwm_factory) as tonal:
        pwm_factory.pin(6).frequencies.clear()
        play_together([(active, 5, [rep, rest]), (tonal, 6, [rep, rest])], pwm_factory)
        assert_edges(edge_times(pwm_factory.pin(5)), chained(rep, rest))
        assert_edges(edge_times(pwm_factory.pin(6)), chained(rep, rest, on_state=0.5))
        played = [round(f) for f in pwm_factory.pin(6).frequencies if f is not None]
        assert played == [1760, 1760, 1175]  # rep's blip, then rest falling


@pytest.mark.slow
def test_a_failure_hold_sounds_fail_in_full_then_rest_or_done(pwm_factory) -> None:
    # a failure hold: fail (1.2 s low) and rest / done at one instant
    fail = Cue("fail", 0.0)
    with BuzzerOutput(5, pin_factory=pwm_factory) as active, \
            BuzzerOutput(6, "tonal", pin_factory=pwm_factory) as tonal:
        pwm_factory.pin(6).frequencies.clear()
        started = time.monotonic()
        play_together([(active, 5, [fail, Cue("rest", 0.0)]),
                       (tonal, 6, [fail, Cue("done", 0.0, "fail")])], pwm_factory)
        assert time.monotonic() - started >= 1.2 + CHAIN_GAP_S + 0.63 - TOLERANCE_S
        assert_edges(edge_times(pwm_factory.pin(5)), chained(fail, Cue("rest", 0.0)))
        assert_edges(edge_times(pwm_factory.pin(6)), chained(fail, Cue("done", 0.0), on_state=0.5))
        played = [round(f) for f in pwm_factory.pin(6).frequencies if f is not None]
        assert played == [440, 1760, 1319, 880]


@pytest.mark.realtime
def test_only_a_stale_count_in_behind_a_long_cue_is_skipped(factory) -> None:
    with BuzzerOutput(PIN, pin_factory=factory) as buzzer:
        pin = factory.pin(PIN)
        pin.clear_states()
        buzzer.play(Cue("go", 0.0))  # 600 ms
        buzzer.play(Cue("count", 0.0, 1))  # its moment will have passed
        buzzer.play(Cue("rep", 0.0))  # a press: always acknowledged
        assert buzzer.wait_idle(IDLE_TIMEOUT_S)
        assert list(buzzer.skipped) == [Cue("count", 0.0, 1)]
        assert_edges(edge_times(pin), chained(Cue("go", 0.0), Cue("rep", 0.0)))


@pytest.mark.realtime
def test_a_cue_during_a_gap_waits_for_the_rest_of_the_pattern(factory) -> None:
    with BuzzerOutput(PIN, pin_factory=factory) as buzzer:
        pin = factory.pin(PIN)
        buzzer.play(Cue("undo", 0.0))  # on 100, off 100, on 100 ms
        # wait (on an event, not a timer) for the first pulse to end
        deadline = time.monotonic() + IDLE_TIMEOUT_S
        while pin.state and time.monotonic() < deadline:
            time.sleep(0.002)
        pin.clear_states()
        play_and_wait(buzzer, Cue("tempo", 0.0))
        # undo's second pulse, then the tick CHAIN_GAP_S after it
        tick = [(t + 0.1 + CHAIN_GAP_S, st) for t, st in expected(pattern_for(Cue("tempo", 0.0)), True)]
        assert_edges(edge_times(pin), [(0.0, True), (0.1, False)] + tick)


def test_close_switches_off_mid_pattern_and_joins_the_worker(factory) -> None:
    buzzer = BuzzerOutput(PIN, pin_factory=factory)
    pin = factory.pin(PIN)
    buzzer.play(Cue("go", 0.0))
    assert pin.state is True
    buzzer.close()
    assert pin.state is False
    assert not [t for t in threading.enumerate() if t.name == "buzzer"]  # its worker joined
    buzzer.close()  # twice is fine
    buzzer.play(Cue("rep", 0.0))  # after close: nothing, no error
    assert pin.state is False


def test_active_low_buzzer_is_off_when_high(factory) -> None:
    with BuzzerOutput(PIN, pin_factory=factory, active_high=False) as buzzer:
        pin = factory.pin(PIN)
        assert pin.state is True  # off
        buzzer.play(Cue("rep", 0.0))
        assert pin.state is False  # sounding
        assert buzzer.wait_idle(IDLE_TIMEOUT_S)
        assert pin.state is True


def test_muted_buzzer_stays_silent(factory) -> None:
    with BuzzerOutput(PIN, pin_factory=factory, muted=True) as buzzer:
        pin = factory.pin(PIN)
        pin.clear_states()
        buzzer.play(Cue("go", 0.0))
        assert not buzzer.busy and len(pin.states) == 1 and pin.state is False


def test_from_config_wires_pin_kind_polarity_and_quiet_mode(factory) -> None:
    config = SimpleNamespace(
        pins=PinsConfig(buzzer=23, buzzer_active_high=False), sound=SoundConfig(quiet=True)
    )
    with BuzzerOutput.from_config(config, pin_factory=factory) as buzzer:
        pin = factory.pin(23)
        assert pin.state is True  # active low: off is high
        buzzer.play(Cue("go", 0.0))
        assert pin.state is True  # quiet mode: muted


def test_unknown_kind_is_an_error_naming_it(factory) -> None:
    with pytest.raises(ValueError, match="'piezo'"):
        BuzzerOutput(PIN, "piezo", pin_factory=factory)


@pytest.mark.realtime
def test_rapid_cues_never_leave_the_pin_on(factory) -> None:
    with BuzzerOutput(PIN, pin_factory=factory) as buzzer:
        pin = factory.pin(PIN)
        names = ("rep", "count", "tempo", "rep", "warn", "count", "rep", "tempo")
        for name in names:
            buzzer.play(Cue(name, 0.0, 1 if name == "count" else None))
        assert buzzer.wait_idle(IDLE_TIMEOUT_S)
        assert pin.state is False
        # every rep (1 pulse) and warn (6) in full; count-ins and ticks with
        # a newer cue behind them (or gone stale) skipped
        assert {c.name for c in buzzer.skipped} == {"count", "tempo"}
        assert len(buzzer.skipped) == 4
        assert [s.state for s in pin.states[1:]].count(True) == 3 * 1 + 1 * 6


@pytest.mark.realtime
@pytest.mark.slow  # real-time playback of whole patterns: 1.3-2.9 s
def test_a_flood_of_cues_behind_a_long_one_leaves_a_few_in_order_the_latest_heard(factory) -> None:
    # Fast time (or a stalled output) hands over hundreds of cues while "go"
    # sounds: the buzzer keeps at most MAX_QUEUED, ticks dropped first, and
    # plays what is happening now in order, not minutes of backlog.
    with BuzzerOutput(PIN, pin_factory=factory) as buzzer:
        pin = factory.pin(PIN)
        pin.clear_states()
        buzzer.play(Cue("go", 0.0))  # 600 ms
        for _ in range(300):
            buzzer.play(Cue("tempo", 0.0))
            buzzer.play(Cue("rep", 0.0))
        buzzer.play(Cue("fail", 0.0))
        buzzer.play(Cue("rest", 0.0))
        assert buzzer.wait_idle(IDLE_TIMEOUT_S)
        rep = Cue("rep", 0.0)
        reps = [rep] * (MAX_QUEUED - 2)
        assert_edges(edge_times(pin), chained(Cue("go", 0.0), *reps, Cue("fail", 0.0), Cue("rest", 0.0)))
