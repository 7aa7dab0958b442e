"""What the command line asked of a run (:class:`Options`), and the config
file it names, read so that a broken file never stops the station."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from station.config import Config


@dataclass
class Options:
    """What the command line asked for; None = the config's choice."""

    method: str | None = None
    overrides: dict[str, object] = field(default_factory=dict)
    exercise: str | None = None
    load_kg: float | None = None
    pins: str | None = None
    serial: str | None = None
    display: str | None = None
    db: Path | None = None
    config: Path | None = None
    sound: bool = True
    sets: int | None = None  # stop after this many sets (None: until quit)


def load_config_or_defaults(path: Path | None) -> tuple[Config, str | None]:
    """(config, error text or None): a broken file gives defaults and the error."""
    from station.config import ConfigError, load_config, parse_config

    try:
        return load_config(path), None
    except ConfigError as exc:
        more = len(exc.errors) - 1
        tail = f" (and {more} more: station config check)" if more else ""
        return parse_config(""), f"config error, defaults in use: {exc}{tail}"
    except OSError as exc:
        return parse_config(""), f"config unreadable, defaults in use: {exc}"
