"""A fast ``dataclasses.replace`` for the core's frozen state records.

The engine, the session and the gestures keep their state in frozen
dataclasses and make a new one for each change: about twenty for one press.
``dataclasses.replace`` goes through ``__init__`` and reads every field by
name each time (4-5 us each here, a quarter of the work between a press and
its ``rep`` cue). :func:`evolve` copies the instance's dict instead, for the
classes where that is the same thing.
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

T = TypeVar("T")

_UNKNOWN = object()
#: per class: the names :func:`evolve` may set by copying, or None (use replace)
_PLAIN: dict[type, frozenset[str] | None] = {}


def evolve(obj: T, **changes: Any) -> T:
    """``dataclasses.replace(obj, **changes)``. For a dataclass with no
    ``__post_init__``, every field an ``__init__`` field and a ``__dict__``
    (no slots), the new instance is a copy of ``obj``'s dict with
    ``changes``: what ``__init__`` would have stored. Any other class, or a
    name that is not a field (the same ``TypeError``), goes through
    ``dataclasses.replace``."""
    cls = type(obj)
    names = _PLAIN.get(cls, _UNKNOWN)
    if names is _UNKNOWN:
        names = _PLAIN[cls] = _plain_fields(cls)
    if names is None or not changes.keys() <= names:  # type: ignore[operator]
        return dataclasses.replace(obj, **changes)  # type: ignore[type-var]
    new = object.__new__(cls)
    d = new.__dict__
    d.update(obj.__dict__)
    d.update(changes)
    return new


def _plain_fields(cls: type) -> frozenset[str] | None:
    if not dataclasses.is_dataclass(cls) or hasattr(cls, "__post_init__") or "__slots__" in cls.__dict__:
        return None
    fields = dataclasses.fields(cls)
    if any(not f.init for f in fields):
        return None
    return frozenset(f.name for f in fields)
