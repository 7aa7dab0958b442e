"""A screen for tests: keeps every message the station shows, in order."""

from __future__ import annotations


class ScreenLog:
    """A screen (``present(message)``) that notes what it was shown in
    :attr:`shown`: the frozen messages of :mod:`station.ui.view.messages`."""

    def __init__(self) -> None:
        self.shown: list[object] = []

    def present(self, message: object) -> None:
        self.shown.append(message)
