"""The first steps of ``station check``: which pin factory is in use (mock
pins on a Pi mean the GPIO library is missing) and which BCM pins the button,
the buzzer and the spotter's button are on."""

from __future__ import annotations

from pathlib import Path

from station.selftest.report import FAILED, OK
from station.selftest.walk import Walk

#: Where Linux names the board (a Raspberry Pi says so here).
BOARD_MODEL_PATH = Path("/proc/device-tree/model")

_MOCK_BUTTON = "no real pins: the space key (window or terminal display) is the button"


def read_board_model(path: Path = BOARD_MODEL_PATH) -> str | None:
    """The board's name ("Raspberry Pi 4 Model B Rev 1.4"), or None off a Pi-like board."""
    try:
        return path.read_bytes().rstrip(b"\0\n").decode("ascii", "replace") or None
    except OSError:
        return None


class WiringSteps(Walk):
    """The pin factory and the wiring steps."""

    def check_pins(self) -> None:
        choice = self.station.pin_choice
        if choice.name != "mock":
            self._add("pin factory", OK, choice.name)
            return
        board = self.board_model()
        if choice.note and board and "raspberry pi" in board.lower():
            self._add("pin factory", FAILED,
                      f"mock pins on a {board}: no GPIO library works here "
                      "(install lgpio: sudo apt install python3-lgpio)")
        elif choice.note:
            self._add("pin factory", OK, f"mock: no GPIO here; {_MOCK_BUTTON}")
        else:
            self._add("pin factory", OK, f"mock, as asked; {_MOCK_BUTTON}")

    def check_wiring(self) -> None:
        pins = self.station.config.pins
        parts = [f"button on BCM {pins.button}", f"buzzer on BCM {pins.buzzer} ({pins.buzzer_kind}"
                 + ("" if pins.buzzer_active_high else ", active low") + ")"]
        if pins.spotter_button:
            parts.append(f"spotter button on BCM {pins.spotter_button}")
        problems = [text for key, text in self.station.notes if key in ("button", "buzzer")]
        if problems:
            hint = "; is the station service running? (sudo systemctl stop station)"
            self._add("wiring", FAILED, "; ".join(problems) + hint)
        else:
            self._add("wiring", OK, ", ".join(parts))
