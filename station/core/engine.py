"""The set engine: ``handle(state, event, now) -> (state, effects)``.

Pure and deterministic: time only comes in as arguments (station-clock s).
Every transition is in :data:`TRANSITIONS`, one table keyed by (phase, event
type) that names the next phase as data; the few exceptions are named
:class:`Guard` values listed in one place, and a bout's end is an
:class:`AfterBout` decision. A pair missing from the table raises
:class:`IllegalTransition` naming both (see "the table" below).

Timed phases end at their deadline, not when the shell noticed: the shell
calls ``handle(state, Tick(now), now)`` and every deadline up to ``now`` fires
at its own instant, each computed from the one before it (a rest from the
press edge that began it, count-ins and tempo from the phase's deadline or
start, the cap and an on-the-clock grid from the first rep), never from
``now``. So lateness never accumulates, however late the ticks come.

One module on purpose, over 400 lines: as in h11's ``_state.py`` (its Rule
1), everything that moves a set between phases lives here, the table, its
guards, the acts and the deadlines, so none of it hides elsewhere.

A press is acknowledged at once, but a gesture may later say it was not a
rep (it became a hold or the first half of a double press). So each counted
rep keeps a checkpoint of the state before it; a retraction restores that
checkpoint and replays, and cues already sounded are not sounded again.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .events import (
    Abort,
    Bout,
    BoutChanged,
    BoutRemoved,
    Cue,
    CueValue,
    Effect,
    End,
    Event,
    Fail,
    Phase,
    Rep,
    SetChanged,
    SetStatus,
    Tick,
    Undo,
)
from .evolve import evolve
from .methods import Plan
from .snapshot import Snapshot

_SOUNDED_MAX = 64  # cues remembered per checkpoint; a retraction comes within seconds


class IllegalTransition(RuntimeError):
    """An event arrived in a phase where it can never legally happen."""

    def __init__(self, phase: Phase, event: object) -> None:
        super().__init__(f"event {type(event).__name__} is illegal in phase {phase.value}: {event!r}")
        self.phase = phase
        self.event = event


# ------------------------------------------------------------ timer events
# Internal: produced by the engine's own deadlines, dispatched by the table.


@dataclass(frozen=True)
class CountIn:
    at: float
    value: int


@dataclass(frozen=True)
class RestEnd:
    at: float


@dataclass(frozen=True)
class TempoTick:
    at: float
    value: int


@dataclass(frozen=True)
class LowerEnd:
    at: float


@dataclass(frozen=True)
class CapReached:
    at: float


@dataclass(frozen=True)
class LastKnown:
    """From this instant no rest could end before the cap: the running bout
    is the last (announced with a ``cap`` cue)."""

    at: float


@dataclass(frozen=True)
class StripLate:
    """A strip has taken ``Plan.strip_limit_s``: cue ``go``."""

    at: float


# ------------------------------------------------------------ state

#: A sounded cue as the engine remembers it: (name, instant s, value).
_CueKey = tuple[str, float, CueValue]


@dataclass(frozen=True)
class Checkpoint:
    """The state before the rep pressed at ``rep_at`` (s), and the cues
    sounded since, so a retraction can restore it without repeating them."""

    rep_at: float
    prior: SetState
    sounded: tuple[_CueKey, ...] = ()  # (name, instant, value) of each cue


@dataclass(frozen=True)
class SetState:
    """Where one set is. Instants in station-clock s.

    ``count_next``: in REST, the next count-in value still due (0 = none).
    ``tempo_next``: in LOWER, the next tempo second still due (0 = none).
    ``early_rest``: (started_at, ends_at) of a rest cut short by a press, so
    an undo can give the rest back.
    ``fails``: failed clusters so far; ``target_cut``: the reps of the last
    failed cluster, the target of the clusters after it (None: the plan's).
    ``last_announced``: the running bout was announced as the last (cap).
    ``strip_cued``: this strip has had its late ``go``.
    ``reps_total``: the reps of every bout, kept as they are counted and
    taken back, so no event sums all bouts (per-event cost stays constant
    however long a flood of presses runs).
    """

    plan: Plan
    phase: Phase
    bouts: tuple[Bout, ...] = ()
    phase_started_at: float | None = None
    phase_ends_at: float | None = None
    count_next: int = 0
    tempo_next: int = 0
    set_started_at: float | None = None
    set_ended_at: float | None = None
    status: SetStatus = SetStatus.READY
    cap_fired: bool = False
    spotter_confirmed_at: float | None = None
    done_reason: str | None = None
    early_rest: tuple[float, float] | None = None
    checkpoint: Checkpoint | None = None
    clock_at: float = -math.inf
    fails: int = 0
    target_cut: int | None = None
    last_announced: bool = False
    strip_cued: bool = False
    reps_total: int = 0

    @property
    def cap_at(self) -> float | None:
        if self.plan.cap_s is None or self.set_started_at is None:
            return None
        return self.set_started_at + self.plan.cap_s

    @property
    def current(self) -> Bout | None:
        return self.bouts[-1] if self.bouts else None

    def target_of(self, bout_index: int) -> int | None:
        """The rep target of bout ``bout_index``: the plan's, lowered after a
        failed cluster, or what is left of a rest-pause total (None: to failure)."""
        target = self.plan.target_of(bout_index)
        if self.target_cut is not None and bout_index > 0:
            target = self.target_cut if target is None else min(target, self.target_cut)
        total = self.plan.total_reps
        if total is not None:
            left = total - self.reps_before(bout_index)
            target = left if target is None else min(target, left)
        return target

    def reps_before(self, bout_index: int) -> int:
        """Reps counted in the bouts before ``bout_index``: from the running
        total, so it costs the bouts from ``bout_index`` on (one or two)."""
        return self.reps_total - sum(b.reps for b in self.bouts[bout_index:])

    def rest_ends_at(self, at: float) -> float | None:
        """When a rest begun at ``at`` (s) would end, s (None: no timed rest)."""
        plan = self.plan
        if plan.every_s is not None and self.set_started_at is not None:
            k = math.floor((at - self.set_started_at) / plan.every_s) + 1
            return self.set_started_at + k * plan.every_s
        return None if plan.rest_s is None else at + plan.rest_s

    @property
    def last_known_at(self) -> float | None:
        """The first instant from which no rest could end before the cap, s:
        a bout still running then is the last one. None without a cap."""
        cap_at, plan = self.cap_at, self.plan
        if cap_at is None:
            return None
        if plan.every_s is not None and self.set_started_at is not None:
            k = math.ceil((cap_at - self.set_started_at) / plan.every_s) - 1
            return self.set_started_at + max(0, k) * plan.every_s
        return None if plan.rest_s is None else cap_at - plan.rest_s


def new_set(plan: Plan) -> SetState:
    """A set about to start: CONFIRM when a spotter is required, else READY."""
    if plan.spotter:
        return SetState(plan, Phase.CONFIRM, status=SetStatus.CONFIRM)
    return SetState(plan, Phase.READY)


# ------------------------------------------------------------ output


class _Out:
    """Effects of one ``handle`` call, with the cues not to sound again.

    ``floor``: a cue cannot be due before the gesture that caused it was
    recognised (a hold is known only at its threshold), so cue instants are
    raised to it. Suppression compares the unraised instant.
    """

    def __init__(self) -> None:
        self.cues: list[Cue] = []
        self.keys: list[_CueKey] = []
        self.suppressed: set[_CueKey] = set()
        self.floor = -math.inf
        self.touched = math.inf  # the lowest bout index that may have changed

    def touch(self, index: int) -> None:
        self.touched = min(self.touched, index)

    def cue(self, name: str, at: float, value: CueValue = None) -> None:
        key = (name, at, value)
        if key not in self.suppressed:
            self.cues.append(Cue(name, max(at, self.floor), value))
            self.keys.append(key)


# ------------------------------------------------------------ deadlines


def _timers(s: SetState) -> list[tuple[float, int, object]]:
    """Pending timer events as (instant, tie-break priority, event)."""
    out: list[tuple[float, int, object]] = []
    cap_at = s.cap_at
    if cap_at is not None and not s.cap_fired and s.phase not in (Phase.DONE,):
        out.append((cap_at, 0, CapReached(cap_at)))
    if s.phase is Phase.REST and s.phase_ends_at is not None:
        if s.count_next > 0:
            t = s.phase_ends_at - s.count_next
            out.append((t, 1, CountIn(t, s.count_next)))
        out.append((s.phase_ends_at, 2, RestEnd(s.phase_ends_at)))
    if s.phase is Phase.LOWER and s.phase_ends_at is not None and s.phase_started_at is not None:
        if s.tempo_next > 0:
            t = s.phase_started_at + s.tempo_next
            out.append((t, 1, TempoTick(t, s.tempo_next)))
        out.append((s.phase_ends_at, 2, LowerEnd(s.phase_ends_at)))
    if (s.phase is Phase.WORK and not s.last_announced and not s.cap_fired
            and s.phase_started_at is not None and (known := s.last_known_at) is not None):
        t = max(known, s.phase_started_at)
        out.append((t, 1, LastKnown(t)))
    if (s.phase is Phase.STRIP and not s.strip_cued and s.plan.strip_limit_s is not None
            and s.phase_started_at is not None):
        t = s.phase_started_at + s.plan.strip_limit_s
        out.append((t, 1, StripLate(t)))
    return out


def next_deadline(state: SetState) -> float | None:
    """When the shell must next call ``handle`` with a Tick, s (None: no timer)."""
    timers = _timers(state)
    return min(t for t, _, _ in timers) if timers else None


def _advance(s: SetState, until: float, out: _Out) -> SetState:
    while True:
        timers = _timers(s)
        if not timers:
            break
        t, _, ev = min(timers, key=lambda x: (x[0], x[1]))
        if t > until:
            break
        s = _dispatch(s, ev, out)
    return evolve(s, clock_at=until) if until > s.clock_at else s


# ------------------------------------------------------------ the entry point


def handle(state: SetState, event: Event, now: float) -> tuple[SetState, list[Effect]]:
    """Apply ``event`` at ``now`` (s) and fire every deadline up to ``now``.

    Deadlines that fell before the event's own instant fire first (a press
    just after a rest ended lands in the new bout). Returns the new state and
    the effects: cues in time order, then record changes.
    """
    out = _Out()
    before = state
    if not isinstance(event, Tick):
        state = _advance(state, min(event.at, now), out)
        out.floor = _decided(event)
        state = _dispatch(state, event, out)
        out.floor = -math.inf
    state = _advance(state, now, out)
    if state.checkpoint is not None and out.keys:
        cp = state.checkpoint
        room = _SOUNDED_MAX - len(cp.sounded)
        if room > 0:
            state = evolve(state, checkpoint=evolve(cp, sounded=cp.sounded + tuple(out.keys[:room])))
    effects: list[Effect] = list(out.cues)
    effects.extend(_record_changes(before, state, out.touched))
    return state, effects


def _record_changes(a: SetState, b: SetState, since: float = 0) -> list[Effect]:
    """What changed from ``a`` to ``b`` for history. Bouts below index
    ``since`` are untouched (the same objects), so only the few from there
    are compared: the cost does not grow with the number of bouts."""
    fx: list[Effect] = []
    lo = len(a.bouts) if since == math.inf else max(0, int(since))
    for i in range(max(lo, len(b.bouts)), len(a.bouts)):
        fx.append(BoutRemoved(i))
    for i in range(lo, len(b.bouts)):
        was, now = (a.bouts[i] if i < len(a.bouts) else None), b.bouts[i]
        if was is not now and was != now:  # unchanged bouts are the same objects
            fx.append(BoutChanged(now))

    def key(s: SetState) -> tuple[object, ...]:
        return (s.status, s.set_started_at, s.set_ended_at, s.spotter_confirmed_at, s.done_reason)

    if key(a) != key(b):
        fx.append(SetChanged(b.status, b.set_started_at, b.set_ended_at, b.spotter_confirmed_at, b.done_reason))
    return fx


# ------------------------------------------------------------ the table
#
# Everything that takes a set from one phase to another is here, as h11's
# ``_state.py`` does it: :data:`TRANSITIONS` says as data, for each (phase,
# event type), the phase the set is in after the event; the few exceptions
# are named :class:`Guard` values listed in one place (the GUARDS block
# below), each taking the event elsewhere when its condition holds. An act
# does what the event does on the way (cues, reps, bouts, instants) and never
# picks the phase: :func:`_dispatch` lands the set where the row or a guard
# says. One step comes before the table: a gesture that takes back a
# provisional rep (``retract_at``) restores the state before it, and the event
# is looked up in the phase that leaves. Where a bout ends (:data:`AT_TARGET`, :data:`IN_FAILURE`),
# :func:`_end_bout` returns an :class:`AfterBout` decision and the dispatcher
# applies it.


@dataclass(frozen=True)
class BoutEnds:
    """A destination: the running bout ends (``reason``: its end reason) and
    :func:`_end_bout` decides whether REST, STRIP or DONE follows."""

    reason: str


AT_TARGET = BoutEnds("target")
IN_FAILURE = BoutEnds("fail")
#: Where a bout end can lead.
AFTER_A_BOUT = frozenset({Phase.REST, Phase.STRIP, Phase.DONE})

Dest = Phase | BoutEnds
Act = Callable[[SetState, Any, _Out], SetState]


@dataclass(frozen=True)
class Guard:
    """An exception to a row: when ``when(state, event)`` holds (the state
    before the event), the event goes ``to`` instead, by ``act`` (None: the
    row's act), counted as a rep or not (None: as the row says)."""

    name: str
    when: Callable[[SetState, Any], bool]
    to: Dest
    act: Act | None = None
    counted: bool | None = None


@dataclass(frozen=True)
class Row:
    """One transition: the event takes the set ``to`` by ``act``, unless the
    first of ``guards`` whose condition holds says otherwise. ``counted``: the
    event counts a rep, so the state before it is kept as a checkpoint that a
    later gesture (a hold, a double press) can restore."""

    to: Dest
    act: Act
    guards: tuple[Guard, ...] = ()
    counted: bool = False


@dataclass(frozen=True)
class AfterBout:
    """What follows a bout that ended: ``to`` is REST, STRIP or DONE;
    ``why``: the set's ``done_reason`` when DONE; ``cut_target``: a failed
    cluster: the clusters after it aim at the reps it made."""

    to: Phase
    why: str | None = None
    cut_target: bool = False


def destinations(phase: Phase, event_type: type) -> frozenset[Phase]:
    """Every phase ``event_type`` can take a set in ``phase`` to (empty: the
    pair is illegal), read from the table and its guards."""
    row = TRANSITIONS.get((phase, event_type))
    if row is None:
        return frozenset()
    out: set[Phase] = set()
    for to in (row.to, *(g.to for g in row.guards)):
        out.update(AFTER_A_BOUT if isinstance(to, BoutEnds) else {to})
    return frozenset(out)


def _dispatch(s: SetState, ev: Any, out: _Out) -> SetState:
    # Exception 0: a gesture that takes back a provisional rep restores the
    # state before it first; the event is then looked up where that leaves it.
    n = len(s.bouts)
    s = _retract(s, getattr(ev, "retract_at", None), out)
    row = TRANSITIONS.get((s.phase, type(ev)))
    if row is None:
        raise IllegalTransition(s.phase, ev)
    to, act, counted = row.to, row.act, row.counted
    for g in row.guards:
        if g.when(s, ev):
            to, act = g.to, g.act or act
            counted = counted if g.counted is None else g.counted
            break
    prior = evolve(s, checkpoint=None) if counted else None
    n = min(n, len(s.bouts))
    s = _land(act(s, ev, out), to, ev.at, out)
    # Acts change the running bout or add one; an undo, which may reach an
    # earlier bout, says so itself; a retraction restores bouts from there.
    out.touch(max(0, min(n, len(s.bouts)) - 1))
    return s if prior is None else evolve(s, checkpoint=Checkpoint(ev.at, prior))


def _land(s: SetState, to: Dest, at: float, out: _Out) -> SetState:
    """Put ``s`` (after the act) in the destination ``to``, at ``at`` (s)."""
    if isinstance(to, BoutEnds):
        return _apply_end(s, at, to.reason, out)
    if to is Phase.LOWER and s.phase is not Phase.LOWER:
        s = _begin_lowering(s, at)  # a counted rep begins a forced negative
    return s if s.phase is to else evolve(s, phase=to)


# ------------------------------------------------------------ helpers


def _set_current(s: SetState, bout: Bout) -> SetState:
    return evolve(s, bouts=s.bouts[:-1] + (bout,))


def _start_bout(s: SetState, at: float) -> SetState:
    idx = len(s.bouts)
    prev = s.current
    rest_before = None if prev is None or prev.ended_at is None else at - prev.ended_at
    bout = Bout(idx, at, s.plan.load_of(idx), s.plan.variation_of(idx), rest_before)
    return evolve(s, bouts=s.bouts + (bout,), phase_started_at=at,
                   phase_ends_at=None, count_next=0, tempo_next=0, last_announced=False,
                   strip_cued=False)


def _retract(s: SetState, retract_at: float | None, out: _Out) -> SetState:
    """Restore the state before the rep pressed at ``retract_at``, if it is
    the last counted rep; cues sounded since are not sounded again."""
    cp = s.checkpoint
    if retract_at is None or cp is None or cp.rep_at != retract_at:
        return s
    out.suppressed.update(cp.sounded)
    out.suppressed.update(out.keys)
    return cp.prior


def _count_rep(s: SetState, at: float, out: _Out) -> SetState:
    """Count a rep at press edge ``at`` in the current (running) bout."""
    bout = s.current
    assert bout is not None and bout.ended_at is None
    bout = evolve(bout, rep_times=bout.rep_times + (at,))
    out.cue("rep", at, bout.reps)
    return evolve(_set_current(s, bout), reps_total=s.reps_total + 1)


def _begin_lowering(s: SetState, at: float) -> SetState:
    plan = s.plan
    assert plan.lower_limit_s is not None and plan.eccentric_s is not None
    return evolve(s, phase_started_at=at, phase_ends_at=at + plan.lower_limit_s,
                   tempo_next=1 if plan.eccentric_s >= 1 else 0)


def _end_bout(s: SetState, at: float, reason: str) -> AfterBout:
    """What follows the bout just closed at ``at`` (s) for ``reason``."""
    bout = s.current
    assert bout is not None
    plan, cut = s.plan, False
    if reason == "fail" and plan.fail_ends_set:
        return AfterBout(Phase.DONE, "fail")
    if reason == "fail" and plan.fail_lowers_target:
        if s.fails >= 1 or bout.reps == 0:  # clusters stay short of failure
            return AfterBout(Phase.DONE, "fail")
        cut = True
    if plan.total_reps is not None:
        if s.reps_before(len(s.bouts)) >= plan.total_reps:
            return AfterBout(Phase.DONE, "total", cut)
        if reason == "fail" and bout.reps == 0 and bout.index > 0:
            return AfterBout(Phase.DONE, "fail", cut)
    if plan.max_bouts is not None and len(s.bouts) >= plan.max_bouts:
        return AfterBout(Phase.DONE, "complete", cut)
    if plan.min_reps is not None and bout.index >= 1 and bout.reps < plan.min_reps:
        return AfterBout(Phase.DONE, "min-reps", cut)
    if s.cap_fired:
        return AfterBout(Phase.DONE, "cap", cut)
    ends = s.rest_ends_at(at)
    if s.cap_at is not None and ends is not None and ends >= s.cap_at:
        return AfterBout(Phase.DONE, "cap", cut)  # no bout could start before the cap: never count in to nothing
    if plan.rest_s is None and plan.every_s is None:
        return AfterBout(Phase.STRIP, cut_target=cut)
    return AfterBout(Phase.REST, cut_target=cut)


def _apply_end(s: SetState, at: float, reason: str, out: _Out) -> SetState:
    """Close the running bout at ``at`` (s) and carry out :func:`_end_bout`'s decision."""
    bout = s.current
    assert bout is not None
    s = _set_current(s, evolve(bout, ended_at=at, end_reason=reason))
    d = _end_bout(s, at, reason)
    if d.cut_target:
        s = evolve(s, fails=s.fails + 1, target_cut=bout.reps)
    if d.to is Phase.DONE:
        assert d.why is not None
        s = _done(s, at, d.why, out)
    elif d.to is Phase.STRIP:
        plan, nxt = s.plan, len(s.bouts)
        detail = plan.variation_of(nxt)
        if detail is None and plan.load_of(nxt) is not None:
            detail = f"{plan.load_of(nxt):g} kg"
        out.cue("strip", at, detail)
        s = evolve(s, phase_started_at=at, phase_ends_at=None)
    else:
        s = _start_rest(s, at, out)
    return evolve(s, phase=d.to)


def _count_from(ends_at: float, after: float, count_in: int) -> int:
    """The first count-in value whose instant (ends_at - k) is after ``after``."""
    k = count_in
    while k > 0 and ends_at - k <= after:
        k -= 1
    return k


def _start_rest(s: SetState, at: float, out: _Out) -> SetState:
    plan = s.plan
    ends = s.rest_ends_at(at)
    assert ends is not None
    out.cue("rest", at, round(ends - at))
    return evolve(s, phase_started_at=at, phase_ends_at=ends,
                   count_next=_count_from(ends, at, plan.count_in_s), early_rest=None)


def _done(s: SetState, at: float, reason: str, out: _Out) -> SetState:
    """The set ends at ``at`` (s) for ``reason`` (the phase is the caller's: DONE)."""
    bout = s.current
    if bout is not None and bout.ended_at is None:
        s = _set_current(s, evolve(bout, ended_at=at, end_reason=reason))
    if reason == "abort":
        status = SetStatus.INTERRUPTED
    elif s.set_started_at is None:
        status = SetStatus.ABORTED
    else:
        status = SetStatus.COMPLETED
    if reason != "abort":
        out.cue("done", at, reason)
    return evolve(s, phase_started_at=at, phase_ends_at=None, count_next=0,
                   tempo_next=0, set_ended_at=at, status=status, done_reason=reason,
                   checkpoint=None, early_rest=None)


def _decided(ev: object) -> float:
    d = getattr(ev, "decided_at", None)
    at: float = ev.at if d is None else d  # type: ignore[attr-defined]
    return at


# ------------------------------------------------------------ acts


def _confirm(s: SetState, ev: Rep, out: _Out) -> SetState:
    out.cue("go", ev.at, "spotter")
    return evolve(s, status=SetStatus.READY, spotter_confirmed_at=ev.at)


def _first_rep(s: SetState, ev: Rep, out: _Out) -> SetState:
    s = evolve(s, set_started_at=ev.at, status=SetStatus.RUNNING)
    return _count_rep(_start_bout(s, ev.at), ev.at, out)


def _work_rep(s: SetState, ev: Rep, out: _Out) -> SetState:
    return _count_rep(s, ev.at, out)


def _early_go(s: SetState, ev: Rep, out: _Out) -> SetState:
    """A press in the late part of a rest: the lifter started the next bout
    early: ``go`` (the rest is over, audibly) and the press is its first rep."""
    assert s.phase_started_at is not None and s.phase_ends_at is not None
    early = (s.phase_started_at, s.phase_ends_at)
    out.cue("go", ev.at)
    return _count_rep(evolve(_start_bout(s, ev.at), early_rest=early), ev.at, out)


def _strip_rep(s: SetState, ev: Rep, out: _Out) -> SetState:
    return _count_rep(_start_bout(s, ev.at), ev.at, out)


def _warn(s: SetState, ev: object, out: _Out) -> SetState:
    out.cue("warn", _decided(ev))
    return s


def _ignore(s: SetState, ev: object, out: _Out) -> SetState:
    return s


def _fail_work(s: SetState, ev: Fail, out: _Out) -> SetState:
    out.cue("fail", _decided(ev))
    return s


def _fail_ends(s: SetState, ev: Fail, out: _Out) -> SetState:
    out.cue("fail", _decided(ev))
    return _done(s, ev.at, "fail", out)


def _fail_ready(s: SetState, ev: Fail, out: _Out) -> SetState:
    # A hold before the set starts means nothing; a remote FAIL gets a warn.
    return s if ev.retract_at is not None else _warn(s, ev, out)


@dataclass(frozen=True)
class _UndoPlan:
    """What an undo at ``at`` (s) takes back: the last rep of bout ``idx``
    (None: nothing to undo), pressed at ``removed``."""

    at: float
    idx: int | None = None
    removed: float | None = None
    leaves_lowering: bool = False
    gives_rest_back: bool = False
    unstarts: bool = False


def _undo_plan(s: SetState, ev: Undo) -> _UndoPlan:
    at = _decided(ev)
    idx = next((i for i in range(len(s.bouts) - 1, -1, -1) if s.bouts[i].reps), None)
    if idx is None:
        return _UndoPlan(at)
    bout = s.bouts[idx]
    removed = bout.rep_times[-1]
    running = bout.ended_at is None and idx == len(s.bouts) - 1
    empty = running and bout.reps == 1
    leaves = running and s.phase is Phase.LOWER and removed == s.phase_started_at
    back = empty and s.early_rest is not None and s.early_rest[1] > at
    unstarts = empty and not back and idx == 0 and (s.phase is Phase.WORK or leaves)
    return _UndoPlan(at, idx, removed, leaves, back, unstarts)


def _undo(s: SetState, ev: Undo, out: _Out) -> SetState:
    u = _undo_plan(s, ev)
    if u.idx is None:
        return _warn(s, ev, out)
    at, idx = u.at, u.idx
    bout = s.bouts[idx]
    bout = evolve(bout, rep_times=bout.rep_times[:-1])
    s = evolve(s, bouts=s.bouts[:idx] + (bout,) + s.bouts[idx + 1:], checkpoint=None,
                reps_total=s.reps_total - 1)
    out.touch(idx)
    out.cue("undo", at, bout.reps)
    if u.leaves_lowering:
        s = evolve(s, phase_started_at=at, phase_ends_at=None, tempo_next=0)
    if u.gives_rest_back:
        assert s.early_rest is not None
        started, ends = s.early_rest  # give the rest back: the bout never began
        s = evolve(s, bouts=s.bouts[:-1], phase_started_at=started,
                    phase_ends_at=ends, early_rest=None,
                    count_next=_count_from(ends, max(at, s.clock_at), s.plan.count_in_s))
    if u.unstarts:
        # the first rep of the set taken back: the set has not started
        s = evolve(s, bouts=(), phase_started_at=None, set_started_at=None, status=SetStatus.READY)
    return s


def _end(s: SetState, ev: End, out: _Out) -> SetState:
    return _done(s, ev.at, "end", out)


def _abort(s: SetState, ev: Abort, out: _Out) -> SetState:
    return _done(s, ev.at, "abort", out)


def _count_in(s: SetState, ev: CountIn, out: _Out) -> SetState:
    out.cue("count", ev.at, ev.value)
    return evolve(s, count_next=ev.value - 1)


def _rest_end(s: SetState, ev: RestEnd, out: _Out) -> SetState:
    out.cue("go", ev.at)
    return evolve(_start_bout(s, ev.at), early_rest=None)


def _tempo(s: SetState, ev: TempoTick, out: _Out) -> SetState:
    out.cue("tempo", ev.at, ev.value)
    assert s.phase_started_at is not None and s.phase_ends_at is not None
    nxt = ev.value + 1
    target_s = s.plan.eccentric_s or 0.0
    return evolve(s, tempo_next=nxt if nxt <= target_s + 1e-9 else 0)


def _lowered(s: SetState, at: float, lowered_s: float | None) -> SetState:
    """The lowering that began at the phase start ended at ``at`` (s):
    record how long it took (None: not measured), then wait for the next."""
    bout = s.current
    assert bout is not None
    s = _set_current(s, evolve(bout, lowered_s=bout.lowered_s + (lowered_s,)))
    return evolve(s, phase_started_at=at, phase_ends_at=None, tempo_next=0)


def _bottom(s: SetState, ev: Rep, out: _Out) -> SetState:
    """The press at the bottom of a negative: the lowering took ``at - start``;
    shorter than the target by more than the margin earns ``slower``."""
    assert s.phase_started_at is not None
    at = ev.at
    took = round(at - s.phase_started_at, 3)
    target = s.plan.eccentric_s or 0.0
    if took < target - s.plan.slower_margin_s:
        out.cue("slower", at, round(took, 1))
    else:
        out.cue("tempo", at, "bottom")
    return _lowered(s, at, took)


def _lower_end(s: SetState, ev: LowerEnd, out: _Out) -> SetState:
    return _lowered(s, ev.at, None)  # no bottom press: not measured


def _cap(s: SetState, ev: CapReached, out: _Out) -> SetState:
    if not s.last_announced:
        out.cue("cap", ev.at)
    return evolve(s, cap_fired=True, last_announced=True)


def _cap_ends(s: SetState, ev: CapReached, out: _Out) -> SetState:
    return _done(_cap(s, ev, out), ev.at, "cap", out)


def _last_known(s: SetState, ev: LastKnown, out: _Out) -> SetState:
    out.cue("cap", ev.at, "last")  # "last one": no rest could end before the cap
    return evolve(s, last_announced=True)


def _strip_late(s: SetState, ev: StripLate, out: _Out) -> SetState:
    out.cue("go", ev.at, "strip")  # the article says "immediately"
    return evolve(s, strip_cued=True)


# ------------------------------------------------------------ guards: the exceptions, all here


def _too_early(s: SetState, ev: Rep) -> bool:
    assert s.phase_started_at is not None and s.phase_ends_at is not None
    started, ends = s.phase_started_at, s.phase_ends_at
    return ev.at < started + s.plan.early_start_after * (ends - started)


def _negatives(s: SetState, ev: Rep) -> bool:
    return s.plan.eccentric_s is not None and s.plan.lower_limit_s is not None


def _rep_reaches_target(s: SetState, ev: Rep) -> bool:
    """The rep this press counts completes its bout's target."""
    cur = s.current
    if s.phase is Phase.WORK and cur is not None:
        idx, reps = cur.index, cur.reps + 1
    else:  # READY, REST, STRIP: the press begins a new bout
        idx, reps = len(s.bouts), 1
    target = s.target_of(idx)
    return target is not None and reps >= target


def _lowered_to_target(s: SetState, ev: object) -> bool:
    cur = s.current
    assert cur is not None
    target = s.target_of(cur.index)
    return target is not None and cur.reps >= target


#: A press in the first part of a rest (``Plan.early_start_after``) is a
#: ``warn`` and starts nothing: a bump must not count a heavy single.
TOO_EARLY = Guard("a press too early in a rest", _too_early, Phase.REST, _warn, counted=False)
#: Forced negatives: every counted rep begins a timed lowering.
LOWERS = Guard("a rep of forced negatives", _negatives, Phase.LOWER)
#: The rep completes the bout's target: the bout ends.
AT_ITS_TARGET = Guard("the bout's target reached", _rep_reaches_target, AT_TARGET)
#: The lowering of the bout's last target rep ended: the bout ends.
LOWERED_TO_TARGET = Guard("the last target rep lowered", _lowered_to_target, AT_TARGET)
#: A failure where it does not end the set (no negatives plan does that today): a warn.
KEEPS_LOWERING = Guard("a failure that does not end the set",
                       lambda s, ev: not s.plan.fail_ends_set, Phase.LOWER, _warn)
#: Undoing the rep whose lowering is running ends the lowering.
UNDO_LOWERING = Guard("the lowering's rep taken back",
                      lambda s, ev: (u := _undo_plan(s, ev)).leaves_lowering
                      and not u.gives_rest_back and not u.unstarts, Phase.WORK)
#: Undoing the only rep of a bout started early gives the rest back.
UNDO_EARLY_GO = Guard("an early start taken back",
                      lambda s, ev: _undo_plan(s, ev).gives_rest_back, Phase.REST)
#: Undoing the set's first rep: the set has not started.
UNDO_FIRST_REP = Guard("the set's first rep taken back",
                       lambda s, ev: _undo_plan(s, ev).unstarts, Phase.READY)

_NEW_REP = (LOWERS, AT_ITS_TARGET)
_UNDO = (UNDO_EARLY_GO, UNDO_FIRST_REP, UNDO_LOWERING)

# ------------------------------------------------------------ the table

TRANSITIONS: dict[tuple[Phase, type], Row] = {
    (Phase.CONFIRM, Rep): Row(Phase.READY, _confirm),  # the spotter confirmed
    (Phase.READY, Rep): Row(Phase.WORK, _first_rep, _NEW_REP, counted=True),
    (Phase.WORK, Rep): Row(Phase.WORK, _work_rep, _NEW_REP, counted=True),
    (Phase.REST, Rep): Row(Phase.WORK, _early_go, (TOO_EARLY, *_NEW_REP), counted=True),
    (Phase.STRIP, Rep): Row(Phase.WORK, _strip_rep, _NEW_REP, counted=True),
    (Phase.LOWER, Rep): Row(Phase.WORK, _bottom, (LOWERED_TO_TARGET,), counted=True),  # measured
    (Phase.DONE, Rep): Row(Phase.DONE, _ignore),
    (Phase.REST, CountIn): Row(Phase.REST, _count_in),
    (Phase.REST, RestEnd): Row(Phase.WORK, _rest_end),
    (Phase.LOWER, TempoTick): Row(Phase.LOWER, _tempo),
    (Phase.LOWER, LowerEnd): Row(Phase.WORK, _lower_end, (LOWERED_TO_TARGET,)),
    (Phase.WORK, LastKnown): Row(Phase.WORK, _last_known),
    (Phase.STRIP, StripLate): Row(Phase.STRIP, _strip_late),
    (Phase.WORK, CapReached): Row(Phase.WORK, _cap),  # the running bout is the last
    (Phase.LOWER, CapReached): Row(Phase.LOWER, _cap),
    (Phase.REST, CapReached): Row(Phase.DONE, _cap_ends),
    (Phase.STRIP, CapReached): Row(Phase.DONE, _cap_ends),
    (Phase.CONFIRM, Fail): Row(Phase.CONFIRM, _fail_ready),
    (Phase.READY, Fail): Row(Phase.READY, _fail_ready),
    (Phase.WORK, Fail): Row(IN_FAILURE, _fail_work),
    (Phase.REST, Fail): Row(Phase.REST, _warn),
    (Phase.STRIP, Fail): Row(Phase.STRIP, _warn),
    (Phase.LOWER, Fail): Row(Phase.DONE, _fail_ends, (KEEPS_LOWERING,)),
    (Phase.DONE, Fail): Row(Phase.DONE, _ignore),
    (Phase.CONFIRM, Undo): Row(Phase.CONFIRM, _warn),
    (Phase.READY, Undo): Row(Phase.READY, _undo),  # nothing to undo yet: a warn
    (Phase.WORK, Undo): Row(Phase.WORK, _undo, _UNDO),
    (Phase.REST, Undo): Row(Phase.REST, _undo),
    (Phase.STRIP, Undo): Row(Phase.STRIP, _undo),
    (Phase.LOWER, Undo): Row(Phase.LOWER, _undo, _UNDO),
    (Phase.DONE, Undo): Row(Phase.DONE, _warn),
}
for _phase in Phase:
    TRANSITIONS[(_phase, End)] = Row(Phase.DONE, _ignore if _phase is Phase.DONE else _end)
    TRANSITIONS[(_phase, Abort)] = Row(Phase.DONE, _ignore if _phase is Phase.DONE else _abort)
del _phase


# ------------------------------------------------------------ snapshot


def snapshot(s: SetState, now: float) -> Snapshot:
    """Describe ``s`` at ``now`` (s) for the screen, the remote and history."""
    plan = s.plan
    cur = s.current
    idx = len(s.bouts) - 1 if s.bouts else 0
    running = cur is not None and cur.ended_at is None
    reps = cur.reps if running and cur is not None else 0
    nxt = idx + 1 if cur is not None else 0
    if s.phase is Phase.STRIP or s.phase is Phase.REST:
        shown_next = len(s.bouts)
    else:
        shown_next = nxt
    left = None if s.phase_ends_at is None else max(0.0, s.phase_ends_at - now)
    cap_at = s.cap_at
    lowering = None
    if s.phase is Phase.LOWER and s.phase_started_at is not None:
        lowering = max(0, int(now - s.phase_started_at))
    return Snapshot(
        method=plan.method,
        phase=s.phase,
        bout_index=idx,
        bouts_planned=plan.max_bouts,
        reps_in_bout=reps,
        target_reps=s.target_of(idx if running or cur is None else len(s.bouts)),
        bouts=s.bouts,
        total_reps=s.reps_total,
        phase_started_at=s.phase_started_at,
        phase_ends_at=s.phase_ends_at,
        seconds_left=left,
        set_started_at=s.set_started_at,
        cap_at=cap_at,
        cap_left_s=None if cap_at is None else max(0.0, cap_at - now),
        cap_reached=s.cap_fired,
        load_kg=plan.load_of(idx),
        variation=plan.variation_of(idx),
        next_load_kg=plan.load_of(shown_next) if plan.max_bouts is None or shown_next < plan.max_bouts else None,
        next_variation=plan.variation_of(shown_next) if shown_next < len(plan.variations) else None,
        lowering_s=lowering,
        done_reason=s.done_reason,
        spotter_required=plan.spotter,
        spotter_confirmed=s.spotter_confirmed_at is not None,
        eccentric_s=plan.eccentric_s,
        last_bout=s.last_announced and running,
        early_start_at=(s.phase_started_at + plan.early_start_after * (s.phase_ends_at - s.phase_started_at)
                        if s.phase is Phase.REST and s.phase_started_at is not None
                        and s.phase_ends_at is not None else None),
    )
