"""The start menu as a pure value: one button drives it.

A press moves to the next item (wrapping around after the last); a hold
chooses the item shown. Items are the built-in presets of
:data:`station.core.methods.PRESETS`, then the user's saved presets by name.
No pygame, no clock: the shell feeds gestures in and draws
:func:`to_model`'s result.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from station.core.methods import PRESETS, Preset
from station.ui.view import MenuModel, menu_model


@dataclass(frozen=True)
class MenuItem:
    """One choice. ``kind``: "preset" (built in) or "user" (a saved preset).
    ``name``: what to run (a PRESETS key, or the user preset's name).
    ``label``: the large line; ``detail``: the line under it."""

    kind: str
    name: str
    label: str
    detail: str = ""


@dataclass(frozen=True)
class Menu:
    """The menu state: ``items`` and the ``index`` of the one shown."""

    items: tuple[MenuItem, ...]
    index: int = 0

    def __post_init__(self) -> None:
        if not self.items:
            raise ValueError("a menu needs at least one item")
        if not 0 <= self.index < len(self.items):
            raise ValueError(f"menu index {self.index} is outside 0..{len(self.items) - 1}")

    @property
    def selected(self) -> MenuItem:
        """The item a hold would choose now."""
        return self.items[self.index]

    def press(self) -> Menu:
        """A press: the next item, the first again after the last."""
        return replace(self, index=(self.index + 1) % len(self.items))

    def hold(self) -> MenuItem:
        """A hold: the item chosen."""
        return self.selected


def build_menu(
    user_presets: Iterable[str] | Mapping[str, str] = (),
    presets: Mapping[str, Preset] | None = None,
) -> Menu:
    """Built-in presets first, then user presets (names, or name -> detail).

    A user preset whose name equals a built-in one is listed too (as "user"):
    the lifter saved it on purpose.
    """
    presets = PRESETS if presets is None else presets
    items = [MenuItem("preset", p.name, p.title, p.summary) for p in presets.values()]
    if isinstance(user_presets, Mapping):
        pairs = list(user_presets.items())
    else:
        pairs = [(name, "") for name in user_presets]
    for name, detail in pairs:
        if not str(name).strip():
            raise ValueError(f"a user preset needs a name, got {name!r}")
        items.append(MenuItem("user", str(name), str(name), detail or "saved preset"))
    return Menu(tuple(items))


def to_model(menu: Menu, notes: tuple[str, ...] = ()) -> MenuModel:
    """The screen model of ``menu``."""
    return menu_model(
        tuple(i.label for i in menu.items),
        tuple(i.detail for i in menu.items),
        menu.index,
        notes,
    )
