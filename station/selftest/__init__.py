"""The self-test behind ``station check``: for the person wiring the station.

It walks through the hardware one step at a time, printing each step (and
showing it on the station's screen): the pin factory in use, which BCM pins
the button and buzzer are on (:mod:`.wiring`), the display (:mod:`.screen`),
every cue on the buzzer and the speaker (:mod:`.sound`), then a press, a
hold and a double press on the real button (:mod:`.buttons`), the serial
ports present and the remote's link (:mod:`.remote`). Each step becomes one
:class:`Item` of the :class:`Report` (:mod:`.report`): OK, FAILED or
SKIPPED, with what was seen and, on a failure, what to check with the
soldering iron. :mod:`.walk` holds what the steps share (the loop's queue,
the output, the settings).

All instants (``*_at``) are station-clock seconds; durations (``*_s``) are
seconds.
"""

from __future__ import annotations

from collections.abc import Callable

from station.selftest.buttons import ButtonSteps, Seen
from station.selftest.remote import REMOTE_OPEN_MAX_S, RemoteSteps
from station.selftest.report import FAILED, OK, SKIPPED, Item, Report
from station.selftest.screen import ScreenSteps
from station.selftest.sound import SoundSteps, describe_cue, sound_device
from station.selftest.walk import CheckSettings, Stopped
from station.selftest.wiring import BOARD_MODEL_PATH, WiringSteps, read_board_model

__all__ = ["BOARD_MODEL_PATH", "FAILED", "OK", "REMOTE_OPEN_MAX_S", "SKIPPED", "CheckSettings", "Item",
           "Report", "Seen", "SelfTest", "describe_cue", "read_board_model", "sound_device"]


class SelfTest(WiringSteps, ScreenSteps, SoundSteps, ButtonSteps, RemoteSteps):
    """Runs the check on a built :class:`station.runtime.app.Station`.

    ``out(text)``: where each step's lines go (print). ``board_model``: the
    board's name, to tell "mock pins on a laptop" (fine) from "mock pins on a
    Pi" (the GPIO library is missing); None reads it from the system.
    """

    def __init__(self, station, settings: CheckSettings = CheckSettings(), *,
                 out: Callable[[str], None] = print,
                 board_model: Callable[[], str | None] = read_board_model) -> None:
        super().__init__(station, settings, out, board_model)

    def run(self) -> Report:
        """Every step in order; the report (also kept as ``self.report``)."""
        steps = [self.check_pins, self.check_display, self.check_wiring, self.check_cues, self.check_press,
                 self.check_hold, self.check_double, self.check_spotter, self.check_ports,
                 self.check_remote]
        for step in steps:
            try:
                step()
            except Stopped as exc:
                self.report.stopped = str(exc)
                break
        return self.report
