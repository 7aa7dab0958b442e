"""The pin-factory choice on a machine where GPIO is there but unusable."""

from __future__ import annotations

import sys
import types

import pytest

from station.hw.pins import choose_pin_factory


def _fake_lgpio() -> types.ModuleType:
    """A stand-in for the lgpio module: its constants are 0."""
    fake = types.ModuleType("lgpio")
    fake.__getattr__ = lambda name: 0  # PEP 562: SET_PULL_NONE and friends
    return fake


@pytest.fixture
def lgpio_without_a_chip(monkeypatch):
    """What the unit sees on plain Debian: GPIOZERO_PIN_FACTORY=lgpio, lgpio
    installed, a Pi, and /dev/gpiochip0 root:root 600, so lgpio.gpiochip_open
    raises lgpio.error (a plain Exception, not an OSError)."""
    fake = _fake_lgpio()

    class error(Exception):  # noqa: N801 - lgpio's own name
        pass

    error.__module__, error.__qualname__ = "lgpio", "error"
    fake.error = error

    def gpiochip_open(chip):
        raise error("can not open gpiochip")

    fake.gpiochip_open = gpiochip_open
    monkeypatch.setitem(sys.modules, "lgpio", fake)
    monkeypatch.delitem(sys.modules, "gpiozero.pins.lgpio", raising=False)
    monkeypatch.setenv("GPIOZERO_PIN_FACTORY", "lgpio")
    import gpiozero.pins.lgpio as lg

    # A Pi 4's board revision, as /proc/cpuinfo says on one.
    monkeypatch.setattr(lg.LGPIOFactory, "_get_revision", lambda self: 0xC03114)
    yield
    sys.modules.pop("gpiozero.pins.lgpio", None)


def test_an_unopenable_gpio_chip_gives_mock_pins_and_says_why(lgpio_without_a_chip):
    choice = choose_pin_factory("auto")
    assert choice.name == "mock"
    assert "lgpio.error" in choice.note and "can not open gpiochip" in choice.note


def test_an_unopenable_gpio_chip_is_an_error_when_gpio_is_asked_for(lgpio_without_a_chip):
    with pytest.raises(RuntimeError, match="lgpio.error: can not open gpiochip"):
        choose_pin_factory("gpio")


def test_not_a_pi_gives_mock_pins(monkeypatch):
    # lgpio installed on a PC (or a board gpiozero does not know): PinUnknownPi.
    fake = _fake_lgpio()
    fake.error = type("error", (Exception,), {})
    monkeypatch.setitem(sys.modules, "lgpio", fake)
    monkeypatch.delitem(sys.modules, "gpiozero.pins.lgpio", raising=False)
    monkeypatch.setenv("GPIOZERO_PIN_FACTORY", "lgpio")
    import gpiozero.pins.lgpio as lg
    from gpiozero.exc import PinUnknownPi

    def not_a_pi(self):
        raise PinUnknownPi("unable to determine RPi revision")

    monkeypatch.setattr(lg.LGPIOFactory, "_get_revision", not_a_pi)
    try:
        choice = choose_pin_factory("auto")
    finally:
        sys.modules.pop("gpiozero.pins.lgpio", None)
    assert choice.name == "mock" and "unable to determine RPi revision" in choice.note
