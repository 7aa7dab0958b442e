"""The speaker's standby in ``station bench``: how long the audio device
takes to open, and how long a cue nobody expected (a press while the device
rests) waits for it, measured on the bench's own audio driver.

Each round: the speaker is told nothing is due, closes the device, and a cue
is played; half the rounds play it the moment the close begins (the worst
case: the close, 20-35 ms, then the open). The wait is the speaker's own
record (``Speaker.cold_starts``: play() to the cue on the channel).
"""

from __future__ import annotations

import time

ROUNDS = 6


def _until(predicate, timeout_s: float) -> bool:
    end = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > end:
            return False
        time.sleep(0.001)
    return True


def measure(rounds: int = ROUNDS) -> dict:
    """``{"open_ms": [...], "cold_ms": [...], "lead_s", "reason"}``; empty lists
    and a ``reason`` when there is no mixer."""
    from station.core.events import Cue
    from station.hw.speaker import Speaker

    out: dict = {"open_ms": [], "cold_ms": [], "lead_s": None, "reason": ""}
    speaker = Speaker(speech=False, idle_close_s=0.0)
    try:
        if not speaker.available:
            out["reason"] = speaker.reason
            return out
        for i in range(rounds):
            speaker.expect(0.0)
            _until(lambda: speaker.device.is_open, 2.0)
            closes = speaker.standbys
            speaker.expect(None)
            if i % 2:  # the moment the close begins
                _until(lambda: speaker.standing_by, 2.0)
            else:  # once it is closed
                _until(lambda c=closes: speaker.standbys > c, 2.0)
            speaker.play(Cue("rep", 0.0))
            _until(lambda n=i: len(speaker.cold_starts) > n, 2.0)
            speaker.wait_idle(2.0)
        out["cold_ms"] = [s * 1000 for _, s in speaker.cold_starts]
        out["open_ms"] = [s * 1000 for s in speaker.device.open_s]
        out["lead_s"] = speaker.lead_s()
        return out
    finally:
        speaker.close()
