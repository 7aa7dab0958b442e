"""A GPIO push button as raw edges for the gesture rules.

The gpiozero callback only stamps the edge with the station clock and posts
it: no debouncing here (the core does it from timestamps; gpiozero's
``bounce_time`` would also hide the edge times we need) and nothing that
could block the pin's callback thread.

A ``DigitalInputDevice``, not a ``Button``: the station decides holds itself
(``core.gestures``), and a ``Button``'s hold thread would wake ten times a
second for nothing and cost 0.1 s to close.
"""

from __future__ import annotations

from collections.abc import Callable

from station.core.gestures import Edge


class ButtonInput:
    """The big button (or the spotter's) on BCM ``pin``, wired to GND with the
    internal pull-up. ``post``: a non-blocking queue put. ``now``: the station
    clock, s."""

    def __init__(self, pin: int, post: Callable[[object], None], now: Callable[[], float], *,
                 source: str = "gpio", pin_factory: object = None, pull_up: bool = True) -> None:
        from gpiozero import DigitalInputDevice

        self.source = source
        self._post = post
        self._now = now
        self._button = DigitalInputDevice(pin, pull_up=pull_up, bounce_time=None,
                                          pin_factory=pin_factory)
        self._button.when_activated = self._pressed
        self._button.when_deactivated = self._released

    def _pressed(self) -> None:
        self._post(Edge(True, self._now(), self.source))

    def _released(self) -> None:
        self._post(Edge(False, self._now(), self.source))

    @property
    def pin(self) -> object:
        """The gpiozero pin (a MockPin under mock pins: drive_low() presses)."""
        return self._button.pin

    def close(self) -> None:
        self._button.when_activated = None
        self._button.when_deactivated = None
        self._button.close()

    def __enter__(self) -> ButtonInput:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
