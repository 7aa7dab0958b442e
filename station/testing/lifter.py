"""A simulated lifter: presses a button as a person on the bar would.

It watches the set through the snapshots the main loop hands to
:meth:`SimulatedLifter.see` (``MainLoop.watch_state``) and presses on its own
thread, in real time: ``press()`` and ``release()`` make the two edges (a
mock pin's ``drive_low``/``drive_high``, or posting the edges a pin would
give). Every press then goes through the same debounce and gesture rules as
a real one.

The demo and the bench use it with different paces: the demo's lifter
slows with fatigue, holds the button for failure after a planned number of
reps and confirms a spotter; the bench's keeps a steady rhythm and notes
each press (:attr:`on_rep`) to time the station's answer.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

from station.core.events import Phase
from station.core.snapshot import Snapshot

#: How often an idle lifter looks at the set again when no snapshot comes, s.
_POLL_S = 0.05


class SimulatedLifter:
    """Presses ``press()``/``release()`` while the set is in READY or WORK.

    A rep: ``rep_every_s`` s after the lifter sees the set ready for one (times
    ``1 + fatigue_per_rep * reps in the bout + fatigue_per_bout * bout index``),
    a press held ``down_s`` s. ``on_rep()`` is called just before each rep's
    press (the bench stamps the moment).

    ``failure_reps``: reps per bout after which the lifter fails (one entry per
    bout, the last repeating; None: never): instead of the next rep it holds
    the button ``fail_hold_s`` s, then rests ``after_fail_s`` s.
    ``confirm_after_s``: when the set asks for a spotter (CONFIRM), press
    ``confirm_down_s`` s after this many s; None: never confirm.
    ``look_s``: before each action the lifter looks up to this long for the
    set's next change (0: it acts on what it last saw, and looks again every
    50 ms while the set is not ready).

    Starts at once; :meth:`close` (or leaving the ``with``) stops it.
    """

    def __init__(
        self,
        press: Callable[[], None],
        release: Callable[[], None],
        *,
        rep_every_s: float,
        down_s: float,
        fatigue_per_rep: float = 0.0,
        fatigue_per_bout: float = 0.0,
        failure_reps: Sequence[int] | None = None,
        fail_hold_s: float = 1.3,
        after_fail_s: float = 0.5,
        confirm_after_s: float | None = None,
        confirm_down_s: float = 0.15,
        look_s: float = 0.0,
        on_rep: Callable[[], None] | None = None,
        name: str = "simulated-lifter",
    ) -> None:
        if rep_every_s < 0 or down_s <= 0:
            raise ValueError(f"need rep_every_s >= 0 and down_s > 0, got {rep_every_s}, {down_s}")
        self._press, self._release = press, release
        self.rep_every_s = rep_every_s
        self.down_s = down_s
        self.fatigue_per_rep = fatigue_per_rep
        self.fatigue_per_bout = fatigue_per_bout
        self.failure_reps = tuple(failure_reps) if failure_reps is not None else None
        self.fail_hold_s = fail_hold_s
        self.after_fail_s = after_fail_s
        self.confirm_after_s = confirm_after_s
        self.confirm_down_s = confirm_down_s
        self.look_s = look_s
        self.on_rep = on_rep
        self._snap: Snapshot | None = None
        self._cv = threading.Condition()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def see(self, snap: Snapshot) -> None:
        """The set as it is now (called by the main loop on every change). A
        steady lifter (no fatigue, no failure) reads only ``snap.phase``."""
        with self._cv:
            self._snap = snap
            self._cv.notify()

    def close(self) -> None:
        """Stop (a press in progress is released at once); waits up to 3 s."""
        self._stop.set()
        with self._cv:
            self._cv.notify()
        self._thread.join(timeout=3)

    def __enter__(self) -> SimulatedLifter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------ the lifter's thread

    def _now_snap(self) -> Snapshot | None:
        with self._cv:
            return self._snap

    def _hold(self, down_s: float) -> None:
        self._press()
        self._stop.wait(down_s)
        self._release()

    def _fatigue(self, snap: Snapshot) -> float:
        """How much slower than ``rep_every_s`` the next rep comes (1: not at all)."""
        if not (self.fatigue_per_rep or self.fatigue_per_bout):
            return 1.0  # a steady lifter reads nothing but the phase
        return 1 + self.fatigue_per_rep * snap.reps_in_bout + self.fatigue_per_bout * snap.bout_index

    def _goal(self, snap: Snapshot) -> int | None:
        """Reps in this bout after which the lifter fails, None: no failure."""
        if self.failure_reps is None:
            return None
        if snap.phase is Phase.READY:
            return self.failure_reps[0]
        return self.failure_reps[min(snap.bout_index, len(self.failure_reps) - 1)]

    def _run(self) -> None:
        acting = (Phase.READY, Phase.WORK)
        watching = acting if self.confirm_after_s is None else (*acting, Phase.CONFIRM)
        while not self._stop.is_set():
            with self._cv:
                if self.look_s:
                    self._cv.wait(self.look_s)  # a glance at the screen: the next change, or look_s
                snap = self._snap
                if snap is None or snap.phase not in watching:
                    if not self.look_s:
                        self._cv.wait(_POLL_S)
                    continue
            if snap.phase is Phase.CONFIRM:
                assert self.confirm_after_s is not None
                if not self._stop.wait(self.confirm_after_s):
                    self._hold(self.confirm_down_s)
                continue
            if self._stop.wait(self.rep_every_s * self._fatigue(snap)):
                return
            now_snap = self._now_snap()
            if now_snap is None or now_snap.phase not in acting:
                continue
            goal = self._goal(now_snap)
            if goal is not None and now_snap.reps_in_bout >= goal:
                self._hold(self.fail_hold_s)  # held past the hold time: failure
                self._stop.wait(self.after_fail_s)
            else:
                if self.on_rep is not None:
                    self.on_rep()
                self._hold(self.down_s)
