"""Simulated stations for the gym-scale tests and ``station coach bench``:
the real core session, the real history file and the real
:class:`~station.net.publisher.Publisher`, with a simulated lifter instead of
a button, screen and buzzer. Many stations share one scheduler thread.
"""

from __future__ import annotations

import heapq
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from station.config.net import MqttConfig
from station.core import session
from station.core.engine import snapshot
from station.core.events import BoutChanged, BoutRemoved, Cue, Phase, Rep, SetChanged
from station.core.methods import compile_plan
from station.history.store import History
from station.net.publisher import Publisher
from station.runtime.clock import Clock


@dataclass(frozen=True)
class Script:
    """What each simulated lifter does: ``sets`` sets of ``method`` with
    ``params``, a rep every ``cadence_s`` s while working, ``gap_s`` s between
    sets."""

    method: str = "cluster"
    params: tuple[tuple[str, object], ...] = (("reps", 3), ("rest", 2.0), ("duration", 8.0))
    sets: int = 3
    cadence_s: float = 0.5
    gap_s: float = 1.0


class SimStation:
    """One simulated station (use only from the :class:`Gym` thread)."""

    def __init__(self, cfg: MqttConfig, db: Path, clock: Clock, script: Script,
                 say: Callable[[str], None]) -> None:
        self.cfg, self.db, self.clock, self.script = cfg, db, clock, script
        self.history = History.open(db, clock.offset_s)
        self.history.mark_interrupted()
        self.publisher = Publisher(cfg, db_path=db, offset_s=clock.offset_s, now=clock.now,
                                   say=say).start()
        self.plan, _ = compile_plan(script.method, dict(script.params), 100.0)
        self.sets_done = 0
        self.sess: session.Session | None = None
        self._key: tuple[object, ...] | None = None
        self._next_rep_at = 0.0
        self._set_due_at: float | None = None

    @property
    def done(self) -> bool:
        return self.sets_done >= self.script.sets and self.sess is None

    def _begin(self, now: float) -> None:
        self.history.begin_session(self.plan.method, "squat", 100.0, dict(self.plan.params), "", now)
        self.publisher.context("squat")
        self.sess = session.start(self.plan)
        self._next_rep_at = now + self.script.cadence_s
        self._key = None

    def _carry(self, fx: list, now: float) -> None:
        assert self.sess is not None  # within a set
        for e in fx:
            if isinstance(e, Cue):
                self.history.apply(e, now)
                self.publisher.on_cue(e)
            elif isinstance(e, (BoutChanged, BoutRemoved, SetChanged)):
                self.history.apply(e, None)
        snap = snapshot(self.sess.set, now)
        key = (snap.phase, snap.bout_index, snap.reps_per_bout, snap.phase_ends_at)
        if key != self._key:
            self._key = key
            self.publisher.on_state(snap)

    def wake(self, now: float) -> float:
        """Act at ``now`` (s); returns when to wake next (s)."""
        if self.sess is None:
            if self.sets_done >= self.script.sets:
                return now + 3600.0
            if self._set_due_at is None:
                self._set_due_at = now
            if now < self._set_due_at:
                return self._set_due_at
            self._begin(now)
            assert self.sess is not None
        fx: list = []
        sess = session.tick(self.sess, now, fx)
        if sess.set.phase in (Phase.READY, Phase.WORK) and now >= self._next_rep_at:
            sess, more = session.feed(sess, Rep(now), now)
            fx.extend(more)
            sess = session.tick(sess, now, fx)
            self._next_rep_at = now + self.script.cadence_s
        elif sess.set.phase not in (Phase.READY, Phase.WORK):
            self._next_rep_at = max(self._next_rep_at, now + self.script.cadence_s)
        self.sess = sess
        self._carry(fx, now)
        if sess.set.phase is Phase.DONE:
            self.history.end_session()
            self.publisher.sets_changed()
            self.sets_done += 1
            self.sess = None
            self._set_due_at = now + self.script.gap_s
            return self._set_due_at
        nxt = session.next_deadline(sess)
        wake = self._next_rep_at if sess.set.phase in (Phase.READY, Phase.WORK) else None
        cands = [t for t in (nxt, wake) if t is not None]
        return min(cands) if cands else now + 0.1

    def close(self) -> None:
        self.publisher.close()
        self.history.close()


class Gym:
    """``n`` simulated stations named ``sim-001``... with histories in
    ``directory``, driven by one thread until :meth:`stop` or all are done."""

    def __init__(self, cfg: MqttConfig, directory: Path, n: int, script: Script = Script(),
                 say: Callable[[str], None] = lambda text: None, first: int = 1) -> None:
        self.cfg, self.dir, self.n, self.script, self.say = cfg, Path(directory), n, script, say
        self.first = first
        self.clock = Clock()
        self.stations: list[SimStation] = []
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="sim-gym", daemon=True)

    def ids(self) -> list[str]:
        return [f"sim-{i + self.first:03d}" for i in range(self.n)]

    def start(self) -> Gym:
        self._thread.start()
        self._ready.wait(60)
        if self._error:
            raise self._error
        return self

    def _run(self) -> None:
        try:
            for sid in self.ids():
                self.stations.append(SimStation(replace(self.cfg, station_id=sid),
                                                self.dir / f"{sid}.sqlite3", self.clock,
                                                self.script, self.say))
        except BaseException as exc:
            self._error = exc
            self._ready.set()
            return
        self._ready.set()
        now = self.clock.now()
        heap = [(now + i * 0.37 % 1.0, i) for i in range(len(self.stations))]  # staggered
        heapq.heapify(heap)
        try:
            while heap and not self._stop.is_set():
                at, i = heapq.heappop(heap)
                delay = at - self.clock.now()
                if delay > 0 and self._stop.wait(delay):
                    break
                st = self.stations[i]
                nxt = st.wake(self.clock.now())
                if not st.done:
                    heapq.heappush(heap, (nxt, i))
            self._stop.wait()  # publishers keep running (outboxes drain) until stop()
        finally:
            for st in self.stations:  # on this thread: the histories' sqlite connections are its own
                st.close()

    @property
    def finished(self) -> bool:
        """Every lifter has done every set (they may still be in the outboxes)."""
        return bool(self.stations) and all(s.done for s in self.stations)

    def drained(self) -> bool:
        """Every outbox is empty and nothing is waiting for a PUBACK."""
        return all(s.publisher.idle.is_set() for s in self.stations)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(30)
