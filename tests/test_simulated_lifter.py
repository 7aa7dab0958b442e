"""The simulated lifter the demo and the bench share (station.testing.lifter):
what it presses, in what order, as the set it sees changes. Its paces are
real time, so they are kept tiny here; the tests wait on events, never on
how long a press took."""

from __future__ import annotations

import threading
import types

import pytest

from station.core.events import Phase
from station.testing.lifter import SimulatedLifter
from station.testing.snapshots import snapshot

WAIT_S = 5.0  # only reached when something is broken


class Bar:
    """A stand-in for the station: counts a press as a rep (or, when the
    lifter did not call ``on_rep`` first, a failure) and shows the lifter the
    set as it then is."""

    def __init__(self, phase: Phase = Phase.READY) -> None:
        self.said: list[str] = []
        self.reps = 0
        self.lifter: SimulatedLifter | None = None
        self.failed = threading.Event()
        self.phase = phase
        self._rep_next = False

    def on_rep(self) -> None:
        self._rep_next = True

    def press(self) -> None:
        self.said.append("down")

    def release(self) -> None:
        assert self.lifter is not None
        if self._rep_next:
            self.said.append("rep")
            self.reps += 1
            self.lifter.see(snapshot(phase=Phase.WORK, reps_in_bout=self.reps))
        else:
            self.said.append("failure" if self.phase is not Phase.CONFIRM else "confirm")
            self.phase = Phase.REST
            self.lifter.see(snapshot(phase=Phase.REST, reps_in_bout=self.reps))
            self.failed.set()
        self._rep_next = False


def test_reps_until_the_planned_failure_then_a_hold_and_then_nothing_while_resting():
    bar = Bar()
    lifter = SimulatedLifter(bar.press, bar.release, rep_every_s=0.005, down_s=0.005,
                             failure_reps=(3,), fail_hold_s=0.005, after_fail_s=0.0,
                             fatigue_per_rep=0.1, fatigue_per_bout=0.1, on_rep=bar.on_rep)
    bar.lifter = lifter
    with lifter:
        lifter.see(snapshot(phase=Phase.READY))
        assert bar.failed.wait(WAIT_S)
    assert bar.said == ["down", "rep"] * 3 + ["down", "failure"]


def test_a_spotter_check_is_confirmed_with_a_press_only_when_asked_to():
    bar = Bar(Phase.CONFIRM)
    lifter = SimulatedLifter(bar.press, bar.release, rep_every_s=0.005, down_s=0.005,
                             confirm_after_s=0.005, confirm_down_s=0.005, on_rep=bar.on_rep)
    bar.lifter = lifter
    with lifter:
        lifter.see(snapshot(phase=Phase.CONFIRM))
        assert bar.failed.wait(WAIT_S)
    assert bar.said == ["down", "confirm"]


def test_a_steady_lifter_reads_only_the_phase():
    # The bench's peer design has no snapshots: it shows the lifter a phase alone.
    pressed = threading.Semaphore(0)
    lifter = SimulatedLifter(pressed.release, lambda: None, rep_every_s=0.001, down_s=0.001)
    with lifter:
        lifter.see(types.SimpleNamespace(phase=Phase.WORK))  # type: ignore[arg-type]
        for _ in range(3):
            assert pressed.acquire(timeout=WAIT_S)


@pytest.mark.parametrize("kw", [{"rep_every_s": -1.0, "down_s": 0.1}, {"rep_every_s": 1.0, "down_s": 0.0}])
def test_a_pace_that_cannot_be_is_refused(kw):
    with pytest.raises(ValueError, match="rep_every_s"):
        SimulatedLifter(lambda: None, lambda: None, **kw)
