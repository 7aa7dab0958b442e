"""Events into the engine and effects out of it, as frozen values.

All instants (``*_at``) are seconds on the station's monotonic clock; all
durations (``*_s``) are seconds. The core never reads a clock itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, StrEnum

from .cues import CUE_NAMES as _CUE_NAMES

# ---------------------------------------------------------------- phases


class Phase(str, Enum):
    """Where a set is. The string value is what the screen and remote show."""

    CONFIRM = "CONFIRM"  # a spotter must confirm with a press before anything starts
    READY = "READY"  # waiting for the first rep
    WORK = "WORK"  # counting reps
    REST = "REST"  # a timed intra-set rest
    STRIP = "STRIP"  # drop sets: strip the weight (or switch variation); counts up
    LOWER = "LOWER"  # forced negatives: a timed lowering with a tempo count
    DONE = "DONE"  # the set is over


class SetStatus(StrEnum):
    """What became of a set: the one list the engine, the shell and the store
    use. The values are what the history file holds (and its CHECK allows)."""

    CONFIRM = "confirm"  # waiting for the spotter's press
    READY = "ready"  # waiting for the first rep
    RUNNING = "running"  # the first rep is in
    COMPLETED = "completed"  # ended by the set's rules or the lifter
    ABORTED = "aborted"  # ended before any rep
    INTERRUPTED = "interrupted"  # cut off from outside (SIGTERM, Esc, quit, a power cut)

    @property
    def ended(self) -> bool:
        """True for the statuses a finished set keeps (:data:`END_STATUSES`)."""
        return self in END_STATUSES


#: How a set can end, in the order the history's docs list them.
END_STATUSES: tuple[SetStatus, ...] = (SetStatus.COMPLETED, SetStatus.ABORTED, SetStatus.INTERRUPTED)


# ---------------------------------------------------------------- events in


@dataclass(frozen=True)
class Rep:
    """One counted rep (a button press). ``at``: the press edge instant, s."""

    at: float


@dataclass(frozen=True)
class Fail:
    """Failure: the end of this mini-set, not a rep.

    ``at``: the press edge that signalled it, s (rests are timed from it).
    ``retract_at``: the press edge of a rep already counted that was really
    this hold (the station acknowledges a press at once, before it can know
    it will become a hold), or None. ``decided_at``: when the gesture was
    recognised (the hold threshold), s; the acknowledgement cue is due then.
    """

    at: float
    retract_at: float | None = None
    decided_at: float | None = None


@dataclass(frozen=True)
class Undo:
    """Take back the last counted rep.

    ``at``: the instant of the undo gesture, s. ``retract_at``: the press edge
    of a provisional rep that belongs to the undo gesture itself (the first
    press of a double press), taken back too, or None.
    """

    at: float
    retract_at: float | None = None
    decided_at: float | None = None


@dataclass(frozen=True)
class End:
    """The lifter ends the whole set (very long hold, remote ``END``).

    ``at``: when the lifter stopped (the press edge of a long hold), s.
    """

    at: float
    retract_at: float | None = None
    decided_at: float | None = None


@dataclass(frozen=True)
class Abort:
    """The set is cut off from outside (SIGTERM, Esc, quit): status ``interrupted``."""

    at: float


@dataclass(frozen=True)
class Tick:
    """Time has passed: fire every deadline up to ``at`` (s)."""

    at: float


Event = Rep | Fail | Undo | End | Abort | Tick

# ---------------------------------------------------------------- effects out

#: Every cue the engine can emit, in the order of the README's sound table
#: (the names of the one table of cue specs, core.cues.CUES).
CUE_NAMES = _CUE_NAMES


#: A cue's value: a count (3, 2, 1), a tempo second or "bottom", the s a
#: too-fast negative took, a load or variation name; None when it needs none.
CueValue = int | float | str | None


@dataclass(frozen=True)
class Cue:
    """Sound this cue. ``at``: when it is due, s (the shell measures lateness
    against it). ``value``: the count (3, 2, 1, s before the rest ends), the
    tempo second (1..N, or "bottom": the bottom press of a negative), the s
    a too-fast negative took (``slower``), or a short detail such as the
    next load; None when the cue needs none. ``name``: one of CUE_NAMES."""

    name: str
    at: float
    value: CueValue = None

    def __post_init__(self) -> None:
        if self.name not in CUE_NAMES:
            raise ValueError(f"unknown cue {self.name!r}; known: {', '.join(CUE_NAMES)}")


@dataclass(frozen=True)
class Bout:
    """One work bout: a cluster, a mini-set, a drop, a variation, a single.

    ``load_kg`` may be None (body weight or not given). ``rest_before_s``: the
    rest actually taken before this bout (None for the first). ``rep_times``:
    the press edge instant of each counted rep, s. ``end_reason``: None while
    running, else "target", "fail", "cap", "end" or "abort". ``lowered_s``:
    forced negatives: how long each lowering took, top press to bottom press,
    s (None: no bottom press came, not measured).
    """

    index: int
    started_at: float
    load_kg: float | None = None
    variation: str | None = None
    rest_before_s: float | None = None
    rep_times: tuple[float, ...] = ()
    ended_at: float | None = None
    end_reason: str | None = None
    lowered_s: tuple[float | None, ...] = ()

    @property
    def reps(self) -> int:
        return len(self.rep_times)


@dataclass(frozen=True)
class BoutChanged:
    """A bout was started, got or lost a rep, or ended: here is all of it now.

    History stores it by (index) with an upsert, so a retracted rep is simply
    gone from the next record.
    """

    bout: Bout


@dataclass(frozen=True)
class BoutRemoved:
    """A bout that was started by a press later taken back no longer exists."""

    index: int


@dataclass(frozen=True)
class SetChanged:
    """The set started, had its spotter confirmed, or ended.

    ``status``: see :class:`SetStatus`. Instants in s; None while not yet known.
    """

    status: SetStatus
    started_at: float | None
    ended_at: float | None = None
    spotter_confirmed_at: float | None = None
    done_reason: str | None = None


Effect = Cue | BoutChanged | BoutRemoved | SetChanged
