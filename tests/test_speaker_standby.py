"""Speaker standby: SDL's audio thread wakes 90 times a second while the
device is open, so the speaker closes it when the main loop says no timed
cue is due for long, reopens it ahead of the next one, and a cue that comes
while it is closed still plays (reopened at once, the wait recorded).

Runs on SDL's dummy audio driver (conftest), in this process.
"""

from __future__ import annotations

import time

import pytest

from station.core.events import Cue
from station.hw.speaker import MIN_QUIET_S, Speaker


def until(predicate, timeout_s: float = 3.0) -> bool:
    end = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > end:
            return False
        time.sleep(0.005)
    return True


def sdl_audio_threads() -> int:
    import os

    names = []
    for tid in os.listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{tid}/comm") as f:
                names.append(f.read().strip())
        except OSError:
            pass
    return sum(n.startswith("SDLAudio") for n in names)


@pytest.fixture
def speaker():
    import pygame

    if pygame.mixer.get_init() is not None:
        pytest.skip("another test left the mixer open")
    s = Speaker(speech=False, idle_close_s=0.05)
    if not s.available:
        pytest.skip(f"no mixer: {s.reason}")
    yield s
    s.close()


def test_without_a_hint_the_device_stays_open(speaker: Speaker) -> None:
    speaker.play(Cue("rep", 0.0))
    assert speaker.wait_idle(3.0)
    time.sleep(0.1)
    assert not speaker.standing_by and speaker.device.is_open


def test_nothing_due_closes_the_device_and_its_audio_thread(speaker: Speaker) -> None:
    before = sdl_audio_threads()
    speaker.expect(None)
    assert until(lambda: speaker.standbys == 1)
    assert speaker.standing_by and not speaker.device.is_open
    assert until(lambda: sdl_audio_threads() < before or before == 0)


def test_a_cue_while_closed_plays_and_its_wait_is_recorded(speaker: Speaker) -> None:
    speaker.expect(None)
    assert until(lambda: speaker.standbys == 1)
    speaker.play(Cue("rep", 0.0))
    assert until(lambda: not speaker.standing_by)
    assert speaker.wait_idle(3.0)
    assert [c.name for c, _ in speaker.cold_starts] == ["rep"]
    wait_s = speaker.cold_starts[0][1]
    assert 0.0 <= wait_s < 1.0
    assert list(speaker.skipped) == []


@pytest.mark.slow  # waits out a quiet of about 2.6 s
def test_it_reopens_ahead_of_the_next_due_cue(speaker: Speaker) -> None:
    quiet_s = MIN_QUIET_S + speaker.lead_s() + 0.3
    speaker.expect(quiet_s)
    due_at = time.monotonic() + quiet_s
    assert until(lambda: speaker.standbys == 1)

    def reopened() -> bool:  # told again as time passes, as the loop does at each wait
        speaker.expect(max(0.0, due_at - time.monotonic()))
        return not speaker.standing_by

    assert until(reopened, timeout_s=quiet_s + 1)
    reopened_at = time.monotonic()
    # before the due instant, and not long before it (a nearing hint is no reason to wake)
    assert due_at - speaker.lead_s() - 0.3 <= reopened_at <= due_at
    speaker.play(Cue("go", 0.0))
    assert speaker.wait_idle(3.0)
    assert list(speaker.cold_starts) == []  # the due cue found the device open


def test_a_short_quiet_or_work_keeps_it_open(speaker: Speaker) -> None:
    speaker.expect(MIN_QUIET_S / 2)  # a count-in soon
    time.sleep(0.1)
    assert not speaker.standing_by
    speaker.expect(None)
    assert until(lambda: speaker.standbys == 1)
    speaker.expect(0.0)  # the lifter is at work: a press may come at once
    assert until(lambda: not speaker.standing_by)
