"""The one main loop: one thread owns the engine; everything else posts to it.

gpiozero callbacks, the serial reader and the display's keyboard only put
``(Edge | Event | RemoteStatus | Quit)`` values on :attr:`MainLoop.queue`.
Each pass: wait on the queue until the next deadline (no busy waiting),
drain it, tick the session once, and carry out every effect of the items
and of that tick: sound cues first (they are what must be on time), then
hand records to the recorder thread and the new state to the screen, and
ping the systemd watchdog. Before it waits for a deadline the loop already
ticks a copy of the session at that instant (the session is pure): if the
wait ends at the deadline with nothing queued, the cues found are played
first thing, so a slow CPU adds nothing between the wake-up and the sound;
the rest of the pass follows as before. Outputs with an ``expect(quiet_for_s)``
method (the speaker) are told before each wait how long no timed cue is due.
No effect is ever dropped: time moves while the loop works, so a deadline
may fall due between two reads of the clock, and its cues are carried out
in the same pass as the items before it.
The loop sleeps until its deadline, the watchdog's ping or an item (a
signal wakes it too: station.runtime.inbox), never periodically. The wait
for a deadline with cues ends :data:`CUE_EARLY_S` early and polls the rest
(``Clock.get_sharp``): a late wake-up of the thread does not make them late.
"""

from __future__ import annotations

import queue
from collections.abc import Callable, Iterable

from station.core import between, session
from station.core.between import Between
from station.core.cues import SKIPPABLE_WHEN_LATE
from station.core.engine import snapshot
from station.core.events import Abort, BoutChanged, BoutRemoved, Cue, End, Fail, Phase, Rep, SetChanged, Undo
from station.core.gestures import Edge, GestureConfig
from station.core.methods import Plan
from station.core.snapshot import Snapshot
from station.runtime.ahead import quiet_for_s, resting, tick_ahead
from station.runtime.clock import Clock
from station.runtime.inbox import Inbox
from station.runtime.seams import CueSink, Note, Quit, Screen, SetResult
from station.ui.view import Context
from station.ui.view.messages import Message, ShowNotes, ShowSet

#: Count-ins and tempo ticks this late (s) are not sounded any more: a pile
#: of stale pips after a stall would only confuse. They are still recorded.
#: Every other cue carries meaning (a rep was counted) and is always sounded.
STALE_S = 1.0
_SKIPPABLE = SKIPPABLE_WHEN_LATE
#: How long before a deadline with cues the sleep ends, s (then it polls): the
#: thread was woken 1 ms late in one `station bench` run in three (4-5 ms in 2
#: of 9) while waking -> buzzer call is 0.1-0.2 ms; 2 ms covers the usual late
#: wake-up, for about 2 ms of CPU per timed cue (docs/bench.md).
CUE_EARLY_S = 0.002

