"""Choosing gpiozero's pin factory: the Pi's real pins, or mock pins."""

from __future__ import annotations

import warnings
from dataclasses import dataclass


@dataclass
class PinChoice:
    """The factory to pass as ``pin_factory=``, its name, and a note for the
    screen when it is not what was asked for (None when all is as asked)."""

    factory: object
    name: str
    note: str | None = None


def choose_pin_factory(choice: str = "auto") -> PinChoice:
    """``choice``: "gpio" (the Pi's pins; an error if there are none), "mock"
    (gpiozero's MockFactory) or "auto" (gpio where it works, else mock).

    Raises RuntimeError for "gpio" on a machine without GPIO.
    """
    from gpiozero.pins.mock import MockFactory, MockPWMPin

    if choice not in ("auto", "gpio", "mock"):
        raise ValueError(f"pins: expected auto, gpio or mock, got {choice!r}")
    if choice == "mock":
        return PinChoice(MockFactory(pin_class=MockPWMPin), "mock")
    from gpiozero import Device
    from gpiozero.exc import BadPinFactory

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            factory = Device._default_pin_factory()
    except (BadPinFactory, ImportError, OSError, RuntimeError) as exc:
        if choice == "gpio":
            raise RuntimeError(f"no GPIO on this machine ({exc}); use --pins mock") from exc
        return PinChoice(MockFactory(pin_class=MockPWMPin), "mock", "mock pins (no GPIO here)")
    return PinChoice(factory, type(factory).__name__.replace("Factory", "").lower())
