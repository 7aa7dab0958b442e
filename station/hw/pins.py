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

    Raises RuntimeError for "gpio" on a machine without GPIO. With "auto", any
    failure of the pin library (no library, not a Pi, a GPIO chip that cannot
    be opened: ``lgpio.error`` is a plain Exception) gives mock pins and a
    note naming the failure, never a crash: a station whose button is dead
    must still show the set and say why.
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
    except (BadPinFactory, ImportError) as exc:
        if choice == "gpio":
            raise RuntimeError(f"no GPIO on this machine ({exc}); use --pins mock") from exc
        return PinChoice(MockFactory(pin_class=MockPWMPin), "mock", "mock pins (no GPIO here)")
    except Exception as exc:  # lgpio.error, PinUnknownPi, OSError...: GPIO there but unusable
        why = f"{_qualified(exc)}: {exc}"
        if choice == "gpio":
            raise RuntimeError(f"GPIO unusable ({why}); use --pins mock") from exc
        return PinChoice(MockFactory(pin_class=MockPWMPin), "mock",
                         f"mock pins: GPIO unusable ({why}); the button does nothing")
    return PinChoice(factory, type(factory).__name__.replace("Factory", "").lower())


def _qualified(exc: BaseException) -> str:
    """``lgpio.error``, ``gpiozero.PinUnknownPi``, ``OSError``: the exception's
    type, after its package's name."""
    cls = type(exc)
    package = cls.__module__.split(".")[0]
    return cls.__qualname__ if package in ("builtins", "__main__") else f"{package}.{cls.__qualname__}"
