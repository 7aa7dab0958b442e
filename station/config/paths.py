"""Where the station's files are: the config searched for, the default history.

:func:`find_config_path`: an explicit path, else
``$XDG_CONFIG_HOME/station/station.toml`` (``~/.config/...`` when unset), then
``/etc/station/station.toml`` (:data:`SYSTEM_CONFIG_PATH`). :func:`xdg_dir`
is the XDG base-directory rule the others use (and ``station coach`` for its
own history).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from station.config.errors import ConfigError

SYSTEM_CONFIG_PATH = Path("/etc/station/station.toml")


def home(env: Mapping[str, str]) -> Path:
    """The user's home: ``$HOME``, else what the system says."""
    return Path(env["HOME"]) if env.get("HOME") else Path.home()


def xdg_dir(env: Mapping[str, str], var: str, fallback: str) -> Path:
    """The XDG base directory ``$var`` (e.g. ``XDG_DATA_HOME``), else
    ``fallback`` under the home (e.g. ``.local/share``)."""
    # The XDG spec says a relative value is invalid and must be ignored.
    value = env.get(var, "")
    return Path(value) if value and os.path.isabs(value) else home(env) / fallback


def default_db_path(env: Mapping[str, str] | None = None) -> Path:
    """``$XDG_DATA_HOME/station/history.sqlite3`` (``~/.local/share`` when unset)."""
    env = os.environ if env is None else env
    return xdg_dir(env, "XDG_DATA_HOME", ".local/share") / "station" / "history.sqlite3"


def search_paths(
    env: Mapping[str, str] | None = None, system_path: Path = SYSTEM_CONFIG_PATH
) -> tuple[Path, ...]:
    """The files looked for, in order: the user's, then the system one."""
    env = os.environ if env is None else env
    return (xdg_dir(env, "XDG_CONFIG_HOME", ".config") / "station" / "station.toml", system_path)


def find_config_path(
    explicit: Path | None,
    env: Mapping[str, str] | None = None,
    system_path: Path = SYSTEM_CONFIG_PATH,
) -> Path | None:
    """The config file to read: ``explicit`` (a ConfigError if it does not
    exist), else the first of :func:`search_paths` that exists, else None."""
    if explicit is not None:
        explicit = Path(explicit)
        if not explicit.is_file():
            problem = "is not a file" if explicit.exists() else "no such file"
            raise ConfigError(str(explicit), None, None, problem)
        return explicit
    for candidate in search_paths(env, system_path):
        if candidate.is_file():
            return candidate
    return None
