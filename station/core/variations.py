"""Mechanical drop sets: which variations an exercise runs through (pure).

The load stays the same; after each failure the lifter switches to a
variation with better mechanical advantage (methods.md). The variations
depend on the exercise, so they come from the exercise: its own list in the
config (``[exercises.NAME] variations = [...]``), else a built-in list for
the exercises methods.md names (triceps extensions, the leg press), else
plain numbered variations: an exercise nobody described never gets another
exercise's names.
"""

from __future__ import annotations

#: Built-in lists, hardest leverage first (methods.md's examples).
TRICEPS = ("lying overhead extension", "skull-crusher", "chin-crusher")
LEG_PRESS = ("feet low", "feet middle", "feet high")
#: Words in an exercise's name that pick a built-in list.
_KNOWN = (
    (("tricep", "skull", "overhead-extension", "overhead extension"), TRICEPS),
    (("leg-press", "leg press", "legpress", "leg_press"), LEG_PRESS),
)
#: Variations without names, for an exercise with no list: 3 (three bouts,
#: two switches, as a drop set's 2-3 drops).
UNNAMED = ("variation 1", "variation 2", "variation 3")


def variations_for(exercise: str | None, configured: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The variations of a mechanical drop set on ``exercise`` (its config
    name, or None): ``configured`` if given, else a built-in list the name
    matches (triceps, leg press), else :data:`UNNAMED`."""
    if configured:
        return tuple(configured)
    name = (exercise or "").lower()
    for words, names in _KNOWN:
        if any(w in name for w in words):
            return names
    return UNNAMED
