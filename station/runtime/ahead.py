"""What the main loop prepares before it waits for a deadline.

- :func:`tick_ahead`: the session ticked at that deadline (the session is
  pure, so nothing happens until the loop carries the effects out): if the
  wait ends at the deadline with nothing queued, its cues are played first
  thing, and a slow CPU adds nothing between the wake-up and the sound.
- :func:`quiet_for_s`: how long no timed cue is due, for the outputs that
  may rest meanwhile (``expect(quiet_for_s)``: the speaker closes its audio
  device, :mod:`station.hw.speaker`).
"""

from __future__ import annotations

from dataclasses import dataclass

from station.core import gestures, session
from station.core.events import Cue, Phase

#: Phases in which the lifter is not expected to press: the outputs may rest
#: until the next deadline. In the others a press, and its cue, may come at
#: any moment.
QUIET_PHASES = frozenset({Phase.REST})


@dataclass(frozen=True)
class Ahead:
    """The session ticked in advance at ``at`` (s), before the wait for it:
    ``sess`` and its effects ``fx``; ``cues`` among them, to sound on waking."""

    at: float
    sess: session.Session
    fx: list
    cues: list


def tick_ahead(sess: session.Session, deadline: float | None) -> Ahead | None:
    """``sess`` ticked at ``deadline`` (s), or None without a deadline."""
    if deadline is None:
        return None
    fx: list = []
    later = session.tick(sess, deadline, fx)
    return Ahead(deadline, later, fx, [e for e in fx if isinstance(e, Cue)])


def resting(sess: session.Session) -> bool:
    """In a quiet phase with no press being decided (a press down, a release
    that may be the first of two): then a cue may follow at once."""
    return sess.set.phase in QUIET_PHASES and all(
        gestures.next_deadline(g) is None for g in sess.trackers.values())


def quiet_for_s(deadline: float | None, now: float, quiet: bool) -> float | None:
    """The hint for ``expect``: 0 when not ``quiet`` (the lifter is at work),
    else the s to ``deadline`` (None: nothing is due at all)."""
    if not quiet:
        return 0.0
    return None if deadline is None else max(0.0, deadline - now)