__all__ = ["CUE_EARLY_S", "STALE_S", "CueSink", "MainLoop", "Note", "Quit", "Screen", "SetResult"]
class MainLoop:
    """Owns the queue, the session and the hand-off to outputs.

    ``clock``: the station clock (s), which also does the waiting (so a
    FakeClock runs the real loop in virtual time). ``sinks``: cue outputs, called in order
    (buzzer first: its first edge is synchronous and the quickest ack).
    ``screen.present(message)``: never blocks (hands off to a thread).
    ``record(effect, actual_at)``: never blocks (a writer thread commits).
    ``after_records(fn, unsaved)``: run ``fn`` once the records queued so
    far are committed, or ``unsaved()`` if they never will be (history
    off): the recorder's ``after``. ``on_cue(cue)``: e.g. the remote's
    ``CUE`` line, as the cue sounds; ``on_state(snapshot)``: its ``STATE``
    line; ``on_saved(total_reps)``: its ``SAVED`` line, once committed;
    ``on_not_saved(n)``: n new reps whose records will not reach the disk
    (the remote gets a note instead of ``SAVED``). ``ping(now)``: the
    watchdog. ``status(text)``: the service manager's STATUS line.
    ``inbox``: the :class:`~station.runtime.inbox.Inbox` to read (built before
    the loop, so the devices that post to it can be opened first); a new one by default.
    ``work_ahead``: tick the session at each deadline before waiting for it
    (:mod:`station.runtime.ahead`; False only to compare, in tests).
    All of these are given here, by the composition root (station.runtime.app).
    """

    def __init__(
        self,
        clock: Clock,
        *,
        gesture_config: GestureConfig = GestureConfig(),
        sinks: Iterable[CueSink] = (),
        screen: Screen | None = None,
        record: Callable[[object, float | None], None] | None = None,
        after_records: Callable[..., None] | None = None,
        on_cue: Callable[[Cue], None] | None = None,
        on_state: Callable[[Snapshot], None] | None = None,
        on_saved: Callable[[int], None] | None = None,
        on_not_saved: Callable[[int], None] | None = None,
        ping: Callable[[float], float | None] | None = None,
        status: Callable[[str], None] | None = None,
        inbox: Inbox | None = None,
        work_ahead: bool = True,
    ) -> None:
        self.queue: Inbox = inbox if inbox is not None else Inbox()
        self.clock = clock
        self.now = clock.now
        self.gesture_config = gesture_config
        self.sinks = list(sinks)
        self.screen = screen
        self._record = record
        self._on_cue = on_cue
        self._on_state = on_state
        self._ping = ping
        self._status = status
        self.notes: dict[str, str] = {}
        self.quit: Quit | None = None
        self.last_snapshot: Snapshot | None = None  # the latest published (any thread may read)
        self.next_deadline_at: float | None = None  # when the loop must next act, s (any thread may read)
        self._after_records_hook = after_records
        self._on_not_saved = on_not_saved
        self._watchers: list[Callable[[Snapshot], None]] = []
        # Items drained but not yet handled (wait_gesture returned before
        # them): the next wait hands them out first, so none is lost.
        self._backlog: list[object] = []
        #: ``on_saved(total_reps)``: the set's reps up to this count are committed
        #: (the remote's ``SAVED`` line); called on the recorder's thread.
        self._on_saved = on_saved
        self._saved_total = 0
        self.work_ahead = work_ahead

    # -------------------------------------------------------------- input side

    def post(self, item: object) -> None:
        """Thread-safe and non-blocking; safe from a signal handler too."""
        self.queue.put(item)

    def _wait(self, deadline: float | None, quiet: bool = True, cued: bool = False) -> list[object]:
        """Block until an item arrives or ``deadline`` (s) passes, then drain
        (a signal ends it early, empty: its handler posts). ``quiet``: no
        press is expected or being decided (a rest, between sets): the outputs
        hear how long until ``deadline``, else that a cue may come at once.
        ``cued``: cues are due at ``deadline``, it must not end late."""
        items, self._backlog = self._backlog, []
        self.next_deadline_at = deadline
        if items:
            return self._drain(items)
        self._tell_outputs(deadline, quiet)
        timeout = None if deadline is None else deadline - self.now()
        if self._ping is not None:
            wd = self._ping(self.now())
            if wd is not None and (timeout is None or wd < timeout):
                timeout, cued = wd, False  # the watchdog's wake-up comes first
        try:
            if cued and timeout is not None:
                items.append(self.clock.get_sharp(self.queue, timeout, CUE_EARLY_S))
            else:
                items.append(self.clock.get(self.queue, timeout))
        except queue.Empty:
            return items
        return self._drain(items)

    def _tell_outputs(self, deadline: float | None, quiet: bool) -> None:
        """``expect(quiet_for_s)`` on each output that has it."""
        hint = quiet_for_s(deadline, self.now(), quiet)
        for sink in self.sinks:
            expect = getattr(sink, "expect", None)
            if expect is not None:
                expect(hint)

    def _drain(self, items: list[object]) -> list[object]:
        """``items`` and then whatever else is queued now, without waiting."""
        while True:
            try:
                items.append(self.queue.get_nowait())
            except queue.Empty:
                return items

    def note(self, item: Note) -> None:
        """Show, replace or clear a status note now (main loop thread only)."""
        if item.text is None:
            self.notes.pop(item.key, None)
        else:
            self.notes[item.key] = item.text
        self.present(ShowNotes(tuple(self.notes.values())))

    def sound(self, cue: Cue) -> None:
        """A cue outside a set (the warning before one): every output plays
        it and ``on_cue`` hears it; it is not recorded (main loop thread only)."""
        for sink in self.sinks:
            sink.play(cue)
        if self._on_cue is not None:
            self._on_cue(cue)

    def watch_state(self, fn: Callable[[Snapshot], None]) -> Callable[[], None]:
        """Also call ``fn(snapshot)`` at each published change of state, after
        ``on_state`` (a simulated lifter in the demo and the bench). Returns
        the function that stops it."""
        self._watchers.append(fn)
        return lambda: self._watchers.remove(fn)

    def present(self, message: Message) -> None:
        """Show ``message`` (a :mod:`station.ui.view.messages` value) on the screen, if any."""
        if self.screen is not None:
            self.screen.present(message)

    # -------------------------------------------------------------- a set

    def run_set(self, plan: Plan, *, context: Context | None = None,
                until: float | None = None) -> SetResult:
        """Run one set to DONE (or quit). ``context``: passed to the screen
        with each snapshot (a ``ui.view.Context``: exercise, strip text...). ``until``: stop waiting at this
        instant (s) even if the set is not done (tests, demo)."""
        sess = session.start(plan, self.gesture_config)
        self._saved_total = 0
        result = SetResult(sess, snapshot(sess.set, self.now()))
        last_key = None
        items: list[object] = []
        ahead = None
        while True:
            # One tick a pass. First everything that came in up to this
            # instant, the items of the wait and those queued while the loop
            # worked (time moves meanwhile), each at its own instant; then
            # the deadlines up to ``now``. Every effect of every item and tick
            # is carried out: none is thrown away, none goes before the press
            # that came first.
            now = self.now()
            fx: list = []
            sounded: dict[int, float] = {}
            items.extend(self._ready())
            if ahead is not None and not items and now >= ahead.at:
                # woke at the deadline with nothing queued: its cues, computed
                # before the wait, go out before anything else is done
                sounded = self._sound(ahead.cues, result)
                sess, fx = ahead.sess, list(ahead.fx)
            for item in items:
                sess = self._feed(sess, item, now, fx)
            sess = session.tick(sess, now, fx)
            self._carry_out(fx, result, sounded)
            last_key = self._publish(sess, now, context, last_key)
            if sess.set.phase is Phase.DONE or (until is not None and now >= until):
                break
            deadline = _min(session.next_deadline(sess), until)
            ahead = tick_ahead(sess, deadline) if self.work_ahead else None
            items = self._wait(deadline, resting(sess), cued=ahead is not None and bool(ahead.cues))
        result.session = sess
        result.snapshot = snapshot(sess.set, self.now())
        result.quit = self.quit
        return result

    def _feed(self, sess: session.Session, item: object, now: float,
              fx: list) -> session.Session:
        """One queued item into the session at ``now`` (s); effects to ``fx``."""
        if isinstance(item, Edge):
            # up to the edge's own instant only: a release later in this
            # batch must not find its hold already decided
            sess, more = session.feed_edge(sess, item, min(item.at, now))
        elif isinstance(item, (Rep, Fail, Undo, End, Abort)):
            sess, more = session.feed(sess, item, now)
        elif isinstance(item, Quit):
            self.quit = item
            sess, more = session.feed(sess, Abort(now), now)
        elif isinstance(item, Note):
            self.note(item)
            return sess
        else:
            raise TypeError(f"main loop got an unknown item {item!r}")
        fx.extend(more)
        return sess

    def _ready(self) -> list[object]:
        """What is queued by now, without waiting (through the clock, so a
        scripted clock hands over what is due by its current instant)."""
        out: list[object] = []
        while True:
            try:
                out.append(self.clock.get(self.queue, 0.0))
            except queue.Empty:
                return out

    def _sound(self, cues: list[Cue], result: SetResult) -> dict[int, float]:
        """Play ``cues`` on every output, in order; returns id(cue) -> the
        instant (s) the first output was called, for each cue sounded.
        Cues of one instant (rep + rest at the fifth rep, fail + done) all
        go out in order: each output plays them one after the other, each
        in full (see station.core.cues.skip_queued for the only skips)."""
        out: dict[int, float] = {}
        for cue in cues:
            if self.now() - cue.at > STALE_S and cue.name in _SKIPPABLE:
                continue  # after a stall: a pile of stale pips would confuse
            actual = None
            for sink in self.sinks:
                t = self.now()
                sink.play(cue)
                result.lateness.setdefault(sink.name, []).append(t - cue.at)
                actual = t if actual is None else actual
            out[id(cue)] = actual if actual is not None else self.now()
        return out

    def _carry_out(self, effects: list, result: SetResult,
                   sounded: dict[int, float] | None = None) -> None:
        """Every effect: the cues not in ``sounded`` (already played, by
        id) are played now; all are recorded, then the records, then ``on_cue``."""
        cues = [e for e in effects if isinstance(e, Cue)]
        sounded = dict(sounded or {})
        sounded.update(self._sound([c for c in cues if id(c) not in sounded], result))
        told: list[Cue] = []
        for cue in cues:
            actual = sounded.get(id(cue))
            self._rec(cue, actual)  # None: not sounded (stale)
            if actual is not None:
                told.append(cue)
        for e in effects:
            if isinstance(e, (BoutChanged, BoutRemoved, SetChanged)):
                self._rec(e, None)
        if self._on_cue is not None:  # the remote hears each cue as it sounds
            for cue in told:
                self._on_cue(cue)

    def _after_records(self, fn: Callable[[], object],
                       unsaved: Callable[[], object] | None = None) -> None:
        """Run ``fn`` once the records queued so far are committed (with a
        recorder), else now: what the remote is told is saved (``SAVED``) is
        on disk, so a power cut cannot take back a rep the remote saw saved.
        When they were not committed (history off), ``unsaved`` runs instead."""
        if self._after_records_hook is not None:
            self._after_records_hook(fn, unsaved)
        else:
            fn()

    def _rec(self, effect: object, actual_at: float | None) -> None:
        if self._record is not None:
            self._record(effect, actual_at)

    def _publish(self, sess: session.Session, now: float, context: Context | None, last_key):
        snap = snapshot(sess.set, now)
        self.last_snapshot = snap
        # the counts, without visiting every bout (a flood must not cost O(bouts)):
        # any bout's reps changing changes the running total or the bout's own count
        counts = (snap.bout_index, snap.reps_in_bout, snap.total_reps, len(snap.bouts))
        key = (snap.phase, snap.bout_index, counts, snap.phase_ends_at,
               snap.cap_reached, snap.spotter_confirmed, snap.lowering_s)
        if key != last_key:
            self.present(ShowSet(snap, context))
            if self._on_state is not None:
                self._on_state(snap)  # the state is what the station holds, saved or not
            for watch in list(self._watchers):
                watch(snap)
            if self._on_saved is not None and snap.total_reps != self._saved_total:
                # the records of these reps were queued before this pass: once
                # they are committed, the remote may say "saved"; if they never
                # are (history off), it is told so instead
                prev, self._saved_total = self._saved_total, snap.total_reps
                total, on_saved, not_saved = snap.total_reps, self._on_saved, self._on_not_saved
                unsaved = None
                if not_saved is not None and total > prev:
                    unsaved = lambda: not_saved(total - prev)  # noqa: E731
                self._after_records(lambda: on_saved(total), unsaved)
            if self._status is not None and (last_key is None or key[0] != last_key[0]
                                             or key[2] != last_key[2]):
                self._status(_status_line(snap))
        return key

    # -------------------------------------------------------------- between sets

    def wait_gesture(self, until: float | None = None) -> Between:
        """Between sets: wait for one answer (:class:`~station.core.between.Between`),
        decided by the session's gesture rules: PRESS (pressed and released
        before the hold threshold), HOLD, LONG (a long hold or a remote END)
        or QUIT; TIMEOUT at ``until`` (s). Notes are shown meanwhile."""
        w = between.Waiting(self.gesture_config)
        while True:
            pending = between.next_deadline(w)  # a press being decided: a cue may follow
            items = self._wait(_min(pending, until), quiet=pending is None)
            now = self.now()
            for i, item in enumerate(items):
                answer = None
                if isinstance(item, Quit):
                    self.quit = item
                    answer = Between.QUIT
                elif isinstance(item, Note):
                    self.note(item)
                elif isinstance(item, Edge):
                    w, answer = between.on_edge(w, item)
                else:
                    answer = between.on_event(item)  # decoded by a remote
                if answer is not None:
                    self._backlog = items[i + 1:] + self._backlog  # for whoever waits next
                    return answer
            w, answer = between.on_time(w, now)
            if answer is not None:
                return answer
            if until is not None and now >= until:
                return Between.TIMEOUT


def _min(a: float | None, b: float | None) -> float | None:
    if a is None:
        return b
    if b is None:
        return a
    return min(a, b)


def _status_line(s: Snapshot) -> str:
    parts = [s.method, s.phase.value, f"bout {s.bout_index + 1}", f"reps {s.reps_in_bout}",
             f"total {s.total_reps}"]
    return " ".join(parts)
